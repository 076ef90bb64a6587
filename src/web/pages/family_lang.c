/* The family's language on its pages: the form that changes it (stored per
 * account, domain/family_lang), the line that says when the roster's
 * language is one we do not have yet, and the access-code letter in the
 * family's language. docs/i18n.md. */
#include <string.h>

#include "base/i18n.h"
#include "base/log.h"
#include "domain/audit.h"
#include "domain/family_lang.h"
#include "domain/labels.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

void page_family_use_lang(struct http_request *req)
{
	struct family_lang fl;
	const struct account *a = &req->session->account;
	family_lang_of_account(req->db, a->district_id, a, NULL, &fl);
	req->lang = fl.lang;
}

void page_family_language_form(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	struct family_lang fl;
	family_lang_of_account(req->db, a->district_id, a, NULL, &fl);
	html_raw(b, "<section aria-labelledby=\"h-lang\"><h2 id=\"h-lang\">");
	html_text(b, TR(L, "Language"));
	html_raw(b, "</h2>");
	if (fl.fallback) {
		/* said in English: the language the page is in */
		const char *name = label_language(fl.wanted);
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_textf(b,
			   "The school's records give your home language as %s. edbridge is not"
			   " translated into it yet, so this page is in English. Choose another"
			   " language below if it helps.",
			   name ? name : fl.wanted);
		html_raw(b, "</p>");
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/family/language\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"lang\">");
	html_text(b, TR(L, "The language edbridge shows you"));
	html_raw(b, "</label><select id=\"lang\" name=\"lang\">");
	for (size_t i = 0; i < i18n_count(); i++) {
		const struct i18n_lang *l = i18n_at(i);
		html_raw(b, "<option value=\"");
		html_attr(b, l->tag);
		html_raw(b, "\" lang=\"");
		html_attr(b, l->tag);
		html_raw(b, l == fl.lang ? "\" selected>" : "\">");
		html_text(b, l->name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><button type=\"submit\">");
	html_text(b, TR(L, "Save"));
	html_raw(b, "</button></div></form></section>");
}

void page_family_language(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *tag = http_form(req, "lang");
	const struct i18n_lang *l = i18n_find(tag);
	if (!l || strcmp(l->tag, tag) != 0) {
		page_family_use_lang(req);
		page_error(req, 400, TR(req->lang, "Language"),
			   TR(req->lang, "Choose one of the languages in the list."));
		return;
	}
	if (family_lang_set(req->db, a->district_id, a->id, l->tag)) {
		page_family_use_lang(req);
		page_error(req, 503, TR(req->lang, "Language"),
			   TR(req->lang, "The server is busy. Try again in a moment."));
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, a->district_id, &who, "update", "account", a->login, l->english);
	http_redirect(req, "/home");
}

void page_family_code_letter(struct http_request *req, const struct account *a, const char *code,
			     const char *url)
{
	struct buf *b = &req->out;
	struct family_lang fl;
	family_lang_of_account(req->db, a->district_id, a, NULL, &fl);
	const struct i18n_lang *L = fl.lang;
	html_raw(b, "<p class=\"noprint muted\">");
	html_textf(b, "The letter is in %s, the family's language%s.", L->english,
		   fl.fallback ? " (the roster's language is not translated yet)" : "");
	html_raw(b, "</p><div class=\"letter\" lang=\"");
	html_attr(b, L->tag);
	html_raw(b, L->rtl ? "\" dir=\"rtl\"><p>" : "\"><p>");
	html_textf(b, TR(L, "Dear %s,"), a->display_name);
	html_raw(b, "</p><p>");
	html_text(b, TR(L, "Use this code to see your child's learning in edbridge."));
	html_raw(b, " ");
	if (url) {
		html_text(b, TR(L, "Go to"));
		html_raw(b, "</p><p class=\"accessurl\" dir=\"ltr\">");
		html_text(b, url);
		html_raw(b, "/login/code");
		if (L != i18n_english()) {
			html_raw(b, "?lang=");
			html_text(b, L->tag);
		}
		html_raw(b, "</p><p>");
		html_text(b, TR(L, "and type:"));
		html_raw(b, "</p>");
	} else {
		html_text(b, TR(L, "Go to the school's edbridge address, choose \"log in with the"
				   " access code\", and type:"));
		html_raw(b, "</p>");
	}
	html_raw(b, "<p class=\"accesscode\" dir=\"ltr\">");
	html_text(b, code);
	html_raw(b, "</p><p>");
	html_text(b, TR(L, "The code works once and expires in 30 days. On your own phone or"
			   " computer, tick \"Keep me signed in on this device\"; or, once you are"
			   " in, set a password under \"Your sign-in\". Then you need no new"
			   " letter. Ask the school office for a new letter at any time."));
	html_raw(b, "</p></div>");
}
