/* demo_tickets.c - see demo_tickets.h. */
#include "cli/demo_tickets.h"

#include <stdio.h>
#include <string.h>

#include "domain/account.h"
#include "domain/ticket.h"
#include "domain/tools.h"
#include "store/db.h"

/* A 1x1 PNG: the teacher's "screenshot". */
static const unsigned char screenshot[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
	0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
	0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
	0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static const char chromebook[] = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36"
				 " (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
static const char ipad[] = "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15"
			   " (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

struct demo_people {
	struct account teacher, champion, it, vendor, student, parent, principal;
};

static enum eb_err file(struct db *db, int64_t d, const struct account *who, int64_t tool,
			const char *title, const char *body, const char *priority, const char *ua,
			bool share, int64_t at, int64_t *id)
{
	struct ticket_new in = { .tool_id = tool,
				 .title = title,
				 .body = body,
				 .priority = priority,
				 .user_agent = ua,
				 .share_with_vendor = share };
	char why[TICKET_WHY_CAP] = "", note[TICKET_WHY_CAP];
	enum eb_err e = ticket_create(db, d, who, &in, at, id, note, why, sizeof why);
	if (e)
		fprintf(stderr, "demo: ticket \"%s\": %s\n", title, *why ? why : eb_strerror(e));
	return e;
}

/* Who answers ticket id first: the school's champion when it is with them,
 * else district IT. */
static const struct account *first_worker(struct db *db, int64_t d, const struct demo_people *p,
					  int64_t id)
{
	struct arena a;
	arena_init(&a);
	struct ticket t;
	bool champ = ticket_get(db, d, &p->champion, id, &a, &t) == EB_OK &&
		     t.tier == TICKET_TIER_CHAMPION && ticket_can_work(db, &p->champion, &t);
	arena_free(&a);
	return champ ? &p->champion : &p->it;
}

static enum eb_err say(struct db *db, int64_t d, const struct account *who, int64_t id,
		       const char *body, bool internal, int64_t at)
{
	char why[TICKET_WHY_CAP] = "";
	enum eb_err e =
		ticket_comment_add(db, d, who, id, body, internal, at, NULL, why, sizeof why);
	if (e)
		fprintf(stderr, "demo: ticket comment: %s\n", *why ? why : eb_strerror(e));
	return e;
}

enum eb_err demo_tickets(struct db *db, int64_t d, int64_t now)
{
	struct demo_people p;
	if (account_find_login(db, d, "teacher", &p.teacher) ||
	    account_find_login(db, d, "champion", &p.champion) ||
	    account_find_login(db, d, "itstaff", &p.it) ||
	    account_find_login(db, d, "vendor", &p.vendor) ||
	    account_find_login(db, d, "student", &p.student) ||
	    account_find_login(db, d, "parent", &p.parent) ||
	    account_find_login(db, d, "principal", &p.principal))
		return EB_OK;
	/* the vendor's tool (the first), and the second the champion champions */
	int64_t tool0 = 0, tool1 = 0;
	for (int i = 0; i < p.vendor.nroles && !tool0; i++)
		if (p.vendor.roles[i].role == ROLE_VENDOR_CONTACT &&
		    strcmp(p.vendor.roles[i].scope_type, "tool") == 0) {
			struct tool t;
			if (tools_find(db, d, p.vendor.roles[i].scope_id, &t) == EB_OK)
				tool0 = t.id;
		}
	struct arena a;
	arena_init(&a);
	struct tool_row *rows = NULL;
	size_t n = 0;
	enum eb_err e = tools_list(db, d, -1, true, &a, &rows, &n);
	for (size_t i = 0; !e && i < n && !tool1; i++)
		if (rows[i].id != tool0)
			tool1 = rows[i].id;
	arena_free(&a);
	if (e || !tool0 || !tool1)
		return e;
	const int64_t H = 3600;
	int64_t t1, t2, t3, t4, t5, t6, t7, t8;
	char why[TICKET_WHY_CAP], note[TICKET_WHY_CAP];
	if ((e = db_begin(db)))
		return e;
	/* 1. a teacher's report with a screenshot; IT answers; a duplicate joins */
	if ((e = file(
		     db, d, &p.teacher, tool0, "Students see a blank page after signing in",
		     "Half of my third period gets a white screen after the sign-in card. Reloading"
		     " does not help; it started this morning.",
		     "high", chromebook, true, now - 3 * H, &t1)) ||
	    (e = ticket_attach(db, d, &p.teacher, t1, "blank-page.png", screenshot,
			       sizeof screenshot, false, now - 3 * H + 60, NULL, why,
			       sizeof why)) ||
	    (e = say(db, d, first_worker(db, d, &p, t1), t1,
		     "I see it at our school too. Clearing the cache did not help; passing it to"
		     " district IT.",
		     false, now - 2 * H)))
		goto fail;
	if (first_worker(db, d, &p, t1) == &p.champion &&
	    (e = ticket_escalate(db, d, &p.champion, t1, TICKET_TIER__COUNT, now - 2 * H + 60, note,
				 why, sizeof why)))
		goto fail;
	if ((e = say(db, d, &p.it, t1,
		     "The app's data stopped at 07:40; its credential is active. Checking the"
		     " certificate on the content filter.",
		     true, now - 90 * 60)) ||
	    (e = file(db, d, &p.principal, tool0, "Math app white screen in room 12", NULL,
		      "normal", ipad, false, now - 2 * H, &t2)) ||
	    (e = ticket_merge(db, d, &p.it, t2, t1, now - 80 * 60, why, sizeof why)))
		goto fail;
	/* 2. the champion's own report, near its target */
	if ((e = file(
		     db, d, &p.champion, tool1, "Sign-in cards do not scan for grade 2",
		     "The QR cards from last week scan as 'invalid'. New cards printed today do the"
		     " same.",
		     "high", chromebook, false, now - 100 * 60, &t3)))
		goto fail;
	/* 3. escalated to the vendor, who answered */
	if ((e = file(db, d, &p.teacher, tool0, "Assignment scores missing from the gradebook sync",
		      "Scores from Tuesday's practice set never arrived.", "normal", chromebook,
		      false, now - 30 * H, &t4)) ||
	    (e = ticket_escalate(db, d, &p.it, t4, TICKET_TIER_VENDOR, now - 26 * H, note, why,
				 sizeof why)) ||
	    (e = say(db, d, &p.vendor, t4,
		     "We found a sync job that stopped on Tuesday; it is re-running now and the"
		     " scores should appear within the hour.",
		     false, now - 20 * H)))
		goto fail;
	/* 4. a student's and a family's reports, in plain words */
	if ((e = file(db, d, &p.student, tool0, "The math game freezes on level 3", NULL, NULL,
		      chromebook, false, now - 5 * H, &t5)) ||
	    (e = say(db, d, first_worker(db, d, &p, t5), t5,
		     "Thank you! Does it freeze on another Chromebook too?", false, now - 4 * H)) ||
	    (e = ticket_set_status(db, d, first_worker(db, d, &p, t5), t5, TICKET_WAITING,
				   now - 4 * H + 30, why, sizeof why)) ||
	    (e = file(db, d, &p.parent, tool0, "My child cannot open the math app at home",
		      "It says the page is blocked.", NULL, ipad, false, now - 6 * H, &t6)))
		goto fail;
	/* 5. resolved after waiting on the reporter */
	if ((e = file(db, d, &p.teacher, tool1, "Audio does not play in the reading activity", NULL,
		      "low", chromebook, false, now - 50 * H, &t7)) ||
	    (e = say(db, d, first_worker(db, d, &p, t7), t7,
		     "Which headphones do the students use?", false, now - 49 * H)) ||
	    (e = ticket_set_status(db, d, first_worker(db, d, &p, t7), t7, TICKET_WAITING,
				   now - 49 * H + 30, why, sizeof why)) ||
	    (e = say(db, d, &p.teacher, t7, "The USB ones from the cart.", false, now - 45 * H)) ||
	    (e = say(db, d, first_worker(db, d, &p, t7), t7,
		     "Those need the audio setting switched to USB; I changed it on the cart.",
		     false, now - 44 * H)) ||
	    (e = ticket_set_status(db, d, &p.teacher, t7, TICKET_RESOLVED, now - 43 * H, why,
				   sizeof why)))
		goto fail;
	/* 6. a device problem, no tool */
	if ((e = file(db, d, &p.teacher, 0, "Cart 3 Chromebooks will not charge", NULL, "normal",
		      chromebook, false, now - 8 * H, &t8)))
		goto fail;
	/* most reports come with a screenshot or a log: every one here does */
	static const char sync_log[] = "2026-11-24 07:40:02 sync job started\n"
				       "2026-11-24 07:40:09 token refresh failed (401)\n"
				       "2026-11-24 07:40:09 sync job stopped\n";
	const struct {
		int64_t id;
		const struct account *who;
		const char *name;
		const void *data;
		size_t n;
	} files[] = {
		{ t2, &p.principal, "room-12.png", screenshot, sizeof screenshot },
		{ t3, &p.champion, "card-scan.png", screenshot, sizeof screenshot },
		{ t4, &p.it, "sync-log.txt", sync_log, sizeof sync_log - 1 },
		{ t5, &p.student, "level-3.png", screenshot, sizeof screenshot },
		{ t6, &p.parent, "blocked-page.png", screenshot, sizeof screenshot },
		{ t7, &p.teacher, "audio-settings.png", screenshot, sizeof screenshot },
		{ t8, &p.teacher, "cart-3.png", screenshot, sizeof screenshot },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if ((e = ticket_attach(db, d, files[i].who, files[i].id, files[i].name,
				       files[i].data, files[i].n, false, now - 60, NULL, why,
				       sizeof why))) {
			fprintf(stderr, "demo: ticket attachment %s: %s\n", files[i].name, why);
			goto fail;
		}
	if ((e = db_commit(db)))
		goto fail;
	printf("support tickets: 8, one merged, one at the vendor, one resolved\n");
	return EB_OK;
fail:
	db_rollback(db);
	return e;
}
