/* family_delivery.c - the pages of the family deliveries (issue 13;
 * docs/family_updates.md "Delivery", "Reach"):
 *   /u/:token          the one-click opt-out link of an email (GET shows a
 *                      button; POST, the button or a mail client's RFC 8058
 *                      one-click request, stops the emails);
 *   /families/reach    who was reached last week, per school and language,
 *                      and who was not and why (district admin,
 *                      coordinator; a principal for their school);
 *   /admin/delivery    the district's delivery settings (district admin). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/family_contact.h"
#include "domain/family_lang.h"
#include "domain/outbox.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

/* ---- /u/:token ---- */

static void unsub_gone(struct http_request *req)
{
	const struct i18n_lang *L = req->lang;
	req->status = 404;
	page_begin(req, TR(L, "This link does not work any more"));
	html_raw(&req->out, "<p>");
	html_text(&req->out, TR(L, "Ask your child's school to stop the emails."));
	html_raw(&req->out, "</p>");
	page_end(req);
}

static void unsub_lang(struct http_request *req, int64_t d, const char *gsid)
{
	struct family_lang fl;
	family_lang_of_guardian(req->db, d, gsid, NULL, &fl);
	req->lang = fl.lang && fl.lang != i18n_english() ? fl.lang : NULL;
}

void page_unsubscribe_form(struct http_request *req)
{
	const char *token = req->params[0];
	int64_t d = 0;
	char gsid[FAMILY_SID_MAX];
	enum family_channel ch;
	if (family_unsubscribe_check(req->db, token, &d, gsid, &ch)) {
		req->lang = i18n_from_accept(http_header(req, "Accept-Language"));
		unsub_gone(req);
		return;
	}
	unsub_lang(req, d, gsid);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	page_begin(req, TR(L, "Stop the weekly emails?"));
	html_raw(b, "<p>");
	html_text(b, TR(L, "You will not get the weekly update by email any more."));
	html_raw(b, "</p><form method=\"post\" action=\"/u/");
	html_url(b, token);
	html_raw(b, "\"><button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">");
	html_text(b, TR(L, "Stop the emails"));
	html_raw(b, "</button></form>");
	page_end(req);
}

void page_unsubscribe_submit(struct http_request *req)
{
	int64_t d = 0;
	enum family_channel ch;
	char gsid[FAMILY_SID_MAX];
	const char *token = req->params[0];
	if (family_unsubscribe_check(req->db, token, &d, gsid, &ch) ||
	    family_unsubscribe_use(req->db, token, &d, &ch)) {
		req->lang = i18n_from_accept(http_header(req, "Accept-Language"));
		unsub_gone(req);
		return;
	}
	unsub_lang(req, d, gsid);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	page_begin(req, TR(L, "The emails are stopped"));
	html_raw(b, "<p>");
	html_text(b, TR(L, "You will not get the weekly update by email any more."));
	html_raw(b, "</p><p>");
	html_text(b, TR(L, "If this was a mistake, tell your child's school."));
	html_raw(b, "</p>");
	page_end(req);
}

/* ---- /families/reach ---- */

static const char *lang_words(const char *tag)
{
	const struct i18n_lang *l = i18n_find(tag);
	return l ? l->english : tag;
}

#define REACH_LIST_MAX 500

void page_families_reach(struct http_request *req)
{
	struct buf *b = &req->out;
	const struct account *me = &req->session->account;
	int64_t d = district_of(req);
	const char *school = NULL;
	enum eb_err e = access_report_school(req->db, me, http_query(req, "school"), &school);
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "No such school, or not one you can see.");
		return;
	}
	if (e) {
		page_error(req, 403, "Forbidden", "This report is shown for your own school.");
		return;
	}
	const char *wq = http_query(req, "week");
	if (wq && !*wq)
		wq = NULL;
	if (wq && (strlen(wq) != 8 || wq[4] != '-' || (wq[5] != 'W' && wq[5] != 'w'))) {
		page_error(
			req, 400, "Families reached",
			"The week is written like 2026-W47 (the year, W and the week's number).");
		return;
	}
	struct outbox_reach r;
	e = outbox_reach(req->db, d, wq, school, REACH_LIST_MAX, &req->arena, &r);
	page_begin(req, "Families reached");
	if (e == EB_ENOTFOUND || (!e && r.families == 0)) {
		html_raw(b, "<p>No weekly family update has been sent");
		if (wq) {
			html_raw(b, " for the week ");
			html_text(b, wq);
		}
		html_raw(b, " yet. They go out at the district's send time, or with"
			    " <code>edbridge families send</code>.</p>");
		page_devices_reach(req, school);
		page_end(req);
		return;
	}
	if (e) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">The report could not be read."
			    " Try again in a moment.</p>");
		page_end(req);
		return;
	}
	html_raw(b, "<form class=\"inline\" method=\"get\" action=\"/families/reach\">"
		    "<label for=\"week\">Week</label> <input id=\"week\" name=\"week\" size=\"9\""
		    " value=\"");
	html_attr(b, r.week);
	html_raw(b, "\"> <button type=\"submit\">Show</button></form>");
	html_raw(b, "<p class=\"lead\">");
	html_textf(b, "Week %s: %ld of %ld families reached by at least one channel (%ld%%).",
		   r.week, r.reached, r.families,
		   r.families ? (r.reached * 100 + r.families / 2) / r.families : 0);
	html_raw(b, "</p>");
	if (r.lang_fallback) {
		html_raw(b, "<p>");
		html_textf(b,
			   "%ld families read English because edbridge has no translation in"
			   " their home language yet.",
			   r.lang_fallback);
		html_raw(b, "</p>");
	}
	page_scroll_begin(req, "Families reached by school and language");
	html_raw(b, "<table><caption>By school and language</caption><thead><tr>"
		    "<th scope=\"col\">School</th><th scope=\"col\">Language</th>"
		    "<th scope=\"col\">Families</th><th scope=\"col\">Reached</th>");
	for (int k = 0; k < OUTBOX_WHY_N; k++) {
		html_raw(b, "<th scope=\"col\">Not reached: ");
		html_text(b, outbox_why_name((enum outbox_why)k));
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < r.ngroups; i++) {
		const struct outbox_reach_group *g = &r.groups[i];
		html_raw(b, "<tr><td>");
		html_text(b, *g->school_name  ? g->school_name
			     : *g->school_sid ? g->school_sid
					      : "No school");
		html_raw(b, "</td><td>");
		html_text(b, lang_words(g->lang));
		html_raw(b, "</td><td>");
		html_int(b, g->families);
		html_raw(b, "</td><td>");
		html_int(b, g->reached);
		for (int k = 0; k < OUTBOX_WHY_N; k++) {
			html_raw(b, "</td><td>");
			html_int(b, g->why[k]);
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	html_raw(b, "<h2>Families not reached</h2>");
	if (r.nmissed == 0) {
		html_raw(b, "<p>Every family was reached.</p>");
	} else {
		page_scroll_begin(req, "Families not reached");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Family</th>"
			    "<th scope=\"col\">Language</th><th scope=\"col\">Why</th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < r.nmissed; i++) {
			html_raw(b, "<tr><td>");
			html_text(b, r.missed[i].guardian_name);
			html_raw(b, "</td><td>");
			html_text(b, lang_words(r.missed[i].lang));
			html_raw(b, "</td><td>");
			html_text(b, outbox_why_name(r.missed[i].why));
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
		if ((long)r.nmissed < r.families - r.reached)
			html_raw(b, "<p class=\"muted\">The first 500 are listed.</p>");
		struct audit_actor who = auth_actor(req);
		char detail[96];
		snprintf(detail, sizeof detail, "families not reached listed: %zu", r.nmissed);
		audit_record(req->db, d, &who, "view", "reach", r.week, detail);
	}
	html_raw(b, "<p class=\"muted\">A family counts as reached when at least one email or"
		    " text message was accepted, or its letter was printed. Pending: still"
		    " queued or retrying, or a letter not printed yet.</p>");
	page_devices_reach(req, school);
	page_end(req);
}

/* ---- /admin/delivery ---- */

struct field {
	const char *name, *label, *hint;
	size_t off, cap;
};

#define F(n, l, h, m)                                                                              \
	{                                                                                          \
		n, l, h, offsetof(struct delivery_settings, m),                                    \
			sizeof(((struct delivery_settings *)0)->m)                                 \
	}
static const struct field text_fields[] = {
	F("smtp_url", "Mail server",
	  "smtps://mail.example.org or smtp://mail.example.org:587"
	  " (STARTTLS required); empty: no email",
	  smtp_url),
	F("smtp_user", "Mail server user", "", smtp_user),
	F("mail_from", "From address", "", mail_from),
	F("mail_from_name", "From name", "", mail_from_name),
	F("reply_to", "Reply-to address", "empty: none", reply_to),
	F("sms_base_url", "Text-message provider address", "its Messages API; empty: no texts",
	  sms_base_url),
	F("sms_account", "Text-message account", "", sms_account),
	F("sms_from", "Text-message from number", "", sms_from),
	F("country_code", "Country code of phone numbers", "1 for the United States", country_code),
	F("public_url", "Address families use", "https://edbridge.example.org", public_url),
};
#undef F

static void delivery_page(struct http_request *req, int status, const struct delivery_settings *s,
			  const char *error, const char *notice)
{
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, "Family messages");
	if (notice)
		page_notice(req, "ok", notice);
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>How the weekly family update leaves: email, text messages, and when."
		    " Letters are printed with <code>edbridge families letters</code>.</p>"
		    "<form class=\"stack\" method=\"post\" action=\"/admin/delivery\">");
	page_csrf_field(req);
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const struct field *f = &text_fields[i];
		html_raw(b, "<div><label for=\"");
		html_attr(b, f->name);
		html_raw(b, "\">");
		html_text(b, f->label);
		html_raw(b, "</label>");
		if (*f->hint) {
			html_raw(b, "<p class=\"muted\" id=\"h-");
			html_attr(b, f->name);
			html_raw(b, "\">");
			html_text(b, f->hint);
			html_raw(b, "</p>");
		}
		html_raw(b, "<input id=\"");
		html_attr(b, f->name);
		html_raw(b, "\" name=\"");
		html_attr(b, f->name);
		if (*f->hint) {
			html_raw(b, "\" aria-describedby=\"h-");
			html_attr(b, f->name);
		}
		html_raw(b, "\" value=\"");
		html_attr(b, (const char *)s + f->off);
		html_raw(b, "\"></div>");
	}
	static const char *const secrets[][3] = {
		{ "smtp_password", "Mail server password", "" },
		{ "sms_token", "Text-message token", "" },
	};
	for (int i = 0; i < 2; i++) {
		bool set = i == 0 ? *s->smtp_password : *s->sms_token;
		html_raw(b, "<div><label for=\"");
		html_raw(b, secrets[i][0]);
		html_raw(b, "\">");
		html_text(b, secrets[i][1]);
		html_raw(b, "</label><p class=\"muted\" id=\"h-");
		html_raw(b, secrets[i][0]);
		html_raw(b, "\">");
		html_text(b, set ? "Set (never shown). Leave empty to keep it."
				 : "Not set. Never shown once saved.");
		html_raw(b, "</p><input type=\"password\" autocomplete=\"off\" id=\"");
		html_raw(b, secrets[i][0]);
		html_raw(b, "\" name=\"");
		html_raw(b, secrets[i][0]);
		html_raw(b, "\" aria-describedby=\"h-");
		html_raw(b, secrets[i][0]);
		html_raw(b, "\"></div>");
	}
	char hm[16];
	html_raw(b, "<div><label for=\"quiet_start\">Quiet hours start</label>"
		    "<p class=\"muted\" id=\"h-quiet\">No text message is sent between these"
		    " local times.</p><input id=\"quiet_start\" name=\"quiet_start\" type=\"time\""
		    " aria-describedby=\"h-quiet\" value=\"");
	snprintf(hm, sizeof hm, "%02d:%02d", s->quiet_start / 60, s->quiet_start % 60);
	html_attr(b, hm);
	html_raw(b, "\"></div><div><label for=\"quiet_end\">Quiet hours end</label>"
		    "<input id=\"quiet_end\" name=\"quiet_end\" type=\"time\" value=\"");
	snprintf(hm, sizeof hm, "%02d:%02d", s->quiet_end / 60, s->quiet_end % 60);
	html_attr(b, hm);
	html_raw(b, "\"></div><div><label for=\"send_day\">Weekly send day</label>"
		    "<select id=\"send_day\" name=\"send_day\">");
	static const char *const days[] = { "Monday", "Tuesday",  "Wednesday", "Thursday",
					    "Friday", "Saturday", "Sunday" };
	for (int i = 0; i < 7; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, i + 1);
		html_raw(b, s->send_day == i + 1 ? "\" selected>" : "\">");
		html_text(b, days[i]);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"send_hour\">Weekly send hour (local,"
		    " 0 to 23)</label><input id=\"send_hour\" name=\"send_hour\" type=\"number\""
		    " min=\"0\" max=\"23\" value=\"");
	html_int(b, s->send_hour);
	html_raw(b, "\"></div><div><button type=\"submit\">Save</button></div></form>");
	page_end(req);
}

void page_admin_delivery(struct http_request *req)
{
	struct delivery_settings s;
	if (delivery_get(req->db, district_of(req), &s)) {
		page_error(req, 503, "Error", "The settings could not be read. Try again.");
		return;
	}
	delivery_page(req, 200, &s, NULL, NULL);
	delivery_settings_redact(&s);
}

static bool parse_hm(const char *v, int *out)
{
	if (!v || strlen(v) != 5 || v[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (v[i] < '0' || v[i] > '9'))
			return false;
	int h = (v[0] - '0') * 10 + v[1] - '0', m = (v[3] - '0') * 10 + v[4] - '0';
	if (h > 23 || m > 59)
		return false;
	*out = h * 60 + m;
	return true;
}

void page_admin_delivery_save(struct http_request *req)
{
	struct delivery_settings s;
	int64_t d = district_of(req);
	if (delivery_get(req->db, d, &s)) {
		page_error(req, 503, "Error", "The settings could not be read. Try again.");
		return;
	}
	const char *error = NULL;
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0] && !error; i++) {
		const char *v = http_form(req, text_fields[i].name);
		if (!v)
			continue;
		if (strlen(v) >= text_fields[i].cap)
			error = "A field is too long.";
		else
			str_copy((char *)&s + text_fields[i].off, text_fields[i].cap, v);
	}
	const char *v;
	if ((v = http_form(req, "smtp_password")) && *v)
		str_copy(s.smtp_password, sizeof s.smtp_password, v);
	if ((v = http_form(req, "sms_token")) && *v)
		str_copy(s.sms_token, sizeof s.sms_token, v);
	if (!error && (v = http_form(req, "quiet_start")) && !parse_hm(v, &s.quiet_start))
		error = "Quiet hours: a time such as 20:00.";
	if (!error && (v = http_form(req, "quiet_end")) && !parse_hm(v, &s.quiet_end))
		error = "Quiet hours: a time such as 08:00.";
	if (!error && (v = http_form(req, "send_day"))) {
		if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '7')
			s.send_day = v[0] - '0';
		else
			error = "Choose a send day.";
	}
	if (!error && (v = http_form(req, "send_hour"))) {
		char *end;
		long h = strtol(v, &end, 10);
		if (!*v || *end || h < 0 || h > 23)
			error = "The send hour is a number from 0 to 23.";
		else
			s.send_hour = (int)h;
	}
	char err[512];
	if (!error && delivery_set(req->db, d, &s, err, sizeof err))
		error = err;
	if (!error) {
		struct audit_actor who = auth_actor(req);
		audit_record(req->db, d, &who, "update", "district", "delivery",
			     "family message settings saved (secrets not recorded)");
	}
	delivery_page(req, error ? 400 : 200, &s, error, error ? NULL : "Saved.");
	delivery_settings_redact(&s);
}
