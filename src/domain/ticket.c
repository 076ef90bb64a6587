/* ticket.c - see ticket.h and docs/support.md. */
#include "domain/ticket.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/device.h"
#include "domain/family_contact.h"
#include "domain/family_lang.h"
#include "domain/outbox.h"
#include "domain/smtp.h"
#include "domain/tools.h"
#include "store/db.h"

/* ---- names ---- */

static const char *const status_names[TICKET_STATUS__COUNT] = {
	"new", "open", "waiting_on_reporter", "escalated", "resolved", "closed",
};
static const char *const status_labels[TICKET_STATUS__COUNT] = {
	"New", "Open", "Waiting on the reporter", "Escalated", "Resolved", "Closed",
};
static const char *const status_plain[TICKET_STATUS__COUNT] = {
	"We got your report",
	"We are working on it",
	"We need your answer",
	"We are working on it",
	"Fixed",
	"Closed",
};
static const char *const priority_names[TICKET_PRIORITY__COUNT] = { "low", "normal", "high",
								    "urgent" };
static const char *const priority_labels[TICKET_PRIORITY__COUNT] = { "Low", "Normal", "High",
								     "Urgent" };
static const char *const tier_names[TICKET_TIER__COUNT] = { "champion", "it", "vendor" };
static const char *const tier_labels[TICKET_TIER__COUNT] = { "School tech champion", "District IT",
							     "Vendor" };

static bool parse_name(const char *s, const char *const *names, int n, int *out)
{
	if (!s)
		return false;
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return true;
		}
	return false;
}

const char *ticket_status_name(enum ticket_status s)
{
	return (unsigned)s < TICKET_STATUS__COUNT ? status_names[s] : NULL;
}
const char *ticket_status_label(enum ticket_status s)
{
	return (unsigned)s < TICKET_STATUS__COUNT ? status_labels[s] : NULL;
}
const char *ticket_status_plain(enum ticket_status s)
{
	return (unsigned)s < TICKET_STATUS__COUNT ? status_plain[s] : NULL;
}
bool ticket_status_parse(const char *s, enum ticket_status *out)
{
	int i;
	if (!parse_name(s, status_names, TICKET_STATUS__COUNT, &i))
		return false;
	*out = (enum ticket_status)i;
	return true;
}
bool ticket_status_active(enum ticket_status s)
{
	return s == TICKET_NEW || s == TICKET_OPEN || s == TICKET_WAITING || s == TICKET_ESCALATED;
}
const char *ticket_priority_name(enum ticket_priority p)
{
	return (unsigned)p < TICKET_PRIORITY__COUNT ? priority_names[p] : NULL;
}
const char *ticket_priority_label(enum ticket_priority p)
{
	return (unsigned)p < TICKET_PRIORITY__COUNT ? priority_labels[p] : NULL;
}
bool ticket_priority_parse(const char *s, enum ticket_priority *out)
{
	int i;
	if (!parse_name(s, priority_names, TICKET_PRIORITY__COUNT, &i))
		return false;
	*out = (enum ticket_priority)i;
	return true;
}
const char *ticket_tier_name(enum ticket_tier t)
{
	return (unsigned)t < TICKET_TIER__COUNT ? tier_names[t] : NULL;
}
const char *ticket_tier_label(enum ticket_tier t)
{
	return (unsigned)t < TICKET_TIER__COUNT ? tier_labels[t] : NULL;
}
bool ticket_tier_parse(const char *s, enum ticket_tier *out)
{
	int i;
	if (!parse_name(s, tier_names, TICKET_TIER__COUNT, &i))
		return false;
	*out = (enum ticket_tier)i;
	return true;
}
const char *ticket_cred_name(enum ticket_cred_state c)
{
	static const char *const n[] = { "none", "active", "revoked" };
	return (unsigned)c < 3 ? n[c] : NULL;
}

/* ---- SLA ---- */

/* Minutes of the clock, wall time (docs/support.md "Targets"). */
static const struct ticket_sla sla_defaults[TICKET_TIER__COUNT][TICKET_PRIORITY__COUNT] = {
	/* low, normal, high, urgent */
	[TICKET_TIER_CHAMPION] = { { 1440, 4320 }, { 480, 1440 }, { 120, 480 }, { 30, 240 } },
	[TICKET_TIER_IT] = { { 2880, 7200 }, { 960, 2880 }, { 240, 1440 }, { 60, 480 } },
	[TICKET_TIER_VENDOR] = { { 2880, 14400 }, { 1440, 7200 }, { 480, 2880 }, { 240, 1440 } },
};

struct ticket_sla ticket_sla_default(enum ticket_tier t, enum ticket_priority p)
{
	if ((unsigned)t >= TICKET_TIER__COUNT || (unsigned)p >= TICKET_PRIORITY__COUNT)
		return sla_defaults[TICKET_TIER_IT][TICKET_NORMAL];
	return sla_defaults[t][p];
}

DB_ROWSPEC(sla_spec, struct ticket_sla, NULL, DB_FIELD_INT(struct ticket_sla, respond_min),
	   DB_FIELD_INT(struct ticket_sla, resolve_min));

enum eb_err ticket_sla_get(struct db *db, int64_t district_id, enum ticket_tier t,
			   enum ticket_priority p, struct ticket_sla *out)
{
	*out = ticket_sla_default(t, p);
	struct ticket_sla s;
	enum eb_err e = db_get_row(db,
				   "SELECT respond_min,resolve_min FROM ticket_sla WHERE"
				   " district_id=?1 AND tier=?2 AND priority=?3",
				   DB_ARGS(DB_INT(district_id), DB_TEXT(ticket_tier_name(t)),
					   DB_TEXT(ticket_priority_name(p))),
				   &sla_spec, NULL, &s);
	if (e == EB_ENOTFOUND)
		return EB_OK;
	if (!e)
		*out = s;
	return e;
}

enum eb_err ticket_sla_set(struct db *db, int64_t district_id, enum ticket_tier t,
			   enum ticket_priority p, const struct ticket_sla *sla, bool reset,
			   char *why, size_t cap)
{
	if (!ticket_tier_name(t) || !ticket_priority_name(p)) {
		snprintf(why, cap, "unknown tier or priority");
		return EB_EINVAL;
	}
	if (reset)
		return db_execute(db,
				  "DELETE FROM ticket_sla WHERE district_id=?1 AND tier=?2 AND"
				  " priority=?3",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(ticket_tier_name(t)),
					  DB_TEXT(ticket_priority_name(p))),
				  NULL);
	if (sla->respond_min < 1 || sla->respond_min > TICKET_SLA_MAX_MIN) {
		snprintf(why, cap, "the response target must be 1 to %d minutes",
			 TICKET_SLA_MAX_MIN);
		return EB_EINVAL;
	}
	if (sla->resolve_min < sla->respond_min || sla->resolve_min > TICKET_SLA_MAX_MIN) {
		snprintf(why, cap,
			 "the resolution target must be at least the response target (%d) and at"
			 " most %d minutes",
			 sla->respond_min, TICKET_SLA_MAX_MIN);
		return EB_EINVAL;
	}
	return db_execute(
		db,
		"INSERT INTO ticket_sla(district_id,tier,priority,respond_min,resolve_min)"
		" VALUES(?1,?2,?3,?4,?5) ON CONFLICT(district_id,tier,priority) DO UPDATE"
		" SET respond_min=excluded.respond_min, resolve_min=excluded.resolve_min",
		DB_ARGS(DB_INT(district_id), DB_TEXT(ticket_tier_name(t)),
			DB_TEXT(ticket_priority_name(p)), DB_INT(sla->respond_min),
			DB_INT(sla->resolve_min)),
		NULL);
}

/* ---- health ---- */

enum eb_err ticket_health_of(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			     struct ticket_health *out)
{
	memset(out, 0, sizeof *out);
	int64_t have = 0;
	enum eb_err e = db_get_int(db, "SELECT count(*) FROM tool WHERE district_id=?1 AND id=?2",
				   DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &have);
	if (e)
		return e;
	if (!have)
		return EB_ENOTFOUND;
	struct activity_tool_data td;
	if ((e = activity_tool_data(db, district_id, tool_id, now, &td)))
		return e;
	out->last_received = td.last_received;
	if ((e = db_get_int(db,
			    "SELECT count(*) FROM quarantine WHERE district_id=?1 AND tool_id=?2"
			    " AND created_at >= ?3",
			    DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(now - 7 * 86400)),
			    &out->quarantined)))
		return e;
	int64_t active = 0, any = 0;
	if ((e = db_get_int(db,
			    "SELECT count(*) FROM tool_credential WHERE district_id=?1 AND"
			    " tool_id=?2 AND status='active'",
			    DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &active)) ||
	    (e = db_get_int(db,
			    "SELECT count(*) FROM tool_credential WHERE district_id=?1 AND"
			    " tool_id=?2",
			    DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &any)))
		return e;
	out->cred = active ? TICKET_CRED_ACTIVE : any ? TICKET_CRED_REVOKED : TICKET_CRED_NONE;
	return EB_OK;
}

/* ---- helpers ---- */

/* The trimmed text of s into arena: min..max bytes of UTF-8; NULL with why
 * set otherwise. */
static const char *checked_text(struct arena *arena, const char *s, size_t min, size_t max,
				const char *field, char *why, size_t cap)
{
	struct str t = str_trim(str_from(s ? s : ""));
	if (t.n < min) {
		snprintf(why, cap, "%s: write a few words first", field);
		return NULL;
	}
	if (t.n > max) {
		snprintf(why, cap, "%s: is longer than %zu characters", field, max);
		return NULL;
	}
	if (!str_utf8_valid(t, NULL)) {
		snprintf(why, cap, "%s: is not valid text (UTF-8)", field);
		return NULL;
	}
	char *out = arena_strndup(arena, t.p, t.n);
	if (!out)
		snprintf(why, cap, "%s: out of memory", field);
	return out;
}

static bool is_it(const struct account *a)
{
	return access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_DISTRICT_ADMIN);
}

static bool has_scope(const struct account *a, enum role r, const char *scope_type, const char *id)
{
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == r && strcmp(a->roles[i].scope_type, scope_type) == 0 &&
		    strcmp(a->roles[i].scope_id, id) == 0)
			return true;
	return false;
}

/* ",a,b," of the account's scope ids for role r (scope_type), "" when none. */
static const char *scope_list(struct arena *arena, const struct account *a, enum role r,
			      const char *scope_type)
{
	struct buf b = BUF_INIT;
	buf_init(&b, 64 * 1024);
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == r && strcmp(a->roles[i].scope_type, scope_type) == 0)
			buf_printf(&b, "%s%s,", b.len ? "" : ",", a->roles[i].scope_id);
	const char *out = arena_strdup(arena, b.len && !buf_failed(&b) ? b.data : "");
	buf_free(&b);
	return out;
}

static enum role reporter_role_of(const struct account *a)
{
	static const enum role order[] = { ROLE_IT_STAFF,      ROLE_DISTRICT_ADMIN,
					   ROLE_TECH_CHAMPION, ROLE_COORDINATOR,
					   ROLE_PRINCIPAL,     ROLE_COACH,
					   ROLE_TEACHER,       ROLE_VENDOR_CONTACT,
					   ROLE_GUARDIAN,      ROLE_STUDENT };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (access_has(a, order[i]))
			return order[i];
	return ROLE_TEACHER;
}

static bool is_staff(const struct account *a)
{
	enum role r = reporter_role_of(a);
	return r != ROLE_GUARDIAN && r != ROLE_STUDENT && a->role_mask != 0;
}

/* "Chrome 120 on ChromeOS" from a User-Agent: the browser family and major
 * version and the system, never the whole string. */
static void browser_summary(const char *ua, char *out, size_t cap)
{
	out[0] = '\0';
	if (!ua || !*ua)
		return;
	static const struct {
		const char *token, *name;
	} browsers[] = {
		{ "Edg/", "Edge" },	{ "OPR/", "Opera" },	 { "Firefox/", "Firefox" },
		{ "CriOS/", "Chrome" }, { "Chrome/", "Chrome" }, { "Version/", "Safari" },
	};
	static const struct {
		const char *token, *name;
	} systems[] = {
		{ "CrOS", "ChromeOS" }, { "Android", "Android" }, { "iPad", "iPadOS" },
		{ "iPhone", "iOS" },	{ "Windows", "Windows" }, { "Mac OS X", "macOS" },
		{ "Linux", "Linux" },
	};
	const char *bname = "another browser", *sname = NULL;
	char ver[8] = "";
	for (size_t i = 0; i < sizeof browsers / sizeof browsers[0]; i++) {
		const char *p = strstr(ua, browsers[i].token);
		if (!p)
			continue;
		bname = browsers[i].name;
		p += strlen(browsers[i].token);
		size_t k = 0;
		while (k + 1 < sizeof ver && p[k] >= '0' && p[k] <= '9') {
			ver[k] = p[k];
			k++;
		}
		ver[k] = '\0';
		break;
	}
	for (size_t i = 0; i < sizeof systems / sizeof systems[0]; i++)
		if (strstr(ua, systems[i].token)) {
			sname = systems[i].name;
			break;
		}
	snprintf(out, cap, "%s%s%s%s%s", bname, *ver ? " " : "", ver, sname ? " on " : "",
		 sname ? sname : "");
}

static enum eb_err event_add(struct db *db, int64_t d, int64_t id, const struct account *who,
			     const char *kind, const char *from, const char *to, const char *note,
			     int64_t now)
{
	return db_execute(
		db,
		"INSERT INTO ticket_event(district_id,ticket_id,at,account_id,actor,kind,"
		"from_value,to_value,note) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		DB_ARGS(DB_INT(d), DB_INT(id), DB_INT(now), who ? DB_INT(who->id) : DB_NULL,
			DB_TEXT(who ? who->login : "sla"), DB_TEXT(kind), DB_TEXT(from ? from : ""),
			DB_TEXT(to ? to : ""), DB_TEXT(note ? note : "")),
		NULL);
}

/* The address of an account: its roster person's email, else its login when
 * that is an email address; "" when none. */
static enum eb_err account_email(struct db *db, int64_t d, int64_t account_id, char *out,
				 size_t cap)
{
	out[0] = '\0';
	struct db_stmt *st;
	enum eb_err e =
		db_query(db,
			 "SELECT coalesce(p.email,''), a.login FROM account a LEFT JOIN person p"
			 " ON p.district_id=a.district_id AND p.sourced_id=a.person_sourced_id"
			 " WHERE a.district_id=?1 AND a.id=?2 AND a.disabled=0",
			 DB_ARGS(DB_INT(d), DB_INT(account_id)), &st);
	if (e)
		return e;
	if (db_next(st)) {
		const char *em = db_col_text(st, 0), *login = db_col_text(st, 1);
		if (em && family_email_valid(em))
			str_copy(out, cap, em);
		else if (login && family_email_valid(login))
			str_copy(out, cap, login);
	}
	return db_done(st);
}

static enum eb_err notice_to(struct db *db, int64_t d, int64_t id, const char *address,
			     const char *subject, const char *body, int64_t now)
{
	if (!address || !*address)
		return EB_OK;
	return db_execute(db,
			  "INSERT INTO ticket_notice(district_id,ticket_id,address,subject,body,"
			  "created_at) VALUES(?1,?2,?3,?4,?5,?6)",
			  DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(address), DB_TEXT(subject),
				  DB_TEXT(body), DB_INT(now)),
			  NULL);
}

static enum eb_err notice_account(struct db *db, int64_t d, int64_t id, int64_t account_id,
				  const char *subject, const char *body, int64_t now)
{
	char addr[FAMILY_EMAIL_MAX];
	enum eb_err e = account_email(db, d, account_id, addr, sizeof addr);
	return e ? e : notice_to(db, d, id, addr, subject, body, now);
}

/* ---- routing ---- */

struct route {
	enum ticket_tier tier;
	int64_t assignee; /* 0: the tier as a group */
	char vendor_email[TOOL_SHORT_MAX];
};

/* Who would take tool_id's ticket of school at tier t: *found false when
 * the tier has nobody (no champion for the school; no vendor contact nor
 * help-desk email). District IT always has someone: the tool's IT owner,
 * else the district's IT staff as a group. */
static enum eb_err route_tier(struct db *db, int64_t d, int64_t tool_id, const char *school,
			      enum ticket_tier t, struct route *r, bool *found)
{
	memset(r, 0, sizeof *r);
	r->tier = t;
	*found = false;
	enum eb_err e = EB_OK;
	if (t == TICKET_TIER_CHAMPION) {
		if (!tool_id || !school || !*school)
			return EB_OK;
		e = db_get_int(
			db,
			"SELECT s.champion_id FROM tool_support s JOIN account a ON"
			" a.district_id=s.district_id AND a.id=s.champion_id AND a.disabled=0 "
			"WHERE s.district_id=?1 AND"
			" s.tool_id=?2 AND s.school_sourced_id=?3 AND s.champion_id IS NOT NULL",
			DB_ARGS(DB_INT(d), DB_INT(tool_id), DB_TEXT(school)), &r->assignee);
		if (e == EB_ENOTFOUND)
			return EB_OK;
		*found = !e && r->assignee > 0;
		return e;
	}
	if (t == TICKET_TIER_IT) {
		*found = true;
		if (!tool_id)
			return EB_OK;
		e = db_get_int(db,
			       "SELECT coalesce(t.it_owner_id,0) FROM tool t LEFT JOIN account a ON"
			       " a.district_id=t.district_id AND a.id=t.it_owner_id WHERE "
			       "t.district_id=?1 AND t.id=?2 AND"
			       " (a.id IS NULL OR a.disabled=0)",
			       DB_ARGS(DB_INT(d), DB_INT(tool_id)), &r->assignee);
		if (e == EB_ENOTFOUND) {
			r->assignee = 0;
			e = EB_OK;
		}
		return e;
	}
	if (!tool_id)
		return EB_OK;
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)tool_id);
	int64_t contacts = 0;
	e = db_get_int(db,
		       "SELECT count(*) FROM account_role r JOIN account a ON "
		       "a.district_id=r.district_id AND a.id=r.account_id AND"
		       " a.disabled=0 WHERE r.district_id=?1 AND r.role='vendor_contact' AND"
		       " r.scope_type='tool' AND r.scope_id=?2",
		       DB_ARGS(DB_INT(d), DB_TEXT(idtext)), &contacts);
	if (e)
		return e;
	struct db_stmt *st;
	if ((e = db_query(db, "SELECT help_email FROM tool WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(d), DB_INT(tool_id)), &st)))
		return e;
	if (db_next(st)) {
		const char *em = db_col_text(st, 0);
		if (em && family_email_valid(em))
			str_copy(r->vendor_email, sizeof r->vendor_email, em);
	}
	if ((e = db_done(st)))
		return e;
	*found = contacts > 0 || r->vendor_email[0];
	return EB_OK;
}

/* ---- loading ---- */

static enum eb_err ticket_finish(struct db_stmt *st, void *row, struct arena *arena)
{
	struct ticket *t = row;
	int s, p, tr;
	if (!parse_name(db_col_text(st, 34), status_names, TICKET_STATUS__COUNT, &s) ||
	    !parse_name(db_col_text(st, 35), priority_names, TICKET_PRIORITY__COUNT, &p) ||
	    !parse_name(db_col_text(st, 36), tier_names, TICKET_TIER__COUNT, &tr))
		return EB_EDB;
	t->status = (enum ticket_status)s;
	t->priority = (enum ticket_priority)p;
	t->tier = (enum ticket_tier)tr;
	const char *c = db_col_text(st, 37);
	t->health.cred = c && strcmp(c, "active") == 0	  ? TICKET_CRED_ACTIVE
			 : c && strcmp(c, "revoked") == 0 ? TICKET_CRED_REVOKED
							  : TICKET_CRED_NONE;
	return EB_OK;
}

#define TF(m) DB_FIELD_INT(struct ticket, m)
#define TS(m) DB_FIELD_STR(struct ticket, m)
DB_ROWSPEC(ticket_spec, struct ticket, ticket_finish, TF(id), TF(district_id), TF(tool_id),
	   TF(device_id), TS(tool_name), TS(school_sid), TS(school_name), TS(class_sid),
	   TS(class_title), TF(reporter_id), TS(reporter_role), TS(reporter_name), TS(browser),
	   TF(share_with_vendor), TF(health.last_received), TF(health.quarantined), TS(title),
	   TS(body), TF(assignee_id), TS(assignee_name), TS(vendor_email), TF(tier_since),
	   TF(response_due), TF(resolve_due), TF(next_due), TF(first_response_at), TF(resolved_at),
	   TF(paused_at), TF(paused_s), TF(sla_breached), TF(merged_into), TF(reporters),
	   TF(created_at), TF(updated_at), DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_SKIP,
	   DB_FIELD_SKIP);
#undef TF
#undef TS

static enum eb_err load(struct db *db, int64_t d, int64_t id, struct arena *arena, struct ticket *t)
{
	memset(t, 0, sizeof *t);
	return db_get_row(
		db,
		"SELECT t.id,t.district_id,t.tool_id,coalesce(t.device_id,0),coalesce(tl.name,''),"
		"t.school_sid,coalesce(o.name,''),t.class_sid,coalesce(c.title,''),t.reporter_id,"
		"t.reporter_role,t.reporter_name,t.browser,t.share_with_vendor,"
		"t.health_last_received,t.health_quarantined,t.title,t.body,"
		"coalesce(t.assignee_id,0),coalesce(a.display_name,''),t.vendor_email,t.tier_since,"
		"t.response_due,t.resolve_due,t.next_due,t.first_response_at,t.resolved_at,"
		"t.paused_at,t.paused_s,t.sla_breached,coalesce(t.merged_into,0),"
		"(SELECT count(*) FROM ticket_reporter r WHERE r.district_id=t.district_id AND "
		"r.ticket_id=t.id),t.created_at,"
		"t.updated_at,t.status,t.priority,t.tier,t.health_credential"
		" FROM ticket t LEFT JOIN tool tl ON tl.district_id=t.district_id AND "
		"tl.id=t.tool_id AND "
		"tl.district_id=t.district_id"
		" LEFT JOIN org o ON o.district_id=t.district_id AND o.sourced_id=t.school_sid"
		" LEFT JOIN class c ON c.district_id=t.district_id AND c.sourced_id=t.class_sid"
		" LEFT JOIN account a ON a.district_id=t.district_id AND a.id=t.assignee_id"
		" WHERE t.district_id=?1 AND t.id=?2",
		DB_ARGS(DB_INT(d), DB_INT(id)), &ticket_spec, arena, t);
}

static bool is_reporter(struct db *db, int64_t d, int64_t id, int64_t account_id)
{
	int64_t n = 0;
	if (db_get_int(db,
		       "SELECT count(*) FROM ticket_reporter WHERE district_id=?1 AND ticket_id=?2"
		       " AND account_id=?3",
		       DB_ARGS(DB_INT(d), DB_INT(id), DB_INT(account_id)), &n))
		return false;
	return n > 0;
}

static bool vendor_of(const struct account *a, int64_t tool_id)
{
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)tool_id);
	return tool_id && has_scope(a, ROLE_VENDOR_CONTACT, "tool", idtext);
}

bool ticket_can_work(struct db *db, const struct account *v, const struct ticket *t)
{
	if (!v)
		return true;
	if (v->district_id != t->district_id)
		return false;
	if (is_it(v))
		return true;
	if (*t->school_sid && has_scope(v, ROLE_TECH_CHAMPION, "school", t->school_sid))
		return true;
	return t->tier == TICKET_TIER_VENDOR && vendor_of(v, t->tool_id);
}

bool ticket_can_see(struct db *db, const struct account *v, const struct ticket *t)
{
	if (ticket_can_work(db, v, t))
		return true;
	return v->district_id == t->district_id && is_reporter(db, t->district_id, t->id, v->id);
}

enum eb_err ticket_get(struct db *db, int64_t district_id, const struct account *viewer, int64_t id,
		       struct arena *arena, struct ticket *out)
{
	enum eb_err e = load(db, district_id, id, arena, out);
	if (e)
		return e;
	if (viewer && !ticket_can_see(db, viewer, out))
		return EB_ENOTFOUND;
	/* a vendor contact reads the reporter only when the reporter shared it */
	if (viewer && !is_it(viewer) && vendor_of(viewer, out->tool_id) &&
	    !is_reporter(db, district_id, id, viewer->id) &&
	    !(*out->school_sid &&
	      has_scope(viewer, ROLE_TECH_CHAMPION, "school", out->school_sid)) &&
	    !out->share_with_vendor) {
		out->reporter_name = "";
		out->class_sid = "";
		out->class_title = "";
	}
	return EB_OK;
}

/* ---- the clock ---- */

/* Sets next_due from the ticket's targets: NULL while paused, not active,
 * or without a target left. */
static enum eb_err clock_update(struct db *db, int64_t d, int64_t id)
{
	return db_execute(
		db,
		"UPDATE ticket SET next_due = CASE WHEN paused_at IS NOT NULL OR status IN"
		" ('resolved','closed') OR sla_breached=1 THEN NULL"
		" WHEN response_due IS NULL THEN resolve_due WHEN resolve_due IS NULL THEN"
		" response_due ELSE min(response_due, resolve_due) END"
		" WHERE district_id=?1 AND id=?2",
		DB_ARGS(DB_INT(d), DB_INT(id)), NULL);
}

/* Hands the ticket to route r now: the tier's targets start afresh. */
static enum eb_err set_tier(struct db *db, int64_t d, int64_t id, enum ticket_priority p,
			    const struct route *r, enum ticket_status status, int64_t now)
{
	struct ticket_sla s;
	enum eb_err e = ticket_sla_get(db, d, r->tier, p, &s);
	if (e)
		return e;
	e = db_execute(
		db,
		"UPDATE ticket SET tier=?3, assignee_id=?4, vendor_email=?5, tier_since=?6,"
		" response_due=?7, resolve_due=?8, status=?9, paused_at=NULL,"
		" updated_at=?6 WHERE district_id=?1 AND id=?2",
		DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(ticket_tier_name(r->tier)),
			r->assignee ? DB_INT(r->assignee) : DB_NULL, DB_TEXT(r->vendor_email),
			DB_INT(now), DB_INT(now + 60LL * s.respond_min),
			DB_INT(now + 60LL * s.resolve_min), DB_TEXT(ticket_status_name(status))),
		NULL);
	return e ? e : clock_update(db, d, id);
}

/* Queues the notices to the people of the ticket's tier. */
struct idrow {
	int64_t id;
};
DB_ROWSPEC(id_spec, struct idrow, NULL, DB_FIELD_INT(struct idrow, id));

/* What the reporters are told (in their language: families and students
 * read their own; staff English). */
enum reporter_news { NEWS_STATUS, NEWS_ANSWER, NEWS_MERGED };

/* The address of ticket id for an email: the district's public address
 * (delivery settings) with the path, else the path alone. */
static void ticket_link(struct db *db, int64_t d, int64_t id, char *out, size_t cap)
{
	struct delivery_settings s;
	bool site = delivery_get(db, d, &s) == EB_OK && s.public_url[0];
	size_t n = site ? str_site_url_len(s.public_url, DELIVERY_URL_MAX) : 0;
	snprintf(out, cap, "%.*s/tickets/%lld", (int)n, site ? s.public_url : "", (long long)id);
	sodium_memzero(&s, sizeof s);
}

/* Tells the reporters of ticket id but except (an account id, 0: none)
 * news about it: the new status (arg: its plain words, a msgid), an answer,
 * or their report merged into the incident link_id (arg: its title). */
static enum eb_err notify_reporters(struct db *db, int64_t d, int64_t id, int64_t except,
				    const char *title, enum reporter_news news, const char *arg,
				    int64_t link_id, int64_t now)
{
	char link[DELIVERY_URL_MAX + 40];
	ticket_link(db, d, link_id ? link_id : id, link, sizeof link);
	struct idrow *ids;
	size_t n;
	struct arena tmp;
	arena_init(&tmp);
	enum eb_err e = db_get_rows(
		db,
		"SELECT account_id FROM ticket_reporter WHERE district_id=?1 AND"
		" ticket_id=?2 AND account_id<>?3",
		DB_ARGS(DB_INT(d), DB_INT(id), DB_INT(except)), &id_spec, &tmp, &ids, &n);
	for (size_t i = 0; !e && i < n; i++) {
		struct account a;
		const struct i18n_lang *L = NULL;
		if (account_get(db, d, ids[i].id, &a) == EB_OK && !is_staff(&a)) {
			struct family_lang fl;
			family_lang_of_account(db, d, &a, NULL, &fl);
			L = fl.lang;
		}
		char what[400], subject[300], body[1600];
		switch (news) {
		case NEWS_STATUS:
			snprintf(what, sizeof what, TR(L, "Your report is now: %s."), TR(L, arg));
			break;
		case NEWS_ANSWER:
			snprintf(what, sizeof what, "%s",
				 TR(L, "There is an answer to your report."));
			break;
		default:
			snprintf(what, sizeof what,
				 TR(L,
				    "Others reported the same problem: your report joined theirs,"
				    " \"%s\". We will keep you posted there."),
				 arg);
		}
		snprintf(subject, sizeof subject, TR(L, "Your report: %s"), title);
		snprintf(body, sizeof body, "%s\n\n%s\n%s %s\n", what, subject,
			 TR(L, "See it in edbridge:"), link);
		e = notice_account(db, d, id, ids[i].id, subject, body, now);
	}
	arena_free(&tmp);
	return e;
}

static enum eb_err notify_tier(struct db *db, int64_t d, int64_t id, const struct route *r,
			       const char *tool_name, const char *title, const char *what,
			       int64_t now)
{
	char subject[300], body[1200], link[DELIVERY_URL_MAX + 40];
	ticket_link(db, d, id, link, sizeof link);
	snprintf(subject, sizeof subject, "[Ticket %lld] %s: %s", (long long)id,
		 *tool_name ? tool_name : "Support", title);
	snprintf(body, sizeof body,
		 "%s\n\nTicket %lld (%s): %s\nIt is with: %s.\nOpen it in edbridge: %s\n", what,
		 (long long)id, *tool_name ? tool_name : "no tool", title,
		 ticket_tier_label(r->tier), link);
	enum eb_err e = EB_OK;
	if (r->assignee)
		e = notice_account(db, d, id, r->assignee, subject, body, now);
	if (!e && r->tier == TICKET_TIER_VENDOR && r->vendor_email[0])
		e = notice_to(db, d, id, r->vendor_email, subject, body, now);
	return e;
}

/* ---- filing ---- */

static enum eb_err school_of_class(struct db *db, int64_t d, const char *class_sid, char *out,
				   size_t cap)
{
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT school_sourced_id FROM class WHERE district_id=?1 AND"
				 " sourced_id=?2",
				 DB_ARGS(DB_INT(d), DB_TEXT(class_sid)), &st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, out, cap);
	e = db_done(st);
	return e ? e : found ? EB_OK : EB_ENOTFOUND;
}

/* The reporter's own school: the first school-scoped role's, else the
 * roster person's first org that is a school. "" when none. */
static enum eb_err own_school(struct db *db, const struct account *a, char *out, size_t cap)
{
	out[0] = '\0';
	for (int i = 0; i < a->nroles; i++)
		if (strcmp(a->roles[i].scope_type, "school") == 0) {
			str_copy(out, cap, a->roles[i].scope_id);
			return EB_OK;
		}
	if (!a->person_sid[0])
		return EB_OK;
	struct db_stmt *st;
	enum eb_err e = db_query(
		db,
		"SELECT o.sourced_id FROM person p JOIN org o ON o.district_id=p.district_id AND"
		" o.type='school' AND instr(','||p.org_sourced_ids||',', ','||o.sourced_id||',')>0"
		" WHERE p.district_id=?1 AND p.sourced_id=?2 ORDER BY o.sourced_id LIMIT 1",
		DB_ARGS(DB_INT(a->district_id), DB_TEXT(a->person_sid)), &st);
	if (e)
		return e;
	if (db_next(st))
		db_col_copy(st, 0, out, cap);
	return db_done(st);
}

enum eb_err ticket_school_of(struct db *db, const struct account *a, const char *class_sid,
			     char *out, size_t cap)
{
	out[0] = '\0';
	if (class_sid && *class_sid) {
		enum eb_err e = access_class(db, a, class_sid);
		return e ? e : school_of_class(db, a->district_id, class_sid, out, cap);
	}
	return own_school(db, a, out, cap);
}

enum eb_err ticket_create(struct db *db, int64_t district_id, const struct account *reporter,
			  const struct ticket_new *in, int64_t now, int64_t *id, char *route_note,
			  char *why, size_t cap)
{
	if (route_note)
		route_note[0] = '\0';
	struct arena tmp;
	arena_init(&tmp);
	enum eb_err e = EB_EINVAL;
	const char *title = checked_text(&tmp, in->title, 1, TICKET_TITLE_MAX, "title", why, cap);
	const char *body =
		title ? checked_text(&tmp, in->body, 0, TICKET_BODY_MAX, "details", why, cap)
		      : NULL;
	if (!title || !body)
		goto done;
	enum ticket_priority prio = TICKET_NORMAL;
	if (in->priority && *in->priority && is_staff(reporter) &&
	    !ticket_priority_parse(in->priority, &prio)) {
		snprintf(why, cap, "priority: choose low, normal, high or urgent");
		goto done;
	}
	char tool_name[TOOL_NAME_MAX] = "";
	if (in->tool_id) {
		struct db_stmt *st;
		if ((e = db_query(db, "SELECT name FROM tool WHERE district_id=?1 AND id=?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(in->tool_id)), &st)))
			goto done;
		if (db_next(st))
			db_col_copy(st, 0, tool_name, sizeof tool_name);
		if ((e = db_done(st)))
			goto done;
		if (!tool_name[0]) {
			snprintf(why, cap, "tool: choose a tool of the district");
			e = EB_EINVAL;
			goto done;
		}
	}
	char school[ACCOUNT_ID_MAX] = "";
	const char *class_sid = in->class_sid && *in->class_sid ? in->class_sid : "";
	if (*class_sid) {
		e = access_class(db, reporter, class_sid);
		if (!e)
			e = school_of_class(db, district_id, class_sid, school, sizeof school);
		if (e == EB_ENOTFOUND || e == EB_EPERM) {
			snprintf(why, cap, "class: choose one of your classes");
			e = EB_EINVAL;
		}
		if (e)
			goto done;
	} else if (in->school_sid && *in->school_sid) {
		int64_t n = 0;
		if ((e = db_get_int(
			     db,
			     "SELECT count(*) FROM org WHERE district_id=?1 AND sourced_id=?2"
			     " AND type='school'",
			     DB_ARGS(DB_INT(district_id), DB_TEXT(in->school_sid)), &n)))
			goto done;
		if (!n) {
			snprintf(why, cap, "school: choose a school of the district");
			e = EB_EINVAL;
			goto done;
		}
		str_copy(school, sizeof school, in->school_sid);
	} else if ((e = own_school(db, reporter, school, sizeof school))) {
		goto done;
	}
	if (in->device_id && !device_exists(db, district_id, in->device_id)) {
		snprintf(why, cap, "device: choose a device of the district");
		e = EB_EINVAL;
		goto done;
	}
	struct ticket_health h = { 0, 0, TICKET_CRED_NONE };
	if (in->tool_id && (e = ticket_health_of(db, district_id, in->tool_id, now, &h)))
		goto done;
	char browser[TICKET_BROWSER_MAX];
	browser_summary(in->user_agent, browser, sizeof browser);

	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	struct route r;
	bool found;
	if ((e = route_tier(db, district_id, in->tool_id, school, TICKET_TIER_CHAMPION, &r,
			    &found)))
		goto fail;
	if (!found) {
		if ((e = route_tier(db, district_id, in->tool_id, school, TICKET_TIER_IT, &r,
				    &found)))
			goto fail;
		if (route_note && in->tool_id)
			snprintf(route_note, TICKET_WHY_CAP,
				 "Your school has no tech champion for %s yet: district IT has your"
				 " report.",
				 tool_name);
	}
	const char *role = role_name(reporter_role_of(reporter));
	e = db_execute(
		db,
		"INSERT INTO ticket(district_id,tool_id,school_sid,class_sid,device_id,reporter_id,"
		"reporter_role,reporter_name,share_with_vendor,browser,health_last_received,"
		"health_quarantined,health_credential,title,body,priority,status,tier,tier_since,"
		"created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
		"?16,'new','champion',?17,?17,?17)",
		DB_ARGS(DB_INT(district_id), DB_INT(in->tool_id), DB_TEXT(school),
			DB_TEXT(class_sid), in->device_id ? DB_INT(in->device_id) : DB_NULL,
			DB_INT(reporter->id), DB_TEXT(role), DB_TEXT(reporter->display_name),
			DB_INT(in->share_with_vendor ? 1 : 0), DB_TEXT(browser),
			DB_INT(h.last_received), DB_INT(h.quarantined),
			DB_TEXT(ticket_cred_name(h.cred)), DB_TEXT(title), DB_TEXT(body),
			DB_TEXT(ticket_priority_name(prio)), DB_INT(now)),
		NULL);
	if (e)
		goto fail;
	int64_t tid = db_last_id(db);
	if ((e = db_execute(
		     db,
		     "INSERT INTO ticket_reporter(district_id,ticket_id,account_id,name,role,"
		     "class_sid,share_with_vendor,joined_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		     DB_ARGS(DB_INT(district_id), DB_INT(tid), DB_INT(reporter->id),
			     DB_TEXT(reporter->display_name), DB_TEXT(role), DB_TEXT(class_sid),
			     DB_INT(in->share_with_vendor ? 1 : 0), DB_INT(now)),
		     NULL)) ||
	    (e = set_tier(db, district_id, tid, prio, &r, TICKET_NEW, now)) ||
	    (e = event_add(db, district_id, tid, reporter, "filed", "", ticket_tier_name(r.tier),
			   route_note && *route_note ? route_note : "", now)) ||
	    (e = notify_tier(db, district_id, tid, &r, tool_name, title,
			     "A new problem was reported.", now)))
		goto fail;
	if (own && (e = db_commit(db)))
		goto fail;
	*id = tid;
	goto done;
fail:
	if (own)
		db_rollback(db);
	if (!*why)
		snprintf(why, cap, "ticket: could not be stored (%s)", eb_strerror(e));
done:
	arena_free(&tmp);
	return e;
}

/* ---- lists ---- */

static enum eb_err row_finish(struct db_stmt *st, void *row, struct arena *arena)
{
	struct ticket_row *r = row;
	int s, p, t;
	if (!parse_name(db_col_text(st, 11), status_names, TICKET_STATUS__COUNT, &s) ||
	    !parse_name(db_col_text(st, 12), priority_names, TICKET_PRIORITY__COUNT, &p) ||
	    !parse_name(db_col_text(st, 13), tier_names, TICKET_TIER__COUNT, &t))
		return EB_EDB;
	r->status = (enum ticket_status)s;
	r->priority = (enum ticket_priority)p;
	r->tier = (enum ticket_tier)t;
	return EB_OK;
}

#define RF(m) DB_FIELD_INT(struct ticket_row, m)
DB_ROWSPEC(row_spec, struct ticket_row, row_finish, RF(id), RF(tool_id), RF(device_id),
	   DB_FIELD_STR(struct ticket_row, tool_name), DB_FIELD_STR(struct ticket_row, school_sid),
	   DB_FIELD_STR(struct ticket_row, title), RF(next_due), RF(reporters), RF(created_at),
	   RF(updated_at), RF(merged_into), DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_SKIP);
#undef RF

#define ROW_COLS                                                                                   \
	"t.id,t.tool_id,coalesce(t.device_id,0),coalesce(tl.name,''),t.school_sid,t.title,"        \
	"coalesce(t.next_due,0),(SELECT count(*) FROM ticket_reporter r WHERE "                    \
	"r.district_id=t.district_id AND r.ticket_id=t.id),"                                       \
	"t.created_at,t.updated_at,coalesce(t.merged_into,0),t.status,t.priority,t.tier"
#define ROW_FROM                                                                                   \
	" FROM ticket t LEFT JOIN tool tl ON tl.id=t.tool_id AND tl.district_id=t.district_id"
/* ?2 tool, ?3 device, ?4 school, ?5 status name ('' any), ?6 active only,
 * ?7 before id, ?8 limit, ?9 sees all, ?10 viewer, ?11 champion schools,
 * ?12 vendor tools, ?13 mine only */
#define ROW_FILTER                                                                                 \
	" AND (?2=0 OR t.tool_id=?2) AND (?4 IS NULL OR t.school_sid=?4)"                          \
	" AND (?5='' OR t.status=?5) AND (?6=0 OR t.status IN ('new','open',"                      \
	"'waiting_on_reporter','escalated')) AND (?7=0 OR t.id<?7)"                                \
	" AND (?9=1 OR (?11<>'' AND instr(?11, ','||t.school_sid||',')>0) OR (t.tier='vendor'"     \
	" AND ?12<>'' AND instr(?12, ','||t.tool_id||',')>0) OR EXISTS(SELECT 1 FROM"              \
	" ticket_reporter r WHERE r.district_id=t.district_id AND r.ticket_id=t.id AND "           \
	"r.account_id=?10))"                                                                       \
	" AND (?13=0 OR EXISTS(SELECT 1 FROM ticket_reporter r WHERE r.district_id=t.district_id " \
	"AND r.ticket_id=t.id AND"                                                                 \
	" r.account_id=?10))"

enum eb_err ticket_list(struct db *db, int64_t district_id, const struct account *viewer,
			const struct ticket_filter *f, struct arena *arena,
			struct ticket_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	size_t limit = f->limit ? f->limit : 50;
	if (limit > TICKET_PAGE_MAX)
		limit = TICKET_PAGE_MAX;
	bool all = !viewer || is_it(viewer);
	const char *champ = viewer ? scope_list(arena, viewer, ROLE_TECH_CHAMPION, "school") : "";
	const char *vend = viewer ? scope_list(arena, viewer, ROLE_VENDOR_CONTACT, "tool") : "";
	if (!champ || !vend)
		return EB_ENOMEM;
	const char *status = f->status >= 0 ? ticket_status_name((enum ticket_status)f->status)
					    : "";
	if (!status)
		return EB_EINVAL;
	bool mine = f->mine_only || (!all && !*champ && !*vend);
	int64_t me = viewer ? viewer->id : 0;
#define ARGS                                                                                       \
	DB_ARGS(DB_INT(district_id), DB_INT(f->tool_id), DB_INT(f->device_id),                     \
		DB_TEXT(f->school_sid), DB_TEXT(status), DB_INT(f->active_only ? 1 : 0),           \
		DB_INT(f->before_id), DB_INT((int64_t)limit), DB_INT(all ? 1 : 0), DB_INT(me),     \
		DB_TEXT(champ), DB_TEXT(vend), DB_INT(mine ? 1 : 0))
	if (f->device_id)
		return db_get_rows(db,
				   "SELECT " ROW_COLS ROW_FROM
				   " WHERE t.district_id=?1 AND t.device_id=?3" ROW_FILTER
				   " ORDER BY t.id DESC LIMIT ?8",
				   ARGS, &row_spec, arena, rows, n);
	if (mine)
		return db_get_rows(db,
				   "SELECT " ROW_COLS ROW_FROM
				   " JOIN ticket_reporter me ON me.district_id=t.district_id AND "
				   "me.ticket_id=t.id AND"
				   " me.district_id=t.district_id AND me.account_id=?10"
				   " WHERE t.district_id=?1 AND ?3=?3" ROW_FILTER
				   " ORDER BY t.id DESC LIMIT ?8",
				   ARGS, &row_spec, arena, rows, n);
	return db_get_rows(db,
			   "SELECT " ROW_COLS ROW_FROM
			   " WHERE t.district_id=?1 AND ?3=?3" ROW_FILTER
			   " ORDER BY t.id DESC LIMIT ?8",
			   ARGS, &row_spec, arena, rows, n);
#undef ARGS
}

enum eb_err ticket_near_target(struct db *db, int64_t district_id, const struct account *viewer,
			       int64_t now, size_t max, struct arena *arena,
			       struct ticket_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	bool all = !viewer || is_it(viewer);
	const char *champ = viewer ? scope_list(arena, viewer, ROLE_TECH_CHAMPION, "school") : "";
	const char *vend = viewer ? scope_list(arena, viewer, ROLE_VENDOR_CONTACT, "tool") : "";
	if (!champ || !vend)
		return EB_ENOMEM;
	if (!all && !*champ && !*vend)
		return EB_OK;
	if (max < 1 || max > TICKET_PAGE_MAX)
		max = 10;
	/* a vendor contact: their tools' tickets once at the vendor tier */
	return db_get_rows(db,
			   "SELECT " ROW_COLS ROW_FROM
			   " WHERE t.next_due IS NOT NULL AND t.next_due <= ?2 AND t.district_id=?1"
			   " AND (?4=1 OR (?5<>'' AND instr(?5, ','||t.school_sid||',')>0) OR"
			   " (t.tier='vendor' AND ?6<>'' AND instr(?6, ','||t.tool_id||',')>0))"
			   " ORDER BY t.next_due LIMIT ?3",
			   DB_ARGS(DB_INT(district_id), DB_INT(now + TICKET_NEAR_S),
				   DB_INT((int64_t)max), DB_INT(all ? 1 : 0), DB_TEXT(champ),
				   DB_TEXT(vend)),
			   &row_spec, arena, rows, n);
}

enum eb_err ticket_similar(struct db *db, int64_t district_id, int64_t tool_id,
			   const char *school_sid, int64_t now, size_t max, struct arena *arena,
			   struct ticket_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!tool_id)
		return EB_OK;
	if (max < 1 || max > 20)
		max = 5;
	return db_get_rows(db,
			   "SELECT " ROW_COLS ROW_FROM
			   " WHERE t.district_id=?1 AND t.tool_id=?2 AND t.school_sid=?3 AND"
			   " t.created_at >= ?4 AND t.merged_into IS NULL AND t.status IN"
			   " ('new','open','waiting_on_reporter','escalated')"
			   " ORDER BY t.created_at DESC LIMIT ?5",
			   DB_ARGS(DB_INT(district_id), DB_INT(tool_id),
				   DB_TEXT(school_sid ? school_sid : ""),
				   DB_INT(now - TICKET_DUP_WINDOW_S), DB_INT((int64_t)max)),
			   &row_spec, arena, rows, n);
}

/* ---- working a ticket ---- */

static bool status_allowed(enum ticket_status from, enum ticket_status to, bool worker)
{
	if (from == to)
		return false;
	switch (to) {
	case TICKET_OPEN:
		return true; /* answered, resumed, reopened */
	case TICKET_WAITING:
		return worker && ticket_status_active(from);
	case TICKET_RESOLVED:
		return ticket_status_active(from);
	case TICKET_CLOSED:
		return from == TICKET_RESOLVED || ticket_status_active(from);
	default:
		return false; /* new and escalated are set by filing and escalation */
	}
}

/* Moves loaded ticket t to status to (checked by the caller), inside the
 * caller's transaction: a pause ends with the targets moved by its length,
 * waiting starts one, resolved stamps resolved_at; history and notices. */
static enum eb_err status_change(struct db *db, int64_t d, const struct account *who,
				 const struct ticket *t, enum ticket_status to, int64_t now)
{
	enum eb_err e = EB_OK;
	if (t->status == TICKET_WAITING && t->paused_at) {
		int64_t pause = now > t->paused_at ? now - t->paused_at : 0;
		e = db_execute(db,
			       "UPDATE ticket SET response_due=response_due+?3,"
			       " resolve_due=resolve_due+?3, paused_s=paused_s+?3, paused_at=NULL"
			       " WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(d), DB_INT(t->id), DB_INT(pause)), NULL);
	}
	if (!e)
		e = db_execute(
			db,
			"UPDATE ticket SET status=?3, updated_at=?4,"
			" paused_at=CASE WHEN ?3='waiting_on_reporter' THEN ?4 ELSE paused_at END,"
			" resolved_at=CASE WHEN ?3='resolved' THEN ?4 WHEN ?3='open' THEN NULL"
			" ELSE resolved_at END WHERE district_id=?1 AND id=?2",
			DB_ARGS(DB_INT(d), DB_INT(t->id), DB_TEXT(ticket_status_name(to)),
				DB_INT(now)),
			NULL);
	if (!e)
		e = clock_update(db, d, t->id);
	if (!e)
		e = event_add(db, d, t->id, who, "status", ticket_status_name(t->status),
			      ticket_status_name(to), "", now);
	if (!e) {
		e = notify_reporters(db, d, t->id, who ? who->id : 0, t->title, NEWS_STATUS,
				     ticket_status_plain(to), 0, now);
	}
	return e;
}

enum eb_err ticket_set_status(struct db *db, int64_t district_id, const struct account *who,
			      int64_t id, enum ticket_status to, int64_t now, char *why, size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	struct ticket t;
	enum eb_err e = ticket_get(db, district_id, who, id, &tmp, &t);
	if (e)
		goto done;
	bool worker = ticket_can_work(db, who, &t);
	if (t.merged_into || !status_allowed(t.status, to, worker)) {
		snprintf(why, cap, "status: a ticket that is %s cannot become %s",
			 ticket_status_label(t.status), ticket_status_label(to));
		e = EB_EINVAL;
		goto done;
	}
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	e = status_change(db, district_id, who, &t, to, now);
	if (!e && own)
		e = db_commit(db);
	if (e && own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

/* Escalation by who (NULL: the sweep) of a loaded active ticket to tier to. */
static enum eb_err escalate_loaded(struct db *db, int64_t d, const struct account *who,
				   const struct ticket *t, enum ticket_tier to, int64_t now,
				   char *note, bool *to_it)
{
	struct route r;
	bool found;
	enum eb_err e = route_tier(db, d, t->tool_id, t->school_sid, to, &r, &found);
	if (e)
		return e;
	*to_it = false;
	if (!found) {
		if (note)
			snprintf(note, TICKET_WHY_CAP,
				 "Nobody is in the %s tier for this tool: the ticket went to"
				 " district IT instead.",
				 to == TICKET_TIER_VENDOR ? "vendor" : "school tech champion");
		if ((e = route_tier(db, d, t->tool_id, t->school_sid, TICKET_TIER_IT, &r, &found)))
			return e;
		*to_it = true;
		if (t->tier == TICKET_TIER_IT) {
			/* nowhere further: the clock stops, marked breached for the sweep */
			if (!who)
				e = db_execute(db,
					       "UPDATE ticket SET sla_breached=1, next_due=NULL,"
					       " updated_at=?3 WHERE district_id=?1 AND id=?2",
					       DB_ARGS(DB_INT(d), DB_INT(t->id), DB_INT(now)),
					       NULL);
			if (!e)
				e = event_add(db, d, t->id, who, who ? "tier" : "breach", "it",
					      "it", note ? note : "", now);
			return e;
		}
	}
	if ((e = set_tier(db, d, t->id, t->priority, &r, TICKET_ESCALATED, now)) ||
	    (e = event_add(db, d, t->id, who, "tier", ticket_tier_name(t->tier),
			   ticket_tier_name(r.tier), note && *to_it ? note : "", now)))
		return e;
	return notify_tier(db, d, t->id, &r, t->tool_name, t->title,
			   who ? "A ticket was escalated to you."
			       : "A ticket passed its target and was escalated to you.",
			   now);
}

enum eb_err ticket_escalate(struct db *db, int64_t district_id, const struct account *who,
			    int64_t id, enum ticket_tier to, int64_t now, char *note, char *why,
			    size_t cap)
{
	if (note)
		note[0] = '\0';
	struct arena tmp;
	arena_init(&tmp);
	struct ticket t;
	enum eb_err e = ticket_get(db, district_id, who, id, &tmp, &t);
	if (e)
		goto done;
	if (who && !ticket_can_work(db, who, &t)) {
		e = EB_EPERM;
		snprintf(why, cap, "escalate: only the people working the ticket can escalate it");
		goto done;
	}
	if (!ticket_status_active(t.status) || t.merged_into) {
		e = EB_EINVAL;
		snprintf(why, cap, "escalate: the ticket is %s", ticket_status_label(t.status));
		goto done;
	}
	if ((unsigned)to >= TICKET_TIER__COUNT)
		to = (enum ticket_tier)(t.tier + 1);
	if (t.tier == TICKET_TIER_VENDOR || to <= t.tier || (unsigned)to >= TICKET_TIER__COUNT) {
		e = EB_EINVAL;
		snprintf(why, cap,
			 "escalate: the ticket is with %s already; it can only go further",
			 ticket_tier_label(t.tier));
		goto done;
	}
	bool own = !db_in_transaction(db), to_it;
	if (own && (e = db_begin(db)))
		goto done;
	e = escalate_loaded(db, district_id, who, &t, to, now, note, &to_it);
	if (!e && own)
		e = db_commit(db);
	if (e && own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

enum eb_err ticket_comment_add(struct db *db, int64_t district_id, const struct account *who,
			       int64_t id, const char *body, bool internal, int64_t now,
			       int64_t *comment_id, char *why, size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	struct ticket t;
	enum eb_err e = ticket_get(db, district_id, who, id, &tmp, &t);
	if (e)
		goto done;
	bool worker = ticket_can_work(db, who, &t);
	bool staff_worker = worker &&
			    !(vendor_of(who, t.tool_id) && !is_it(who) &&
			      !has_scope(who, ROLE_TECH_CHAMPION, "school", t.school_sid));
	if (internal && !staff_worker) {
		e = EB_EPERM;
		snprintf(why, cap,
			 "comment: only district staff working the ticket write internal"
			 " notes");
		goto done;
	}
	const char *text = checked_text(&tmp, body, 1, TICKET_COMMENT_MAX, "comment", why, cap);
	if (!text) {
		e = EB_EINVAL;
		goto done;
	}
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	e = db_execute(db,
		       "INSERT INTO ticket_comment(district_id,ticket_id,author_id,author_name,"
		       "author_role,internal,body,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(who->id),
			       DB_TEXT(who->display_name),
			       DB_TEXT(role_name(reporter_role_of(who))), DB_INT(internal ? 1 : 0),
			       DB_TEXT(text), DB_INT(now)),
		       NULL);
	if (!e && comment_id)
		*comment_id = db_last_id(db);
	if (!e && worker && !internal) {
		/* the tier's response: stops its response clock */
		e = db_execute(db,
			       "UPDATE ticket SET response_due=NULL,"
			       " first_response_at=coalesce(first_response_at,?3),"
			       " status=CASE WHEN status='new' THEN 'open' ELSE status END,"
			       " updated_at=?3 WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now)), NULL);
		if (!e)
			e = clock_update(db, district_id, id);
		if (!e)
			e = notify_reporters(db, district_id, id, who->id, t.title, NEWS_ANSWER,
					     NULL, 0, now);
	} else if (!e && !worker) {
		/* the reporter answered a question: the clock runs again */
		if (t.status == TICKET_WAITING)
			e = status_change(db, district_id, who, &t, TICKET_OPEN, now);
		struct route r = { t.tier, t.assignee_id, "" };
		str_copy(r.vendor_email, sizeof r.vendor_email, t.vendor_email);
		if (!e)
			e = notify_tier(db, district_id, id, &r, t.tool_name, t.title,
					"The reporter added a comment.", now);
	}
	if (!e)
		e = db_execute(db, "UPDATE ticket SET updated_at=?3 WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now)), NULL);
	if (!e && own)
		e = db_commit(db);
	if (e && own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

DB_ROWSPEC(comment_spec, struct ticket_comment, NULL, DB_FIELD_INT(struct ticket_comment, id),
	   DB_FIELD_INT(struct ticket_comment, at), DB_FIELD_INT(struct ticket_comment, author_id),
	   DB_FIELD_STR(struct ticket_comment, author), DB_FIELD_STR(struct ticket_comment, role),
	   DB_FIELD_STR(struct ticket_comment, body),
	   DB_FIELD_INT(struct ticket_comment, internal));

enum eb_err ticket_comments(struct db *db, int64_t district_id, int64_t id, bool with_internal,
			    struct arena *arena, struct ticket_comment **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT id,created_at,coalesce(author_id,0),author_name,author_role,body,"
		"internal FROM ticket_comment WHERE district_id=?1 AND ticket_id=?2 AND (?3=1 OR"
		" internal=0) ORDER BY id",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(with_internal ? 1 : 0)),
		&comment_spec, arena, rows, n);
}

DB_ROWSPEC(event_spec, struct ticket_event, NULL, DB_FIELD_INT(struct ticket_event, at),
	   DB_FIELD_STR(struct ticket_event, actor), DB_FIELD_STR(struct ticket_event, kind),
	   DB_FIELD_STR(struct ticket_event, from_value),
	   DB_FIELD_STR(struct ticket_event, to_value), DB_FIELD_STR(struct ticket_event, note));

enum eb_err ticket_history(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			   struct ticket_event **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT at,actor,kind,from_value,to_value,note FROM ticket_event WHERE"
			   " district_id=?1 AND ticket_id=?2 ORDER BY id",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &event_spec, arena, rows, n);
}

/* ---- reporters and duplicates ---- */

DB_ROWSPEC(reporter_spec, struct ticket_reporter, NULL,
	   DB_FIELD_INT(struct ticket_reporter, account_id),
	   DB_FIELD_INT(struct ticket_reporter, joined_at),
	   DB_FIELD_STR(struct ticket_reporter, name), DB_FIELD_STR(struct ticket_reporter, role),
	   DB_FIELD_STR(struct ticket_reporter, class_sid),
	   DB_FIELD_INT(struct ticket_reporter, share_with_vendor));

enum eb_err ticket_reporters(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			     struct ticket_reporter **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT account_id,joined_at,name,role,class_sid,share_with_vendor FROM"
			   " ticket_reporter WHERE district_id=?1 AND ticket_id=?2 ORDER BY"
			   " joined_at, account_id",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &reporter_spec, arena, rows,
			   n);
}

enum eb_err ticket_join(struct db *db, int64_t district_id, const struct account *who, int64_t id,
			const char *class_sid, bool share_with_vendor, int64_t now, char *why,
			size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	struct ticket t;
	enum eb_err e = load(db, district_id, id, &tmp, &t);
	if (e)
		goto done;
	if (!ticket_status_active(t.status) || t.merged_into) {
		e = EB_EINVAL;
		snprintf(why, cap, "ticket: that report is already %s; file a new one",
			 ticket_status_label(t.status));
		goto done;
	}
	const char *cls = class_sid && *class_sid ? class_sid : "";
	if (*cls && access_class(db, who, cls))
		cls = "";
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	int changed = 0;
	e = db_execute(
		db,
		"INSERT OR IGNORE INTO ticket_reporter(district_id,ticket_id,account_id,name,"
		"role,class_sid,share_with_vendor,joined_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(who->id),
			DB_TEXT(who->display_name), DB_TEXT(role_name(reporter_role_of(who))),
			DB_TEXT(cls), DB_INT(share_with_vendor ? 1 : 0), DB_INT(now)),
		&changed);
	if (!e && changed)
		e = event_add(db, district_id, id, who, "join", "", who->login, "", now);
	if (!e && changed)
		e = db_execute(db, "UPDATE ticket SET updated_at=?3 WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now)), NULL);
	if (!e && own)
		e = db_commit(db);
	if (e && own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

enum eb_err ticket_merge(struct db *db, int64_t district_id, const struct account *who, int64_t dup,
			 int64_t into, int64_t now, char *why, size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	struct ticket a, b;
	enum eb_err e = EB_EINVAL;
	if (dup == into) {
		snprintf(why, cap, "merge: a ticket cannot be merged into itself");
		goto done;
	}
	if ((e = ticket_get(db, district_id, who, dup, &tmp, &a)))
		goto done;
	if ((e = ticket_get(db, district_id, who, into, &tmp, &b))) {
		if (e == EB_ENOTFOUND) {
			snprintf(why, cap, "into: no such ticket");
			e = EB_EINVAL;
		}
		goto done;
	}
	if (who && (!ticket_can_work(db, who, &a) || !ticket_can_work(db, who, &b))) {
		e = EB_EPERM;
		snprintf(why, cap, "merge: only the people working both tickets can merge them");
		goto done;
	}
	if (!ticket_status_active(a.status) || a.merged_into || !ticket_status_active(b.status) ||
	    b.merged_into) {
		e = EB_EINVAL;
		snprintf(why, cap, "merge: both tickets must still be open");
		goto done;
	}
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	char note[64];
	snprintf(note, sizeof note, "merged into ticket %lld", (long long)into);
	if ((e = notify_reporters(db, district_id, dup, who ? who->id : 0, a.title, NEWS_MERGED,
				  b.title, into, now)) ||
	    (e = db_execute(
		     db,
		     "INSERT OR IGNORE INTO ticket_reporter(district_id,ticket_id,account_id,"
		     "name,role,class_sid,share_with_vendor,joined_at) SELECT district_id,?3,"
		     "account_id,name,role,class_sid,share_with_vendor,joined_at FROM"
		     " ticket_reporter WHERE district_id=?1 AND ticket_id=?2",
		     DB_ARGS(DB_INT(district_id), DB_INT(dup), DB_INT(into)), NULL)) ||
	    (e = db_execute(db,
			    "UPDATE ticket SET status='closed', merged_into=?3, next_due=NULL,"
			    " paused_at=NULL, updated_at=?4 WHERE district_id=?1 AND id=?2",
			    DB_ARGS(DB_INT(district_id), DB_INT(dup), DB_INT(into), DB_INT(now)),
			    NULL)) ||
	    (e = db_execute(db, "UPDATE ticket SET updated_at=?3 WHERE district_id=?1 AND id=?2",
			    DB_ARGS(DB_INT(district_id), DB_INT(into), DB_INT(now)), NULL)) ||
	    (e = event_add(db, district_id, dup, who, "merge", ticket_status_name(a.status),
			   "closed", note, now)))
		goto fail;
	snprintf(note, sizeof note, "ticket %lld merged into it", (long long)dup);
	if ((e = event_add(db, district_id, into, who, "merge", "", "", note, now)))
		goto fail;
	if (own && (e = db_commit(db)))
		goto fail;
	goto done;
fail:
	if (own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

/* ---- attachments ---- */

const char *ticket_attach_type(const void *data, size_t n)
{
	const unsigned char *p = data;
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n == 0 || !str_utf8_valid((struct str){ (const char *)p, n }, NULL))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return NULL;
		else if (p[i] == 0x7F)
			return NULL;
	return "text/plain";
}

enum eb_err ticket_attach(struct db *db, int64_t district_id, const struct account *who, int64_t id,
			  const char *filename, const void *data, size_t n, bool internal,
			  int64_t now, int64_t *attachment_id, char *why, size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	struct ticket t;
	enum eb_err e = ticket_get(db, district_id, who, id, &tmp, &t);
	if (e)
		goto done;
	if (n > TICKET_ATTACH_MAX) {
		e = EB_ETOOBIG;
		snprintf(why, cap, "attachment: larger than %d MB", TICKET_ATTACH_MAX >> 20);
		goto done;
	}
	if (n == 0) {
		e = EB_EINVAL;
		snprintf(why, cap, "attachment: the file is empty");
		goto done;
	}
	const char *mime = ticket_attach_type(data, n);
	if (!mime) {
		e = EB_ENOTSUP;
		snprintf(why, cap, "attachment: only pictures (PNG, JPEG), PDF or plain text");
		goto done;
	}
	if (internal && !ticket_can_work(db, who, &t))
		internal = false;
	const char *name = checked_text(&tmp, filename && *filename ? filename : "attachment", 1,
					TICKET_FILENAME_MAX, "filename", why, cap);
	if (!name) {
		e = EB_EINVAL;
		goto done;
	}
	e = db_execute(
		db,
		"INSERT INTO ticket_attachment(district_id,ticket_id,filename,mime,size,data,"
		"internal,uploaded_by,uploader_name,created_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(name), DB_TEXT(mime),
			DB_INT((int64_t)n), DB_BLOB(data, n), DB_INT(internal ? 1 : 0),
			DB_INT(who->id), DB_TEXT(who->display_name), DB_INT(now)),
		NULL);
	if (!e && attachment_id)
		*attachment_id = db_last_id(db);
done:
	arena_free(&tmp);
	return e;
}

DB_ROWSPEC(attach_spec, struct ticket_attachment, NULL, DB_FIELD_INT(struct ticket_attachment, id),
	   DB_FIELD_INT(struct ticket_attachment, size), DB_FIELD_INT(struct ticket_attachment, at),
	   DB_FIELD_STR(struct ticket_attachment, filename),
	   DB_FIELD_STR(struct ticket_attachment, mime),
	   DB_FIELD_STR(struct ticket_attachment, uploader),
	   DB_FIELD_INT(struct ticket_attachment, internal));

enum eb_err ticket_attachments(struct db *db, int64_t district_id, int64_t id, bool with_internal,
			       struct arena *arena, struct ticket_attachment **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT id,size,created_at,filename,mime,uploader_name,internal FROM"
			   " ticket_attachment WHERE district_id=?1 AND ticket_id=?2 AND (?3=1 OR"
			   " internal=0) ORDER BY id",
			   DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(with_internal ? 1 : 0)),
			   &attach_spec, arena, rows, n);
}

enum eb_err ticket_attachment_get(struct db *db, int64_t district_id, int64_t id,
				  int64_t attachment_id, struct arena *arena,
				  struct ticket_attachment *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st;
	enum eb_err e =
		db_query(db,
			 "SELECT id,size,created_at,filename,mime,uploader_name,internal,data"
			 " FROM ticket_attachment WHERE district_id=?1 AND ticket_id=?2 AND"
			 " id=?3",
			 DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(attachment_id)), &st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found) {
		db_read_row(st, &attach_spec, arena, out);
		void *copy = arena_alloc(arena, (size_t)out->size + 1);
		const void *blob = db_col_blob(st, 7);
		if (!copy)
			db_fail(st, EB_ENOMEM);
		else if (blob)
			memcpy(copy, blob, (size_t)out->size);
		out->data = copy;
	}
	e = db_done(st);
	return e ? e : found ? EB_OK : EB_ENOTFOUND;
}

/* ---- the sweep ---- */

struct due_row {
	int64_t id, district_id;
};
DB_ROWSPEC(due_spec, struct due_row, NULL, DB_FIELD_INT(struct due_row, id),
	   DB_FIELD_INT(struct due_row, district_id));

enum eb_err ticket_sweep(struct db *db, int64_t now, struct ticket_sweep_report *rep)
{
	memset(rep, 0, sizeof *rep);
	enum eb_err e = EB_OK;
	int64_t after = 0;
	for (;;) {
		struct arena tmp;
		arena_init(&tmp);
		struct due_row *due;
		size_t n;
		/* one batch per transaction; the ids only go up, so a ticket
		 * escalated in this run (now due later) is never seen twice */
		e = db_get_rows(db,
				"SELECT id,district_id FROM ticket WHERE next_due IS NOT NULL AND"
				" next_due <= ?1 AND id > ?2 ORDER BY id LIMIT 500",
				DB_ARGS(DB_INT(now), DB_INT(after)), &due_spec, &tmp, &due, &n);
		if (e || n == 0) {
			arena_free(&tmp);
			break;
		}
		if ((e = db_begin(db))) {
			arena_free(&tmp);
			break;
		}
		for (size_t i = 0; !e && i < n; i++) {
			struct ticket t;
			after = due[i].id;
			if ((e = load(db, due[i].district_id, due[i].id, &tmp, &t)))
				break;
			/* re-checked inside the transaction: a second sweep at the
			 * same time finds it moved already */
			if (!t.next_due || t.next_due > now || !ticket_status_active(t.status))
				continue;
			if (t.tier == TICKET_TIER_VENDOR) {
				e = db_execute(
					db,
					"UPDATE ticket SET sla_breached=1, next_due=NULL,"
					" updated_at=?3 WHERE district_id=?1 AND id=?2",
					DB_ARGS(DB_INT(t.district_id), DB_INT(t.id), DB_INT(now)),
					NULL);
				if (!e)
					e = event_add(db, t.district_id, t.id, NULL, "breach",
						      "vendor", "vendor",
						      "the vendor's target passed", now);
				rep->breached++;
				continue;
			}
			bool to_it = false;
			char note[TICKET_WHY_CAP];
			e = escalate_loaded(db, t.district_id, NULL, &t,
					    (enum ticket_tier)(t.tier + 1), now, note, &to_it);
			if (to_it && t.tier == TICKET_TIER_IT)
				rep->breached++;
			else
				rep->escalated++;
			if (to_it)
				rep->to_it++;
		}
		if (!e)
			e = db_commit(db);
		else
			db_rollback(db);
		arena_free(&tmp);
		if (e)
			break;
	}
	if (e)
		return e;
	/* claims a crash left behind go back to the queue */
	if ((e = db_execute(db,
			    "UPDATE ticket_notice SET status='queued' WHERE status='sending' AND"
			    " claimed_at < ?1",
			    DB_ARGS(DB_INT(now - 600)), NULL)))
		return e;
	struct arena tmp;
	arena_init(&tmp);
	struct due_row *ds;
	size_t nd;
	e = db_get_rows(db,
			"SELECT DISTINCT 0, district_id FROM ticket_notice WHERE status='queued'",
			DB_NOARGS, &due_spec, &tmp, &ds, &nd);
	for (size_t i = 0; !e && i < nd; i++) {
		long s = 0, f = 0;
		e = ticket_notices_send(db, ds[i].district_id, now, &s, &f);
		rep->notices_sent += s;
		rep->notices_failed += f;
	}
	arena_free(&tmp);
	return e;
}

struct notice_row {
	int64_t id;
	const char *address, *subject, *body;
	int64_t attempts;
};
DB_ROWSPEC(notice_spec, struct notice_row, NULL, DB_FIELD_INT(struct notice_row, id),
	   DB_FIELD_STR(struct notice_row, address), DB_FIELD_STR(struct notice_row, subject),
	   DB_FIELD_STR(struct notice_row, body), DB_FIELD_INT(struct notice_row, attempts));

enum eb_err ticket_notices_send(struct db *db, int64_t district_id, int64_t now, long *sent,
				long *failed)
{
	*sent = *failed = 0;
	struct delivery_settings s;
	enum eb_err e = delivery_get(db, district_id, &s);
	if (e || !s.smtp_url[0] || !s.mail_from[0])
		return e;
	struct arena tmp;
	arena_init(&tmp);
	struct notice_row *rows;
	size_t n;
	e = db_get_rows(db,
			"SELECT id,address,subject,body,attempts FROM ticket_notice WHERE"
			" district_id=?1 AND status='queued' ORDER BY id LIMIT 200",
			DB_ARGS(DB_INT(district_id)), &notice_spec, &tmp, &rows, &n);
	if (e || n == 0)
		goto out;
	const struct outbox_channel *ch = &outbox_channel_email;
	void *session = NULL;
	char err[OUTBOX_REASON_MAX];
	if (ch->open(&s, &session, err, sizeof err)) {
		/* the mail server is unreachable: the notices wait for the next sweep */
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		int claimed = 0;
		e = db_execute(db,
			       "UPDATE ticket_notice SET status='sending', claimed_at=?3 WHERE"
			       " district_id=?1 AND id=?2 AND status='queued'",
			       DB_ARGS(DB_INT(district_id), DB_INT(rows[i].id), DB_INT(now)),
			       &claimed);
		if (e)
			break;
		if (!claimed)
			continue; /* another sweep has it */
		struct outbox_row row;
		memset(&row, 0, sizeof row);
		row.id = rows[i].id;
		row.district_id = district_id;
		str_copy(row.week, sizeof row.week, "ticket");
		str_copy(row.address, sizeof row.address, rows[i].address);
		str_copy(row.lang, sizeof row.lang, "en");
		struct outbox_message msg = {
			.to = rows[i].address,
			.subject = rows[i].subject,
			.text = rows[i].body,
			.html = NULL,
			.unsubscribe_url = NULL,
			.lang = "en",
			.rtl = false,
		};
		struct outbox_result res;
		ch->send(session, &row, &msg, &res);
		bool ok = res.kind == OUTBOX_SEND_SENT;
		bool give_up = !ok && (res.kind != OUTBOX_SEND_RETRY || rows[i].attempts + 1 >= 5);
		e = db_execute(db,
			       "UPDATE ticket_notice SET status=?3, attempts=attempts+1, reason=?4,"
			       " sent_at=CASE WHEN ?3='sent' THEN ?5 ELSE NULL END"
			       " WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(rows[i].id),
				       DB_TEXT(ok	 ? "sent"
					       : give_up ? "failed"
							 : "queued"),
				       DB_TEXT(res.reason), DB_INT(now)),
			       NULL);
		if (ok)
			(*sent)++;
		else if (give_up)
			(*failed)++;
		if (e)
			break;
	}
	ch->close(session);
out:
	arena_free(&tmp);
	return e;
}
