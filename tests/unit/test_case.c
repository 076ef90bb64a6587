/* Unit tests of CASE frameworks (ingest/case_pkg, domain/frameworks): the
 * three real packages of ../shared/data/case load with their counts; every
 * refusal names the JSON path and stores nothing; a re-import updates in
 * place; the crosswalk (frameworks_resolve) by code, identifier, URI and
 * UUIDv5, whichever package came first; precedes as prerequisites; the
 * primary framework and its labels; the items tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "domain/district.h"
#include "domain/frameworks.h"
#include "ingest/case_pkg.h"
#include "store/db.h"

#define DATA "../shared/data/case/"

struct fx {
	char path[64];
	struct db *db;
	int64_t d, d2;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_case_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || district_create(f->db, "Other", &f->d2))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static bool have_data(void)
{
	struct stat st;
	if (stat(DATA, &st)) {
		print_message("skipped: " DATA " absent\n");
		return false;
	}
	return true;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &n), EB_OK);
	return n;
}

static enum eb_err import_file(struct fx *f, int64_t d, const char *name,
			       struct case_pkg_result *res)
{
	char path[256];
	size_t len;
	snprintf(path, sizeof path, DATA "%s", name);
	char *data = cli_read_file("test", path, CASE_PKG_MAX_BYTES, &len);
	assert_non_null(data);
	struct buf errs;
	buf_init(&errs, 1 << 16);
	enum eb_err rc = case_pkg_import(f->db, d, data, len, name, 0, 1000, res, &errs);
	if (rc)
		print_message("%s", buf_cstr(&errs));
	buf_free(&errs);
	free(data);
	return rc;
}

/* The three shared packages, with the counts their README gives. */
static void shared_packages_load(void **state)
{
	struct fx *f = *state;
	if (!have_data())
		return;
	struct case_pkg_result r;
	assert_int_equal(import_file(f, f->d, "ccssm.cfpackage.json", &r), EB_OK);
	assert_int_equal(r.stats.items, 703);
	assert_int_equal(r.stats.associations, 703);
	assert_int_equal(r.stats.children, 703);
	assert_int_equal(r.stats.untyped, 6);
	assert_int_equal(r.stats.orphans, 0);
	assert_int_equal(r.stats.outside, 0);
	assert_int_equal(r.mapped, 664); /* every coded item is a catalog standard */
	assert_false(r.updated);
	assert_string_equal(r.title, "Common Core State Standards for Mathematics");

	assert_int_equal(import_file(f, f->d, "ccssm-ratios-crosswalk.cfpackage.json", &r), EB_OK);
	assert_int_equal(r.stats.items, 16);
	assert_int_equal(r.stats.associations, 39);
	assert_int_equal(r.stats.outside, 16 + 1 + 2 + 2);
	assert_int_equal(r.mapped, 16);

	assert_int_equal(import_file(f, f->d, "sbac-math-content-spec.cfpackage.json", &r), EB_OK);
	assert_int_equal(r.stats.items, 585);
	/* 3,368 in the file, one repeated word for word */
	assert_int_equal(r.stats.associations, 3367);
	assert_int_equal(r.stats.repeated, 1);
	assert_int_equal(r.stats.untyped, 1);
	assert_int_equal(r.stats.orphans, 15);
	assert_true(r.mapped > 250);

	assert_int_equal(count(f, "SELECT count(*) FROM framework WHERE district_id = ?1"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM framework_item WHERE district_id = ?1"),
			 703 + 16 + 585);
	assert_int_equal(count(f, "SELECT count(*) FROM framework WHERE district_id = ?1"
				  " AND case_format = 'draft'"),
			 2);

	/* the same package again: updated in place, nothing doubled */
	assert_int_equal(import_file(f, f->d, "ccssm-ratios-crosswalk.cfpackage.json", &r), EB_OK);
	assert_true(r.updated);
	assert_int_equal(count(f, "SELECT count(*) FROM framework WHERE district_id = ?1"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM framework_item WHERE district_id = ?1"),
			 703 + 16 + 585);
}

static void resolved(struct fx *f, int64_t d, const char *what, const char *want)
{
	char codes[4][FRAMEWORKS_CODE_MAX];
	size_t n = 99;
	assert_int_equal(frameworks_resolve(f->db, d, what, codes, 4, &n), EB_OK);
	if (!want) {
		assert_int_equal(n, 0);
		return;
	}
	if (n < 1)
		fail_msg("%s resolved to nothing, want %s", what, want);
	assert_string_equal(codes[0], want);
}

/* The contract: id, URI, code or UUIDv5 -> CCSS codes, whichever package
 * was imported first. */
static void crosswalk_resolves(void **state)
{
	struct fx *f = *state;
	if (!have_data())
		return;
	struct case_pkg_result r;
	/* the crosswalk first: its exactMatchOf targets are UUIDv5 names of
	 * the CCSS package's URL identifiers, resolved once that arrives */
	assert_int_equal(import_file(f, f->d, "sbac-math-content-spec.cfpackage.json", &r), EB_OK);
	assert_int_equal(import_file(f, f->d, "ccssm-ratios-crosswalk.cfpackage.json", &r), EB_OK);
	resolved(f, f->d, "5b6c487e-04f1-5ba9-9722-d099849b9167", NULL);
	assert_int_equal(import_file(f, f->d, "ccssm.cfpackage.json", &r), EB_OK);
	resolved(f, f->d, "5b6c487e-04f1-5ba9-9722-d099849b9167", "6.RP.A");

	/* a CCSS code in any spelling: itself, no framework needed */
	resolved(f, f->d2, "CCSS.Math.Content.6.RP.A.3a", "6.RP.A.3a");
	resolved(f, f->d2, "HSN.RN.A.1", "N-RN.A.1");
	/* the CCSS package's items by identifier and URI */
	resolved(f, f->d, "http://purl.org/ASN/resources/S11434C1", "6.RP.A");
	resolved(f, f->d,
		 "https://salt-dev.edplancms.com/uri/http://purl.org/ASN/resources/S11434C1",
		 "6.RP.A");
	/* Smarter Balanced: by identifier and by code, through exactMatchOf */
	resolved(f, f->d, "31667393-f9e8-5114-9796-3f86ebd73ac5", "3.OA.A.1");
	resolved(f, f->d, "M.G3.C1OA.TA.3.OA.A.1", "3.OA.A.1");
	resolved(f, f->d,
		 "https://case.smarterbalanced.org/ims/case/v1p0/CFItems/"
		 "31667393-f9e8-5114-9796-3f86ebd73ac5",
		 "3.OA.A.1");
	/* unknown, or another district's */
	resolved(f, f->d, "no-such-item", NULL);
	resolved(f, f->d2, "31667393-f9e8-5114-9796-3f86ebd73ac5", NULL);
	resolved(f, f->d, "", NULL);

	/* precedes: 6.RP.A.1 precedes 6.RP.A.2, 6.RP.A.3 precedes 7.RP.A.3 */
	char pre[8][FRAMEWORKS_CODE_MAX];
	size_t n = frameworks_prereqs(f->db, f->d, "6.RP.A.2", pre, 8);
	bool found = false;
	for (size_t i = 0; i < n && i < 8; i++)
		found |= !strcmp(pre[i], "6.RP.A.1");
	assert_true(found);
	n = frameworks_prereqs(f->db, f->d, "7.RP.A.3", pre, 8);
	found = false;
	for (size_t i = 0; i < n && i < 8; i++)
		found |= !strcmp(pre[i], "6.RP.A.3");
	assert_true(found);
	assert_int_equal(frameworks_prereqs(f->db, f->d2, "7.RP.A.3", pre, 8), 0);

	/* deleting the CCSS package takes its names out of the crosswalk */
	int64_t fid;
	assert_int_equal(db_get_int(f->db,
				    "SELECT id FROM framework WHERE district_id = ?1"
				    " AND identifier = 'http://purl.org/ASN/resources/D10003FB'",
				    DB_ARGS(DB_INT(f->d)), &fid),
			 EB_OK);
	assert_int_equal(frameworks_delete(f->db, f->d, fid), EB_OK);
	resolved(f, f->d, "5b6c487e-04f1-5ba9-9722-d099849b9167", NULL);
	assert_int_equal(frameworks_delete(f->db, f->d2, fid), EB_ENOTFOUND);
}

/* The primary framework, its labels for CCSS codes, the items tree. */
static void primary_and_tree(void **state)
{
	struct fx *f = *state;
	if (!have_data())
		return;
	struct case_pkg_result r;
	assert_int_equal(import_file(f, f->d, "sbac-math-content-spec.cfpackage.json", &r), EB_OK);
	int64_t p = -1;
	assert_int_equal(frameworks_primary(f->db, f->d, &p), EB_OK);
	assert_int_equal(p, 0);
	char label[64];
	assert_int_equal(frameworks_primary_label(f->db, f->d, "3.OA.A.1", label, sizeof label),
			 EB_OK);
	assert_string_equal(label, "");
	assert_int_equal(frameworks_set_primary(f->db, f->d, r.framework_id, 0, 5), EB_OK);
	assert_int_equal(frameworks_primary(f->db, f->d, &p), EB_OK);
	assert_int_equal(p, r.framework_id);
	assert_int_equal(frameworks_primary_label(f->db, f->d, "3.OA.A.1", label, sizeof label),
			 EB_OK);
	assert_string_equal(label, "M.G3.C1OA.TA.3.OA.A.1");
	/* another district's framework cannot be chosen */
	assert_int_equal(frameworks_set_primary(f->db, f->d2, r.framework_id, 0, 5), EB_ENOTFOUND);
	assert_int_equal(frameworks_set_primary(f->db, f->d, 0, 0, 6), EB_OK);
	assert_int_equal(frameworks_primary(f->db, f->d, &p), EB_OK);
	assert_int_equal(p, 0);

	struct arena a;
	arena_init(&a);
	struct framework_item_row *rows;
	size_t n;
	assert_int_equal(frameworks_items(f->db, f->d, r.framework_id, 10000, &a, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 585);
	assert_int_equal(rows[0].depth, 0);
	assert_int_equal(rows[1].depth, 1); /* the first grade's first claim */
	size_t deep = 0, mapped = 0;
	for (size_t i = 0; i < n; i++) {
		deep += rows[i].depth >= 3;
		mapped += rows[i].ccss[0] != '\0';
	}
	assert_true(deep > 200);
	assert_int_equal((int64_t)mapped, r.mapped);
	struct framework_row *fs;
	assert_int_equal(frameworks_list(f->db, f->d, &a, &fs, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fs[0].items, 585);
	assert_int_equal(fs[0].mapped, r.mapped);
	assert_int_equal(frameworks_list(f->db, f->d2, &a, &fs, &n), EB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
}

/* ---- refusals: the JSON path, the reason, nothing stored ---------------- */

#define DOC "\"CFDocument\": {\"identifier\": \"doc-1\", \"title\": \"Test State Math\"}"
#define ITEM(id) "{\"identifier\": \"" id "\", \"fullStatement\": \"Statement " id "\"}"
#define CHILD(id, o, d)                                                                            \
	"{\"identifier\": \"" id "\", \"associationType\": \"isChildOf\","                         \
	" \"originNodeURI\": {\"identifier\": \"" o "\"},"                                         \
	" \"destinationNodeURI\": {\"identifier\": \"" d "\"}}"

static const struct {
	const char *name, *json, *want;
	enum eb_err rc;
} refusals[] = {
	{ "bad JSON", "{\"CFDocument\": {", "bad.json:1:", EB_EPARSE },
	{ "not an object", "[1, 2]", "$: a CFPackage must be a JSON object", EB_EINVAL },
	{ "no document", "{\"CFItems\": []}", "$.CFDocument: is missing", EB_EINVAL },
	{ "no title", "{\"CFDocument\": {\"identifier\": \"d\"}, \"CFItems\": []}",
	  "$.CFDocument.title: is missing", EB_EINVAL },
	{ "no items", "{" DOC "}", "$.CFItems: is missing", EB_EINVAL },
	{ "item without identifier", "{" DOC ", \"CFItems\": [{\"fullStatement\": \"x\"}]}",
	  "$.CFItems[0].identifier: is missing", EB_EINVAL },
	{ "item without statement", "{" DOC ", \"CFItems\": [{\"identifier\": \"i1\"}]}",
	  "$.CFItems[0].fullStatement: is missing", EB_EINVAL },
	{ "duplicate item", "{" DOC ", \"CFItems\": [" ITEM("i1") ", " ITEM("i1") "]}",
	  "$.CFItems[1].identifier: duplicate identifier i1 (also $.CFItems[0])", EB_EINVAL },
	{ "item named like the document", "{" DOC ", \"CFItems\": [" ITEM("doc-1") "]}",
	  "$.CFItems[0].identifier: duplicate identifier doc-1 (the CFDocument's)", EB_EINVAL },
	{ "duplicate association",
	  "{" DOC ", \"CFItems\": [" ITEM("i1") ", " ITEM("i2") "], \"CFAssociations\": [" CHILD(
		  "a1", "i1", "doc-1") ", " CHILD("a1", "i2", "doc-1") "]}",
	  "$.CFAssociations[1].identifier: duplicate identifier a1 (also $.CFAssociations[0])",
	  EB_EINVAL },
	{ "unknown parent",
	  "{" DOC ", \"CFItems\": [" ITEM("i1") "], \"CFAssociations\": [" CHILD("a1", "i1",
										 "nowhere") "]}",
	  "$.CFAssociations[0].destinationNodeURI: unknown item nowhere", EB_EINVAL },
	{ "unknown child",
	  "{" DOC
	  ", \"CFItems\": [" ITEM("i1") "], \"CFAssociations\": [" CHILD("a1", "ghost", "i1") "]}",
	  "$.CFAssociations[0].originNodeURI: unknown item ghost", EB_EINVAL },
	{ "own parent",
	  "{" DOC
	  ", \"CFItems\": [" ITEM("i1") "], \"CFAssociations\": [" CHILD("a1", "i1", "i1") "]}",
	  "$.CFAssociations[0]: isChildOf cycle: item i1 is its own parent", EB_EINVAL },
	{ "cycle",
	  "{" DOC ", \"CFItems\": [" ITEM("i1") ", " ITEM("i2") ", " ITEM(
		  "i3") "], \"CFAssociations\": [" CHILD("a1", "i1",
							 "i2") ", " CHILD("a2", "i2",
									  "i3") ", " CHILD("a3",
											   "i3",
											   "i1") "]"
												 "}",
	  "isChildOf cycle through item", EB_EINVAL },
	{ "association without type",
	  "{" DOC ", \"CFItems\": [" ITEM(
		  "i1") "], \"CFAssociations\": [{\"identifier\": \"a1\","
			" \"originNodeURI\": {\"identifier\": \"i1\"}, \"destinationNodeURI\":"
			" {\"identifier\": \"doc-1\"}}]}",
	  "$.CFAssociations[0].associationType: is missing", EB_EINVAL },
	{ "association without destination",
	  "{" DOC ", \"CFItems\": [" ITEM("i1") "], \"CFAssociations\": [{\"identifier\": \"a1\","
						" \"associationType\": \"exactMatchOf\", "
						"\"originNodeURI\": {\"identifier\": \"i1\"}}]}",
	  "$.CFAssociations[0].destinationNodeURI.identifier: is missing", EB_EINVAL },
};

static void refusals_store_nothing(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		struct buf errs;
		buf_init(&errs, 1 << 16);
		struct case_pkg_result r;
		enum eb_err rc = case_pkg_import(f->db, f->d, refusals[i].json,
						 strlen(refusals[i].json), "bad.json", 0, 1, &r,
						 &errs);
		if (rc != refusals[i].rc || !strstr(buf_cstr(&errs), refusals[i].want))
			fail_msg("%s: rc %d, errors: %s (want %s)", refusals[i].name, rc,
				 buf_cstr(&errs), refusals[i].want);
		buf_free(&errs);
		assert_int_equal(count(f, "SELECT count(*) FROM framework WHERE district_id = ?1"),
				 0);
		assert_int_equal(
			count(f, "SELECT count(*) FROM framework_item WHERE district_id = ?1"), 0);
	}
	/* what is tolerated: no type, no code, an orphan, outside ends,
	 * draft-style ends and levels */
	const char *ok = "{" DOC ", \"CFItems\": [" ITEM(
		"i1") ", {\"identifier\": \"i2\", \"fullStatement\": \"s\", \"humanCodingScheme\":"
		      " \"TX.3.4A\", \"educationalLevel\": \"03\"}], \"CFAssociations\": [" CHILD(
			      "a1", "i1",
			      "doc-1") ","
				       " {\"identifier\": \"a2\", \"associationType\": "
				       "\"exactMatchOf\","
				       " \"originNodeIdentifier\": \"i2\", "
				       "\"destinationNodeIdentifier\": \"x\","
				       " \"destinationNodeURI\": {\"title\": \"Destination\", "
				       "\"identifier\": \"x\","
				       " \"uri\": \"urn:fdc:example:CCSS-M:3.NF.A.1\"}}]}";
	struct buf errs;
	buf_init(&errs, 1 << 16);
	struct case_pkg_result r;
	assert_int_equal(case_pkg_import(f->db, f->d, ok, strlen(ok), "ok.json", 0, 1, &r, &errs),
			 EB_OK);
	buf_free(&errs);
	assert_int_equal(r.stats.orphans, 1);
	assert_int_equal(r.stats.untyped, 2);
	assert_int_equal(r.stats.outside, 1);
	assert_int_equal(r.mapped, 1);
	resolved(f, f->d, "TX.3.4A", "3.NF.A.1");
	resolved(f, f->d, "i2", "3.NF.A.1");
	/* an item without a CCSS match: mastery of its own (docs/case.md) */
	resolved(f, f->d, "i1", "case:i1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shared_packages_load, setup, teardown),
		cmocka_unit_test_setup_teardown(crosswalk_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(primary_and_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_store_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
