/* Unit tests of a district's framework in mastery and grouping
 * (domain/frameworks: frameworks_links, frameworks_labels, own keys): a small
 * package whose `precedes` link adds a prerequisite the coherence map lacks
 * changes the inferred mastery (online and at the refit) as the inference
 * rule says, and the unit's prerequisites for grouping; an item with no
 * CCSS match gets mastery of its own under "case:<identifier>"; the
 * primary framework's labels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "domain/frameworks.h"
#include "domain/groups.h"
#include "domain/mastery.h"
#include "domain/mastery_cache.h"
#include "domain/mastery_views.h"
#include "domain/standards.h"
#include "ingest/case_pkg.h"
#include "store/db.h"

/* P precedes Q in the package; the coherence map has no such link */
#define P "K.CC.A.1"
#define Q "5.NF.A.1"

#define ITEM(id, code)                                                                             \
	"{\"identifier\": \"" id "\", \"fullStatement\": \"Statement " id "\","                    \
	" \"humanCodingScheme\": \"" code "\"}"
#define ASSOC(id, kind, o, d)                                                                      \
	"{\"identifier\": \"" id "\", \"associationType\": \"" kind "\","                          \
	" \"originNodeURI\": {\"identifier\": \"" o "\"},"                                         \
	" \"destinationNodeURI\": {\"identifier\": \"" d "\"}}"
#define MATCH(id, o, code)                                                                         \
	"{\"identifier\": \"" id "\", \"associationType\": \"exactMatchOf\","                      \
	" \"originNodeURI\": {\"identifier\": \"" o "\"},"                                         \
	" \"destinationNodeURI\": {\"identifier\": \"x-" id "\", \"title\": \"Destination\","      \
	" \"uri\": \"urn:fdc:example:CCSS-M:" code "\"}}"

static const char package
	[] = "{\"CFDocument\": {\"identifier\": \"doc-st\", \"title\": \"Test State Math\"},"
	     " \"CFItems\": [" ITEM("st-q", "ST.5.NF.1") ", " ITEM("st-p", "ST.K.CC.1") ", " ITEM("st-local", "ST.L.1") "], \"CFAssociations\": [" ASSOC(
		     "c1", "isChildOf", "st-q",
		     "doc-st") ", " ASSOC("c2", "isChildOf", "st-p",
					  "doc-st") ", " ASSOC("c3", "isChildOf", "st-local",
							       "doc-st") ", " MATCH("m1", "st-q",
										    Q) ", " MATCH("m2",
												  "st-p",
												  P) ", " ASSOC("p1",
														"precedes",
														"st-p",
														"st-q") ", " ASSOC("p2",
																   "precedes",
																   "st-local",
																   "st-q") "]}";

struct fx {
	char path[64];
	struct db *db;
	int64_t d, d2; /* d has the package, d2 only the coherence map */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_fwm_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || district_create(f->db, "Other", &f->d2))
		return -1;
	struct buf errs;
	buf_init(&errs, 1 << 16);
	struct case_pkg_result r;
	enum eb_err rc = case_pkg_import(f->db, f->d, package, strlen(package), "st.json", 0, 1000,
					 &r, &errs);
	if (rc)
		print_message("%s", buf_cstr(&errs));
	buf_free(&errs);
	if (rc)
		return -1;
	mastery_cache_clear(f->db);
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

static void add_student(struct fx *f, int64_t d, const char *sid)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids, "
				    "role, given_name, family_name, grades) VALUES (?1, ?2, "
				    "'school1', 'student', 'G', 'F', '05')",
				    DB_ARGS(DB_INT(d), DB_TEXT(sid)), NULL),
			 EB_OK);
}

static void answer(struct fx *f, int64_t d, const char *sid, const char *code, const char *activity,
		   int item, int correct, int64_t at)
{
	char item_id[32];
	snprintf(item_id, sizeof item_id, "item-%d", item);
	struct learning_event_in ev = {
		.actor_key = sid,
		.match_name = sid,
		.activity_id = activity ? activity : item_id,
		.standard_code = code,
		.item_id = item_id,
		.correct = correct,
		.score = -1,
		.duration_s = -1,
		.occurred_at = at,
		.source = "xapi",
	};
	bool q = true;
	assert_int_equal(activity_event_record(f->db, d, 7, &ev, &q), EB_OK);
	assert_false(q);
}

static bool has(const char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* precedes and the own key in the district's links; the map alone lacks them */
static void links_add_precedes(void **state)
{
	struct fx *f = *state;
	const struct standard *p = standards_find(P), *q = standards_find(Q);
	assert_non_null(p);
	assert_non_null(q);
	assert_false(standards_has_link(p, q, STANDARDS_LINK_ARROW));
	struct arena a;
	arena_init(&a);
	struct frameworks_links *l, *l2;
	assert_int_equal(frameworks_links_load(f->db, f->d, &a, &l), EB_OK);
	assert_int_equal(frameworks_links_load(f->db, f->d2, &a, &l2), EB_OK);
	const char *v[64];
	size_t n = frameworks_links_of(l, Q, 0, v, 64);
	assert_true(has(v, n, P));
	assert_true(has(v, n, "case:st-local"));
	/* the coherence map's own prerequisites come first and stay */
	const struct standard *cm[64];
	size_t ncm = standards_prereqs(q, cm, 64);
	assert_true(n == ncm + 2);
	for (size_t i = 0; i < ncm; i++)
		assert_string_equal(v[i], cm[i]->code);
	n = frameworks_links_of(l2, Q, 0, v, 64);
	assert_false(has(v, n, P));
	assert_int_equal(n, ncm);
	n = frameworks_links_of(NULL, Q, 0, v, 64);
	assert_int_equal(n, ncm);
	/* successors the other way */
	n = frameworks_links_of(l, P, 1, v, 64);
	assert_true(has(v, n, Q));
	n = frameworks_links_of(l, "case:st-local", 1, v, 64);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], Q);

	/* grouping: the unit's prerequisites take the district's link */
	struct groups_unit u;
	assert_int_equal(groups_unit_from_key("5.NF.A", &u), EB_OK);
	const struct standard *s[GROUPS_STD_MAX];
	int depth[GROUPS_STD_MAX];
	size_t ns = groups_standards_of_unit_links(&u, l, s, depth, GROUPS_STD_MAX), at = ns;
	for (size_t i = 0; i < ns; i++)
		if (s[i] == p)
			at = i;
	assert_true(at < ns);
	assert_int_equal(depth[at], 1);
	ns = groups_standards_of_unit(&u, s, depth, GROUPS_STD_MAX);
	for (size_t i = 0; i < ns; i++)
		assert_ptr_not_equal(s[i], p);
	arena_free(&a);
}

/* Same evidence in both districts: P measured high, Q thin. Q's inferred P
 * is pulled halfway to P's in the district whose framework says P precedes
 * Q (the inference rule, mastery_infer), online and after the refit. */
static void precedes_moves_inferred_mastery(void **state)
{
	struct fx *f = *state;
	int64_t t0 = 1756684800, ds[2] = { f->d, f->d2 };
	for (int k = 0; k < 2; k++) {
		for (int s = 0; s < 6; s++) {
			char sid[16];
			snprintf(sid, sizeof sid, "s%d", s);
			add_student(f, ds[k], sid);
			for (int i = 0; i < 6; i++)
				answer(f, ds[k], sid, P, NULL, i, 1, t0 + i * 60);
			answer(f, ds[k], sid, Q, NULL, 100, 0, t0 + 3600);
		}
	}
	double q_with = mastery_p(f->db, f->d, "s0", Q),
	       q_without = mastery_p(f->db, f->d2, "s0", Q);
	double p_with = mastery_p(f->db, f->d, "s0", P);
	assert_true(p_with > 0.8);
	assert_true(q_without >= 0);
	print_message("online: P %.3f, Q with the link %.3f, without %.3f\n", p_with, q_with,
		      q_without);
	assert_true(fabs(q_with - mastery_infer(q_without, &p_with, 1, NULL, 0)) < 1e-3);
	assert_true(q_with > q_without + 0.1);

	struct mastery_refit_summary sum;
	char err[256] = "";
	for (int k = 0; k < 2; k++)
		assert_int_equal(
			mastery_refit(f->db, ds[k], NULL, NULL, NULL, &sum, err, sizeof err),
			EB_OK);
	q_with = mastery_p(f->db, f->d, "s0", Q);
	q_without = mastery_p(f->db, f->d2, "s0", Q);
	p_with = mastery_p(f->db, f->d, "s0", P);
	print_message("refit: P %.3f, Q with the link %.3f, without %.3f\n", p_with, q_with,
		      q_without);
	assert_true(fabs(q_with - mastery_infer(q_without, &p_with, 1, NULL, 0)) < 1e-3);
	assert_true(q_with > q_without + 0.1);
}

/* Evidence on an item with no CCSS match is kept and has its own mastery,
 * whether it names the item by its code or by its CASE identifier. */
static void own_item_mastery(void **state)
{
	struct fx *f = *state;
	char codes[2][FRAMEWORKS_CODE_MAX];
	size_t n = 0;
	assert_int_equal(frameworks_resolve(f->db, f->d, "ST.L.1", codes, 2, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "case:st-local");
	assert_int_equal(frameworks_resolve(f->db, f->d, "case:st-local", codes, 2, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "case:st-local");
	assert_int_equal(frameworks_resolve(f->db, f->d2, "ST.L.1", codes, 2, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(frameworks_resolve(f->db, f->d, "ST.5.NF.1", codes, 2, &n), EB_OK);
	assert_string_equal(codes[0], Q);
	assert_true(frameworks_is_own_key("case:x"));
	assert_false(frameworks_is_own_key(Q));

	add_student(f, f->d, "s1");
	int64_t t0 = 1756684800;
	answer(f, f->d, "s1", "ST.L.1", NULL, 1, 1, t0);
	answer(f, f->d, "s1", NULL, "st-local", 2, 1, t0 + 60);
	answer(f, f->d, "s1", NULL, "st-local", 3, 0, t0 + 120);
	answer(f, f->d, "s1", NULL, "st-local", 4, 1, t0 + 180);
	int64_t k = -1;
	assert_int_equal(db_get_int(f->db,
				    "SELECT count(*) FROM learning_event WHERE district_id = ?1"
				    " AND standard_code = 'case:st-local'",
				    DB_ARGS(DB_INT(f->d)), &k),
			 EB_OK);
	assert_int_equal(k, 4);
	assert_int_equal(db_get_int(f->db, "SELECT count(*) FROM quarantine WHERE district_id = ?1",
				    DB_ARGS(DB_INT(f->d)), &k),
			 EB_OK);
	assert_int_equal(k, 0);
	struct mastery_cell c;
	bool found = false;
	assert_int_equal(mastery_cell_get(f->db, f->d, "s1", "case:st-local", &c, &found), EB_OK);
	assert_true(found);
	assert_int_equal(c.responses, 4);
	assert_int_equal(c.correct, 3);
	assert_false(c.inferred);
	/* the refit keeps it */
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->d, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_int_equal(mastery_cell_get(f->db, f->d, "s1", "case:st-local", &c, &found), EB_OK);
	assert_true(found);
	assert_int_equal(c.responses, 4);
}

/* Labels: the CCSS code until a primary framework is chosen, then its code;
 * an own key by its item's code; a code the primary lacks as it is. */
static void labels_follow_primary(void **state)
{
	struct fx *f = *state;
	struct arena a;
	arena_init(&a);
	struct frameworks_labels *l;
	assert_int_equal(frameworks_labels_load(f->db, f->d, &a, &l), EB_OK);
	assert_false(frameworks_labels_primary(l));
	assert_string_equal(frameworks_label(l, Q), Q);
	assert_string_equal(frameworks_label(l, "case:st-local"), "ST.L.1");
	assert_string_equal(frameworks_label(l, "case:gone"), "case:gone");
	assert_string_equal(frameworks_label(NULL, Q), Q);
	int64_t fid = 0;
	assert_int_equal(db_get_int(f->db, "SELECT id FROM framework WHERE district_id = ?1",
				    DB_ARGS(DB_INT(f->d)), &fid),
			 EB_OK);
	/* another district's or an unknown framework: refused, nothing changes */
	assert_int_equal(frameworks_set_primary(f->db, f->d2, fid, 0, 5), EB_ENOTFOUND);
	assert_int_equal(frameworks_set_primary(f->db, f->d, fid + 99, 0, 5), EB_ENOTFOUND);
	assert_int_equal(frameworks_labels_load(f->db, f->d, &a, &l), EB_OK);
	assert_string_equal(frameworks_label(l, Q), Q);
	assert_int_equal(frameworks_set_primary(f->db, f->d, fid, 0, 5), EB_OK);
	assert_int_equal(frameworks_labels_load(f->db, f->d, &a, &l), EB_OK);
	assert_true(frameworks_labels_primary(l));
	assert_string_equal(frameworks_label(l, Q), "ST.5.NF.1");
	assert_string_equal(frameworks_label(l, P), "ST.K.CC.1");
	assert_string_equal(frameworks_label(l, "3.OA.A.1"), "3.OA.A.1");
	struct frameworks_labels *l2;
	assert_int_equal(frameworks_labels_load(f->db, f->d2, &a, &l2), EB_OK);
	assert_string_equal(frameworks_label(l2, Q), Q);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(links_add_precedes, setup, teardown),
		cmocka_unit_test_setup_teardown(precedes_moves_inferred_mastery, setup, teardown),
		cmocka_unit_test_setup_teardown(own_item_mastery, setup, teardown),
		cmocka_unit_test_setup_teardown(labels_follow_primary, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
