/* demo_frameworks.c - the demo district's state framework (demo_frameworks.h). */
#include "cli/demo_frameworks.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/frameworks.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"

#define MAX_ITEMS 128

/* Responses of the first grade 5 class's students (by roster order) on the
 * local priority standard "demo-state-local-1", through the ingest path: a
 * few right, a few wrong, a day apart. */
static enum eb_err local_evidence(struct db *db, int64_t d, struct arena *a, size_t *sent)
{
	struct roster_org_row *sch;
	struct tool_row *tools;
	size_t nsch, ntools;
	enum eb_err rc;
	if ((rc = roster_schools(db, d, a, &sch, &nsch)) ||
	    (rc = tools_list(db, d, -1, false, a, &tools, &ntools)) || !ntools)
		return rc;
	int64_t now = time_now();
	for (size_t i = 0; i < nsch && !*sent; i++) {
		struct roster_class_row *cls;
		size_t nc;
		if ((rc = roster_school_classes(db, d, sch[i].sourced_id, a, &cls, &nc)))
			return rc;
		for (size_t c = 0; c < nc && !*sent; c++) {
			struct roster_person_row *st;
			size_t ns;
			if (!cls[c].grades || !strstr(cls[c].grades, "05"))
				continue;
			if ((rc = roster_class_students(db, d, cls[c].sourced_id, a, &st, &ns)))
				return rc;
			for (size_t k = 0; k < ns && k < 12; k++)
				for (int r = 0; r < 4; r++) {
					struct learning_event_in ev = {
						.actor_key = st[k].sourced_id,
						.match_name = st[k].sourced_id,
						.activity_id = "demo-state-local-1",
						.item_id = arena_printf(a, "budget-%d", r + 1),
						.correct = (int)((k + (size_t)r) % 3 != 0),
						.score = -1,
						.duration_s = -1,
						.occurred_at = now - (int64_t)(4 - r) * 86400,
						.source = "xapi",
					};
					if ((rc = activity_event_record(db, d, tools[0].id, &ev,
									NULL)))
						return rc;
					(*sent)++;
				}
		}
	}
	return EB_OK;
}

enum eb_err demo_frameworks(struct db *db, int64_t district_id)
{
	struct arena a;
	arena_init(&a);
	struct framework_item_in *it = arena_zalloc(&a, MAX_ITEMS * sizeof *it);
	struct framework_assoc_in *as = arena_zalloc(&a, 3 * MAX_ITEMS * sizeof *as);
	size_t ni = 0, na = 0;
	enum eb_err rc = EB_ENOMEM;
	if (!it || !as)
		goto out;
	const char *prev_first = NULL;
	for (int g = 3; g <= 5 && ni + 2 < MAX_ITEMS; g++) {
		char *gid = arena_printf(&a, "demo-state-g%d", g);
		char *grades = arena_printf(&a, "%02d", g);
		it[ni++] = (struct framework_item_in){
			.identifier = gid,
			.code = arena_printf(&a, "DS.%d", g),
			.statement = arena_printf(&a, "Grade %d mathematics", g),
			.item_type = "Grade",
			.grades = grades,
		};
		as[na++] = (struct framework_assoc_in){ arena_printf(&a, "demo-a-g%d", g),
							"isChildOf",
							gid,
							"demo-state-doc",
							"",
							"",
							-1,
							true };
		const struct standard *cl[16];
		size_t nc = standards_clusters_of(g, "NF", cl, 16);
		int n = 0;
		for (size_t c = 0; c < nc && c < 16 && ni + 1 < MAX_ITEMS; c++) {
			char *cid = arena_printf(&a, "demo-state-%s", cl[c]->code);
			it[ni++] = (struct framework_item_in){
				.identifier = cid,
				.code = arena_printf(&a, "DS.%d.F.%c", g, 'A' + (int)c),
				.statement = cl[c]->cluster_heading,
				.item_type = "Cluster",
				.grades = grades,
				.parent = gid,
			};
			if (!it[ni - 1].statement)
				it[ni - 1].statement = cl[c]->code;
			as[na++] = (struct framework_assoc_in){
				arena_printf(&a, "demo-a-%s", cl[c]->code),
				"isChildOf",
				cid,
				gid,
				"",
				"",
				-1,
				true
			};
			const struct standard *st[32];
			size_t ns = standards_in_cluster(cl[c], st, 32);
			for (size_t s = 0; s < ns && s < 32 && ni < MAX_ITEMS - 1; s++) {
				char *sid = arena_printf(&a, "demo-state-%s", st[s]->code);
				it[ni++] = (struct framework_item_in){
					.identifier = sid,
					.uri = arena_printf(&a,
							    "https://case.demo-state.example/ims/"
							    "case/v1p0/CFItems/%s",
							    sid),
					.code = arena_printf(&a, "DS.%d.F.%d", g, ++n),
					.statement = st[s]->family_description,
					.item_type = "Standard",
					.grades = grades,
					.parent = cid,
				};
				as[na++] = (struct framework_assoc_in){
					arena_printf(&a, "demo-c-%s", st[s]->code),
					"isChildOf",
					sid,
					cid,
					"",
					"",
					(int64_t)s + 1,
					true
				};
				as[na++] = (struct framework_assoc_in){
					arena_printf(&a, "demo-x-%s", st[s]->code),
					"exactMatchOf",
					sid,
					arena_printf(&a, "ccss-%s", st[s]->code),
					arena_printf(&a, "urn:fdc:demo-state:CCSS-M:%s",
						     st[s]->code),
					"Destination Node",
					-1,
					false
				};
				if (s == 0 && prev_first)
					as[na++] = (struct framework_assoc_in){
						arena_printf(&a, "demo-p-%s", st[s]->code),
						"precedes",
						prev_first,
						sid,
						"",
						"",
						-1,
						true
					};
				if (s == 0)
					prev_first = sid;
			}
		}
	}
	/* a local priority standard the state added: no Common Core match */
	it[ni++] = (struct framework_item_in){
		.identifier = "demo-state-local-1",
		.code = "DS.L.1",
		.statement = "Use fractions to plan and share a class budget (district priority).",
		.item_type = "Standard",
		.grades = "05",
	};
	struct framework_in f = {
		.identifier = "demo-state-doc",
		.uri = "https://case.demo-state.example/ims/case/v1p0/CFDocuments/demo-state-doc",
		.title = "Demo State Mathematics Standards (fractions, grades 3-5)",
		.creator = "Demo State Department of Education",
		.publisher = "Demo State Department of Education",
		.adoption_status = "Adopted",
		.last_change = "2026-06-01T00:00:00+00:00",
		.case_format = "1.0",
		.source = "edbridge demo",
		.items = it,
		.nitems = ni,
		.assocs = as,
		.nassocs = na,
	};
	int64_t id = 0, mapped = 0;
	size_t evidence = 0;
	if ((rc = db_begin(db)))
		goto out;
	rc = frameworks_store(db, district_id, &f, 0, time_now(), &id, NULL);
	if (!rc)
		rc = frameworks_mapped(db, district_id, id, &mapped);
	/* the district speaks its state's codes, and a grade 5 class practised
	 * the local priority standard (mastery of its own: docs/case.md) */
	if (!rc)
		rc = frameworks_set_primary(db, district_id, id, 0, time_now());
	if (!rc)
		rc = local_evidence(db, district_id, &a, &evidence);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	else
		printf("framework: %s, %zu items (%lld count for a Common Core standard),"
		       " primary; %zu responses on its local priority standard\n",
		       f.title, ni, (long long)mapped, evidence);
out:
	arena_free(&a);
	return rc;
}
