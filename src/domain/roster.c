#include "domain/roster.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashset.h"
#include "base/timeutil.h"
#include "base/str.h"
#include "store/db.h"

/* ---- writes ---- */

static const char sql_put_org[] =
	"INSERT INTO org(district_id,sourced_id,status,date_last_modified,name,type,identifier,"
	"parent_sourced_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,name=excluded.name,"
	"type=excluded.type,identifier=excluded.identifier,parent_sourced_id=excluded.parent_"
	"sourced_id "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR name IS NOT excluded.name OR type IS NOT excluded.type OR identifier IS NOT "
	"excluded.identifier OR parent_sourced_id IS NOT excluded.parent_sourced_id";

static const char sql_put_session[] =
	"INSERT INTO academic_session(district_id,sourced_id,status,date_last_modified,title,type,"
	"start_date,end_date,parent_sourced_id,school_year) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
	"ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,"
	"title=excluded.title,type=excluded.type,start_date=excluded.start_date,end_date=excluded."
	"end_date,"
	"parent_sourced_id=excluded.parent_sourced_id,school_year=excluded.school_year "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR title IS NOT excluded.title OR type IS NOT excluded.type OR start_date IS NOT "
	"excluded.start_date OR end_date IS NOT excluded.end_date OR parent_sourced_id IS NOT "
	"excluded.parent_sourced_id OR school_year IS NOT excluded.school_year";

static const char sql_put_course[] =
	"INSERT INTO "
	"course(district_id,sourced_id,status,date_last_modified,school_year_sourced_id,"
	"title,course_code,grades,org_sourced_id,subjects,subject_codes) "
	"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,"
	"school_year_sourced_id=excluded.school_year_sourced_id,title=excluded.title,"
	"course_code=excluded.course_code,grades=excluded.grades,org_sourced_id=excluded.org_"
	"sourced_id,"
	"subjects=excluded.subjects,subject_codes=excluded.subject_codes "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR school_year_sourced_id IS NOT excluded.school_year_sourced_id OR title IS NOT "
	"excluded.title "
	"OR course_code IS NOT excluded.course_code OR grades IS NOT excluded.grades OR "
	"org_sourced_id IS NOT excluded.org_sourced_id OR subjects IS NOT excluded.subjects OR "
	"subject_codes IS NOT excluded.subject_codes";

static const char sql_put_class[] =
	"INSERT INTO class(district_id,sourced_id,status,date_last_modified,title,grades,"
	"course_sourced_id,class_code,class_type,location,school_sourced_id,term_sourced_ids,"
	"subjects,"
	"subject_codes,periods) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15) "
	"ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,"
	"title=excluded.title,grades=excluded.grades,course_sourced_id=excluded.course_sourced_id,"
	"class_code=excluded.class_code,class_type=excluded.class_type,location=excluded.location,"
	"school_sourced_id=excluded.school_sourced_id,term_sourced_ids=excluded.term_sourced_ids,"
	"subjects=excluded.subjects,subject_codes=excluded.subject_codes,periods=excluded.periods "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR title IS NOT excluded.title OR grades IS NOT excluded.grades OR course_sourced_id IS "
	"NOT "
	"excluded.course_sourced_id OR class_code IS NOT excluded.class_code OR class_type IS NOT "
	"excluded.class_type OR location IS NOT excluded.location OR school_sourced_id IS NOT "
	"excluded.school_sourced_id OR term_sourced_ids IS NOT excluded.term_sourced_ids OR "
	"subjects "
	"IS NOT excluded.subjects OR subject_codes IS NOT excluded.subject_codes OR periods IS NOT "
	"excluded.periods";

/* ?6 org_sourced_ids and ?7 role: NULL keeps the stored value */
static const char sql_put_person[] =
	"INSERT INTO person(district_id,sourced_id,status,date_last_modified,enabled_user,"
	"org_sourced_ids,role,username,user_ids,given_name,family_name,middle_name,identifier,"
	"email,sms,"
	"phone,agent_sourced_ids,grades,preferred_first_name,home_language,home_internet,"
	"english_learner,disability) "
	"VALUES(?1,?2,?3,?4,?5,coalesce(?6,''),coalesce(?7,''),?8,?9,?10,"
	"?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23) ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,"
	"enabled_user=excluded.enabled_user,org_sourced_ids=coalesce(?6,org_sourced_ids),"
	"role=coalesce(?7,role),username=excluded.username,user_ids=excluded.user_ids,"
	"given_name=excluded.given_name,family_name=excluded.family_name,"
	"middle_name=excluded.middle_name,identifier=excluded.identifier,email=excluded.email,"
	"sms=excluded.sms,phone=excluded.phone,agent_sourced_ids=excluded.agent_sourced_ids,"
	"grades=excluded.grades,preferred_first_name=excluded.preferred_first_name,"
	"home_language=excluded.home_language,home_internet=excluded.home_internet,"
	"english_learner=excluded.english_learner,disability=excluded.disability "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR enabled_user IS NOT excluded.enabled_user OR org_sourced_ids IS NOT "
	"coalesce(?6,org_sourced_ids) OR role IS NOT coalesce(?7,role) OR username IS NOT "
	"excluded.username OR user_ids IS NOT excluded.user_ids OR given_name IS NOT "
	"excluded.given_name OR family_name IS NOT excluded.family_name OR middle_name IS NOT "
	"excluded.middle_name OR identifier IS NOT excluded.identifier OR email IS NOT "
	"excluded.email "
	"OR sms IS NOT excluded.sms OR phone IS NOT excluded.phone OR agent_sourced_ids IS NOT "
	"excluded.agent_sourced_ids OR grades IS NOT excluded.grades OR preferred_first_name IS "
	"NOT "
	"excluded.preferred_first_name OR home_language IS NOT excluded.home_language OR "
	"home_internet IS NOT excluded.home_internet OR english_learner IS NOT "
	"excluded.english_learner OR disability IS NOT excluded.disability";

static const char sql_put_role[] =
	"INSERT INTO person_role(district_id,sourced_id,person_sourced_id,role_type,role,"
	"org_sourced_id,user_profile_sourced_id,begin_date,end_date) "
	"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) ON CONFLICT DO UPDATE SET "
	"person_sourced_id=excluded.person_sourced_id,role_type=excluded.role_type,"
	"role=excluded.role,org_sourced_id=excluded.org_sourced_id,"
	"user_profile_sourced_id=excluded.user_profile_sourced_id,begin_date=excluded.begin_date,"
	"end_date=excluded.end_date WHERE person_sourced_id IS NOT excluded.person_sourced_id OR "
	"role_type IS NOT excluded.role_type OR role IS NOT excluded.role OR org_sourced_id IS NOT "
	"excluded.org_sourced_id OR user_profile_sourced_id IS NOT "
	"excluded.user_profile_sourced_id "
	"OR begin_date IS NOT excluded.begin_date OR end_date IS NOT excluded.end_date";

static const char sql_put_enrollment[] =
	"INSERT INTO enrollment(district_id,sourced_id,status,date_last_modified,class_sourced_id,"
	"school_sourced_id,user_sourced_id,role,is_primary,begin_date,end_date) "
	"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT DO UPDATE SET "
	"status=excluded.status,date_last_modified=excluded.date_last_modified,"
	"class_sourced_id=excluded.class_sourced_id,school_sourced_id=excluded.school_sourced_id,"
	"user_sourced_id=excluded.user_sourced_id,role=excluded.role,is_primary=excluded.is_"
	"primary,"
	"begin_date=excluded.begin_date,end_date=excluded.end_date "
	"WHERE status IS NOT excluded.status OR date_last_modified IS NOT "
	"excluded.date_last_modified "
	"OR class_sourced_id IS NOT excluded.class_sourced_id OR school_sourced_id IS NOT "
	"excluded.school_sourced_id OR user_sourced_id IS NOT excluded.user_sourced_id OR role IS "
	"NOT "
	"excluded.role OR is_primary IS NOT excluded.is_primary OR begin_date IS NOT "
	"excluded.begin_date OR end_date IS NOT excluded.end_date";

static const char sql_put_demographics[] =
	"INSERT INTO demographics(district_id,sourced_id,status,date_last_modified,birth_date,sex,"
	"american_indian_or_alaska_native,asian,black_or_african_american,"
	"native_hawaiian_or_other_pacific_islander,white,two_or_more_races,hispanic_or_latino,"
	"country_of_birth_code,state_of_birth_abbreviation,city_of_birth,"
	"public_school_residence_status) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
	"?16,?17) ON CONFLICT DO UPDATE SET status=excluded.status,"
	"date_last_modified=excluded.date_last_modified,birth_date=excluded.birth_date,sex="
	"excluded.sex,"
	"american_indian_or_alaska_native=excluded.american_indian_or_alaska_native,"
	"asian=excluded.asian,black_or_african_american=excluded.black_or_african_american,"
	"native_hawaiian_or_other_pacific_islander=excluded.native_hawaiian_or_other_pacific_"
	"islander,"
	"white=excluded.white,two_or_more_races=excluded.two_or_more_races,"
	"hispanic_or_latino=excluded.hispanic_or_latino,country_of_birth_code="
	"excluded.country_of_birth_code,state_of_birth_abbreviation=excluded.state_of_birth_"
	"abbreviation,"
	"city_of_birth=excluded.city_of_birth,public_school_residence_status="
	"excluded.public_school_residence_status WHERE status IS NOT excluded.status OR "
	"date_last_modified IS NOT excluded.date_last_modified OR birth_date IS NOT "
	"excluded.birth_date "
	"OR sex IS NOT excluded.sex OR american_indian_or_alaska_native IS NOT "
	"excluded.american_indian_or_alaska_native OR asian IS NOT excluded.asian OR "
	"black_or_african_american IS NOT excluded.black_or_african_american OR "
	"native_hawaiian_or_other_pacific_islander IS NOT "
	"excluded.native_hawaiian_or_other_pacific_islander OR white IS NOT excluded.white OR "
	"two_or_more_races IS NOT excluded.two_or_more_races OR hispanic_or_latino IS NOT "
	"excluded.hispanic_or_latino OR country_of_birth_code IS NOT "
	"excluded.country_of_birth_code OR "
	"state_of_birth_abbreviation IS NOT excluded.state_of_birth_abbreviation OR city_of_birth "
	"IS "
	"NOT excluded.city_of_birth OR public_school_residence_status IS NOT "
	"excluded.public_school_residence_status";

/* the most values of one kind (person) */
#define PUT_MAX_COLS 22

static const struct {
	size_t ncols; /* <= PUT_MAX_COLS */
	const char *put, *del, *ids;
} kinds[ROSTER_KIND_COUNT] = {
	[ROSTER_ORG] = { 7, sql_put_org, "DELETE FROM org WHERE district_id=?1 AND sourced_id=?2",
			 "SELECT sourced_id FROM org WHERE district_id=?1" },
	[ROSTER_SESSION] = { 9, sql_put_session,
			     "DELETE FROM academic_session WHERE district_id=?1 AND sourced_id=?2",
			     "SELECT sourced_id FROM academic_session WHERE district_id=?1" },
	[ROSTER_COURSE] = { 10, sql_put_course,
			    "DELETE FROM course WHERE district_id=?1 AND sourced_id=?2",
			    "SELECT sourced_id FROM course WHERE district_id=?1" },
	[ROSTER_CLASS] = { 14, sql_put_class,
			   "DELETE FROM class WHERE district_id=?1 AND sourced_id=?2",
			   "SELECT sourced_id FROM class WHERE district_id=?1" },
	[ROSTER_PERSON] = { 22, sql_put_person,
			    "DELETE FROM person WHERE district_id=?1 AND sourced_id=?2",
			    "SELECT sourced_id FROM person WHERE district_id=?1" },
	[ROSTER_ROLE] = { 8, sql_put_role,
			  "DELETE FROM person_role WHERE district_id=?1 AND sourced_id=?2",
			  "SELECT sourced_id FROM person_role WHERE district_id=?1" },
	[ROSTER_ENROLLMENT] = { 10, sql_put_enrollment,
				"DELETE FROM enrollment WHERE district_id=?1 AND sourced_id=?2",
				"SELECT sourced_id FROM enrollment WHERE district_id=?1" },
	[ROSTER_DEMOGRAPHICS] = { 16, sql_put_demographics,
				  "DELETE FROM demographics WHERE district_id=?1 AND sourced_id=?2",
				  "SELECT sourced_id FROM demographics WHERE district_id=?1" },
};

size_t roster_ncols(enum roster_kind k)
{
	return k < ROSTER_KIND_COUNT ? kinds[k].ncols : 0;
}

/* The statement's arguments for one row: district_id, then vals. */
static size_t put_args(int64_t district_id, enum roster_kind k, const struct roster_val *vals,
		       struct db_arg *args)
{
	args[0] = DB_INT(district_id);
	for (size_t i = 0; i < kinds[k].ncols; i++) {
		switch (vals[i].t) {
		case RV_TEXT:
			args[1 + i] = DB_TEXTN(vals[i].p, vals[i].n);
			break;
		case RV_INT:
			args[1 + i] = DB_INT(vals[i].i);
			break;
		default:
			args[1 + i] = DB_NULL;
			break;
		}
	}
	return 1 + kinds[k].ncols;
}

enum eb_err roster_put(struct db *db, int64_t district_id, enum roster_kind k,
		       const struct roster_val *vals, bool *changed)
{
	if (k >= ROSTER_KIND_COUNT || kinds[k].ncols > PUT_MAX_COLS)
		return EB_EINVAL;
	struct db_arg args[1 + PUT_MAX_COLS];
	size_t nargs = put_args(district_id, k, vals, args);
	if (!changed) /* pipelined on PostgreSQL in an unguarded transaction */
		return db_execute(db, kinds[k].put, args, nargs, NULL);
	int changes = 0;
	enum eb_err rc = db_execute(db, kinds[k].put, args, nargs, &changes);
	if (rc == EB_OK)
		*changed = changes > 0;
	return rc;
}

enum eb_err roster_put_sum(struct db *db, int64_t district_id, enum roster_kind k,
			   const struct roster_val *vals, long *changed)
{
	if (k >= ROSTER_KIND_COUNT || kinds[k].ncols > PUT_MAX_COLS)
		return EB_EINVAL;
	struct db_arg args[1 + PUT_MAX_COLS];
	size_t nargs = put_args(district_id, k, vals, args);
	return db_execute_sum(db, kinds[k].put, args, nargs, changed);
}

enum eb_err roster_bulk_begin(struct db *db)
{
	return db_is_pg(db) ? db_exec(db, "SET LOCAL edbridge.roster_bulk = on") : EB_OK;
}

enum eb_err roster_bulk_end(struct db *db, int64_t district_id, bool wrote)
{
	if (!db_is_pg(db))
		return EB_OK;
	enum eb_err rc = EB_OK;
	if (wrote)
		rc = db_execute(db,
				"UPDATE evaluation_inputs_version SET version = version + 1"
				" WHERE district_id = ?1",
				DB_ARGS(DB_INT(district_id)), NULL);
	return rc ? rc : db_exec(db, "SET LOCAL edbridge.roster_bulk = off");
}

enum eb_err roster_delete(struct db *db, int64_t district_id, enum roster_kind k, const char *sid,
			  size_t n, bool *deleted)
{
	if (k >= ROSTER_KIND_COUNT)
		return EB_EINVAL;
	int changes = 0;
	enum eb_err rc = db_execute(db, kinds[k].del,
				    DB_ARGS(DB_INT(district_id), DB_TEXTN(sid, n)), &changes);
	if (rc == EB_OK && deleted)
		*deleted = changes > 0;
	return rc;
}

enum eb_err roster_each_id(struct db *db, int64_t district_id, enum roster_kind k,
			   void (*fn)(void *ctx, const char *sid, size_t n), void *ctx)
{
	if (k >= ROSTER_KIND_COUNT)
		return EB_EINVAL;
	struct db_stmt *st;
	enum eb_err rc = db_query(db, kinds[k].ids, DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	while (db_next(st))
		fn(ctx, db_col_text(st, 0), (size_t)db_col_bytes(st, 0));
	return db_done(st);
}

/* ---- guardianship ---- */

enum { GK_STUDENT = 1, GK_GUARDIAN = 2 };

static int guardian_kind(const char *role)
{
	if (!role)
		return 0;
	if (strcmp(role, "student") == 0)
		return GK_STUDENT;
	if (strcmp(role, "parent") == 0 || strcmp(role, "guardian") == 0 ||
	    strcmp(role, "relative") == 0)
		return GK_GUARDIAN;
	return 0;
}

static struct str arena_view(struct arena *a, const char *s, size_t n)
{
	char *p = arena_strndup(a, s ? s : "", n);
	return (struct str){ p, p ? n : 0 };
}

static enum eb_err link_add(struct arena *a, struct hashset *links, struct str g, struct str s)
{
	char *k = arena_alloc(a, g.n + s.n + 2);
	if (!k)
		return EB_ENOMEM;
	memcpy(k, g.p, g.n);
	k[g.n] = '\x1f';
	memcpy(k + g.n + 1, s.p, s.n);
	k[g.n + 1 + s.n] = 0;
	enum eb_err rc = hs_put(links, (struct str){ k, g.n + s.n + 1 }, 0, NULL);
	return rc == EB_EEXIST ? EB_OK : rc;
}

static enum eb_err first_err(enum eb_err a, enum eb_err b)
{
	return a ? a : b;
}

enum eb_err roster_sync_guardianship(struct db *db, int64_t district_id, long *added, long *deleted)
{
	struct arena a;
	arena_init(&a);
	struct hashset people, links, stale;
	hs_init(&people);
	hs_init(&links);
	hs_init(&stale);
	long nadd = 0, ndel = 0;
	enum eb_err rc = EB_OK;
	struct db_stmt *st;

	if ((rc = db_query(db, "SELECT sourced_id, role FROM person WHERE district_id=?1",
			   DB_ARGS(DB_INT(district_id)), &st)))
		goto out;
	while (!rc && db_next(st)) {
		int gk = guardian_kind(db_col_text(st, 1));
		if (!gk)
			continue;
		struct str k = arena_view(&a, db_col_text(st, 0), (size_t)db_col_bytes(st, 0));
		rc = k.p ? hs_set(&people, k, gk) : EB_ENOMEM;
	}
	rc = first_err(rc, db_done(st));
	if (rc)
		goto out;
	if ((rc = db_query(
		     db,
		     "SELECT person_sourced_id, role FROM person_role WHERE district_id=?1 AND "
		     "role IN ('student','parent','guardian','relative')",
		     DB_ARGS(DB_INT(district_id)), &st)))
		goto out;
	while (!rc && db_next(st)) {
		struct str k = { db_col_text(st, 0), (size_t)db_col_bytes(st, 0) };
		int32_t old = 0;
		hs_get(&people, k, &old);
		k = arena_view(&a, k.p, k.n);
		rc = k.p ? hs_set(&people, k, old | guardian_kind(db_col_text(st, 1))) : EB_ENOMEM;
	}
	rc = first_err(rc, db_done(st));
	if (rc)
		goto out;
	if ((rc = db_query(db,
			   "SELECT sourced_id, agent_sourced_ids FROM person WHERE district_id=?1 "
			   "AND agent_sourced_ids IS NOT NULL AND agent_sourced_ids <> ''",
			   DB_ARGS(DB_INT(district_id)), &st)))
		goto out;
	while (!rc && db_next(st)) {
		struct str me = { db_col_text(st, 0), (size_t)db_col_bytes(st, 0) };
		int32_t mk = 0;
		if (!hs_get(&people, me, &mk) || !mk)
			continue;
		const char *p = db_col_text(st, 1), *e = p + db_col_bytes(st, 1);
		while (p < e && rc == EB_OK) {
			const char *c = memchr(p, ',', (size_t)(e - p));
			if (!c)
				c = e;
			struct str ag = str_trim((struct str){ p, (size_t)(c - p) });
			p = c + 1;
			int32_t ak = 0;
			if (!ag.n || !hs_get(&people, ag, &ak))
				continue;
			if ((mk & GK_STUDENT) && (ak & GK_GUARDIAN))
				rc = link_add(&a, &links, ag, me);
			if (rc == EB_OK && (mk & GK_GUARDIAN) && (ak & GK_STUDENT))
				rc = link_add(&a, &links, me, ag);
		}
	}
	rc = first_err(rc, db_done(st));
	if (rc)
		goto out;
	/* existing links: keep (mark 1) or collect for deletion */
	if ((rc = db_query(db,
			   "SELECT guardian_sourced_id, student_sourced_id FROM guardianship WHERE "
			   "district_id=?1",
			   DB_ARGS(DB_INT(district_id)), &st)))
		goto out;
	while (!rc && db_next(st)) {
		struct str g = { db_col_text(st, 0), (size_t)db_col_bytes(st, 0) };
		struct str s = { db_col_text(st, 1), (size_t)db_col_bytes(st, 1) };
		char tmp[1024];
		if (g.n + s.n + 2 > sizeof tmp)
			continue;
		memcpy(tmp, g.p, g.n);
		tmp[g.n] = '\x1f';
		memcpy(tmp + g.n + 1, s.p, s.n);
		struct str key = { tmp, g.n + s.n + 1 };
		if (hs_get(&links, key, NULL))
			rc = hs_set(&links, key, 1);
		else
			rc = link_add(&a, &stale, g, s);
	}
	rc = first_err(rc, db_done(st));
	for (size_t i = 0; rc == EB_OK && i < stale.cap; i++) {
		struct hs_slot *sl = &stale.slots[i];
		if (!sl->p)
			continue;
		const char *sep = memchr(sl->p, '\x1f', sl->n);
		size_t gn = (size_t)(sep - sl->p);
		if ((rc = db_execute(db,
				     "DELETE FROM guardianship WHERE district_id=?1 AND "
				     "guardian_sourced_id=?2 AND student_sourced_id=?3",
				     DB_ARGS(DB_INT(district_id), DB_TEXTN(sl->p, gn),
					     DB_TEXTN(sep + 1, sl->n - gn - 1)),
				     NULL)) == EB_OK)
			ndel++;
	}
	for (size_t i = 0; rc == EB_OK && i < links.cap; i++) {
		struct hs_slot *sl = &links.slots[i];
		if (!sl->p || sl->val)
			continue;
		const char *sep = memchr(sl->p, '\x1f', sl->n);
		size_t gn = (size_t)(sep - sl->p);
		if ((rc = db_execute(db,
				     "INSERT INTO guardianship(district_id,guardian_sourced_id,"
				     "student_sourced_id) VALUES(?1,?2,?3) ON CONFLICT DO NOTHING",
				     DB_ARGS(DB_INT(district_id), DB_TEXTN(sl->p, gn),
					     DB_TEXTN(sep + 1, sl->n - gn - 1)),
				     NULL)) == EB_OK)
			nadd++;
	}
out:
	hs_free(&people);
	hs_free(&links);
	hs_free(&stale);
	arena_free(&a);
	if (added)
		*added = nadd;
	if (deleted)
		*deleted = ndel;
	return rc;
}

#define DANGLING(ref_tab, ref_col, tgt_tab)                                                        \
	"SELECT r.sourced_id, r." ref_col ", count(*) OVER () FROM " ref_tab " r WHERE "           \
	"r.district_id=?1 AND NOT EXISTS (SELECT 1 FROM " tgt_tab " t WHERE t.district_id=?1 "     \
	"AND t.sourced_id=r." ref_col ") ORDER BY r.sourced_id LIMIT 1"

static const struct {
	enum roster_kind referrer, target;
	const char *field, *sql;
} dangling_checks[] = {
	{ ROSTER_ENROLLMENT, ROSTER_CLASS, "classSourcedId",
	  DANGLING("enrollment", "class_sourced_id", "class") },
	{ ROSTER_ENROLLMENT, ROSTER_PERSON, "userSourcedId",
	  DANGLING("enrollment", "user_sourced_id", "person") },
	{ ROSTER_ENROLLMENT, ROSTER_ORG, "schoolSourcedId",
	  DANGLING("enrollment", "school_sourced_id", "org") },
	{ ROSTER_CLASS, ROSTER_COURSE, "courseSourcedId",
	  DANGLING("class", "course_sourced_id", "course") },
	{ ROSTER_CLASS, ROSTER_ORG, "schoolSourcedId",
	  DANGLING("class", "school_sourced_id", "org") },
	{ ROSTER_COURSE, ROSTER_ORG, "orgSourcedId", DANGLING("course", "org_sourced_id", "org") },
	{ ROSTER_ROLE, ROSTER_PERSON, "userSourcedId",
	  DANGLING("person_role", "person_sourced_id", "person") },
	{ ROSTER_ROLE, ROSTER_ORG, "orgSourcedId",
	  DANGLING("person_role", "org_sourced_id", "org") },
	{ ROSTER_DEMOGRAPHICS, ROSTER_PERSON, "sourcedId",
	  DANGLING("demographics", "sourced_id", "person") },
};

enum eb_err roster_find_dangling(struct db *db, int64_t district_id, unsigned target_mask,
				 struct roster_dangling *out, size_t cap, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < sizeof dangling_checks / sizeof dangling_checks[0]; i++) {
		if (!(target_mask & (1u << dangling_checks[i].target)) || *n >= cap)
			continue;
		struct db_stmt *st;
		enum eb_err rc =
			db_query(db, dangling_checks[i].sql, DB_ARGS(DB_INT(district_id)), &st);
		if (rc)
			return rc;
		if (db_next(st)) {
			struct roster_dangling *d = &out[(*n)++];
			d->referrer = dangling_checks[i].referrer;
			d->target = dangling_checks[i].target;
			d->field = dangling_checks[i].field;
			db_col_copy(st, 0, d->example_id, sizeof d->example_id);
			db_col_copy(st, 1, d->example_ref, sizeof d->example_ref);
			d->count = (long)db_col_int(st, 2);
		}
		if ((rc = db_done(st)))
			return rc;
	}
	return EB_OK;
}

enum eb_err roster_record_import(struct db *db, int64_t district_id, const char *kind,
				 const char *source, int64_t started_at, bool ok,
				 const char *summary, int64_t *run_id)
{
	int64_t now = time_now();
	enum eb_err rc =
		db_execute(db,
			   "INSERT INTO import_run(district_id,kind,source,started_at,"
			   "finished_at,ok,summary) VALUES(?1,?2,?3,?4,?5,?6,?7)",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(kind), DB_TEXT(source),
				   DB_INT(started_at), DB_INT(now), DB_INT(ok), DB_TEXT(summary)),
			   NULL);
	if (rc)
		return rc;
	int64_t id = db_last_id(db);
	if (run_id)
		*run_id = id;
	if (!ok)
		return EB_OK;
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return db_execute(db,
			  "INSERT INTO audit_log(district_id,at,account_id,actor,action,"
			  "subject_type,subject_id,detail) VALUES(?1,?2,NULL,'cli','import',"
			  "'roster',?3,?4)",
			  DB_ARGS(DB_INT(district_id), DB_INT(now), DB_TEXT(sid), DB_TEXT(summary)),
			  NULL);
}

/* ---- queries ---- */

#define ORG_COLS "o.sourced_id,o.name,o.type,o.identifier,o.parent_sourced_id"
DB_ROWSPEC(org_spec, struct roster_org_row, NULL, DB_FIELD_TEXT(struct roster_org_row, sourced_id),
	   DB_FIELD_TEXT(struct roster_org_row, name), DB_FIELD_TEXT(struct roster_org_row, type),
	   DB_FIELD_TEXT(struct roster_org_row, identifier),
	   DB_FIELD_TEXT(struct roster_org_row, parent_sourced_id));

#define CLASS_COLS                                                                                 \
	"c.sourced_id,c.title,c.course_sourced_id,c.class_code,c.class_type,"                      \
	"c.school_sourced_id,c.term_sourced_ids,c.grades,c.location,c.periods"
DB_ROWSPEC(class_spec, struct roster_class_row, NULL,
	   DB_FIELD_TEXT(struct roster_class_row, sourced_id),
	   DB_FIELD_TEXT(struct roster_class_row, title),
	   DB_FIELD_TEXT(struct roster_class_row, course_sourced_id),
	   DB_FIELD_TEXT(struct roster_class_row, class_code),
	   DB_FIELD_TEXT(struct roster_class_row, class_type),
	   DB_FIELD_TEXT(struct roster_class_row, school_sourced_id),
	   DB_FIELD_TEXT(struct roster_class_row, term_sourced_ids),
	   DB_FIELD_TEXT(struct roster_class_row, grades),
	   DB_FIELD_TEXT(struct roster_class_row, location),
	   DB_FIELD_TEXT(struct roster_class_row, periods));

/* the tri-state flags read -1 (unknown) for NULL */
#define PERSON_COLS                                                                                \
	"p.sourced_id,p.status,p.role,p.given_name,p.family_name,p.middle_name,"                   \
	"p.preferred_first_name,p.username,p.identifier,p.email,p.sms,p.phone,p.grades,"           \
	"p.org_sourced_ids,p.agent_sourced_ids,p.home_language,p.enabled_user,"                    \
	"p.home_internet,p.english_learner,p.disability"
DB_ROWSPEC(person_spec, struct roster_person_row, NULL,
	   DB_FIELD_TEXT(struct roster_person_row, sourced_id),
	   DB_FIELD_TEXT(struct roster_person_row, status),
	   DB_FIELD_TEXT(struct roster_person_row, role),
	   DB_FIELD_TEXT(struct roster_person_row, given_name),
	   DB_FIELD_TEXT(struct roster_person_row, family_name),
	   DB_FIELD_TEXT(struct roster_person_row, middle_name),
	   DB_FIELD_TEXT(struct roster_person_row, preferred_first_name),
	   DB_FIELD_TEXT(struct roster_person_row, username),
	   DB_FIELD_TEXT(struct roster_person_row, identifier),
	   DB_FIELD_TEXT(struct roster_person_row, email),
	   DB_FIELD_TEXT(struct roster_person_row, sms),
	   DB_FIELD_TEXT(struct roster_person_row, phone),
	   DB_FIELD_TEXT(struct roster_person_row, grades),
	   DB_FIELD_TEXT(struct roster_person_row, org_sourced_ids),
	   DB_FIELD_TEXT(struct roster_person_row, agent_sourced_ids),
	   DB_FIELD_TEXT(struct roster_person_row, home_language),
	   DB_FIELD_INT_OR(struct roster_person_row, enabled_user, -1),
	   DB_FIELD_INT_OR(struct roster_person_row, home_internet, -1),
	   DB_FIELD_INT_OR(struct roster_person_row, english_learner, -1),
	   DB_FIELD_INT_OR(struct roster_person_row, disability, -1));

/* The list queries below: ?1 the district, ?2 the sourcedId they are about. */
#define LIST_ARGS(d, sid) DB_ARGS(DB_INT(d), DB_TEXT(sid))

enum eb_err roster_schools(struct db *db, int64_t d, struct arena *a, struct roster_org_row **rows,
			   size_t *n)
{
	return db_get_rows(db,
			   "SELECT " ORG_COLS
			   " FROM org o WHERE o.district_id=?1 AND o.type='school' "
			   "ORDER BY o.name, o.sourced_id",
			   DB_ARGS(DB_INT(d)), &org_spec, a, rows, n);
}

enum eb_err roster_school_classes(struct db *db, int64_t d, const char *school_sid, struct arena *a,
				  struct roster_class_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT " CLASS_COLS " FROM class c WHERE c.district_id=?1 AND "
			   "c.school_sourced_id=?2 ORDER BY c.title, c.sourced_id",
			   LIST_ARGS(d, school_sid), &class_spec, a, rows, n);
}

enum eb_err roster_teacher_classes(struct db *db, int64_t d, const char *teacher_sid,
				   struct arena *a, struct roster_class_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT DISTINCT " CLASS_COLS " FROM enrollment e JOIN class c ON "
			   "c.district_id=e.district_id AND c.sourced_id=e.class_sourced_id WHERE "
			   "e.district_id=?1 AND e.user_sourced_id=?2 AND e.role='teacher' "
			   "ORDER BY c.title, c.sourced_id",
			   LIST_ARGS(d, teacher_sid), &class_spec, a, rows, n);
}

enum eb_err roster_student_classes(struct db *db, int64_t d, const char *student_sid,
				   struct arena *a, struct roster_class_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT DISTINCT " CLASS_COLS " FROM enrollment e JOIN class c ON "
			   "c.district_id=e.district_id AND c.sourced_id=e.class_sourced_id WHERE "
			   "e.district_id=?1 AND e.user_sourced_id=?2 AND e.role='student' "
			   "ORDER BY c.title, c.sourced_id",
			   LIST_ARGS(d, student_sid), &class_spec, a, rows, n);
}

enum eb_err roster_class_students(struct db *db, int64_t d, const char *class_sid, struct arena *a,
				  struct roster_person_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT DISTINCT " PERSON_COLS " FROM enrollment e JOIN person p ON "
			   "p.district_id=e.district_id AND p.sourced_id=e.user_sourced_id WHERE "
			   "e.district_id=?1 AND e.class_sourced_id=?2 AND e.role='student' "
			   "ORDER BY p.family_name, p.given_name, p.sourced_id",
			   LIST_ARGS(d, class_sid), &person_spec, a, rows, n);
}

enum eb_err roster_class_teachers(struct db *db, int64_t d, const char *class_sid, struct arena *a,
				  struct roster_person_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT DISTINCT " PERSON_COLS " FROM enrollment e JOIN person p ON "
			   "p.district_id=e.district_id AND p.sourced_id=e.user_sourced_id WHERE "
			   "e.district_id=?1 AND e.class_sourced_id=?2 AND e.role='teacher' "
			   "ORDER BY p.family_name, p.given_name, p.sourced_id",
			   LIST_ARGS(d, class_sid), &person_spec, a, rows, n);
}

enum eb_err roster_person_get(struct db *db, int64_t d, const char *sid, struct arena *a,
			      struct roster_person_row *out)
{
	return db_get_row(db,
			  "SELECT " PERSON_COLS " FROM person p WHERE p.district_id=?1 AND "
			  "p.sourced_id=?2",
			  LIST_ARGS(d, sid), &person_spec, a, out);
}

enum eb_err roster_guardian_children(struct db *db, int64_t d, const char *guardian_sid,
				     struct arena *a, struct roster_person_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT " PERSON_COLS " FROM guardianship g JOIN person p ON "
		"p.district_id=g.district_id AND p.sourced_id=g.student_sourced_id WHERE "
		"g.district_id=?1 AND g.guardian_sourced_id=?2 "
		"ORDER BY p.given_name, p.family_name, p.sourced_id",
		LIST_ARGS(d, guardian_sid), &person_spec, a, rows, n);
}

enum eb_err roster_student_guardians(struct db *db, int64_t d, const char *student_sid,
				     struct arena *a, struct roster_person_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT " PERSON_COLS " FROM guardianship g JOIN person p ON "
		"p.district_id=g.district_id AND p.sourced_id=g.guardian_sourced_id WHERE "
		"g.district_id=?1 AND g.student_sourced_id=?2 "
		"ORDER BY p.family_name, p.given_name, p.sourced_id",
		LIST_ARGS(d, student_sid), &person_spec, a, rows, n);
}

enum eb_err roster_class_school(struct db *db, int64_t d, const char *class_sid, struct arena *a,
				struct roster_org_row *out)
{
	return db_get_row(db,
			  "SELECT " ORG_COLS " FROM class c JOIN org o ON "
			  "o.district_id=c.district_id AND o.sourced_id=c.school_sourced_id "
			  "WHERE c.district_id=?1 AND c.sourced_id=?2",
			  LIST_ARGS(d, class_sid), &org_spec, a, out);
}

enum eb_err roster_org_get(struct db *db, int64_t d, const char *org_sid, struct arena *a,
			   struct roster_org_row *out)
{
	return db_get_row(
		db, "SELECT " ORG_COLS " FROM org o WHERE o.district_id=?1 AND o.sourced_id=?2",
		LIST_ARGS(d, org_sid), &org_spec, a, out);
}

enum eb_err roster_class_get(struct db *db, int64_t d, const char *class_sid, struct arena *a,
			     struct roster_class_row *out)
{
	return db_get_row(
		db, "SELECT " CLASS_COLS " FROM class c WHERE c.district_id=?1 AND c.sourced_id=?2",
		LIST_ARGS(d, class_sid), &class_spec, a, out);
}

enum eb_err roster_find_people(struct db *db, int64_t d, const char *what, const char *role,
			       struct arena *a, struct roster_person_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct str w = str_trim(str_from(what ? what : ""));
	if (!w.n || w.n > 200)
		return EB_OK;
	/* names in the three ways people write them; no index helps a name,
	 * so this is for forms, not for pages read all day */
	return db_get_rows(
		db,
		"SELECT " PERSON_COLS " FROM person p WHERE p.district_id = ?1"
		" AND (?3 IS NULL OR p.role = ?3) AND (p.sourced_id = ?2 OR p.identifier = ?2"
		"  OR p.username = ?2 COLLATE NOCASE OR p.email = ?2 COLLATE NOCASE"
		"  OR p.given_name || ' ' || p.family_name = ?2 COLLATE NOCASE"
		"  OR p.preferred_first_name || ' ' || p.family_name = ?2 COLLATE NOCASE"
		"  OR p.family_name || ', ' || p.given_name = ?2 COLLATE NOCASE"
		"  OR p.family_name || ', ' || p.preferred_first_name = ?2 COLLATE NOCASE)"
		" ORDER BY p.family_name, p.given_name, p.sourced_id LIMIT 11",
		DB_ARGS(DB_INT(d), DB_TEXTN(w.p, w.n), DB_TEXT(role)), &person_spec, a, rows, n);
}

enum eb_err roster_find_classes(struct db *db, int64_t d, const char *what, struct arena *a,
				struct roster_class_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	struct str w = str_trim(str_from(what ? what : ""));
	if (!w.n || w.n > 200)
		return EB_OK;
	return db_get_rows(db,
			   "SELECT " CLASS_COLS " FROM class c WHERE c.district_id = ?1"
			   " AND (c.sourced_id = ?2 OR c.class_code = ?2 COLLATE NOCASE"
			   "  OR c.title = ?2 COLLATE NOCASE)"
			   " ORDER BY c.title, c.sourced_id LIMIT 11",
			   DB_ARGS(DB_INT(d), DB_TEXTN(w.p, w.n)), &class_spec, a, rows, n);
}

enum eb_err roster_person_schools(struct db *db, int64_t d, const char *person_sid, struct arena *a,
				  struct roster_org_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT " ORG_COLS
			   " FROM org o WHERE o.district_id=?1 AND o.type='school' "
			   "AND (EXISTS (SELECT 1 FROM person p WHERE p.district_id=?1 AND "
			   "p.sourced_id=?2 AND "
			   "instr(','||p.org_sourced_ids||',', ','||o.sourced_id||',')>0)"
			   " OR EXISTS (SELECT 1 FROM person_role r WHERE r.district_id=?1 AND "
			   "r.person_sourced_id=?2 AND r.org_sourced_id=o.sourced_id)"
			   " OR EXISTS (SELECT 1 FROM enrollment e WHERE e.district_id=?1 AND "
			   "e.user_sourced_id=?2 AND e.school_sourced_id=o.sourced_id)) "
			   "ORDER BY o.name, o.sourced_id",
			   LIST_ARGS(d, person_sid), &org_spec, a, rows, n);
}

DB_ROWSPEC(counts_spec, struct roster_counts, NULL, DB_FIELD_INT(struct roster_counts, schools),
	   DB_FIELD_INT(struct roster_counts, classes),
	   DB_FIELD_INT(struct roster_counts, students),
	   DB_FIELD_INT(struct roster_counts, teachers),
	   DB_FIELD_INT(struct roster_counts, guardians));

enum eb_err roster_count(struct db *db, int64_t d, struct roster_counts *out)
{
	enum eb_err rc = db_get_row(
		db,
		"SELECT (SELECT count(*) FROM org WHERE district_id=?1 AND type='school'),"
		"(SELECT count(*) FROM class WHERE district_id=?1),"
		"(SELECT count(*) FROM person WHERE district_id=?1 AND role='student'),"
		"(SELECT count(*) FROM person WHERE district_id=?1 AND role='teacher'),"
		"(SELECT count(DISTINCT guardian_sourced_id) FROM guardianship WHERE "
		"district_id=?1)",
		DB_ARGS(DB_INT(d)), &counts_spec, NULL, out);
	return rc == EB_ENOTFOUND ? EB_EDB : rc;
}

/* One-row existence check binding (district, a[, b]); sql must be a
 * literal with parameters ?1, ?2 and, when want_b, ?3. */
static bool exists_q(struct db *db, const char *sql, int64_t d, const char *a, const char *b,
		     bool want_b)
{
	int64_t one;
	if (!a || (want_b && !b))
		return false;
	const struct db_arg args[] = { DB_INT(d), DB_TEXT(a), DB_TEXT(b) };
	return db_get_int(db, sql, args, want_b ? 3 : 2, &one) == EB_OK;
}

#define exists1(db, sql, d, a) exists_q(db, sql, d, a, NULL, false)
#define exists2(db, sql, d, a, b) exists_q(db, sql, d, a, b, true)

bool roster_person_in_school(struct db *db, int64_t d, const char *person_sid,
			     const char *school_sid)
{
	return exists2(db,
		       "SELECT 1 WHERE EXISTS (SELECT 1 FROM person p WHERE p.district_id=?1 AND "
		       "p.sourced_id=?2 AND instr(','||p.org_sourced_ids||',', ','||?3||',')>0) "
		       "OR EXISTS (SELECT 1 FROM person_role r WHERE r.district_id=?1 AND "
		       "r.person_sourced_id=?2 AND r.org_sourced_id=?3) "
		       "OR EXISTS (SELECT 1 FROM enrollment e WHERE e.district_id=?1 AND "
		       "e.user_sourced_id=?2 AND e.school_sourced_id=?3)",
		       d, person_sid, school_sid);
}

bool roster_student_in_teacher_class(struct db *db, int64_t d, const char *teacher_sid,
				     const char *student_sid)
{
	return exists2(
		db,
		"SELECT 1 FROM enrollment t JOIN enrollment s ON s.district_id=t.district_id "
		"AND s.class_sourced_id=t.class_sourced_id WHERE t.district_id=?1 AND "
		"t.user_sourced_id=?2 AND t.role='teacher' AND s.user_sourced_id=?3 AND "
		"s.role='student' LIMIT 1",
		d, teacher_sid, student_sid);
}

bool roster_is_guardian_of(struct db *db, int64_t d, const char *guardian_sid,
			   const char *student_sid)
{
	return exists2(db,
		       "SELECT 1 FROM guardianship WHERE district_id=?1 AND guardian_sourced_id=?2 "
		       "AND student_sourced_id=?3",
		       d, guardian_sid, student_sid);
}

bool roster_is_student(struct db *db, int64_t district_id, const char *sid)
{
	return exists1(
		db,
		"SELECT 1 FROM person WHERE district_id=?1 AND sourced_id=?2 AND role='student'",
		district_id, sid);
}

bool roster_student_in_class(struct db *db, int64_t d, const char *student_sid,
			     const char *class_sid)
{
	return exists2(db,
		       "SELECT 1 FROM enrollment WHERE district_id=?1 AND user_sourced_id=?2"
		       " AND class_sourced_id=?3 AND role='student'",
		       d, student_sid, class_sid);
}

bool roster_teaches_class(struct db *db, int64_t d, const char *teacher_sid, const char *class_sid)
{
	return exists2(db,
		       "SELECT 1 FROM enrollment WHERE district_id=?1 AND user_sourced_id=?2"
		       " AND class_sourced_id=?3 AND role='teacher'",
		       d, teacher_sid, class_sid);
}

bool roster_teaches_in_school(struct db *db, int64_t d, const char *teacher_sid,
			      const char *school_sid)
{
	return exists2(db,
		       "SELECT 1 FROM enrollment WHERE district_id=?1 AND user_sourced_id=?2"
		       " AND school_sourced_id=?3 AND role='teacher'",
		       d, teacher_sid, school_sid);
}

bool roster_class_exists(struct db *db, int64_t d, const char *class_sid, const char *school_sid)
{
	if (school_sid)
		return exists2(db,
			       "SELECT 1 FROM class WHERE district_id=?1 AND sourced_id=?2"
			       " AND school_sourced_id=?3",
			       d, class_sid, school_sid);
	return exists1(db, "SELECT 1 FROM class WHERE district_id=?1 AND sourced_id=?2", d,
		       class_sid);
}

bool roster_is_school(struct db *db, int64_t d, const char *school_sid)
{
	return exists1(db,
		       "SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND type='school'",
		       d, school_sid);
}
