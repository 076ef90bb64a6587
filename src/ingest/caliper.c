/* caliper.c - Caliper 1.1/1.2 validation, mapping and storage (caliper.h).
 *
 * Three tables drive it: entity types with their parent (for "is a"),
 * event types with their actions and the entity types each role may hold,
 * and entity properties with the kind of value each must have. */
#include "ingest/caliper.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "store/db.h"

/* ---- error context ------------------------------------------------------ */

struct cctx {
	char path[512];
	size_t plen;
	char *err;
	size_t cap;
	bool failed;
	int depth;
	bool strict_decimals;	/* xsd:float must be written 50.0 (conformance mode) */
};

static int cfail(struct cctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cfail(struct cctx *c, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	if (c->err && c->cap) {
		int n = snprintf(c->err, c->cap, "%s: ", c->path);
		if (n >= 0 && (size_t)n < c->cap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->cap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static size_t cpush(struct cctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t cpush(struct cctx *c, const char *fmt, ...)
{
	size_t mark = c->plen;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->path + mark, sizeof c->path - mark, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen = mark + (size_t)n < sizeof c->path ? mark + (size_t)n : sizeof c->path - 1;
	return mark;
}

static void cpop(struct cctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

/* ---- lexical ------------------------------------------------------------ */

static bool is_iri(const char *s)
{
	if (!s || !isalpha((unsigned char)s[0]))
		return false;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (p++; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"')
			return false;
	return true;
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

/* ISO 8601 duration to seconds (years 365 d, months 30 d); false if malformed. */
static bool parse_duration(const char *s, double *secs)
{
	if (!s || *s != 'P')
		return false;
	const char *p = s + 1, *units = "YMWD";
	bool in_time = false, any = false;
	double total = 0;
	static const double dsec[] = { 365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0 };
	static const double tsec[] = { 3600, 60, 1 };
	while (*p) {
		if (*p == 'T') {
			if (in_time || !p[1])
				return false;
			in_time = true;
			units = "HMS";
			p++;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return false;
		double v = 0;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0');
		if (*p == '.' || *p == ',') {
			double f = 0.1;
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p)) {
				v += (*p++ - '0') * f;
				f /= 10;
			}
		}
		const char *u = *p ? strchr(units, *p) : NULL;
		if (!u)
			return false;
		total += v * (in_time ? tsec[u - units] : dsec[u - units]);
		units = u + 1;
		any = true;
		p++;
	}
	if (secs)
		*secs = total;
	return any;
}

/* ---- entity types --------------------------------------------------------- */

static const struct {
	const char *type, *parent;
} entity_types[] = {
	{ "Entity", NULL }, { "Agent", "Entity" }, { "Person", "Agent" },
	{ "SoftwareApplication", "Agent" }, { "Organization", "Agent" },
	{ "CourseOffering", "Organization" }, { "CourseSection", "CourseOffering" },
	{ "Group", "Organization" }, { "DigitalResource", "Entity" },
	{ "AssignableDigitalResource", "DigitalResource" },
	{ "Assessment", "AssignableDigitalResource" }, { "AssessmentItem", "AssignableDigitalResource" },
	{ "Chapter", "DigitalResource" }, { "Document", "DigitalResource" },
	{ "Frame", "DigitalResource" }, { "Page", "DigitalResource" }, { "WebPage", "DigitalResource" },
	{ "MediaObject", "DigitalResource" }, { "AudioObject", "MediaObject" },
	{ "ImageObject", "MediaObject" }, { "VideoObject", "MediaObject" },
	{ "MediaLocation", "DigitalResource" }, { "Message", "DigitalResource" },
	{ "DigitalResourceCollection", "DigitalResource" }, { "Forum", "DigitalResourceCollection" },
	{ "Thread", "DigitalResourceCollection" }, { "Questionnaire", "DigitalResourceCollection" },
	{ "QuestionnaireItem", "DigitalResource" }, { "LtiLink", "Link" }, { "Link", "Entity" },
	{ "Annotation", "Entity" }, { "BookmarkAnnotation", "Annotation" },
	{ "HighlightAnnotation", "Annotation" }, { "SharedAnnotation", "Annotation" },
	{ "TagAnnotation", "Annotation" }, { "Attempt", "Entity" }, { "Response", "Entity" },
	{ "FillinBlankResponse", "Response" }, { "MultipleChoiceResponse", "Response" },
	{ "MultipleResponseResponse", "Response" }, { "SelectTextResponse", "Response" },
	{ "TrueFalseResponse", "Response" }, { "OpenEndedResponse", "Response" },
	{ "RatingScaleResponse", "Response" }, { "MultiselectResponse", "Response" },
	{ "DateTimeResponse", "Response" }, { "Result", "Entity" }, { "Score", "Entity" },
	{ "Session", "Entity" }, { "LtiSession", "Session" }, { "Membership", "Entity" },
	{ "LearningObjective", "Entity" }, { "Collection", "Entity" },
	{ "AggregateMeasure", "Entity" }, { "AggregateMeasureCollection", "Collection" },
	{ "Comment", "Entity" }, { "Rating", "Entity" }, { "Query", "Entity" },
	{ "SearchResponse", "Entity" }, { "SurveyInvitation", "Entity" }, { "Survey", "Collection" },
	{ "Question", "Entity" }, { "OpenEndedQuestion", "Question" },
	{ "RatingScaleQuestion", "Question" }, { "MultiselectQuestion", "Question" },
	{ "DateTimeQuestion", "Question" }, { "Scale", "Entity" }, { "LikertScale", "Scale" },
	{ "MultiselectScale", "Scale" }, { "NumericScale", "Scale" },
	{ "SystemIdentifier", NULL }, { "TextPositionSelector", NULL }, { NULL, NULL }
};

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

enum kind { K_STR, K_INT, K_NUM, K_BOOL, K_DATE, K_DUR, K_STRLIST, K_REF, K_REFLIST, K_ENUM,
	    K_ENUMLIST, K_OBJECT };

struct prop {
	const char *name;
	enum kind kind;
	const char *arg;	/* K_REF*: base types; K_ENUM*: allowed words */
};

#define LIS_ROLES \
	"Administrator Administrator#Administrator Administrator#Developer" \
	" Administrator#ExternalDeveloper Administrator#ExternalSupport" \
	" Administrator#ExternalSystemAdministrator Administrator#Support" \
	" Administrator#SystemAdministrator ContentDeveloper ContentDeveloper#ContentDeveloper" \
	" ContentDeveloper#ContentExpert ContentDeveloper#ExternalContentExpert" \
	" ContentDeveloper#Librarian Instructor Instructor#ExternalInstructor Instructor#Grader" \
	" Instructor#GuestInstructor Instructor#Instructor Instructor#Lecturer" \
	" Instructor#PrimaryInstructor Instructor#SecondaryInstructor Instructor#TeachingAssistant" \
	" Instructor#TeachingAssistantGroup Instructor#TeachingAssistantOffering" \
	" Instructor#TeachingAssistantSection Instructor#TeachingAssistantTemplate Learner" \
	" Learner#ExternalLearner Learner#GuestLearner Learner#Learner Learner#NonCreditLearner" \
	" Manager Manager#AreaManager Manager#CourseCoordinator Manager#ExternalObserver" \
	" Manager#Manager Manager#Observer Member Member#Member Mentor Mentor#Advisor" \
	" Mentor#ExternalAdvisor Mentor#ExternalAuditor Mentor#ExternalLearningFacilitator" \
	" Mentor#ExternalMentor Mentor#ExternalReviewer Mentor#ExternalTutor" \
	" Mentor#LearningFacilitator Mentor#Mentor Mentor#Reviewer Mentor#Tutor Officer" \
	" Officer#Chair Officer#Secretary Officer#Treasurer Officer#Vice-Chair"

static const struct prop props[] = {
	{ "name", K_STR, NULL }, { "description", K_STR, NULL }, { "version", K_STR, NULL },
	{ "mediaType", K_STR, NULL }, { "storageName", K_STR, NULL },
	{ "courseNumber", K_STR, NULL }, { "academicSession", K_STR, NULL },
	{ "category", K_STR, NULL }, { "body", K_STR, NULL }, { "identifier", K_STR, NULL },
	{ "host", K_STR, NULL }, { "ipAddress", K_STR, NULL }, { "userAgent", K_STR, NULL },
	{ "bookmarkNotes", K_STR, NULL }, { "selectionText", K_STR, NULL },
	{ "questionPosed", K_STR, NULL }, { "minLabel", K_STR, NULL }, { "maxLabel", K_STR, NULL },
	{ "comment", K_STR, NULL }, { "value", K_STR, NULL }, { "label", K_STR, NULL },
	{ "title", K_STR, NULL }, { "searchTerms", K_STR, NULL },
	{ "volumeLevel", K_STR, NULL }, { "volumeMin", K_STR, NULL }, { "volumeMax", K_STR, NULL },
	{ "count", K_INT, NULL }, { "start", K_INT, NULL }, { "end", K_INT, NULL },
	{ "index", K_INT, NULL }, { "maxAttempts", K_INT, NULL }, { "maxSubmits", K_INT, NULL },
	{ "maxSelections", K_INT, NULL }, { "minSelections", K_INT, NULL },
	{ "points", K_INT, NULL }, { "scalePoints", K_INT, NULL },
	{ "searchResultsItemCount", K_INT, NULL }, { "sentCount", K_INT, NULL },
	{ "height", K_INT, NULL }, { "width", K_INT, NULL },
	{ "maxMetricValue", K_NUM, NULL }, { "maxResultScore", K_NUM, NULL },
	{ "maxScore", K_NUM, NULL }, { "maxValue", K_NUM, NULL }, { "metricValue", K_NUM, NULL },
	{ "minValue", K_NUM, NULL }, { "resultScore", K_NUM, NULL }, { "scoreGiven", K_NUM, NULL },
	{ "step", K_NUM, NULL }, { "weight", K_NUM, NULL },
	{ "isOrderedSelection", K_BOOL, NULL }, { "isTimeDependent", K_BOOL, NULL },
	{ "muted", K_BOOL, NULL },
	{ "dateCreated", K_DATE, NULL }, { "dateModified", K_DATE, NULL },
	{ "datePublished", K_DATE, NULL }, { "dateSent", K_DATE, NULL },
	{ "dateTimeSelected", K_DATE, NULL }, { "dateToActivate", K_DATE, NULL },
	{ "dateToShow", K_DATE, NULL }, { "dateToStartOn", K_DATE, NULL },
	{ "dateToSubmit", K_DATE, NULL }, { "endedAtTime", K_DATE, NULL },
	{ "maxDateTime", K_DATE, NULL }, { "minDateTime", K_DATE, NULL },
	{ "startedAtTime", K_DATE, NULL },
	{ "currentTime", K_DUR, NULL }, { "duration", K_DUR, NULL },
	{ "categories", K_STRLIST, NULL }, { "itemLabels", K_STRLIST, NULL },
	{ "itemValues", K_STRLIST, NULL }, { "keywords", K_STRLIST, NULL },
	{ "tags", K_STRLIST, NULL }, { "selections", K_STRLIST, NULL },
	{ "values", K_STRLIST, NULL },
	{ "annotated", K_REF, "DigitalResource" }, { "annotator", K_REF, "Person" },
	{ "assignable", K_REF, "DigitalResource" }, { "assignee", K_REF, "Person" },
	{ "attempt", K_REF, "Attempt" }, { "creator", K_REF, "Agent" },
	{ "creators", K_REFLIST, "Agent" }, { "isPartOf", K_REF, "Entity" },
	{ "member", K_REF, "Agent" }, { "members", K_REFLIST, "Agent" },
	{ "organization", K_REF, "Organization" }, { "replyTo", K_REF, "Message" },
	{ "scoredBy", K_REF, "Agent" }, { "searchProvider", K_REF, "SoftwareApplication" },
	{ "searchTarget", K_REF, "Entity" }, { "query", K_REF, "Query" },
	{ "rater", K_REF, "Person" }, { "ratingComment", K_REF, "Comment" },
	{ "question", K_REF, "Question" }, { "scale", K_REF, "Scale" },
	{ "survey", K_REF, "Survey" }, { "subOrganizationOf", K_REF, "Organization" },
	{ "withAgents", K_REFLIST, "Agent" }, { "user", K_REF, "Person" },
	{ "client", K_REF, "SoftwareApplication" }, { "commenter", K_REF, "Person" },
	{ "commentedOn", K_REF, "Entity" }, { "rated", K_REF, "Entity" },
	{ "selection", K_REF, "TextPositionSelector" }, { "source", K_REF, "SoftwareApplication" },
	{ "otherIdentifiers", K_REFLIST, "SystemIdentifier" },
	{ "attachments", K_REFLIST, "DigitalResource" },
	{ "learningObjectives", K_REFLIST, "LearningObjective" },
	{ "items", K_REFLIST, NULL },	/* depends on the container, see items_base */
	{ "creator", K_REF, "Agent" },
	{ "metric", K_ENUM, "AssessmentsPassed AssessmentsSubmitted MinutesOnTask SkillsMastered"
			    " StandardsMastered UnitsCompleted UnitsPassed WordsRead" },
	{ "identifierType", K_ENUM, "AccountUserName CaseItemUri EmailAddress LisSourcedId"
				    " LtiContextId LtiDeploymentId LtiPlatformId LtiToolId LtiUserId"
				    " OneRosterSourcedId Other SisSourcedId SystemId" },
	{ "messageType", K_ENUM, "LtiResourceLinkRequest LtiDeepLinkingRequest"
				 " LtiDeepLinkingResponse" },
	{ "status", K_ENUM, "Active Inactive" },
	{ "roles", K_ENUMLIST, LIS_ROLES },
	{ "messageParameters", K_OBJECT, NULL },
	{ NULL, K_STR, NULL }
};

/* What a collection's items must be. */
static const struct {
	const char *container, *items;
} items_base[] = {
	{ "Assessment", "AssessmentItem" }, { "Forum", "Thread" }, { "Thread", "Message" },
	{ "Questionnaire", "QuestionnaireItem" }, { "Survey", "Questionnaire" },
	{ "AggregateMeasureCollection", "AggregateMeasure" },
	{ "DigitalResourceCollection", "DigitalResource" }, { NULL, NULL }
};

/* Where a type narrows a reference property. */
static const struct {
	const char *owner, *prop, *bases;
} ref_overrides[] = {
	{ "Attempt", "isPartOf", "Attempt" }, { "Query", "creator", "Person" },
	{ NULL, NULL, NULL }
};

/* Properties a type must carry besides id/type. */
static const struct {
	const char *type, *props;
} required_props[] = {
	{ "AggregateMeasure", "metric metricValue" }, { "SystemIdentifier", "identifier identifierType" },
	{ "Score", "attempt" }, { "Result", "attempt" }, { NULL, NULL }
};

static const char *const caliper_contexts[] = {
	"http://purl.imsglobal.org/ctx/caliper/v1p2", "http://purl.imsglobal.org/ctx/caliper/v1p1",
	NULL
};

static bool known_context(const char *s)
{
	for (const char *const *c = caliper_contexts; *c; c++)
		if (!strcmp(*c, s))
			return true;
	/* profile extension contexts published under the Caliper namespace */
	return !strncmp(s, "http://purl.imsglobal.org/ctx/caliper/v1p", 41);
}

static int check_context(struct cctx *c, json_t *v)
{
	size_t m = cpush(c, ".@context");
	int r = 0;
	if (json_is_string(v)) {
		if (!known_context(json_string_value(v)))
			r = cfail(c, "'%s' is not a Caliper context", json_string_value(v));
	} else if (json_is_array(v)) {
		bool found = false;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			found |= json_is_string(x) && known_context(json_string_value(x));
		if (!found)
			r = cfail(c, "no Caliper context in the list");
	} else if (json_is_object(v)) {
		/* an inline JSON-LD context: it must define terms in the Caliper vocabulary */
		const char *k;
		json_t *x;
		bool found = false;
		json_object_foreach(v, k, x)
			found |= json_is_string(x) &&
				 !strncmp(json_string_value(x), "http://purl.imsglobal.org/caliper/", 34);
		if (!found)
			r = cfail(c, "inline context does not use the Caliper vocabulary");
	} else {
		r = cfail(c, "must be a context IRI, an inline context or a list");
	}
	cpop(c, m);
	return r;
}

static int check_entity(struct cctx *c, json_t *e, const char *bases, bool need_id);

/* A reference: an IRI string or an entity object of one of bases. */
static int check_ref(struct cctx *c, json_t *v, const char *bases)
{
	if (json_is_string(v))
		return is_iri(json_string_value(v))
			       ? 0 : cfail(c, "must be an entity object or an IRI");
	if (json_is_object(v))
		return check_entity(c, v, bases, true);
	return cfail(c, "must be an entity object or an IRI");
}

static int check_prop(struct cctx *c, const struct prop *p, json_t *v, const char *owner_type)
{
	switch (p->kind) {
	case K_STR:
		return json_is_string(v) ? 0 : cfail(c, "must be a string");
	case K_INT:
		return json_is_integer(v) ? 0 : cfail(c, "must be an integer");
	case K_NUM:
		/* xsd:float in the Caliper context: a decimal, 50.0 rather than 50 */
		if (c->strict_decimals)
			return json_is_real(v) ? 0 : cfail(c, "must be a decimal number (e.g. 50.0)");
		return json_is_number(v) ? 0 : cfail(c, "must be a number");
	case K_BOOL:
		return json_is_boolean(v) ? 0 : cfail(c, "must be true or false");
	case K_DATE:
		return json_is_string(v) && is_datetime(json_string_value(v))
			       ? 0 : cfail(c, "must be an ISO 8601 date-time");
	case K_DUR:
		return json_is_string(v) && parse_duration(json_string_value(v), NULL)
			       ? 0 : cfail(c, "must be an ISO 8601 duration");
	case K_ENUM:
		return json_is_string(v) && word_in(json_string_value(v), p->arg)
			       ? 0 : cfail(c, "'%s' is not an allowed value",
					   json_is_string(v) ? json_string_value(v) : "(not a string)");
	case K_OBJECT:
		return json_is_object(v) ? 0 : cfail(c, "must be an object");
	case K_REF: {
		const char *bases = p->arg;
		for (size_t i = 0; ref_overrides[i].owner; i++)
			if (owner_type && !strcmp(ref_overrides[i].owner, owner_type) &&
			    !strcmp(ref_overrides[i].prop, p->name))
				bases = ref_overrides[i].bases;
		return check_ref(c, v, bases);
	}
	case K_STRLIST:
	case K_ENUMLIST:
	case K_REFLIST: {
		if (!json_is_array(v))
			return cfail(c, "must be a list");
		const char *bases = p->arg;
		if (p->kind == K_REFLIST && !bases) {
			bases = "Entity";
			for (size_t i = 0; items_base[i].container; i++)
				if (owner_type && type_is_a(owner_type, items_base[i].container)) {
					bases = items_base[i].items;
					break;
				}
		}
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			size_t m = cpush(c, "[%zu]", i);
			int r = 0;
			if (p->kind == K_STRLIST && !json_is_string(x))
				r = cfail(c, "must be a string");
			else if (p->kind == K_ENUMLIST &&
				 !(json_is_string(x) && word_in(json_string_value(x), p->arg)))
				r = cfail(c, "is not an allowed value");
			else if (p->kind == K_REFLIST)
				r = check_ref(c, x, bases);
			cpop(c, m);
			if (r)
				return -1;
		}
		return 0;
	}
	}
	return 0;
}

static int check_extensions(struct cctx *c, json_t *v)
{
	if (!json_is_object(v))
		return cfail(c, "must be an object");
	return 0;
}

static int check_entity(struct cctx *c, json_t *e, const char *bases, bool need_id)
{
	if (++c->depth > 32) {
		c->depth--;
		return cfail(c, "entities nested too deeply");
	}
	int r = -1;
	json_t *t = json_object_get(e, "type");
	const char *type = json_string_value(t);
	json_t *id = json_object_get(e, "id");
	size_t m;
	if (!type) {
		m = cpush(c, ".type");
		cfail(c, t ? "must be a string" : "is required");
		cpop(c, m);
		goto out;
	}
	if (type_index(type) < 0) {
		m = cpush(c, ".type");
		cfail(c, "'%s' is not a Caliper entity type", type);
		cpop(c, m);
		goto out;
	}
	if (bases && !type_in(type, bases)) {
		cfail(c, "a %s is not allowed here (expected %s)", type, bases);
		goto out;
	}
	bool idless = !strcmp(type, "SystemIdentifier") || !strcmp(type, "TextPositionSelector");
	if (!idless && need_id && (!id || !json_is_string(id))) {
		m = cpush(c, ".id");
		cfail(c, id ? "must be an IRI string" : "is required");
		cpop(c, m);
		goto out;
	}
	if (id && (!json_is_string(id) || !is_iri(json_string_value(id)))) {
		m = cpush(c, ".id");
		cfail(c, "must be an IRI");
		cpop(c, m);
		goto out;
	}
	json_t *ctx = json_object_get(e, "@context");
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
			json_t *v = json_object_get(e, name);
			if (!v || json_is_null(v)) {
				m = cpush(c, ".%s", name);
				cfail(c, "is required for %s", type);
				cpop(c, m);
				goto out;
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach(e, key, v) {
		if (!strcmp(key, "extensions")) {
			m = cpush(c, ".extensions");
			int x = check_extensions(c, v);
			cpop(c, m);
			if (x)
				goto out;
			continue;
		}
		const struct prop *p = props;
		while (p->name && strcmp(p->name, key))
			p++;
		if (!p->name)
			continue;	/* other properties are not checked */
		m = cpush(c, ".%s", key);
		int x = json_is_null(v) ? cfail(c, "must not be null") : check_prop(c, p, v, type);
		cpop(c, m);
		if (x)
			goto out;
	}
	r = 0;
out:
	c->depth--;
	return r;
}

enum eb_err caliper_validate_entity(json_t *entity, const char *path, char *err, size_t errcap)
{
	struct cctx c = { .err = err, .cap = errcap, .strict_decimals = true };
	c.plen = str_copy(c.path, sizeof c.path, path ? path : "$");
	if (err && errcap)
		err[0] = '\0';
	if (!json_is_object(entity)) {
		cfail(&c, "must be an object");
		return EB_EINVAL;
	}
	json_t *ctx = json_object_get(entity, "@context");
	if (ctx && check_context(&c, ctx))
		return EB_EINVAL;
	return check_entity(&c, entity, NULL, true) ? EB_EINVAL : EB_OK;
}

/* ---- events ------------------------------------------------------------- */

#define ALL_ACTIONS \
	"Abandoned Accepted Activated Added Archived Attached Bookmarked ChangedResolution" \
	" ChangedSize ChangedSpeed ChangedVolume Classified ClosedPopout Commented Completed" \
	" Copied Created Deactivated Declined Deleted Described DisabledClosedCaptioning" \
	" Disliked Downloaded EnabledClosedCaptioning Ended EnteredFullScreen ExitedFullScreen" \
	" ForwardedTo Graded Hid Highlighted Identified JumpedTo Launched Liked Linked LoggedIn" \
	" LoggedOut MarkedAsRead MarkedAsUnread Modified Muted NavigatedTo OpenedPopout OptedIn" \
	" OptedOut Paused Posted Printed Published Questioned Ranked Recommended Removed Reset" \
	" Restarted Restored Resumed Retrieved Returned Reviewed Rewound Saved Searched Sent" \
	" Shared Showed Skipped Started Submitted Subscribed Tagged TimedOut Unmuted Unpublished" \
	" Unsubscribed Uploaded Used Viewed"

enum map_kind { MAP_NONE, MAP_ASSESSMENT, MAP_ITEM, MAP_GRADE, MAP_TOOLUSE, MAP_SESSION,
		MAP_MEDIA, MAP_VIEW, MAP_NAVIGATION };

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
	{ "AssignableEvent", "Activated Deactivated Started Completed Submitted Reviewed",
	  "Person", "AssignableDigitalResource", "Attempt", "DigitalResource", NULL, MAP_NONE },
	{ "FeedbackEvent", "Commented Ranked", "Person", NULL, "Comment Rating", "DigitalResource",
	  NULL, MAP_NONE },
	{ "ForumEvent", "Subscribed Unsubscribed", "Person", "Forum", NULL, NULL, NULL, MAP_NONE },
	{ "GradeEvent", "Graded", "Agent", "Attempt", "Score Result", NULL, NULL, MAP_GRADE },
	{ "MediaEvent", "Started Ended Paused Resumed Restarted ForwardedTo JumpedTo"
	  " ChangedResolution ChangedSize ChangedSpeed ChangedVolume EnabledClosedCaptioning"
	  " DisabledClosedCaptioning EnteredFullScreen ExitedFullScreen Muted Unmuted"
	  " OpenedPopout ClosedPopout", "Person", "MediaObject", NULL, "MediaLocation", NULL,
	  MAP_MEDIA },
	{ "MessageEvent", "Posted MarkedAsRead MarkedAsUnread", "Person", "Message", NULL, NULL,
	  NULL, MAP_NONE },
	{ "NavigationEvent", "NavigatedTo", "Person", "DigitalResource SoftwareApplication", NULL,
	  "DigitalResource", "DigitalResource SoftwareApplication", MAP_NAVIGATION },
	{ "QuestionnaireEvent", "Started Submitted", "Person", "Questionnaire", NULL, NULL, NULL,
	  MAP_NONE },
	{ "QuestionnaireItemEvent", "Started Completed Skipped", "Person", "QuestionnaireItem",
	  "Response", NULL, NULL, MAP_NONE },
	{ "ResourceManagementEvent", "Archived Copied Created Deleted Described Downloaded"
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
	  "DigitalResource Link", "DigitalResource Link", "DigitalResource Link SoftwareApplication",
	  MAP_NONE },
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

static int check_role(struct cctx *c, json_t *ev, const char *role, const char *bases,
		      bool required)
{
	json_t *v = json_object_get(ev, role);
	size_t m = cpush(c, ".%s", role);
	int r = 0;
	if (!v)
		r = required ? cfail(c, "is required") : 0;
	else if (json_is_null(v))
		r = cfail(c, "must not be null");
	else
		r = check_ref(c, v, bases ? bases : "Entity");
	cpop(c, m);
	return r;
}

static int check_event(struct cctx *c, json_t *ev)
{
	if (!json_is_object(ev))
		return cfail(c, "must be an event object");
	static const char *const required[] = { "@context", "id", "type", "actor", "action",
						"object", "eventTime", NULL };
	for (const char *const *k = required; *k; k++) {
		json_t *v = json_object_get(ev, *k);
		if (!v || json_is_null(v)) {
			size_t m = cpush(c, ".%s", *k);
			cfail(c, v ? "must not be null" : "is required");
			cpop(c, m);
			return -1;
		}
	}
	if (check_context(c, json_object_get(ev, "@context")))
		return -1;
	const char *id = json_string_value(json_object_get(ev, "id"));
	size_t m;
	if (!id || !is_urn_uuid(id)) {
		m = cpush(c, ".id");
		cfail(c, "must be a urn:uuid: identifier");
		cpop(c, m);
		return -1;
	}
	const char *type = json_string_value(json_object_get(ev, "type"));
	const struct event_rule *rule = rule_for(type);
	if (!rule) {
		m = cpush(c, ".type");
		cfail(c, "'%s' is not a Caliper event type", type ? type : "(not a string)");
		cpop(c, m);
		return -1;
	}
	const char *action = json_string_value(json_object_get(ev, "action"));
	if (!action || !word_in(action, ALL_ACTIONS)) {
		m = cpush(c, ".action");
		cfail(c, "'%s' is not a Caliper action", action ? action : "(not a string)");
		cpop(c, m);
		return -1;
	}
	if (!word_in(action, rule->actions)) {
		m = cpush(c, ".action");
		cfail(c, "'%s' is not allowed for %s (allowed: %s)", action, type,
		      rule->type == event_rules[0].type ? "any" : rule->actions);
		cpop(c, m);
		return -1;
	}
	json_t *prof = json_object_get(ev, "profile");
	if (prof && !(json_is_string(prof) && word_in(json_string_value(prof), profiles))) {
		m = cpush(c, ".profile");
		cfail(c, "is not a Caliper 1.2 profile");
		cpop(c, m);
		return -1;
	}
	const char *et = json_string_value(json_object_get(ev, "eventTime"));
	if (!is_datetime(et)) {
		m = cpush(c, ".eventTime");
		cfail(c, "must be an ISO 8601 date-time");
		cpop(c, m);
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
	    !json_object_get(ev, "federatedSession")) {
		m = cpush(c, ".federatedSession");
		cfail(c, "is required for ToolLaunchEvent Launched");
		cpop(c, m);
		return -1;
	}
	json_t *ext = json_object_get(ev, "extensions");
	if (ext) {
		m = cpush(c, ".extensions");
		int r = check_extensions(c, ext);
		cpop(c, m);
		if (r)
			return -1;
	}
	return 0;
}

enum eb_err caliper_validate_event(json_t *event, const char *path, char *err, size_t errcap)
{
	struct cctx c = { .err = err, .cap = errcap };
	c.plen = str_copy(c.path, sizeof c.path, path ? path : "$");
	if (err && errcap)
		err[0] = '\0';
	return check_event(&c, event) ? EB_EINVAL : EB_OK;
}

static bool looks_like_event(json_t *o)
{
	const char *t = json_string_value(json_object_get(o, "type"));
	size_t n = t ? strlen(t) : 0;
	return json_object_get(o, "action") || (t && n >= 5 && !strcmp(t + n - 5, "Event"));
}

/* Validates a parsed payload; fills the event list (borrowed) when given. */
static enum eb_err validate_root(json_t *root, char *err, size_t cap, json_t **events,
				 size_t *nevents, size_t *nentities)
{
	struct cctx c = { .err = err, .cap = cap };
	c.plen = str_copy(c.path, sizeof c.path, "$");
	*nevents = *nentities = 0;
	if (!json_is_object(root)) {
		cfail(&c, "must be a Caliper envelope or event object");
		return EB_EINVAL;
	}
	json_t *data = json_object_get(root, "data");
	if (!data) {
		if (!looks_like_event(root)) {
			const char *t = json_string_value(json_object_get(root, "type"));
			cfail(&c, "not a Caliper event or envelope%s%s%s", t ? " (a " : "",
			      t ? t : "", t ? " entity: send entities inside an envelope)" : "");
			return EB_EINVAL;
		}
		if (check_event(&c, root))
			return EB_EINVAL;
		if (events)
			events[0] = root;
		*nevents = 1;
		return EB_OK;
	}
	static const char *const env_required[] = { "sensor", "sendTime", "dataVersion", NULL };
	for (const char *const *k = env_required; *k; k++) {
		if (!json_is_string(json_object_get(root, *k))) {
			size_t m = cpush(&c, ".%s", *k);
			cfail(&c, json_object_get(root, *k) ? "must be a string" : "is required");
			cpop(&c, m);
			return EB_EINVAL;
		}
	}
	size_t m;
	if (!is_iri(json_string_value(json_object_get(root, "sensor")))) {
		m = cpush(&c, ".sensor");
		cfail(&c, "must be an IRI");
		return EB_EINVAL;
	}
	if (!is_datetime(json_string_value(json_object_get(root, "sendTime")))) {
		m = cpush(&c, ".sendTime");
		cfail(&c, "must be an ISO 8601 date-time");
		return EB_EINVAL;
	}
	if (!known_context(json_string_value(json_object_get(root, "dataVersion")))) {
		m = cpush(&c, ".dataVersion");
		cfail(&c, "must be a Caliper context IRI (e.g. http://purl.imsglobal.org/ctx/caliper/v1p2)");
		return EB_EINVAL;
	}
	if (!json_is_array(data) || json_array_size(data) == 0) {
		m = cpush(&c, ".data");
		cfail(&c, "must be a non-empty list");
		return EB_EINVAL;
	}
	if (json_array_size(data) > CALIPER_MAX_EVENTS) {
		snprintf(err, cap, "$.data: %zu items exceed the limit of %d", json_array_size(data),
			 CALIPER_MAX_EVENTS);
		return EB_ETOOBIG;
	}
	size_t i;
	json_t *x;
	json_array_foreach(data, i, x) {
		m = cpush(&c, ".data[%zu]", i);
		int r;
		if (json_is_object(x) && looks_like_event(x)) {
			r = check_event(&c, x);
			if (!r && events)
				events[*nevents] = x;
			if (!r)
				(*nevents)++;
		} else if (json_is_object(x)) {
			r = check_entity(&c, x, NULL, true);
			if (!r)
				(*nentities)++;
		} else {
			r = cfail(&c, "must be an event or entity object");
		}
		cpop(&c, m);
		if (r)
			return EB_EINVAL;
	}
	return EB_OK;
}

static json_t *load(const char *json, size_t len, char *err, size_t cap, enum eb_err *rc)
{
	if (len > CALIPER_MAX_BODY) {
		snprintf(err, cap, "body of %zu bytes exceeds the limit of %u", len, CALIPER_MAX_BODY);
		*rc = EB_ETOOBIG;
		return NULL;
	}
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, cap, "body is not valid JSON: line %d column %d: %s", je.line,
			 je.column, je.text);
		*rc = EB_EPARSE;
	}
	return root;
}

enum eb_err caliper_validate_json(const char *json, size_t len, char *err, size_t errcap,
				  size_t *events, size_t *entities)
{
	enum eb_err rc = EB_OK;
	json_t *root = load(json, len, err, errcap, &rc);
	if (!root)
		return rc;
	size_t ne, nn;
	rc = validate_root(root, err, errcap, NULL, &ne, &nn);
	json_decref(root);
	if (events)
		*events = ne;
	if (entities)
		*entities = nn;
	return rc;
}

/* ---- mapping ---------------------------------------------------------- */

static const char *ref_id(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "id"));
}

static bool find_code(json_t *entity, char *out, size_t cap)
{
	if (!json_is_object(entity))
		return ref_id(entity) && activity_extract_ccss_code(ref_id(entity), out, cap);
	static const char *const fields[] = { "id", "name", "description", NULL };
	for (const char *const *f = fields; *f; f++) {
		const char *s = json_string_value(json_object_get(entity, *f));
		if (s && activity_extract_ccss_code(s, out, cap))
			return true;
	}
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(entity, "keywords"), i, x)
		if (json_is_string(x) && activity_extract_ccss_code(json_string_value(x), out, cap))
			return true;
	json_array_foreach(json_object_get(entity, "learningObjectives"), i, x)
		if (find_code(x, out, cap))
			return true;
	const char *k;
	json_object_foreach(json_object_get(entity, "extensions"), k, x)
		if (json_is_string(x) && activity_extract_ccss_code(json_string_value(x), out, cap))
			return true;
	return false;
}

bool caliper_map_event(json_t *ev, struct learning_event_in *out, char *scratch, size_t cap)
{
	const struct event_rule *rule = rule_for(json_string_value(json_object_get(ev, "type")));
	if (!rule || rule->map == MAP_NONE || cap < 512)
		return false;
	memset(out, 0, sizeof *out);
	json_t *actor = json_object_get(ev, "actor"), *obj = json_object_get(ev, "object");
	json_t *gen = json_object_get(ev, "generated");
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
	json_t *x;
	json_array_foreach(json_object_get(actor, "otherIdentifiers"), i, x) {
		const char *it = json_string_value(json_object_get(x, "identifierType"));
		const char *idv = json_string_value(json_object_get(x, "identifier"));
		if (it && idv && (!strcmp(it, "LisSourcedId") || !strcmp(it, "OneRosterSourcedId") ||
				  !strcmp(it, "SisSourcedId"))) {
			str_copy(name, third, idv);
			break;
		}
	}
	if (!name[0]) {
		const char *slash = strrchr(actor_id, '/');
		const char *colon = strrchr(actor_id, ':');
		const char *last = slash && slash > colon ? slash + 1 : colon ? colon + 1 : actor_id;
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
	json_t *standard_source = obj;
	switch (rule->map) {
	case MAP_ITEM: {
		json_t *part = json_object_get(obj, "isPartOf");
		if (part && ref_id(part))
			out->activity_id = ref_id(part);
		break;
	}
	case MAP_GRADE: {
		/* object: the Attempt; its assignable is the activity; generated: Score */
		json_t *assignable = json_object_get(obj, "assignable");
		if (assignable && ref_id(assignable)) {
			out->activity_id = out->item_id = ref_id(assignable);
			standard_source = assignable;
		}
		json_t *given = json_object_get(gen, "scoreGiven");
		json_t *max = json_object_get(gen, "maxScore");
		if (!given)
			given = json_object_get(gen, "resultScore");
		if (!max)
			max = json_object_get(gen, "maxResultScore");
		if (json_is_number(given) && json_is_number(max) && json_number_value(max) > 0) {
			double s = json_number_value(given) / json_number_value(max);
			out->score = s < 0 ? 0 : s > 1 ? 1 : s;
		}
		break;
	}
	case MAP_TOOLUSE: {
		json_array_foreach(json_object_get(gen, "items"), i, x) {
			const char *metric = json_string_value(json_object_get(x, "metric"));
			json_t *val = json_object_get(x, "metricValue");
			if (metric && !strcmp(metric, "MinutesOnTask") && json_is_number(val))
				out->duration_s = json_number_value(val) * 60;
		}
		break;
	}
	case MAP_SESSION: {
		json_t *session = json_object_get(ev, "session");
		if (!session || !json_is_object(session))
			session = obj;
		const char *d = json_string_value(json_object_get(session, "duration"));
		if (!parse_duration(d, &out->duration_s))
			out->duration_s = -1;
		break;
	}
	default:
		break;
	}
	if (out->duration_s < 0 && json_is_object(gen)) {
		const char *d = json_string_value(json_object_get(gen, "duration"));
		if (!parse_duration(d, &out->duration_s))
			out->duration_s = -1;
	}
	if (find_code(standard_source, code, third) || find_code(obj, code, third))
		out->standard_code = code;
	int64_t t = 0;
	out->occurred_at = parse_time(json_string_value(json_object_get(ev, "eventTime")), &t)
				   ? t : time_now();
	out->source = "caliper";
	out->statement_id = json_string_value(json_object_get(ev, "id"));
	out->verb = json_string_value(json_object_get(ev, "action"));
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
	json_t *root;
	json_t **events;
	size_t nev, nent, dups, mapped;
	int64_t district_id, tool_id;
};

static enum eb_err write_run(struct db *db, void *ctx)
{
	struct caliper_write *x = ctx;
	enum eb_err rc = EB_OK;
	x->dups = x->mapped = 0;	/* the job may run twice (db.h) */
	for (size_t i = 0; i < x->nev && !rc; i++) {
		json_t *ev = x->events[i];
		char *text = json_dumps(ev, JSON_COMPACT);
		if (!text)
			return EB_ENOMEM;
		bool dup = false;
		rc = activity_caliper_insert(db, x->district_id, x->tool_id,
					     json_string_value(json_object_get(ev, "id")),
					     json_string_value(json_object_get(ev, "type")),
					     json_string_value(json_object_get(ev, "action")),
					     json_string_value(json_object_get(ev, "eventTime")), text,
					     &dup);
		free(text);
		if (rc)
			break;
		if (dup) {
			x->dups++;
			continue;
		}
		struct learning_event_in le;
		char scratch[1536];
		if (caliper_map_event(ev, &le, scratch, sizeof scratch)) {
			rc = activity_event_record(db, x->district_id, x->tool_id, &le, NULL);
			x->mapped++;
		}
	}
	return rc;
}

static void write_free(struct caliper_write *x)
{
	if (!x)
		return;
	free(x->events);
	json_decref(x->root);
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
	x->district_id = district_id;
	x->tool_id = tool_id;
	x->w.fn = write_run;
	x->w.ctx = x;
	enum eb_err rc = EB_OK;
	if (!(x->root = load(json, len, err, sizeof err, &rc)) ||
	    (rc = validate_root(x->root, err, sizeof err, x->events, &x->nev, &x->nent))) {
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
		set_text(out, EB_EBUSY, "the server is busy storing other events; nothing of this"
			 " envelope was stored: send it again shortly");
	} else if (rc) {
		/* what was validated and could not be stored is the server's failure,
		 * whatever the code the store gave */
		char msg[96];
		snprintf(msg, sizeof msg, "storing failed: %s", eb_strerror(rc));
		set_text(out, EB_EDB, msg);
	} else {
		struct buf b = BUF_INIT;
		buf_printf(&b, "{\"events\":%zu,\"duplicates\":%zu,\"entities\":%zu,"
			   "\"learningEvents\":%zu}", x->nev - x->dups, x->dups, x->nent, x->mapped);
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
