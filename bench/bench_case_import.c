/* bench_case_import.c - CASE framework import (issue 17, h17-case): a
 * generated 3,000-item CFPackage (a state's grades K-8 and high school:
 * 10 grades x 30 clusters x 9 standards, plus the clusters and grades
 * themselves, each item under its parent by isChildOf, and every standard
 * exactMatchOf a Common Core code spelled as Smarter Balanced's URNs) through
 * case_pkg_import into a fresh temporary SQLite database, five times, then
 * again into the filled one (an update in place); and the real Smarter
 * Balanced package of ../shared/data/case when present. Prints the medians
 * (target: 3,000 items <= 1 s):
 *   case_import_3000_items_s: S
 *   case_reimport_3000_items_s: S
 *   case_import_sbac_s: S   (585 items, 3,368 associations) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "domain/district.h"
#include "domain/standards.h"
#include "ingest/case_pkg.h"
#include "lib/large.h"
#include "store/db.h"

#define RUNS 5
#define GRADES 10
#define CLUSTERS 30
#define STANDARDS 9

static char *make_package(size_t *len, size_t *items)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	size_t nstd = standards_count();
	buf_puts(&b, "{\"CFDocument\": {\"identifier\": \"bench-doc\", \"uri\": \"https://case."
		     "example/ims/case/v1p0/CFDocuments/bench-doc\", \"title\": \"Bench State "
		     "Mathematics\", \"creator\": \"Bench\", \"lastChangeDateTime\": "
		     "\"2026-01-01T00:00:00+00:00\", \"CFPackageURI\": {\"title\": \"Bench\", "
		     "\"identifier\": \"bench-doc\", \"uri\": \"https://case.example/p\"}},"
		     "\"CFItems\": [");
	size_t n = 0, k = 0;
	for (int g = 0; g < GRADES; g++) {
		buf_printf(&b,
			   "%s{\"identifier\": \"g-%d\", \"fullStatement\": \"Grade %d\","
			   " \"CFItemType\": \"Grade\", \"educationLevel\": [\"%02d\"]}",
			   n ? "," : "", g, g, g);
		n++;
		for (int c = 0; c < CLUSTERS; c++) {
			buf_printf(&b,
				   ",{\"identifier\": \"c-%d-%d\", \"humanCodingScheme\": "
				   "\"ST.%d.C%d\", \"fullStatement\": \"Cluster %d of grade %d\","
				   " \"CFItemType\": \"Cluster\"}",
				   g, c, g, c, c, g);
			n++;
			for (int s = 0; s < STANDARDS; s++, n++)
				buf_printf(
					&b,
					",{\"identifier\": \"s-%d-%d-%d\", \"uri\": "
					"\"https://case.example/ims/case/v1p0/CFItems/s-%d-%d-%d\","
					" \"humanCodingScheme\": \"ST.%d.C%d.%d\", "
					"\"fullStatement\":"
					" \"Students can do standard %d of cluster %d in grade %d,"
					" with \\u00e9 and \\u2264.\", \"CFItemType\": "
					"\"Standard\","
					" \"educationLevel\": [\"%02d\"]}",
					g, c, s, g, c, s, g, c, s, s, c, g, g);
		}
	}
	buf_puts(&b, "], \"CFAssociations\": [");
	for (int g = 0; g < GRADES; g++) {
		buf_printf(&b,
			   "%s{\"identifier\": \"a-g-%d\", \"associationType\": \"isChildOf\","
			   " \"originNodeURI\": {\"identifier\": \"g-%d\"}, \"destinationNodeURI\":"
			   " {\"identifier\": \"bench-doc\"}}",
			   g ? "," : "", g, g);
		for (int c = 0; c < CLUSTERS; c++) {
			buf_printf(
				&b,
				",{\"identifier\": \"a-c-%d-%d\", \"associationType\": "
				"\"isChildOf\", \"originNodeURI\": {\"identifier\": \"c-%d-%d\"},"
				" \"destinationNodeURI\": {\"identifier\": \"g-%d\"}}",
				g, c, g, c, g);
			for (int s = 0; s < STANDARDS; s++, k++) {
				const struct standard *t = standards_at(k % nstd);
				buf_printf(
					&b,
					",{\"identifier\": \"a-s-%d-%d-%d\", \"associationType\": "
					"\"isChildOf\", \"originNodeURI\": {\"identifier\": "
					"\"s-%d-%d-%d\"}, \"destinationNodeURI\": {\"identifier\":"
					" \"c-%d-%d\"}, \"sequenceNumber\": %d}",
					g, c, s, g, c, s, g, c, s + 1);
				buf_printf(
					&b,
					",{\"identifier\": \"x-s-%d-%d-%d\", \"associationType\": "
					"\"exactMatchOf\", \"originNodeURI\": {\"identifier\": "
					"\"s-%d-%d-%d\"}, \"destinationNodeURI\": {\"title\": "
					"\"Destination Node\", \"identifier\": \"ccss-%zu\", "
					"\"uri\": "
					"\"urn:fdc:edplancms.com:2016:cfr:CCSS-M:%s\"}}",
					g, c, s, g, c, s, k, t->code);
			}
		}
	}
	buf_puts(&b, "]}");
	if (buf_failed(&b)) {
		fprintf(stderr, "bench_case_import: the package does not fit\n");
		exit(1);
	}
	*items = n;
	return buf_detach(&b, len);
}

static double import(struct db *db, int64_t d, const char *json, size_t len, const char *label,
		     struct case_pkg_result *res)
{
	struct buf errs;
	buf_init(&errs, 1 << 20);
	double t0 = time_mono();
	enum eb_err rc = case_pkg_import(db, d, json, len, label, 0, time_now(), res, &errs);
	double s = time_mono() - t0;
	if (rc) {
		fprintf(stderr, "bench_case_import: %s\n%s", eb_strerror(rc), buf_cstr(&errs));
		exit(1);
	}
	buf_free(&errs);
	return s;
}

static struct db *fresh_db(char path[64], int64_t *d)
{
	snprintf(path, 64, "/tmp/bench_case_XXXXXX");
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	struct db *db;
	char err[256];
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench", d)) {
		fprintf(stderr, "bench_case_import: cannot open a database: %s\n", err);
		exit(1);
	}
	return db;
}

int main(void)
{
	if (standards_init()) {
		fprintf(stderr, "bench_case_import: the CCSS catalog does not load\n");
		return 1;
	}
	size_t len, items;
	char *json = make_package(&len, &items);
	double fresh[RUNS], again[RUNS], sbac[RUNS];
	int nsbac = 0;
	size_t sbac_len = 0;
	char *sbac_json = cli_read_file("bench_case_import",
					"../shared/data/case/"
					"sbac-math-content-spec.cfpackage.json",
					CASE_PKG_MAX_BYTES, &sbac_len);
	for (int r = 0; r < RUNS; r++) {
		char path[64];
		int64_t d;
		struct db *db = fresh_db(path, &d);
		struct case_pkg_result res;
		fresh[r] = import(db, d, json, len, "bench.json", &res);
		if (res.stats.items != items || res.updated ||
		    (size_t)res.mapped != items - GRADES * (CLUSTERS + 1)) {
			fprintf(stderr, "bench_case_import: %zu items, %lld mapped\n",
				res.stats.items, (long long)res.mapped);
			return 1;
		}
		again[r] = import(db, d, json, len, "bench.json", &res);
		if (!res.updated)
			return 1;
		if (sbac_json)
			sbac[nsbac++] = import(db, d, sbac_json, sbac_len, "sbac.json", &res);
		db_close(db);
		large_remove_db(path);
	}
	printf("case_import_items: %zu\n", items);
	printf("case_import_3000_items_s: %.3f\n", large_quantile(fresh, RUNS, 0.5));
	printf("case_reimport_3000_items_s: %.3f\n", large_quantile(again, RUNS, 0.5));
	if (nsbac)
		printf("case_import_sbac_s: %.3f\n", large_quantile(sbac, (size_t)nsbac, 0.5));
	else
		printf("case_import_sbac_s: skipped (../shared/data/case absent)\n");
	free(json);
	free(sbac_json);
	return 0;
}
