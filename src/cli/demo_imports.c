#include "cli/demo_imports.h"

#include <stdio.h>
#include <string.h>

#include "ingest/oneroster.h"

enum eb_err demo_imports(struct db *db, int64_t district_id)
{
	static char manifest[] = "propertyName,value\n"
				 "manifest.version,1.0\n"
				 "oneroster.version,1.1\n"
				 "file.orgs,delta\n"
				 "file.enrollments,delta\n";
	static char orgs[] = "sourcedId,status,dateLastModified,name,type,identifier,"
			     "parentSourcedId\n"
			     "org-annex-1,active,2026-08-20,Riverside Annex,campus,RA,\n";
	static char enrollments[] = "sourcedId,status,dateLastModified,classSourcedId,"
				    "schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n"
				    "enr-summer-1,active,2026-08-20,cls-summer-math-1,sch-summer,"
				    "stu-summer-1,student,false,2026-06-15,2026-07-31\n";
	struct oneroster_file files[] = {
		{ "manifest.csv", manifest, sizeof manifest - 1 },
		{ "orgs.csv", orgs, sizeof orgs - 1 },
		{ "enrollments.csv", enrollments, sizeof enrollments - 1 },
	};
	struct oneroster_options opts = { .removal_limit = 0.10,
					  .source = "nightly delta export (demo)",
					  .actor = "scheduled sync" };
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files_opts(db, district_id, files,
						     sizeof files / sizeof files[0], &opts, &rep);
	if (rc == EB_OK)
		printf("import history: a delta with %zu row set aside and %zu waiting\n",
		       rep.naside, rep.nwaiting);
	else
		oneroster_report_print(&rep, stdout, stderr);
	oneroster_report_free(&rep);
	return rc;
}
