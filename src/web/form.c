/* Errors of a refused form, tied to their fields. */
#include "web/form.h"

#include <string.h>

#include "base/arena.h"
#include "web/html.h"
#include "web/http.h"

void form_error_add(struct form_errors *errs, struct arena *a, const char *field,
		    const char *reason)
{
	if (errs->n >= FORM_ERRORS_MAX || !reason)
		return;
	struct form_error *e = &errs->e[errs->n];
	e->field = field ? arena_strdup(a, field) : NULL;
	e->reason = arena_strdup(a, reason);
	if (!e->reason || (field && !e->field))
		return;
	errs->n++;
}

/* A field key: lower-case letters, digits and '_', then ": ". */
static size_t key_len(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n &&
	       ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
		k++;
	return k && k + 1 < n && s[k] == ':' && s[k + 1] == ' ' ? k : 0;
}

void form_errors_parse(struct form_errors *errs, struct arena *a, const char *why)
{
	const char *p = why;
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		size_t k = key_len(p, n);
		char *field = k ? arena_printf(a, "%.*s", (int)k, p) : NULL;
		char *reason =
			arena_printf(a, "%.*s", (int)(n - (k ? k + 2 : 0)), p + (k ? k + 2 : 0));
		if (reason && *reason && (!k || field))
			form_error_add(errs, a, field, reason);
		p = e ? e + 1 : NULL;
	}
}

const char *form_error_of(const struct form_errors *errs, const char *field)
{
	for (size_t i = 0; errs && i < errs->n; i++)
		if (errs->e[i].field && strcmp(errs->e[i].field, field) == 0)
			return errs->e[i].reason;
	return NULL;
}

static const struct form_label *label_of(const struct form_label *labels, size_t n,
					 const char *field)
{
	for (size_t i = 0; field && i < n; i++)
		if (strcmp(labels[i].name, field) == 0)
			return &labels[i];
	return NULL;
}

/* A reason as a sentence: capital first letter, a full stop at the end.
 * Reasons written to follow a field's name ("is required", "must be a
 * date") read "This field is required." on their own. */
static void sentence(struct buf *b, const char *s, bool capital)
{
	if (capital && (strncmp(s, "is ", 3) == 0 || strncmp(s, "must ", 5) == 0 ||
			strncmp(s, "cannot ", 7) == 0)) {
		html_raw(b, "This field ");
		capital = false;
	}
	char first[2] = { s[0], 0 };
	if (capital && first[0] >= 'a' && first[0] <= 'z')
		first[0] = (char)(first[0] - 32);
	html_text(b, first);
	html_text(b, s[0] ? s + 1 : "");
	size_t n = strlen(s);
	if (n && s[n - 1] != '.' && s[n - 1] != '?' && s[n - 1] != '!')
		html_raw(b, ".");
}

void form_errors_summary(struct http_request *req, const struct form_errors *errs,
			 const struct form_label *labels, size_t nlabels)
{
	if (!errs || !errs->n)
		return;
	struct buf *b = &req->out;
	html_raw(b, "<div class=\"notice error\" role=\"alert\"><p>Nothing was saved. Please "
		    "fix:</p><ul>");
	for (size_t i = 0; i < errs->n; i++) {
		const struct form_label *l = label_of(labels, nlabels, errs->e[i].field);
		html_raw(b, "<li>");
		if (l) {
			html_raw(b, "<a href=\"#");
			html_attr(b, l->id ? l->id : l->name);
			html_raw(b, "\">");
			html_text(b, l->label);
			const char *r = errs->e[i].reason;
			bool follows = strncmp(r, "is ", 3) == 0 || strncmp(r, "must ", 5) == 0 ||
				       strncmp(r, "cannot ", 7) == 0;
			html_raw(b, follows ? "</a> " : "</a>: ");
		}
		sentence(b, errs->e[i].reason, !l);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></div>");
}

void form_invalid_attrs(struct http_request *req, const struct form_errors *errs, const char *name)
{
	if (!form_error_of(errs, name))
		return;
	html_raw(&req->out, " aria-invalid=\"true\" aria-describedby=\"err-");
	html_attr(&req->out, name);
	html_raw(&req->out, "\"");
}

void form_field_error(struct http_request *req, const struct form_errors *errs, const char *name)
{
	if (!form_error_of(errs, name))
		return;
	html_raw(&req->out, "<p class=\"field-error\" id=\"err-");
	html_attr(&req->out, name);
	html_raw(&req->out, "\">");
	for (size_t i = 0, k = 0; i < errs->n; i++) {
		if (!errs->e[i].field || strcmp(errs->e[i].field, name) != 0)
			continue;
		if (k++)
			html_raw(&req->out, " ");
		sentence(&req->out, errs->e[i].reason, true);
	}
	html_raw(&req->out, "</p>");
}

const char *form_value(struct http_request *req, bool reshow, const char *name, const char *dflt)
{
	const char *v = reshow ? http_form(req, name) : NULL;
	return v ? v : dflt;
}

void form_input(struct http_request *req, const struct form_errors *e, bool reshow,
		const char *name, const char *label, const char *hint, const char *type,
		const char *dflt)
{
	struct buf *b = &req->out;
	html_raw(b, "<div><label for=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	html_text(b, label);
	if (hint) {
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, hint);
		html_raw(b, ")</span>");
	}
	html_raw(b, "</label><input id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\"");
	form_invalid_attrs(req, e, name);
	html_raw(b, " value=\"");
	html_attr(b, form_value(req, reshow, name, dflt));
	html_raw(b, "\">");
	form_field_error(req, e, name);
	html_raw(b, "</div>");
}
