/* bench_import - imports a generated OneRoster 1.1 district from memory.
 *
 * Default: 350,000 students, 5% staff (teachers), ~1.5 guardians per student,
 * 4 class enrollments per student, classes of ~25 with one teacher each.
 * Prints import_rows, import_seconds, import_rows_per_s, then the same for a
 * re-import of the identical files (nothing changes).
 * --v12 writes OneRoster 1.2 (roles.csv with one primary role per user; users
 * carry primaryOrgSourcedId, the 1.1 role column becomes metadata.role).
 * --lenient imports as `edbridge import oneroster` does since issue 17
 * (oneroster_import_files_opts with the default options: lenient, the
 * large-removal guard); without it, the strict call (all or nothing).
 * usage: bench_import [--students N] [--keep DBFILE] [--v12] [--lenient] */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rng.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "ingest/oneroster.h"
#include "store/db.h"

struct out {
	char *p;
	size_t n, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int w = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
		va_end(ap);
		if (w >= 0 && (size_t)w < o->cap - o->n) {
			o->n += (size_t)w;
			return;
		}
		size_t nc = o->cap ? o->cap * 2 : 1 << 20;
		char *np = realloc(o->p, nc);
		if (!np) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		o->p = np;
		o->cap = nc;
	}
}

static const char *const first[] = { "Ana",  "Ben",  "Chloe", "Diego", "Emma", "Farah", "Gus",
				     "Hana", "Ivan", "Jia",   "Kofi",  "Lena", "Mateo", "Nia" };
static const char *const last[] = { "Garcia",  "Nguyen", "Smith", "Khan",   "Lopez", "Okafor",
				    "Ivanova", "Chen",	 "Brown", "Haddad", "Silva", "Kim" };
static const char *const langs[] = { "en", "en", "en", "es", "es", "vi", "zh", "ar", "so" };

int main(int argc, char **argv)
{
	int64_t students = 350000;
	const char *keep = NULL;
	bool v12 = false, lenient = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--v12") == 0)
			v12 = true;
		else if (strcmp(argv[i], "--lenient") == 0)
			lenient = true;
		else if (i + 1 < argc && strcmp(argv[i], "--students") == 0)
			cstr_to_i64(argv[++i], 100, 10000000, &students);
		else if (i + 1 < argc && strcmp(argv[i], "--keep") == 0)
			keep = argv[++i];
	}
	struct rng rng;
	rng_seed(&rng, 42);
	int64_t per_school = 700, nschools = (students + per_school - 1) / per_school;
	int64_t teachers = students / 20, courses_per_school = 30, class_size = 25;
	int64_t enrol_per_student = 4;
	int64_t nclasses = students * enrol_per_student / class_size;
	int64_t classes_per_school = (nclasses + nschools - 1) / nschools;

	struct out f[8] = { 0 };
	enum { M, O, S, C, K, U, E, R };
	put(&f[M],
	    "propertyName,value\nmanifest.version,1.0\noneroster.version,%s\n"
	    "file.academicSessions,bulk\nfile.orgs,bulk\nfile.courses,bulk\n"
	    "file.classes,bulk\nfile.users,bulk\nfile.enrollments,bulk\n"
	    "file.demographics,absent\nfile.roles,%s\n",
	    v12 ? "1.2" : "1.1", v12 ? "bulk" : "absent");
	put(&f[R], "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,"
		   "endDate,orgSourcedId,userProfileSourcedId\n");
	put(&f[O], "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
		   "dist,active,2025-08-01,Bench District,district,D1,\n");
	for (int64_t s = 0; s < nschools; s++)
		put(&f[O], "sch%lld,active,2025-08-01,School %lld,school,S%lld,dist\n",
		    (long long)s, (long long)s, (long long)s);
	put(&f[S], "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
		   "parentSourcedId,schoolYear\n"
		   "y2026,active,2025-08-01,2025-26,schoolYear,2025-08-20,2026-06-10,,2026\n"
		   "t1,active,2025-08-01,Fall,term,2025-08-20,2025-12-19,y2026,2026\n"
		   "t2,active,2025-08-01,Spring,term,2026-01-05,2026-06-10,y2026,2026\n");
	put(&f[C], "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
		   "orgSourcedId,subjects,subjectCodes\n");
	for (int64_t s = 0; s < nschools; s++)
		for (int64_t c = 0; c < courses_per_school; c++)
			put(&f[C],
			    "crs%lld-%lld,active,2025-08-01,y2026,Course %lld,C%lld,07,sch%lld,"
			    "Math,\n",
			    (long long)s, (long long)c, (long long)c, (long long)c, (long long)s);
	put(&f[K],
	    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
	    "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n");
	for (int64_t k = 0; k < nclasses; k++) {
		int64_t s = k / classes_per_school;
		put(&f[K],
		    "cls%lld,active,2025-08-01,Class %lld,07,crs%lld-%lld,K%lld,scheduled,"
		    "R%lld,sch%lld,\"t1,t2\",,,%lld\n",
		    (long long)k, (long long)k, (long long)s, (long long)(k % courses_per_school),
		    (long long)k, (long long)(k % 40), (long long)s, (long long)(k % 7 + 1));
	}
	put(&f[U], "%s",
	    v12 ? "sourcedId,status,dateLastModified,enabledUser,primaryOrgSourcedId,"
		  "metadata.role,"
		: "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,");
	put(&f[U], "username,"
		   "userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
		   "agentSourcedIds,grades,password,metadata.homeLanguage,metadata.homeInternet,"
		   "metadata.englishLearner,metadata.disability\n");
	put(&f[E], "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
		   "userSourcedId,role,primary,beginDate,endDate\n");
	long nguard = 0, nenrol = 0;
	for (int64_t t = 0; t < teachers; t++) {
		int64_t s = t * nschools / teachers;
		put(&f[U],
		    "tch%lld,active,2025-08-01,true,sch%lld,teacher,t%lld,,%s,%s,,T%lld,"
		    "t%lld@bench.example,,,,,,,,,\n",
		    (long long)t, (long long)s, (long long)t, first[rng_below(&rng, 14)],
		    last[rng_below(&rng, 12)], (long long)t, (long long)t);
		if (v12)
			put(&f[R],
			    "r-tch%lld,active,2025-08-01,tch%lld,primary,teacher,,,sch%lld,\n",
			    (long long)t, (long long)t, (long long)s);
	}
	/* one teacher per class, from the class's school */
	for (int64_t k = 0; k < nclasses; k++) {
		int64_t s = k / classes_per_school;
		int64_t t0 = s * teachers / nschools, t1 = (s + 1) * teachers / nschools;
		int64_t t = t0 + (t1 > t0 ? (int64_t)rng_below(&rng, (uint64_t)(t1 - t0)) : 0);
		put(&f[E], "et%lld,active,2025-08-01,cls%lld,sch%lld,tch%lld,teacher,true,,\n",
		    (long long)k, (long long)k, (long long)s, (long long)t);
		nenrol++;
	}
	for (int64_t i = 0; i < students; i++) {
		int64_t s = i / per_school;
		int ng = rng_below(&rng, 2) ? 2 : 1; /* ~1.5 guardians per student */
		const char *fam = last[rng_below(&rng, 12)];
		const char *lang = langs[rng_below(&rng, 9)];
		char agents[64];
		if (ng == 2)
			snprintf(agents, sizeof agents, "\"g%lld-0,g%lld-1\"", (long long)i,
				 (long long)i);
		else
			snprintf(agents, sizeof agents, "g%lld-0", (long long)i);
		put(&f[U],
		    "stu%lld,active,2025-08-01,true,sch%lld,student,s%lld,,%s,%s,,S%lld,,,,%s,07,"
		    "pw%lld,%s,,%s,%s\n",
		    (long long)i, (long long)s, (long long)i, first[rng_below(&rng, 14)], fam,
		    (long long)i, agents, (long long)i, lang, rng_below(&rng, 8) ? "false" : "true",
		    rng_below(&rng, 7) ? "false" : "true");
		if (v12)
			put(&f[R],
			    "r-stu%lld,active,2025-08-01,stu%lld,primary,student,,,sch%lld,\n",
			    (long long)i, (long long)i, (long long)s);
		for (int g = 0; g < ng; g++) {
			put(&f[U],
			    "g%lld-%d,active,2025-08-01,true,sch%lld,%s,g%lld_%d,,%s,%s,,,"
			    "g%lld.%d@family.example,,555-0100,,,,%s,%s,,\n",
			    (long long)i, g, (long long)s, g ? "guardian" : "parent", (long long)i,
			    g, first[rng_below(&rng, 14)], fam, (long long)i, g, lang,
			    rng_below(&rng, 6) ? "true" : "false");
			if (v12)
				put(&f[R],
				    "r-g%lld-%d,active,2025-08-01,g%lld-%d,primary,%s,,,sch%lld,\n",
				    (long long)i, g, (long long)i, g, g ? "guardian" : "parent",
				    (long long)s);
			nguard++;
		}
		/* 4 classes in the student's school */
		int64_t k0 = s * classes_per_school, k1 = k0 + classes_per_school;
		if (k1 > nclasses)
			k1 = nclasses;
		for (int64_t e = 0; e < enrol_per_student && k1 > k0; e++) {
			int64_t k = k0 + ((i % per_school) * enrol_per_student + e) % (k1 - k0);
			put(&f[E],
			    "es%lld-%lld,active,2025-08-01,cls%lld,sch%lld,stu%lld,student,false,,"
			    "\n",
			    (long long)i, (long long)e, (long long)k, (long long)s, (long long)i);
			nenrol++;
		}
	}
	static const char *const names[] = { "manifest.csv",	     "orgs.csv",
					     "academicSessions.csv", "courses.csv",
					     "classes.csv",	     "users.csv",
					     "enrollments.csv",	     "roles.csv" };
	int nfiles = v12 ? 8 : 7;
	struct oneroster_file files[8];
	size_t bytes = 0;
	for (int i = 0; i < nfiles; i++) {
		files[i] = (struct oneroster_file){ names[i], f[i].p, f[i].n };
		bytes += f[i].n;
	}
	long rows = (long)(1 + nschools + 3 + nschools * courses_per_school + nclasses + teachers +
			   students + nguard + nenrol);
	if (v12)
		rows += (long)(teachers + students + nguard);

	char path[128];
	if (keep)
		snprintf(path, sizeof path, "%s", keep);
	else
		snprintf(path, sizeof path, "/tmp/bench_import_%d.db", (int)getpid());
	unlink(path);
	struct db *db;
	char err[200];
	int64_t d;
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench", &d)) {
		fprintf(stderr, "db: %s\n", err);
		return 1;
	}
	printf("mode: %s\n", lenient ? "lenient" : "strict");
	printf("students: %lld\nteachers: %lld\nguardians: %ld\nschools: %lld\nclasses: %lld\n"
	       "enrollments: %ld\ncsv_bytes: %zu\n",
	       (long long)students, (long long)teachers, nguard, (long long)nschools,
	       (long long)nclasses, nenrol, bytes);
	for (int pass = 0; pass < 2; pass++) {
		struct oneroster_report rep;
		oneroster_report_init(&rep);
		double t0 = time_mono();
		struct oneroster_options opts = { .removal_limit = 0.10 };
		enum eb_err rc =
			lenient ? oneroster_import_files_opts(db, d, files, (size_t)nfiles, &opts,
							      &rep)
				: oneroster_import_files(db, d, files, (size_t)nfiles, &rep);
		double dt = time_mono() - t0;
		if (rc) {
			oneroster_report_print(&rep, stderr, stderr);
			return 1;
		}
		long changed = 0;
		for (size_t i = 0; i < rep.nfiles; i++)
			changed += rep.files[i].added + rep.files[i].changed + rep.files[i].deleted;
		if (rep.naside || rep.nwaiting)
			printf("set_aside: %zu\nwaiting: %zu\n", rep.naside, rep.nwaiting);
		const char *pre = pass ? "reimport_" : "import_";
		printf("%srows: %ld\n%sseconds: %.2f\n%srows_per_s: %.0f\n%srows_changed: %ld\n",
		       pre, rows, pre, dt, pre, rows / dt, pre, changed);
		if (!pass)
			printf("guardianship_links: %ld\n", rep.guardians_added);
		oneroster_report_free(&rep);
	}
	db_close(db);
	if (!keep) {
		char p[160];
		unlink(path);
		snprintf(p, sizeof p, "%s-wal", path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", path);
		unlink(p);
	}
	for (int i = 0; i < 8; i++)
		free(f[i].p);
	return 0;
}
