/* Unit tests of domain/tools: validation, status transitions and history,
 * credentials (hashing, verification, rotation, revocation), tenancy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/tools.h"
#include "store/db.h"
#include "store/db_write.h"

struct fx {
	struct db *db;
	int64_t d1, d2;
	struct arena ar;
};

static const struct audit_actor cli = { 0, "cli", "" };

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d1) || district_create(f->db, "Two", &f->d2))
		return -1;
	arena_init(&f->ar);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->ar);
	db_close(f->db);
	free(f);
	return 0;
}

static int64_t add_tool(struct fx *f, int64_t d, const char *name)
{
	struct tool t;
	struct tool_form in = { .name = name };
	char why[200];
	int64_t id = 0;
	tools_defaults(&t);
	assert_int_equal(tools_validate(f->db, d, &in, &t, why, sizeof why), EB_OK);
	assert_int_equal(tools_create(f->db, d, &t, TOOL_UNDER_REVIEW, 0, &cli, "added", &id),
			 EB_OK);
	return id;
}

static void validation_messages(void **state)
{
	struct fx *f = *state;
	struct tool t;
	char why[300];
	static const struct {
		struct tool_form in;
		const char *msg;
	} bad[] = {
		{ { .name = "  " }, "name: required" },
		{ { .kind = "robot" }, "kind:" },
		{ { .grades = "K-13" }, "grades:" },
		{ { .grades = "5-3" }, "grades:" },
		{ { .standards = "3.NF.A.1 9.ZZ.1" }, "standards: '9.ZZ.1'" },
		{ { .url = "ftp://x" }, "url:" },
		{ { .dpa_signed = "yes" }, "dpa_date:" },
		{ { .dpa_signed = "maybe" }, "dpa_signed:" },
		{ { .dpa_date = "2026-02-30" }, "dpa_date:" },
		{ { .seats = "1e3" }, "seats:" },
		{ { .annual_cost = "12.345" }, "annual_cost:" },
		{ { .annual_cost = "-5" }, "annual_cost:" },
		{ { .term_start = "2026-09-01", .term_end = "2026-08-01" }, "term_end:" },
		{ { .help_email = "a@b" }, "help_email:" },
		{ { .help_phone = "call me" }, "help_phone:" },
		{ { .it_owner = "12" }, "it_owner:" },
		{ { .vendor = "bad\x01" }, "vendor: contains a control character" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		tools_defaults(&t);
		why[0] = '\0';
		assert_int_equal(tools_validate(f->db, f->d1, &bad[i].in, &t, why, sizeof why),
				 EB_EINVAL);
		assert_non_null(strstr(why, bad[i].msg));
	}
	const char *data[] = { "name", "usage", "audio_video" };
	struct tool_form ok = { .name = " Quiz ",
				.grades = "k, 2 1;K-1",
				.standards = "3.nf.1 3.NF.A.1 MP1",
				.dpa_signed = "yes",
				.dpa_date = "2026-01-31",
				.annual_cost = "$99.5",
				.seats = "30",
				.data_elements = data,
				.ndata = 3,
				.data_given = true,
				.help_url = "https://help.example/x" };
	tools_defaults(&t);
	assert_int_equal(tools_validate(f->db, f->d1, &ok, &t, why, sizeof why), EB_OK);
	assert_string_equal(t.name, "Quiz");
	assert_string_equal(t.grades, "K,1,2");
	assert_string_equal(t.standards, "3.NF.A.1 MP.1");
	assert_int_equal(t.annual_cost_cents, 9950);
	assert_int_equal(t.seats, 30);
	assert_int_equal(t.data_elements, (1u << TOOL_DATA_NAME) | (1u << TOOL_DATA_USAGE) |
						  (1u << TOOL_DATA_AUDIO_VIDEO));
	const char *baddata[] = { "shoe_size" };
	struct tool_form bd = { .data_elements = baddata, .ndata = 1, .data_given = true };
	assert_int_equal(tools_validate(f->db, f->d1, &bd, &t, why, sizeof why), EB_EINVAL);
	/* an IT owner must hold the IT staff role */
	int64_t acc, it;
	assert_int_equal(account_create(f->db, f->d1, "teach", "T", NULL, NULL, &acc), EB_OK);
	assert_int_equal(account_add_role(f->db, f->d1, acc, ROLE_TEACHER, "district", "1"), EB_OK);
	assert_int_equal(account_create(f->db, f->d1, "itguy", "I", NULL, NULL, &it), EB_OK);
	assert_int_equal(account_add_role(f->db, f->d1, it, ROLE_IT_STAFF, "district", "1"), EB_OK);
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)acc);
	struct tool_form own = { .it_owner = buf };
	assert_int_equal(tools_validate(f->db, f->d1, &own, &t, why, sizeof why), EB_EINVAL);
	snprintf(buf, sizeof buf, "%lld", (long long)it);
	assert_int_equal(tools_validate(f->db, f->d1, &own, &t, why, sizeof why), EB_OK);
	assert_int_equal(t.it_owner_id, it);
	/* ...of this district */
	assert_int_equal(tools_validate(f->db, f->d2, &own, &t, why, sizeof why), EB_EINVAL);
}

static void create_unique_and_tenant(void **state)
{
	struct fx *f = *state;
	int64_t id = add_tool(f, f->d1, "Quizzy"), id2;
	struct tool t;
	tools_defaults(&t);
	str_copy(t.name, sizeof t.name, "quizzy");
	assert_int_equal(tools_create(f->db, f->d1, &t, TOOL_REQUESTED, 0, &cli, "r", &id2),
			 EB_EEXIST);
	/* same name in the other district is fine, and invisible across */
	assert_int_equal(tools_create(f->db, f->d2, &t, TOOL_REQUESTED, 0, &cli, "r", &id2), EB_OK);
	assert_int_equal(tools_get(f->db, f->d2, id, &t), EB_ENOTFOUND);
	assert_int_equal(tools_find(f->db, f->d1, "QUIZZY", &t), EB_OK);
	assert_int_equal(t.id, id);
	assert_int_equal(t.status, TOOL_UNDER_REVIEW);
	assert_int_equal(tools_find(f->db, f->d1, "nothing", &t), EB_ENOTFOUND);
	/* a status other than requested/under_review cannot be the first */
	assert_int_equal(tools_create(f->db, f->d1, &t, TOOL_APPROVED, 0, &cli, "r", &id2),
			 EB_EINVAL);
}

static void status_transitions_and_history(void **state)
{
	struct fx *f = *state;
	int64_t id = add_tool(f, f->d1, "Tutor");
	char why[300];
	struct audit_actor who = { 0, "reviewer", "" };
	/* the table of allowed changes */
	assert_true(tool_status_allowed(TOOL_REQUESTED, TOOL_APPROVED));
	assert_false(tool_status_allowed(TOOL_REQUESTED, TOOL_RETIRED));
	assert_false(tool_status_allowed(TOOL_APPROVED, TOOL_APPROVED));
	assert_false(tool_status_allowed(TOOL_DENIED, TOOL_APPROVED));
	assert_true(tool_status_allowed(TOOL_RETIRED, TOOL_UNDER_REVIEW));
	enum tool_status s;
	assert_true(tool_status_parse("Approved-With-Conditions", &s));
	assert_int_equal(s, TOOL_APPROVED_WITH_CONDITIONS);
	assert_false(tool_status_parse("approvedish", &s));
	/* a reason is required */
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_APPROVED, "  ", NULL, &who, why,
					  sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "reason:"));
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_APPROVED, NULL, NULL, &who, why,
					  sizeof why),
			 EB_EINVAL);
	/* conditions for approved_with_conditions */
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_APPROVED_WITH_CONDITIONS, "ok",
					  NULL, &who, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "conditions:"));
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_RETIRED, "old", NULL, &who, why,
					  sizeof why),
			 EB_ECONFLICT);
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_APPROVED_WITH_CONDITIONS, "fine",
					  "no email", &who, why, sizeof why),
			 EB_OK);
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_RETIRED, "replaced", NULL, &who,
					  why, sizeof why),
			 EB_OK);
	/* the other district cannot touch it */
	assert_int_equal(tools_set_status(f->db, f->d2, id, TOOL_UNDER_REVIEW, "x", NULL, &who, why,
					  sizeof why),
			 EB_ENOTFOUND);
	struct tool t;
	assert_int_equal(tools_get(f->db, f->d1, id, &t), EB_OK);
	assert_int_equal(t.status, TOOL_RETIRED);
	assert_string_equal(t.conditions, "no email");
	struct tool_history *h;
	size_t n;
	assert_int_equal(tools_history(f->db, f->d1, id, &f->ar, &h, &n), EB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].from_status, "");
	assert_string_equal(h[0].to_status, "under_review");
	assert_string_equal(h[1].to_status, "approved_with_conditions");
	assert_string_equal(h[1].actor, "reviewer");
	assert_string_equal(h[1].reason, "fine");
	assert_string_equal(h[2].from_status, "approved_with_conditions");
	assert_string_equal(h[2].to_status, "retired");
	/* and in the audit log */
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT count(*) FROM audit_log WHERE subject_type='tool'"
				  " AND action='status'",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_done(st), EB_OK);
	/* only public statuses in the public list */
	struct tool_row *rows;
	assert_int_equal(tools_list(f->db, f->d1, -1, true, &f->ar, &rows, &n), EB_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(tool_status_public(rows[i].status));
}

static void credentials_hash_verify_rotate_revoke(void **state)
{
	struct fx *f = *state;
	int64_t id = add_tool(f, f->d1, "Sender"), cx, cc, d, t;
	char xk[TOOL_KEY_MAX], xs[TOOL_SECRET_MAX], ck[TOOL_KEY_MAX], cs[TOOL_SECRET_MAX];
	assert_int_equal(tools_cred_create(f->db, f->d1, id, TOOL_CRED_XAPI, &cli, &cx, xk, xs),
			 EB_OK);
	assert_int_equal(tools_cred_create(f->db, f->d1, id, TOOL_CRED_CALIPER, &cli, &cc, ck, cs),
			 EB_OK);
	assert_int_equal(strlen(xs), 43);
	assert_int_equal(strlen(cs), 43);
	assert_int_equal(strncmp(ck, "cal-", 4), 0);
	/* no secret is stored in clear */
	struct db_stmt *st;
	assert_int_equal(
		db_query(f->db, "SELECT secret_hash, key_id FROM tool_credential", DB_NOARGS, &st),
		EB_OK);
	while (db_next(st)) {
		assert_int_equal(db_col_bytes(st, 0), 32);
		assert_memory_not_equal(db_col_blob(st, 0), xs, 32);
		assert_memory_not_equal(db_col_blob(st, 0), cs, 32);
	}
	assert_int_equal(db_done(st), EB_OK);
	/* verification */
	assert_int_equal(tools_check_basic(f->db, xk, xs, &d, &t), EB_OK);
	assert_int_equal(d, f->d1);
	assert_int_equal(t, id);
	assert_int_equal(tools_check_basic(f->db, xk, cs, &d, &t), EB_EAUTH);
	assert_int_equal(tools_check_basic(f->db, "unknown", xs, &d, &t), EB_EAUTH);
	assert_int_equal(tools_check_basic(f->db, ck, cs, &d, &t), EB_EAUTH); /* wrong kind */
	assert_int_equal(tools_check_bearer(f->db, cs, &d, &t), EB_OK);
	assert_int_equal(tools_check_bearer(f->db, xs, &d, &t),
			 EB_EAUTH); /* xAPI secret is no token */
	assert_int_equal(tools_check_bearer(f->db, "", &d, &t), EB_EAUTH);
	/* last_used_at is set (through the group commit: wait for it) */
	db_write_drain();
	struct tool_credential *c;
	size_t n;
	assert_int_equal(tools_cred_list(f->db, f->d1, id, &f->ar, &c, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_true(c[0].last_used_at > 0 && c[1].last_used_at > 0);
	/* last_used_at moves at most once a minute */
	assert_int_equal(db_exec(f->db, "UPDATE tool_credential SET last_used_at=unixepoch()-30"),
			 EB_OK);
	assert_int_equal(tools_check_basic(f->db, xk, xs, &d, &t), EB_OK);
	db_write_drain();
	assert_int_equal(db_query(f->db,
				  "SELECT count(*) FROM tool_credential WHERE"
				  " last_used_at BETWEEN unixepoch()-35 AND unixepoch()-25",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE tool_credential SET last_used_at=unixepoch()-61"),
			 EB_OK);
	assert_int_equal(tools_check_basic(f->db, xk, xs, &d, &t), EB_OK);
	db_write_drain();
	assert_int_equal(db_query(f->db,
				  "SELECT count(*) FROM tool_credential WHERE"
				  " last_used_at>=unixepoch()-5",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_done(st), EB_OK);
	/* rotation: same key, new secret, old one dead */
	char k2[TOOL_KEY_MAX], s2[TOOL_SECRET_MAX];
	assert_int_equal(tools_cred_rotate(f->db, f->d1, id, cx, &cli, k2, s2), EB_OK);
	assert_string_equal(k2, xk);
	assert_string_not_equal(s2, xs);
	assert_int_equal(tools_check_basic(f->db, xk, xs, &d, &t), EB_EAUTH);
	assert_int_equal(tools_check_basic(f->db, xk, s2, &d, &t), EB_OK);
	/* another district cannot rotate or revoke it */
	assert_int_equal(tools_cred_rotate(f->db, f->d2, id, cx, &cli, k2, s2), EB_ENOTFOUND);
	assert_int_equal(tools_cred_revoke(f->db, f->d2, id, cc, &cli), EB_ENOTFOUND);
	/* revocation */
	assert_int_equal(tools_cred_revoke(f->db, f->d1, id, cc, &cli), EB_OK);
	assert_int_equal(tools_check_bearer(f->db, cs, &d, &t), EB_EAUTH);
	assert_int_equal(tools_cred_revoke(f->db, f->d1, id, cc, &cli), EB_ECONFLICT);
	assert_int_equal(tools_cred_rotate(f->db, f->d1, id, cc, &cli, k2, s2), EB_ECONFLICT);
	/* a denied tool's credentials stop working */
	char why[200];
	assert_int_equal(tools_check_basic(f->db, xk, s2, &d, &t), EB_OK);
	assert_int_equal(tools_set_status(f->db, f->d1, id, TOOL_DENIED, "no DPA", NULL, &cli, why,
					  sizeof why),
			 EB_OK);
	assert_int_equal(tools_check_basic(f->db, xk, s2, &d, &t), EB_EAUTH);
}

static void support_matrix(void **state)
{
	struct fx *f = *state;
	int64_t id = add_tool(f, f->d1, "Devices"), ch, other;
	char why[200];
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO org(district_id, sourced_id, name, type) VALUES"
				 " (1,'s1','School One','school'),(1,'s2','School Two','school')"),
			 EB_OK);
	assert_int_equal(account_create(f->db, f->d1, "champ1", "C", NULL, NULL, &ch), EB_OK);
	assert_int_equal(account_add_role(f->db, f->d1, ch, ROLE_TECH_CHAMPION, "school", "s1"),
			 EB_OK);
	assert_int_equal(account_create(f->db, f->d1, "other1", "O", NULL, NULL, &other), EB_OK);
	struct account a;
	assert_int_equal(account_get(f->db, f->d1, ch, &a), EB_OK);
	assert_true(tools_can_edit_support(&a, "s1"));
	assert_false(tools_can_edit_support(&a, "s2"));
	assert_false(tools_can_edit(&a));
	assert_int_equal(tools_set_support(f->db, f->d1, id, "s2", ch, "", &cli, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "champion:"));
	assert_int_equal(tools_set_support(f->db, f->d1, id, "nope", 0, "x", &cli, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(
		tools_set_support(f->db, f->d1, id, "s1", other, "", &cli, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(
		tools_set_support(f->db, f->d1, id, "s1", ch, "Cart 3", &cli, why, sizeof why),
		EB_OK);
	struct tool_support *s;
	size_t n;
	assert_int_equal(tools_support(f->db, f->d1, id, &f->ar, &s, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(s[0].champion_login, "champ1");
	assert_string_equal(s[0].notes, "Cart 3");
	assert_int_equal(tools_set_support(f->db, f->d1, id, "s1", 0, "", &cli, why, sizeof why),
			 EB_OK);
	assert_int_equal(tools_support(f->db, f->d1, id, &f->ar, &s, &n), EB_OK);
	assert_int_equal(n, 0);
}

/* The lists grow past their first block: every row kept, in order. */
static void lists_grow(void **state)
{
	struct fx *f = *state;
	char name[32];
	for (int i = 39; i >= 0; i--) {
		snprintf(name, sizeof name, "Tool %02d", i);
		add_tool(f, f->d1, name);
	}
	struct tool_row *rows;
	size_t n;
	assert_int_equal(tools_list(f->db, f->d1, -1, false, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof name, "Tool %02zu", i);
		assert_string_equal(rows[i].name, name);
	}
	int64_t id = rows[0].id, cid[12];
	char k[TOOL_KEY_MAX], sec[TOOL_SECRET_MAX];
	for (int i = 0; i < 12; i++)
		assert_int_equal(
			tools_cred_create(f->db, f->d1, id, TOOL_CRED_XAPI, &cli, &cid[i], k, sec),
			EB_OK);
	struct tool_credential *c;
	assert_int_equal(tools_cred_list(f->db, f->d1, id, &f->ar, &c, &n), EB_OK);
	assert_int_equal(n, 12);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(c[i].id, cid[11 - i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(validation_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(create_unique_and_tenant, setup, teardown),
		cmocka_unit_test_setup_teardown(status_transitions_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(credentials_hash_verify_rotate_revoke, setup,
						teardown),
		cmocka_unit_test_setup_teardown(support_matrix, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_grow, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
