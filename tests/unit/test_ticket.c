/* Unit tests of support tickets (domain/ticket): routing from the support
 * matrix (the school's champion first; an empty tier sends the ticket to
 * district IT, with a note), the SLA clock with its pause while waiting on
 * the reporter, the sweep (escalates one tier, idempotent), duplicates
 * merged into one incident, who sees which ticket (a vendor contact without
 * the reporter's name unless shared), attachments by magic bytes and size,
 * and bad input storing nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/account.h"
#include "domain/district.h"
#include "domain/ticket.h"
#include "domain/tools.h"
#include "store/db.h"

#define T0 1764000000LL

struct fx {
	char path[64];
	struct db *db;
	int64_t d, tool;
	struct account teacher, teacher2, champ, it, vendor, student;
	struct arena ar;
};

static const struct audit_actor cli = { 0, "cli", "" };

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &n), EB_OK);
	return n;
}

static void exec_ok(struct fx *f, const char *sql)
{
	assert_int_equal(db_execute(f->db, sql, DB_ARGS(DB_INT(f->d)), NULL), EB_OK);
}

static void make_account(struct fx *f, const char *login, enum role r, const char *scope_type,
			 const char *scope_id, struct account *out)
{
	int64_t id;
	assert_int_equal(account_create(f->db, f->d, login, login, NULL, NULL, &id), EB_OK);
	assert_int_equal(account_add_role(f->db, f->d, id, r, scope_type, scope_id), EB_OK);
	assert_int_equal(account_get(f->db, f->d, id, out), EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_ticket_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
	arena_init(&f->ar);
	exec_ok(f, "INSERT INTO org(district_id,sourced_id,name,type) VALUES"
		   " (?1,'s1','Alpha','school'),(?1,'s2','Beta','school')");
	exec_ok(f, "INSERT INTO class(district_id,sourced_id,title,course_sourced_id,class_type,"
		   "school_sourced_id,term_sourced_ids) VALUES"
		   " (?1,'k1','Math 4','c1','scheduled','s1','t1'),"
		   " (?1,'k2','Math 5','c1','scheduled','s2','t1')");
	struct tool t;
	struct tool_form in = { .name = "MathApp" };
	char why[200];
	tools_defaults(&t);
	if (tools_validate(f->db, f->d, &in, &t, why, sizeof why) ||
	    tools_create(f->db, f->d, &t, TOOL_UNDER_REVIEW, 0, &cli, "added", &f->tool) ||
	    tools_set_status(f->db, f->d, f->tool, TOOL_APPROVED, "reviewed", NULL, &cli, why,
			     sizeof why))
		return -1;
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)f->tool);
	make_account(f, "t1@school.org", ROLE_TEACHER, "class", "k1", &f->teacher);
	make_account(f, "t2@school.org", ROLE_TEACHER, "class", "k2", &f->teacher2);
	make_account(f, "champ@school.org", ROLE_TECH_CHAMPION, "school", "s1", &f->champ);
	make_account(f, "it@school.org", ROLE_IT_STAFF, "district", "1", &f->it);
	make_account(f, "vendor@mathapp.example", ROLE_VENDOR_CONTACT, "tool", tid, &f->vendor);
	if (tools_set_support(f->db, f->d, f->tool, "s1", f->champ.id, "", &cli, why, sizeof why)) {
		fprintf(stderr, "support: %s\n", why);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->ar);
	db_close(f->db);
	unlink(f->path);
	free(f);
	return 0;
}

static int64_t file(struct fx *f, const struct account *who, const char *class_sid,
		    const char *priority, int64_t now, char *note)
{
	struct ticket_new in = { .tool_id = f->tool,
				 .class_sid = class_sid,
				 .title = "MathApp shows a blank page",
				 .priority = priority,
				 .user_agent =
					 "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) "
					 "AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36" };
	char why[TICKET_WHY_CAP] = "";
	int64_t id = 0;
	assert_int_equal(ticket_create(f->db, f->d, who, &in, now, &id, note, why, sizeof why),
			 EB_OK);
	return id;
}

static void get(struct fx *f, const struct account *who, int64_t id, struct ticket *t)
{
	assert_int_equal(ticket_get(f->db, f->d, who, id, &f->ar, t), EB_OK);
}

static void routing_champion_first(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP];
	int64_t id = file(f, &f->teacher, "k1", "high", T0, note);
	struct ticket t;
	get(f, NULL, id, &t);
	assert_int_equal(t.tier, TICKET_TIER_CHAMPION);
	assert_int_equal(t.assignee_id, f->champ.id);
	assert_string_equal(t.school_sid, "s1");
	assert_string_equal(t.browser, "Chrome 120 on ChromeOS");
	assert_string_equal(t.reporter_role, "teacher");
	assert_int_equal(t.health.cred, TICKET_CRED_NONE);
	assert_string_equal(note, "");
	/* high at the champion tier: 2 hours to respond, 8 to resolve */
	assert_int_equal(t.response_due, T0 + 120 * 60);
	assert_int_equal(t.resolve_due, T0 + 480 * 60);
	assert_int_equal(t.next_due, T0 + 120 * 60);
	/* the champion is told */
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1 AND"
				  " address='champ@school.org'"),
			 1);
}

static void routing_empty_tiers_go_to_it(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP], why[TICKET_WHY_CAP];
	/* Beta has no champion for the tool: district IT, with a note */
	int64_t id = file(f, &f->teacher2, "k2", NULL, T0, note);
	struct ticket t;
	get(f, NULL, id, &t);
	assert_int_equal(t.tier, TICKET_TIER_IT);
	assert_non_null(strstr(note, "no tech champion"));
	/* the vendor tier is empty too: no vendor contact (removed), no help-desk email */
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)f->tool);
	assert_int_equal(
		account_remove_role(f->db, f->d, f->vendor.id, ROLE_VENDOR_CONTACT, "tool", tid),
		EB_OK);
	assert_int_equal(ticket_escalate(f->db, f->d, &f->it, id, TICKET_TIER_VENDOR, T0 + 60, note,
					 why, sizeof why),
			 EB_OK);
	get(f, NULL, id, &t);
	assert_int_equal(t.tier, TICKET_TIER_IT);
	assert_non_null(strstr(note, "went to district IT"));
	/* from the champion tier straight to an empty vendor tier: IT, never nowhere */
	int64_t id2 = file(f, &f->teacher, "k1", NULL, T0, note);
	assert_int_equal(ticket_escalate(f->db, f->d, &f->champ, id2, TICKET_TIER_VENDOR, T0 + 60,
					 note, why, sizeof why),
			 EB_OK);
	get(f, NULL, id2, &t);
	assert_int_equal(t.tier, TICKET_TIER_IT);
	assert_int_equal(t.status, TICKET_ESCALATED);
	assert_non_null(strstr(note, "went to district IT"));
	/* with a help-desk email the vendor tier has someone */
	exec_ok(f, "UPDATE tool SET help_email='help@mathapp.example' WHERE district_id=?1");
	assert_int_equal(ticket_escalate(f->db, f->d, &f->it, id2, TICKET_TIER__COUNT, T0 + 120,
					 note, why, sizeof why),
			 EB_OK);
	get(f, NULL, id2, &t);
	assert_int_equal(t.tier, TICKET_TIER_VENDOR);
	assert_string_equal(t.vendor_email, "help@mathapp.example");
	assert_string_equal(note, "");
	/* nowhere past the vendor */
	assert_int_equal(ticket_escalate(f->db, f->d, &f->it, id2, TICKET_TIER__COUNT, T0 + 180,
					 note, why, sizeof why),
			 EB_EINVAL);
}

static void sla_pauses_while_waiting(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP], why[TICKET_WHY_CAP];
	struct ticket_sweep_report r;
	/* urgent at the champion tier: 30 minutes to respond */
	int64_t id = file(f, &f->teacher, "k1", "urgent", T0, note);
	assert_int_equal(ticket_set_status(f->db, f->d, &f->champ, id, TICKET_WAITING, T0 + 600,
					   why, sizeof why),
			 EB_OK);
	struct ticket t;
	get(f, NULL, id, &t);
	assert_int_equal(t.next_due, 0);
	assert_int_equal(ticket_sweep(f->db, T0 + 40 * 60, &r), EB_OK);
	assert_int_equal(r.escalated, 0);
	/* the reporter answers 100 minutes in: 90 minutes of pause move the targets */
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->teacher, id, "It is Chrome on a cart",
					    false, T0 + 6000, NULL, why, sizeof why),
			 EB_OK);
	get(f, NULL, id, &t);
	assert_int_equal(t.status, TICKET_OPEN);
	assert_int_equal(t.paused_s, 5400);
	assert_int_equal(t.response_due, T0 + 1800 + 5400);
	assert_int_equal(ticket_sweep(f->db, T0 + 7199, &r), EB_OK);
	assert_int_equal(r.escalated, 0);
	assert_int_equal(ticket_sweep(f->db, T0 + 7201, &r), EB_OK);
	assert_int_equal(r.escalated, 1);
	get(f, NULL, id, &t);
	assert_int_equal(t.tier, TICKET_TIER_IT);
	assert_int_equal(t.tier_since, T0 + 7201);
	/* urgent at IT: an hour from when IT took it */
	assert_int_equal(t.response_due, T0 + 7201 + 3600);
}

static void sweep_is_idempotent(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP];
	struct ticket_sweep_report r;
	int64_t a = file(f, &f->teacher, "k1", "urgent", T0, note);
	int64_t b = file(f, &f->teacher, "k1", "low", T0, note);
	int64_t later = T0 + 3 * 3600;
	assert_int_equal(ticket_sweep(f->db, later, &r), EB_OK);
	assert_int_equal(r.escalated, 1); /* the urgent one; the low one has a day */
	int64_t events = count(f, "SELECT count(*) FROM ticket_event WHERE district_id=?1");
	int64_t notices = count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1");
	assert_int_equal(ticket_sweep(f->db, later, &r), EB_OK);
	assert_int_equal(r.escalated, 0);
	assert_int_equal(r.breached, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_event WHERE district_id=?1"),
			 events);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1"),
			 notices);
	struct ticket t;
	get(f, NULL, a, &t);
	assert_int_equal(t.tier, TICKET_TIER_IT);
	get(f, NULL, b, &t);
	assert_int_equal(t.tier, TICKET_TIER_CHAMPION);
	/* past IT's target with a vendor contact: to the vendor; then past the
	 * vendor's: marked, nowhere further, and the clock stops */
	assert_int_equal(ticket_sweep(f->db, later + 2 * 3600, &r), EB_OK);
	get(f, NULL, a, &t);
	assert_int_equal(t.tier, TICKET_TIER_VENDOR);
	assert_int_equal(ticket_sweep(f->db, later + 30 * 3600, &r), EB_OK);
	get(f, NULL, a, &t);
	assert_true(t.sla_breached);
	assert_int_equal(t.next_due, 0);
	assert_int_equal(ticket_sweep(f->db, later + 60 * 3600, &r), EB_OK);
	get(f, NULL, a, &t);
	assert_int_equal(t.tier, TICKET_TIER_VENDOR);
}

static void merge_moves_reporters(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP], why[TICKET_WHY_CAP];
	int64_t a = file(f, &f->teacher, "k1", NULL, T0, note);
	int64_t b = file(f, &f->teacher2, "k2", NULL, T0 + 60, note);
	/* similar reports of the same school: the first, not Beta's */
	struct ticket_row *rows;
	size_t n;
	assert_int_equal(ticket_similar(f->db, f->d, f->tool, "s1", T0 + 120, 5, &f->ar, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, a);
	/* a teacher may not merge */
	assert_int_equal(ticket_merge(f->db, f->d, &f->teacher, b, a, T0 + 200, why, sizeof why),
			 EB_ENOTFOUND);
	assert_int_equal(ticket_merge(f->db, f->d, &f->it, b, b, T0 + 200, why, sizeof why),
			 EB_EINVAL);
	int64_t before = count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1 AND"
				  " address='t2@school.org'");
	assert_int_equal(ticket_merge(f->db, f->d, &f->it, b, a, T0 + 200, why, sizeof why), EB_OK);
	struct ticket t;
	get(f, NULL, a, &t);
	assert_int_equal(t.reporters, 2);
	get(f, NULL, b, &t);
	assert_int_equal(t.status, TICKET_CLOSED);
	assert_int_equal(t.merged_into, a);
	assert_int_equal(t.next_due, 0);
	/* the moved reporter is told, and now sees the incident */
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1 AND"
				  " address='t2@school.org'"),
			 before + 1);
	get(f, &f->teacher2, a, &t);
	/* a merged ticket is not merged again */
	assert_int_equal(ticket_merge(f->db, f->d, &f->it, b, a, T0 + 300, why, sizeof why),
			 EB_EINVAL);
	/* joining twice is one reporter */
	assert_int_equal(
		ticket_join(f->db, f->d, &f->teacher2, a, "k2", false, T0 + 400, why, sizeof why),
		EB_OK);
	get(f, NULL, a, &t);
	assert_int_equal(t.reporters, 2);
}

static void who_sees_what(void **state)
{
	struct fx *f = *state;
	char note[TICKET_WHY_CAP], why[TICKET_WHY_CAP];
	int64_t a = file(f, &f->teacher, "k1", NULL, T0, note);
	int64_t b = file(f, &f->teacher2, "k2", NULL, T0, note);
	struct ticket t;
	struct ticket_row *rows;
	size_t n;
	struct ticket_filter all = { .status = -1 };
	/* teachers: their own */
	assert_int_equal(ticket_get(f->db, f->d, &f->teacher2, a, &f->ar, &t), EB_ENOTFOUND);
	assert_int_equal(ticket_list(f->db, f->d, &f->teacher2, &all, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, b);
	/* IT: all; the champion of Alpha: Alpha's */
	assert_int_equal(ticket_list(f->db, f->d, &f->it, &all, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ticket_list(f->db, f->d, &f->champ, &all, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, a);
	/* the vendor: nothing before the vendor tier */
	assert_int_equal(ticket_list(f->db, f->d, &f->vendor, &all, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(ticket_get(f->db, f->d, &f->vendor, a, &f->ar, &t), EB_ENOTFOUND);
	assert_int_equal(ticket_escalate(f->db, f->d, &f->it, a, TICKET_TIER_VENDOR, T0 + 60, note,
					 why, sizeof why),
			 EB_OK);
	assert_int_equal(ticket_list(f->db, f->d, &f->vendor, &all, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	/* the vendor's home: their tool's ticket once near its target (ten days
	 * on: past every target), never the other school's one at the champion */
	assert_int_equal(
		ticket_near_target(f->db, f->d, &f->vendor, T0 + 10 * 86400, 10, &f->ar, &rows, &n),
		EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, a);
	assert_int_equal(ticket_near_target(f->db, f->d, &f->teacher, T0 + 10 * 86400, 10, &f->ar,
					    &rows, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	/* without the reporter's choice the vendor reads no name, no class */
	get(f, &f->vendor, a, &t);
	assert_string_equal(t.reporter_name, "");
	assert_string_equal(t.class_sid, "");
	get(f, &f->it, a, &t);
	assert_string_equal(t.reporter_name, "t1@school.org");
	/* internal notes: not the vendor's, not the reporter's */
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->vendor, a, "note", true, T0 + 90, NULL,
					    why, sizeof why),
			 EB_EPERM);
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->teacher, a, "note", true, T0 + 90,
					    NULL, why, sizeof why),
			 EB_EPERM);
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->it, a, "cert expired", true, T0 + 90,
					    NULL, why, sizeof why),
			 EB_OK);
	struct ticket_comment *c;
	assert_int_equal(ticket_comments(f->db, f->d, a, false, &f->ar, &c, &n), EB_OK);
	assert_int_equal(n, 0);
	/* a public answer by the vendor is the tier's response */
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->vendor, a, "Fixed on our side", false,
					    T0 + 120, NULL, why, sizeof why),
			 EB_OK);
	get(f, NULL, a, &t);
	assert_int_equal(t.first_response_at, T0 + 120);
	assert_int_equal(t.response_due, 0);
	/* a filter by device */
	struct ticket_filter dev = { .status = -1, .device_id = 42 };
	assert_int_equal(ticket_list(f->db, f->d, &f->it, &dev, &f->ar, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
}

static void bad_input_stores_nothing(void **state)
{
	struct fx *f = *state;
	char why[TICKET_WHY_CAP] = "", note[TICKET_WHY_CAP];
	int64_t id = 0;
	struct ticket_new in = { .tool_id = f->tool, .title = "   " };
	assert_int_equal(
		ticket_create(f->db, f->d, &f->teacher, &in, T0, &id, note, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "title"));
	in.title = "x";
	in.priority = "whenever";
	assert_int_equal(
		ticket_create(f->db, f->d, &f->teacher, &in, T0, &id, note, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "priority"));
	in.priority = NULL;
	in.class_sid = "k2"; /* not the teacher's class */
	assert_int_equal(
		ticket_create(f->db, f->d, &f->teacher, &in, T0, &id, note, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "class"));
	in.class_sid = NULL;
	in.device_id = 4242; /* no such device in the district */
	assert_int_equal(
		ticket_create(f->db, f->d, &f->teacher, &in, T0, &id, note, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "device"));
	in.device_id = 0;
	in.tool_id = 999;
	assert_int_equal(
		ticket_create(f->db, f->d, &f->teacher, &in, T0, &id, note, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket WHERE district_id=?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1"), 0);
}

static void attachments_by_magic_and_size(void **state)
{
	struct fx *f = *state;
	char why[TICKET_WHY_CAP], note[TICKET_WHY_CAP];
	int64_t id = file(f, &f->teacher, "k1", NULL, T0, note);
	assert_string_equal(ticket_attach_type("\x89PNG\r\n\x1a\nxxxx", 12), "image/png");
	assert_string_equal(ticket_attach_type("\xff\xd8\xff\xe0", 4), "image/jpeg");
	assert_string_equal(ticket_attach_type("%PDF-1.7", 8), "application/pdf");
	assert_string_equal(ticket_attach_type("line one\nline two\n", 18), "text/plain");
	assert_null(ticket_attach_type("MZ\x90\x00", 4));
	assert_null(ticket_attach_type("<svg>\x01</svg>", 12));
	/* a refused type, one over the cap: nothing stored */
	assert_int_equal(ticket_attach(f->db, f->d, &f->teacher, id, "x.exe", "MZ\x90\x00", 4,
				       false, T0, NULL, why, sizeof why),
			 EB_ENOTSUP);
	size_t big = TICKET_ATTACH_MAX + 1;
	char *data = malloc(big);
	assert_non_null(data);
	memset(data, 'a', big);
	assert_int_equal(ticket_attach(f->db, f->d, &f->teacher, id, "big.txt", data, big, false,
				       T0, NULL, why, sizeof why),
			 EB_ETOOBIG);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_attachment WHERE district_id=?1"),
			 0);
	/* exactly the cap is fine */
	int64_t aid = 0;
	assert_int_equal(ticket_attach(f->db, f->d, &f->teacher, id, "log.txt", data, big - 1,
				       false, T0, &aid, why, sizeof why),
			 EB_OK);
	free(data);
	struct ticket_attachment at;
	assert_int_equal(ticket_attachment_get(f->db, f->d, id, aid, &f->ar, &at), EB_OK);
	assert_string_equal(at.mime, "text/plain");
	assert_int_equal(at.size, TICKET_ATTACH_MAX);
	assert_int_equal(((const char *)at.data)[0], 'a');
	/* another teacher cannot attach to it */
	assert_int_equal(ticket_attach(f->db, f->d, &f->teacher2, id, "a.txt", "hi", 2, false, T0,
				       NULL, why, sizeof why),
			 EB_ENOTFOUND);
}

static void status_rules(void **state)
{
	struct fx *f = *state;
	char why[TICKET_WHY_CAP], note[TICKET_WHY_CAP];
	int64_t id = file(f, &f->teacher, "k1", NULL, T0, note);
	/* a reporter cannot put it on hold, but can say it works now */
	assert_int_equal(ticket_set_status(f->db, f->d, &f->teacher, id, TICKET_WAITING, T0 + 1,
					   why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(ticket_set_status(f->db, f->d, &f->teacher, id, TICKET_RESOLVED, T0 + 2,
					   why, sizeof why),
			 EB_OK);
	struct ticket t;
	get(f, NULL, id, &t);
	assert_int_equal(t.resolved_at, T0 + 2);
	assert_int_equal(t.next_due, 0);
	assert_string_equal(ticket_status_plain(t.status), "Fixed");
	struct ticket_event *ev;
	size_t n;
	assert_int_equal(ticket_history(f->db, f->d, id, &f->ar, &ev, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].to_value, "resolved");
}

static void reporters_are_told_in_their_language(void **state)
{
	struct fx *f = *state;
	char why[TICKET_WHY_CAP], note[TICKET_WHY_CAP];
	/* a student whose language is Spanish (the account's choice) */
	int64_t sid;
	assert_int_equal(account_create(f->db, f->d, "ana@students.org", "Ana", NULL, NULL, &sid),
			 EB_OK);
	assert_int_equal(account_add_role(f->db, f->d, sid, ROLE_STUDENT, "person", "stu-ana"),
			 EB_OK);
	struct account ana;
	assert_int_equal(account_get(f->db, f->d, sid, &ana), EB_OK);
	exec_ok(f, "INSERT INTO family_language(district_id,account_id,lang,updated_at)"
		   " SELECT ?1, id, 'es', 0 FROM account WHERE login='ana@students.org'");
	struct ticket_new in = { .tool_id = f->tool, .school_sid = "s1", .title = "No carga" };
	int64_t id = 0;
	assert_int_equal(ticket_create(f->db, f->d, &ana, &in, T0, &id, note, why, sizeof why),
			 EB_OK);
	assert_int_equal(ticket_comment_add(f->db, f->d, &f->champ, id, "Already fixed?", false,
					    T0 + 60, NULL, why, sizeof why),
			 EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1 AND"
				  " address='ana@students.org' AND subject='Tu reporte: No carga'"
				  " AND body LIKE 'Hay una respuesta a tu reporte.%'"),
			 1);
	/* the new status, in her words */
	assert_int_equal(ticket_set_status(f->db, f->d, &f->champ, id, TICKET_RESOLVED, T0 + 120,
					   why, sizeof why),
			 EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM ticket_notice WHERE district_id=?1 AND"
				  " address='ana@students.org' AND body LIKE"
				  " 'Tu reporte ahora está así: Resuelto.%'"),
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(routing_champion_first, setup, teardown),
		cmocka_unit_test_setup_teardown(routing_empty_tiers_go_to_it, setup, teardown),
		cmocka_unit_test_setup_teardown(sla_pauses_while_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(sweep_is_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_moves_reporters, setup, teardown),
		cmocka_unit_test_setup_teardown(who_sees_what, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(attachments_by_magic_and_size, setup, teardown),
		cmocka_unit_test_setup_teardown(status_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(reporters_are_told_in_their_language, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
