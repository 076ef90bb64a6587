/* `edbridge sim evidence-check [--seeds N] [--students N] [--pretest-only]` */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "sim/coaching_check.h"
#include "sim/evidence_check.h"

static int evidence_check(int argc, char **argv)
{
	if (cli_help(
		    argc, argv,
		    "usage: edbridge sim evidence-check [--seeds N] [--students N] "
		    "[--pretest-only]\n\n"
		    "The honesty study on the learning simulator (no database). Per seed a "
		    "district\n"
		    "and its learning period are simulated; the video library (no true effect,\n"
		    "used far more by motivated students) and the practice app (true effect on\n"
		    "its users known from the simulator, ~0.15 SD) are evaluated with the matched\n"
		    "design. The video must be declared a significant positive effect in <= 5% of\n"
		    "seeds while the naive comparison is positive; the practice app's 95% "
		    "interval\n"
		    "must cover its true effect in >= 90%. --pretest-only runs the earlier design\n"
		    "(pretest, English learner, disability) for comparison. Prints\n"
		    "false_positive_rate, coverage, mean_bias, power, seeds, "
		    "naive_difference_mean.\n"
		    "Then the coaching study on the same seeds (docs/coaching_impact.md): coached\n"
		    "classes (chosen, not drawn) with a known true effect and with none, through\n"
		    "the coaching impact design; prints coaching_false_positive_rate (<= 5%) and\n"
		    "coaching_coverage (>= 90%), which pass needs too.\n"
		    "Defaults: 200 seeds, 3,000 students.\n"))
		return 0;
	int64_t seeds, students;
	if (cli_opt_int(argc, argv, "--seeds", 1, 100000, 200, &seeds) ||
	    cli_opt_int(argc, argv, "--students", 200, 400000, 3000, &students))
		return 2;
	struct evcheck_params p = { .seeds = (int)seeds,
				    .students = (int)students,
				    .pretest_only = cli_flag(argc, argv, "--pretest-only") };
	struct evcheck_result r;
	enum eb_err e = evcheck_run(&p, &r);
	if (e) {
		fprintf(stderr, "sim evidence-check: %s\n", eb_strerror(e));
		return 1;
	}
	printf("seeds: %d\nstudents: %lld\ndesign: %s\ntrue_effect_mean: %.4f\n", r.seeds,
	       (long long)students, p.pretest_only ? "pretest only" : "full", r.true_effect_mean);
	printf("false_positive_rate: %.4f\nnaive_difference_mean: %.4f\nnull_mean_g: %.4f\n",
	       r.false_positive_rate, r.naive_difference_mean, r.null_mean_g);
	printf("coverage: %.4f\nmean_bias: %.4f\npower: %.4f\n", r.coverage, r.mean_bias, r.power);
	printf("matched_students_mean: %.0f\nfailed: %d\nseconds: %.2f\n", r.mean_n, r.failed,
	       r.seconds);
	/* coaching (sim/coaching_check.h): the same seeds and district size */
	struct coachcheck_params cp = { .seeds = (int)seeds, .students = (int)students };
	struct coachcheck_result c;
	if ((e = coachcheck_run(&cp, &c))) {
		fprintf(stderr, "sim evidence-check: coaching: %s\n", eb_strerror(e));
		return 1;
	}
	printf("coaching_false_positive_rate: %.4f\ncoaching_coverage: %.4f\n",
	       c.false_positive_rate, c.coverage);
	printf("coaching_true_effect_mean: %.4f\ncoaching_mean_bias: %.4f\ncoaching_power: %.4f\n",
	       c.true_effect_mean, c.mean_bias, c.power);
	printf("coaching_null_mean_diff: %.4f\ncoaching_naive_difference_mean: %.4f\n",
	       c.null_mean_diff, c.naive_difference_mean);
	printf("coaching_classes_mean: %.1f coached, %.1f compared\ncoaching_failed: %d\n"
	       "coaching_seconds: %.2f\n",
	       c.coached_mean, c.compared_mean, c.failed, c.seconds);
	int pass = r.false_positive_rate <= 0.05 && r.coverage >= 0.90 &&
		   r.naive_difference_mean > 0 && c.false_positive_rate <= 0.05 &&
		   c.coverage >= 0.90 && c.failed * 10 <= c.seeds;
	printf("pass: %s\n", pass ? "yes" : "no");
	return pass ? 0 : 1;
}

/* cmd_sim_recommend.c */
int cmd_sim_recommend_check(int argc, char **argv);

static const struct {
	const char *name;
	int (*run)(int, char **);
} studies[] = {
	{ "evidence-check", evidence_check },
	{ "recommend-check", cmd_sim_recommend_check },
};

int cmd_sim(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : NULL;
	for (size_t i = 0; s && i < sizeof studies / sizeof studies[0]; i++)
		if (strcmp(s, studies[i].name) == 0)
			return studies[i].run(argc - 1, argv + 1);
	fprintf(s && strcmp(s, "--help") ? stderr : stdout,
		"usage: edbridge sim STUDY [options]\n\nstudies:\n"
		"  evidence-check   the evaluation engine's honesty on simulated districts\n"
		"  recommend-check  the next best intervention against the simulator's truth\n");
	return s && strcmp(s, "--help") == 0 ? 0 : 2;
}
