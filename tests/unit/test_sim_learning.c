/* test_sim_learning.c - the learning process and the tools of the simulator:
 * reproducible, learning happens, selection exists, responses follow the
 * latent state, and every format parses back with the fields real ones carry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/learning.h"
#include "sim/tools.h"

#define STUDENTS 900

struct fixture {
	struct sim_district *d;
	struct sim_learning *l;
};

static struct fixture fx;

static void build(uint64_t seed, struct sim_district **d, struct sim_learning **l)
{
	struct sim_params p;
	struct sim_learning_params lp;
	sim_params_default(&p);
	p.students = STUDENTS;
	p.seed = seed;
	assert_int_equal(sim_district_build(&p, d), EB_OK);
	sim_learning_params_default(&lp);
	assert_int_equal(sim_learning_run(*d, &lp, l), EB_OK);
}

static int setup(void **state)
{
	(void)state;
	build(3, &fx.d, &fx.l);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_learning_free(fx.l);
	sim_district_free(fx.d);
	return 0;
}

static void write_all(const struct sim_learning *l, enum sim_tool_id t, struct buf *b)
{
	buf_init(b, 1u << 30);
	assert_int_equal(sim_tool_write(l, t, 0, SIZE_MAX, b, NULL), EB_OK);
}

static void test_reproducible(void **state)
{
	(void)state;
	struct sim_district *d2, *d3;
	struct sim_learning *l2, *l3;
	build(3, &d2, &l2);
	build(4, &d3, &l3);
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		struct buf a, b, c;
		write_all(fx.l, (enum sim_tool_id)t, &a);
		write_all(l2, (enum sim_tool_id)t, &b);
		write_all(l3, (enum sim_tool_id)t, &c);
		assert_true(a.len > 100);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		assert_false(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
		buf_free(&a);
		buf_free(&b);
		buf_free(&c);
	}
	assert_true(sim_learning_true_effect_sd(fx.l, SIM_TOOL_PRACTICE) ==
		    sim_learning_true_effect_sd(l2, SIM_TOOL_PRACTICE));
	sim_learning_free(l2);
	sim_district_free(d2);
	sim_learning_free(l3);
	sim_district_free(d3);
}

static void test_bad_params(void **state)
{
	(void)state;
	struct sim_learning_params lp;
	struct sim_learning *l = (struct sim_learning *)1;
	sim_learning_params_default(&lp);
	lp.weeks = 0;
	assert_int_equal(sim_learning_run(fx.d, &lp, &l), EB_EINVAL);
	assert_null(l);
	sim_learning_params_default(&lp);
	lp.dosage = 0;
	assert_int_equal(sim_learning_run(fx.d, &lp, &l), EB_EINVAL);
	sim_learning_params_default(&lp);
	lp.forget_p = 1.5;
	assert_int_equal(sim_learning_run(fx.d, &lp, &l), EB_EINVAL);
	struct buf b = BUF_INIT;
	assert_int_equal(sim_tool_write(fx.l, SIM_TOOL_COUNT, 0, 1, &b, NULL), EB_EINVAL);
	buf_free(&b);
}

static void test_learning_happens(void **state)
{
	(void)state;
	int W = sim_learning_params(fx.l)->weeks;
	double prev = sim_learning_mean_mastery(fx.l, -1, 0);
	double first = prev;
	for (int w = 3; w <= W; w += 3) {
		double m = sim_learning_mean_mastery(fx.l, -1, w);
		assert_true(m > prev);
		prev = m;
	}
	print_message("mean focus mastery week 0 %.3f -> week %d %.3f\n", first, W, prev);
	assert_true(prev - first > 0.2);
	double e_practice = sim_learning_true_effect_sd(fx.l, SIM_TOOL_PRACTICE);
	double e_video = sim_learning_true_effect_sd(fx.l, SIM_TOOL_VIDEO);
	print_message("true effect (SD): practice %.3f, video %.3f, tutor %.3f, quiz %.3f, fluency "
		      "%.3f\n",
		      e_practice, e_video, sim_learning_true_effect_sd(fx.l, SIM_TOOL_TUTOR),
		      sim_learning_true_effect_sd(fx.l, SIM_TOOL_QUIZ),
		      sim_learning_true_effect_sd(fx.l, SIM_TOOL_FLUENCY));
	assert_true(e_practice > 0.08 && e_practice < 0.25);
	assert_true(e_video == 0.0);
	for (int t = 0; t < SIM_TOOL_COUNT; t++)
		if (t != SIM_TOOL_VIDEO)
			assert_true(sim_learning_true_effect_sd(fx.l, (enum sim_tool_id)t) > 0);

	/* latent gain of practice users exceeds that of comparable non-users:
	 * compare within the third of students by ability */
	size_t n;
	const struct sim_student *st = sim_students(fx.d, &n);
	double gu = 0, gn = 0;
	size_t nu = 0, nn = 0;
	for (size_t s = 0; s < n; s++) {
		const struct standard *tr[64];
		size_t nf, nt = sim_learning_tracked(fx.l, st[s].grade, tr, 64, &nf);
		(void)nt;
		if (st[s].ability < -0.4 || st[s].ability > 0.4 || nf == 0)
			continue;
		double g = 0;
		for (size_t j = 0; j < nf; j++)
			g += sim_learning_mastered(fx.l, s, tr[j], W) -
			     sim_learning_mastered(fx.l, s, tr[j], 0);
		int m, k;
		sim_learning_usage(fx.l, s, SIM_TOOL_PRACTICE, -1, &m, &k);
		if (m > 0) {
			gu += g / nf;
			nu++;
		} else {
			gn += g / nf;
			nn++;
		}
	}
	assert_true(nu > 50 && nn > 50);
	print_message("mid-ability latent gain: practice users %.3f, non-users %.3f\n", gu / nu,
		      gn / nn);
	assert_true(gu / nu > gn / nn + 0.03);
}

static void test_truth_accessors(void **state)
{
	(void)state;
	size_t n;
	const struct sim_student *st = sim_students(fx.d, &n);
	const struct standard *tr[64];
	size_t nf, nt = sim_learning_tracked(fx.l, st[0].grade, tr, 64, &nf);
	assert_true(nt >= nf);
	for (size_t j = 0; j < nt && j < 64; j++)
		for (int w = 0; w <= sim_learning_params(fx.l)->weeks; w++) {
			int m = sim_learning_mastered(fx.l, 0, tr[j], w);
			assert_true(m == 0 || m == 1);
		}
	assert_int_equal(sim_learning_mastered(fx.l, 0, tr[0], 99), -1);
	assert_int_equal(sim_learning_mastered(fx.l, n, tr[0], 0), -1);
	/* grade 3 follows 3.OA.A.1 and a grade-2 prerequisite */
	nt = sim_learning_tracked(fx.l, 3, tr, 64, &nf);
	assert_int_equal(nf, 8);
	assert_string_equal(tr[0]->code, "3.OA.A.1");
	bool lower = false;
	for (size_t j = nf; j < nt; j++)
		lower |= tr[j]->grade < 3;
	assert_true(lower);
	/* scale scores: mean 500, SD 50 within grade */
	for (int g = 0; g <= 8; g++) {
		double s1 = 0, s2 = 0;
		size_t k = 0;
		for (size_t s = 0; s < n; s++)
			if (st[s].grade == g) {
				double x = sim_learning_posttest(fx.l, s);
				s1 += x;
				s2 += x * x;
				k++;
			}
		double mu = s1 / k, sd = sqrt((s2 - k * mu * mu) / (k - 1));
		assert_true(fabs(mu - 500) < 1e-6 && fabs(sd - 50) < 1e-6);
	}
	/* item truth inside the set bounds */
	for (int t = 0; t < SIM_TOOL_COUNT; t++)
		for (unsigned i = 0; i < SIM_ITEMS_PER_STANDARD; i++) {
			double d, g, s;
			sim_learning_item(fx.l, (enum sim_tool_id)t, tr[0]->index, i, &d, &g, &s);
			assert_true(g >= SIM_GUESS_MIN && g <= SIM_GUESS_MAX);
			assert_true(s >= SIM_SLIP_MIN && s <= SIM_SLIP_MAX);
		}
}

static void test_selection(void **state)
{
	(void)state;
	size_t n;
	const struct sim_student *st = sim_students(fx.d, &n);
	double mu = 0, mn = 0, pu = 0, pn = 0;
	size_t nu = 0, nn = 0;
	for (size_t s = 0; s < n; s++) {
		int m, k;
		sim_learning_usage(fx.l, s, SIM_TOOL_VIDEO, -1, &m, &k);
		if (m > 0) {
			mu += st[s].motivation;
			pu += sim_learning_posttest(fx.l, s);
			nu++;
		} else {
			mn += st[s].motivation;
			pn += sim_learning_posttest(fx.l, s);
			nn++;
		}
	}
	assert_true(nu > 50 && nn > 50);
	print_message("video: users %zu motivation %.2f vs %.2f, naive posttest diff %.1f points\n",
		      nu, mu / nu, mn / nn, pu / nu - pn / nn);
	assert_true(mu / nu > mn / nn + 0.4);
	assert_true(pu / nu - pn / nn > 5);
	assert_true(sim_learning_true_effect_sd(fx.l, SIM_TOOL_VIDEO) == 0.0);
}

static void test_dosage(void **state)
{
	(void)state;
	size_t n;
	sim_students(fx.d, &n);
	int W = sim_learning_params(fx.l)->weeks;
	double sum = 0;
	size_t k = 0;
	for (size_t s = 0; s < n; s++)
		for (int w = 0; w < W; w++) {
			int m, ses;
			sim_learning_usage(fx.l, s, SIM_TOOL_PRACTICE, w, &m, &ses);
			if (m > 0) {
				sum += m;
				k++;
				assert_true(ses >= 1 && ses <= 7);
			}
		}
	print_message("practice: mean weekly minutes of active users %.1f\n", sum / k);
	assert_true(sum / k >= 30 && sum / k <= 90);
	/* fluency truth = its CSV rows */
	size_t ne;
	const struct sim_event *ev = sim_learning_events(fx.l, SIM_TOOL_FLUENCY, &ne);
	long rows_min = 0, truth_min = 0;
	for (size_t i = 0; i < ne; i++)
		rows_min += ev[i].seconds;
	for (size_t s = 0; s < n; s++) {
		int m, ses;
		sim_learning_usage(fx.l, s, SIM_TOOL_FLUENCY, -1, &m, &ses);
		truth_min += m;
	}
	assert_int_equal(rows_min, truth_min);
}

static void test_responses_track_mastery(void **state)
{
	(void)state;
	static const enum sim_tool_id item_tools[] = { SIM_TOOL_PRACTICE, SIM_TOOL_TUTOR,
						       SIM_TOOL_QUIZ };
	for (size_t k = 0; k < 3; k++) {
		size_t n, c[2] = { 0 }, a[2] = { 0 };
		const struct sim_event *ev = sim_learning_events(fx.l, item_tools[k], &n);
		for (size_t i = 0; i < n; i++) {
			if (ev[i].kind != SIM_EV_ANSWERED)
				continue;
			a[ev[i].mastered]++;
			c[ev[i].mastered] += ev[i].correct;
		}
		assert_true(a[0] > 100 && a[1] > 100);
		double acc0 = (double)c[0] / a[0], acc1 = (double)c[1] / a[1];
		print_message("%s: accuracy unmastered %.3f (n %zu), mastered %.3f (n %zu)\n",
			      sim_tools(NULL)[item_tools[k]].key, acc0, a[0], acc1, a[1]);
		assert_true(acc1 - acc0 > 0.5);
		assert_true(acc0 >= SIM_GUESS_MIN - 0.02 && acc0 <= SIM_GUESS_MAX);
		assert_true(acc1 >= 1 - SIM_SLIP_MAX && acc1 <= 1 - SIM_SLIP_MIN + 0.02);
	}
}

static bool uuid_shaped(const char *s)
{
	if (strlen(s) != 36 || s[14] != '4' || !strchr("89ab", s[19]))
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash != (s[i] == '-'))
			return false;
		if (!dash && !strchr("0123456789abcdef", s[i]))
			return false;
	}
	return true;
}

static const char *jstr(json_t *o, const char *path)
{
	/* dotted path of object keys */
	char key[64];
	const char *p = path;
	while (o && *p) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		p += n + (p[n] == '.');
	}
	return json_is_string(o) ? json_string_value(o) : NULL;
}

static void check_xapi(enum sim_tool_id t)
{
	size_t total = sim_tool_records(fx.l, t), seen = 0, answered = 0;
	assert_true(total > 100);
	for (size_t first = 0; first < total; first += 500) {
		struct buf b = BUF_INIT;
		size_t w;
		assert_int_equal(sim_tool_write(fx.l, t, first, 500, &b, &w), EB_OK);
		json_error_t err;
		json_t *arr = json_loadb(b.data, b.len, 0, &err);
		if (!arr)
			fail_msg("xAPI batch at %zu: %s", first, err.text);
		assert_true(json_is_array(arr));
		assert_int_equal(json_array_size(arr), w);
		size_t i;
		json_t *s;
		json_array_foreach(arr, i, s)
		{
			assert_true(uuid_shaped(jstr(s, "id")));
			assert_string_equal(jstr(s, "actor.objectType"), "Agent");
			const char *mbox = jstr(s, "actor.mbox");
			if (mbox)
				assert_memory_equal(mbox, "mailto:", 7);
			else
				assert_non_null(jstr(s, "actor.account.name")),
					assert_memory_equal(jstr(s, "actor.account.homePage"),
							    "https://", 8);
			const char *verb = jstr(s, "verb.id");
			assert_non_null(verb);
			assert_memory_equal(verb, "http://adlnet.gov/expapi/verbs/", 31);
			assert_string_equal(jstr(s, "object.objectType"), "Activity");
			assert_memory_equal(jstr(s, "object.id"), "https://", 8);
			const char *ts = jstr(s, "timestamp");
			assert_true(ts && strlen(ts) == 20 && ts[19] == 'Z');
			assert_string_equal(jstr(s, "version"), "1.0.3");
			assert_memory_equal(jstr(s, "result.duration"), "PT", 2);
			/* the CCSS code is in the extension or at the end of the name */
			json_t *ext = json_object_get(
				json_object_get(
					json_object_get(json_object_get(s, "object"), "definition"),
					"extensions"),
				SIM_XAPI_CCSS_EXT);
			const char *code = json_string_value(ext);
			if (!code) {
				const char *name = jstr(s, "object.definition.name.en-US");
				assert_non_null(name);
				code = strstr(name, "CCSS.");
			}
			assert_non_null(code);
			assert_non_null(standards_find(code));
			if (strstr(verb, "answered")) {
				answered++;
				json_t *res = json_object_get(s, "result");
				assert_true(json_is_boolean(json_object_get(res, "success")));
				json_t *sc =
					json_object_get(json_object_get(res, "score"), "scaled");
				assert_true(json_is_number(sc));
			}
		}
		seen += w;
		json_decref(arr);
		buf_free(&b);
	}
	assert_int_equal(seen, total);
	assert_true(answered > total / 2);
	/* a record's bytes do not depend on the batch cut */
	struct buf one = BUF_INIT, two = BUF_INIT;
	assert_int_equal(sim_tool_write(fx.l, t, 7, 3, &one, NULL), EB_OK);
	assert_int_equal(sim_tool_write(fx.l, t, 0, 10, &two, NULL), EB_OK);
	assert_non_null(strstr(two.data, one.data + 1));
	buf_free(&one);
	buf_free(&two);
}

static void test_xapi(void **state)
{
	(void)state;
	check_xapi(SIM_TOOL_PRACTICE);
	check_xapi(SIM_TOOL_TUTOR);
	/* the tutor uses mbox for middle school, account below */
	struct buf b;
	write_all(fx.l, SIM_TOOL_TUTOR, &b);
	assert_non_null(strstr(b.data, "\"mbox\":\"mailto:"));
	assert_non_null(strstr(b.data, "\"homePage\":\"https://tutor.stepwise.example\""));
	buf_free(&b);
}

static void test_caliper(void **state)
{
	(void)state;
	size_t total = sim_tool_records(fx.l, SIM_TOOL_VIDEO), seen = 0;
	size_t kinds[4] = { 0 }; /* Viewed, Started, Paused, Ended */
	assert_true(total > 100);
	for (size_t first = 0; first < total; first += 50) {
		struct buf b = BUF_INIT;
		size_t w;
		assert_int_equal(sim_tool_write(fx.l, SIM_TOOL_VIDEO, first, 50, &b, &w), EB_OK);
		json_error_t err;
		json_t *env = json_loadb(b.data, b.len, 0, &err);
		if (!env)
			fail_msg("Caliper envelope at %zu: %s", first, err.text);
		assert_memory_equal(jstr(env, "sensor"), "https://", 8);
		assert_string_equal(jstr(env, "dataVersion"), SIM_CALIPER_CONTEXT);
		const char *send = jstr(env, "sendTime");
		assert_true(send && strlen(send) == 24 && send[23] == 'Z');
		json_t *data = json_object_get(env, "data"), *e;
		assert_int_equal(json_array_size(data), w);
		size_t i;
		json_array_foreach(data, i, e)
		{
			assert_string_equal(jstr(e, "@context"), SIM_CALIPER_CONTEXT);
			const char *id = jstr(e, "id");
			assert_true(id && strncmp(id, "urn:uuid:", 9) == 0 && uuid_shaped(id + 9));
			const char *type = jstr(e, "type"), *action = jstr(e, "action");
			assert_non_null(type);
			assert_non_null(action);
			assert_string_equal(jstr(e, "actor.type"), "Person");
			assert_memory_equal(jstr(e, "actor.id"),
					    "https://video.mathview.example/users/stu-", 41);
			assert_string_equal(jstr(e, "object.type"), "VideoObject");
			assert_string_equal(jstr(e, "object.mediaType"), "video/mp4");
			assert_non_null(jstr(e, "object.id"));
			json_t *lo = json_array_get(
				json_object_get(json_object_get(e, "object"), "learningObjectives"),
				0);
			assert_non_null(standards_find(jstr(lo, "name")));
			assert_non_null(standards_find(jstr(lo, "id")));
			assert_non_null(jstr(e, "eventTime"));
			if (strcmp(type, "ViewEvent") == 0) {
				assert_string_equal(action, "Viewed");
				kinds[0]++;
			} else {
				assert_string_equal(type, "MediaEvent");
				assert_string_equal(jstr(e, "target.type"), "MediaLocation");
				kinds[1] += strcmp(action, "Started") == 0;
				kinds[2] += strcmp(action, "Paused") == 0;
				kinds[3] += strcmp(action, "Ended") == 0;
			}
			if (i + 1 == w)
				assert_string_equal(send, jstr(e, "eventTime"));
		}
		seen += w;
		json_decref(env);
		buf_free(&b);
	}
	assert_int_equal(seen, total);
	assert_true(kinds[0] > 0 && kinds[0] == kinds[1] && kinds[1] == kinds[3] && kinds[2] > 0);
}

static size_t count_fields(const char *line, size_t len)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += line[i] == ',';
	return n;
}

static void test_csv(void **state)
{
	(void)state;
	struct buf q, f;
	write_all(fx.l, SIM_TOOL_QUIZ, &q);
	write_all(fx.l, SIM_TOOL_FLUENCY, &f);
	assert_memory_equal(q.data, "student_id,item_id,standard,correct,score,date\r\n", 48);
	assert_memory_equal(f.data,
			    "student_email,week_start,minutes,sessions,items_attempted,items_"
			    "correct,standard\r\n",
			    82);
	size_t rows = 0;
	for (char *p = strstr(q.data, "\r\n") + 2; *p; rows++) {
		char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_int_equal(count_fields(p, (size_t)(e - p)), 6);
		/* date MM/DD/YYYY at the end */
		assert_true(e - p > 10 && e[-5] == '/' && e[-8] == '/');
		assert_memory_equal(p, "stu-", 4);
		p = e + 2;
	}
	assert_int_equal(rows, sim_tool_records(fx.l, SIM_TOOL_QUIZ));
	rows = 0;
	for (char *p = strstr(f.data, "\r\n") + 2; *p; rows++) {
		char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_int_equal(count_fields(p, (size_t)(e - p)), 7);
		char *at = strchr(p, '@');
		assert_true(at && at < e && strncmp(at, "@students.riverbend.example,", 28) == 0);
		assert_true(at[28 + 4] == '-' && at[28 + 7] == '-'); /* YYYY-MM-DD */
		p = e + 2;
	}
	assert_int_equal(rows, sim_tool_records(fx.l, SIM_TOOL_FLUENCY));
	/* a later batch carries no header */
	struct buf b = BUF_INIT;
	assert_int_equal(sim_tool_write(fx.l, SIM_TOOL_QUIZ, 1, 2, &b, NULL), EB_OK);
	assert_memory_equal(b.data, "stu-", 4);
	buf_free(&b);
	buf_free(&q);
	buf_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_learning_happens),
		cmocka_unit_test(test_truth_accessors),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_dosage),
		cmocka_unit_test(test_responses_track_mastery),
		cmocka_unit_test(test_xapi),
		cmocka_unit_test(test_caliper),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
