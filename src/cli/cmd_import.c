/* `edbridge import FORMAT ...` - dispatches to the format's importer. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

int cmd_import_assessment(int argc, char **argv);
int cmd_import_usage(int argc, char **argv);
int cmd_import_item_results(int argc, char **argv);
int cmd_import_gradebook(int argc, char **argv);

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} formats[] = {
	{ "oneroster", cmd_import_oneroster, "PATH   OneRoster 1.1/1.2 CSV folder or .zip" },
	{ "csv", cmd_import_csv, "--profile P FILE   a vendor's CSV export" },
	{ "assessment", cmd_import_assessment,
	  "--name N --scale-min A --scale-max B FILE   assessment scores" },
	{ "usage", cmd_import_usage,
	  "--initiative ID FILE   tool use per student (minutes, sessions)" },
	{ "item-results", cmd_import_item_results,
	  "--assessment ID FILE   a common assessment's results per student and item" },
	{ "gradebook", cmd_import_gradebook,
	  "PATH [--tool TOOL]   OneRoster 1.2 Gradebook results (folder or .zip)" },
	{ "case", cmd_import_case, "FILE|URL   a CASE standards framework (CFPackage JSON)" },
};

int cmd_import(int argc, char **argv)
{
	const char *fmt = argc > 1 ? argv[1] : NULL;
	if (!fmt || strcmp(fmt, "--help") == 0 || strcmp(fmt, "-h") == 0) {
		printf("usage: edbridge import FORMAT ... [--db FILE]\n\nformats:\n");
		for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
			if (formats[i].run)
				printf("  %-10s %s\n", formats[i].name, formats[i].summary);
		return fmt ? 0 : 2;
	}
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(fmt, formats[i].name) == 0 && formats[i].run)
			return formats[i].run(argc - 1, argv + 1);
	fprintf(stderr, "import: unknown format '%s' (try `edbridge import --help`)\n", fmt);
	return 2;
}
