/* demo_devices.c - see demo_devices.h. */
#include "cli/demo_devices.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "domain/family_contact.h"
#include "domain/roster.h"
#include "store/db.h"

#define DEMO_CLASSES_1TO1 2 /* classes per school whose students take a Chromebook home */
#define DEMO_HOTSPOTS_MAX 60

static const char *const models[] = {
	"HP Chromebook 11 G9 EE",
	"Lenovo 100e Chromebook Gen 3",
	"Dell Chromebook 3110",
	"Acer Chromebook Spin 511",
};

struct demo_dev {
	struct db *db;
	int64_t d, now;
	struct audit_actor who;
	const char *who_name;
	char today[11];
	int serial;
	size_t made, out, hotspots, overdue;
};

static void day_of(int64_t t, char out[11])
{
	int y;
	unsigned m, dd;
	civil_from_days((int32_t)(t / 86400), &y, &m, &dd);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, dd);
}

/* A new device of school (tag PREFIX-NNNNN); its id in *id. */
static enum eb_err add(struct demo_dev *s, const char *prefix, enum device_kind kind,
		       enum device_status status, const char *school, const char *model,
		       int64_t *id)
{
	char tag[24], serial[24], bought[11], warranty[11], aue[11];
	int n = ++s->serial;
	snprintf(tag, sizeof tag, "%s-%05d", prefix, n);
	snprintf(serial, sizeof serial, "5CD%07dX", n * 7919 % 10000000);
	day_of(s->now - (int64_t)(400 + n % 700) * 86400, bought);
	day_of(s->now + (int64_t)(300 + n % 500) * 86400, warranty);
	day_of(s->now + (int64_t)(900 + n % 900) * 86400, aue);
	struct device_fields f = {
		.asset_tag = tag,
		.serial = serial,
		.model = model,
		.kind = kind,
		.status = status,
		.status_given = true,
		.school_sid = school,
		.purchase_date = bought,
		.warranty_end = warranty,
		.update_end = kind == DEVICE_CHROMEBOOK ? aue : "",
		.notes = status == DEVICE_IN_REPAIR ? "Cracked screen; sent to the depot" : "",
		.org_unit = kind == DEVICE_CHROMEBOOK ? "/Students" : "",
		.last_user = "",
		.last_sync = kind == DEVICE_CHROMEBOOK ? s->now - (n % 9) * 3600 : 0,
	};
	enum eb_err rc = device_upsert(s->db, s->d, &f, s->now, id, NULL);
	if (!rc)
		s->made++;
	return rc;
}

static enum eb_err lend(struct demo_dev *s, int64_t id, const char *person, const char *due,
			int64_t when, const char *today)
{
	char why[DEVICE_WHY_CAP];
	enum eb_err rc = device_checkout(s->db, s->d, &s->who, s->who_name, id, person, due,
					 "Good condition; charger included", when, today, why,
					 sizeof why);
	if (rc == EB_EINVAL) { /* a demo person that cannot hold one: skip */
		fprintf(stderr, "demo: device: %s\n", why);
		return EB_OK;
	}
	if (!rc)
		s->out++;
	return rc;
}

/* ---- hotspots for families without home internet ---- */

struct no_internet {
	const char **gsids;
	size_t n, cap;
	struct arena *a;
};

static enum eb_err collect(void *ctx, const struct family_contact *c)
{
	struct no_internet *ni = ctx;
	if (c->home_internet != 0)
		return EB_OK;
	const char **v = arena_grow(ni->a, ni->gsids, ni->n, &ni->cap, sizeof *v, 64);
	if (!v || !(v[ni->n] = arena_strdup(ni->a, c->guardian_sid)))
		return EB_ENOMEM;
	ni->gsids = v;
	ni->n++;
	return EB_OK;
}

static enum eb_err hotspots(struct demo_dev *s, struct arena *a)
{
	struct no_internet ni = { .a = a };
	enum eb_err rc = family_contact_each(s->db, s->d, "US", collect, &ni);
	for (size_t i = 0; !rc && i < ni.n && s->hotspots < DEMO_HOTSPOTS_MAX; i++) {
		if (i % 3 == 2) /* one family in three still waits for one */
			continue;
		struct roster_person_row *kids;
		size_t nk;
		if ((rc = roster_guardian_children(s->db, s->d, ni.gsids[i], a, &kids, &nk)))
			break;
		if (!nk)
			continue;
		struct roster_org_row *sch;
		size_t ns;
		if ((rc = roster_person_schools(s->db, s->d, kids[0].sourced_id, a, &sch, &ns)))
			break;
		int64_t id;
		if ((rc = add(s, "HS", DEVICE_HOTSPOT, DEVICE_LOANER_POOL,
			      ns ? sch[0].sourced_id : "", "Kajeet SmartSpot 5G", &id)))
			break;
		char due[11];
		day_of(s->now + 120 * 86400, due);
		if ((rc = lend(s, id, kids[0].sourced_id, due, s->now, s->today)))
			break;
		s->hotspots++;
	}
	return rc;
}

/* ---- per school ---- */

static enum eb_err school_devices(struct demo_dev *s, const struct roster_org_row *sch,
				  size_t index, struct arena *a)
{
	struct roster_class_row *cls;
	size_t nc;
	enum eb_err rc = roster_school_classes(s->db, s->d, sch->sourced_id, a, &cls, &nc);
	int64_t id;
	/* 1:1 take-home Chromebooks for the first classes */
	for (size_t c = 0; !rc && c < nc && c < DEMO_CLASSES_1TO1; c++) {
		struct roster_person_row *st;
		size_t n;
		if ((rc = roster_class_students(s->db, s->d, cls[c].sourced_id, a, &st, &n)))
			break;
		for (size_t i = 0; !rc && i < n; i++) {
			rc = add(s, "CB", DEVICE_CHROMEBOOK, DEVICE_IN_SERVICE, sch->sourced_id,
				 models[(s->serial + index) % 4], &id);
			if (!rc)
				rc = lend(s, id, st[i].sourced_id, "", s->now, s->today);
		}
	}
	/* a cart in the school, loaners on the shelf, tablets, one in repair */
	for (int i = 0; !rc && i < 12; i++)
		rc = add(s, "CB", DEVICE_CHROMEBOOK, DEVICE_IN_SERVICE, sch->sourced_id,
			 models[(size_t)i % 4], &id);
	for (int i = 0; !rc && i < 6; i++)
		rc = add(s, "LN", DEVICE_CHROMEBOOK, DEVICE_LOANER_POOL, sch->sourced_id, models[0],
			 &id);
	for (int i = 0; !rc && i < 2; i++)
		rc = add(s, "TB", DEVICE_TABLET, DEVICE_IN_SERVICE, sch->sourced_id,
			 "Apple iPad (9th generation)", &id);
	if (!rc)
		rc = add(s, "CB", DEVICE_CHROMEBOOK, DEVICE_IN_REPAIR, sch->sourced_id, models[1],
			 &id);
	/* loans: two overdue (lent ten days ago, due three days ago), one due
	 * in three days, to students of the school's last class */
	if (!rc && nc) {
		struct roster_person_row *st;
		size_t n;
		if ((rc = roster_class_students(s->db, s->d, cls[nc - 1].sourced_id, a, &st, &n)))
			return rc;
		int64_t then = s->now - 10 * 86400;
		char then_day[11], past[11], soon[11];
		day_of(then, then_day);
		day_of(s->now - 3 * 86400, past);
		day_of(s->now + 3 * 86400, soon);
		for (size_t i = 0; !rc && i < n && i < 3; i++) {
			if ((rc = add(s, "LN", DEVICE_CHROMEBOOK, DEVICE_LOANER_POOL,
				      sch->sourced_id, models[2], &id)))
				break;
			rc = i < 2 ? lend(s, id, st[i].sourced_id, past, then, then_day)
				   : lend(s, id, st[i].sourced_id, soon, s->now, s->today);
			if (!rc && i < 2)
				s->overdue++;
		}
	}
	return rc;
}

enum eb_err demo_devices(struct db *db, int64_t d)
{
	struct account it;
	if (account_find_login(db, d, "itstaff", &it))
		return EB_OK;
	struct demo_dev s = { .db = db, .d = d, .now = time_now() };
	s.who = (struct audit_actor){ it.id, it.login, "" };
	s.who_name = it.display_name;
	device_today(db, d, s.now, s.today);
	struct arena a;
	arena_init(&a);
	struct roster_org_row *sch;
	size_t ns;
	double t0 = time_mono();
	enum eb_err rc = roster_schools(db, d, &a, &sch, &ns);
	if (!rc)
		rc = db_begin(db);
	for (size_t i = 0; !rc && i < ns; i++)
		rc = school_devices(&s, &sch[i], i, &a);
	if (!rc)
		rc = hotspots(&s, &a);
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		fprintf(stderr, "demo: devices: %s\n", eb_strerror(rc));
	} else {
		printf("devices: %zu (%zu checked out, %zu hotspots lent to families, %zu loans"
		       " overdue) in %.1f s\n",
		       s.made, s.out, s.hotspots, s.overdue, time_mono() - t0);
	}
	arena_free(&a);
	return rc;
}
