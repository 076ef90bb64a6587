/* Unit tests of the knowledge base (domain/kb): validation with nothing
 * stored on bad input, who reads what (drafts, staff-only articles, a vendor
 * contact's own tool, another district), the FTS5 query made from typed
 * text (never malformed, whatever is typed), search with the tool as a
 * filter, "this fixed it" once per person and the ranking it moves, and the
 * deflected tickets counted for the reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/kb.h"
#include "domain/tools.h"
#include "store/db.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d, d2, tool_a, tool_b, tool_other;
	struct kb_viewer it, champion, champion2, teacher, family, vendor, other;
	struct arena arena;
};

static const struct audit_actor actor = { 1, "it", "127.0.0.1" };

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_NOARGS, &n), EB_OK);
	return n;
}

static int64_t make_tool(struct db *db, int64_t d, const char *name)
{
	struct tool t;
	tools_defaults(&t);
	snprintf(t.name, sizeof t.name, "%s", name);
	int64_t id = 0;
	if (tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &actor, "test", &id))
		return 0;
	return id;
}

static void viewer(struct kb_viewer *v, int64_t d, int64_t account, unsigned roles)
{
	struct account a;
	memset(&a, 0, sizeof a);
	a.id = account;
	a.district_id = d;
	a.role_mask = roles;
	kb_viewer_of(&a, v);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_kb_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || district_create(f->db, "Other", &f->d2))
		return -1;
	f->tool_a = make_tool(f->db, f->d, "MathWorld");
	f->tool_b = make_tool(f->db, f->d, "FractionLab");
	f->tool_other = make_tool(f->db, f->d2, "MathWorld");
	int64_t vendor_id = 0;
	if (!f->tool_a || !f->tool_b || !f->tool_other ||
	    account_create(f->db, f->d, "vendor1", "Vee Vendor", NULL, NULL, &vendor_id))
		return -1;
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)f->tool_b);
	if (account_add_role(f->db, f->d, vendor_id, ROLE_VENDOR_CONTACT, "tool", tid))
		return -1;
	viewer(&f->it, f->d, 101, 1u << ROLE_IT_STAFF);
	viewer(&f->champion, f->d, 102, (1u << ROLE_TECH_CHAMPION) | (1u << ROLE_TEACHER));
	viewer(&f->champion2, f->d, 103, 1u << ROLE_TECH_CHAMPION);
	viewer(&f->teacher, f->d, 104, 1u << ROLE_TEACHER);
	viewer(&f->family, f->d, 105, 1u << ROLE_GUARDIAN);
	viewer(&f->vendor, f->d, vendor_id, 1u << ROLE_VENDOR_CONTACT);
	viewer(&f->other, f->d2, 201, 1u << ROLE_IT_STAFF);
	arena_init(&f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->arena);
	db_close(f->db);
	unlink(f->path);
	char side[80];
	snprintf(side, sizeof side, "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

static int64_t save(struct fx *f, const struct kb_viewer *v, int64_t tool, const char *title,
		    const char *symptom, const char *fix, const char *aud, const char *status)
{
	char tid[24], why[200];
	snprintf(tid, sizeof tid, "%lld", (long long)tool);
	struct kb_form form = { tid, title, symptom, fix, aud, status };
	int64_t id = 0;
	assert_int_equal(kb_save(f->db, v, &form, &actor, &id, why, sizeof why), EB_OK);
	assert_true(id > 0);
	return id;
}

static void bad_articles_store_nothing(void **state)
{
	struct fx *f = *state;
	char tid[24], other[24], why[200];
	snprintf(tid, sizeof tid, "%lld", (long long)f->tool_a);
	snprintf(other, sizeof other, "%lld", (long long)f->tool_other);
	char long_title[KB_TITLE_MAX + 2];
	memset(long_title, 'x', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = '\0';
	struct {
		struct kb_form form;
		const char *field;
	} cases[] = {
		{ { other, "T", "S", "F", "everyone", "published" }, "tool:" },
		{ { "abc", "T", "S", "F", "everyone", "published" }, "tool:" },
		{ { tid, "   ", "S", "F", "everyone", "published" }, "title: required" },
		{ { tid, long_title, "S", "F", "everyone", "published" }, "title: at most" },
		{ { tid, "T", NULL, "F", "everyone", "published" }, "symptom: required" },
		{ { tid, "T", "S", "\xff\xfe", "everyone", "published" }, "fix: not readable" },
		{ { tid, "T", "S", "F", "public", "published" }, "audience:" },
		{ { tid, "T", "S", "F", "staff", "live" }, "status:" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = 0;
		assert_int_equal(
			kb_save(f->db, &f->it, &cases[i].form, &actor, &id, why, sizeof why),
			EB_EINVAL);
		assert_non_null(strstr(why, cases[i].field));
		assert_int_equal(id, 0);
	}
	/* a reader may not write; nothing stored either */
	struct kb_form ok = { tid, "T", "S", "F", "everyone", "published" };
	int64_t id = 0;
	assert_int_equal(kb_save(f->db, &f->teacher, &ok, &actor, &id, why, sizeof why), EB_EPERM);
	assert_int_equal(kb_save(f->db, &f->family, &ok, &actor, &id, why, sizeof why), EB_EPERM);
	assert_int_equal(count(f, "SELECT count(*) FROM kb_article"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM kb_fts"), 0);
}

static void who_reads_what(void **state)
{
	struct fx *f = *state;
	int64_t pub = save(f, &f->it, f->tool_a, "Login loops", "The sign-in page comes back",
			   "Clear cookies", "everyone", "published");
	int64_t staff = save(f, &f->champion, f->tool_a, "Roster sync late", "New students missing",
			     "Run the sync", "staff", "published");
	int64_t draft = save(f, &f->champion, f->tool_a, "Draft fix", "Something", "Steps",
			     "everyone", "draft");
	int64_t vend = save(f, &f->it, f->tool_b, "Fractions blank", "Blank screen",
			    "Update the browser", "staff", "published");
	struct kb_article a;
	struct arena *ar = &f->arena;
	/* families: published, everyone */
	assert_int_equal(kb_get(f->db, &f->family, pub, ar, &a), EB_OK);
	assert_string_equal(a.tool_name, "MathWorld");
	assert_int_equal(kb_get(f->db, &f->family, staff, ar, &a), EB_ENOTFOUND);
	assert_int_equal(kb_get(f->db, &f->family, draft, ar, &a), EB_ENOTFOUND);
	/* teachers: staff-only too, no drafts */
	assert_int_equal(kb_get(f->db, &f->teacher, staff, ar, &a), EB_OK);
	assert_int_equal(kb_get(f->db, &f->teacher, draft, ar, &a), EB_ENOTFOUND);
	/* writers see drafts */
	assert_int_equal(kb_get(f->db, &f->champion2, draft, ar, &a), EB_OK);
	/* a vendor contact reads its own tool's articles alone */
	assert_int_equal(kb_get(f->db, &f->vendor, vend, ar, &a), EB_OK);
	assert_int_equal(kb_get(f->db, &f->vendor, pub, ar, &a), EB_ENOTFOUND);
	/* another district sees none */
	assert_int_equal(kb_get(f->db, &f->other, pub, ar, &a), EB_ENOTFOUND);
	/* editing: IT any, a champion their own */
	assert_int_equal(kb_get(f->db, &f->it, staff, ar, &a), EB_OK);
	assert_true(kb_can_edit(&f->it, &a));
	assert_true(kb_can_edit(&f->champion, &a));
	assert_false(kb_can_edit(&f->champion2, &a));
	char tid[24], why[200];
	snprintf(tid, sizeof tid, "%lld", (long long)f->tool_a);
	struct kb_form form = { tid, "Changed", "S", "F", "staff", "published" };
	int64_t id = staff;
	assert_int_equal(kb_save(f->db, &f->champion2, &form, &actor, &id, why, sizeof why),
			 EB_EPERM);
	assert_int_equal(kb_save(f->db, &f->champion, &form, &actor, &id, why, sizeof why), EB_OK);
	assert_int_equal(kb_get(f->db, &f->teacher, staff, ar, &a), EB_OK);
	assert_string_equal(a.title, "Changed");
	/* lists follow the same rule */
	struct kb_article *rows;
	size_t n;
	assert_int_equal(kb_search(f->db, &f->family, 0, NULL, false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kb_search(f->db, &f->teacher, 0, "", false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(kb_search(f->db, &f->it, 0, NULL, false, false, 50, ar, &rows, &n), EB_OK);
	assert_int_equal(n, 4);
	assert_int_equal(kb_search(f->db, &f->it, f->tool_b, NULL, false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kb_search(f->db, &f->vendor, 0, NULL, false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	/* the edit moved the search index too */
	assert_int_equal(kb_search(f->db, &f->it, 0, "changed", false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kb_search(f->db, &f->it, 0, "roster", false, false, 50, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 0);
}

static void fts_query_from_typed_text(void **state)
{
	char q[256];
	assert_int_equal(kb_fts_query("The app isn't working!", false, q, sizeof q), 2);
	assert_string_equal(q, "\"app\" OR \"working\"");
	assert_int_equal(kb_fts_query("Login LOOP", true, q, sizeof q), 2);
	assert_string_equal(q, "\"login\" OR \"loop\"*");
	/* the same words as a PostgreSQL tsquery */
	assert_int_equal(kb_tsquery("Login LOOP & !x", true, q, sizeof q), 2);
	assert_string_equal(q, "login | loop:*");
	assert_int_equal(kb_tsquery("The app isn't working!", false, q, sizeof q), 2);
	assert_string_equal(q, "app | working");
	/* FTS5 syntax typed by a person is only words */
	assert_int_equal(kb_fts_query("\"ab\" NEAR( bc* ) OR -cd: ^de", false, q, sizeof q), 5);
	assert_string_equal(q, "\"ab\" OR \"near\" OR \"bc\" OR \"cd\" OR \"de\"");
	assert_int_equal(kb_fts_query("!!! ?? a", false, q, sizeof q), 0);
	assert_string_equal(q, "");
	assert_int_equal(kb_fts_query(NULL, false, q, sizeof q), 0);
	/* other scripts are words too */
	assert_int_equal(kb_fts_query("pantalla négra", false, q, sizeof q), 2);
	assert_string_equal(q, "\"pantalla\" OR \"négra\"");
	/* a small buffer cuts at a whole word */
	char small[12];
	assert_int_equal(kb_fts_query("alpha beta gamma", false, small, sizeof small), 1);
	assert_string_equal(small, "\"alpha\"");
}

static void search_ranks_what_fixed_it(void **state)
{
	struct fx *f = *state;
	struct arena *ar = &f->arena;
	int64_t a1 = save(f, &f->it, f->tool_a, "Audio not playing", "No sound in the lesson",
			  "Check the tab is not muted", "everyone", "published");
	int64_t a2 = save(f, &f->it, f->tool_a, "Sound cuts out", "The sound stops after a minute",
			  "Close other tabs", "everyone", "published");
	int64_t other = save(f, &f->it, f->tool_b, "Sound on tablets", "No sound on tablets",
			     "Turn up the volume", "everyone", "published");
	struct kb_article *rows;
	size_t n;
	/* the tool filter */
	assert_int_equal(
		kb_search(f->db, &f->family, f->tool_a, "sound", false, true, 10, ar, &rows, &n),
		EB_OK);
	assert_int_equal(n, 2);
	/* an unfinished word while typing */
	assert_int_equal(kb_search(f->db, &f->family, 0, "sou", true, true, 10, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 3);
	assert_int_equal(kb_search(f->db, &f->family, 0, "sou", false, true, 10, ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	/* marks: once per person, the later replaces the earlier */
	assert_int_equal(kb_mark(f->db, &f->family, a2, true, true), EB_OK);
	assert_int_equal(kb_mark(f->db, &f->teacher, a2, true, false), EB_OK);
	assert_int_equal(kb_mark(f->db, &f->champion, a2, false, false), EB_OK);
	assert_int_equal(kb_mark(f->db, &f->champion, a2, true, false), EB_OK);
	assert_int_equal(kb_mark(f->db, &f->it, a1, false, false), EB_OK);
	int m = 5;
	assert_int_equal(kb_my_mark(f->db, &f->champion, a2, &m), EB_OK);
	assert_int_equal(m, 1);
	assert_int_equal(kb_my_mark(f->db, &f->champion2, a2, &m), EB_OK);
	assert_int_equal(m, -1);
	struct kb_article a;
	assert_int_equal(kb_get(f->db, &f->teacher, a2, ar, &a), EB_OK);
	assert_int_equal(a.fixed, 3);
	assert_int_equal(a.not_helped, 0);
	/* the article that fixed it comes first, browsing and searching */
	assert_int_equal(
		kb_search(f->db, &f->family, f->tool_a, NULL, false, true, 10, ar, &rows, &n),
		EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, a2);
	assert_int_equal(
		kb_search(f->db, &f->family, f->tool_a, "no sound", false, true, 10, ar, &rows, &n),
		EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, a2);
	/* a draft or an article one may not read takes no mark */
	int64_t draft = save(f, &f->it, f->tool_a, "Draft", "S", "F", "everyone", "draft");
	assert_int_equal(kb_mark(f->db, &f->it, draft, true, false), EB_ENOTFOUND);
	assert_int_equal(kb_mark(f->db, &f->vendor, a1, true, false), EB_ENOTFOUND);
	assert_int_equal(kb_mark(f->db, &f->other, other, true, false), EB_ENOTFOUND);
	/* deflected tickets by tool: only "this fixed it" from the ticket form */
	assert_int_equal(kb_mark(f->db, &f->teacher, other, true, true), EB_OK);
	assert_int_equal(kb_mark(f->db, &f->champion2, other, false, true), EB_OK);
	struct kb_deflection *d;
	int64_t now = time_now();
	assert_int_equal(kb_deflections(f->db, f->d, now - 60, now + 60, ar, &d, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(d[0].tool_name, "FractionLab");
	assert_int_equal(d[0].deflected, 1);
	assert_string_equal(d[1].tool_name, "MathWorld");
	assert_int_equal(d[1].deflected, 1);
	assert_int_equal(kb_deflections(f->db, f->d, now + 60, now + 120, ar, &d, &n), EB_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bad_articles_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(who_reads_what, setup, teardown),
		cmocka_unit_test(fts_query_from_typed_text),
		cmocka_unit_test_setup_teardown(search_ranks_what_fixed_it, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
