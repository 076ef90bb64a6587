/* lti.c - edbridge as an LTI 1.3 platform: registrations, links, launch
 * hints, subjects and roles (see lti.h). The platform keys are in
 * lti_keys.c. */
#include "domain/lti.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/str.h"
#include "domain/account.h"
#include "domain/activity.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"

bool lti_can_manage(const struct account *a)
{
	return a && (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_IT_STAFF)));
}

/* ---- checks ------------------------------------------------------------- */

static void say(char *why, size_t cap, const char *field, const char *reason)
{
	if (why && cap)
		snprintf(why, cap, "%s: %s", field, reason);
}

/* The host part of an http(s) URL into host[cap] (brackets of an IPv6
 * literal removed). False when url is not http(s)://host... */
static bool url_host(const char *url, char *host, size_t cap, bool *https)
{
	const char *p;
	if (strncmp(url, "https://", 8) == 0) {
		*https = true;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		*https = false;
		p = url + 7;
	} else {
		return false;
	}
	const char *end;
	if (*p == '[') {
		p++;
		end = strchr(p, ']');
	} else {
		end = p + strcspn(p, ":/?#");
	}
	if (!end || end == p || (size_t)(end - p) >= cap)
		return false;
	memcpy(host, p, (size_t)(end - p));
	host[end - p] = '\0';
	return true;
}

/* Plain http is for a tool on this machine only: a literal loopback
 * address or localhost. */
static bool host_is_local(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/* A tool's address: https anywhere, http only to this machine; printable
 * ASCII without spaces, quotes or angle brackets. */
static bool url_ok(const char *url, bool required, const char *field, char *why, size_t cap)
{
	char host[256];
	bool https;
	if (!url || !*url) {
		if (required)
			say(why, cap, field, "an https:// address is required");
		return !required;
	}
	if (strlen(url) > LTI_URL_MAX) {
		say(why, cap, field, "the address is longer than 500 characters");
		return false;
	}
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("\"'<>\\`", *p)) {
			say(why, cap, field, "the address has a space or a character not allowed");
			return false;
		}
	if (!url_host(url, host, sizeof host, &https)) {
		say(why, cap, field, "not an http(s) address such as https://tool.example.org/lti");
		return false;
	}
	if (!https && !host_is_local(host)) {
		say(why, cap, field,
		    "plain http is only for a tool on this machine (127.0.0.1); use https");
		return false;
	}
	return true;
}

static bool id_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* Splits s at commas, spaces and newlines: calls fn for each piece. */
static bool each_piece(const char *s, bool (*fn)(void *ctx, const char *piece), void *ctx)
{
	char piece[LTI_URL_MAX + 1];
	const char *p = s ? s : "";
	while (*p) {
		p += strspn(p, ", \t\r\n");
		size_t n = strcspn(p, ", \t\r\n");
		if (n == 0)
			break;
		if (n >= sizeof piece)
			n = sizeof piece - 1; /* too long: the check below refuses it */
		memcpy(piece, p, n);
		piece[n] = '\0';
		if (!fn(ctx, piece))
			return false;
		p += strcspn(p, ", \t\r\n");
	}
	return true;
}

struct collect {
	char *out;
	size_t cap, len;
	int count;
	const char *field;
	char *why;
	size_t whycap;
	bool urls;
};

static bool collect_piece(void *ctx, const char *piece)
{
	struct collect *c = ctx;
	if (c->urls ? !url_ok(piece, true, c->field, c->why, c->whycap)
		    : !id_ok(piece, LTI_DEPLOYMENT_ID_MAX)) {
		if (!c->urls)
			say(c->why, c->whycap, c->field,
			    "a deployment id is 1 to 255 printable characters without spaces");
		return false;
	}
	size_t n = strlen(piece);
	if (c->len + n + 2 > c->cap) {
		say(c->why, c->whycap, c->field, "too many entries");
		return false;
	}
	if (c->len)
		c->out[c->len++] = '\n';
	memcpy(c->out + c->len, piece, n + 1);
	c->len += n;
	c->count++;
	return true;
}

/* ---- registration ------------------------------------------------------- */

enum eb_err lti_tool_add(struct db *db, int64_t district_id, const struct lti_tool_form *in,
			 const struct audit_actor *who, int64_t *id, char *why, size_t cap)
{
	struct tool t;
	char redirects[LTI_REDIRECTS_MAX + 1], deps[LTI_REDIRECTS_MAX + 1];
	struct collect cr = { redirects, sizeof redirects, 0, 0, "redirect_uris", why, cap, true };
	struct collect cd = { deps, sizeof deps, 0, 0, "deployment_id", why, cap, false };
	enum eb_err rc;
	if (why && cap)
		why[0] = '\0';
	if (!in->tool || !*in->tool || tools_find(db, district_id, in->tool, &t)) {
		say(why, cap, "tool", "no such tool in the district's inventory");
		return EB_ENOTFOUND;
	}
	if (!id_ok(in->client_id, LTI_CLIENT_ID_MAX)) {
		say(why, cap, "client_id", "1 to 200 printable characters without spaces");
		return EB_EINVAL;
	}
	if (!url_ok(in->login_url, true, "login_url", why, cap) ||
	    !url_ok(in->launch_url, true, "launch_url", why, cap) ||
	    !url_ok(in->jwks_url, true, "jwks_url", why, cap) ||
	    !url_ok(in->deep_link_url, false, "deep_link_url", why, cap))
		return EB_EINVAL;
	if (!each_piece(in->redirect_uris, collect_piece, &cr))
		return EB_EINVAL;
	if (cr.count == 0)
		str_copy(redirects, sizeof redirects, in->launch_url);
	if (!each_piece(in->deployment_ids, collect_piece, &cd))
		return EB_EINVAL;
	if (cd.count == 0) {
		say(why, cap, "deployment_id", "at least one deployment id is required");
		return EB_EINVAL;
	}
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		return rc;
	int64_t exists = 0;
	db_get_int(db, "SELECT count(*) FROM lti_tool WHERE district_id=?1 AND tool_id=?2",
		   DB_ARGS(DB_INT(district_id), DB_INT(t.id)), &exists);
	if (exists) {
		say(why, cap, "tool", "this tool is registered already (see `edbridge lti list`)");
		rc = EB_EEXIST;
		goto out;
	}
	/* /lti/login and /lti/token find the registration by client id alone
	 * (one issuer for the installation): unique across districts, which
	 * PostgreSQL's keys (district_id first, for Citus) no longer enforce */
	if ((rc = db_get_int(db, "SELECT count(*) FROM lti_tool WHERE client_id = ?1",
			     DB_ARGS(DB_TEXT(in->client_id)), &exists)))
		goto out;
	if (exists) {
		say(why, cap, "client_id", "this client id is taken by another registration");
		rc = EB_EEXIST;
		goto out;
	}
	rc = db_execute(db,
			"INSERT INTO lti_tool (district_id, tool_id, client_id, login_url,"
			" launch_url, redirect_uris, jwks_url, deep_link_url, created_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, unixepoch())",
			DB_ARGS(DB_INT(district_id), DB_INT(t.id), DB_TEXT(in->client_id),
				DB_TEXT(in->login_url), DB_TEXT(in->launch_url), DB_TEXT(redirects),
				DB_TEXT(in->jwks_url),
				DB_TEXT(in->deep_link_url ? in->deep_link_url : "")),
			NULL);
	if (rc == EB_EEXIST) {
		say(why, cap, "client_id", "this client id is taken by another registration");
		goto out;
	}
	if (rc)
		goto out;
	*id = db_last_id(db);
	for (char *p = deps, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		rc = db_execute(db,
				"INSERT OR IGNORE INTO lti_deployment (district_id, lti_tool_id,"
				" deployment_id) VALUES (?1, ?2, ?3)",
				DB_ARGS(DB_INT(district_id), DB_INT(*id), DB_TEXT(p)), NULL);
		if (rc)
			goto out;
	}
	char detail[300];
	snprintf(detail, sizeof detail, "LTI 1.3 registration of %s, client %s", t.name,
		 in->client_id);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)*id);
	rc = audit_record(db, district_id, who, "lti.tool.add", "lti_tool", sid, detail);
out:
	if (own) {
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	return rc;
}

#define LTI_TOOL_COLS                                                                              \
	"l.id, l.district_id, l.tool_id, l.created_at, l.client_id, l.login_url, l.launch_url,"    \
	" l.redirect_uris, l.jwks_url, l.deep_link_url, t.name"

DB_ROWSPEC(lti_tool_spec, struct lti_tool, NULL, DB_FIELD_INT(struct lti_tool, id),
	   DB_FIELD_INT(struct lti_tool, district_id), DB_FIELD_INT(struct lti_tool, tool_id),
	   DB_FIELD_INT(struct lti_tool, created_at), DB_FIELD_CHARS(struct lti_tool, client_id),
	   DB_FIELD_CHARS(struct lti_tool, login_url), DB_FIELD_CHARS(struct lti_tool, launch_url),
	   DB_FIELD_CHARS(struct lti_tool, redirect_uris),
	   DB_FIELD_CHARS(struct lti_tool, jwks_url),
	   DB_FIELD_CHARS(struct lti_tool, deep_link_url), DB_FIELD_CHARS(struct lti_tool, name));

enum eb_err lti_tool_get(struct db *db, int64_t district_id, int64_t lti_tool_id,
			 struct lti_tool *out)
{
	return db_get_row(
		db,
		"SELECT " LTI_TOOL_COLS
		" FROM lti_tool l JOIN tool t ON t.district_id=l.district_id AND t.id=l.tool_id"
		" AND t.district_id=l.district_id WHERE l.district_id=?1 AND l.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(lti_tool_id)), &lti_tool_spec, NULL, out);
}

enum eb_err lti_tool_by_tool(struct db *db, int64_t district_id, int64_t tool_id,
			     struct lti_tool *out)
{
	return db_get_row(
		db,
		"SELECT " LTI_TOOL_COLS
		" FROM lti_tool l JOIN tool t ON t.district_id=l.district_id AND t.id=l.tool_id"
		" AND t.district_id=l.district_id WHERE l.district_id=?1 AND l.tool_id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &lti_tool_spec, NULL, out);
}

enum eb_err lti_tool_by_client(struct db *db, const char *client_id, struct lti_tool *out)
{
	if (!client_id || !*client_id)
		return EB_ENOTFOUND;
	return db_get_row(
		db,
		"SELECT " LTI_TOOL_COLS
		" FROM lti_tool l JOIN tool t ON t.district_id=l.district_id AND t.id=l.tool_id"
		" AND t.district_id=l.district_id WHERE l.client_id=?1",
		DB_ARGS(DB_TEXT(client_id)), &lti_tool_spec, NULL, out);
}

enum eb_err lti_tool_by_deployment(struct db *db, const char *client_id, const char *deployment_id,
				   struct lti_tool *out)
{
	if (!client_id || !deployment_id)
		return EB_ENOTFOUND;
	return db_get_row(
		db,
		"SELECT " LTI_TOOL_COLS
		" FROM lti_tool l JOIN tool t ON t.district_id=l.district_id AND t.id=l.tool_id"
		" AND t.district_id=l.district_id JOIN lti_deployment d ON"
		" d.district_id=l.district_id AND d.lti_tool_id=l.id WHERE l.client_id=?1 AND "
		"d.deployment_id=?2",
		DB_ARGS(DB_TEXT(client_id), DB_TEXT(deployment_id)), &lti_tool_spec, NULL, out);
}

enum eb_err lti_tool_deployment(struct db *db, const struct lti_tool *t, char *out, size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT deployment_id FROM lti_deployment WHERE lti_tool_id=?1"
				  " ORDER BY deployment_id LIMIT 1",
				  DB_ARGS(DB_INT(t->id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, out, cap);
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

bool lti_redirect_registered(const struct lti_tool *t, const char *uri)
{
	size_t n = uri ? strlen(uri) : 0;
	if (n == 0)
		return false;
	for (const char *p = t->redirect_uris; *p;) {
		size_t m = strcspn(p, "\n");
		if (m == n && memcmp(p, uri, n) == 0)
			return true;
		p += m;
		if (*p)
			p++;
	}
	return false;
}

DB_ROWSPEC(lti_tool_row_spec, struct lti_tool_row, NULL, DB_FIELD_INT(struct lti_tool_row, id),
	   DB_FIELD_INT(struct lti_tool_row, tool_id), DB_FIELD_INT(struct lti_tool_row, links),
	   DB_FIELD_STR(struct lti_tool_row, name), DB_FIELD_STR(struct lti_tool_row, client_id),
	   DB_FIELD_STR(struct lti_tool_row, deployments),
	   DB_FIELD_STR(struct lti_tool_row, launch_url),
	   DB_FIELD_STR(struct lti_tool_row, deep_link_url));

enum eb_err lti_tool_list(struct db *db, int64_t district_id, struct arena *a,
			  struct lti_tool_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT l.id, l.tool_id, (SELECT count(*) FROM lti_link k WHERE "
		"k.district_id=l.district_id AND k.lti_tool_id=l.id),"
		" t.name, l.client_id, (SELECT group_concat(deployment_id, ', ') FROM"
		" (SELECT deployment_id FROM lti_deployment d WHERE d.district_id=l.district_id "
		"AND d.lti_tool_id=l.id ORDER BY "
		"1)),"
		" l.launch_url, l.deep_link_url FROM lti_tool l JOIN tool t ON "
		"t.district_id=l.district_id AND t.id=l.tool_id AND"
		" t.district_id=l.district_id WHERE l.district_id=?1 ORDER BY t.name, l.id",
		DB_ARGS(DB_INT(district_id)), &lti_tool_row_spec, a, rows, n);
}

/* ---- resource links ------------------------------------------------------ */

struct std_collect {
	char codes[LTI_LINK_STANDARDS_MAX][64];
	int n;
	char *why;
	size_t cap;
};

static bool std_piece(void *ctx, const char *piece)
{
	struct std_collect *c = ctx;
	char code[64];
	if (standards_canonical(piece, code, sizeof code)) {
		char reason[160];
		snprintf(reason, sizeof reason, "'%.60s' is not a standard of the catalogue",
			 piece);
		say(c->why, c->cap, "standards", reason);
		return false;
	}
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->codes[i], code) == 0)
			return true;
	if (c->n == LTI_LINK_STANDARDS_MAX) {
		say(c->why, c->cap, "standards", "at most 16 standards per activity");
		return false;
	}
	str_copy(c->codes[c->n++], sizeof c->codes[0], code);
	return true;
}

/* custom: a JSON object of string values (or empty) */
static bool custom_ok(const char *custom, char *why, size_t cap)
{
	if (!custom || !*custom)
		return true;
	if (strlen(custom) > LTI_CUSTOM_MAX) {
		say(why, cap, "custom", "longer than 4000 characters");
		return false;
	}
	json_error_t e;
	json_t *j = json_loads(custom, JSON_REJECT_DUPLICATES, &e);
	bool ok = json_is_object(j);
	const char *k;
	json_t *v;
	if (ok)
		json_object_foreach(j, k, v) if (!json_is_string(v)) ok = false;
	json_decref(j);
	if (!ok)
		say(why, cap, "custom",
		    "a JSON object whose values are text, such as {\"level\":\"2\"}");
	return ok;
}

static enum eb_err store_standards(struct db *db, int64_t district_id, int64_t link_id,
				   const struct std_collect *sc)
{
	enum eb_err rc = db_execute(db, "DELETE FROM lti_link_standard WHERE link_id=?1",
				    DB_ARGS(DB_INT(link_id)), NULL);
	for (int i = 0; !rc && i < sc->n; i++)
		rc = db_execute(
			db,
			"INSERT INTO lti_link_standard (district_id, link_id, standard_code)"
			" VALUES (?1, ?2, ?3)",
			DB_ARGS(DB_INT(district_id), DB_INT(link_id), DB_TEXT(sc->codes[i])), NULL);
	return rc;
}

/* Whether the class's grades (OneRoster "03", "03,04", "KG", "09,10") take
 * in a standard's grade; true when either is unknown. */
static bool grade_studied(const char *grades, int grade)
{
	if (!grades || !*grades || grade == STANDARDS_GRADE_NONE)
		return true;
	for (const char *p = grades; *p;) {
		size_t n = strcspn(p, ", ");
		int64_t g = -1;
		char piece[8];
		if (n > 0 && n < sizeof piece) {
			memcpy(piece, p, n);
			piece[n] = '\0';
			if (piece[0] == 'K' || piece[0] == 'k' || strcmp(piece, "PK") == 0)
				g = 0;
			else if (cstr_to_i64(piece, 0, 13, &g))
				g = -1;
		}
		if (g == grade || (grade == STANDARDS_GRADE_HS && g >= 9))
			return true;
		p += n;
		p += strspn(p, ", ");
	}
	return false;
}

/* "standards: CODE is a grade G standard; the class is grade(s) ..." in why
 * for the first standard the class's grades do not take in (kept: a
 * warning, not a refusal). */
static void warn_grades(struct db *db, int64_t district_id, const char *class_sid,
			const struct std_collect *sc, char *why, size_t cap)
{
	struct arena ar;
	struct roster_class_row c;
	arena_init(&ar);
	if (roster_class_get(db, district_id, class_sid, &ar, &c) == EB_OK)
		for (int i = 0; i < sc->n; i++) {
			const struct standard *st = standards_find(sc->codes[i]);
			if (st && !grade_studied(c.grades, st->grade)) {
				char reason[200];
				snprintf(reason, sizeof reason,
					 "%s is a grade %s standard and the class is grade %s: "
					 "kept, check it",
					 st->code, st->grade_label, c.grades);
				say(why, cap, "standards", reason);
				break;
			}
		}
	arena_free(&ar);
}

enum eb_err lti_link_add(struct db *db, int64_t district_id, int64_t lti_tool_id,
			 const struct lti_link_form *in, const struct audit_actor *who, int64_t *id,
			 char *why, size_t cap)
{
	struct lti_tool t;
	struct std_collect sc = { .why = why, .cap = cap };
	enum eb_err rc;
	size_t tl = in->title ? strlen(in->title) : 0;
	if (why && cap)
		why[0] = '\0';
	if (lti_tool_get(db, district_id, lti_tool_id, &t)) {
		say(why, cap, "tool", "this tool is not registered for LTI launches");
		return EB_ENOTFOUND;
	}
	if (!in->class_sourced_id ||
	    !roster_class_exists(db, district_id, in->class_sourced_id, NULL)) {
		say(why, cap, "class", "no such class in the district");
		return EB_ENOTFOUND;
	}
	if (tl == 0 || tl > LTI_TITLE_MAX || !str_utf8_valid(str_from(in->title), NULL)) {
		say(why, cap, "title", "a title of 1 to 200 characters is required");
		return EB_EINVAL;
	}
	if (!url_ok(in->url, false, "url", why, cap) || !custom_ok(in->custom, why, cap) ||
	    !each_piece(in->standards, std_piece, &sc))
		return EB_EINVAL;
	if (in->resource_id &&
	    (strlen(in->resource_id) > 255 || !str_utf8_valid(str_from(in->resource_id), NULL))) {
		say(why, cap, "resource_id", "at most 255 characters");
		return EB_EINVAL;
	}
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		return rc;
	rc = db_execute(
		db,
		"INSERT INTO lti_link (district_id, lti_tool_id, class_sourced_id, title, url,"
		" custom, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" unixepoch())",
		DB_ARGS(DB_INT(district_id), DB_INT(lti_tool_id), DB_TEXT(in->class_sourced_id),
			DB_TEXT(in->title), DB_TEXT(in->url ? in->url : ""),
			DB_TEXT(in->custom && *in->custom ? in->custom : "{}"),
			DB_INT(who ? who->account_id : 0)),
		NULL);
	if (rc)
		goto out;
	*id = db_last_id(db);
	char activity[300];
	if (in->resource_id && *in->resource_id)
		snprintf(activity, sizeof activity, "lti:%lld:%s", (long long)lti_tool_id,
			 in->resource_id);
	else
		snprintf(activity, sizeof activity, "lti:%lld:link-%lld", (long long)lti_tool_id,
			 (long long)*id);
	rc = db_execute(db, "UPDATE lti_link SET activity_id=?2 WHERE id=?1",
			DB_ARGS(DB_INT(*id), DB_TEXT(activity)), NULL);
	if (!rc)
		rc = store_standards(db, district_id, *id, &sc);
	/* the tool's events about this activity count toward its first standard */
	if (!rc && sc.n)
		rc = activity_map_set(db, district_id, t.tool_id, activity, sc.codes[0]);
	if (!rc)
		warn_grades(db, district_id, in->class_sourced_id, &sc, why, cap);
	if (!rc) {
		char detail[300], sid[24];
		snprintf(detail, sizeof detail, "LTI link '%.120s' of %.80s in class %.60s",
			 in->title, t.name, in->class_sourced_id);
		snprintf(sid, sizeof sid, "%lld", (long long)*id);
		rc = audit_record(db, district_id, who, "lti.link.add", "lti_link", sid, detail);
	}
out:
	if (own) {
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	return rc;
}

DB_ROWSPEC(lti_link_spec, struct lti_link, NULL, DB_FIELD_INT(struct lti_link, id),
	   DB_FIELD_INT(struct lti_link, district_id), DB_FIELD_INT(struct lti_link, lti_tool_id),
	   DB_FIELD_INT(struct lti_link, tool_id), DB_FIELD_INT(struct lti_link, created_by),
	   DB_FIELD_INT(struct lti_link, created_at),
	   DB_FIELD_CHARS(struct lti_link, class_sourced_id),
	   DB_FIELD_CHARS(struct lti_link, title), DB_FIELD_CHARS(struct lti_link, url),
	   DB_FIELD_CHARS(struct lti_link, custom), DB_FIELD_CHARS(struct lti_link, activity_id),
	   DB_FIELD_CHARS(struct lti_link, tool_name));

enum eb_err lti_link_get(struct db *db, int64_t district_id, int64_t id, struct lti_link *out)
{
	enum eb_err rc = db_get_row(
		db,
		"SELECT k.id, k.district_id, k.lti_tool_id, l.tool_id, k.created_by, k.created_at,"
		" k.class_sourced_id, k.title, k.url, k.custom, k.activity_id, t.name FROM "
		"lti_link k"
		" JOIN lti_tool l ON l.district_id=k.district_id AND l.id=k.lti_tool_id JOIN tool "
		"t ON t.district_id=l.district_id AND t.id=l.tool_id AND"
		" t.district_id=k.district_id WHERE k.district_id=?1 AND k.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &lti_link_spec, NULL, out);
	if (rc)
		return rc;
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT standard_code FROM lti_link_standard WHERE link_id=?1"
			   " ORDER BY standard_code",
			   DB_ARGS(DB_INT(id)), &st)))
		return rc;
	while (db_next(st) && out->nstandards < LTI_LINK_STANDARDS_MAX)
		db_col_copy(st, 0, out->standards[out->nstandards++], sizeof out->standards[0]);
	return db_done(st);
}

DB_ROWSPEC(lti_link_row_spec, struct lti_link_row, NULL, DB_FIELD_INT(struct lti_link_row, id),
	   DB_FIELD_INT(struct lti_link_row, lti_tool_id),
	   DB_FIELD_INT(struct lti_link_row, tool_id), DB_FIELD_STR(struct lti_link_row, title),
	   DB_FIELD_STR(struct lti_link_row, tool_name),
	   DB_FIELD_STR(struct lti_link_row, class_sourced_id),
	   DB_FIELD_STR(struct lti_link_row, class_title),
	   DB_FIELD_STR(struct lti_link_row, standards));

#define LTI_LINK_ROW_SELECT                                                                        \
	"SELECT k.id, k.lti_tool_id, l.tool_id, k.title, t.name, k.class_sourced_id, c.title,"     \
	" (SELECT group_concat(standard_code, ', ') FROM (SELECT standard_code FROM"               \
	" lti_link_standard s WHERE s.district_id=k.district_id AND s.link_id=k.id ORDER BY 1)) "  \
	"FROM lti_link k JOIN lti_tool l"                                                          \
	" ON l.district_id=k.district_id AND l.id=k.lti_tool_id JOIN tool t ON t.id=l.tool_id "    \
	"AND t.district_id=k.district_id"                                                          \
	" LEFT JOIN class c ON c.district_id=k.district_id AND c.sourced_id=k.class_sourced_id"

enum eb_err lti_link_list(struct db *db, int64_t district_id, const char *class_sourced_id,
			  int64_t lti_tool_id, struct arena *a, struct lti_link_row **rows,
			  size_t *n)
{
	return db_get_rows(
		db,
		LTI_LINK_ROW_SELECT " WHERE k.district_id=?1 AND (?2 IS NULL OR"
				    " k.class_sourced_id=?2) AND (?3=0 OR"
				    " k.lti_tool_id=?3) ORDER BY c.title, k.title, k.id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(class_sourced_id), DB_INT(lti_tool_id)),
		&lti_link_row_spec, a, rows, n);
}

enum eb_err lti_link_list_student(struct db *db, int64_t district_id, const char *person_sid,
				  struct arena *a, struct lti_link_row **rows, size_t *n)
{
	return db_get_rows(db,
			   LTI_LINK_ROW_SELECT " JOIN enrollment e ON e.district_id=k.district_id"
					       " AND e.class_sourced_id=k.class_sourced_id AND"
					       " e.user_sourced_id=?2 AND e.role='student' AND"
					       " e.status='active' WHERE k.district_id=?1"
					       " ORDER BY c.title, k.title, k.id",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(person_sid)), &lti_link_row_spec, a,
			   rows, n);
}

enum eb_err lti_link_set_standards(struct db *db, int64_t district_id, int64_t id,
				   const char *standards, const struct audit_actor *who, char *why,
				   size_t cap)
{
	struct std_collect sc = { .why = why, .cap = cap };
	struct lti_link l;
	enum eb_err rc;
	if (why && cap)
		why[0] = '\0';
	if ((rc = lti_link_get(db, district_id, id, &l)))
		return rc;
	if (!each_piece(standards, std_piece, &sc))
		return EB_EINVAL;
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		return rc;
	rc = store_standards(db, district_id, id, &sc);
	if (!rc && sc.n && l.activity_id[0])
		rc = activity_map_set(db, district_id, l.tool_id, l.activity_id, sc.codes[0]);
	if (!rc) {
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		rc = audit_record(db, district_id, who, "lti.link.standards", "lti_link", sid,
				  standards && *standards ? standards : "(none)");
	}
	if (own) {
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	return rc;
}

/* ---- subjects and roles -------------------------------------------------- */

static void random_token(char *out, size_t cap, size_t nbytes)
{
	unsigned char raw[32];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, cap, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

enum eb_err lti_subject(struct db *db, int64_t district_id, int64_t lti_tool_id, int64_t account_id,
			char sub[LTI_SUB_MAX + 1])
{
	struct db_stmt *st;
	enum eb_err rc;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = db_query(
			     db,
			     "SELECT sub FROM lti_subject WHERE lti_tool_id=?1 AND"
			     " account_id=?2 AND district_id=?3",
			     DB_ARGS(DB_INT(lti_tool_id), DB_INT(account_id), DB_INT(district_id)),
			     &st)))
			return rc;
		bool found = db_next(st);
		if (found)
			db_col_copy(st, 0, sub, LTI_SUB_MAX + 1);
		if ((rc = db_done(st)))
			return rc;
		if (found)
			return EB_OK;
		char fresh[LTI_SUB_MAX + 1];
		random_token(fresh, sizeof fresh, 24);
		rc = db_execute(db,
				"INSERT OR IGNORE INTO lti_subject (district_id, lti_tool_id,"
				" account_id, sub) VALUES (?1, ?2, ?3, ?4)",
				DB_ARGS(DB_INT(district_id), DB_INT(lti_tool_id),
					DB_INT(account_id), DB_TEXT(fresh)),
				NULL);
		if (rc)
			return rc;
	}
	return EB_EDB;
}

enum eb_err lti_subject_account(struct db *db, int64_t lti_tool_id, const char *sub,
				int64_t *account_id)
{
	return db_get_int(db, "SELECT account_id FROM lti_subject WHERE lti_tool_id=?1 AND sub=?2",
			  DB_ARGS(DB_INT(lti_tool_id), DB_TEXT(sub ? sub : "")), account_id);
}

#define LIS_M "http://purl.imsglobal.org/vocab/lis/v2/membership#"
#define LIS_I "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
#define LIS_S "http://purl.imsglobal.org/vocab/lis/v2/system/person#"

/* edbridge role -> LIS role URIs (docs/lti.md); NULL ends a list */
static const char *const role_uris[ROLE__COUNT][3] = {
	[ROLE_DISTRICT_ADMIN] = { LIS_I "Administrator", LIS_M "Administrator", NULL },
	[ROLE_COORDINATOR] = { LIS_I "Administrator", NULL, NULL },
	[ROLE_PRINCIPAL] = { LIS_I "Administrator", NULL, NULL },
	[ROLE_COACH] = { LIS_M "Mentor", LIS_I "Mentor", NULL },
	[ROLE_TEACHER] = { LIS_M "Instructor", LIS_I "Instructor", NULL },
	[ROLE_TECH_CHAMPION] = { LIS_I "Staff", NULL, NULL },
	[ROLE_IT_STAFF] = { LIS_S "SysAdmin", NULL, NULL },
	[ROLE_VENDOR_CONTACT] = { NULL, NULL, NULL },
	[ROLE_GUARDIAN] = { LIS_M "Mentor", LIS_I "Guardian", NULL },
	[ROLE_STUDENT] = { LIS_M "Learner", LIS_I "Student", NULL },
};

enum eb_err lti_roles_json(const struct account *a, json_t *roles)
{
	if (!json_is_array(roles))
		return EB_EINVAL;
	for (int r = 0; r < ROLE__COUNT; r++) {
		if (!(a->role_mask & (1u << r)))
			continue;
		for (int k = 0; k < 3 && role_uris[r][k]; k++) {
			bool have = false;
			size_t i;
			json_t *v;
			json_array_foreach(
				roles, i, v) if (strcmp(json_string_value(v), role_uris[r][k]) == 0)
				have = true;
			if (!have && json_array_append_new(roles, json_string(role_uris[r][k])))
				return EB_ENOMEM;
		}
	}
	return EB_OK;
}

/* ---- launches -------------------------------------------------------------- */

static const char *kind_name(enum lti_launch_kind k)
{
	return k == LTI_LAUNCH_DEEP ? "deep" : "resource";
}

enum eb_err lti_launch_begin(struct db *db, int64_t district_id, int64_t lti_tool_id,
			     int64_t account_id, enum lti_launch_kind kind, int64_t link_id,
			     const char *class_sourced_id, int64_t now, struct lti_launch *out)
{
	struct lti_tool t;
	enum eb_err rc;
	memset(out, 0, sizeof *out);
	if ((rc = lti_tool_get(db, district_id, lti_tool_id, &t)))
		return rc;
	if ((rc = lti_tool_deployment(db, &t, out->deployment_id, sizeof out->deployment_id)))
		return rc;
	random_token(out->hint, sizeof out->hint, 32);
	if (kind == LTI_LAUNCH_DEEP)
		random_token(out->deep_data, sizeof out->deep_data, 24);
	out->district_id = district_id;
	out->lti_tool_id = lti_tool_id;
	out->account_id = account_id;
	out->kind = kind;
	out->link_id = kind == LTI_LAUNCH_DEEP ? 0 : link_id;
	str_copy(out->class_sourced_id, sizeof out->class_sourced_id,
		 class_sourced_id ? class_sourced_id : "");
	out->created_at = now;
	out->expires_at = now + LTI_HINT_TTL_S;
	/* spent hints and expired ones are of no more use: keep the table small */
	db_execute(db, "DELETE FROM lti_launch WHERE expires_at < ?1 - 3600", DB_ARGS(DB_INT(now)),
		   NULL);
	return db_execute(
		db,
		"INSERT INTO lti_launch (hint, district_id, lti_tool_id, account_id, kind,"
		" link_id, class_sourced_id, deployment_id, created_at, expires_at,"
		" deep_data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		DB_ARGS(DB_TEXT(out->hint), DB_INT(district_id), DB_INT(lti_tool_id),
			DB_INT(account_id), DB_TEXT(kind_name(kind)), DB_INT(out->link_id),
			DB_TEXT(out->class_sourced_id), DB_TEXT(out->deployment_id), DB_INT(now),
			DB_INT(out->expires_at), DB_TEXT(out->deep_data)),
		NULL);
}

static enum eb_err launch_finish(struct db_stmt *st, void *row, struct arena *a)
{
	struct lti_launch *l = row;
	const char *k = db_col_text(st, 8);
	l->kind = k && strcmp(k, "deep") == 0 ? LTI_LAUNCH_DEEP : LTI_LAUNCH_RESOURCE;
	return EB_OK;
}

DB_ROWSPEC(launch_spec, struct lti_launch, launch_finish, DB_FIELD_CHARS(struct lti_launch, hint),
	   DB_FIELD_INT(struct lti_launch, district_id),
	   DB_FIELD_INT(struct lti_launch, lti_tool_id),
	   DB_FIELD_INT(struct lti_launch, account_id), DB_FIELD_INT(struct lti_launch, link_id),
	   DB_FIELD_INT(struct lti_launch, created_at), DB_FIELD_INT(struct lti_launch, expires_at),
	   DB_FIELD_CHARS(struct lti_launch, class_sourced_id), DB_FIELD_SKIP,
	   DB_FIELD_CHARS(struct lti_launch, deployment_id),
	   DB_FIELD_CHARS(struct lti_launch, deep_data));

#define LAUNCH_COLS                                                                                \
	"hint, district_id, lti_tool_id, account_id, link_id, created_at, expires_at,"             \
	" class_sourced_id, kind, deployment_id, deep_data"

enum eb_err lti_launch_take(struct db *db, const char *hint, int64_t lti_tool_id,
			    int64_t account_id, const char *deployment_id, int64_t now,
			    struct lti_launch *out)
{
	int64_t used = 0;
	enum eb_err rc;
	if (!hint || !*hint || strlen(hint) > LTI_HINT_MAX)
		return EB_ENOTFOUND;
	if ((rc = db_get_row(db, "SELECT " LAUNCH_COLS " FROM lti_launch WHERE hint=?1",
			     DB_ARGS(DB_TEXT(hint)), &launch_spec, NULL, out)))
		return rc;
	if (out->lti_tool_id != lti_tool_id || out->account_id != account_id)
		return EB_EPERM;
	if (db_get_int(db, "SELECT used_at IS NOT NULL FROM lti_launch WHERE hint=?1",
		       DB_ARGS(DB_TEXT(hint)), &used) == EB_OK &&
	    used)
		return EB_EEXIST;
	if (now > out->expires_at)
		return EB_EAUTH;
	if (deployment_id && *deployment_id && strcmp(deployment_id, out->deployment_id) != 0)
		return EB_ECONFLICT;
	int changes = 0;
	rc = db_execute(db, "UPDATE lti_launch SET used_at=?2 WHERE hint=?1 AND used_at IS NULL",
			DB_ARGS(DB_TEXT(hint), DB_INT(now)), &changes);
	if (!rc && changes != 1)
		rc = EB_EEXIST; /* another request spent it in between */
	return rc;
}

enum eb_err lti_launch_finish_deep(struct db *db, const char *deep_data, int64_t now,
				   struct lti_launch *out)
{
	int64_t state = 0;
	enum eb_err rc;
	if (!deep_data || !*deep_data || strlen(deep_data) > LTI_HINT_MAX)
		return EB_ENOTFOUND;
	if ((rc = db_get_row(db,
			     "SELECT " LAUNCH_COLS " FROM lti_launch WHERE deep_data=?1 AND"
			     " kind='deep' AND used_at IS NOT NULL",
			     DB_ARGS(DB_TEXT(deep_data)), &launch_spec, NULL, out)))
		return rc;
	db_get_int(db, "SELECT done_at IS NOT NULL FROM lti_launch WHERE hint=?1",
		   DB_ARGS(DB_TEXT(out->hint)), &state);
	if (state)
		return EB_EEXIST;
	if (now > out->created_at + 3600)
		return EB_EAUTH;
	int changes = 0;
	rc = db_execute(db, "UPDATE lti_launch SET done_at=?2 WHERE hint=?1 AND done_at IS NULL",
			DB_ARGS(DB_TEXT(out->hint), DB_INT(now)), &changes);
	if (!rc && changes != 1)
		rc = EB_EEXIST;
	return rc;
}
