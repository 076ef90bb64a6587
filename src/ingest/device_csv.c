/* device_csv.c - see device_csv.h. */
#include "ingest/device_csv.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/csv.h"
#include "base/hashset.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "ingest/file_errs.h"
#include "store/db.h"

/* A shown value: at most 40 bytes of it. */
#define SHOW(s) (int)((s).n > 40 ? 40 : (s).n), (s).p

enum dev_col {
	C_TAG,
	C_SERIAL,
	C_MODEL,
	C_KIND,
	C_SCHOOL,
	C_STATUS,
	C_PURCHASE,
	C_WARRANTY,
	C_UPDATE_END,
	C_NOTES,
	C_ORG_UNIT,
	C_LAST_USER,
	C_LAST_SYNC,
	C__N
};

/* Our names of the fields, as errors name them. */
static const char *const field_names[C__N] = {
	"asset_tag", "serial",	      "model",	      "kind",	    "school",
	"status",    "purchase_date", "warranty_end", "update_end", "notes",
	"org_unit",  "last_user",     "last_sync",
};

static const size_t field_max[C__N] = {
	[C_TAG] = DEVICE_TAG_MAX,
	[C_SERIAL] = DEVICE_SERIAL_MAX,
	[C_MODEL] = DEVICE_MODEL_MAX,
	[C_KIND] = 32,
	[C_SCHOOL] = 255,
	[C_STATUS] = 32,
	[C_PURCHASE] = 32,
	[C_WARRANTY] = 32,
	[C_UPDATE_END] = 32,
	[C_NOTES] = DEVICE_NOTES_MAX,
	[C_ORG_UNIT] = DEVICE_ORG_UNIT_MAX,
	[C_LAST_USER] = DEVICE_USER_MAX,
	[C_LAST_SYNC] = 40,
};

struct device_profile {
	const char *name;
	const char *cols[C__N]; /* the file's header names; NULL: not read */
	unsigned required;	/* bits (1u << col) of columns the header must have */
	bool google;		/* the Admin console's words and dates */
};

/* clang-format off */
static const struct device_profile profiles[] = {
	{ "google",
	  { [C_TAG] = "Asset ID", [C_SERIAL] = "Serial Number", [C_MODEL] = "Model",
	    [C_SCHOOL] = "Annotated Location", [C_STATUS] = "Status",
	    [C_WARRANTY] = "Support End Date", [C_UPDATE_END] = "Auto Update Expiration",
	    [C_NOTES] = "Notes", [C_ORG_UNIT] = "Org Unit Path", [C_LAST_USER] = "Recent Users",
	    [C_LAST_SYNC] = "Last Sync" },
	  1u << C_SERIAL, true },
	{ "generic",
	  { [C_TAG] = "asset_tag", [C_SERIAL] = "serial", [C_MODEL] = "model", [C_KIND] = "kind",
	    [C_SCHOOL] = "school", [C_STATUS] = "status", [C_PURCHASE] = "purchase_date",
	    [C_WARRANTY] = "warranty_end", [C_UPDATE_END] = "update_end", [C_NOTES] = "notes",
	    [C_ORG_UNIT] = "org_unit", [C_LAST_USER] = "last_user", [C_LAST_SYNC] = "last_sync" },
	  (1u << C_TAG) | (1u << C_KIND) | (1u << C_SCHOOL), false },
};
/* clang-format on */
#define NPROFILES (sizeof profiles / sizeof profiles[0])

const struct device_profile *device_profile_find(const char *name)
{
	for (size_t i = 0; name && i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const char *device_profile_names(void)
{
	return "google, generic";
}

/* The Admin console's device statuses: *given false for those that say
 * nothing about where the device is (it keeps its status). False for a
 * word the export does not use. */
static bool google_status(struct str s, bool *given, enum device_status *out)
{
	static const struct {
		const char *word;
		int status; /* -1: keeps its status */
	} map[] = {
		{ "ACTIVE", DEVICE_IN_SERVICE },
		{ "DISABLED", DEVICE_LOST }, /* Google: disable lost or stolen devices */
		{ "DEPROVISIONED", DEVICE_RETIRED },
		{ "INACTIVE", -1 },
		{ "PRE_PROVISIONED", -1 },
		{ "RETURN_REQUESTED", -1 },
		{ "RETURN_ARRIVED", -1 },
		{ "SHIPPED", -1 },
		{ "UNKNOWN", -1 },
	};
	*given = false;
	if (!s.n)
		return true;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (str_ieq_cstr(s, map[i].word)) {
			if (map[i].status >= 0) {
				*given = true;
				*out = (enum device_status)map[i].status;
			}
			return true;
		}
	return false;
}

/* A date of the file into out[11] (YYYY-MM-DD): YYYY-MM-DD, the date of an
 * ISO 8601 time, or (google) YYYY-MM as the first of the month. */
static bool date_in(struct str s, bool google, char out[11])
{
	int32_t days;
	char tmp[11];
	if (s.n >= 10) {
		memcpy(tmp, s.p, 10);
		tmp[10] = '\0';
		/* a time after the date (ISO 8601 'T' or a space) is dropped */
		if (date_parse_ymd(str_from(tmp), &days) ||
		    (s.n > 10 && s.p[10] != 'T' && s.p[10] != ' '))
			return false;
		memcpy(out, tmp, 11);
		return true;
	}
	if (google && s.n == 7 && s.p[4] == '-') {
		memcpy(tmp, s.p, 7);
		memcpy(tmp + 7, "-01", 4);
		if (date_parse_ymd(str_from(tmp), &days) == EB_OK) {
			memcpy(out, tmp, 11);
			return true;
		}
	}
	return false;
}

/* One row, validated: the strings in the arena. */
struct dev_row {
	struct device_fields f;
	char purchase[11], warranty[11], update_end[11];
};

/* The school sid of a name, identifier or sourcedId, cached per distinct
 * value (keys point into the file buffer): NULL when unknown. */
struct school_cache {
	struct hashset hs;
	const char **sids;
	size_t n, cap;
};

static enum eb_err school_of(struct db *db, int64_t d, struct arena *a, struct school_cache *c,
			     struct str s, const char **sid)
{
	int32_t v;
	*sid = NULL;
	if (hs_get(&c->hs, s, &v)) {
		*sid = v > 0 ? c->sids[v - 1] : NULL;
		return EB_OK;
	}
	char key[256], found[256];
	if (s.n >= sizeof key)
		return hs_set(&c->hs, s, 0);
	memcpy(key, s.p, s.n);
	key[s.n] = '\0';
	enum eb_err rc = device_school_lookup(db, d, key, found, sizeof found);
	if (rc == EB_ENOTFOUND)
		return hs_set(&c->hs, s, 0);
	if (rc)
		return rc;
	const char **ns = arena_grow(a, c->sids, c->n, &c->cap, sizeof *ns, 16);
	if (!ns || !(ns[c->n] = arena_strdup(a, found)))
		return EB_ENOMEM;
	c->sids = ns;
	c->n++;
	*sid = ns[c->n - 1];
	return hs_set(&c->hs, s, (int32_t)c->n);
}

/* The school of a Google row: its Annotated Location names it (an unknown
 * name is an error), else the last segment of its org unit path that names
 * a school, else none (""). */
static enum eb_err google_school(struct db *db, int64_t d, struct arena *a, struct school_cache *c,
				 struct str loc, struct str ou, const char **sid, bool *unknown)
{
	*unknown = false;
	enum eb_err rc;
	if (loc.n) {
		if ((rc = school_of(db, d, a, c, loc, sid)))
			return rc;
		*unknown = !*sid;
		return EB_OK;
	}
	while (ou.n) {
		size_t k = ou.n;
		while (k && ou.p[k - 1] != '/')
			k--;
		struct str seg = str_trim((struct str){ ou.p + k, ou.n - k });
		if (seg.n) {
			if ((rc = school_of(db, d, a, c, seg, sid)))
				return rc;
			if (*sid)
				return EB_OK;
		}
		ou.n = k ? k - 1 : 0;
	}
	*sid = "";
	return EB_OK;
}

enum eb_err device_csv_import(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const struct device_profile *p, const char *label, char *data,
			      size_t len, int64_t now, struct device_import_report *rep,
			      struct buf *errors)
{
	struct file_errs E = { errors, label, 0 };
	memset(rep, 0, sizeof *rep);
	struct arena a;
	arena_init(&a);
	struct hashset tags, serials;
	hs_init(&tags);
	hs_init(&serials);
	struct school_cache sc = { 0 };
	hs_init(&sc.hs);
	struct dev_row *v = NULL;
	size_t cap = 0, n = 0;
	enum eb_err e;

	struct csv_reader rd;
	csv_init(&rd, data, len);
	struct csv_record rec;
	struct csv_error ce;
	e = csv_next(&rd, &rec, &ce);
	if (e) {
		file_err_at(&E, e == EB_EPARSE ? ce.line : 1, "header", "%s",
			    e == EB_EPARSE ? ce.reason : "the file is empty");
		e = EB_EINVAL;
		goto out;
	}
	int col[C__N];
	for (int i = 0; i < C__N; i++) {
		col[i] = p->cols[i] ? csv_column(&rec, p->cols[i]) : -1;
		if (col[i] < 0 && (p->required & (1u << i)))
			file_err_at(&E, rec.line, "header", "no column '%s' (profile %s)",
				    p->cols[i], p->name);
	}
	if (col[C_TAG] < 0 && col[C_SERIAL] < 0 && !E.n)
		file_err_at(&E, rec.line, "header", "no column '%s' nor '%s' (profile %s)",
			    p->cols[C_TAG], p->cols[C_SERIAL], p->name);
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	for (;;) {
		e = csv_next(&rd, &rec, &ce);
		if (e == EB_ENOTFOUND)
			break;
		if (e) {
			file_err_at(&E, ce.line, "csv", "column %zu: %s", ce.column, ce.reason);
			continue;
		}
		size_t line = rec.line;
		rep->rows++;
		struct str fv[C__N];
		bool bad = false;
		for (int i = 0; i < C__N; i++) {
			fv[i] = csv_field(&rec, col[i]);
			if (fv[i].n > field_max[i]) {
				file_err_at(&E, line, field_names[i], "longer than %zu characters",
					    field_max[i]);
				bad = true;
			}
		}
		if (bad)
			continue;
		struct dev_row r = { 0 };
		struct device_fields *f = &r.f;
		/* the key: the asset tag, or the serial when there is none */
		if (!fv[C_TAG].n && !fv[C_SERIAL].n) {
			file_err_at(&E, line, "asset_tag",
				    "is empty, and there is no serial number to tag the device by");
			bad = true;
		}
		int32_t old;
		if (fv[C_TAG].n && hs_put(&tags, fv[C_TAG], (int32_t)line, &old) == EB_EEXIST) {
			file_err_at(&E, line, "asset_tag", "'%.*s' repeats line %d (duplicate)",
				    SHOW(fv[C_TAG]), old);
			bad = true;
		}
		if (fv[C_SERIAL].n &&
		    hs_put(&serials, fv[C_SERIAL], (int32_t)line, &old) == EB_EEXIST) {
			file_err_at(&E, line, "serial", "'%.*s' repeats line %d (duplicate)",
				    SHOW(fv[C_SERIAL]), old);
			bad = true;
		}
		/* kind */
		if (p->google) {
			f->kind = DEVICE_CHROMEBOOK;
		} else {
			char k[33];
			memcpy(k, fv[C_KIND].p, fv[C_KIND].n);
			k[fv[C_KIND].n] = '\0';
			if (!device_kind_parse(k, &f->kind)) {
				file_err_at(&E, line, "kind",
					    "'%.*s' is not chromebook, tablet, hotspot, laptop or"
					    " other",
					    SHOW(fv[C_KIND]));
				bad = true;
			}
		}
		/* status */
		if (p->google) {
			if (!google_status(fv[C_STATUS], &f->status_given, &f->status)) {
				file_err_at(&E, line, "status",
					    "'%.*s' is not a status of the Google export (ACTIVE,"
					    " DISABLED, DEPROVISIONED, INACTIVE...)",
					    SHOW(fv[C_STATUS]));
				bad = true;
			}
		} else if (fv[C_STATUS].n) {
			char s[33];
			memcpy(s, fv[C_STATUS].p, fv[C_STATUS].n);
			s[fv[C_STATUS].n] = '\0';
			if (!device_status_parse(s, &f->status) || f->status == DEVICE_ASSIGNED) {
				file_err_at(
					&E, line, "status",
					"'%.*s' is not in_service, loaner_pool, in_repair, lost or"
					" retired (a device is assigned by checking it out)",
					SHOW(fv[C_STATUS]));
				bad = true;
			} else {
				f->status_given = true;
			}
		}
		/* school */
		const char *sid = "";
		bool unknown = false;
		if (p->google) {
			e = google_school(db, district_id, &a, &sc, fv[C_SCHOOL], fv[C_ORG_UNIT],
					  &sid, &unknown);
		} else if (fv[C_SCHOOL].n) {
			e = school_of(db, district_id, &a, &sc, fv[C_SCHOOL], &sid);
			unknown = !sid;
		}
		if (e)
			goto out;
		if (unknown) {
			file_err_at(&E, line, "school", "'%.*s' is not a school of this district",
				    SHOW(fv[C_SCHOOL]));
			bad = true;
		}
		f->school_sid = sid ? sid : "";
		/* dates */
		static const int date_cols[] = { C_PURCHASE, C_WARRANTY, C_UPDATE_END };
		char *date_out[] = { r.purchase, r.warranty, r.update_end };
		for (int i = 0; i < 3; i++) {
			struct str s = fv[date_cols[i]];
			if (s.n && !date_in(s, p->google, date_out[i])) {
				file_err_at(&E, line, field_names[date_cols[i]],
					    "'%.*s' is not a date YYYY-MM-DD", SHOW(s));
				bad = true;
			}
		}
		if (fv[C_LAST_SYNC].n) {
			int32_t ms;
			if (time_parse_iso(fv[C_LAST_SYNC], &f->last_sync, &ms)) {
				file_err_at(&E, line, "last_sync",
					    "'%.*s' is not a date and time (ISO 8601, such as"
					    " 2025-09-12T14:03:11Z)",
					    SHOW(fv[C_LAST_SYNC]));
				bad = true;
			}
		}
		if (bad)
			continue;
		/* the most recent user: the first of a list */
		struct str u = fv[C_LAST_USER];
		for (size_t k = 0; k < u.n; k++)
			if (u.p[k] == ',' || u.p[k] == ';' || u.p[k] == ' ') {
				u.n = k;
				break;
			}
		f->asset_tag = arena_strndup(&a, fv[C_TAG].p, fv[C_TAG].n);
		f->serial = arena_strndup(&a, fv[C_SERIAL].p, fv[C_SERIAL].n);
		f->model = arena_strndup(&a, fv[C_MODEL].p, fv[C_MODEL].n);
		f->notes = arena_strndup(&a, fv[C_NOTES].p, fv[C_NOTES].n);
		f->org_unit = arena_strndup(&a, fv[C_ORG_UNIT].p, fv[C_ORG_UNIT].n);
		f->last_user = arena_strndup(&a, u.p, u.n);
		struct dev_row *nv = arena_grow(&a, v, n, &cap, sizeof *v, 1024);
		if (!f->asset_tag || !f->serial || !f->model || !f->notes || !f->org_unit ||
		    !f->last_user || !nv) {
			e = EB_ENOMEM;
			goto out;
		}
		v = nv;
		v[n++] = r;
	}
	if (!E.n && n == 0)
		file_err_at(&E, rd.line, "file", "has no device rows");
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	if ((e = db_begin(db)))
		goto out;
	for (size_t i = 0; i < n && !e; i++) {
		struct dev_row *r = &v[i];
		/* the dates point into the row now that the array has stopped moving */
		r->f.purchase_date = r->purchase;
		r->f.warranty_end = r->warranty;
		r->f.update_end = r->update_end;
		bool created = false;
		e = device_upsert(db, district_id, &r->f, now, NULL, &created);
		if (!e)
			*(created ? &rep->created : &rep->updated) += 1;
	}
	if (!e) {
		char detail[400];
		snprintf(detail, sizeof detail,
			 "devices from %.200s (profile %s): %zu rows, %zu new, %zu updated", label,
			 p->name, n, rep->created, rep->updated);
		e = audit_record(db, district_id, who, "import", "devices", p->name, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		file_err_at(&E, 0, "database", "%s", eb_strerror(e));
		rep->created = rep->updated = 0;
	}
out:
	file_err_done(&E);
	hs_free(&tags);
	hs_free(&serials);
	hs_free(&sc.hs);
	arena_free(&a);
	return e;
}
