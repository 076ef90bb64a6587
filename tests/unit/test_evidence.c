/* test_evidence.c - WWC computations against the published test vectors
 * (../shared/data/wwc/vectors.tsv, skipped when absent, and the same values
 * written out below), the designs, bad input, and a small honesty check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "domain/evidence.h"

#define NEAR(a, b, tol)                                                                            \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol)))                                                     \
			fail_msg("%s = %.12g, expected %.12g (tol %g)", #a, a_, b_,                \
				 (double)(tol));                                                   \
	} while (0)

#define TOL 1e-6

/* ---- the vectors written out ------------------------------------------ */

static void test_v1_hedges_g(void **state)
{
	(void)state;
	struct ev_g g;
	assert_int_equal(ev_hedges_g((struct ev_group){ 105, 15, 50 },
				     (struct ev_group){ 100, 15, 50 }, &g, NULL, 0),
			 EB_OK);
	NEAR(g.s, 15, TOL);
	NEAR(g.omega, 0.9923273657, TOL);
	NEAR(g.d, 0.3333333333, TOL);
	NEAR(g.g, 0.3307757886, TOL);
	NEAR(g.se, 0.2013630, TOL);
	assert_int_equal(ev_hedges_g((struct ev_group){ 52, 10, 20 },
				     (struct ev_group){ 50, 12, 25 }, &g, NULL, 0),
			 EB_OK);
	NEAR(g.s, 11.1605617930, TOL);
	NEAR(g.omega, 0.9824561404, TOL);
	NEAR(g.d, 0.1792024485, TOL);
	NEAR(g.g, 0.1760585459, TOL);
	double t[] = { 5, 6, 7 }, c[] = { 4, 5, 6 };
	assert_int_equal(ev_hedges_g_raw(t, 3, c, 3, &g, NULL, 0), EB_OK);
	NEAR(g.d, 1.0, TOL);
	NEAR(g.omega, 0.8, TOL);
	NEAR(g.g, 0.8, TOL); /* WWC omega, not R's exact J (0.7978845608) */
}

static void test_v2_cox(void **state)
{
	(void)state;
	struct ev_cox c;
	assert_int_equal(ev_cox_index(0.60, 0.50, 200, &c, NULL, 0), EB_OK);
	NEAR(c.unadjusted, 0.2457364292, TOL);
	NEAR(c.omega, 0.9962073325, TOL);
	NEAR(c.cox, 0.2448044326, TOL);
	assert_int_equal(ev_cox_index(0.30, 0.20, 120, &c, NULL, 0), EB_OK);
	NEAR(c.unadjusted, 0.3266645459, TOL);
	NEAR(c.cox, 0.3245838800, TOL);
}

static void test_v3_improvement(void **state)
{
	(void)state;
	double g[] = { 0.25, 0.10, 0.05, -0.20, 0.13 };
	double want[] = { 9.8706, 3.9828, 1.9939, -7.9260, 5.1717 };
	long rounded[] = { 10, 4, 2, -8, 5 };
	for (int i = 0; i < 5; i++) {
		NEAR(ev_improvement_index(g[i]), want[i], 5e-5); /* 4 decimals given */
		assert_int_equal(lround(ev_improvement_index(g[i])), rounded[i]);
	}
}

static void test_v4_clustering(void **state)
{
	(void)state;
	struct ev_cluster c;
	assert_int_equal(ev_cluster_correct(0.30, 200, 200, 20, 0.20, &c, NULL, 0), EB_OK);
	NEAR(c.t, 2.983266061, TOL);
	NEAR(c.t_adj, 1.348604912, TOL);
	NEAR(c.h, 231.6575875, TOL);
	NEAR(c.p_naive, 0.003027538, TOL);
	NEAR(c.p_adj, 0.1787808294, TOL);
	assert_int_equal(ev_cluster_correct(0.15, 300, 300, 24, 0.20, &c, NULL, 0), EB_OK);
	NEAR(c.t, 1.834539298, TOL);
	NEAR(c.t_adj, 0.7556118539, TOL);
	NEAR(c.h, 312.2650985, TOL);
	NEAR(c.p_adj, 0.4504515303, TOL);
	assert_int_equal(ev_cluster_correct(0.15, 300, 300, 24, 0.10, &c, NULL, 0), EB_OK);
	NEAR(c.t_adj, 0.9909175948, TOL);
	NEAR(c.h, 488.1342803, TOL);
	NEAR(c.p_adj, 0.3222167528, TOL);
	double h;
	assert_int_equal(ev_cluster_h(100, 0.10, 5, &h, NULL, 0), EB_OK);
	NEAR(h, 94.4, 0.05);
	/* ICC 0: nothing changes. */
	assert_int_equal(ev_cluster_correct(0.30, 200, 200, 20, 0, &c, NULL, 0), EB_OK);
	NEAR(c.t_adj, c.t, 1e-12);
	NEAR(c.h, 398, 1e-9);
	/* The interval is consistent with the corrected test. */
	assert_int_equal(ev_cluster_correct(0.30, 200, 200, 20, 0.20, &c, NULL, 0), EB_OK);
	assert_true(c.ci_lo < 0 && c.ci_hi > 0.3); /* p_adj 0.18: covers 0 */
}

static void test_v5_did(void **state)
{
	(void)state;
	struct ev_did d;
	assert_int_equal(ev_did_summary((struct ev_group){ 48, 10, 60 },
					(struct ev_group){ 47, 10, 60 },
					(struct ev_group){ 55, 12, 60 },
					(struct ev_group){ 52, 12, 60 }, &d, NULL, 0),
			 EB_OK);
	NEAR(d.g_pre, 0.0993630573, TOL);
	NEAR(d.g_post, 0.2484076433, TOL);
	NEAR(d.g_form_a, 0.1490445860, TOL);
	NEAR(d.g_form_b, 0.1656050955, TOL);
	NEAR(d.g, d.g_form_b, 0);
}

static void test_v6_bands(void **state)
{
	(void)state;
	double g[] = { 0.03, 0.05, 0.12, 0.25, 0.26, -0.30, -0.04 };
	enum ev_band want[] = { EV_BAND_SATISFIED,	  EV_BAND_SATISFIED,
				EV_BAND_NEEDS_ADJUSTMENT, EV_BAND_NEEDS_ADJUSTMENT,
				EV_BAND_NOT_SATISFIED,	  EV_BAND_NOT_SATISFIED,
				EV_BAND_SATISFIED };
	for (int i = 0; i < 7; i++)
		assert_int_equal(ev_baseline_band(g[i]), want[i]);
	assert_string_equal(ev_band_name(EV_BAND_NEEDS_ADJUSTMENT), "needs adjustment");
}

static void test_v7_v8_attrition(void **state)
{
	(void)state;
	struct ev_attrition a;
	assert_int_equal(ev_attrition(300, 300, 270, 240, &a, NULL, 0), EB_OK);
	NEAR(a.overall_pct, 15, 1e-9);
	NEAR(a.differential_pp, 10, 1e-9);
	NEAR(a.cautious_max_pp, 5.9, 1e-12);
	NEAR(a.optimistic_max_pp, 10.7, 1e-12);
	assert_false(a.low_cautious);
	assert_true(a.low_optimistic);
	assert_int_equal(ev_attrition_rates(8, 3, &a, NULL, 0), EB_OK);
	assert_true(a.low_cautious && a.low_optimistic);
	assert_int_equal(ev_attrition_rates(30, 6, &a, NULL, 0), EB_OK);
	NEAR(a.cautious_max_pp, 4.1, 1e-12);
	NEAR(a.optimistic_max_pp, 8.2, 1e-12);
	assert_false(a.low_cautious);
	assert_true(a.low_optimistic);
	/* Beyond the table: high under both. */
	assert_int_equal(ev_attrition_rates(70, 0, &a, NULL, 0), EB_OK);
	assert_false(a.low_cautious || a.low_optimistic);
	char why[200] = "";
	assert_int_equal(ev_attrition(0, 300, 0, 240, &a, why, sizeof why), EB_EINVAL);
	assert_int_equal(ev_attrition(100, 100, 120, 90, &a, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "more students analysed"));
}

/* ---- the vectors file ------------------------------------------------- */

#define VEC_PATH "../shared/data/wwc/vectors.tsv"
#define MAXKV 24

struct kv {
	char key[96];
	char val[96];
};

/* Splits s in place at any of delims; returns the next token or NULL
 * (like strtok_r, which the project's banned-function check would flag). */
static char *next_tok(char **cursor, const char *delims)
{
	char *p = *cursor;
	if (!p)
		return NULL;
	p += strspn(p, delims);
	if (!*p) {
		*cursor = NULL;
		return NULL;
	}
	char *end = p + strcspn(p, delims);
	if (*end) {
		*end = 0;
		*cursor = end + 1;
	} else {
		*cursor = NULL;
	}
	return p;
}

/* Splits "a=1 b=2 pre: c=3; post: c=4" into key/value pairs; "pre:" and
 * "post:" prefix later keys until the next ';'; text in parentheses and
 * words without '=' are skipped. */
static size_t parse_kv(const char *s, struct kv *out, size_t max)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", s);
	char *paren = strchr(buf, '(');
	/* Drop trailing parenthetical remarks, but not "((" inside a key. */
	if (paren && paren > buf && paren[-1] == ' ' && paren[1] != '(' &&
	    strchr(paren, '=') == NULL)
		*paren = 0;
	size_t n = 0;
	char prefix[16] = "";
	char *cur = buf;
	for (char *tok = next_tok(&cur, " \t"); tok; tok = next_tok(&cur, " \t")) {
		size_t len = strlen(tok);
		bool end_section = len && tok[len - 1] == ';';
		if (end_section)
			tok[--len] = 0;
		if (len && tok[len - 1] == ':') {
			tok[len - 1] = 0;
			snprintf(prefix, sizeof prefix, "%s.", tok);
			continue;
		}
		char *eq = strrchr(tok, '=');
		if (eq && n < max) {
			*eq = 0;
			snprintf(out[n].key, sizeof out[n].key, "%s%s", prefix, tok);
			snprintf(out[n].val, sizeof out[n].val, "%s", eq + 1);
			n++;
		}
		if (end_section)
			prefix[0] = 0;
	}
	return n;
}

static const char *kv_get(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].val;
	return NULL;
}

static double kv_num(const struct kv *kv, size_t n, const char *key)
{
	const char *v = kv_get(kv, n, key);
	if (!v)
		fail_msg("input %s missing", key);
	return strtod(v, NULL);
}

/* Tolerance: 1e-6, or half a unit in the last printed decimal if coarser. */
static double tol_of(const char *v)
{
	const char *dot = strchr(v, '.');
	int dec = 0;
	if (dot)
		for (const char *q = dot + 1; *q >= '0' && *q <= '9'; q++)
			dec++;
	double t = 0.5 * pow(10, -dec);
	return t > TOL ? t : TOL;
}

struct named {
	const char *key;
	double value;
};

static int checked;

static void compare(const char *id, const struct kv *exp, size_t ne, const struct named *got,
		    size_t ng)
{
	for (size_t i = 0; i < ne; i++) {
		const struct named *hit = NULL;
		for (size_t j = 0; j < ng; j++)
			if (strcmp(got[j].key, exp[i].key) == 0)
				hit = &got[j];
		if (!hit)
			fail_msg("%s: no computation for expected value %s", id, exp[i].key);
		/* A list "a;b;c" is compared element-wise by the caller. */
		double want = strtod(exp[i].val, NULL);
		if (!(fabs(hit->value - want) <= tol_of(exp[i].val)))
			fail_msg("%s: %s = %.12g, expected %s", id, exp[i].key, hit->value,
				 exp[i].val);
		checked++;
	}
}

static void vec_v1(const char *id, const struct kv *in, size_t ni, const struct kv *ex, size_t ne)
{
	struct ev_g g;
	if (kv_get(in, ni, "raw_t")) {
		double t[16], c[16];
		size_t nt = 0, nc = 0;
		for (const char *p = kv_get(in, ni, "raw_t") + 1; nt < 16 && *p && *p != '}';) {
			char *end;
			t[nt++] = strtod(p, &end);
			p = *end == ',' ? end + 1 : end;
		}
		for (const char *p = kv_get(in, ni, "raw_c") + 1; nc < 16 && *p && *p != '}';) {
			char *end;
			c[nc++] = strtod(p, &end);
			p = *end == ',' ? end + 1 : end;
		}
		assert_int_equal(ev_hedges_g_raw(t, nt, c, nc, &g, NULL, 0), EB_OK);
	} else {
		assert_int_equal(ev_hedges_g((struct ev_group){ kv_num(in, ni, "mean_t"),
								kv_num(in, ni, "sd_t"),
								kv_num(in, ni, "n_t") },
					     (struct ev_group){ kv_num(in, ni, "mean_c"),
								kv_num(in, ni, "sd_c"),
								kv_num(in, ni, "n_c") },
					     &g, NULL, 0),
				 EB_OK);
	}
	struct named got[] = {
		{ "S", g.s }, { "omega", g.omega }, { "d", g.d }, { "g", g.g }, { "se_g", g.se }
	};
	compare(id, ex, ne, got, 5);
}

static void vec_v2(const char *id, const struct kv *in, size_t ni, const struct kv *ex, size_t ne)
{
	struct ev_cox c;
	assert_int_equal(ev_cox_index(kv_num(in, ni, "p_t"), kv_num(in, ni, "p_c"),
				      kv_num(in, ni, "N"), &c, NULL, 0),
			 EB_OK);
	struct named got[] = { { "cox_unadjusted", c.unadjusted },
			       { "omega", c.omega },
			       { "cox", c.cox } };
	compare(id, ex, ne, got, 3);
}

static void vec_v3(const char *id, const struct kv *in, size_t ni, const struct kv *ex, size_t ne)
{
	const char *gs = kv_get(in, ni, "g"), *ws = kv_get(ex, ne, "improvement_index");
	assert_non_null(gs);
	assert_non_null(ws);
	int k = 0;
	while (*gs && *ws) {
		char *e1, *e2;
		double g = strtod(gs, &e1), w = strtod(ws, &e2);
		char wtxt[32];
		snprintf(wtxt, sizeof wtxt, "%.*s", (int)(e2 - ws), ws);
		if (!(fabs(ev_improvement_index(g) - w) <= tol_of(wtxt)))
			fail_msg("%s: improvement index of %g = %.6f, expected %s", id, g,
				 ev_improvement_index(g), wtxt);
		checked++;
		k++;
		gs = *e1 == ';' ? e1 + 1 : e1;
		ws = *e2 == ';' ? e2 + 1 : e2;
		if (e1 == gs && *gs != 0)
			break;
	}
	assert_int_equal(k, 5);
}

static void vec_v4(const char *id, const struct kv *in, size_t ni, const struct kv *ex, size_t ne)
{
	if (kv_get(in, ni, "mean_cluster_size")) {
		double h;
		assert_int_equal(ev_cluster_h(kv_num(in, ni, "N"), kv_num(in, ni, "icc"),
					      kv_num(in, ni, "mean_cluster_size"), &h, NULL, 0),
				 EB_OK);
		struct named got[] = { { "h", h } };
		compare(id, ex, ne, got, 1);
		return;
	}
	struct ev_cluster c;
	assert_int_equal(ev_cluster_correct(kv_num(in, ni, "g"), kv_num(in, ni, "n_t"),
					    kv_num(in, ni, "n_c"), kv_num(in, ni, "clusters"),
					    kv_num(in, ni, "icc"), &c, NULL, 0),
			 EB_OK);
	struct named got[] = { { "t", c.t },
			       { "t_adj", c.t_adj },
			       { "h", c.h },
			       { "p_naive", c.p_naive },
			       { "p_adj", c.p_adj } };
	compare(id, ex, ne, got, 5);
}

static void vec_v5(const char *id, const struct kv *in, size_t ni, const struct kv *ex, size_t ne)
{
	double nt = kv_num(in, ni, "n_t"), nc = kv_num(in, ni, "n_c");
	struct ev_did d;
	assert_int_equal(ev_did_summary((struct ev_group){ kv_num(in, ni, "pre.mean_t"),
							   kv_num(in, ni, "pre.sd"), nt },
					(struct ev_group){ kv_num(in, ni, "pre.mean_c"),
							   kv_num(in, ni, "pre.sd"), nc },
					(struct ev_group){ kv_num(in, ni, "post.mean_t"),
							   kv_num(in, ni, "post.sd"), nt },
					(struct ev_group){ kv_num(in, ni, "post.mean_c"),
							   kv_num(in, ni, "post.sd"), nc },
					&d, NULL, 0),
			 EB_OK);
	struct named got[] = { { "g_pre", d.g_pre },
			       { "g_post", d.g_post },
			       { "g_post-g_pre", d.g_form_a },
			       { "omega*((55-52)-(48-47))/S_post", d.g_form_b } };
	compare(id, ex, ne, got, 4);
}

/* V6: "baseline g=a;b;..." against "band;band;...". */
static void vec_v6(const char *id, const char *inputs, const char *expected)
{
	const char *gs = strstr(inputs, "g=");
	assert_non_null(gs);
	gs += 2;
	const char *ws = expected;
	int k = 0;
	while (*gs) {
		char *e1;
		double g = strtod(gs, &e1);
		const char *semi = strchr(ws, ';');
		size_t len = semi ? (size_t)(semi - ws) : strlen(ws);
		const char *name = ev_band_name(ev_baseline_band(g));
		if (strlen(name) != len || strncmp(name, ws, len) != 0)
			fail_msg("%s: g = %g is '%s', expected '%.*s'", id, g, name, (int)len, ws);
		checked++;
		k++;
		if (*e1 != ';' || !semi)
			break;
		gs = e1 + 1;
		ws = semi + 1;
	}
	assert_int_equal(k, 5);
}

/* Reads "cautious (4.1) high" / "cautious boundary 5.9 -> high attrition". */
static void check_boundary(const char *id, const char *text, const char *which, double boundary,
			   bool low)
{
	const char *p = strstr(text, which);
	if (!p)
		fail_msg("%s: no '%s' in expected text", id, which);
	p += strlen(which);
	while (*p && (*p < '0' || *p > '9'))
		p++;
	char *end;
	double b = strtod(p, &end);
	NEAR(boundary, b, 1e-9);
	const char *hl = strstr(end, "high"), *lw = strstr(end, "low");
	bool says_low = lw && (!hl || lw < hl);
	if (says_low != low)
		fail_msg("%s: %s boundary gives %s, expected otherwise", id, which,
			 low ? "low" : "high");
	checked++;
}

static void vec_v7(const char *id, const char *inputs, const char *expected)
{
	struct kv in[MAXKV];
	size_t ni = parse_kv(inputs, in, MAXKV);
	struct ev_attrition a;
	assert_int_equal(ev_attrition(kv_num(in, ni, "randomized_t"),
				      kv_num(in, ni, "randomized_c"), kv_num(in, ni, "analyzed_t"),
				      kv_num(in, ni, "analyzed_c"), &a, NULL, 0),
			 EB_OK);
	struct kv ex[MAXKV];
	size_t ne = parse_kv(expected, ex, MAXKV);
	NEAR(a.overall_pct, kv_num(ex, ne, "overall_attrition"), 1e-9);
	NEAR(a.differential_pp, kv_num(ex, ne, "differential"), 1e-9);
	checked += 2;
	check_boundary(id, expected, "cautious", a.cautious_max_pp, a.low_cautious);
	check_boundary(id, expected, "optimistic", a.optimistic_max_pp, a.low_optimistic);
}

static void vec_v8(const char *id, const char *inputs, const char *expected)
{
	char ib[512], eb[512];
	snprintf(ib, sizeof ib, "%s", inputs);
	snprintf(eb, sizeof eb, "%s", expected);
	char *s1 = ib, *s2 = eb;
	int k = 0;
	for (char *ci = next_tok(&s1, ";"), *ce = next_tok(&s2, ";"); ci && ce;
	     ci = next_tok(&s1, ";"), ce = next_tok(&s2, ";"), k++) {
		struct kv in[4];
		size_t ni = parse_kv(ci, in, 4);
		struct ev_attrition a;
		assert_int_equal(ev_attrition_rates(kv_num(in, ni, "overall"),
						    kv_num(in, ni, "differential"), &a, NULL, 0),
				 EB_OK);
		if (strstr(ce, "low under both")) {
			assert_true(a.low_cautious && a.low_optimistic);
			checked++;
		} else {
			check_boundary(id, ce, "cautious", a.cautious_max_pp, a.low_cautious);
			check_boundary(id, ce, "optimistic", a.optimistic_max_pp, a.low_optimistic);
		}
	}
	assert_int_equal(k, 2);
}

typedef void (*vec_kv_fn)(const char *, const struct kv *, size_t, const struct kv *, size_t);
typedef void (*vec_raw_fn)(const char *, const char *, const char *);
static const struct {
	const char *prefix;
	vec_kv_fn kv;
	vec_raw_fn raw;
} vec_table[] = {
	{ "V1", vec_v1, NULL }, { "V2", vec_v2, NULL }, { "V3", vec_v3, NULL },
	{ "V4", vec_v4, NULL }, { "V5", vec_v5, NULL }, { "V6", NULL, vec_v6 },
	{ "V7", NULL, vec_v7 }, { "V8", NULL, vec_v8 },
};

static void test_vectors_file(void **state)
{
	(void)state;
	FILE *f = fopen(VEC_PATH, "r");
	if (!f) {
		printf("# skipped: ../shared/data absent\n");
		skip();
	}
	char line[2048];
	int rows = 0;
	checked = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		if (!tab1 || !tab2 || strncmp(line, "id\t", 3) == 0)
			continue;
		*tab1 = *tab2 = 0;
		const char *id = line, *inputs = tab1 + 1, *expected = tab2 + 1;
		bool done = false;
		for (size_t i = 0; i < sizeof vec_table / sizeof vec_table[0]; i++) {
			if (strncmp(id, vec_table[i].prefix, 2) != 0)
				continue;
			if (vec_table[i].raw) {
				vec_table[i].raw(id, inputs, expected);
			} else {
				struct kv in[MAXKV], ex[MAXKV];
				size_t ni = parse_kv(inputs, in, MAXKV),
				       ne = parse_kv(expected, ex, MAXKV);
				assert_true(ne > 0);
				vec_table[i].kv(id, in, ni, ex, ne);
			}
			done = true;
		}
		if (!done)
			fail_msg("vector %s: no check written for it", id);
		rows++;
	}
	fclose(f);
	printf("# vectors: %d rows, %d values checked\n", rows, checked);
	assert_true(rows >= 14);
}

/* ---- other functions -------------------------------------------------- */

static void test_handbook_example(void **state)
{
	(void)state;
	assert_int_equal(lround(ev_improvement_index(0.25)), 10);
	NEAR(ev_improvement_index(0), 0, 1e-15);
}

static void test_icc(void **state)
{
	(void)state;
	/* By hand: MSB 16, MSW 2, n0 2 -> (16 - 2) / (16 + 2). */
	double y[] = { 1, 3, 5, 7 };
	int64_t c[] = { 1, 1, 2, 2 };
	double icc;
	assert_int_equal(ev_icc_anova(y, c, 4, &icc, NULL, 0), EB_OK);
	NEAR(icc, 14.0 / 18.0, 1e-12);
	double y0[] = { 1, 3, 1, 3 };
	assert_int_equal(ev_icc_anova(y0, c, 4, &icc, NULL, 0), EB_OK);
	NEAR(icc, 0, 0); /* negative estimate truncated */
	int64_t one[] = { 1, 1, 1, 1 };
	char why[200] = "";
	assert_int_equal(ev_icc_anova(y, one, 4, &icc, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "2 classes"));
}

static void test_mdes(void **state)
{
	(void)state;
	struct ev_mdes_in in = { 200, 200, 0, 0, 0.05, 0.80, 0, 0 };
	double m;
	assert_int_equal(ev_mdes(&in, &m, NULL, 0), EB_OK);
	/* (t_.975,398 + t_.80,398) * sqrt(4/400) ~ 2.809 * 0.1 (Bloom's 2.8). */
	NEAR(m, 0.2809, 0.0005);
	in.clusters = 20;
	in.icc = 0.20;
	assert_int_equal(ev_mdes(&in, &m, NULL, 0), EB_OK);
	/* (t_.975,18 + t_.80,18) * sqrt(0.2/5 + 0.8/100), t from a printed
	 * table to 3 decimals: 2.101 + 0.862. */
	NEAR(m, 2.963 * sqrt(0.048), 0.0005 * sqrt(0.048));
	in.r2 = 0.5;
	double m2;
	assert_int_equal(ev_mdes(&in, &m2, NULL, 0), EB_OK);
	NEAR(m2, m * sqrt(0.5), 1e-9);
	char why[200] = "";
	in.n_t = 0;
	assert_int_equal(ev_mdes(&in, &m, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "both groups"));
}

static void test_essa(void **state)
{
	(void)state;
	struct ev_tier t;
	struct ev_tier_in in = { EV_DESIGN_RANDOMIZED, true, false, true, 0.2, 0.01, 0, 800, 4 };
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 1);
	assert_string_equal(t.name, "Strong");
	assert_non_null(strstr(t.reason, "low attrition"));
	in.low_attrition = false;
	in.baseline_equivalent = true;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 2);
	in.design = EV_DESIGN_QUASI;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 2);
	assert_string_equal(t.name, "Moderate");
	in.n = 120;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 3);
	assert_non_null(strstr(t.reason, "350"));
	in.n = 800;
	in.baseline_equivalent = false;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 3);
	in.design = EV_DESIGN_CORRELATIONAL;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 3);
	assert_string_equal(t.name, "Promising");
	in.p_value = 0.2;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 4);
	assert_string_equal(t.name, "Demonstrates a rationale");
	assert_non_null(strstr(t.reason, "not a statistically significant"));
	in.design = EV_DESIGN_RANDOMIZED;
	in.effect = -0.2;
	in.p_value = 0.001;
	ev_essa_tier(&in, &t);
	assert_int_equal(t.tier, 4);
}

static void test_randomize(void **state)
{
	(void)state;
	enum { N = 41 };
	int64_t id[N], st[N], id2[N], st2[N];
	int a[N], b[N], c[N];
	for (int i = 0; i < N; i++) {
		id[i] = 1000 + i * 7;
		st[i] = i % 3;
		id2[N - 1 - i] = id[i];
		st2[N - 1 - i] = st[i];
	}
	assert_int_equal(ev_randomize(id, st, N, 20261124, a, NULL, 0), EB_OK);
	assert_int_equal(ev_randomize(id2, st2, N, 20261124, b, NULL, 0), EB_OK);
	for (int i = 0; i < N; i++)
		assert_int_equal(a[i], b[N - 1 - i]); /* order-independent */
	int tr[3] = { 0 }, tot[3] = { 0 };
	for (int i = 0; i < N; i++)
		tr[st[i]] += a[i], tot[st[i]]++;
	for (int s = 0; s < 3; s++)
		assert_true(abs(2 * tr[s] - tot[s]) <= 1); /* balanced per stratum */
	assert_int_equal(ev_randomize(id, st, N, 7, c, NULL, 0), EB_OK);
	int diff = 0;
	for (int i = 0; i < N; i++)
		diff += a[i] != c[i];
	assert_true(diff > 0);
	id[5] = id[6];
	char why[200] = "";
	assert_int_equal(ev_randomize(id, st, N, 1, a, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "twice"));
	assert_int_equal(ev_randomize(id, NULL, 1, 1, a, NULL, 0), EB_EINVAL);
}

static void test_did_students(void **state)
{
	(void)state;
	/* y = 10 + 2T + 3P + 1.5TP + e, e summing to 0 in every cell. */
	enum { N = 80 };
	double y[N];
	int t[N], p[N];
	int64_t cl[N];
	for (int i = 0; i < N; i++) {
		t[i] = (i / 20) % 2;
		p[i] = i / 40;
		cl[i] = (i / 20) * 10 + (i % 4); /* 4 schools per cell */
		double e = (i % 2 ? 1.0 : -1.0) * (1 + (i % 5) * 0.1);
		y[i] = 10 + 2 * t[i] + 3 * p[i] + 1.5 * t[i] * p[i] + e;
	}
	/* Make the noise zero-sum per cell: pair i with i+1. */
	for (int i = 0; i < N; i += 2)
		y[i + 1] = 2 * (10 + 2 * t[i] + 3 * p[i] + 1.5 * t[i] * p[i]) - y[i];
	struct ev_estimate e;
	assert_int_equal(ev_did_students(y, t, p, cl, N, 0.2, &e, NULL, 0), EB_OK);
	NEAR(e.diff, 1.5, 1e-10);
	assert_true(e.g > 0 && e.ci_lo < e.g && e.ci_hi > e.g);
	assert_true(e.h <= e.df);
	char why[200] = "";
	int p0[N] = { 0 };
	assert_int_equal(ev_did_students(y, t, p0, NULL, N, 0.2, &e, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "after"));
}

static void test_dose_response(void **state)
{
	(void)state;
	struct rng r;
	rng_seed(&r, 99);
	enum { N = 400 };
	double dose[N], y[N], x[N];
	int64_t cl[N];
	for (int i = 0; i < N; i++) {
		x[i] = rng_normal(&r);
		dose[i] = 30 + 10 * rng_normal(&r) + 5 * x[i];
		y[i] = 50 + 0.2 * dose[i] + 4 * x[i] + 3 * rng_normal(&r);
		cl[i] = i % 20;
	}
	struct ev_dose d;
	assert_int_equal(ev_dose_response(dose, y, x, 1, cl, N, -1, &d, NULL, 0), EB_OK);
	assert_true(d.associational);
	assert_non_null(strstr(d.label, "associational"));
	assert_non_null(strstr(d.label, "does not show"));
	assert_true(d.ci_lo < 0.2 && d.ci_hi > 0.2);
	double flat[N];
	for (int i = 0; i < N; i++)
		flat[i] = 3;
	char why[200] = "";
	assert_int_equal(ev_dose_response(flat, y, x, 1, NULL, N, 0, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "same amount of use"));
}

static void test_bad_input(void **state)
{
	(void)state;
	char why[200];
	struct ev_g g;
	why[0] = 0;
	assert_int_equal(ev_hedges_g((struct ev_group){ 1, 1, 1 }, (struct ev_group){ 1, 1, 20 },
				     &g, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "intervention group needs at least 2"));
	assert_int_equal(ev_hedges_g((struct ev_group){ 1, 0, 10 }, (struct ev_group){ 1, 0, 20 },
				     &g, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "zero variance"));
	assert_int_equal(ev_hedges_g((struct ev_group){ 1, -2, 10 }, (struct ev_group){ 1, 1, 20 },
				     &g, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(ev_hedges_g_raw(NULL, 0, NULL, 0, &g, why, sizeof why), EB_EINVAL);
	struct ev_cox c;
	assert_int_equal(ev_cox_index(1.0, 0.5, 100, &c, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "strictly between 0 and 1"));
	assert_int_equal(ev_cox_index(0.5, 0.0, 100, &c, why, sizeof why), EB_EINVAL);
	assert_int_equal(ev_cox_index(0.5, 0.4, 3, &c, why, sizeof why), EB_EINVAL);
	struct ev_cluster k;
	assert_int_equal(ev_cluster_correct(0.2, 50, 50, 1, 0.2, &k, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "classes or schools"));
	assert_int_equal(ev_cluster_correct(0.2, 50, 50, 10, 1.0, &k, why, sizeof why), EB_EINVAL);
	assert_int_equal(ev_cluster_correct(NAN, 50, 50, 10, 0.2, &k, why, sizeof why), EB_EINVAL);
	double om;
	assert_int_equal(ev_omega(2, &om, why, sizeof why), EB_EINVAL);

	/* Matching with an empty group says which group is missing. */
	double x[10], y[10];
	int tr[10] = { 0 };
	for (int i = 0; i < 10; i++)
		x[i] = i, y[i] = i;
	struct ev_match_in in = { 10, 1, x, 0, tr, NULL, NULL, y, 0.2, 0 };
	struct ev_match_out out;
	assert_int_equal(ev_match(&in, &out, NULL, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "users are 0"));
	for (int i = 0; i < 10; i++)
		tr[i] = 1;
	assert_int_equal(ev_match(&in, &out, NULL, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "comparison group"));
}

/* ---- honesty check ---------------------------------------------------- */

struct sim {
	size_t n;
	double *x; /* pretest, ell */
	int *treated;
	int64_t *grade, *cls;
	double *y;
};

/* Motivated students use the tool more; motivation raises the pretest and,
 * through it, the outcome. effect is in outcome SD units. */
static void simulate(struct sim *s, uint64_t seed, double effect)
{
	struct rng r;
	rng_seed(&r, seed);
	double ucls[60];
	for (int c = 0; c < 60; c++)
		ucls[c] = 0.35 * rng_normal(&r);
	for (size_t i = 0; i < s->n; i++) {
		int c = (int)(i % 60);
		double mot = rng_normal(&r);
		double pre = 0.8 * mot + 0.6 * rng_normal(&r) + ucls[c];
		double p_use = 1 / (1 + exp(-(-0.4 + 1.2 * mot)));
		s->treated[i] = rng_uniform(&r) < p_use;
		s->grade[i] = 3 + c % 3;
		s->cls[i] = c;
		s->x[2 * i] = pre;
		s->x[2 * i + 1] = rng_uniform(&r) < 0.2;
		/* Outcome SD is about 1: 0.8^2 (1 + 0.35^2) + 0.55^2 ~ 1.02. */
		s->y[i] = 0.8 * pre + 0.55 * rng_normal(&r) + effect * s->treated[i];
	}
}

static void test_honesty(void **state)
{
	(void)state;
	struct sim s = { 3000 };
	s.x = malloc(2 * s.n * sizeof *s.x);
	s.treated = malloc(s.n * sizeof *s.treated);
	s.grade = malloc(s.n * sizeof *s.grade);
	s.cls = malloc(s.n * sizeof *s.cls);
	s.y = malloc(s.n * sizeof *s.y);
	assert_true(s.x && s.treated && s.grade && s.cls && s.y);
	int false_pos = 0, covered = 0, seeds = 20;
	double bias = 0;
	for (int k = 0; k < seeds; k++) {
		for (int truth = 0; truth < 2; truth++) {
			double eff = truth ? 0.15 : 0.0;
			simulate(&s, 1000 + k, eff);
			struct ev_match_in in = { s.n,	   2,	  s.x, 0,  s.treated,
						  s.grade, s.cls, s.y, -1, 0.2 };
			struct ev_match_out o;
			char why[300] = "";
			if (ev_match(&in, &o, NULL, why, sizeof why))
				fail_msg("seed %d: %s", k, why);
			if (!truth) {
				/* Selection shows up as a naive "effect"... */
				assert_true(o.naive_g > 0.3);
				/* ...which matching on the pretest removes. */
				if (k == 0) {
					printf("# naive g %.3f, matched g %.3f [%.3f, %.3f], icc "
					       "%.3f, pairs %zu, pretest balance %.3f -> %.3f\n",
					       o.naive_g, o.est.g, o.est.ci_lo, o.est.ci_hi,
					       o.est.icc, o.n_pairs, o.balance[0].g_before,
					       o.balance[0].g_after);
					assert_true(fabs(o.est.g) < 0.1);
					assert_true(o.est.icc_estimated && o.est.icc > 0);
					/* Greedy 1:1 caliper matching leaves some of a
					 * strong selection (0.7 SD); the rest is in the
					 * "needs adjustment" band, which the pretest in
					 * the outcome regression provides. */
					assert_true(o.balance[0].band_after !=
						    EV_BAND_NOT_SATISFIED);
					assert_true(fabs(o.balance[0].g_after) <
						    fabs(o.balance[0].g_before) / 4);
					assert_int_equal(o.balance[0].band_before,
							 EV_BAND_NOT_SATISFIED);
				}
				false_pos += o.est.significant && o.est.g > 0;
				bias += o.est.g;
			} else {
				covered += o.est.ci_lo <= 0.15 && 0.15 <= o.est.ci_hi;
				if (k == 0)
					assert_true(o.est.ci_lo <= 0.15 && 0.15 <= o.est.ci_hi);
			}
		}
	}
	printf("# honesty (20 seeds, 3000 students): false_positive %d/20, coverage %d/20, "
	       "mean_bias %.4f\n",
	       false_pos, covered, bias / seeds);
	assert_true(false_pos <= 3);
	assert_true(covered >= 16);
	free(s.x);
	free(s.treated);
	free(s.grade);
	free(s.cls);
	free(s.y);
}

/* Pairs lie within a stratum and within the caliper; no one is used twice;
 * the result does not depend on the order of the students. */
static void test_match_invariants(void **state)
{
	(void)state;
	struct sim s = { 1200 };
	s.x = malloc(2 * s.n * sizeof *s.x);
	s.treated = malloc(s.n * sizeof *s.treated);
	s.grade = malloc(s.n * sizeof *s.grade);
	s.cls = malloc(s.n * sizeof *s.cls);
	s.y = malloc(s.n * sizeof *s.y);
	int64_t *m = malloc(s.n * sizeof *m);
	assert_true(s.x && s.treated && s.grade && s.cls && s.y && m);
	simulate(&s, 77, 0.1);
	struct ev_match_in in = {
		s.n, 2, s.x, 0, s.treated, s.grade, s.cls, s.y, EV_ICC_ACHIEVEMENT, 0.2
	};
	struct ev_match_out o;
	char why[300] = "";
	assert_int_equal(ev_match(&in, &o, m, why, sizeof why), EB_OK);
	size_t pairs = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (m[i] < 0)
			continue;
		size_t j = (size_t)m[i];
		assert_int_equal(m[j], (int64_t)i);
		assert_int_not_equal(s.treated[i], s.treated[j]);
		assert_int_equal(s.grade[i], s.grade[j]);
		pairs += s.treated[i];
	}
	assert_int_equal(pairs, o.n_pairs);
	assert_int_equal(o.n_pairs + o.n_t_unmatched, o.n_t_before);
	assert_true(o.caliper > 0);
	NEAR(o.est.icc, EV_ICC_ACHIEVEMENT, 0);
	assert_false(o.est.icc_estimated);
	assert_true(o.est.clusters > 2 && o.est.h < o.est.df);
	assert_true(o.est.mdes > 0);
	/* Reversed input order gives the same estimate. */
	struct sim r = { s.n };
	r.x = malloc(2 * s.n * sizeof *r.x);
	r.treated = malloc(s.n * sizeof *r.treated);
	r.grade = malloc(s.n * sizeof *r.grade);
	r.cls = malloc(s.n * sizeof *r.cls);
	r.y = malloc(s.n * sizeof *r.y);
	assert_true(r.x && r.treated && r.grade && r.cls && r.y);
	for (size_t i = 0; i < s.n; i++) {
		size_t k = s.n - 1 - i;
		r.x[2 * k] = s.x[2 * i];
		r.x[2 * k + 1] = s.x[2 * i + 1];
		r.treated[k] = s.treated[i];
		r.grade[k] = s.grade[i];
		r.cls[k] = s.cls[i];
		r.y[k] = s.y[i];
	}
	struct ev_match_in rin = {
		r.n, 2, r.x, 0, r.treated, r.grade, r.cls, r.y, EV_ICC_ACHIEVEMENT, 0.2
	};
	struct ev_match_out ro;
	assert_int_equal(ev_match(&rin, &ro, NULL, why, sizeof why), EB_OK);
	assert_int_equal(ro.n_pairs, o.n_pairs);
	NEAR(ro.est.g, o.est.g, 1e-9);
	free(r.x), free(r.treated), free(r.grade), free(r.cls), free(r.y);
	free(s.x), free(s.treated), free(s.grade), free(s.cls), free(s.y), free(m);
}

/* SE of the Cox index, by hand for the V2a/V2b inputs:
 * V2a omega sqrt(1/(100 .6 .4) + 1/(100 .5 .5)) / 1.65 = 0.1725393687,
 * V2b (60/60, .3/.2) = 0.2579862738. */
static void test_cox_se(void **state)
{
	(void)state;
	double se;
	assert_int_equal(ev_cox_se(0.6, 100, 0.5, 100, &se, NULL, 0), EB_OK);
	assert_true(fabs(se - 0.1725393687) < 1e-9);
	assert_int_equal(ev_cox_se(0.3, 60, 0.2, 60, &se, NULL, 0), EB_OK);
	assert_true(fabs(se - 0.2579862738) < 1e-9);
	char why[200];
	assert_int_equal(ev_cox_se(1.0, 60, 0.2, 60, &se, why, sizeof why), EB_EINVAL);
	assert_int_equal(ev_cox_se(0.5, 1, 0.2, 60, &se, why, sizeof why), EB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_hedges_g),
		cmocka_unit_test(test_v2_cox),
		cmocka_unit_test(test_v3_improvement),
		cmocka_unit_test(test_v4_clustering),
		cmocka_unit_test(test_v5_did),
		cmocka_unit_test(test_v6_bands),
		cmocka_unit_test(test_v7_v8_attrition),
		cmocka_unit_test(test_vectors_file),
		cmocka_unit_test(test_handbook_example),
		cmocka_unit_test(test_icc),
		cmocka_unit_test(test_mdes),
		cmocka_unit_test(test_essa),
		cmocka_unit_test(test_randomize),
		cmocka_unit_test(test_did_students),
		cmocka_unit_test(test_dose_response),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_honesty),
		cmocka_unit_test(test_cox_se),
		cmocka_unit_test(test_match_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
