/* test_sim_district.c - the simulator: reproducible, complete, consistent,
 * and shaped like the district it claims to be. The written CSV is read back
 * with base/csv.h and every cross-reference checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "sim/district.h"

/* ---- a parsed CSV table ---- */

struct table {
	char *data; /* owned copy the views point into */
	size_t ncols, nrows;
	struct str *header;
	struct str *cells; /* nrows * ncols */
};

static void table_free(struct table *t)
{
	free(t->data);
	free(t->header);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

static void table_load(struct table *t, const struct sim_csv_file *f)
{
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error err;
	size_t cap = 1024;

	memset(t, 0, sizeof(*t));
	t->data = malloc(f->data.len + 1);
	assert_non_null(t->data);
	memcpy(t->data, f->data.data, f->data.len);
	csv_init(&r, t->data, f->data.len);
	assert_int_equal(csv_next(&r, &rec, &err), EB_OK);
	t->ncols = rec.nfields;
	t->header = malloc(t->ncols * sizeof(struct str));
	memcpy(t->header, rec.fields, t->ncols * sizeof(struct str));
	t->cells = malloc(cap * t->ncols * sizeof(struct str));
	for (;;) {
		enum eb_err rc = csv_next(&r, &rec, &err);
		if (rc == EB_ENOTFOUND)
			break;
		if (rc)
			fail_msg("%s:%zu:%zu: %s", f->name, err.line, err.column, err.reason);
		if (rec.nfields != t->ncols)
			fail_msg("%s:%zu: %zu fields, header has %zu", f->name, rec.line,
				 rec.nfields, t->ncols);
		if (t->nrows == cap) {
			cap *= 2;
			t->cells = realloc(t->cells, cap * t->ncols * sizeof(struct str));
			assert_non_null(t->cells);
		}
		memcpy(t->cells + t->nrows * t->ncols, rec.fields, t->ncols * sizeof(struct str));
		t->nrows++;
	}
}

static size_t col(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (str_eq_cstr(t->header[i], name))
			return i;
	fail_msg("no column %s", name);
	return 0;
}

static struct str cellv(const struct table *t, size_t row, size_t c)
{
	return t->cells[row * t->ncols + c];
}

/* ---- a sorted set of ids ---- */

struct idset {
	struct str *v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	const struct str *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void idset_from(struct idset *s, const struct table *t, const char *column)
{
	size_t c = col(t, column);
	s->n = t->nrows;
	s->v = malloc((s->n ? s->n : 1) * sizeof(struct str));
	for (size_t i = 0; i < t->nrows; i++)
		s->v[i] = cellv(t, i, c);
	qsort(s->v, s->n, sizeof(struct str), cmp_str);
	for (size_t i = 1; i < s->n; i++)
		if (str_eq(s->v[i - 1], s->v[i]))
			fail_msg("duplicate %s %.*s", column, (int)s->v[i].n, s->v[i].p);
}

static bool idset_has(const struct idset *s, struct str id)
{
	return bsearch(&id, s->v, s->n, sizeof(struct str), cmp_str) != NULL;
}

static bool idset_has_cstr(const struct idset *s, const char *id)
{
	return idset_has(s, str_from(id));
}

/* Checks every comma-separated id of v is in s; returns how many. */
static size_t check_list(const struct idset *s, struct str v, const char *what)
{
	size_t count = 0;
	while (v.n) {
		const char *comma = memchr(v.p, ',', v.n);
		struct str one = { v.p, comma ? (size_t)(comma - v.p) : v.n };
		if (!idset_has(s, one))
			fail_msg("%s: unknown id %.*s", what, (int)one.n, one.p);
		count++;
		if (!comma)
			break;
		v.n -= one.n + 1;
		v.p = comma + 1;
	}
	return count;
}

/* Whether the comma-separated list holds id. */
static bool list_has(struct str list, struct str id)
{
	while (list.n) {
		const char *comma = memchr(list.p, ',', list.n);
		struct str one = { list.p, comma ? (size_t)(comma - list.p) : list.n };
		if (str_eq(one, id))
			return true;
		if (!comma)
			break;
		list.n -= one.n + 1;
		list.p = comma + 1;
	}
	return false;
}

/* A user's row by sourcedId: sorted with cmp_str, which reads the first member. */
struct row_ref {
	struct str id;
	size_t row;
};

/* ---- the written files of one district ---- */

enum {
	F_MANIFEST,
	F_ORGS,
	F_SESSIONS,
	F_COURSES,
	F_CLASSES,
	F_USERS,
	F_ROLES,
	F_ENROLLMENTS,
	F_DEMOGRAPHICS
};

struct written {
	struct sim_district *d;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nfiles;
	struct table t[SIM_CSV_FILE_COUNT];
};

static void written_build(struct written *w, const struct sim_params *p)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(sim_district_build(p, &w->d), EB_OK);
	assert_int_equal(sim_write_oneroster_mem(w->d, w->files, &w->nfiles), EB_OK);
	assert_int_equal(w->nfiles, SIM_CSV_FILE_COUNT);
	for (size_t i = 0; i < w->nfiles; i++)
		table_load(&w->t[i], &w->files[i]);
}

static void written_free(struct written *w)
{
	for (size_t i = 0; i < w->nfiles; i++)
		table_free(&w->t[i]);
	sim_csv_files_free(w->files, w->nfiles);
	sim_district_free(w->d);
}

static struct written demo; /* the default district, built once */

static int setup_demo(void **state)
{
	struct sim_params p;
	sim_params_default(&p);
	written_build(&demo, &p);
	return 0;
}

static int teardown_demo(void **state)
{
	written_free(&demo);
	return 0;
}

/* ---- tests ---- */

static void test_reproducible(void **state)
{
	struct sim_params p;
	struct sim_district *a, *b, *c;
	struct sim_csv_file fa[SIM_CSV_FILE_COUNT], fb[SIM_CSV_FILE_COUNT], fc[SIM_CSV_FILE_COUNT];
	size_t na, nb, nc;

	sim_params_default(&p);
	p.students = 1500;
	assert_int_equal(sim_district_build(&p, &a), EB_OK);
	assert_int_equal(sim_district_build(&p, &b), EB_OK);
	p.seed = 2;
	assert_int_equal(sim_district_build(&p, &c), EB_OK);
	assert_int_equal(sim_write_oneroster_mem(a, fa, &na), EB_OK);
	assert_int_equal(sim_write_oneroster_mem(b, fb, &nb), EB_OK);
	assert_int_equal(sim_write_oneroster_mem(c, fc, &nc), EB_OK);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(fa[i].name, fb[i].name);
		assert_int_equal(fa[i].data.len, fb[i].data.len);
		assert_memory_equal(fa[i].data.data, fb[i].data.data, fa[i].data.len);
	}
	assert_true(fa[F_USERS].data.len != fc[F_USERS].data.len ||
		    memcmp(fa[F_USERS].data.data, fc[F_USERS].data.data, fa[F_USERS].data.len) !=
			    0);
	sim_csv_files_free(fa, na);
	sim_csv_files_free(fb, nb);
	sim_csv_files_free(fc, nc);
	sim_district_free(a);
	sim_district_free(b);
	sim_district_free(c);
}

static void test_headers(void **state)
{
	static const char *const expect[SIM_CSV_FILE_COUNT][2] = {
		{ "manifest.csv", "propertyName,value" },
		{ "orgs.csv",
		  "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId" },
		{ "academicSessions.csv", "sourcedId,status,dateLastModified,title,type,startDate,"
					  "endDate,parentSourcedId,schoolYear" },
		{ "courses.csv", "sourcedId,status,dateLastModified,schoolYearSourcedId,title,"
				 "courseCode,grades,orgSourcedId,subjects,subjectCodes" },
		{ "classes.csv", "sourcedId,status,dateLastModified,title,grades,courseSourcedId,"
				 "classCode,classType,location,schoolSourcedId,termSourcedIds,"
				 "subjects,subjectCodes,periods" },
		{ "users.csv",
		  "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
		  "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
		  "password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,"
		  "preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns,metadata."
		  "homeLanguage,metadata.homeInternet,metadata.englishLearner,metadata."
		  "disability" },
		{ "roles.csv", "sourcedId,status,dateLastModified,userSourcedId,roleType,role,"
			       "beginDate,endDate,orgSourcedId,userProfileSourcedId" },
		{ "enrollments.csv",
		  "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
		  "role,primary,beginDate,endDate" },
		{ "demographics.csv",
		  "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,"
		  "asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
		  "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
		  "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus" },
	};
	for (size_t i = 0; i < SIM_CSV_FILE_COUNT; i++) {
		const struct sim_csv_file *f = &demo.files[i];
		size_t n = strlen(expect[i][1]);
		assert_string_equal(f->name, expect[i][0]);
		assert_true(f->data.len > n);
		assert_memory_equal(f->data.data, expect[i][1], n);
		assert_int_equal(f->data.data[n], '\n');
	}
	/* the manifest says 1.2, bulk, edbridge-sim */
	const struct table *m = &demo.t[F_MANIFEST];
	size_t found = 0;
	for (size_t r = 0; r < m->nrows; r++) {
		struct str k = cellv(m, r, 0), v = cellv(m, r, 1);
		if (str_eq_cstr(k, "oneroster.version"))
			found += str_eq_cstr(v, "1.2");
		if (str_eq_cstr(k, "source.systemName"))
			found += str_eq_cstr(v, "edbridge-sim");
		if (str_eq_cstr(k, "file.users") || str_eq_cstr(k, "file.roles") ||
		    str_eq_cstr(k, "file.enrollments"))
			found += str_eq_cstr(v, "bulk");
	}
	assert_int_equal(found, 5);
}

static void test_counts(void **state)
{
	size_t n_sch, n_cls, n_stu, n_gdn, n_tch, n_stf, n_fam;
	const struct sim_school *sch = sim_schools(demo.d, &n_sch);
	const struct sim_class *cls = sim_classes(demo.d, &n_cls);
	sim_students(demo.d, &n_stu);
	const struct sim_family *fam = sim_families(demo.d, &n_fam);
	sim_guardians(demo.d, &n_gdn);
	sim_teachers(demo.d, &n_tch);
	const struct sim_staff *stf = sim_staff(demo.d, &n_stf);

	assert_int_equal(n_stu, 3000);
	assert_int_equal(n_sch, 6);
	assert_int_equal(demo.t[F_ORGS].nrows, 7);
	assert_int_equal(demo.t[F_SESSIONS].nrows, 3);
	assert_int_equal(demo.t[F_COURSES].nrows, 9);
	assert_int_equal(demo.t[F_CLASSES].nrows, n_cls);
	assert_int_equal(demo.t[F_DEMOGRAPHICS].nrows, n_stu);
	assert_int_equal(demo.t[F_USERS].nrows, n_stu + n_gdn + n_tch + n_stf);
	assert_int_equal(demo.t[F_ENROLLMENTS].nrows, n_stu + n_cls);
	/* 1 or 2 guardians per family */
	assert_true(n_gdn >= n_fam && n_gdn <= 2 * n_fam);
	/* ~20 % of families have two or more children here */
	size_t multi = 0;
	for (size_t f = 0; f < n_fam; f++)
		multi += fam[f].nchildren >= 2;
	double share = (double)multi / (double)n_fam;
	assert_true(share > 0.15 && share < 0.25);
	/* class sizes: homerooms 20-26 (a little under for small grades), middle 24-30 */
	for (size_t c = 0; c < n_cls; c++) {
		bool elem = sch[cls[c].school].kind == SIM_ELEMENTARY;
		if (elem)
			assert_true(cls[c].nmembers >= 18 && cls[c].nmembers <= 26);
		else
			assert_true(cls[c].nmembers >= 20 && cls[c].nmembers <= 30);
		if (!elem)
			assert_true(cls[c].period >= 1 && cls[c].period <= 7);
	}
	/* staff: one principal per school, a coordinator, 3 coaches, 2 IT */
	size_t kinds[4] = { 0 };
	for (size_t i = 0; i < n_stf; i++)
		kinds[stf[i].kind]++;
	assert_int_equal(kinds[SIM_STAFF_PRINCIPAL], n_sch);
	assert_int_equal(kinds[SIM_STAFF_COORDINATOR], 1);
	assert_int_equal(kinds[SIM_STAFF_COACH], 3);
	assert_int_equal(kinds[SIM_STAFF_IT], 2);
}

/* Each student is in exactly one class of their grade at their school. */
static void test_class_membership(void **state)
{
	size_t n_cls, n_stu, n_mem;
	const struct sim_class *cls = sim_classes(demo.d, &n_cls);
	const struct sim_student *stu = sim_students(demo.d, &n_stu);
	const int *mem = sim_class_members(demo.d, &n_mem);
	unsigned char *seen = calloc(n_stu, 1);
	assert_int_equal(n_mem, n_stu);
	for (size_t c = 0; c < n_cls; c++) {
		for (int m = 0; m < cls[c].nmembers; m++) {
			int s = mem[cls[c].first_member + m];
			assert_int_equal(stu[s].class_index, (int)c);
			assert_int_equal(stu[s].grade, cls[c].grade);
			assert_int_equal(stu[s].school, cls[c].school);
			seen[s]++;
		}
	}
	for (size_t s = 0; s < n_stu; s++)
		assert_int_equal(seen[s], 1);
	free(seen);
}

static void test_references_resolve(void **state)
{
	const struct table *orgs = &demo.t[F_ORGS], *ses = &demo.t[F_SESSIONS];
	const struct table *crs = &demo.t[F_COURSES], *cls = &demo.t[F_CLASSES];
	const struct table *usr = &demo.t[F_USERS], *rol = &demo.t[F_ROLES];
	const struct table *enr = &demo.t[F_ENROLLMENTS], *dem = &demo.t[F_DEMOGRAPHICS];
	struct idset org_ids, ses_ids, crs_ids, cls_ids, usr_ids, rol_ids, enr_ids;
	idset_from(&org_ids, orgs, "sourcedId");
	idset_from(&ses_ids, ses, "sourcedId");
	idset_from(&crs_ids, crs, "sourcedId");
	idset_from(&cls_ids, cls, "sourcedId");
	idset_from(&usr_ids, usr, "sourcedId");
	idset_from(&rol_ids, rol, "sourcedId");
	idset_from(&enr_ids, enr, "sourcedId");

	assert_true(idset_has_cstr(&org_ids, "dist-1"));
	assert_true(idset_has_cstr(&ses_ids, "sy-2026"));
	for (size_t r = 0; r < orgs->nrows; r++) {
		struct str parent = cellv(orgs, r, col(orgs, "parentSourcedId"));
		struct str type = cellv(orgs, r, col(orgs, "type"));
		if (str_eq_cstr(type, "district"))
			assert_int_equal(parent.n, 0);
		else
			assert_true(idset_has(&org_ids, parent));
	}
	for (size_t r = 0; r < ses->nrows; r++) {
		struct str parent = cellv(ses, r, col(ses, "parentSourcedId"));
		if (parent.n)
			assert_true(idset_has(&ses_ids, parent));
	}
	for (size_t r = 0; r < crs->nrows; r++) {
		assert_true(idset_has(&ses_ids, cellv(crs, r, col(crs, "schoolYearSourcedId"))));
		assert_true(idset_has(&org_ids, cellv(crs, r, col(crs, "orgSourcedId"))));
	}
	for (size_t r = 0; r < cls->nrows; r++) {
		assert_true(idset_has(&crs_ids, cellv(cls, r, col(cls, "courseSourcedId"))));
		assert_true(idset_has(&org_ids, cellv(cls, r, col(cls, "schoolSourcedId"))));
		assert_int_equal(check_list(&ses_ids, cellv(cls, r, col(cls, "termSourcedIds")),
					    "termSourcedIds"),
				 2);
	}

	/* users: primary org resolves; agents resolve and point back */
	size_t c_agents = col(usr, "agentSourcedIds"), c_id = col(usr, "sourcedId");
	struct row_ref *rows = malloc(usr->nrows * sizeof(*rows));
	for (size_t r = 0; r < usr->nrows; r++) {
		assert_true(idset_has(&org_ids, cellv(usr, r, col(usr, "primaryOrgSourcedId"))));
		check_list(&usr_ids, cellv(usr, r, c_agents), "agentSourcedIds");
		rows[r].id = cellv(usr, r, c_id);
		rows[r].row = r;
	}
	qsort(rows, usr->nrows, sizeof(*rows), cmp_str); /* id is the first member */
	for (size_t r = 0; r < usr->nrows; r++) {
		struct str id = cellv(usr, r, c_id), list = cellv(usr, r, c_agents);
		while (list.n) {
			const char *comma = memchr(list.p, ',', list.n);
			struct str one = { list.p, comma ? (size_t)(comma - list.p) : list.n };
			struct row_ref key = { one, 0 };
			const struct row_ref *at =
				bsearch(&key, rows, usr->nrows, sizeof(*rows), cmp_str);
			assert_non_null(at);
			if (!list_has(cellv(usr, at->row, c_agents), id))
				fail_msg("%.*s -> %.*s has no way back", (int)id.n, id.p,
					 (int)one.n, one.p);
			if (!comma)
				break;
			list.n -= one.n + 1;
			list.p = comma + 1;
		}
	}
	free(rows);

	for (size_t r = 0; r < rol->nrows; r++) {
		assert_true(idset_has(&usr_ids, cellv(rol, r, col(rol, "userSourcedId"))));
		assert_true(idset_has(&org_ids, cellv(rol, r, col(rol, "orgSourcedId"))));
	}
	for (size_t r = 0; r < enr->nrows; r++) {
		assert_true(idset_has(&cls_ids, cellv(enr, r, col(enr, "classSourcedId"))));
		assert_true(idset_has(&org_ids, cellv(enr, r, col(enr, "schoolSourcedId"))));
		assert_true(idset_has(&usr_ids, cellv(enr, r, col(enr, "userSourcedId"))));
	}
	for (size_t r = 0; r < dem->nrows; r++)
		assert_true(idset_has(&usr_ids, cellv(dem, r, col(dem, "sourcedId"))));

	/* every user has exactly one primary role */
	size_t primaries = 0;
	for (size_t r = 0; r < rol->nrows; r++)
		primaries += str_eq_cstr(cellv(rol, r, col(rol, "roleType")), "primary");
	assert_int_equal(primaries, usr->nrows);

	free(org_ids.v);
	free(ses_ids.v);
	free(crs_ids.v);
	free(cls_ids.v);
	free(usr_ids.v);
	free(rol_ids.v);
	free(enr_ids.v);
}

/* Each class has one primary teacher; each student one enrollment; a
 * teacher enrolled in a class teaches it in the model. */
static void test_enrollments(void **state)
{
	const struct table *enr = &demo.t[F_ENROLLMENTS];
	size_t n_cls, n_stu;
	const struct sim_class *cls = sim_classes(demo.d, &n_cls);
	sim_students(demo.d, &n_stu);
	size_t *teachers = calloc(n_cls, sizeof(size_t));
	size_t *students = calloc(n_stu, sizeof(size_t));
	size_t c_cls = col(enr, "classSourcedId"), c_user = col(enr, "userSourcedId");
	size_t c_role = col(enr, "role"), c_primary = col(enr, "primary");
	char id[SIM_ID_MAX];
	size_t ci = 0;
	for (size_t r = 0; r < enr->nrows; r++) {
		/* rows come class by class, in class order */
		sim_class_id(demo.d, ci, id);
		if (!str_eq_cstr(cellv(enr, r, c_cls), id)) {
			ci++;
			sim_class_id(demo.d, ci, id);
			assert_true(str_eq_cstr(cellv(enr, r, c_cls), id));
		}
		struct str user = cellv(enr, r, c_user);
		if (str_eq_cstr(cellv(enr, r, c_role), "teacher")) {
			char tid[SIM_ID_MAX];
			sim_teacher_id((size_t)cls[ci].teacher, tid);
			assert_true(str_eq_cstr(user, tid));
			assert_true(str_eq_cstr(cellv(enr, r, c_primary), "true"));
			teachers[ci]++;
		} else {
			char buf[SIM_ID_MAX];
			size_t si;
			assert_true(str_eq_cstr(cellv(enr, r, c_role), "student"));
			assert_true(user.n < sizeof(buf));
			memcpy(buf, user.p, user.n);
			buf[user.n] = '\0';
			assert_int_equal(sim_student_find(demo.d, buf, &si), EB_OK);
			students[si]++;
		}
	}
	assert_int_equal(ci + 1, n_cls);
	for (size_t c = 0; c < n_cls; c++)
		assert_int_equal(teachers[c], 1);
	for (size_t s = 0; s < n_stu; s++)
		assert_int_equal(students[s], 1);
	free(teachers);
	free(students);
}

static double share_of(const struct table *t, const char *column, const char *value,
		       const char *only_prefix)
{
	size_t c = col(t, column), c_id = col(t, "sourcedId"), n = 0, hit = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		if (!str_starts_with(cellv(t, r, c_id), only_prefix))
			continue;
		n++;
		hit += str_eq_cstr(cellv(t, r, c), value);
	}
	assert_true(n > 0);
	return (double)hit / (double)n;
}

static void test_distributions(void **state)
{
	struct written w;
	struct sim_params p;
	sim_params_default(&p);
	p.students = 20000;
	p.seed = 7;
	p.elementary_schools = 0; /* derived */
	p.middle_schools = 0;
	written_build(&w, &p);
	const struct table *usr = &w.t[F_USERS];

	double el = share_of(usr, "metadata.englishLearner", "true", "stu-");
	double dis = share_of(usr, "metadata.disability", "true", "stu-");
	double noweb = share_of(usr, "metadata.homeInternet", "false", "gdn-");
	double en = share_of(usr, "metadata.homeLanguage", "en", "gdn-");
	double es = share_of(usr, "metadata.homeLanguage", "es", "gdn-");
	double no_email = share_of(usr, "email", "", "gdn-");
	double no_phone = share_of(usr, "phone", "", "gdn-");
	print_message("EL %.3f disability %.3f no-internet %.3f en %.3f es %.3f no-email %.3f "
		      "no-phone %.3f\n",
		      el, dis, noweb, en, es, no_email, no_phone);
	assert_true(el >= 0.10 && el <= 0.15);
	assert_true(dis >= 0.11 && dis <= 0.15);
	assert_true(noweb >= 0.09 && noweb <= 0.15);
	assert_true(en >= 0.66 && en <= 0.74);
	assert_true(es >= 0.17 && es <= 0.23);
	assert_true(no_email > 0.02 && no_email < 0.25);
	assert_true(no_phone > 0.02 && no_phone < 0.15);
	static const char *const tags[] = { "en", "es", "zh", "vi", "ar",
					    "ht", "pt", "ru", "ko", "tl" };
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		assert_true(share_of(usr, "metadata.homeLanguage", tags[i], "gdn-") > 0.0);

	/* some guardians have neither email nor home internet */
	size_t c_mail = col(usr, "email"), c_web = col(usr, "metadata.homeInternet"), neither = 0;
	for (size_t r = 0; r < usr->nrows; r++)
		neither += cellv(usr, r, c_mail).n == 0 &&
			   str_eq_cstr(cellv(usr, r, c_web), "false");
	assert_true(neither > 0);

	/* ground truth: ability ~ N(0,1), corr(ability, motivation) ~ 0.3 */
	size_t n;
	const struct sim_student *st = sim_students(w.d, &n);
	double sa = 0, sm = 0, saa = 0, smm = 0, sam = 0;
	for (size_t i = 0; i < n; i++) {
		double a = sim_student_ability(w.d, i), m = sim_student_motivation(w.d, i);
		assert_true(a == st[i].ability);
		sa += a;
		sm += m;
		saa += a * a;
		smm += m * m;
		sam += a * m;
	}
	double ma = sa / n, mm = sm / n;
	double va = saa / n - ma * ma, vm = smm / n - mm * mm;
	double corr = (sam / n - ma * mm) / sqrt(va * vm);
	print_message("ability mean %.3f sd %.3f, corr(ability, motivation) %.3f\n", ma, sqrt(va),
		      corr);
	assert_true(fabs(ma) < 0.05 && fabs(sqrt(va) - 1.0) < 0.05);
	assert_true(corr > 0.25 && corr < 0.35);
	written_free(&w);
}

static void test_ground_truth_teachers(void **state)
{
	size_t n_sch, n_tch;
	const struct sim_school *sch = sim_schools(demo.d, &n_sch);
	sim_teachers(demo.d, &n_tch);
	size_t champions = 0;
	for (size_t t = 0; t < n_tch; t++) {
		double e = sim_teacher_tech_enthusiasm(demo.d, t);
		char id[SIM_ID_MAX];
		size_t back;
		assert_true(e >= 0.0 && e <= 1.0);
		champions += sim_teacher_is_tech_champion(demo.d, t);
		sim_teacher_id(t, id);
		assert_int_equal(sim_teacher_find(demo.d, id, &back), EB_OK);
		assert_int_equal(back, t);
	}
	assert_int_equal(champions, n_sch);
	for (size_t s = 0; s < n_sch; s++) {
		assert_true(sim_teacher_is_tech_champion(demo.d, (size_t)sch[s].tech_champion));
		/* the champion is the school's most enthusiastic teacher */
		for (int t = sch[s].first_teacher; t < sch[s].first_teacher + sch[s].nteachers; t++)
			assert_true(
				sim_teacher_tech_enthusiasm(demo.d, (size_t)t) <=
				sim_teacher_tech_enthusiasm(demo.d, (size_t)sch[s].tech_champion));
	}
	size_t idx;
	assert_int_equal(sim_student_find(demo.d, "stu-1", &idx), EB_ENOTFOUND);
	assert_int_equal(sim_student_find(demo.d, "stu-999999", &idx), EB_ENOTFOUND);
	assert_int_equal(sim_student_find(demo.d, "stu-000001", &idx), EB_OK);
	assert_int_equal(idx, 0);
}

/* Age on September 1 of the school year's start is 5 + grade (6 + grade
 * for a child held back a year). */
static void test_birthdates(void **state)
{
	const struct table *dem = &demo.t[F_DEMOGRAPHICS];
	size_t n;
	const struct sim_student *st = sim_students(demo.d, &n);
	int start_year = sim_district_params(demo.d)->school_year - 1;
	size_t c_birth = col(dem, "birthDate"), older = 0;
	assert_int_equal(dem->nrows, n);
	for (size_t i = 0; i < n; i++) {
		int32_t days;
		int y;
		unsigned m, d;
		assert_int_equal(date_parse_ymd(cellv(dem, i, c_birth), &days), EB_OK);
		assert_int_equal(days, st[i].birth_days);
		civil_from_days(days, &y, &m, &d);
		int age = start_year - y - ((m > 9 || (m == 9 && d > 1)) ? 1 : 0);
		assert_true(age == 5 + st[i].grade || age == 6 + st[i].grade);
		older += age == 6 + st[i].grade;
	}
	assert_true(older > 0 && older < n / 10);
}

static bool has_row(const struct table *t, const char *c1, const char *v1, const char *c2,
		    const char *v2, const char *c3, const char *v3)
{
	size_t a = col(t, c1), b = col(t, c2), c = col(t, c3);
	for (size_t r = 0; r < t->nrows; r++)
		if (str_eq_cstr(cellv(t, r, a), v1) && str_eq_cstr(cellv(t, r, b), v2) &&
		    str_eq_cstr(cellv(t, r, c), v3))
			return true;
	return false;
}

static struct str user_field(const struct table *usr, const char *id, const char *column)
{
	size_t c_id = col(usr, "sourcedId"), c = col(usr, column);
	for (size_t r = 0; r < usr->nrows; r++)
		if (str_eq_cstr(cellv(usr, r, c_id), id))
			return cellv(usr, r, c);
	fail_msg("no user %s", id);
	return (struct str){ "", 0 };
}

static void test_demo_people(void **state)
{
	struct sim_demo_people dp, again;
	const struct table *rol = &demo.t[F_ROLES], *enr = &demo.t[F_ENROLLMENTS];
	const struct table *usr = &demo.t[F_USERS];
	assert_int_equal(sim_demo_people(demo.d, &dp), EB_OK);
	assert_int_equal(sim_demo_people(demo.d, &again), EB_OK);
	assert_memory_equal(&dp, &again, sizeof(dp));

	assert_string_equal(dp.district, "dist-1");
	assert_true(has_row(rol, "userSourcedId", dp.district_admin, "role", "systemAdministrator",
			    "orgSourcedId", dp.district));
	assert_true(has_row(rol, "userSourcedId", dp.it_staff, "role", "systemAdministrator",
			    "orgSourcedId", dp.district));
	assert_string_not_equal(dp.district_admin, dp.it_staff);
	assert_true(has_row(rol, "userSourcedId", dp.coordinator, "role", "administrator",
			    "orgSourcedId", dp.district));
	assert_non_null(strstr(user_field(usr, dp.coordinator, "username").p, "coordinator"));
	assert_true(has_row(rol, "userSourcedId", dp.coach, "role", "teacher", "orgSourcedId",
			    dp.district));
	assert_true(has_row(rol, "userSourcedId", dp.principal, "role", "principal", "orgSourcedId",
			    dp.principal_school));
	assert_true(has_row(enr, "userSourcedId", dp.teacher, "role", "teacher", "classSourcedId",
			    dp.teacher_class));
	assert_true(has_row(enr, "userSourcedId", dp.student, "role", "student", "classSourcedId",
			    dp.student_class));
	assert_string_equal(dp.teacher_class, dp.student_class);
	assert_string_equal(dp.principal_school, dp.student_school);
	assert_true(has_row(rol, "userSourcedId", dp.tech_champion, "role", "teacher",
			    "orgSourcedId", dp.student_school));
	assert_string_not_equal(dp.tech_champion, dp.teacher);
	size_t ti;
	assert_int_equal(sim_teacher_find(demo.d, dp.tech_champion, &ti), EB_OK);
	assert_true(sim_teacher_is_tech_champion(demo.d, ti));

	assert_true(dp.nchildren >= 2);
	assert_string_equal(dp.children[0], dp.student);
	struct str agents = user_field(usr, dp.guardian, "agentSourcedIds");
	for (size_t k = 0; k < dp.nchildren; k++)
		assert_true(list_has(agents, str_from(dp.children[k])));
	assert_true(
		list_has(user_field(usr, dp.student, "agentSourcedIds"), str_from(dp.guardian)));
}

static void test_dir_matches_mem(void **state)
{
	char dir[] = "/tmp/test_sim_district.XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sim_write_oneroster_dir(demo.d, dir), EB_OK);
	for (size_t i = 0; i < demo.nfiles; i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, demo.files[i].name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char *got = malloc(demo.files[i].data.len + 1);
		size_t n = fread(got, 1, demo.files[i].data.len + 1, f);
		fclose(f);
		assert_int_equal(n, demo.files[i].data.len);
		assert_memory_equal(got, demo.files[i].data.data, n);
		free(got);
		unlink(path);
	}
	rmdir(dir);
	assert_int_equal(sim_write_oneroster_dir(demo.d, "/nonexistent-dir/sub"), EB_EIO);
}

static void test_invalid_params(void **state)
{
	struct sim_params p;
	struct sim_district *d = (struct sim_district *)1;
	sim_params_default(&p);
	p.students = 0;
	assert_int_equal(sim_district_build(&p, &d), EB_EINVAL);
	assert_null(d);
	sim_params_default(&p);
	p.students = 3; /* fewer students than schools */
	assert_int_equal(sim_district_build(&p, &d), EB_EINVAL);
	sim_params_default(&p);
	p.school_year = 1999;
	assert_int_equal(sim_district_build(&p, &d), EB_EINVAL);
	sim_params_default(&p);
	p.elementary_schools = -1;
	assert_int_equal(sim_district_build(&p, &d), EB_EINVAL);
	/* tiny but valid */
	sim_params_default(&p);
	p.students = 10;
	p.elementary_schools = 1;
	p.middle_schools = 1;
	assert_int_equal(sim_district_build(&p, &d), EB_OK);
	sim_district_free(d);
	/* more middle than elementary schools: some middle schools stay empty,
	 * and everything still writes and resolves */
	sim_params_default(&p);
	p.students = 400;
	p.elementary_schools = 1;
	p.middle_schools = 3;
	struct written w;
	written_build(&w, &p);
	struct sim_demo_people dp;
	assert_int_equal(sim_demo_people(w.d, &dp), EB_OK);
	assert_int_equal(w.t[F_ORGS].nrows, 5);
	written_free(&w);
	/* scaling */
	sim_params_scaled(&p, 350000);
	assert_int_equal(p.elementary_schools, 467);
	assert_int_equal(p.middle_schools, 130);
}

/* Miami-Dade size. Only with EDBRIDGE_LONG=1: writes ~325 MB in memory. */
static void test_long_350k(void **state)
{
	const char *env = getenv("EDBRIDGE_LONG");
	if (!env || strcmp(env, "1") != 0) {
		print_message(
			"skipped: set EDBRIDGE_LONG=1 to build the 350,000-student district\n");
		skip();
	}
	struct sim_params p;
	struct sim_district *d;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t n, total = 0;
	sim_params_scaled(&p, 350000);
	double t0 = time_mono();
	assert_int_equal(sim_district_build(&p, &d), EB_OK);
	double t1 = time_mono();
	assert_int_equal(sim_write_oneroster_mem(d, files, &n), EB_OK);
	double t2 = time_mono();
	for (size_t i = 0; i < n; i++)
		total += files[i].data.len;
	size_t n_stu, n_sch;
	sim_students(d, &n_stu);
	sim_schools(d, &n_sch);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	print_message("350k: build %.2f s, write %.2f s, %zu bytes, max rss %ld MiB\n", t1 - t0,
		      t2 - t1, total, ru.ru_maxrss / 1024);
	assert_int_equal(n_stu, 350000);
	assert_int_equal(n_sch, 597);
	assert_true(t2 - t0 < 60.0); /* generous: a slow CI box */
	assert_true(ru.ru_maxrss / 1024 < 2048);
	sim_csv_files_free(files, n);
	sim_district_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_class_membership),
		cmocka_unit_test(test_references_resolve),
		cmocka_unit_test(test_enrollments),
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_ground_truth_teachers),
		cmocka_unit_test(test_birthdates),
		cmocka_unit_test(test_demo_people),
		cmocka_unit_test(test_dir_matches_mem),
		cmocka_unit_test(test_invalid_params),
		cmocka_unit_test(test_long_350k),
	};
	return cmocka_run_group_tests(tests, setup_demo, teardown_demo);
}
