/* The weekly family update in HTML. */
#include "web/family_update_html.h"

#include "base/i18n.h"
#include "domain/family_update.h"
#include "web/html.h"

static void heading(struct buf *b, int level, const char *text)
{
	char open[8] = "<h2>", close[8] = "</h2>";
	open[2] = close[3] = (char)('0' + (level < 1 ? 1 : level > 6 ? 6 : level));
	html_raw(b, open);
	html_text(b, text);
	html_raw(b, close);
}

/* A text of the catalog (English), marked when the page is not. */
static void english(struct buf *b, const struct family_update *u, const char *s)
{
	if (u->lang != i18n_english()) {
		html_raw(b, "<span lang=\"en\" dir=\"ltr\">");
		html_text(b, s);
		html_raw(b, "</span>");
	} else {
		html_text(b, s);
	}
}

static void list(struct buf *b, const struct family_update *u, const char *const *items, size_t n,
		 const char *more)
{
	html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		english(b, u, items[i]);
		html_raw(b, "</li>");
	}
	if (more) {
		html_raw(b, "<li>");
		html_text(b, more);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

void family_update_html(struct buf *b, const struct family_update *u, int h)
{
	const struct i18n_lang *L = u->lang;
	html_raw(b, "<div class=\"fam-update\"><p class=\"muted\">");
	html_textf(b, TR(L, "Week of %s"), u->week_of);
	html_raw(b, "</p>");
	if (u->nworked) {
		heading(b, h, TR(L, "Worked on this week"));
		list(b, u, u->worked, u->nworked, u->more_worked ? TR(L, "and more") : NULL);
	} else {
		html_raw(b, "<p>");
		html_textf(b, TR(L, "%s did not practice in the school's math apps this week."),
			   u->child);
		html_raw(b, "</p>");
	}
	if (u->nimproved) {
		heading(b, h, TR(L, "What got better"));
		list(b, u, u->improved, u->nimproved, NULL);
	}
	if (u->next) {
		heading(b, h, TR(L, "The one thing to work on next"));
		html_raw(b, "<p class=\"fam-what\">");
		english(b, u, u->next);
		html_raw(b, "</p><p class=\"muted\">");
		html_text(b, u->next_why);
		html_raw(b, "</p>");
	}
	if (u->activity_title) {
		heading(b, h, TR(L, "To do at home"));
		html_raw(b, "<p class=\"fam-what\">");
		html_text(b, u->activity_title);
		html_raw(b, "</p><p>");
		html_text(b, u->activity_text);
		html_raw(b, "</p>");
	}
	if (u->ntools) {
		heading(b, h, TR(L, "The apps used at school"));
		html_raw(b, "<ul>");
		for (size_t i = 0; i < u->ntools; i++) {
			html_raw(b, "<li><strong>");
			html_text(b, u->tools[i].name);
			html_raw(b, "</strong>: ");
			html_text(b, u->tools[i].status);
			html_raw(b, "; ");
			html_text(b, u->tools[i].privacy);
			html_raw(b, ".</li>");
		}
		html_raw(b, "</ul>");
	}
	if (u->note) {
		heading(b, h, TR(L, "A note from the teacher"));
		html_raw(b, "<blockquote class=\"fam-note\">");
		if (u->note_translated) {
			html_raw(b, "<p>");
			html_text(b, u->note_translated);
			html_raw(b, "</p><p class=\"muted\">");
			html_textf(b, TR(L, "%s wrote this in English. A computer translated it."),
				   u->note_author);
			html_raw(b, "</p><details><summary>");
			html_text(b, TR(L, "The teacher's own words"));
			html_raw(b, "</summary><p lang=\"en\" dir=\"ltr\">");
			html_text(b, u->note);
			html_raw(b, "</p></details>");
		} else {
			html_raw(b, L != i18n_english() ? "<p lang=\"en\" dir=\"ltr\">" : "<p>");
			html_text(b, u->note);
			html_raw(b, "</p><p class=\"muted\">");
			if (L != i18n_english())
				html_textf(b,
					   TR(L, "%s wrote this in English. It could not be "
						 "translated into your language."),
					   u->note_author);
			else
				html_textf(b, TR(L, "From %s."), u->note_author);
			html_raw(b, "</p>");
		}
		html_raw(b, "</blockquote>");
	}
	html_raw(b, "</div>");
}
