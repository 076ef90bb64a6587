/* caliper.c - Caliper 1.1/1.2 validation, mapping and storage (caliper.h).
 *
 * Three tables drive it: entity types with their parent (for "is a"),
 * event types with their actions and the entity types each role may hold,
 * and entity properties with the kind of value each must have (a field
 * table of ingest/validate.h, like xAPI's). Bodies are read with base/json. */
#include "ingest/caliper.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "ingest/validate.h"
#include "store/db.h"
#include "store/db_write.h"

/* ---- validation context (ingest/validate.h) ----------------------------- */

/* Caliper's context: properties no table names are not checked (Caliper
 * entities may carry any), and what the property checkers need. */
struct cctx {
	struct val_ctx c;     /* first: checkers get &x->c and cast back */
	int depth;	      /* entities nested in entities */
	bool strict_decimals; /* xsd:float must be written 50.0 (conformance mode) */
	const char *owner;    /* type of the entity whose properties are checked */
};

static struct cctx *C(struct val_ctx *c)
{
	return (struct cctx *)c;
}

static void cctx_init(struct cctx *x, const char *path, char *err, size_t cap, bool strict)
{
	memset(x, 0, sizeof *x);
	val_init(&x->c, path, err, cap);
	x->c.ignore_unknown = true;
	x->strict_decimals = strict;
}

/* ---- lexical ------------------------------------------------------------ */

static bool is_iri(const char *s)
{
	return val_is_iri(s, false);
}

static bool is_urn_uuid(const char *s)
{
	if (strncmp(s, "urn:uuid:", 9))
		return false;
	s += 9;
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool is_datetime(const char *s)
{
	int64_t t;
	int32_t ms;
	return s && time_parse_iso(str_from(s), &t, &ms) == EB_OK;
}

static bool parse_time(const char *s, int64_t *t)
{
	int32_t ms;
	return s && time_parse_iso(str_from(s), t, &ms) == EB_OK;
}

/* ISO 8601 duration to seconds; Caliper allows a fraction on any number. */
static bool parse_duration(const char *s, double *secs)
{
	return val_parse_duration(s, false, secs);
}

/* ---- entity types --------------------------------------------------------- */

static const struct {
	const char *type, *parent;
} entity_types[] = { { "Entity", NULL },
		     { "Agent", "Entity" },
		     { "Person", "Agent" },
		     { "SoftwareApplication", "Agent" },
		     { "Organization", "Agent" },
		     { "CourseOffering", "Organization" },
		     { "CourseSection", "CourseOffering" },
		     { "Group", "Organization" },
		     { "DigitalResource", "Entity" },
		     { "AssignableDigitalResource", "DigitalResource" },
		     { "Assessment", "AssignableDigitalResource" },
		     { "AssessmentItem", "AssignableDigitalResource" },
		     { "Chapter", "DigitalResource" },
		     { "Document", "DigitalResource" },
		     { "Frame", "DigitalResource" },
		     { "Page", "DigitalResource" },
		     { "WebPage", "DigitalResource" },
		     { "MediaObject", "DigitalResource" },
		     { "AudioObject", "MediaObject" },
		     { "ImageObject", "MediaObject" },
		     { "VideoObject", "MediaObject" },
		     { "MediaLocation", "DigitalResource" },
		     { "Message", "DigitalResource" },
		     { "DigitalResourceCollection", "DigitalResource" },
		     { "Forum", "DigitalResourceCollection" },
		     { "Thread", "DigitalResourceCollection" },
		     { "Questionnaire", "DigitalResourceCollection" },
		     { "QuestionnaireItem", "DigitalResource" },
		     { "LtiLink", "Link" },
		     { "Link", "Entity" },
		     { "Annotation", "Entity" },
		     { "BookmarkAnnotation", "Annotation" },
		     { "HighlightAnnotation", "Annotation" },
		     { "SharedAnnotation", "Annotation" },
		     { "TagAnnotation", "Annotation" },
		     { "Attempt", "Entity" },
		     { "Response", "Entity" },
		     { "FillinBlankResponse", "Response" },
		     { "MultipleChoiceResponse", "Response" },
		     { "MultipleResponseResponse", "Response" },
		     { "SelectTextResponse", "Response" },
		     { "TrueFalseResponse", "Response" },
		     { "OpenEndedResponse", "Response" },
		     { "RatingScaleResponse", "Response" },
		     { "MultiselectResponse", "Response" },
		     { "DateTimeResponse", "Response" },
		     { "Result", "Entity" },
		     { "Score", "Entity" },
		     { "Session", "Entity" },
		     { "LtiSession", "Session" },
		     { "Membership", "Entity" },
		     { "LearningObjective", "Entity" },
		     { "Collection", "Entity" },
		     { "AggregateMeasure", "Entity" },
		     { "AggregateMeasureCollection", "Collection" },
		     { "Comment", "Entity" },
		     { "Rating", "Entity" },
		     { "Query", "Entity" },
		     { "SearchResponse", "Entity" },
		     { "SurveyInvitation", "Entity" },
		     { "Survey", "Collection" },
		     { "Question", "Entity" },
		     { "OpenEndedQuestion", "Question" },
		     { "RatingScaleQuestion", "Question" },
		     { "MultiselectQuestion", "Question" },
		     { "DateTimeQuestion", "Question" },
		     { "Scale", "Entity" },
		     { "LikertScale", "Scale" },
		     { "MultiselectScale", "Scale" },
		     { "NumericScale", "Scale" },
		     { "SystemIdentifier", NULL },
		     { "TextPositionSelector", NULL },
		     { NULL, NULL } };

static int type_index(const char *t)
{
	for (int i = 0; t && entity_types[i].type; i++)
		if (!strcmp(entity_types[i].type, t))
			return i;
	return -1;
}

/* Whether type t is base or derives from it. */
static bool type_is_a(const char *t, const char *base)
{
	for (int guard = 0; t && guard < 16; guard++) {
		if (!strcmp(t, base))
			return true;
		int i = type_index(t);
		t = i < 0 ? NULL : entity_types[i].parent;
	}
	return false;
}

/* bases: space-separated list of acceptable base types. */
static bool type_in(const char *t, const char *bases)
{
	char one[48];
	while (*bases) {
		size_t n = strcspn(bases, " ");
		if (n < sizeof one) {
			memcpy(one, bases, n);
			one[n] = '\0';
			if (type_is_a(t, one))
				return true;
		}
		bases += n;
		while (*bases == ' ')
			bases++;
	}
	return false;
}

static bool word_in(const char *w, const char *list)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* ---- entity properties ---------------------------------------------------- */

#define LIS_ROLES                                                                                  \
	"Administrator Administrator#Administrator Administrator#Developer"                        \
	" Administrator#ExternalDeveloper Administrator#ExternalSupport"                           \
	" Administrator#ExternalSystemAdministrator Administrator#Support"                         \
	" Administrator#SystemAdministrator ContentDeveloper ContentDeveloper#ContentDeveloper"    \
	" ContentDeveloper#ContentExpert ContentDeveloper#ExternalContentExpert"                   \
	" ContentDeveloper#Librarian Instructor Instructor#ExternalInstructor Instructor#Grader"   \
	" Instructor#GuestInstructor Instructor#Instructor Instructor#Lecturer"                    \
	" Instructor#PrimaryInstructor Instructor#SecondaryInstructor "                            \
	"Instructor#TeachingAssistant"                                                             \
	" Instructor#TeachingAssistantGroup Instructor#TeachingAssistantOffering"                  \
	" Instructor#TeachingAssistantSection Instructor#TeachingAssistantTemplate Learner"        \
	" Learner#ExternalLearner Learner#GuestLearner Learner#Learner Learner#NonCreditLearner"   \
	" Manager Manager#AreaManager Manager#CourseCoordinator Manager#ExternalObserver"          \
	" Manager#Manager Manager#Observer Member Member#Member Mentor Mentor#Advisor"             \
	" Mentor#ExternalAdvisor Mentor#ExternalAuditor Mentor#ExternalLearningFacilitator"        \
	" Mentor#ExternalMentor Mentor#ExternalReviewer Mentor#ExternalTutor"                      \
	" Mentor#LearningFacilitator Mentor#Mentor Mentor#Reviewer Mentor#Tutor Officer"           \
	" Officer#Chair Officer#Secretary Officer#Treasurer Officer#Vice-Chair"

/* What a collection's items must be. */
static const struct {
	const char *container, *items;
} items_base[] = { { "Assessment", "AssessmentItem" },
		   { "Forum", "Thread" },
		   { "Thread", "Message" },
		   { "Questionnaire", "QuestionnaireItem" },
		   { "Survey", "Questionnaire" },
		   { "AggregateMeasureCollection", "AggregateMeasure" },
		   { "DigitalResourceCollection", "DigitalResource" },
		   { NULL, NULL } };

/* Where a type narrows a reference property. */
static const struct {
	const char *owner, *prop, *bases;
} ref_overrides[] = { { "Attempt", "isPartOf", "Attempt" },
		      { "Query", "creator", "Person" },
		      { NULL, NULL, NULL } };

/* Properties a type must carry besides id/type. */
static const struct {
	const char *type, *props;
} required_props[] = { { "AggregateMeasure", "metric metricValue" },
		       { "SystemIdentifier", "identifier identifierType" },
		       { "Score", "attempt" },
		       { "Result", "attempt" },
		       { NULL, NULL } };

static const char *const caliper_contexts[] = { "http://purl.imsglobal.org/ctx/caliper/v1p2",
						"http://purl.imsglobal.org/ctx/caliper/v1p1",
						NULL };

static bool known_context(const char *s)
{
	for (const char *const *c = caliper_contexts; *c; c++)
		if (!strcmp(*c, s))
			return true;
	/* profile extension contexts published under the Caliper namespace */
	return !strncmp(s, "http://purl.imsglobal.org/ctx/caliper/v1p", 41);
}

static int check_context(struct val_ctx *c, struct jv *v)
{
	size_t m = val_push_key(c, "@context");
	int r = 0;
	if (jv_is_string(v)) {
		if (!known_context(jv_str(v)))
			r = val_fail(c, "'%s' is not a Caliper context", jv_str(v));
	} else if (jv_is_array(v)) {
		bool found = false;
		size_t i;
		struct jv *x;
		jv_array_foreach(v, i, x) found |= jv_is_string(x) && known_context(jv_str(x));
		if (!found)
			r = val_fail(c, "no Caliper context in the list");
	} else if (jv_is_object(v)) {
		/* an inline JSON-LD context: it must define terms in the Caliper vocabulary */
		const char *k;
		struct jv *x;
		bool found = false;
		jv_object_foreach(v, k, x)
			found |= jv_is_string(x) &&
				 !strncmp(jv_str(x), "http://purl.imsglobal.org/caliper/", 34);
		if (!found)
			r = val_fail(c, "inline context does not use the Caliper vocabulary");
	} else {
		r = val_fail(c, "must be a context IRI, an inline context or a list");
	}
	val_pop(c, m);
	return r;
}

static int check_entity(struct val_ctx *c, struct jv *e, const char *bases, bool need_id);

/* A reference: an IRI string or an entity object of one of bases. */
static int check_ref(struct val_ctx *c, struct jv *v, const char *bases)
{
	if (jv_is_string(v))
		return is_iri(jv_str(v)) ? 0 : val_fail(c, "must be an entity object or an IRI");
	if (jv_is_object(v))
		return check_entity(c, v, bases, true);
	return val_fail(c, "must be an entity object or an IRI");
}

/* ---- entity property checkers (one per kind of value) ----------------------- */

static int k_str(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) ? 0 : val_fail(c, "must be a string");
}

static int k_int(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_integer(v) ? 0 : val_fail(c, "must be an integer");
}

static int k_num(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	/* xsd:float in the Caliper context: a decimal, 50.0 rather than 50 */
	if (C(c)->strict_decimals)
		return jv_is_real(v) ? 0 : val_fail(c, "must be a decimal number (e.g. 50.0)");
	return jv_is_number(v) ? 0 : val_fail(c, "must be a number");
}

static int k_bool(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_boolean(v) ? 0 : val_fail(c, "must be true or false");
}

static int k_date(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && is_datetime(jv_str(v))
		       ? 0
		       : val_fail(c, "must be an ISO 8601 date-time");
}

static int k_dur(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && parse_duration(jv_str(v), NULL)
		       ? 0
		       : val_fail(c, "must be an ISO 8601 duration");
}

/* f->arg: the allowed words */
static int k_enum(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && word_in(jv_str(v), f->arg)
		       ? 0
		       : val_fail(c, "'%s' is not an allowed value",
				  jv_is_string(v) ? jv_str(v) : "(not a string)");
}

static int k_object(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_object(v) ? 0 : val_fail(c, "must be an object");
}

static int k_extensions(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_object(v) ? 0 : val_fail(c, "must be an object");
}

/* f->arg: the base types, unless the owner's type narrows them */
static int k_ref(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *bases = f->arg, *owner = C(c)->owner;
	for (size_t i = 0; ref_overrides[i].owner; i++)
		if (owner && !strcmp(ref_overrides[i].owner, owner) &&
		    !strcmp(ref_overrides[i].prop, f->name))
			bases = ref_overrides[i].bases;
	return check_ref(c, v, bases);
}

/* A list whose items each pass item (with f) at their index. */
static int check_list(struct val_ctx *c, struct jv *v, const struct val_field *f,
		      int (*item)(struct val_ctx *c, struct jv *x, const struct val_field *f,
				  const char *bases),
		      const char *bases)
{
	if (!jv_is_array(v))
		return val_fail(c, "must be a list");
	size_t i;
	struct jv *x;
	jv_array_foreach(v, i, x)
	{
		size_t m = val_push_index(c, i);
		int r = item(c, x, f, bases);
		val_pop(c, m);
		if (r)
			return -1;
	}
	return 0;
}

static int str_item(struct val_ctx *c, struct jv *x, const struct val_field *f, const char *b)
{
	return jv_is_string(x) ? 0 : val_fail(c, "must be a string");
}

static int enum_item(struct val_ctx *c, struct jv *x, const struct val_field *f, const char *b)
{
	return jv_is_string(x) && word_in(jv_str(x), f->arg)
		       ? 0
		       : val_fail(c, "is not an allowed value");
}

static int ref_item(struct val_ctx *c, struct jv *x, const struct val_field *f, const char *b)
{
	return check_ref(c, x, b);
}

static int k_strlist(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_list(c, v, f, str_item, NULL);
}

static int k_enumlist(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_list(c, v, f, enum_item, NULL);
}

/* f->arg: the base types; NULL: what the owner, a collection, holds */
static int k_reflist(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *bases = f->arg, *owner = C(c)->owner;
	if (!bases) {
		bases = "Entity";
		for (size_t i = 0; items_base[i].container; i++)
			if (owner && type_is_a(owner, items_base[i].container)) {
				bases = items_base[i].items;
				break;
			}
	}
	return check_list(c, v, f, ref_item, bases);
}

/* Entity properties and the kind of value each must have; properties not
 * named here are not checked. */
static const struct val_field props[] = {
	{ "name", k_str, 0, NULL },
	{ "description", k_str, 0, NULL },
	{ "version", k_str, 0, NULL },
	{ "mediaType", k_str, 0, NULL },
	{ "storageName", k_str, 0, NULL },
	{ "courseNumber", k_str, 0, NULL },
	{ "academicSession", k_str, 0, NULL },
	{ "category", k_str, 0, NULL },
	{ "body", k_str, 0, NULL },
	{ "identifier", k_str, 0, NULL },
	{ "host", k_str, 0, NULL },
	{ "ipAddress", k_str, 0, NULL },
	{ "userAgent", k_str, 0, NULL },
	{ "bookmarkNotes", k_str, 0, NULL },
	{ "selectionText", k_str, 0, NULL },
	{ "questionPosed", k_str, 0, NULL },
	{ "minLabel", k_str, 0, NULL },
	{ "maxLabel", k_str, 0, NULL },
	{ "comment", k_str, 0, NULL },
	{ "value", k_str, 0, NULL },
	{ "label", k_str, 0, NULL },
	{ "title", k_str, 0, NULL },
	{ "searchTerms", k_str, 0, NULL },
	{ "volumeLevel", k_str, 0, NULL },
	{ "volumeMin", k_str, 0, NULL },
	{ "volumeMax", k_str, 0, NULL },
	{ "count", k_int, 0, NULL },
	{ "start", k_int, 0, NULL },
	{ "end", k_int, 0, NULL },
	{ "index", k_int, 0, NULL },
	{ "maxAttempts", k_int, 0, NULL },
	{ "maxSubmits", k_int, 0, NULL },
	{ "maxSelections", k_int, 0, NULL },
	{ "minSelections", k_int, 0, NULL },
	{ "points", k_int, 0, NULL },
	{ "scalePoints", k_int, 0, NULL },
	{ "searchResultsItemCount", k_int, 0, NULL },
	{ "sentCount", k_int, 0, NULL },
	{ "height", k_int, 0, NULL },
	{ "width", k_int, 0, NULL },
	{ "maxMetricValue", k_num, 0, NULL },
	{ "maxResultScore", k_num, 0, NULL },
	{ "maxScore", k_num, 0, NULL },
	{ "maxValue", k_num, 0, NULL },
	{ "metricValue", k_num, 0, NULL },
	{ "minValue", k_num, 0, NULL },
	{ "resultScore", k_num, 0, NULL },
	{ "scoreGiven", k_num, 0, NULL },
	{ "step", k_num, 0, NULL },
	{ "weight", k_num, 0, NULL },
	{ "isOrderedSelection", k_bool, 0, NULL },
	{ "isTimeDependent", k_bool, 0, NULL },
	{ "muted", k_bool, 0, NULL },
	{ "dateCreated", k_date, 0, NULL },
	{ "dateModified", k_date, 0, NULL },
	{ "datePublished", k_date, 0, NULL },
	{ "dateSent", k_date, 0, NULL },
	{ "dateTimeSelected", k_date, 0, NULL },
	{ "dateToActivate", k_date, 0, NULL },
	{ "dateToShow", k_date, 0, NULL },
	{ "dateToStartOn", k_date, 0, NULL },
	{ "dateToSubmit", k_date, 0, NULL },
	{ "endedAtTime", k_date, 0, NULL },
	{ "maxDateTime", k_date, 0, NULL },
	{ "minDateTime", k_date, 0, NULL },
	{ "startedAtTime", k_date, 0, NULL },
	{ "currentTime", k_dur, 0, NULL },
	{ "duration", k_dur, 0, NULL },
	{ "categories", k_strlist, 0, NULL },
	{ "itemLabels", k_strlist, 0, NULL },
	{ "itemValues", k_strlist, 0, NULL },
	{ "keywords", k_strlist, 0, NULL },
	{ "tags", k_strlist, 0, NULL },
	{ "selections", k_strlist, 0, NULL },
	{ "values", k_strlist, 0, NULL },
	{ "annotated", k_ref, 0, "DigitalResource" },
	{ "annotator", k_ref, 0, "Person" },
	{ "assignable", k_ref, 0, "DigitalResource" },
	{ "assignee", k_ref, 0, "Person" },
	{ "attempt", k_ref, 0, "Attempt" },
	{ "creator", k_ref, 0, "Agent" },
	{ "creators", k_reflist, 0, "Agent" },
	{ "isPartOf", k_ref, 0, "Entity" },
	{ "member", k_ref, 0, "Agent" },
	{ "members", k_reflist, 0, "Agent" },
	{ "organization", k_ref, 0, "Organization" },
	{ "replyTo", k_ref, 0, "Message" },
	{ "scoredBy", k_ref, 0, "Agent" },
	{ "searchProvider", k_ref, 0, "SoftwareApplication" },
	{ "searchTarget", k_ref, 0, "Entity" },
	{ "query", k_ref, 0, "Query" },
	{ "rater", k_ref, 0, "Person" },
	{ "ratingComment", k_ref, 0, "Comment" },
	{ "question", k_ref, 0, "Question" },
	{ "scale", k_ref, 0, "Scale" },
	{ "survey", k_ref, 0, "Survey" },
	{ "subOrganizationOf", k_ref, 0, "Organization" },
	{ "withAgents", k_reflist, 0, "Agent" },
	{ "user", k_ref, 0, "Person" },
	{ "client", k_ref, 0, "SoftwareApplication" },
	{ "commenter", k_ref, 0, "Person" },
	{ "commentedOn", k_ref, 0, "Entity" },
	{ "rated", k_ref, 0, "Entity" },
	{ "selection", k_ref, 0, "TextPositionSelector" },
	{ "source", k_ref, 0, "SoftwareApplication" },
	{ "otherIdentifiers", k_reflist, 0, "SystemIdentifier" },
	{ "attachments", k_reflist, 0, "DigitalResource" },
	{ "learningObjectives", k_reflist, 0, "LearningObjective" },
	{ "items", k_reflist, 0, NULL }, /* depends on the container, see items_base */
	{ "creator", k_ref, 0, "Agent" },
	{ "metric", k_enum, 0,
	  "AssessmentsPassed AssessmentsSubmitted MinutesOnTask SkillsMastered"
	  " StandardsMastered UnitsCompleted UnitsPassed WordsRead" },
	{ "identifierType", k_enum, 0,
	  "AccountUserName CaseItemUri EmailAddress LisSourcedId"
	  " LtiContextId LtiDeploymentId LtiPlatformId LtiToolId LtiUserId"
	  " OneRosterSourcedId Other SisSourcedId SystemId" },
	{ "messageType", k_enum, 0,
	  "LtiResourceLinkRequest LtiDeepLinkingRequest"
	  " LtiDeepLinkingResponse" },
	{ "status", k_enum, 0, "Active Inactive" },
	{ "roles", k_enumlist, 0, LIS_ROLES },
	{ "messageParameters", k_object, 0, NULL },
	{ "extensions", k_extensions, VAL_CHECKS_NULL, NULL },
	{ NULL, NULL, 0, NULL }
};

static int check_entity(struct val_ctx *c, struct jv *e, const char *bases, bool need_id)
{
	struct cctx *x = C(c);
	if (++x->depth > 32) {
		x->depth--;
		return val_fail(c, "entities nested too deeply");
	}
	int r = -1;
	struct jv *t = jv_get(e, "type");
	const char *type = jv_str(t);
	struct jv *id = jv_get(e, "id");
	size_t m;
	if (!type) {
		m = val_push_key(c, "type");
		val_fail(c, t ? "must be a string" : "is required");
		val_pop(c, m);
		goto out;
	}
	if (type_index(type) < 0) {
		m = val_push_key(c, "type");
		val_fail(c, "'%s' is not a Caliper entity type", type);
		val_pop(c, m);
		goto out;
	}
	if (bases && !type_in(type, bases)) {
		val_fail(c, "a %s is not allowed here (expected %s)", type, bases);
		goto out;
	}
	bool idless = !strcmp(type, "SystemIdentifier") || !strcmp(type, "TextPositionSelector");
	if (!idless && need_id && (!id || !jv_is_string(id))) {
		m = val_push_key(c, "id");
		val_fail(c, id ? "must be an IRI string" : "is required");
		val_pop(c, m);
		goto out;
	}
	if (id && (!jv_is_string(id) || !is_iri(jv_str(id)))) {
		m = val_push_key(c, "id");
		val_fail(c, "must be an IRI");
		val_pop(c, m);
		goto out;
	}
	struct jv *ctx = jv_get(e, "@context");
	if (ctx && check_context(c, ctx))
		goto out;
	for (size_t i = 0; required_props[i].type; i++) {
		if (strcmp(required_props[i].type, type))
			continue;
		const char *p = required_props[i].props;
		while (*p) {
			char name[48];
			size_t n = strcspn(p, " ");
			snprintf(name, sizeof name, "%.*s", (int)n, p);
			struct jv *v = jv_get(e, name);
			if (!v || jv_is_null(v)) {
				m = val_push_key(c, name);
				val_fail(c, "is required for %s", type);
				val_pop(c, m);
				goto out;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	const char *owner = x->owner; /* entities nest: restore it after */
	x->owner = type;
	int checked = val_check_fields(c, e, props);
	x->owner = owner;
	if (checked)
		goto out;
	r = 0;
out:
	x->depth--;
	return r;
}

enum eb_err caliper_validate_entity(struct jv *entity, const char *path, char *err, size_t errcap)
{
	struct cctx x;
	cctx_init(&x, path, err, errcap, true);
	if (!jv_is_object(entity)) {
		val_fail(&x.c, "must be an object");
		return EB_EINVAL;
	}
	struct jv *ctx = jv_get(entity, "@context");
	if (ctx && check_context(&x.c, ctx))
		return EB_EINVAL;
	return check_entity(&x.c, entity, NULL, true) ? EB_EINVAL : EB_OK;
}

/* ---- events ------------------------------------------------------------- */

#define ALL_ACTIONS                                                                                \
	"Abandoned Accepted Activated Added Archived Attached Bookmarked ChangedResolution"        \
	" ChangedSize ChangedSpeed ChangedVolume Classified ClosedPopout Commented Completed"      \
	" Copied Created Deactivated Declined Deleted Described DisabledClosedCaptioning"          \
	" Disliked Downloaded EnabledClosedCaptioning Ended EnteredFullScreen ExitedFullScreen"    \
	" ForwardedTo Graded Hid Highlighted Identified JumpedTo Launched Liked Linked LoggedIn"   \
	" LoggedOut MarkedAsRead MarkedAsUnread Modified Muted NavigatedTo OpenedPopout OptedIn"   \
	" OptedOut Paused Posted Printed Published Questioned Ranked Recommended Removed Reset"    \
	" Restarted Restored Resumed Retrieved Returned Reviewed Rewound Saved Searched Sent"      \
	" Shared Showed Skipped Started Submitted Subscribed Tagged TimedOut Unmuted Unpublished"  \
	" Unsubscribed Uploaded Used Viewed"

enum map_kind {
	MAP_NONE,
	MAP_ASSESSMENT,
	MAP_ITEM,
	MAP_GRADE,
	MAP_TOOLUSE,
	MAP_SESSION,
	MAP_MEDIA,
	MAP_VIEW,
	MAP_NAVIGATION
};

/* Caliper 1.2 profiles: actions and the entity types of each role. NULL
 * role types mean "any entity". */
static const struct event_rule {
	const char *type, *actions, *actor, *object, *generated, *target, *referrer;
	enum map_kind map;
} event_rules[] = {
	{ "Event", ALL_ACTIONS, "Agent", NULL, NULL, NULL, NULL, MAP_NONE },
	{ "AnnotationEvent", "Bookmarked Highlighted Shared Tagged", "Person", "DigitalResource",
	  "Annotation", "DigitalResource", NULL, MAP_NONE },
	{ "AssessmentEvent", "Started Paused Resumed Restarted Reset Submitted", "Person",
	  "Assessment", "Attempt", NULL, NULL, MAP_ASSESSMENT },
	{ "AssessmentItemEvent", "Started Skipped Completed", "Person", "AssessmentItem",
	  "Attempt Response", NULL, "DigitalResource SoftwareApplication", MAP_ITEM },
	{ "AssignableEvent", "Activated Deactivated Started Completed Submitted Reviewed", "Person",
	  "AssignableDigitalResource", "Attempt", "DigitalResource", NULL, MAP_NONE },
	{ "FeedbackEvent", "Commented Ranked", "Person", NULL, "Comment Rating", "DigitalResource",
	  NULL, MAP_NONE },
	{ "ForumEvent", "Subscribed Unsubscribed", "Person", "Forum", NULL, NULL, NULL, MAP_NONE },
	{ "GradeEvent", "Graded", "Agent", "Attempt", "Score Result", NULL, NULL, MAP_GRADE },
	{ "MediaEvent",
	  "Started Ended Paused Resumed Restarted ForwardedTo JumpedTo"
	  " ChangedResolution ChangedSize ChangedSpeed ChangedVolume EnabledClosedCaptioning"
	  " DisabledClosedCaptioning EnteredFullScreen ExitedFullScreen Muted Unmuted"
	  " OpenedPopout ClosedPopout",
	  "Person", "MediaObject", NULL, "MediaLocation", NULL, MAP_MEDIA },
	{ "MessageEvent", "Posted MarkedAsRead MarkedAsUnread", "Person", "Message", NULL, NULL,
	  NULL, MAP_NONE },
	{ "NavigationEvent", "NavigatedTo", "Person", "DigitalResource SoftwareApplication", NULL,
	  "DigitalResource", "DigitalResource SoftwareApplication", MAP_NAVIGATION },
	{ "QuestionnaireEvent", "Started Submitted", "Person", "Questionnaire", NULL, NULL, NULL,
	  MAP_NONE },
	{ "QuestionnaireItemEvent", "Started Completed Skipped", "Person", "QuestionnaireItem",
	  "Response", NULL, NULL, MAP_NONE },
	{ "ResourceManagementEvent",
	  "Archived Copied Created Deleted Described Downloaded"
	  " Modified Printed Published Restored Retrieved Saved Unarchived Unpublished Uploaded",
	  "Person", "DigitalResource", "DigitalResource", NULL, NULL, MAP_NONE },
	{ "SearchEvent", "Searched", "Person", NULL, "SearchResponse", NULL, NULL, MAP_NONE },
	{ "SessionEvent", "LoggedIn LoggedOut TimedOut", "Person SoftwareApplication",
	  "SoftwareApplication Session", NULL, "DigitalResource",
	  "DigitalResource SoftwareApplication", MAP_SESSION },
	{ "SurveyEvent", "OptedIn OptedOut", "Person", "Survey", NULL, NULL, NULL, MAP_NONE },
	{ "SurveyInvitationEvent", "Accepted Declined Sent", "Person", "SurveyInvitation", NULL,
	  NULL, NULL, MAP_NONE },
	{ "ThreadEvent", "MarkedAsRead MarkedAsUnread", "Person", "Thread", NULL, NULL, NULL,
	  MAP_NONE },
	{ "ToolLaunchEvent", "Launched Returned", "Person", "SoftwareApplication",
	  "DigitalResource Link", "DigitalResource Link",
	  "DigitalResource Link SoftwareApplication", MAP_NONE },
	{ "ToolUseEvent", "Used", "Person", "SoftwareApplication", "AggregateMeasureCollection",
	  "SoftwareApplication DigitalResource", NULL, MAP_TOOLUSE },
	{ "ViewEvent", "Viewed", "Person", "DigitalResource Result", NULL, "DigitalResource", NULL,
	  MAP_VIEW },
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL, MAP_NONE }
};

static const char *const profiles =
	"GeneralProfile AnnotationProfile AssessmentProfile AssignableProfile FeedbackProfile"
	" ForumProfile GradingProfile MediaProfile ReadingProfile ResourceManagementProfile"
	" SearchProfile SessionProfile SurveyProfile ToolLaunchProfile ToolUseProfile";

static const struct event_rule *rule_for(const char *type)
{
	for (size_t i = 0; type && event_rules[i].type; i++)
		if (!strcmp(event_rules[i].type, type))
			return &event_rules[i];
	return NULL;
}

/* Session actions need their own object type. */
static const char *session_object(const char *action)
{
	return !strcmp(action, "TimedOut") ? "Session" : "SoftwareApplication";
}

static int check_role(struct val_ctx *c, struct jv *ev, const char *role, const char *bases,
		      bool required)
{
	struct jv *v = jv_get(ev, role);
	size_t m = val_push_key(c, role);
	int r = 0;
	if (!v)
		r = required ? val_fail(c, "is required") : 0;
	else if (jv_is_null(v))
		r = val_fail(c, "must not be null");
	else
		r = check_ref(c, v, bases ? bases : "Entity");
	val_pop(c, m);
	return r;
}

static int check_event(struct val_ctx *c, struct jv *ev)
{
	if (!jv_is_object(ev))
		return val_fail(c, "must be an event object");
	static const char *const required[] = { "@context", "id",     "type",	   "actor",
						"action",   "object", "eventTime", NULL };
	for (const char *const *k = required; *k; k++) {
		struct jv *v = jv_get(ev, *k);
		if (!v || jv_is_null(v)) {
			size_t m = val_push_key(c, *k);
			val_fail(c, v ? "must not be null" : "is required");
			val_pop(c, m);
			return -1;
		}
	}
	if (check_context(c, jv_get(ev, "@context")))
		return -1;
	const char *id = jv_str(jv_get(ev, "id"));
	size_t m;
	if (!id || !is_urn_uuid(id)) {
		m = val_push_key(c, "id");
		val_fail(c, "must be a urn:uuid: identifier");
		val_pop(c, m);
		return -1;
	}
	const char *type = jv_str(jv_get(ev, "type"));
	const struct event_rule *rule = rule_for(type);
	if (!rule) {
		m = val_push_key(c, "type");
		val_fail(c, "'%s' is not a Caliper event type", type ? type : "(not a string)");
		val_pop(c, m);
		return -1;
	}
	const char *action = jv_str(jv_get(ev, "action"));
	if (!action || !word_in(action, ALL_ACTIONS)) {
		m = val_push_key(c, "action");
		val_fail(c, "'%s' is not a Caliper action", action ? action : "(not a string)");
		val_pop(c, m);
		return -1;
	}
	if (!word_in(action, rule->actions)) {
		m = val_push_key(c, "action");
		val_fail(c, "'%s' is not allowed for %s (allowed: %s)", action, type,
			 rule->type == event_rules[0].type ? "any" : rule->actions);
		val_pop(c, m);
		return -1;
	}
	struct jv *prof = jv_get(ev, "profile");
	if (prof && !(jv_is_string(prof) && word_in(jv_str(prof), profiles))) {
		m = val_push_key(c, "profile");
		val_fail(c, "is not a Caliper 1.2 profile");
		val_pop(c, m);
		return -1;
	}
	const char *et = jv_str(jv_get(ev, "eventTime"));
	if (!is_datetime(et)) {
		m = val_push_key(c, "eventTime");
		val_fail(c, "must be an ISO 8601 date-time");
		val_pop(c, m);
		return -1;
	}
	const char *object_bases = rule->object;
	if (!strcmp(rule->type, "SessionEvent"))
		object_bases = session_object(action);
	if (check_role(c, ev, "actor", rule->actor, true) ||
	    check_role(c, ev, "object", object_bases, true) ||
	    check_role(c, ev, "generated", rule->generated, false) ||
	    check_role(c, ev, "target", rule->target, false) ||
	    check_role(c, ev, "referrer", rule->referrer, false) ||
	    check_role(c, ev, "edApp", "SoftwareApplication", false) ||
	    check_role(c, ev, "group", "Organization", false) ||
	    check_role(c, ev, "membership", "Membership", false) ||
	    check_role(c, ev, "session", "Session", false) ||
	    check_role(c, ev, "federatedSession", "LtiSession", false))
		return -1;
	if (!strcmp(rule->type, "ToolLaunchEvent") && !strcmp(action, "Launched") &&
	    !jv_get(ev, "federatedSession")) {
		m = val_push_key(c, "federatedSession");
		val_fail(c, "is required for ToolLaunchEvent Launched");
		val_pop(c, m);
		return -1;
	}
	struct jv *ext = jv_get(ev, "extensions");
	if (ext) {
		m = val_push_key(c, "extensions");
		int r = k_extensions(c, ext, NULL);
		val_pop(c, m);
		if (r)
			return -1;
	}
	return 0;
}

enum eb_err caliper_validate_event(struct jv *event, const char *path, char *err, size_t errcap)
{
	struct cctx x;
	cctx_init(&x, path, err, errcap, false);
	return check_event(&x.c, event) ? EB_EINVAL : EB_OK;
}

static bool looks_like_event(struct jv *o)
{
	const char *t = jv_str(jv_get(o, "type"));
	size_t n = t ? strlen(t) : 0;
	return jv_get(o, "action") || (t && n >= 5 && !strcmp(t + n - 5, "Event"));
}

/* Validates a parsed payload; fills the event list (borrowed) when given. */
static enum eb_err validate_root(struct jv *root, char *err, size_t cap, struct jv **events,
				 size_t *nevents, size_t *nentities)
{
	struct cctx x;
	cctx_init(&x, "$", err, cap, false);
	*nevents = *nentities = 0;
	if (!jv_is_object(root)) {
		val_fail(&x.c, "must be a Caliper envelope or event object");
		return EB_EINVAL;
	}
	struct jv *data = jv_get(root, "data");
	if (!data) {
		if (!looks_like_event(root)) {
			const char *t = jv_str(jv_get(root, "type"));
			val_fail(&x.c, "not a Caliper event or envelope%s%s%s", t ? " (a " : "",
				 t ? t : "", t ? " entity: send entities inside an envelope)" : "");
			return EB_EINVAL;
		}
		if (check_event(&x.c, root))
			return EB_EINVAL;
		if (events)
			events[0] = root;
		*nevents = 1;
		return EB_OK;
	}
	static const char *const env_required[] = { "sensor", "sendTime", "dataVersion", NULL };
	for (const char *const *k = env_required; *k; k++) {
		if (!jv_is_string(jv_get(root, *k))) {
			size_t m = val_push_key(&x.c, *k);
			val_fail(&x.c, jv_get(root, *k) ? "must be a string" : "is required");
			val_pop(&x.c, m);
			return EB_EINVAL;
		}
	}
	size_t m;
	if (!is_iri(jv_str(jv_get(root, "sensor")))) {
		m = val_push_key(&x.c, "sensor");
		val_fail(&x.c, "must be an IRI");
		return EB_EINVAL;
	}
	if (!is_datetime(jv_str(jv_get(root, "sendTime")))) {
		m = val_push_key(&x.c, "sendTime");
		val_fail(&x.c, "must be an ISO 8601 date-time");
		return EB_EINVAL;
	}
	if (!known_context(jv_str(jv_get(root, "dataVersion")))) {
		m = val_push_key(&x.c, "dataVersion");
		val_fail(&x.c, "must be a Caliper context IRI"
			       " (e.g. http://purl.imsglobal.org/ctx/caliper/v1p2)");
		return EB_EINVAL;
	}
	if (!jv_is_array(data) || jv_size(data) == 0) {
		m = val_push_key(&x.c, "data");
		val_fail(&x.c, "must be a non-empty list");
		return EB_EINVAL;
	}
	if (jv_size(data) > CALIPER_MAX_EVENTS) {
		snprintf(err, cap, "$.data: %zu items exceed the limit of %d", jv_size(data),
			 CALIPER_MAX_EVENTS);
		return EB_ETOOBIG;
	}
	size_t i;
	struct jv *item;
	jv_array_foreach(data, i, item)
	{
		m = val_push_key(&x.c, "data");
		val_push_index(&x.c, i);
		int r;
		if (jv_is_object(item) && looks_like_event(item)) {
			r = check_event(&x.c, item);
			if (!r && events)
				events[*nevents] = item;
			if (!r)
				(*nevents)++;
		} else if (jv_is_object(item)) {
			r = check_entity(&x.c, item, NULL, true);
			if (!r)
				(*nentities)++;
		} else {
			r = val_fail(&x.c, "must be an event or entity object");
		}
		val_pop(&x.c, m);
		if (r)
			return EB_EINVAL;
	}
	return EB_OK;
}

enum eb_err caliper_validate_json(const char *json, size_t len, char *err, size_t errcap,
				  size_t *events, size_t *entities)
{
	enum eb_err rc = EB_OK;
	struct arena a;
	arena_init(&a);
	struct jv *root = val_parse_body(&a, json, len, CALIPER_MAX_BODY, err, errcap, &rc);
	size_t ne = 0, nn = 0;
	if (root)
		rc = validate_root(root, err, errcap, NULL, &ne, &nn);
	arena_free(&a);
	if (!root)
		return rc;
	if (events)
		*events = ne;
	if (entities)
		*entities = nn;
	return rc;
}

/* ---- mapping ---------------------------------------------------------- */

static const char *ref_id(struct jv *v)
{
	return jv_is_string(v) ? jv_str(v) : jv_str(jv_get(v, "id"));
}

static bool find_code(struct jv *entity, char *out, size_t cap)
{
	if (!jv_is_object(entity))
		return ref_id(entity) && activity_extract_ccss_code(ref_id(entity), out, cap);
	static const char *const fields[] = { "id", "name", "description", NULL };
	for (const char *const *f = fields; *f; f++) {
		const char *s = jv_str(jv_get(entity, *f));
		if (s && activity_extract_ccss_code(s, out, cap))
			return true;
	}
	size_t i;
	struct jv *x, *keywords = jv_get(entity, "keywords");
	jv_array_foreach(keywords, i,
			 x) if (jv_is_string(x) &&
				activity_extract_ccss_code(jv_str(x), out, cap)) return true;
	struct jv *objectives = jv_get(entity, "learningObjectives");
	jv_array_foreach(objectives, i, x) if (find_code(x, out, cap)) return true;
	const char *k;
	struct jv *extensions = jv_get(entity, "extensions");
	jv_object_foreach(extensions, k,
			  x) if (jv_is_string(x) &&
				 activity_extract_ccss_code(jv_str(x), out, cap)) return true;
	return false;
}

bool caliper_map_event(struct jv *ev, struct learning_event_in *out, char *scratch, size_t cap)
{
	const struct event_rule *rule = rule_for(jv_str(jv_get(ev, "type")));
	if (!rule || rule->map == MAP_NONE || cap < 512)
		return false;
	memset(out, 0, sizeof *out);
	struct jv *actor = jv_get(ev, "actor"), *obj = jv_get(ev, "object");
	struct jv *gen = jv_get(ev, "generated");
	const char *actor_id = ref_id(actor);
	if (!actor_id)
		return false;
	size_t third = cap / 3;
	char *key = scratch, *name = scratch + third, *code = scratch + 2 * third;
	snprintf(key, third, "caliper:%s", actor_id);
	out->actor_key = key;
	/* the learner's roster key: a LisSourcedId/OneRoster/SIS identifier, else
	 * the last path segment of the actor IRI */
	name[0] = '\0';
	size_t i;
	struct jv *x;
	struct jv *others = jv_get(actor, "otherIdentifiers");
	jv_array_foreach(others, i, x)
	{
		const char *it = jv_str(jv_get(x, "identifierType"));
		const char *idv = jv_str(jv_get(x, "identifier"));
		if (it && idv &&
		    (!strcmp(it, "LisSourcedId") || !strcmp(it, "OneRosterSourcedId") ||
		     !strcmp(it, "SisSourcedId"))) {
			str_copy(name, third, idv);
			break;
		}
	}
	if (!name[0]) {
		const char *slash = strrchr(actor_id, '/');
		const char *colon = strrchr(actor_id, ':');
		const char *last = slash && slash > colon ? slash + 1
				   : colon		  ? colon + 1
							  : actor_id;
		str_copy(name, third, last);
	}
	if (!strncmp(actor_id, "mailto:", 7))
		out->match_email = actor_id + 7;
	else
		out->match_name = name[0] ? name : NULL;
	out->activity_id = ref_id(obj);
	out->item_id = out->activity_id;
	out->correct = -1;
	out->score = -1;
	out->duration_s = -1;
	struct jv *standard_source = obj;
	switch (rule->map) {
	case MAP_ITEM: {
		struct jv *part = jv_get(obj, "isPartOf");
		if (part && ref_id(part))
			out->activity_id = ref_id(part);
		break;
	}
	case MAP_GRADE: {
		/* object: the Attempt; its assignable is the activity; generated: Score */
		struct jv *assignable = jv_get(obj, "assignable");
		if (assignable && ref_id(assignable)) {
			out->activity_id = out->item_id = ref_id(assignable);
			standard_source = assignable;
		}
		struct jv *given = jv_get(gen, "scoreGiven");
		struct jv *max = jv_get(gen, "maxScore");
		if (!given)
			given = jv_get(gen, "resultScore");
		if (!max)
			max = jv_get(gen, "maxResultScore");
		if (jv_is_number(given) && jv_is_number(max) && jv_num(max) > 0) {
			double s = jv_num(given) / jv_num(max);
			out->score = s < 0 ? 0 : s > 1 ? 1 : s;
		}
		break;
	}
	case MAP_TOOLUSE: {
		struct jv *items = jv_get(gen, "items");
		jv_array_foreach(items, i, x)
		{
			const char *metric = jv_str(jv_get(x, "metric"));
			struct jv *val = jv_get(x, "metricValue");
			if (metric && !strcmp(metric, "MinutesOnTask") && jv_is_number(val))
				out->duration_s = jv_num(val) * 60;
		}
		break;
	}
	case MAP_SESSION: {
		struct jv *session = jv_get(ev, "session");
		if (!session || !jv_is_object(session))
			session = obj;
		const char *d = jv_str(jv_get(session, "duration"));
		if (!parse_duration(d, &out->duration_s))
			out->duration_s = -1;
		break;
	}
	default:
		break;
	}
	if (out->duration_s < 0 && jv_is_object(gen)) {
		const char *d = jv_str(jv_get(gen, "duration"));
		if (!parse_duration(d, &out->duration_s))
			out->duration_s = -1;
	}
	if (find_code(standard_source, code, third) || find_code(obj, code, third))
		out->standard_code = code;
	int64_t t = 0;
	out->occurred_at = parse_time(jv_str(jv_get(ev, "eventTime")), &t) ? t : time_now();
	out->source = "caliper";
	out->statement_id = jv_str(jv_get(ev, "id"));
	out->verb = jv_str(jv_get(ev, "action"));
	return true;
}

/* ---- storing ---------------------------------------------------------------- */

void caliper_result_free(struct caliper_result *out)
{
	free(out->body);
	out->body = NULL;
	out->body_len = 0;
}

static void set_text(struct caliper_result *out, enum eb_err rc, const char *msg)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, msg);
	buf_putc(&b, '\n');
	free(out->body);
	out->rc = rc;
	out->body = buf_detach(&b, &out->body_len);
}

/* An envelope between its validation and its answer; the group-commit job
 * (db.h) that stores its events. */
struct caliper_write {
	struct db_write w;
	struct arena a; /* the parsed envelope */
	struct jv **events;
	size_t nev, nent, dups, mapped;
	int64_t district_id, tool_id;
	struct buf text; /* one event as stored */
};

/* The envelope's reads are made for all its events at once before its
 * writes (on PostgreSQL each read drains the write pipeline): which ids are
 * stored (activity_caliper_stored), then the events' look-ups
 * (activity_batch_read); an id twice in the envelope is a duplicate the
 * second time, as the INSERT's conflict made it. */
struct caliper_ahead {
	const char **ids;
	bool *dup;
	struct learning_event_in *le;
	size_t *ev; /* per event: its learning event in le, SIZE_MAX none */
	char *scratch;
	struct activity_batch *batch;
};

#define CALIPER_SCRATCH 1536

static void ahead_free(struct caliper_ahead *ah)
{
	activity_batch_free(ah->batch);
	free(ah->ids);
	free(ah->dup);
	free(ah->le);
	free(ah->ev);
	free(ah->scratch);
}

static enum eb_err ahead_read(struct db *db, struct caliper_write *x, struct caliper_ahead *ah)
{
	size_t m = x->nev ? x->nev : 1;
	memset(ah, 0, sizeof *ah);
	ah->ids = calloc(m, sizeof *ah->ids);
	ah->dup = calloc(m, sizeof *ah->dup);
	ah->le = calloc(m, sizeof *ah->le);
	ah->ev = calloc(m, sizeof *ah->ev);
	ah->scratch = malloc(m * CALIPER_SCRATCH);
	if (!ah->ids || !ah->dup || !ah->le || !ah->ev || !ah->scratch)
		return EB_ENOMEM;
	for (size_t i = 0; i < x->nev; i++)
		ah->ids[i] = jv_str(jv_get(x->events[i], "id"));
	enum eb_err rc =
		activity_caliper_stored(db, x->district_id, x->tool_id, ah->ids, x->nev, ah->dup);
	size_t n = 0;
	for (size_t i = 0; i < x->nev && !rc; i++) {
		ah->ev[i] = SIZE_MAX;
		for (size_t j = 0; j < i && !ah->dup[i]; j++)
			if (!ah->dup[j] && ah->ids[i] && ah->ids[j] &&
			    !strcmp(ah->ids[i], ah->ids[j]))
				ah->dup[i] = true;
		if (!ah->dup[i] &&
		    caliper_map_event(x->events[i], &ah->le[n], ah->scratch + n * CALIPER_SCRATCH,
				      CALIPER_SCRATCH))
			ah->ev[i] = n++;
	}
	if (!rc)
		rc = activity_batch_read(db, x->district_id, x->tool_id, ah->le, n, &ah->batch);
	return rc;
}

static enum eb_err write_run(struct db *db, void *ctx)
{
	struct caliper_write *x = ctx;
	x->dups = x->mapped = 0; /* the job may run twice (db.h) */
	struct caliper_ahead ah;
	enum eb_err rc = ahead_read(db, x, &ah);
	for (size_t i = 0; i < x->nev && !rc; i++) {
		struct jv *ev = x->events[i];
		if (ah.dup[i]) {
			x->dups++;
			continue;
		}
		buf_reset(&x->text);
		jv_dump(ev, &x->text); /* as sent, less its whitespace */
		if (buf_failed(&x->text)) {
			rc = EB_ENOMEM;
			break;
		}
		rc = activity_caliper_insert(
			db, x->district_id, x->tool_id, ah.ids[i], jv_str(jv_get(ev, "type")),
			jv_str(jv_get(ev, "action")), jv_str(jv_get(ev, "eventTime")),
			buf_cstr(&x->text), NULL);
		if (!rc && ah.ev[i] != SIZE_MAX) {
			rc = activity_batch_record(db, ah.batch, ah.ev[i], NULL);
			x->mapped++;
		}
	}
	if (!rc)
		rc = activity_batch_finish(db, ah.batch);
	ahead_free(&ah);
	return rc;
}

static void write_free(struct caliper_write *x)
{
	if (!x)
		return;
	free(x->events);
	arena_free(&x->a);
	buf_free(&x->text);
	free(x);
}

static struct caliper_write *write_begin(int64_t district_id, int64_t tool_id, const char *json,
					 size_t len, struct caliper_result *out,
					 enum eb_err *rc_out)
{
	memset(out, 0, sizeof *out);
	char err[512] = "";
	struct caliper_write *x = calloc(1, sizeof *x);
	if (!x || !(x->events = calloc(CALIPER_MAX_EVENTS, sizeof *x->events))) {
		free(x);
		set_text(out, EB_ENOMEM, "out of memory");
		*rc_out = EB_ENOMEM;
		return NULL;
	}
	arena_init(&x->a);
	x->district_id = district_id;
	x->tool_id = tool_id;
	x->w.fn = write_run;
	x->w.ctx = x;
	enum eb_err rc = EB_OK;
	struct jv *root = val_parse_body(&x->a, json, len, CALIPER_MAX_BODY, err, sizeof err, &rc);
	if (!root || (rc = validate_root(root, err, sizeof err, x->events, &x->nev, &x->nent))) {
		set_text(out, rc, err);
		*rc_out = rc;
		write_free(x);
		return NULL;
	}
	*rc_out = EB_OK;
	return x;
}

struct caliper_write *caliper_post_begin(int64_t district_id, int64_t tool_id, const char *json,
					 size_t len, struct caliper_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, json, len, out, &rc);
}

struct db_write *caliper_write_job(struct caliper_write *x)
{
	return &x->w;
}

enum eb_err caliper_write_end(struct caliper_write *x, struct caliper_result *out)
{
	enum eb_err rc = x->w.rc;
	memset(out, 0, sizeof *out);
	if (rc == EB_EBUSY) {
		set_text(out, EB_EBUSY,
			 "the server is busy storing other events; nothing of this"
			 " envelope was stored: send it again shortly");
	} else if (rc) {
		/* what was validated and could not be stored is the server's failure,
		 * whatever the code the store gave */
		char msg[96];
		snprintf(msg, sizeof msg, "storing failed: %s", eb_strerror(rc));
		set_text(out, EB_EDB, msg);
	} else {
		struct buf b = BUF_INIT;
		buf_printf(&b,
			   "{\"events\":%zu,\"duplicates\":%zu,\"entities\":%zu,"
			   "\"learningEvents\":%zu}",
			   x->nev - x->dups, x->dups, x->nent, x->mapped);
		out->rc = EB_OK;
		buf_cstr(&b);
		out->body = buf_detach(&b, &out->body_len);
	}
	write_free(x);
	return out->rc;
}

enum eb_err caliper_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
			 size_t len, struct caliper_result *out)
{
	enum eb_err rc;
	struct caliper_write *x = write_begin(district_id, tool_id, json, len, out, &rc);
	if (!x)
		return rc;
	db_write_grouped(db, caliper_write_job(x));
	return caliper_write_end(x, out);
}
