/* coaching_impact.c - see coaching_impact.h. */
#include "domain/coaching_impact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/evaluation.h"
#include "store/db.h"

#define DAY 86400

const char *const coaching_impact_limits[] = {
	"Coached teachers chose coaching or were chosen for it; their classes may differ from"
	" the others in ways the data cannot see, such as the teacher's drive to change.",
	"It is a comparison, not proof: it shows whether the coached classes' results on the"
	" goal standards changed differently from similar classes', not that coaching caused"
	" the difference.",
	"Each class is compared with itself before the cycle (its level cancels out) and with"
	" classes of the same course that started near the same level; a trend only coached"
	" classes had would still read as an effect.",
	"The outcome is the share of correct answers in the district's tools on the goal"
	" standards, which depends on what the tools asked in each window.",
	"It would be stronger with more cycles, with comparison classes chosen before the"
	" cycles began, or with coaching offered to randomly chosen teachers first.",
	NULL,
};

static bool in_list(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Counts distinct teachers among the chosen units of one side. */
static double count_teachers(const struct coaching_impact_unit *u, const size_t *idx, size_t n,
			     int coached, bool *shared)
{
	double k = 0;
	for (size_t i = 0; i < n; i++) {
		if (u[idx[i]].coached != coached)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = u[idx[j]].teacher == u[idx[i]].teacher;
		if (!seen)
			k++;
	}
	for (size_t i = 0; i < n && !*shared; i++)
		for (size_t j = 0; j < i && !*shared; j++)
			*shared = u[idx[j]].teacher == u[idx[i]].teacher;
	return k;
}

/* OLS slope of (post - pre) on pre over the candidate rows; 0 when it
 * cannot be fitted (fewer than 3 rows or no spread in pre). */
static double change_slope(const struct coaching_impact_unit *u, size_t n)
{
	double sx = 0, sy = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		if (!u[i].coached)
			sx += u[i].pre, sy += u[i].post - u[i].pre, k++;
	if (k < 3)
		return 0;
	double mx = sx / k, my = sy / k, sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++)
		if (!u[i].coached) {
			double dx = u[i].pre - mx;
			sxx += dx * dx, sxy += dx * (u[i].post - u[i].pre - my);
		}
	return sxx > 1e-12 ? sxy / sxx : 0;
}

enum eb_err coaching_impact_run(const struct coaching_impact_unit *units, size_t n,
				struct coaching_impact_pair *pairs, size_t cap,
				struct coaching_impact *out)
{
	memset(out, 0, sizeof *out);
	char *why = out->why;
	size_t wcap = sizeof out->why;
	enum eb_err rc = EB_OK;
	size_t m = n ? n : 1;
	size_t *chosen = malloc(m * sizeof *chosen), nch = 0;
	int64_t *used = malloc(m * sizeof *used);
	size_t nused = 0;
	double *pre = malloc(m * sizeof *pre), *post = malloc(m * sizeof *post);
	int *tr = malloc(m * sizeof *tr);
	int64_t *cl = malloc(m * sizeof *cl);
	size_t *partner = malloc(m * sizeof *partner);
	if (!chosen || !used || !pre || !post || !tr || !cl || !partner) {
		rc = EB_ENOMEM;
		goto out;
	}
	/* 1:COACHING_IMPACT_MATCHES nearest on pre within the caliper, without
	 * replacement, coached classes in the order given */
	for (size_t k = 0; k < n; k++) {
		const struct coaching_impact_unit *c = &units[k];
		if (!c->coached)
			continue;
		size_t first = nch;
		for (int pick = 0; pick < COACHING_IMPACT_MATCHES; pick++) {
			size_t best = n;
			double bd = COACHING_IMPACT_CALIPER;
			for (size_t i = 0; i < n; i++) {
				const struct coaching_impact_unit *u = &units[i];
				if (u->coached || u->target != c->target)
					continue;
				double d = fabs(u->pre - c->pre);
				if (d > bd || (d == bd && best < n) || in_list(used, nused, u->cls))
					continue;
				best = i, bd = d;
			}
			if (best == n)
				break;
			used[nused++] = units[best].cls;
			partner[nch] = k;
			chosen[nch++] = best;
		}
		if (nch == first) {
			out->n_unmatched++;
			continue;
		}
		partner[nch] = k;
		chosen[nch++] = k;
	}
	/* what the change owes to the level before, from every candidate:
	 * slope of (post - pre) on pre (regression to the mean, room to grow) */
	double beta = change_slope(units, n);
	double st[4] = { 0 };
	for (size_t i = 0; i < nch; i++) {
		const struct coaching_impact_unit *u = &units[chosen[i]];
		pre[i] = u->pre, post[i] = u->post;
		/* bias-corrected matching: a comparison's change as it would be at
		 * its coached class's level before (the caliper's leftover) */
		if (!u->coached)
			post[i] += beta * (units[partner[i]].pre - u->pre);
		tr[i] = u->coached ? 1 : 0;
		cl[i] = u->teacher;
		if (u->coached)
			out->n_coached++, st[0] += u->pre, st[1] += u->post;
		else
			out->n_compared++, st[2] += u->pre, st[3] += u->post;
	}
	bool shared = false;
	out->teachers_coached = count_teachers(units, chosen, nch, 1, &shared);
	out->teachers_compared = count_teachers(units, chosen, nch, 0, &shared);
	if (pairs) {
		/* coached first, each followed by nothing: the page pairs them by target */
		for (size_t pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < nch && out->npairs < cap; i++) {
				const struct coaching_impact_unit *u = &units[chosen[i]];
				if ((pass == 0) != (u->coached != 0))
					continue;
				pairs[out->npairs++] = (struct coaching_impact_pair){ chosen[i],
										      u->target,
										      u->coached };
			}
		out->pairs = pairs;
	}
	if (!eval_shown(EVAL_DID, out->n_coached, out->n_compared)) {
		/* no counts in the words: a small count is what the rule hides */
		rc = eb_say(why, wcap, EB_OK,
			    "Not shown: fewer than %d coached classes, or fewer than %d comparison"
			    " classes, could be compared. Small groups are never shown.",
			    EVAL_MIN_SHOWN, EVAL_MIN_SHOWN);
		goto out;
	}
	out->pre_t = st[0] / out->n_coached, out->post_t = st[1] / out->n_coached;
	out->pre_c = st[2] / out->n_compared, out->post_c = st[3] / out->n_compared;
	/* baseline equivalence on the pre share (the matching variable) */
	{
		double *xt = malloc(m * sizeof *xt), *xc = malloc(m * sizeof *xc);
		size_t nt = 0, nc = 0;
		if (!xt || !xc) {
			free(xt);
			free(xc);
			rc = EB_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < nch; i++)
			*(tr[i] ? &xt[nt++] : &xc[nc++]) = pre[i];
		struct ev_g g;
		char ignore[128];
		out->baseline_g = ev_hedges_g_raw(xt, nt, xc, nc, &g, ignore, sizeof ignore) ? 0
											     : g.g;
		out->baseline_band = ev_baseline_band(out->baseline_g);
		free(xt);
		free(xc);
	}
	/* the panel form: each class is its own control, so its level cancels;
	 * clustered by teacher with the ICC of the changes */
	if (ev_did_panel(pre, post, tr, shared ? cl : NULL, nch, -1, &out->est, why, wcap))
		goto out; /* why says it; shown stays false */
	double omega = 1;
	if (ev_omega(out->est.n_t + out->est.n_c, &omega, why, wcap))
		goto out;
	/* the interval of g back in share points: g = omega * diff / sd */
	double scale = out->est.sd_pooled / omega;
	out->diff = out->est.diff;
	out->lo = out->est.ci_lo * scale;
	out->hi = out->est.ci_hi * scale;
	out->p = out->est.p;
	out->significant = out->lo > 0 || out->hi < 0;
	out->shown = true;
	out->why[0] = 0;
out:
	free(chosen);
	free(used);
	free(pre);
	free(post);
	free(tr);
	free(cl);
	free(partner);
	return rc;
}

/* ---- from the database --------------------------------------------------- */

struct ci_class {
	const char *sid, *title, *school, *teacher;
	double sum_pre, sum_post; /* sums of the students' shares */
	int n_pre, n_post;	  /* students who answered */
};

DB_ROWSPEC(ci_class_spec, struct ci_class, NULL, DB_FIELD_STR(struct ci_class, sid),
	   DB_FIELD_STR(struct ci_class, title), DB_FIELD_STR(struct ci_class, school),
	   DB_FIELD_STR(struct ci_class, teacher));

struct ci_self {
	const char *course, *school, *title, *teacher;
};

DB_ROWSPEC(ci_self_spec, struct ci_self, NULL, DB_FIELD_STR(struct ci_self, course),
	   DB_FIELD_STR(struct ci_self, school), DB_FIELD_STR(struct ci_self, title),
	   DB_FIELD_STR(struct ci_self, teacher));

#define CI_TEACHER_SQL                                                                             \
	"(SELECT min(t.user_sourced_id) FROM enrollment t WHERE t.district_id=k.district_id AND"   \
	" t.class_sourced_id=k.sourced_id AND t.role='teacher' AND t.status='active')"

static int ci_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct ci_class *)e)->sid);
}

static bool in_strs(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (v[i] && strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* Adds each class's students' shares of correct answers on the standards in
 * [from, to) to its pre or post sums. */
static enum eb_err ci_measure(struct db *db, int64_t d, const char *course,
			      const struct coaching_impact_class *c, int64_t from, int64_t to,
			      struct ci_class *cls, size_t n, bool post)
{
	struct db_arg args[4 + COACHING_IMPACT_MAX_STANDARDS] = { DB_INT(d), DB_TEXT(course),
								  DB_INT(from), DB_INT(to) };
	for (size_t i = 0; i < COACHING_IMPACT_MAX_STANDARDS; i++)
		args[4 + i] = i < c->nstandards && c->standards[i] ? DB_TEXT(c->standards[i])
								   : DB_NULL;
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		/* CROSS JOIN keeps SQLite's loop order: the course's classes, their
		 * students, then each student's events by the student index (left
		 * to itself it scans the district's events) */
		"SELECT e.class_sourced_id, sum(le.correct), count(*) FROM class k CROSS JOIN"
		" enrollment e CROSS JOIN learning_event le WHERE e.district_id=k.district_id AND"
		" e.class_sourced_id=k.sourced_id AND e.role='student' AND e.status='active' AND"
		" le.district_id=e.district_id AND le.student_sourced_id=e.user_sourced_id AND"
		" k.district_id=?1 AND k.course_sourced_id=?2 AND k.status='active' AND"
		" le.standard_code IN (?5,?6,?7,?8,?9,?10,?11,?12) AND le.occurred_at >= ?3 AND"
		" le.occurred_at < ?4 AND le.correct IS NOT NULL"
		" GROUP BY e.class_sourced_id, le.student_sourced_id",
		args, sizeof args / sizeof args[0], &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0);
		struct ci_class *k = sid ? bsearch(sid, cls, n, sizeof *cls, ci_cmp) : NULL;
		int64_t cnt = db_col_int(st, 2);
		if (!k || cnt <= 0)
			continue;
		double share = (double)db_col_int(st, 1) / (double)cnt;
		if (post)
			k->sum_post += share, k->n_post++;
		else
			k->sum_pre += share, k->n_pre++;
	}
	return db_done(st);
}

/* The teacher's cluster number: its place in *teachers (added when new). */
static int64_t teacher_key(struct arena *a, const char ***teachers, size_t *n, size_t *cap,
			   const char *t)
{
	const char *s = t ? t : "";
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*teachers)[i], s) == 0)
			return (int64_t)i;
	const char **grown = arena_grow(a, *teachers, *n, cap, sizeof *grown, 32);
	if (!grown)
		return -1;
	*teachers = grown;
	grown[*n] = s;
	return (int64_t)(*n)++;
}

enum eb_err coaching_impact(struct db *db, int64_t district_id,
			    const struct coaching_impact_class *cycles, size_t n,
			    const char *school_id, struct arena *a, struct coaching_impact *out,
			    struct coaching_impact_row **rows, size_t *nrows)
{
	memset(out, 0, sizeof *out);
	if (rows)
		*rows = NULL;
	if (nrows)
		*nrows = 0;
	enum eb_err rc = EB_OK;
	/* every teacher of a class in any cycle stays out of the comparison */
	const char **coached_teachers = arena_alloc(a, (n ? n : 1) * sizeof *coached_teachers);
	struct ci_self *self = arena_alloc(a, (n ? n : 1) * sizeof *self);
	if (!coached_teachers || !self)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		memset(&self[i], 0, sizeof self[i]);
		rc = db_get_row(
			db,
			"SELECT k.course_sourced_id, k.school_sourced_id, k.title, " CI_TEACHER_SQL
			" FROM class k WHERE k.district_id=?1 AND k.sourced_id=?2",
			DB_ARGS(DB_INT(district_id), DB_TEXT(cycles[i].class_id)), &ci_self_spec, a,
			&self[i]);
		if (rc == EB_ENOTFOUND) {
			rc = EB_OK;
			self[i].course = NULL;
		} else if (rc) {
			return rc;
		}
		coached_teachers[i] = self[i].teacher;
	}
	struct coaching_impact_unit *units = NULL;
	struct coaching_impact_row *names = NULL;
	size_t nu = 0, capu = 0, capn = 0, ncoached = 0;
	const char **teachers = NULL;
	size_t nt = 0, capt = 0;
	for (size_t i = 0; i < n; i++) {
		const struct coaching_impact_class *c = &cycles[i];
		if (!c->completed || !self[i].course || c->ends_at <= c->starts_at ||
		    (school_id && (!self[i].school || strcmp(self[i].school, school_id))))
			continue;
		struct ci_class *cls = NULL;
		size_t ncls = 0;
		rc = db_get_rows(
			db,
			"SELECT k.sourced_id, k.title, k.school_sourced_id, " CI_TEACHER_SQL
			" FROM class k WHERE k.district_id=?1 AND k.course_sourced_id=?2 AND"
			" k.status='active' ORDER BY k.sourced_id",
			DB_ARGS(DB_INT(district_id), DB_TEXT(self[i].course)), &ci_class_spec, a,
			&cls, &ncls);
		if (rc)
			return rc;
		int64_t pre_from = c->starts_at - (int64_t)COACHING_IMPACT_WINDOW_DAYS * DAY;
		int64_t post_from = c->ends_at - (int64_t)COACHING_IMPACT_WINDOW_DAYS * DAY;
		if (post_from < c->starts_at)
			post_from = c->starts_at;
		if ((rc = ci_measure(db, district_id, self[i].course, c, pre_from, c->starts_at,
				     cls, ncls, false)) ||
		    (rc = ci_measure(db, district_id, self[i].course, c, post_from, c->ends_at, cls,
				     ncls, true)))
			return rc;
		size_t target = ncoached++;
		for (size_t j = 0; j < ncls; j++) {
			const struct ci_class *k = &cls[j];
			bool me = strcmp(k->sid, c->class_id) == 0;
			if (!k->n_pre || !k->n_post ||
			    (!me && in_strs(coached_teachers, n, k->teacher)))
				continue;
			units = arena_grow(a, units, nu, &capu, sizeof *units, 64);
			names = arena_grow(a, names, nu, &capn, sizeof *names, 64);
			int64_t tk = teacher_key(a, &teachers, &nt, &capt, k->teacher);
			if (!units || !names || tk < 0)
				return EB_ENOMEM;
			units[nu] = (struct coaching_impact_unit){
				.cls = (int64_t)j, /* made unique below */
				.teacher = tk,
				.coached = me,
				.target = target,
				.pre = k->sum_pre / k->n_pre,
				.post = k->sum_post / k->n_post,
			};
			names[nu] = (struct coaching_impact_row){ k->sid,	 k->title,
								  k->school,	 k->teacher,
								  c->cycle_id,	 me,
								  units[nu].pre, units[nu].post };
			nu++;
		}
	}
	/* a class's key: the place of its first row with that sourcedId */
	for (size_t i = 0; i < nu; i++) {
		units[i].cls = (int64_t)i;
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[j].class_id, names[i].class_id) == 0) {
				units[i].cls = (int64_t)j;
				break;
			}
	}
	struct coaching_impact_pair *pairs = arena_alloc(a, (nu ? nu : 1) * sizeof *pairs);
	if (!pairs)
		return EB_ENOMEM;
	if ((rc = coaching_impact_run(units, nu, pairs, nu, out)))
		return rc;
	if (rows && nrows) {
		struct coaching_impact_row *r =
			arena_alloc(a, (out->npairs ? out->npairs : 1) * sizeof *r);
		if (!r)
			return EB_ENOMEM;
		for (size_t i = 0; i < out->npairs; i++)
			r[i] = names[out->pairs[i].unit];
		*rows = r;
		*nrows = out->npairs;
	}
	return EB_OK;
}
