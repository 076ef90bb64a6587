/* test_metrics.c - AUC (with ties), RMSE, log-loss and ECE against values
 * computed by hand on tests/fixtures/kt/predictions.tsv. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "base/stats_metrics.h"

/* p = .1 .4 .35 .8 .4, y = 0 0 1 1 1 */
static size_t load_predictions(double *p, uint8_t *y, size_t cap)
{
	FILE *f = fopen("tests/fixtures/kt/predictions.tsv", "r");
	assert_non_null(f);
	char line[128];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (n < cap && fgets(line, sizeof line, f)) {
		int yy;
		assert_int_equal(sscanf(line, "%lf\t%d", &p[n], &yy), 2);
		y[n++] = (uint8_t)yy;
	}
	fclose(f);
	return n;
}

static void test_auc_ties(void **state)
{
	double p[8];
	uint8_t y[8];
	size_t n = load_predictions(p, y, 8);
	assert_int_equal(n, 5);
	double auc;
	assert_int_equal(stats_auc(p, y, n, &auc), EB_OK);
	/* 6 positive-negative pairs: 4 won, 1 tied (0.4 vs 0.4), 1 lost: 4.5/6 */
	assert_true(fabs(auc - 0.75) < 1e-12);
}

static void test_auc_degenerate(void **state)
{
	double p[3] = { 0.2, 0.5, 0.9 }, auc = 0;
	uint8_t all1[3] = { 1, 1, 1 }, y[3] = { 0, 1, 1 };
	assert_int_equal(stats_auc(p, all1, 3, &auc), EB_OK);
	assert_true(isnan(auc));
	assert_int_equal(stats_auc(p, y, 0, &auc), EB_EINVAL);
	double same[3] = { 0.5, 0.5, 0.5 };
	assert_int_equal(stats_auc(same, y, 3, &auc), EB_OK);
	assert_true(fabs(auc - 0.5) < 1e-12); /* all tied */
	assert_int_equal(stats_auc(p, y, 3, &auc), EB_OK);
	assert_true(fabs(auc - 1.0) < 1e-12);
}

static void test_rmse_logloss_ece(void **state)
{
	double p[8];
	uint8_t y[8];
	size_t n = load_predictions(p, y, 8);
	/* squared errors .01 .16 .4225 .04 .36 -> mean .1985 */
	assert_true(fabs(stats_rmse(p, y, n) - sqrt(0.1985)) < 1e-12);
	double ll = -(log(0.9) + log(0.6) + log(0.35) + log(0.8) + log(0.4)) / 5;
	assert_true(fabs(stats_logloss(p, y, n) - ll) < 1e-12);
	assert_true(fabs(ll - 0.5610885) < 1e-6);
	/* bins: [.1,.2): p .1 y 0 -> .1; [.3,.4): .35 vs 1 -> .65;
	 * [.4,.5): p .4+.4 y 0+1 -> |1-.8| = .2; [.8,.9): .8 vs 1 -> .2; / 5 */
	assert_true(fabs(stats_ece(p, y, n) - 1.15 / 5) < 1e-12);
	struct stats_binary sb;
	assert_int_equal(stats_binary_eval(p, y, n, &sb), EB_OK);
	assert_int_equal(sb.n, 5);
	assert_true(fabs(sb.auc - 0.75) < 1e-12);
}

static void test_logloss_clamps(void **state)
{
	double p[2] = { 0.0, 1.0 };
	uint8_t y[2] = { 1, 0 };
	double ll = stats_logloss(p, y, 2);
	assert_true(isfinite(ll));
	assert_true(fabs(ll + log(1e-15)) < 0.2); /* 1 - 1e-15 is not exact in double */
	/* p = 1 falls in the last ECE bin */
	double q[1] = { 1.0 };
	uint8_t z[1] = { 1 };
	assert_true(fabs(stats_ece(q, z, 1)) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auc_ties),
		cmocka_unit_test(test_auc_degenerate),
		cmocka_unit_test(test_rmse_logloss_ece),
		cmocka_unit_test(test_logloss_clamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
