/* district.c - builds the synthetic district and writes it as OneRoster 1.2. */
#include "sim/district.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/rng.h"
#include "base/str.h"
#include "base/timeutil.h"

#define SIM_GRADES (SIM_GRADE_MAX + 1)
#define ELEM_HI_GRADE 5
#define ELEM_TARGET 500	  /* students per elementary school when scaling */
#define MIDDLE_TARGET 900 /* students per middle school when scaling */
#define MAX_STUDENTS 2000000
#define MAX_SCHOOLS 5000
#define MIDDLE_SECTIONS_PER_TEACHER 5
#define DISTRICT_NAME "Riverbend Unified School District"
#define STAFF_DOMAIN "riverbend.example"
#define STUDENT_DOMAIN "students.riverbend.example"
#define MEM_FILE_MAX ((size_t)1 << 30)
#define DISK_FLUSH_AT ((size_t)1 << 20)

struct sim_district {
	struct sim_params p;
	struct sim_school *schools;
	size_t nschools;
	struct sim_class *classes;
	size_t nclasses;
	int *members; /* student indices, grouped by class */
	size_t nmembers;
	struct sim_student *students;
	size_t nstudents;
	struct sim_family *families;
	size_t nfamilies;
	struct sim_guardian *guardians;
	size_t nguardians;
	struct sim_teacher *teachers;
	size_t nteachers;
	struct sim_staff *staff;
	size_t nstaff;
	int coordinator, first_coach, ncoaches, first_it, nit;
	char modified[32]; /* dateLastModified of every row */
	char year_start[11], year_end[11], sem1_end[11], sem2_start[11];
};

void sim_params_default(struct sim_params *p)
{
	p->seed = 1;
	p->students = 3000;
	p->elementary_schools = 4;
	p->middle_schools = 2;
	p->school_year = 2026;
}

static int scaled_count(int students, int grades, int per_school)
{
	double n = (double)students * grades / SIM_GRADES / per_school;
	int k = (int)lround(n);
	return k < 1 ? 1 : k;
}

void sim_params_scaled(struct sim_params *p, int students)
{
	sim_params_default(p);
	p->students = students;
	p->elementary_schools = scaled_count(students, ELEM_HI_GRADE + 1, ELEM_TARGET);
	p->middle_schools = scaled_count(students, SIM_GRADE_MAX - ELEM_HI_GRADE, MIDDLE_TARGET);
}

/* ---- ids ---- */

static const char *const grade_letter_buf[SIM_GRADES] = {
	"k", "1", "2", "3", "4", "5", "6", "7", "8",
};

static const char *grade_code(int g)
{
	static const char *const codes[SIM_GRADES] = {
		"KG", "01", "02", "03", "04", "05", "06", "07", "08",
	};
	return codes[g];
}

void sim_district_id(const struct sim_district *d, char out[SIM_ID_MAX])
{
	(void)d;
	snprintf(out, SIM_ID_MAX, "dist-1");
}

static char school_letter(const struct sim_school *s)
{
	return s->kind == SIM_ELEMENTARY ? 'e' : 'm';
}

void sim_school_id(const struct sim_district *d, size_t school, char out[SIM_ID_MAX])
{
	const struct sim_school *s = &d->schools[school];
	snprintf(out, SIM_ID_MAX, "sch-%c%d", school_letter(s), s->number);
}

void sim_class_id(const struct sim_district *d, size_t cls, char out[SIM_ID_MAX])
{
	const struct sim_class *c = &d->classes[cls];
	const struct sim_school *s = &d->schools[c->school];
	snprintf(out, SIM_ID_MAX, "cls-%c%d-g%s-%d", school_letter(s), s->number,
		 grade_letter_buf[c->grade], c->section);
}

void sim_student_id(size_t student, char out[SIM_ID_MAX])
{
	snprintf(out, SIM_ID_MAX, "stu-%06zu", student + 1);
}

void sim_guardian_id(size_t guardian, char out[SIM_ID_MAX])
{
	snprintf(out, SIM_ID_MAX, "gdn-%06zu", guardian + 1);
}

void sim_teacher_id(size_t teacher, char out[SIM_ID_MAX])
{
	snprintf(out, SIM_ID_MAX, "tch-%04zu", teacher + 1);
}

void sim_staff_id(const struct sim_district *d, size_t staff, char out[SIM_ID_MAX])
{
	const struct sim_staff *s = &d->staff[staff];
	switch (s->kind) {
	case SIM_STAFF_PRINCIPAL: {
		const struct sim_school *sc = &d->schools[s->school];
		snprintf(out, SIM_ID_MAX, "prn-%c%d", school_letter(sc), sc->number);
		return;
	}
	case SIM_STAFF_COORDINATOR:
		snprintf(out, SIM_ID_MAX, "stf-coord-%d", s->number);
		return;
	case SIM_STAFF_COACH:
		snprintf(out, SIM_ID_MAX, "stf-coach-%d", s->number);
		return;
	case SIM_STAFF_IT:
		snprintf(out, SIM_ID_MAX, "stf-it-%d", s->number);
		return;
	}
	out[0] = '\0';
}

void sim_course_id(int grade, char out[SIM_ID_MAX])
{
	if (grade < 0 || grade > SIM_GRADE_MAX) {
		out[0] = '\0';
		return;
	}
	snprintf(out, SIM_ID_MAX, "crs-math-g%s", grade_letter_buf[grade]);
}

static enum eb_err find_numbered(const char *id, const char *prefix, size_t count, size_t *index)
{
	size_t n = strlen(prefix);
	int64_t v;
	if (!id || strncmp(id, prefix, n) != 0)
		return EB_ENOTFOUND;
	if (cstr_to_i64(id + n, 1, (int64_t)count, &v))
		return EB_ENOTFOUND;
	*index = (size_t)(v - 1);
	return EB_OK;
}

enum eb_err sim_student_find(const struct sim_district *d, const char *sourced_id, size_t *index)
{
	size_t i;
	char check[SIM_ID_MAX];
	if (find_numbered(sourced_id, "stu-", d->nstudents, &i))
		return EB_ENOTFOUND;
	sim_student_id(i, check); /* reject "stu-1" for "stu-000001" */
	if (strcmp(check, sourced_id) != 0)
		return EB_ENOTFOUND;
	*index = i;
	return EB_OK;
}

enum eb_err sim_teacher_find(const struct sim_district *d, const char *sourced_id, size_t *index)
{
	size_t i;
	char check[SIM_ID_MAX];
	if (find_numbered(sourced_id, "tch-", d->nteachers, &i))
		return EB_ENOTFOUND;
	sim_teacher_id(i, check);
	if (strcmp(check, sourced_id) != 0)
		return EB_ENOTFOUND;
	*index = i;
	return EB_OK;
}

/* ---- accessors ---- */

const struct sim_params *sim_district_params(const struct sim_district *d)
{
	return &d->p;
}

#define ACCESSOR(fn, type, arr, cnt)                                                               \
	const type *fn(const struct sim_district *d, size_t *n)                                    \
	{                                                                                          \
		*n = d->cnt;                                                                       \
		return d->arr;                                                                     \
	}
ACCESSOR(sim_schools, struct sim_school, schools, nschools)
ACCESSOR(sim_classes, struct sim_class, classes, nclasses)
ACCESSOR(sim_class_members, int, members, nmembers)
ACCESSOR(sim_students, struct sim_student, students, nstudents)
ACCESSOR(sim_families, struct sim_family, families, nfamilies)
ACCESSOR(sim_guardians, struct sim_guardian, guardians, nguardians)
ACCESSOR(sim_teachers, struct sim_teacher, teachers, nteachers)
ACCESSOR(sim_staff, struct sim_staff, staff, nstaff)

double sim_student_ability(const struct sim_district *d, size_t student)
{
	return d->students[student].ability;
}

double sim_student_motivation(const struct sim_district *d, size_t student)
{
	return d->students[student].motivation;
}

double sim_teacher_tech_enthusiasm(const struct sim_district *d, size_t teacher)
{
	return d->teachers[teacher].tech_enthusiasm;
}

bool sim_teacher_is_tech_champion(const struct sim_district *d, size_t teacher)
{
	return d->teachers[teacher].tech_champion;
}

/* ---- build ---- */

void sim_district_free(struct sim_district *d)
{
	if (!d)
		return;
	free(d->schools);
	free(d->classes);
	free(d->members);
	free(d->students);
	free(d->families);
	free(d->guardians);
	free(d->teachers);
	free(d->staff);
	free(d);
}

static void format_date(int32_t days, char out[11])
{
	int y;
	unsigned m, dd;
	civil_from_days(days, &y, &m, &dd);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, dd);
}

/* Race and ethnicity of a family, drawn from rough shares by home language. */
static void draw_race(struct rng *r, enum sim_lang lang, struct sim_race *race)
{
	memset(race, 0, sizeof(*race));
	double u = rng_uniform(r);
	switch (lang) {
	case SIM_LANG_ES:
		race->hispanic = true;
		if (u < 0.70)
			race->white = true;
		else if (u < 0.82)
			race->black = true;
		else if (u < 0.88)
			race->aian = true;
		else
			race->two_or_more = true;
		break;
	case SIM_LANG_ZH:
	case SIM_LANG_VI:
	case SIM_LANG_KO:
	case SIM_LANG_TL:
		race->asian = true;
		break;
	case SIM_LANG_HT:
		race->black = true;
		break;
	case SIM_LANG_PT:
		if (u < 0.65)
			race->white = true;
		else if (u < 0.85)
			race->two_or_more = true;
		else
			race->black = true;
		race->hispanic = false;
		break;
	case SIM_LANG_AR:
	case SIM_LANG_RU:
		race->white = true; /* federal categories count MENA and Slavic as white */
		break;
	default:
		race->hispanic = rng_bernoulli(r, 0.12);
		if (u < 0.52)
			race->white = true;
		else if (u < 0.80)
			race->black = true;
		else if (u < 0.86)
			race->asian = true;
		else if (u < 0.88)
			race->aian = true;
		else if (u < 0.89)
			race->nhpi = true;
		else
			race->two_or_more = true;
		break;
	}
	if (race->two_or_more) {
		/* two flags set alongside the summary flag */
		race->white = true;
		if (rng_bernoulli(r, 0.5))
			race->black = true;
		else
			race->asian = true;
	}
}

/* Birth date of a child in grade g: age 5 + g on September 1 of the year the
 * school year starts (kindergarten turns 5 by Sep 1); ~3 % were held back a
 * year and are one year older. */
static int32_t draw_birth(struct rng *r, int start_year, int grade)
{
	int y = start_year - 6 - grade;
	if (rng_bernoulli(r, 0.03))
		y -= 1;
	int32_t from = days_from_civil(y, 9, 2);
	int32_t to = days_from_civil(y + 1, 9, 1);
	return from + (int32_t)rng_below(r, (uint64_t)(to - from + 1));
}

/* Bates(3): bell-shaped on [0, 1]. */
static double draw_enthusiasm(struct rng *r)
{
	return (rng_uniform(r) + rng_uniform(r) + rng_uniform(r)) / 3.0;
}

static int draw_weighted(struct rng *r, const double *cum, int n)
{
	double u = rng_uniform(r) * cum[n - 1];
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (u < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void make_guardian(struct rng *r, struct sim_guardian *g, int family,
			  const struct sim_family *f, const char *family_name, enum sim_sex sex)
{
	g->family = family;
	g->sex = (int8_t)sex;
	g->role = rng_bernoulli(r, 0.92) ? SIM_PARENT : SIM_GUARDIAN;
	g->given = sim_name_given(r, f->lang, sex);
	g->family_name = family_name;
	g->has_email = rng_bernoulli(r, f->home_internet ? 0.95 : 0.45);
	g->has_phone = rng_bernoulli(r, 0.93);
	g->has_sms = g->has_phone && rng_bernoulli(r, 0.90);
	g->phone = (uint32_t)(2000000 + rng_below(r, 8000000));
	g->email_domain = (uint8_t)rng_below(r, 4);
}

static enum eb_err build_families(struct sim_district *d, struct rng *r, const double *cum_elem)
{
	const struct sim_params *p = &d->p;
	int start_year = p->school_year - 1;
	size_t ns = 0;
	while (ns < (size_t)p->students) {
		size_t fi = d->nfamilies++;
		struct sim_family *f = &d->families[fi];
		f->lang = sim_lang_draw(r);
		f->home_internet = !rng_bernoulli(r, f->lang == SIM_LANG_EN ? 0.09 : 0.19);
		draw_race(r, f->lang, &f->race);
		f->home_school = draw_weighted(r, cum_elem, p->elementary_schools);
		double u = rng_uniform(r);
		int kids = u < 0.80 ? 1 : u < 0.95 ? 2 : u < 0.99 ? 3 : 4;
		if ((size_t)kids > (size_t)p->students - ns)
			kids = (int)((size_t)p->students - ns);
		const char *family_name = sim_name_family(r, f->lang);

		f->first_guardian = (int)d->nguardians;
		f->nguardians = rng_bernoulli(r, 0.6) ? 2 : 1;
		enum sim_sex s1 = rng_bernoulli(r, 0.75) ? SIM_FEMALE : SIM_MALE;
		make_guardian(r, &d->guardians[d->nguardians++], (int)fi, f, family_name, s1);
		if (f->nguardians == 2) {
			enum sim_sex s2 = rng_bernoulli(r, 0.9)
						  ? (s1 == SIM_FEMALE ? SIM_MALE : SIM_FEMALE)
						  : s1;
			const char *fam2 = rng_bernoulli(r, 0.8) ? family_name
								 : sim_name_family(r, f->lang);
			make_guardian(r, &d->guardians[d->nguardians++], (int)fi, f, fam2, s2);
		}

		f->first_child = (int)ns;
		f->nchildren = kids;
		bool used[SIM_GRADES] = { false };
		for (int k = 0; k < kids; k++) {
			struct sim_student *st = &d->students[ns++];
			int g;
			do
				g = (int)rng_below(r, SIM_GRADES);
			while (used[g]);
			used[g] = true;
			st->family = (int)fi;
			st->grade = (int8_t)g;
			st->sex = (int8_t)(rng_bernoulli(r, 0.5) ? SIM_FEMALE : SIM_MALE);
			st->given = sim_name_given(r, f->lang, (enum sim_sex)st->sex);
			st->family_name = family_name;
			st->english_learner =
				rng_bernoulli(r, f->lang == SIM_LANG_EN ? 0.01 : 0.40);
			st->disability = rng_bernoulli(r, 0.13);
			st->birth_days = draw_birth(r, start_year, g);
			bool abroad = st->english_learner && f->lang != SIM_LANG_EN &&
				      rng_bernoulli(r, 0.5);
			str_copy(st->country, sizeof(st->country),
				 abroad ? sim_lang_country(f->lang) : "US");
			st->ability = rng_normal(r);
			st->motivation = 0.3 * st->ability + sqrt(1.0 - 0.09) * rng_normal(r);
			if (g <= ELEM_HI_GRADE)
				st->school = f->home_school;
			else
				st->school = p->elementary_schools +
					     (int)((int64_t)f->home_school * p->middle_schools /
						   p->elementary_schools);
			st->class_index = -1;
		}
	}
	return EB_OK;
}

static int sections_for(int n, enum sim_school_kind kind)
{
	int target = kind == SIM_ELEMENTARY ? 23 : 27;
	int most = kind == SIM_ELEMENTARY ? 26 : 30;
	if (n <= 0)
		return 0;
	int k = (int)lround((double)n / target);
	if (k < 1)
		k = 1;
	while ((n + k - 1) / k > most)
		k++;
	return k;
}

static void init_school(struct sim_school *s, enum sim_school_kind kind, int number,
			size_t place_index)
{
	size_t round;
	s->kind = kind;
	s->number = number;
	s->place = sim_name_place(place_index, &round);
	s->name_round = (int)round;
	s->lo_grade = kind == SIM_ELEMENTARY ? 0 : ELEM_HI_GRADE + 1;
	s->hi_grade = kind == SIM_ELEMENTARY ? ELEM_HI_GRADE : SIM_GRADE_MAX;
	s->principal = -1;
	s->tech_champion = -1;
}

static void make_teacher(struct rng *r, struct sim_teacher *t, int school,
			 enum sim_school_kind kind, int grade)
{
	enum sim_lang lang = sim_lang_draw(r);
	t->school = school;
	t->sex = (int8_t)(rng_bernoulli(r, kind == SIM_ELEMENTARY ? 0.85 : 0.65) ? SIM_FEMALE
										 : SIM_MALE);
	t->given = sim_name_given(r, lang, (enum sim_sex)t->sex);
	t->family_name = sim_name_family(r, lang);
	t->tech_champion = false;
	t->tech_enthusiasm = draw_enthusiasm(r);
	t->lo_grade = t->hi_grade = grade;
}

static void make_staff(struct rng *r, struct sim_staff *s, enum sim_staff_kind kind, int number,
		       int school)
{
	enum sim_lang lang = sim_lang_draw(r);
	s->kind = kind;
	s->number = number;
	s->school = school;
	s->sex = (int8_t)(rng_bernoulli(r, 0.6) ? SIM_FEMALE : SIM_MALE);
	s->given = sim_name_given(r, lang, (enum sim_sex)s->sex);
	s->family_name = sim_name_family(r, lang);
}

/* Groups students by school and grade, shuffles each group, and cuts it into
 * sections; elementary sections are homerooms with their own teacher, middle
 * school sections go to teachers five at a time, one per period. */
static enum eb_err build_classes(struct sim_district *d, struct rng *r)
{
	size_t nb = d->nschools * SIM_GRADES;
	size_t *start = calloc(nb + 1, sizeof(*start));
	size_t *fill = calloc(nb, sizeof(*fill));
	enum eb_err rc = EB_ENOMEM;
	if (!start || !fill)
		goto out;
	for (size_t i = 0; i < d->nstudents; i++)
		start[(size_t)d->students[i].school * SIM_GRADES + (size_t)d->students[i].grade +
		      1]++;
	for (size_t b = 0; b < nb; b++)
		start[b + 1] += start[b];
	for (size_t i = 0; i < d->nstudents; i++) {
		size_t b =
			(size_t)d->students[i].school * SIM_GRADES + (size_t)d->students[i].grade;
		d->members[start[b] + fill[b]++] = (int)i;
	}
	d->nmembers = d->nstudents;

	size_t total = 0;
	for (size_t b = 0; b < nb; b++)
		total += (size_t)sections_for((int)(start[b + 1] - start[b]),
					      d->schools[b / SIM_GRADES].kind);
	d->classes = calloc(total ? total : 1, sizeof(*d->classes));
	d->teachers = calloc(total ? total : 1, sizeof(*d->teachers));
	if (!d->classes || !d->teachers)
		goto out;

	for (size_t si = 0; si < d->nschools; si++) {
		struct sim_school *s = &d->schools[si];
		s->first_class = (int)d->nclasses;
		s->first_teacher = (int)d->nteachers;
		int taught = 0, shift = 0;
		for (int g = s->lo_grade; g <= s->hi_grade; g++) {
			size_t b = si * SIM_GRADES + (size_t)g;
			size_t n = start[b + 1] - start[b];
			int *grp = d->members + start[b];
			for (size_t i = n; i > 1; i--) {
				size_t j = rng_below(r, i);
				int t = grp[i - 1];
				grp[i - 1] = grp[j];
				grp[j] = t;
			}
			int k = sections_for((int)n, s->kind);
			size_t at = 0;
			for (int sec = 0; sec < k; sec++) {
				size_t size = n / (size_t)k + ((size_t)sec < n % (size_t)k ? 1 : 0);
				size_t ci = d->nclasses++;
				struct sim_class *c = &d->classes[ci];
				c->school = (int)si;
				c->grade = g;
				c->section = sec + 1;
				c->first_member = (int)(start[b] + at);
				c->nmembers = (int)size;
				for (size_t m = 0; m < size; m++)
					d->students[grp[at + m]].class_index = (int)ci;
				at += size;
				if (s->kind == SIM_ELEMENTARY || taught == 0) {
					make_teacher(r, &d->teachers[d->nteachers++], (int)si,
						     s->kind, g);
					shift = (int)rng_below(r, 3);
				}
				struct sim_teacher *t = &d->teachers[d->nteachers - 1];
				if (g > t->hi_grade)
					t->hi_grade = g;
				c->teacher = (int)d->nteachers - 1;
				if (s->kind == SIM_MIDDLE) {
					c->period = 1 + taught + shift; /* 1..7 */
					taught = (taught + 1) % MIDDLE_SECTIONS_PER_TEACHER;
				}
			}
			s->nstudents += (int)n;
		}
		s->nclasses = (int)d->nclasses - s->first_class;
		s->nteachers = (int)d->nteachers - s->first_teacher;
		double best = -1.0;
		for (int t = s->first_teacher; t < s->first_teacher + s->nteachers; t++) {
			if (d->teachers[t].tech_enthusiasm > best) {
				best = d->teachers[t].tech_enthusiasm;
				s->tech_champion = t;
			}
		}
		if (s->tech_champion >= 0)
			d->teachers[s->tech_champion].tech_champion = true;
	}
	rc = EB_OK;
out:
	free(start);
	free(fill);
	return rc;
}

static enum eb_err check_params(const struct sim_params *in, struct sim_params *p)
{
	*p = *in;
	if (p->students < 1 || p->students > MAX_STUDENTS)
		return EB_EINVAL;
	if (p->school_year < 2000 || p->school_year > 2100)
		return EB_EINVAL;
	if (p->elementary_schools < 0 || p->elementary_schools > MAX_SCHOOLS ||
	    p->middle_schools < 0 || p->middle_schools > MAX_SCHOOLS)
		return EB_EINVAL;
	if (p->elementary_schools == 0)
		p->elementary_schools = scaled_count(p->students, ELEM_HI_GRADE + 1, ELEM_TARGET);
	if (p->middle_schools == 0)
		p->middle_schools =
			scaled_count(p->students, SIM_GRADE_MAX - ELEM_HI_GRADE, MIDDLE_TARGET);
	if (p->elementary_schools + p->middle_schools > p->students)
		return EB_EINVAL;
	return EB_OK;
}

enum eb_err sim_district_build(const struct sim_params *params, struct sim_district **out)
{
	struct sim_district *d;
	struct rng r;
	double *cum = NULL;
	enum eb_err rc;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return EB_ENOMEM;
	rc = check_params(params, &d->p);
	if (rc)
		goto fail;
	const struct sim_params *p = &d->p;
	rng_seed(&r, p->seed);

	int start_year = p->school_year - 1;
	snprintf(d->modified, sizeof(d->modified), "%04d-08-01T00:00:00.000Z", start_year);
	format_date(days_from_civil(start_year, 8, 18), d->year_start);
	format_date(days_from_civil(start_year + 1, 1, 16), d->sem1_end);
	format_date(days_from_civil(start_year + 1, 1, 20), d->sem2_start);
	format_date(days_from_civil(p->school_year, 6, 5), d->year_end);

	rc = EB_ENOMEM;
	d->nschools = (size_t)(p->elementary_schools + p->middle_schools);
	size_t ns = (size_t)p->students;
	d->schools = calloc(d->nschools, sizeof(*d->schools));
	d->students = calloc(ns, sizeof(*d->students));
	d->families = calloc(ns, sizeof(*d->families));
	d->guardians = calloc(2 * ns, sizeof(*d->guardians));
	d->members = calloc(ns, sizeof(*d->members));
	cum = calloc((size_t)p->elementary_schools, sizeof(*cum));
	if (!d->schools || !d->students || !d->families || !d->guardians || !d->members || !cum)
		goto fail;

	double acc = 0.0;
	for (int e = 0; e < p->elementary_schools; e++) {
		init_school(&d->schools[e], SIM_ELEMENTARY, e + 1, (size_t)e);
		acc += 0.75 + 0.5 * rng_uniform(&r); /* schools differ in size */
		cum[e] = acc;
	}
	for (int m = 0; m < p->middle_schools; m++)
		init_school(&d->schools[p->elementary_schools + m], SIM_MIDDLE, m + 1,
			    (size_t)m + 31);

	d->nstudents = ns;
	rc = build_families(d, &r, cum);
	if (rc)
		goto fail;
	rc = build_classes(d, &r);
	if (rc)
		goto fail;

	/* principals, one coordinator, coaches (3; one per 8 schools in a big
	 * district), two IT staff */
	int ncoaches = d->nschools <= 24 ? 3 : (int)(d->nschools / 8);
	d->staff = calloc(d->nschools + 1 + (size_t)ncoaches + 2, sizeof(*d->staff));
	rc = EB_ENOMEM;
	if (!d->staff)
		goto fail;
	for (size_t si = 0; si < d->nschools; si++) {
		d->schools[si].principal = (int)d->nstaff;
		make_staff(&r, &d->staff[d->nstaff++], SIM_STAFF_PRINCIPAL, d->schools[si].number,
			   (int)si);
	}
	d->coordinator = (int)d->nstaff;
	make_staff(&r, &d->staff[d->nstaff++], SIM_STAFF_COORDINATOR, 1, -1);
	d->first_coach = (int)d->nstaff;
	d->ncoaches = ncoaches;
	for (int i = 0; i < ncoaches; i++)
		make_staff(&r, &d->staff[d->nstaff++], SIM_STAFF_COACH, i + 1, -1);
	d->first_it = (int)d->nstaff;
	d->nit = 2;
	for (int i = 0; i < 2; i++)
		make_staff(&r, &d->staff[d->nstaff++], SIM_STAFF_IT, i + 1, -1);

	free(cum);
	*out = d;
	return EB_OK;
fail:
	free(cum);
	sim_district_free(d);
	return rc;
}

/* ---- demo people ---- */

enum eb_err sim_demo_people(const struct sim_district *d, struct sim_demo_people *out)
{
	memset(out, 0, sizeof(*out));
	if (d->nfamilies == 0 || d->nstaff == 0)
		return EB_ENOTFOUND;
	/* first family with two or more children whose first child's teacher is
	 * not the tech champion (so the demo logins are distinct people) */
	size_t pick = d->nfamilies;
	for (size_t f = 0; f < d->nfamilies && pick == d->nfamilies; f++) {
		const struct sim_family *fam = &d->families[f];
		if (fam->nchildren < 2)
			continue;
		const struct sim_student *st = &d->students[fam->first_child];
		if (!d->teachers[d->classes[st->class_index].teacher].tech_champion)
			pick = f;
	}
	if (pick == d->nfamilies)
		return EB_ENOTFOUND;
	const struct sim_family *fam = &d->families[pick];
	size_t si = (size_t)fam->first_child;
	const struct sim_student *st = &d->students[si];
	const struct sim_class *c = &d->classes[st->class_index];
	const struct sim_school *school = &d->schools[st->school];

	sim_district_id(d, out->district);
	sim_staff_id(d, (size_t)d->first_it, out->district_admin);
	sim_staff_id(d, (size_t)d->first_it + 1, out->it_staff);
	sim_staff_id(d, (size_t)d->coordinator, out->coordinator);
	sim_staff_id(d, (size_t)d->first_coach, out->coach);
	sim_staff_id(d, (size_t)school->principal, out->principal);
	sim_school_id(d, (size_t)st->school, out->principal_school);
	sim_teacher_id((size_t)c->teacher, out->teacher);
	sim_class_id(d, (size_t)st->class_index, out->teacher_class);
	sim_school_id(d, (size_t)st->school, out->teacher_school);
	sim_teacher_id((size_t)school->tech_champion, out->tech_champion);
	sim_guardian_id((size_t)fam->first_guardian, out->guardian);
	for (int k = 0; k < fam->nchildren && out->nchildren < SIM_DEMO_CHILDREN; k++)
		sim_student_id((size_t)(fam->first_child + k), out->children[out->nchildren++]);
	sim_student_id(si, out->student);
	sim_school_id(d, (size_t)st->school, out->student_school);
	sim_class_id(d, (size_t)st->class_index, out->student_class);
	return EB_OK;
}

/* ---- OneRoster writers ----
 *
 * A sink is a buffer, optionally drained into a file whenever it passes
 * DISK_FLUSH_AT, so writing to disk needs 1 MiB whatever the district size. */

struct sink {
	struct buf b;
	FILE *f;
	enum eb_err err;
};

static void sink_flush(struct sink *s)
{
	if (!s->f || s->err)
		return;
	if (buf_failed(&s->b)) {
		s->err = s->b.err;
		return;
	}
	if (s->b.len && fwrite(s->b.data, 1, s->b.len, s->f) != s->b.len)
		s->err = EB_EIO;
	buf_reset(&s->b);
}

/* One CSV cell followed by a comma; quoted only when it must be. */
static void cell(struct buf *b, const char *v)
{
	if (!v || !*v) {
		buf_putc(b, ',');
		return;
	}
	if (!strpbrk(v, ",\"\r\n")) {
		buf_puts(b, v);
		buf_putc(b, ',');
		return;
	}
	buf_putc(b, '"');
	for (const char *q = v; *q; q++) {
		if (*q == '"')
			buf_putc(b, '"');
		buf_putc(b, *q);
	}
	buf_puts(b, "\",");
}

static void cellb(struct buf *b, bool v)
{
	cell(b, v ? "true" : "false");
}

/* Turns the trailing comma of the row into its line end. */
static void end_row(struct sink *s)
{
	if (!buf_failed(&s->b) && s->b.len && s->b.data[s->b.len - 1] == ',')
		s->b.data[s->b.len - 1] = '\n';
	if (s->f && s->b.len >= DISK_FLUSH_AT)
		sink_flush(s);
}

static void header(struct sink *s, const char *line)
{
	buf_puts(&s->b, line);
	buf_putc(&s->b, '\n');
}

/* Starts a row: sourcedId, status, dateLastModified. */
static void row_start(struct sink *s, const struct sim_district *d, const char *id)
{
	cell(&s->b, id);
	cell(&s->b, "active");
	cell(&s->b, d->modified);
}

static void write_manifest(const struct sim_district *d, struct sink *s)
{
	static const char *const rows[][2] = {
		{ "manifest.version", "1.0" },
		{ "oneroster.version", "1.2" },
		{ "file.academicSessions", "bulk" },
		{ "file.categories", "absent" },
		{ "file.classes", "bulk" },
		{ "file.classResources", "absent" },
		{ "file.courses", "bulk" },
		{ "file.courseResources", "absent" },
		{ "file.demographics", "bulk" },
		{ "file.enrollments", "bulk" },
		{ "file.lineItems", "absent" },
		{ "file.orgs", "bulk" },
		{ "file.resources", "absent" },
		{ "file.results", "absent" },
		{ "file.users", "bulk" },
		{ "file.roles", "bulk" },
		{ "file.userProfiles", "absent" },
		{ "source.systemName", "edbridge-sim" },
	};
	header(s, "propertyName,value");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cell(&s->b, rows[i][0]);
		cell(&s->b, rows[i][1]);
		end_row(s);
	}
	char code[40];
	snprintf(code, sizeof(code), "seed-%llu", (unsigned long long)d->p.seed);
	cell(&s->b, "source.systemCode");
	cell(&s->b, code);
	end_row(s);
}

static void school_name(const struct sim_school *sc, char *out, size_t cap)
{
	const char *kind = sc->kind == SIM_ELEMENTARY ? "Elementary" : "Middle School";
	if (sc->name_round)
		snprintf(out, cap, "%s %s %d", sc->place, kind, sc->name_round + 1);
	else
		snprintf(out, cap, "%s %s", sc->place, kind);
}

static void write_orgs(const struct sim_district *d, struct sink *s)
{
	char dist[SIM_ID_MAX], id[SIM_ID_MAX], name[96], ident[16];
	sim_district_id(d, dist);
	header(s, "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId");
	row_start(s, d, dist);
	cell(&s->b, DISTRICT_NAME);
	cell(&s->b, "district");
	cell(&s->b, "RUSD");
	cell(&s->b, "");
	end_row(s);
	for (size_t i = 0; i < d->nschools; i++) {
		const struct sim_school *sc = &d->schools[i];
		sim_school_id(d, i, id);
		school_name(sc, name, sizeof(name));
		snprintf(ident, sizeof(ident), "%c%04d", sc->kind == SIM_ELEMENTARY ? 'E' : 'M',
			 sc->number);
		row_start(s, d, id);
		cell(&s->b, name);
		cell(&s->b, "school");
		cell(&s->b, ident);
		cell(&s->b, dist);
		end_row(s);
	}
}

static void year_id(const struct sim_district *d, char out[SIM_ID_MAX])
{
	snprintf(out, SIM_ID_MAX, "sy-%d", d->p.school_year);
}

static void term_id(const struct sim_district *d, int sem, char out[SIM_ID_MAX])
{
	snprintf(out, SIM_ID_MAX, "sem-%d-%d", d->p.school_year, sem);
}

static void write_sessions(const struct sim_district *d, struct sink *s)
{
	char sy[SIM_ID_MAX], id[SIM_ID_MAX], title[64], year[16];
	int y = d->p.school_year;
	year_id(d, sy);
	snprintf(year, sizeof(year), "%d", y);
	header(s, "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
		  "schoolYear");
	snprintf(title, sizeof(title), "%d-%d", y - 1, y);
	row_start(s, d, sy);
	cell(&s->b, title);
	cell(&s->b, "schoolYear");
	cell(&s->b, d->year_start);
	cell(&s->b, d->year_end);
	cell(&s->b, "");
	cell(&s->b, year);
	end_row(s);
	for (int sem = 1; sem <= 2; sem++) {
		term_id(d, sem, id);
		snprintf(title, sizeof(title), "%s Semester %d-%d", sem == 1 ? "Fall" : "Spring",
			 y - 1, y);
		row_start(s, d, id);
		cell(&s->b, title);
		cell(&s->b, "semester");
		cell(&s->b, sem == 1 ? d->year_start : d->sem2_start);
		cell(&s->b, sem == 1 ? d->sem1_end : d->year_end);
		cell(&s->b, sy);
		cell(&s->b, year);
		end_row(s);
	}
}

static void grade_title(int g, char *out, size_t cap)
{
	if (g == 0)
		snprintf(out, cap, "Kindergarten");
	else
		snprintf(out, cap, "Grade %d", g);
}

static void write_courses(const struct sim_district *d, struct sink *s)
{
	char id[SIM_ID_MAX], sy[SIM_ID_MAX], dist[SIM_ID_MAX], title[64], gt[24], code[24];
	year_id(d, sy);
	sim_district_id(d, dist);
	header(s, "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
		  "orgSourcedId,subjects,subjectCodes");
	for (int g = 0; g <= SIM_GRADE_MAX; g++) {
		sim_course_id(g, id);
		grade_title(g, gt, sizeof(gt));
		snprintf(title, sizeof(title), "%s Mathematics", gt);
		snprintf(code, sizeof(code), "MATH-%s", g ? grade_code(g) : "K");
		row_start(s, d, id);
		cell(&s->b, sy);
		cell(&s->b, title);
		cell(&s->b, code);
		cell(&s->b, grade_code(g));
		cell(&s->b, dist);
		cell(&s->b, "Mathematics");
		cell(&s->b, "");
		end_row(s);
	}
}

static void write_classes(const struct sim_district *d, struct sink *s)
{
	char id[SIM_ID_MAX], crs[SIM_ID_MAX], sch[SIM_ID_MAX], t1[SIM_ID_MAX], t2[SIM_ID_MAX];
	char terms[2 * SIM_ID_MAX + 1], title[96], gt[24], code[48], room[32], period[16];
	term_id(d, 1, t1);
	term_id(d, 2, t2);
	snprintf(terms, sizeof(terms), "%s,%s", t1, t2);
	header(s,
	       "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
	       "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods");
	for (size_t i = 0; i < d->nclasses; i++) {
		const struct sim_class *c = &d->classes[i];
		const struct sim_school *sc = &d->schools[c->school];
		const struct sim_teacher *t = &d->teachers[c->teacher];
		bool elem = sc->kind == SIM_ELEMENTARY;
		sim_class_id(d, i, id);
		sim_course_id(c->grade, crs);
		sim_school_id(d, (size_t)c->school, sch);
		grade_title(c->grade, gt, sizeof(gt));
		if (elem)
			snprintf(title, sizeof(title), "%s Math - %s", gt, t->family_name);
		else
			snprintf(title, sizeof(title), "%s Math - Period %d - %s", gt, c->period,
				 t->family_name);
		snprintf(code, sizeof(code), "%c%d-G%s-%d", elem ? 'E' : 'M', sc->number,
			 c->grade ? grade_code(c->grade) : "K", c->section);
		snprintf(room, sizeof(room), "Room %d",
			 (elem ? 100 * (c->grade + 1) : 200 + 100 * (c->grade - 6)) + c->section);
		snprintf(period, sizeof(period), "%d", c->period);
		row_start(s, d, id);
		cell(&s->b, title);
		cell(&s->b, grade_code(c->grade));
		cell(&s->b, crs);
		cell(&s->b, code);
		cell(&s->b, elem ? "homeroom" : "scheduled");
		cell(&s->b, room);
		cell(&s->b, sch);
		cell(&s->b, terms);
		cell(&s->b, "Mathematics");
		cell(&s->b, "");
		cell(&s->b, elem ? "" : period);
		end_row(s);
	}
}

/* Lower-case ASCII letters and digits of s appended to out (cap bytes). */
static void slug(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);
	for (; *s && n + 1 < cap; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = '\0';
}

static void person_username(char *out, size_t cap, const char *given, const char *family,
			    const char *suffix)
{
	out[0] = '\0';
	slug(out, cap, given);
	size_t n = strlen(out);
	if (n + 1 < cap) {
		out[n] = '.';
		out[n + 1] = '\0';
	}
	slug(out, cap, family);
	n = strlen(out);
	snprintf(out + n, cap - n, ".%s", suffix);
}

struct user_row {
	const char *id, *username, *given, *family, *identifier, *email, *sms, *phone;
	const char *agents, *grades, *org;
	const char *lang, *internet, *el, *disability;
};

static void user_row(const struct sim_district *d, struct sink *s, const struct user_row *u)
{
	row_start(s, d, u->id);
	cell(&s->b, "true"); /* enabledUser */
	cell(&s->b, u->username);
	cell(&s->b, ""); /* userIds */
	cell(&s->b, u->given);
	cell(&s->b, u->family);
	cell(&s->b, ""); /* middleName */
	cell(&s->b, u->identifier);
	cell(&s->b, u->email);
	cell(&s->b, u->sms);
	cell(&s->b, u->phone);
	cell(&s->b, u->agents);
	cell(&s->b, u->grades);
	cell(&s->b, ""); /* password */
	cell(&s->b, ""); /* userMasterIdentifier */
	cell(&s->b, ""); /* resourceSourcedIds */
	cell(&s->b, ""); /* preferredGivenName */
	cell(&s->b, ""); /* preferredMiddleName */
	cell(&s->b, ""); /* preferredFamilyName */
	cell(&s->b, u->org);
	cell(&s->b, ""); /* pronouns */
	cell(&s->b, u->lang);
	cell(&s->b, u->internet);
	cell(&s->b, u->el);
	cell(&s->b, u->disability);
	end_row(s);
}

#define USERS_HEADER                                                                               \
	"sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"     \
	"middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"                   \
	"userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"          \
	"preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.homeLanguage,metadata."         \
	"homeInternet,metadata.englishLearner,metadata.disability"

static const char *const email_domains[4] = {
	"mail.example",
	"inbox.example",
	"post.example",
	"webmail.example",
};

static void grades_list(int lo, int hi, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int g = lo; g <= hi && n + 4 < cap; g++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", g > lo ? "," : "", grade_code(g));
}

static void write_users(const struct sim_district *d, struct sink *s)
{
	char id[SIM_ID_MAX], org[SIM_ID_MAX], dist[SIM_ID_MAX], suffix[24], user[96];
	char email[160], phone[16], ident[24], grades[40];
	char agents[(SIM_ID_MAX + 1) * 2 * SIM_GRADES];
	sim_district_id(d, dist);
	header(s, USERS_HEADER);

	for (size_t i = 0; i < d->nstudents; i++) {
		const struct sim_student *st = &d->students[i];
		const struct sim_family *f = &d->families[st->family];
		struct user_row u = { 0 };
		sim_student_id(i, id);
		sim_school_id(d, (size_t)st->school, org);
		snprintf(suffix, sizeof(suffix), "s%zu", i + 1);
		person_username(user, sizeof(user), st->given, st->family_name, suffix);
		snprintf(email, sizeof(email), "%s@%s", user, STUDENT_DOMAIN);
		snprintf(ident, sizeof(ident), "%010zu", (size_t)3000000000u + i + 1);
		agents[0] = '\0';
		for (int g = 0; g < f->nguardians; g++) {
			size_t n = strlen(agents);
			if (g)
				agents[n++] = ',';
			sim_guardian_id((size_t)(f->first_guardian + g), agents + n);
		}
		u.id = id;
		u.username = user;
		u.given = st->given;
		u.family = st->family_name;
		u.identifier = ident;
		u.email = email;
		u.agents = agents;
		u.grades = grade_code(st->grade);
		u.org = org;
		u.lang = sim_lang_tag(f->lang);
		u.el = st->english_learner ? "true" : "false";
		u.disability = st->disability ? "true" : "false";
		user_row(d, s, &u);
	}

	for (size_t i = 0; i < d->nguardians; i++) {
		const struct sim_guardian *g = &d->guardians[i];
		const struct sim_family *f = &d->families[g->family];
		struct user_row u = { 0 };
		sim_guardian_id(i, id);
		sim_school_id(d, (size_t)d->students[f->first_child].school, org);
		snprintf(suffix, sizeof(suffix), "g%zu", i + 1);
		person_username(user, sizeof(user), g->given, g->family_name, suffix);
		email[0] = '\0';
		if (g->has_email) {
			slug(email, sizeof(email), g->given);
			size_t n = strlen(email);
			snprintf(email + n, sizeof(email) - n, ".");
			slug(email, sizeof(email), g->family_name);
			n = strlen(email);
			snprintf(email + n, sizeof(email) - n, "%zu@%s", i + 1,
				 email_domains[g->email_domain % 4]);
		}
		snprintf(phone, sizeof(phone), "+1555%07u", (unsigned)g->phone);
		agents[0] = '\0';
		for (int k = 0; k < f->nchildren; k++) {
			size_t n = strlen(agents);
			if (k)
				agents[n++] = ',';
			sim_student_id((size_t)(f->first_child + k), agents + n);
		}
		u.id = id;
		u.username = user;
		u.given = g->given;
		u.family = g->family_name;
		u.email = email;
		u.sms = g->has_sms ? phone : "";
		u.phone = g->has_phone ? phone : "";
		u.agents = agents;
		u.org = org;
		u.lang = sim_lang_tag(f->lang);
		u.internet = f->home_internet ? "true" : "false";
		user_row(d, s, &u);
	}

	for (size_t i = 0; i < d->nteachers; i++) {
		const struct sim_teacher *t = &d->teachers[i];
		struct user_row u = { 0 };
		sim_teacher_id(i, id);
		sim_school_id(d, (size_t)t->school, org);
		snprintf(suffix, sizeof(suffix), "t%zu", i + 1);
		person_username(user, sizeof(user), t->given, t->family_name, suffix);
		snprintf(email, sizeof(email), "%s@%s", user, STAFF_DOMAIN);
		snprintf(ident, sizeof(ident), "E%06zu", i + 1);
		grades_list(t->lo_grade, t->hi_grade, grades, sizeof(grades));
		u.id = id;
		u.username = user;
		u.given = t->given;
		u.family = t->family_name;
		u.identifier = ident;
		u.email = email;
		u.grades = grades;
		u.org = org;
		user_row(d, s, &u);
	}

	for (size_t i = 0; i < d->nstaff; i++) {
		const struct sim_staff *st = &d->staff[i];
		struct user_row u = { 0 };
		sim_staff_id(d, i, id);
		if (st->school >= 0)
			sim_school_id(d, (size_t)st->school, org);
		else
			str_copy(org, sizeof(org), dist);
		switch (st->kind) {
		case SIM_STAFF_PRINCIPAL:
			snprintf(suffix, sizeof(suffix), "p%c%d",
				 school_letter(&d->schools[st->school]), st->number);
			person_username(user, sizeof(user), st->given, st->family_name, suffix);
			break;
		case SIM_STAFF_COORDINATOR:
			snprintf(user, sizeof(user), "math.coordinator%s",
				 st->number > 1 ? "2" : "");
			break;
		case SIM_STAFF_COACH:
			snprintf(user, sizeof(user), "math.coach%d", st->number);
			break;
		case SIM_STAFF_IT:
			snprintf(user, sizeof(user), "it.admin%d", st->number);
			break;
		}
		snprintf(email, sizeof(email), "%s@%s", user, STAFF_DOMAIN);
		snprintf(ident, sizeof(ident), "A%06zu", i + 1);
		u.id = id;
		u.username = user;
		u.given = st->given;
		u.family = st->family_name;
		u.identifier = ident;
		u.email = email;
		u.org = org;
		user_row(d, s, &u);
	}
}

static void role_row(const struct sim_district *d, struct sink *s, const char *user, int k,
		     bool primary, const char *role, const char *org)
{
	char id[2 * SIM_ID_MAX];
	snprintf(id, sizeof(id), "rol-%s-%d", user, k);
	row_start(s, d, id);
	cell(&s->b, user);
	cell(&s->b, primary ? "primary" : "secondary");
	cell(&s->b, role);
	cell(&s->b, d->year_start);
	cell(&s->b, d->year_end);
	cell(&s->b, org);
	cell(&s->b, "");
	end_row(s);
}

static const char *const staff_roles[] = {
	[SIM_STAFF_PRINCIPAL] = "principal",
	[SIM_STAFF_COORDINATOR] = "administrator",
	[SIM_STAFF_COACH] = "teacher",
	[SIM_STAFF_IT] = "systemAdministrator",
};

static void write_roles(const struct sim_district *d, struct sink *s)
{
	char id[SIM_ID_MAX], org[SIM_ID_MAX], dist[SIM_ID_MAX];
	sim_district_id(d, dist);
	header(s, "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
		  "orgSourcedId,userProfileSourcedId");
	for (size_t i = 0; i < d->nstudents; i++) {
		sim_student_id(i, id);
		sim_school_id(d, (size_t)d->students[i].school, org);
		role_row(d, s, id, 1, true, "student", org);
	}
	for (size_t i = 0; i < d->nguardians; i++) {
		const struct sim_guardian *g = &d->guardians[i];
		const struct sim_family *f = &d->families[g->family];
		const char *role = g->role == SIM_PARENT ? "parent" : "guardian";
		int seen[SIM_GRADES], nseen = 0;
		sim_guardian_id(i, id);
		/* primary at the first child's school, secondary at each other school */
		for (int k = 0; k < f->nchildren; k++) {
			int school = d->students[f->first_child + k].school;
			bool dup = false;
			for (int j = 0; j < nseen; j++)
				dup = dup || seen[j] == school;
			if (dup)
				continue;
			seen[nseen++] = school;
			sim_school_id(d, (size_t)school, org);
			role_row(d, s, id, nseen, nseen == 1, role, org);
		}
	}
	for (size_t i = 0; i < d->nteachers; i++) {
		sim_teacher_id(i, id);
		sim_school_id(d, (size_t)d->teachers[i].school, org);
		role_row(d, s, id, 1, true, "teacher", org);
	}
	for (size_t i = 0; i < d->nstaff; i++) {
		const struct sim_staff *st = &d->staff[i];
		sim_staff_id(d, i, id);
		if (st->school >= 0)
			sim_school_id(d, (size_t)st->school, org);
		else
			str_copy(org, sizeof(org), dist);
		role_row(d, s, id, 1, true, staff_roles[st->kind], org);
	}
}

static void enrollment_row(const struct sim_district *d, struct sink *s, size_t *seq,
			   const char *cls, const char *sch, const char *user, const char *role,
			   bool primary)
{
	char id[SIM_ID_MAX];
	snprintf(id, sizeof(id), "enr-%07zu", ++*seq);
	row_start(s, d, id);
	cell(&s->b, cls);
	cell(&s->b, sch);
	cell(&s->b, user);
	cell(&s->b, role);
	cellb(&s->b, primary);
	cell(&s->b, d->year_start);
	cell(&s->b, d->year_end);
	end_row(s);
}

static void write_enrollments(const struct sim_district *d, struct sink *s)
{
	char cls[SIM_ID_MAX], sch[SIM_ID_MAX], user[SIM_ID_MAX];
	size_t seq = 0;
	header(s, "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
		  "role,primary,beginDate,endDate");
	for (size_t i = 0; i < d->nclasses; i++) {
		const struct sim_class *c = &d->classes[i];
		sim_class_id(d, i, cls);
		sim_school_id(d, (size_t)c->school, sch);
		sim_teacher_id((size_t)c->teacher, user);
		enrollment_row(d, s, &seq, cls, sch, user, "teacher", true);
		for (int m = 0; m < c->nmembers; m++) {
			sim_student_id((size_t)d->members[c->first_member + m], user);
			enrollment_row(d, s, &seq, cls, sch, user, "student", false);
		}
	}
}

static void write_demographics(const struct sim_district *d, struct sink *s)
{
	char id[SIM_ID_MAX], birth[11];
	header(s, "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,"
		  "asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
		  "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
		  "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus");
	for (size_t i = 0; i < d->nstudents; i++) {
		const struct sim_student *st = &d->students[i];
		const struct sim_race *r = &d->families[st->family].race;
		sim_student_id(i, id);
		format_date(st->birth_days, birth);
		row_start(s, d, id);
		cell(&s->b, birth);
		cell(&s->b, st->sex == SIM_FEMALE ? "female" : "male");
		cellb(&s->b, r->aian);
		cellb(&s->b, r->asian);
		cellb(&s->b, r->black);
		cellb(&s->b, r->nhpi);
		cellb(&s->b, r->white);
		cellb(&s->b, r->two_or_more);
		cellb(&s->b, r->hispanic);
		cell(&s->b, st->country);
		cell(&s->b, "");
		cell(&s->b, "");
		cell(&s->b, "");
		end_row(s);
	}
}

struct file_writer {
	const char *name;
	void (*write)(const struct sim_district *d, struct sink *s);
};

static const struct file_writer writers[SIM_CSV_FILE_COUNT] = {
	{ "manifest.csv", write_manifest },
	{ "orgs.csv", write_orgs },
	{ "academicSessions.csv", write_sessions },
	{ "courses.csv", write_courses },
	{ "classes.csv", write_classes },
	{ "users.csv", write_users },
	{ "roles.csv", write_roles },
	{ "enrollments.csv", write_enrollments },
	{ "demographics.csv", write_demographics },
};

enum eb_err sim_write_oneroster_mem(const struct sim_district *d,
				    struct sim_csv_file files[SIM_CSV_FILE_COUNT], size_t *n)
{
	enum eb_err rc = EB_OK;
	*n = 0;
	for (size_t i = 0; i < SIM_CSV_FILE_COUNT; i++) {
		struct sim_csv_file *f = &files[i];
		struct sink s = { .f = NULL, .err = EB_OK };
		buf_init(&s.b, MEM_FILE_MAX);
		str_copy(f->name, sizeof(f->name), writers[i].name);
		writers[i].write(d, &s);
		f->data = s.b;
		*n = i + 1;
		if (buf_failed(&f->data)) {
			rc = f->data.err;
			break;
		}
	}
	return rc;
}

void sim_csv_files_free(struct sim_csv_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&files[i].data);
}

enum eb_err sim_write_oneroster_dir(const struct sim_district *d, const char *dir)
{
	char path[4096];
	enum eb_err rc = EB_OK;
	struct sink s = { .f = NULL, .err = EB_OK };

	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return EB_EIO;
	buf_init(&s.b, 2 * DISK_FLUSH_AT + (1 << 16));
	for (size_t i = 0; i < SIM_CSV_FILE_COUNT && !rc; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", dir, writers[i].name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			rc = EB_EINVAL;
			break;
		}
		s.f = fopen(path, "wb");
		if (!s.f) {
			rc = EB_EIO;
			break;
		}
		s.err = EB_OK;
		buf_reset(&s.b);
		writers[i].write(d, &s);
		sink_flush(&s);
		if (fclose(s.f) != 0 && !s.err)
			s.err = EB_EIO;
		s.f = NULL;
		rc = s.err;
	}
	buf_free(&s.b);
	return rc;
}

void sim_student_username(size_t student, const char *given, const char *family_name, char *out,
			  size_t cap)
{
	char suffix[24];
	snprintf(suffix, sizeof(suffix), "s%zu", student + 1);
	person_username(out, cap, given, family_name, suffix);
}

void sim_student_email(size_t student, const char *given, const char *family_name, char *out,
		       size_t cap)
{
	char user[96];
	sim_student_username(student, given, family_name, user, sizeof(user));
	snprintf(out, cap, "%s@%s", user, STUDENT_DOMAIN);
}
