/* oneroster_sync.c - REST answers -> in-memory OneRoster CSV files -> the
 * one OneRoster apply path (oneroster_import_files). */
#include "ingest/oneroster_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "domain/roster_source.h"
#include "domain/vault.h"

const char *const oneroster_sync_names[ONEROSTER_SYNC_COLLECTIONS] = {
	"orgs", "academicSessions", "courses", "classes", "users", "enrollments", "demographics",
};

/* How a CSV column is read from a REST object. */
enum getter {
	G_STR,	   /* a string (numbers and booleans as written) */
	G_REF,	   /* key.sourcedId */
	G_REFS,	   /* key[].sourcedId joined with "," */
	G_LIST,	   /* key[] (strings) joined with "," */
	G_BOOL,	   /* true/false from a JSON boolean or the strings of 1.1 */
	G_USERIDS, /* userIds[] -> {type:identifier},... */
	G_META,	   /* metadata.key */
};

struct col {
	const char *csv;
	enum getter g;
	const char *key;
};

#define S(n)                                                                                       \
	{                                                                                          \
		n, G_STR, n                                                                        \
	}
#define BASE S("sourcedId"), S("status"), S("dateLastModified")

static const struct col c_orgs[] = {
	BASE, S("name"), S("type"), S("identifier"), { "parentSourcedId", G_REF, "parent" }
};
static const struct col c_sessions[] = { BASE,		 S("title"),
					 S("type"),	 S("startDate"),
					 S("endDate"),	 { "parentSourcedId", G_REF, "parent" },
					 S("schoolYear") };
static const struct col c_courses[] = { BASE,
					{ "schoolYearSourcedId", G_REF, "schoolYear" },
					S("title"),
					S("courseCode"),
					{ "grades", G_LIST, "grades" },
					{ "orgSourcedId", G_REF, "org" },
					{ "subjects", G_LIST, "subjects" },
					{ "subjectCodes", G_LIST, "subjectCodes" } };
static const struct col c_classes[] = { BASE,
					S("title"),
					{ "grades", G_LIST, "grades" },
					{ "courseSourcedId", G_REF, "course" },
					S("classCode"),
					S("classType"),
					S("location"),
					{ "schoolSourcedId", G_REF, "school" },
					{ "termSourcedIds", G_REFS, "terms" },
					{ "subjects", G_LIST, "subjects" },
					{ "subjectCodes", G_LIST, "subjectCodes" },
					{ "periods", G_LIST, "periods" } };
#define USER_COMMON                                                                                \
	S("username"), { "userIds", G_USERIDS, "userIds" }, S("givenName"), S("familyName"),       \
		S("middleName"), S("identifier"), S("email"), S("sms"), S("phone"),                \
		{ "agentSourcedIds", G_REFS, "agents" }, { "grades", G_LIST, "grades" },           \
		{ "metadata.homeLanguage", G_META, "homeLanguage" },                               \
		{ "metadata.homeInternet", G_META, "homeInternet" },                               \
		{ "metadata.englishLearner", G_META, "englishLearner" },                           \
	{                                                                                          \
		"metadata.disability", G_META, "disability"                                        \
	}
static const struct col c_users11[] = { BASE,
					{ "enabledUser", G_BOOL, "enabledUser" },
					{ "orgSourcedIds", G_REFS, "orgs" },
					S("role"),
					USER_COMMON };
static const struct col c_users12[] = { BASE,
					{ "enabledUser", G_BOOL, "enabledUser" },
					USER_COMMON,
					{ "primaryOrgSourcedId", G_REF, "primaryOrg" },
					S("preferredGivenName") };
static const struct col c_enrollments[] = { BASE,
					    { "classSourcedId", G_REF, "class" },
					    { "schoolSourcedId", G_REF, "school" },
					    { "userSourcedId", G_REF, "user" },
					    S("role"),
					    { "primary", G_BOOL, "primary" },
					    S("beginDate"),
					    S("endDate") };
static const struct col c_demographics[] = {
	BASE,
	S("birthDate"),
	S("sex"),
	{ "americanIndianOrAlaskaNative", G_BOOL, "americanIndianOrAlaskaNative" },
	{ "asian", G_BOOL, "asian" },
	{ "blackOrAfricanAmerican", G_BOOL, "blackOrAfricanAmerican" },
	{ "nativeHawaiianOrOtherPacificIslander", G_BOOL, "nativeHawaiianOrOtherPacificIslander" },
	{ "white", G_BOOL, "white" },
	{ "demographicRaceTwoOrMoreRaces", G_BOOL, "demographicRaceTwoOrMoreRaces" },
	{ "hispanicOrLatinoEthnicity", G_BOOL, "hispanicOrLatinoEthnicity" },
	S("countryOfBirthCode"),
	S("stateOfBirthAbbreviation"),
	S("cityOfBirth"),
	S("publicSchoolResidenceStatus"),
};

struct table {
	const struct col *cols;
	size_t n;
};
#define T(c)                                                                                       \
	{                                                                                          \
		c, sizeof c / sizeof c[0]                                                          \
	}

/* one CSV being built */
struct sink {
	struct buf csv, roles; /* roles: 1.2 users' roles.csv */
	const struct table *t;
	bool delta;
	int version;
	long count;
};

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void put_field(struct buf *b, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
	    !memchr(s, '\r', n)) {
		buf_put(b, s, n);
		return;
	}
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/* v as text into tmp: strings as they are, numbers by their lexeme,
 * booleans as true/false; NULL for anything else. */
static const char *scalar(const struct jv *v, size_t *n)
{
	if (jv_is_string(v)) {
		*n = v->n;
		return v->u.s;
	}
	if (jv_is_number(v)) {
		*n = v->n;
		return v->u.s;
	}
	if (jv_is_boolean(v)) {
		*n = jv_is_true(v) ? 4 : 5;
		return jv_is_true(v) ? "true" : "false";
	}
	return NULL;
}

static void put_value(struct buf *b, const struct jv *o, const struct col *c)
{
	struct buf tmp = BUF_INIT;
	const struct jv *v = c->g == G_META ? jv_get(jv_get(o, "metadata"), c->key)
					    : jv_get(o, c->key);
	size_t n = 0;
	const char *s;
	switch (c->g) {
	case G_STR:
	case G_META:
		if ((s = scalar(v, &n)))
			put_field(b, s, n);
		return;
	case G_BOOL:
		if (jv_is_boolean(v))
			buf_puts(b, jv_is_true(v) ? "true" : "false");
		else if ((s = jv_str(v)))
			put_field(b, s, strlen(s));
		return;
	case G_REF:
		if ((s = jv_str(jv_get(v, "sourcedId"))))
			put_field(b, s, strlen(s));
		return;
	case G_REFS:
	case G_LIST:
	case G_USERIDS:
		for (size_t i = 0; i < jv_size(v); i++) {
			const struct jv *it = jv_at(v, i);
			if (tmp.len)
				buf_putc(&tmp, ',');
			if (c->g == G_REFS) {
				buf_puts(&tmp, jv_str(jv_get(it, "sourcedId")) ?: "");
			} else if (c->g == G_LIST) {
				if ((s = scalar(it, &n)))
					buf_put(&tmp, s, n);
			} else {
				buf_printf(&tmp, "{%s:%s}", jv_str(jv_get(it, "type")) ?: "",
					   jv_str(jv_get(it, "identifier")) ?: "");
			}
		}
		if (buf_failed(&tmp))
			b->err = tmp.err;
		else if (tmp.len)
			put_field(b, tmp.data, tmp.len);
		buf_free(&tmp);
		return;
	}
}

static void put_header(struct buf *b, const struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			buf_putc(b, ',');
		buf_puts(b, t->cols[i].csv);
	}
	buf_putc(b, '\n');
}

static enum eb_err on_object(void *ud, const struct jv *o, char *why, size_t cap)
{
	struct sink *k = ud;
	const char *status = jv_str(jv_get(o, "status"));
	bool gone = status && !strcmp(status, "tobedeleted");
	/* a full run is bulk: what is to be deleted is left out */
	if (gone && !k->delta)
		return EB_OK;
	const char *id = jv_str(jv_get(o, "sourcedId"));
	if (!id || !*id)
		return eb_say(why, cap, EB_EPARSE, "an object without a sourcedId");
	for (size_t i = 0; i < k->t->n; i++) {
		if (i)
			buf_putc(&k->csv, ',');
		if (i == 1 && !k->delta)
			continue; /* bulk: status blank */
		put_value(&k->csv, o, &k->t->cols[i]);
	}
	buf_putc(&k->csv, '\n');
	k->count++;
	/* 1.2: the user's roles become roles.csv rows */
	const struct jv *roles = jv_get(o, "roles");
	for (size_t i = 0; k->version == 12 && !gone && i < jv_size(roles); i++) {
		const struct jv *r = jv_at(roles, i);
		const char *org = jv_str(jv_get(jv_get(r, "org"), "sourcedId")) ?: "";
		const char *role = jv_str(jv_get(r, "role")) ?: "";
		struct buf rid = BUF_INIT;
		buf_printf(&rid, "%s:%s:%s", id, org, role);
		put_field(&k->roles, buf_cstr(&rid), rid.len);
		buf_free(&rid);
		buf_puts(&k->roles, k->delta ? ",active,," : ",,,");
		put_field(&k->roles, id, strlen(id));
		buf_putc(&k->roles, ',');
		const char *s;
		size_t n;
		if ((s = scalar(jv_get(r, "roleType"), &n)))
			put_field(&k->roles, s, n);
		buf_putc(&k->roles, ',');
		put_field(&k->roles, role, strlen(role));
		buf_putc(&k->roles, ',');
		if ((s = scalar(jv_get(r, "beginDate"), &n)))
			put_field(&k->roles, s, n);
		buf_putc(&k->roles, ',');
		if ((s = scalar(jv_get(r, "endDate"), &n)))
			put_field(&k->roles, s, n);
		buf_putc(&k->roles, ',');
		put_field(&k->roles, org, strlen(org));
		buf_putc(&k->roles, '\n');
	}
	if (buf_failed(&k->csv) || buf_failed(&k->roles))
		return eb_say(why, cap, EB_ETOOBIG, "the roster is larger than one import takes");
	return EB_OK;
}

enum eb_err oneroster_sync(struct db *db, int64_t district_id, const struct oneroster_sync_opts *o,
			   struct oneroster_sync_result *res, struct oneroster_report *rep,
			   char *why, size_t cap)
{
	static const struct table t11[ONEROSTER_SYNC_COLLECTIONS] = {
		T(c_orgs),    T(c_sessions),	T(c_courses),	   T(c_classes),
		T(c_users11), T(c_enrollments), T(c_demographics),
	};
	static const struct table t12[ONEROSTER_SYNC_COLLECTIONS] = {
		T(c_orgs),    T(c_sessions),	T(c_courses),	   T(c_classes),
		T(c_users12), T(c_enrollments), T(c_demographics),
	};
	struct sink sinks[ONEROSTER_SYNC_COLLECTIONS];
	struct oneroster_file files[ONEROSTER_SYNC_COLLECTIONS + 2];
	struct buf manifest = BUF_INIT;
	struct oneroster_rest *c = NULL;
	bool present[ONEROSTER_SYNC_COLLECTIONS] = { 0 };
	char filter[96] = "";
	size_t nf = 0;
	enum eb_err rc;

	memset(res, 0, sizeof *res);
	memset(sinks, 0, sizeof sinks);
	if ((rc = oneroster_rest_new(o->rest, &c, why, cap)))
		return rc;
	int version = oneroster_rest_version(c);
	if (o->delta) {
		char iso[32];
		time_format_iso(o->since, iso);
		snprintf(filter, sizeof filter, "dateLastModified>'%s'", iso);
	}
	res->started_at = time_now();
	double t0 = time_mono();
	if ((rc = oneroster_rest_authenticate(c, why, cap)))
		goto out;
	for (size_t i = 0; i < ONEROSTER_SYNC_COLLECTIONS; i++) {
		struct sink *k = &sinks[i];
		buf_init(&k->csv, (size_t)ONEROSTER_MAX_FILE);
		buf_init(&k->roles, (size_t)ONEROSTER_MAX_FILE);
		k->t = version == 12 ? &t12[i] : &t11[i];
		k->delta = o->delta;
		k->version = version;
		put_header(&k->csv, k->t);
		if (version == 12 && i == 4)
			buf_puts(&k->roles,
				 "sourcedId,status,dateLastModified,userSourcedId,roleType,"
				 "role,beginDate,endDate,orgSourcedId\n");
		rc = oneroster_rest_get_all(c, oneroster_sync_names[i], NULL,
					    filter[0] ? filter : NULL, on_object, k, why, cap);
		/* demographics are optional in the binding: a provider may not
		 * serve them */
		if (rc == EB_ENOTFOUND && !strcmp(oneroster_sync_names[i], "demographics")) {
			rc = EB_OK;
			continue;
		}
		if (rc)
			goto out;
		present[i] = true;
		res->objects[i] = k->count;
		res->total += k->count;
	}
	res->fetch_seconds = time_mono() - t0;
	/* every page arrived: now the files, then the one apply path */
	buf_printf(&manifest, "propertyName,value\nmanifest.version,1.0\noneroster.version,%s\n",
		   version == 12 ? "1.2" : "1.1");
	for (size_t i = 0; i < ONEROSTER_SYNC_COLLECTIONS; i++) {
		buf_printf(&manifest, "file.%s,%s\n", oneroster_sync_names[i],
			   !present[i] ? "absent"
			   : o->delta  ? "delta"
				       : "bulk");
		if (!present[i])
			continue;
		files[nf].name = oneroster_sync_names[i];
		files[nf].data = sinks[i].csv.data;
		files[nf++].len = sinks[i].csv.len;
	}
	if (version == 12) {
		buf_printf(&manifest, "file.roles,%s\n", o->delta ? "delta" : "bulk");
		files[nf].name = "roles";
		files[nf].data = sinks[4].roles.data;
		files[nf++].len = sinks[4].roles.len;
	}
	files[nf].name = "manifest";
	files[nf].data = (char *)buf_cstr(&manifest);
	files[nf++].len = manifest.len;
	if (buf_failed(&manifest)) {
		rc = EB_ENOMEM;
		goto out;
	}
	/* names as an export has them */
	static const char *const csv_names[] = { "orgs.csv",	    "academicSessions.csv",
						 "courses.csv",	    "classes.csv",
						 "users.csv",	    "enrollments.csv",
						 "demographics.csv" };
	for (size_t i = 0; i < nf; i++) {
		for (size_t j = 0; j < ONEROSTER_SYNC_COLLECTIONS; j++)
			if (files[i].name == oneroster_sync_names[j])
				files[i].name = csv_names[j];
		if (!strcmp(files[i].name, "roles"))
			files[i].name = "roles.csv";
		else if (!strcmp(files[i].name, "manifest"))
			files[i].name = "manifest.csv";
	}
	struct oneroster_options io = o->import;
	struct buf source = BUF_INIT;
	if (!io.source) {
		buf_printf(&source, "sync %s", oneroster_rest_root(c));
		io.source = buf_cstr(&source);
	}
	t0 = time_mono();
	rc = oneroster_import_files_opts(db, district_id, files, nf, &io, rep);
	res->apply_seconds = time_mono() - t0;
	res->applied = rc == EB_OK;
	buf_free(&source);
	if (rc == EB_ECONFLICT)
		eb_say(why, cap, rc,
		       "the roster from %s would remove more than the allowed share of the "
		       "district's students, classes or enrollments: nothing was stored (check the "
		       "SIS; run again with --allow-large-removal if it is right)",
		       oneroster_rest_root(c));
	else if (rc)
		eb_say(why, cap, rc, "the roster from %s was refused, nothing was stored: %s",
		       oneroster_rest_root(c), rep->nerrors ? rep->errors[0] : eb_strerror(rc));
out:
	res->http = *oneroster_rest_stats(c);
	oneroster_rest_free(c);
	for (size_t i = 0; i < ONEROSTER_SYNC_COLLECTIONS; i++) {
		buf_free(&sinks[i].csv);
		buf_free(&sinks[i].roles);
	}
	buf_free(&manifest);
	return rc;
}

enum eb_err oneroster_sync_source(struct db *db, int64_t district_id, int64_t source_id, bool delta,
				  int64_t actor_account_id, const char *actor_label,
				  const struct oneroster_options *import,
				  struct oneroster_sync_result *res, struct oneroster_report *rep,
				  char *why, size_t cap)
{
	struct roster_source s;
	struct buf secret = BUF_INIT;
	enum eb_err rc = roster_source_get(db, district_id, source_id, &s);
	memset(res, 0, sizeof *res);
	if (rc) {
		if (rc == EB_ENOTFOUND)
			eb_say(why, cap, rc, "no saved OneRoster source %lld in this district",
			       (long long)source_id);
		return rc;
	}
	int64_t since = s.last_full_at > s.last_delta_at ? s.last_full_at : s.last_delta_at;
	if (!since)
		delta = false; /* never synced: the first run is full */
	rc = roster_source_secret(db, &s, &secret);
	if (rc) {
		eb_say(why, cap, rc,
		       "the saved client secret cannot be opened (%s): save the source again",
		       eb_strerror(rc));
		vault_wipe(&secret);
		roster_source_record_run(db, district_id, s.id, delta, actor_account_id,
					 actor_label, time_now(), time_now(), false, 0, 0, why);
		return rc;
	}
	struct oneroster_rest_config cfg = {
		.url = s.url,
		.token_url = s.token_url,
		.client_id = s.client_id,
		.client_secret = buf_cstr(&secret),
		.ca_file = s.ca_file,
		.version = strcmp(s.version, "1.2") ? 11 : 12,
	};
	struct oneroster_sync_opts o = { .rest = &cfg, .delta = delta, .since = since };
	if (import)
		o.import = *import;
	o.import.actor_user_id = actor_account_id;
	o.import.actor = actor_account_id > 0 ? NULL : actor_label;
	rc = oneroster_sync(db, district_id, &o, res, rep, why, cap);
	vault_wipe(&secret);
	enum eb_err rc2 = roster_source_record_run(
		db, district_id, s.id, delta, actor_account_id, actor_label,
		res->started_at ? res->started_at : time_now(), time_now(), rc == EB_OK, res->total,
		rc == EB_OK ? rep->run_id : 0, rc == EB_OK ? "" : why);
	if (rc2)
		log_error("roster sync: district %lld: the run could not be recorded: %s",
			  (long long)district_id, eb_strerror(rc2));
	return rc;
}
