/* demo_kb.c - see demo_kb.h. */
#include "cli/demo_kb.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/account.h"
#include "domain/kb.h"
#include "domain/tools.h"

struct demo_article {
	const char *title, *symptom, *fix, *audience;
	bool by_champion;
};

/* %s: the tool's name */
static const struct demo_article articles[] = {
	{ "%s keeps asking to sign in again",
	  "You sign in to %s, and after a moment the sign-in page comes back, again and again.",
	  "Close every %s tab and window.\n"
	  "Open %s again from the link on the class page, not from a bookmark.\n"
	  "Sign in once with your school account.\n"
	  "If it still happens on a school Chromebook, restart the Chromebook and try again.",
	  "everyone", true },
	{ "%s shows a blank page or keeps loading",
	  "A lesson or an activity in %s stays white, or the loading circle never stops.",
	  "Reload the page (the round arrow at the top of the browser).\n"
	  "Check that other websites open: if none do, the internet connection is down.\n"
	  "Close other tabs, most of all videos, and try again.\n"
	  "Still blank? Report the problem from this page: say which lesson.",
	  "everyone", false },
	{ "New students are missing in %s",
	  "A student who joined the class this week cannot find the class in %s, or the"
	  " teacher does not see them on the roster.",
	  "Check that the student is on the class roster in edbridge (the class page).\n"
	  "Rosters reach %s with the nightly roster sync: wait until the next morning.\n"
	  "Still missing after a day? Report the problem with the class chosen; IT checks"
	  " the sync and the tool's credentials.",
	  "staff", true },
};

static enum eb_err write_article(struct db *db, const struct account *author,
				 const struct tool_row *t, const struct demo_article *da,
				 int64_t *id)
{
	char tid[24], title[KB_TITLE_MAX + 1], symptom[KB_SYMPTOM_MAX + 1], fix[KB_FIX_MAX + 1],
		why[200];
	snprintf(tid, sizeof tid, "%lld", (long long)t->id);
	snprintf(title, sizeof title, da->title, t->name);
	snprintf(symptom, sizeof symptom, da->symptom, t->name);
	snprintf(fix, sizeof fix, da->fix, t->name, t->name, t->name);
	struct kb_viewer v;
	kb_viewer_of(author, &v);
	struct kb_form f = { tid, title, symptom, fix, da->audience, "published" };
	struct audit_actor who = { author->id, author->login, "" };
	*id = 0;
	enum eb_err rc = kb_save(db, &v, &f, &who, id, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: known fix: %s\n", rc == EB_EINVAL ? why : eb_strerror(rc));
	return rc;
}

static void mark(struct db *db, int64_t d, const char *login, int64_t article, bool deflected)
{
	struct account a;
	struct kb_viewer v;
	if (account_find_login(db, d, login, &a))
		return;
	kb_viewer_of(&a, &v);
	kb_mark(db, &v, article, true, deflected);
}

enum eb_err demo_kb(struct db *db, int64_t d)
{
	struct account it, champ;
	struct arena a;
	struct tool_row *tools = NULL;
	size_t nt = 0, made = 0;
	enum eb_err rc = EB_OK;
	arena_init(&a);
	if (account_find_login(db, d, "itstaff", &it) ||
	    account_find_login(db, d, "champion", &champ))
		goto out;
	if ((rc = tools_list(db, d, -1, false, &a, &tools, &nt)))
		goto out;
	size_t ntools = 0;
	for (size_t i = 0; !rc && i < nt; i++) {
		/* edbridge's own entry (the common assessments) has no known fixes */
		if (strcmp(tools[i].vendor, "edbridge") == 0)
			continue;
		ntools++;
		for (size_t k = 0; !rc && k < sizeof articles / sizeof articles[0]; k++) {
			int64_t id;
			rc = write_article(db, articles[k].by_champion ? &champ : &it, &tools[i],
					   &articles[k], &id);
			if (rc)
				break;
			if (made++ == 0) {
				mark(db, d, "teacher", id, false);
				mark(db, d, "parent", id, false);
				mark(db, d, "student", id, true);
			}
		}
	}
	if (!rc)
		printf("knowledge base: %zu known fixes for %zu tools\n", made, ntools);
out:
	arena_free(&a);
	return rc;
}
