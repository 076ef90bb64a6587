/* district.h - the synthetic district simulator.
 *
 * sim_district_build() draws a whole district from a seed: schools, a school
 * year, math courses and classes, students with families and guardians,
 * teachers, principals and district staff, plus latent ground truth (each
 * student's ability and motivation, each teacher's tech enthusiasm) that
 * never leaves memory. The writers turn the model into OneRoster 1.2 bulk CSV
 * files (docs/simulator.md; columns as in the OneRoster column brief) either
 * on disk or in memory. The same seed and parameters give byte-identical
 * files; nothing reads the clock.
 *
 * Memory: a person is a small fixed-size record whose names point into static
 * tables (sim/names.h), so 350,000 students take tens of MiB; the disk writer
 * streams through a 1 MiB buffer. */
#ifndef EB_SIM_DISTRICT_H
#define EB_SIM_DISTRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "sim/names.h"

struct sim_params {
	uint64_t seed;
	int students;		/* target count; the result is exactly this */
	int elementary_schools; /* K-5; 0 = derive from students (~500 each) */
	int middle_schools;	/* 6-8; 0 = derive from students (~900 each) */
	int school_year;	/* year the school year ends: 2026 = 2025-2026 */
};

/* Fills p with the demo district: seed 1, 3,000 students, 4 elementary and
 * 2 middle schools, school year 2025-2026. */
void sim_params_default(struct sim_params *p);
/* Fills p for a district of `students` students with schools scaled as a
 * real district: ~500 per elementary, ~900 per middle school (350,000 gives
 * 467 elementary and 130 middle schools). Seed 1, school year 2025-2026. */
void sim_params_scaled(struct sim_params *p, int students);

#define SIM_ID_MAX 32	/* longest sourcedId plus NUL */
#define SIM_GRADE_MAX 8 /* grades K (0) .. 8 */

enum sim_school_kind { SIM_ELEMENTARY, SIM_MIDDLE };

enum sim_staff_kind {
	SIM_STAFF_PRINCIPAL,   /* role principal at their school */
	SIM_STAFF_COORDINATOR, /* district math coordinator: administrator at the district */
	SIM_STAFF_COACH,       /* district math coach: teacher at the district, no classes */
	SIM_STAFF_IT,	       /* district IT: systemAdministrator at the district */
};

enum sim_guardian_role { SIM_PARENT, SIM_GUARDIAN };

/* Read-only views of the model. Indices are 0-based; sourcedIds are made
 * by the sim_*_id() functions below from these indices. */
struct sim_school {
	enum sim_school_kind kind;
	int number;	   /* 1-based within kind: sch-e<number>, sch-m<number> */
	const char *place; /* place name; with name_round > 0 the name gets " <round+1>" */
	int name_round;
	int lo_grade, hi_grade;	      /* 0 = kindergarten */
	int first_class, nclasses;    /* range in the class array */
	int first_teacher, nteachers; /* range in the teacher array */
	int principal;		      /* index into the staff array */
	int tech_champion;	      /* index into the teacher array; -1 for a school
				 * left without students (more middle than
				 * elementary schools requested) */
	int nstudents;
};

struct sim_class {
	int school;
	int grade;
	int section; /* 1-based within school and grade */
	int period;  /* 1..7 for middle school sections; 0 for homerooms */
	int teacher;
	int first_member, nmembers; /* range in the member array (student indices) */
};

struct sim_student {
	int family;
	int school;
	int class_index; /* their one math class */
	int8_t grade;	 /* 0 = kindergarten */
	int8_t sex;	 /* enum sim_sex */
	bool english_learner, disability;
	int32_t birth_days; /* days since 1970-01-01 */
	const char *given, *family_name;
	char country[3]; /* ISO 3166 alpha-2 country of birth */
	/* ground truth: never written to CSV */
	double ability;	   /* standard normal */
	double motivation; /* standard normal, corr ~0.3 with ability */
};

/* Race and ethnicity flags of a family (shared by its children). */
struct sim_race {
	bool aian, asian, black, nhpi, white, two_or_more, hispanic;
};

struct sim_family {
	enum sim_lang lang;
	bool home_internet;
	struct sim_race race;
	int home_school;		/* elementary school of the neighbourhood */
	int first_child, nchildren;	/* range in the student array */
	int first_guardian, nguardians; /* range in the guardian array */
};

struct sim_guardian {
	int family;
	int8_t sex;
	int8_t role; /* enum sim_guardian_role */
	bool has_email, has_sms, has_phone;
	const char *given, *family_name;
	uint32_t phone; /* 7 digits after +1555 */
	uint8_t email_domain;
};

struct sim_teacher {
	int school;
	int8_t sex;
	const char *given, *family_name;
	bool tech_champion;	/* one per school: the demo gives them tech_champion */
	double tech_enthusiasm; /* ground truth in [0, 1] */
	int lo_grade, hi_grade; /* grades of the classes they teach */
};

struct sim_staff {
	enum sim_staff_kind kind;
	int number; /* 1-based within kind */
	int school; /* -1 for district staff */
	int8_t sex;
	const char *given, *family_name;
};

struct sim_district;

/* Builds the district for p. *out is owned by the caller (sim_district_free).
 * EB_EINVAL for parameters out of range (students 1..2,000,000, schools
 * 0..5,000, school_year 2000..2100, more schools than students); EB_ENOMEM. */
enum eb_err sim_district_build(const struct sim_params *p, struct sim_district **out);
void sim_district_free(struct sim_district *d);

/* The parameters the district was built with (schools filled in). */
const struct sim_params *sim_district_params(const struct sim_district *d);

/* Arrays of the model; *n gets the count. Valid until sim_district_free. */
const struct sim_school *sim_schools(const struct sim_district *d, size_t *n);
const struct sim_class *sim_classes(const struct sim_district *d, size_t *n);
const int *sim_class_members(const struct sim_district *d, size_t *n);
const struct sim_student *sim_students(const struct sim_district *d, size_t *n);
const struct sim_family *sim_families(const struct sim_district *d, size_t *n);
const struct sim_guardian *sim_guardians(const struct sim_district *d, size_t *n);
const struct sim_teacher *sim_teachers(const struct sim_district *d, size_t *n);
const struct sim_staff *sim_staff(const struct sim_district *d, size_t *n);

/* Ground-truth accessors by index (index must be in range). */
double sim_student_ability(const struct sim_district *d, size_t student);
double sim_student_motivation(const struct sim_district *d, size_t student);
double sim_teacher_tech_enthusiasm(const struct sim_district *d, size_t teacher);
bool sim_teacher_is_tech_champion(const struct sim_district *d, size_t teacher);

/* sourcedIds, written into out[SIM_ID_MAX]:
 * district "dist-1"; school "sch-e3"/"sch-m1"; class "cls-e1-g3-2"
 * (school, grade, section); student "stu-000123"; guardian "gdn-000456";
 * teacher "tch-0042"; staff "prn-e1" (principal of sch-e1), "stf-coord-1",
 * "stf-coach-2", "stf-it-1"; school year "sy-2026", terms "sem-2026-1/2";
 * course "crs-math-g3" (grade 0 = "crs-math-gk"). */
void sim_district_id(const struct sim_district *d, char out[SIM_ID_MAX]);
void sim_school_id(const struct sim_district *d, size_t school, char out[SIM_ID_MAX]);
void sim_class_id(const struct sim_district *d, size_t cls, char out[SIM_ID_MAX]);
void sim_student_id(size_t student, char out[SIM_ID_MAX]);
void sim_guardian_id(size_t guardian, char out[SIM_ID_MAX]);
void sim_teacher_id(size_t teacher, char out[SIM_ID_MAX]);
void sim_staff_id(const struct sim_district *d, size_t staff, char out[SIM_ID_MAX]);
void sim_course_id(int grade, char out[SIM_ID_MAX]);

/* A student's username and email exactly as users.csv writes them
 * ("maria.garcia.s123", "maria.garcia.s123@students.riverbend.example"),
 * from the student's index and names (struct sim_student given/family_name).
 * Truncated to cap bytes (96 / 160 always suffice). */
void sim_student_username(size_t student, const char *given, const char *family_name, char *out,
			  size_t cap);
void sim_student_email(size_t student, const char *given, const char *family_name, char *out,
		       size_t cap);

/* Index of the student with this sourcedId ("stu-000123" -> 122): EB_OK, or
 * EB_ENOTFOUND when it names no student of d. Same for teachers. */
enum eb_err sim_student_find(const struct sim_district *d, const char *sourced_id, size_t *index);
enum eb_err sim_teacher_find(const struct sim_district *d, const char *sourced_id, size_t *index);

/* One example person of each kind the demo creates a login for; all ids are
 * sourcedIds as written to the CSV files, stable for a seed. The student is
 * the guardian's first child; the teacher teaches that student's class; the
 * principal and tech champion work at that student's school. */
#define SIM_DEMO_CHILDREN 4
struct sim_demo_people {
	char district[SIM_ID_MAX];
	char district_admin[SIM_ID_MAX]; /* IT person #1 (systemAdministrator) */
	char coordinator[SIM_ID_MAX];
	char principal[SIM_ID_MAX], principal_school[SIM_ID_MAX];
	char coach[SIM_ID_MAX];
	char teacher[SIM_ID_MAX], teacher_class[SIM_ID_MAX], teacher_school[SIM_ID_MAX];
	char tech_champion[SIM_ID_MAX];
	char it_staff[SIM_ID_MAX]; /* IT person #2 */
	char guardian[SIM_ID_MAX];
	char children[SIM_DEMO_CHILDREN][SIM_ID_MAX];
	size_t nchildren;
	char student[SIM_ID_MAX], student_school[SIM_ID_MAX], student_class[SIM_ID_MAX];
};

/* Fills out. EB_ENOTFOUND when the district is too small to have a family
 * with two children (only possible for a handful of students). */
enum eb_err sim_demo_people(const struct sim_district *d, struct sim_demo_people *out);

/* The OneRoster files written, in this order: manifest.csv, orgs.csv,
 * academicSessions.csv, courses.csv, classes.csv, users.csv, roles.csv,
 * enrollments.csv, demographics.csv. */
#define SIM_CSV_FILE_COUNT 9
struct sim_csv_file {
	char name[32];	 /* "users.csv" */
	struct buf data; /* the whole file; max raised to 1 GiB */
};

/* Writes every file into files[0 .. SIM_CSV_FILE_COUNT); *n gets the count.
 * The caller frees with sim_csv_files_free() (also after an error).
 * EB_ENOMEM / EB_ETOOBIG from the buffers. */
enum eb_err sim_write_oneroster_mem(const struct sim_district *d,
				    struct sim_csv_file files[SIM_CSV_FILE_COUNT], size_t *n);
void sim_csv_files_free(struct sim_csv_file *files, size_t n);

/* Creates dir if missing (one level) and writes every file into it,
 * replacing files of the same names. EB_EIO with errno kept when a file
 * cannot be created or written. */
enum eb_err sim_write_oneroster_dir(const struct sim_district *d, const char *dir);

#endif
