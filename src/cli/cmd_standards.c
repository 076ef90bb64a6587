/* `edbridge standards list [--grade G] [--domain D]` and
 * `edbridge standards show CODE`: the built-in CCSS-M catalog. No database. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/standards.h"

#define LINKS_MAX 64

static const char usage[] =
	"usage: edbridge standards list [--grade K|1..8|HS|MP] [--domain CODE]\n"
	"       edbridge standards show CODE\n\n"
	"Lists the Common Core math standards (code, emphasis, plain-language description),\n"
	"or shows one standard with what it builds on and what builds on it. CODE may be\n"
	"written as 3.NF.A.3a, 3.NF.3.a, CCSS.Math.Content.3.NF.A.3.a, a corestandards.org\n"
	"address, or with K as 0 (0.CC.1).\n";

static int list(int argc, char **argv)
{
	const char *grade_s = cli_opt(argc, argv, "--grade");
	const char *domain = cli_opt(argc, argv, "--domain");
	int grade = 0;
	bool practices = grade_s && strcasecmp(grade_s, "MP") == 0;
	if (grade_s && !practices && standards_parse_grade(grade_s, &grade)) {
		fprintf(stderr, "standards list: --grade: \"%s\" is not K, 1 to 8, HS or MP\n",
			grade_s);
		return 2;
	}
	size_t shown = 0;
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		if (practices && s->kind != STANDARD_PRACTICE)
			continue;
		if (grade_s && !practices && s->grade != grade)
			continue;
		if (domain && strcasecmp(domain, s->domain_code) != 0)
			continue;
		printf("%-12s %-10s %s%s\n", s->code,
		       s->emphasis ? standards_emphasis_name(s->emphasis) : "-",
		       s->kind == STANDARD_CLUSTER ? "[cluster] " : "", s->family_description);
		shown++;
	}
	if (!shown) {
		fprintf(stderr, "standards list: nothing matches%s%s%s%s\n",
			grade_s ? " --grade " : "", grade_s ? grade_s : "",
			domain ? " --domain " : "", domain ? domain : "");
		return 1;
	}
	printf("\n%s\n", STANDARDS_NOTICE);
	return 0;
}

static void print_links(const char *title, const struct standard **v, size_t n)
{
	if (n > LINKS_MAX)
		n = LINKS_MAX;
	printf("%s:%s\n", title, n ? "" : " (none in the coherence map)");
	for (size_t i = 0; i < n; i++)
		printf("  %-12s %s\n", v[i]->code, v[i]->family_description);
}

static int show(const char *code)
{
	const struct standard *s = standards_find(code);
	if (!s) {
		fprintf(stderr,
			"standards show: \"%s\" is not a CCSS-M code in the catalog "
			"(examples: 3.NF.A.1, K.CC.A.1, A-SSE.B.3a, MP.1; "
			"`edbridge standards list --grade 3` lists grade 3)\n",
			code);
		return 1;
	}
	printf("code:        %s\n", s->code);
	printf("kind:        %s\n", standards_kind_name(s->kind));
	printf("grade:       %s\n", s->grade_label);
	if (s->category_name)
		printf("category:    %s\n", s->category_name);
	printf("domain:      %s (%s)\n", s->domain_code, s->domain_name);
	if (s->cluster && s->cluster != s)
		printf("cluster:     %s  %s\n", s->cluster_code, s->cluster_heading);
	if (s->parent && s->parent != s->cluster)
		printf("part of:     %s\n", s->parent->code);
	if (s->emphasis)
		printf("emphasis:    %s\n", standards_emphasis_name(s->emphasis));
	printf("description: %s\n", s->family_description);

	const struct standard *v[LINKS_MAX];
	size_t n;
	if (s->kind == STANDARD_CLUSTER) {
		n = standards_in_cluster(s, v, LINKS_MAX);
		print_links("standards", v, n);
	} else if (s->kind == STANDARD_STANDARD && (n = standards_children(s, v, LINKS_MAX))) {
		print_links("parts", v, n);
	}
	if (s->kind != STANDARD_CLUSTER && s->kind != STANDARD_PRACTICE) {
		n = standards_prereqs(s, v, LINKS_MAX);
		print_links("builds on", v, n);
		n = standards_successors(s, v, LINKS_MAX);
		print_links("builds toward", v, n);
		n = standards_related(s, v, LINKS_MAX);
		if (n)
			print_links("related", v, n);
	}
	printf("\n%s\n", STANDARDS_NOTICE);
	return 0;
}

int cmd_standards(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	static const char *const valued[] = { "--grade", "--domain", "--db", NULL };
	const char *sub = cli_positional(argc, argv, 0, valued);
	if (standards_init()) {
		fprintf(stderr, "standards: the built-in catalog is damaged (see the log)\n");
		return 1;
	}
	if (sub && strcmp(sub, "list") == 0)
		return list(argc, argv);
	if (sub && strcmp(sub, "show") == 0) {
		const char *code = cli_positional(argc, argv, 1, valued);
		if (!code) {
			fprintf(stderr, "standards show: a CODE is required, e.g. 3.NF.A.1\n");
			return 2;
		}
		return show(code);
	}
	fputs(usage, stderr);
	return 2;
}
