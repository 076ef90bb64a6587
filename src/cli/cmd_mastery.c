/* cmd_mastery.c - `edbridge mastery eval|cv`: the mastery model checked
 * against response logs in the ASSISTments format (no database needed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/stats_metrics.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/kt_data.h"
#include "domain/mastery_model.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --l2-item X etc. override the defaults (chosen by `mastery cv`). */
static int read_params(int argc, char **argv, struct mastery_params *hp)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "--l2-item", offsetof(struct mastery_params, l2_item) },
		{ "--l2-skill", offsetof(struct mastery_params, l2_skill) },
		{ "--l2", offsetof(struct mastery_params, l2) },
		{ "--tol", offsetof(struct mastery_params, tol) },
	};
	mastery_params_default(hp);
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		const char *v = cli_opt(argc, argv, opts[i].name);
		double x;
		if (!v)
			continue;
		if (str_to_double(str_from(v), &x) != EB_OK || x < 0) {
			fprintf(stderr, "mastery: %s: '%s' is not a non-negative number\n",
				opts[i].name, v);
			return 2;
		}
		memcpy((char *)hp + opts[i].off, &x, sizeof x);
	}
	int64_t v;
	if (cli_opt_int(argc, argv, "--threads", 1, 2, hp->threads, &v))
		return 2;
	hp->threads = (int)v;
	if (cli_opt_int(argc, argv, "--max-iter", 1, 100000, hp->max_iter, &v))
		return 2;
	hp->max_iter = (int)v;
	return 0;
}

static int load(const char *path, const char *what, struct kt_dataset *d)
{
	char err[512];
	if (!path) {
		fprintf(stderr, "mastery: %s FILE is required\n", what);
		return 2;
	}
	if (kt_load(path, d, err, sizeof err) != EB_OK) {
		fprintf(stderr, "mastery: %s\n", err);
		return 1;
	}
	return 0;
}

/* Fit on train, predict test online, fill metrics. */
static int fit_and_score(const struct kt_dataset *train, const struct kt_dataset *test,
			 const struct mastery_params *hp, struct stats_binary *sb,
			 double *fit_seconds, struct mastery_fit_info *info, const char *pred_path)
{
	char err[256];
	struct mastery_model *m;
	double t0 = now_seconds();
	if (mastery_fit(train, hp, &m, info, err, sizeof err) != EB_OK) {
		fprintf(stderr, "mastery: %s\n", err);
		return 1;
	}
	*fit_seconds = now_seconds() - t0;
	double *p = malloc(test->n * sizeof *p);
	uint8_t *y = malloc(test->n);
	int rc = 1;
	if (!p || !y || mastery_predict_dataset(m, test, p) != EB_OK) {
		fprintf(stderr, "mastery: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < test->n; i++)
		y[i] = test->rows[i].correct;
	if (pred_path) {
		FILE *f = fopen(pred_path, "w");
		if (!f) {
			fprintf(stderr, "mastery: %s: cannot write\n", pred_path);
			goto out;
		}
		fprintf(f, "line\tuser_id\titem_id\tcorrect\tp\n");
		for (size_t i = 0; i < test->n; i++)
			fprintf(f, "%u\t%d\t%d\t%d\t%.17g\n", (unsigned)test->rows[i].line,
				(int)test->rows[i].user, (int)test->rows[i].item, y[i], p[i]);
		if (fclose(f) != 0) {
			fprintf(stderr, "mastery: %s: write failed\n", pred_path);
			goto out;
		}
	}
	if (stats_binary_eval(p, y, test->n, sb) != EB_OK) {
		fprintf(stderr, "mastery: out of memory\n");
		goto out;
	}
	rc = 0;
out:
	free(p);
	free(y);
	mastery_free(m);
	return rc;
}

static int mastery_eval(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge mastery eval --train FILE --test FILE [--threads 1|2]\n"
		     "                             [--predictions OUT.tsv] [--verbose]\n"
		     "Fits the mastery model on FILE (tab-separated: user_id item_id timestamp\n"
		     "correct skill_id), predicts every test response from that student's earlier\n"
		     "responses only, and prints rows, auc, rmse, logloss, ece, fit_seconds.\n"
		     "--predictions writes each test row's prediction (line user_id item_id\n"
		     "correct p).\n"))
		return 0;
	struct mastery_params hp;
	int rc = read_params(argc, argv, &hp);
	if (rc)
		return rc;
	struct kt_dataset train = { 0 }, test = { 0 };
	struct stats_binary sb;
	struct mastery_fit_info info;
	double fit_s;
	char err[256];
	if ((rc = load(cli_opt(argc, argv, "--train"), "--train", &train)) ||
	    (rc = load(cli_opt(argc, argv, "--test"), "--test", &test)))
		goto out;
	if (kt_check_disjoint(&train, &test, err, sizeof err) != EB_OK) {
		fprintf(stderr, "mastery: %s\n", err);
		rc = 1;
		goto out;
	}
	if ((rc = fit_and_score(&train, &test, &hp, &sb, &fit_s, &info,
				cli_opt(argc, argv, "--predictions"))))
		goto out;
	printf("rows: %zu\nauc: %.4f\nrmse: %.4f\nlogloss: %.4f\nece: %.4f\nfit_seconds: %.3f\n",
	       sb.n, sb.auc, sb.rmse, sb.logloss, sb.ece, fit_s);
	if (cli_flag(argc, argv, "--verbose"))
		printf("iterations: %d\nfeatures: %zu\nitems: %zu\nskills: %zu\nbkt_seconds: %.3f\n"
		       "design_seconds: %.3f\nsolve_seconds: %.3f\n",
		       info.iterations, info.features, info.items, info.skills, info.bkt_seconds,
		       info.design_seconds, info.solve_seconds);
out:
	kt_free(&train);
	kt_free(&test);
	return rc;
}

static int mastery_cv(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge mastery cv --train FILE [--folds K] [--l2-item X ...]\n"
		     "K-fold cross-validation split by user on the training file only; prints\n"
		     "the mean auc, logloss and ece of the held-out folds for the given "
		     "settings.\n"))
		return 0;
	struct mastery_params hp;
	int rc = read_params(argc, argv, &hp);
	if (rc)
		return rc;
	int64_t folds;
	if (cli_opt_int(argc, argv, "--folds", 2, 20, 5, &folds))
		return 2;
	struct kt_dataset train = { 0 };
	if ((rc = load(cli_opt(argc, argv, "--train"), "--train", &train)))
		return rc;
	double auc = 0, ll = 0, ece = 0, fs = 0;
	for (int f = 0; f < folds; f++) {
		struct kt_dataset rest, held;
		struct stats_binary sb;
		struct mastery_fit_info info;
		double s;
		if (kt_split_users(&train, (int)folds, f, &rest, &held) != EB_OK) {
			fprintf(stderr, "mastery: out of memory\n");
			rc = 1;
			break;
		}
		rc = fit_and_score(&rest, &held, &hp, &sb, &s, &info, NULL);
		kt_free(&rest);
		kt_free(&held);
		if (rc)
			break;
		auc += sb.auc, ll += sb.logloss, ece += sb.ece, fs += s;
	}
	if (!rc)
		printf("folds: %d\nl2_item: %g\nl2_skill: %g\nl2: %g\ncv_auc: %.4f\ncv_logloss: "
		       "%.4f\ncv_ece: %.4f\nfit_seconds: %.3f\n",
		       (int)folds, hp.l2_item, hp.l2_skill, hp.l2, auc / folds, ll / folds,
		       ece / folds, fs / folds);
	kt_free(&train);
	return rc;
}

static int mastery_params_cmd(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge mastery params --train FILE\n"
		     "Fits the model and prints, per skill, the knowledge-tracing parameters\n"
		     "(prior, learn, forget, guess, slip) and the mean item weight (logits,\n"
		     "higher = easier), tab-separated with a header.\n"))
		return 0;
	struct mastery_params hp;
	int rc = read_params(argc, argv, &hp);
	if (rc)
		return rc;
	struct kt_dataset train = { 0 };
	if ((rc = load(cli_opt(argc, argv, "--train"), "--train", &train)))
		return rc;
	struct mastery_model *m;
	char err[256];
	if (mastery_fit(&train, &hp, &m, NULL, err, sizeof err) != EB_OK) {
		fprintf(stderr, "mastery: %s\n", err);
		kt_free(&train);
		return 1;
	}
	printf("skill_id\tprior\tlearn\tforget\tguess\tslip\titem_weight\n");
	for (size_t s = 0; s < mastery_skill_count(m); s++) {
		struct mastery_bkt b = mastery_skill_bkt(m, (int32_t)s);
		printf("%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n",
		       (int)mastery_skill_raw_id(m, (int32_t)s), b.prior, b.learn, b.forget,
		       b.guess, b.slip, mastery_skill_item_weight(m, (int32_t)s));
	}
	mastery_free(m);
	kt_free(&train);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} mastery_subcommands[] = {
	{ "eval", mastery_eval },
	{ "cv", mastery_cv },
	{ "params", mastery_params_cmd },
};

int cmd_mastery(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: edbridge mastery eval --train FILE --test FILE\n"
			"       edbridge mastery cv --train FILE [--folds K]\n"
			"       edbridge mastery params --train FILE\n");
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof mastery_subcommands / sizeof mastery_subcommands[0]; i++)
		if (strcmp(argv[1], mastery_subcommands[i].name) == 0)
			return mastery_subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "mastery: unknown subcommand '%s' (eval, cv, params)\n", argv[1]);
	return 2;
}
