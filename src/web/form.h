/* form.h - errors of a refused form tied to their fields (WCAG 2.1 3.3.1,
 * 1.3.1): at the top, a summary of what to fix (role=alert), each item the
 * field's label in words and the reason, linking to the field; at each
 * field, the reason (id "err-NAME"), and the control marked aria-invalid and
 * described by it. Field keys never reach the page: a domain's "field:
 * reason" lines are matched to the form's own table of labels. */
#ifndef EB_FORM_H
#define EB_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct http_request;

#define FORM_ERRORS_MAX 32

/* A field of a form: the key the domain names it by, the id of its control
 * on the page (the summary links there; NULL: the same as name), and its
 * label in words. */
struct form_label {
	const char *name, *id, *label;
};

struct form_error {
	const char *field; /* NULL: about the whole form */
	const char *reason;
};

struct form_errors {
	struct form_error e[FORM_ERRORS_MAX];
	size_t n;
};

/* Adds one error (strings copied into arena; dropped past FORM_ERRORS_MAX
 * or when the arena cannot grow). field NULL: about the whole form. */
void form_error_add(struct form_errors *errs, struct arena *a, const char *field,
		    const char *reason);
/* Adds a domain's "field: reason" lines (one per line; a line without a
 * "key: " prefix is about the whole form). A key not in labels is kept with
 * its field (so its reason still shows) but the summary names no label. */
void form_errors_parse(struct form_errors *errs, struct arena *a, const char *why);
/* The reason given for field, or NULL. */
const char *form_error_of(const struct form_errors *errs, const char *field);

/* The summary box, nothing when errs is empty: "Nothing was saved. Please
 * fix:" and one list item per error, "Label: reason" linking to the field. */
void form_errors_summary(struct http_request *req, const struct form_errors *errs,
			 const struct form_label *labels, size_t nlabels);
/* Inside a control's tag: ` aria-invalid="true" aria-describedby="err-NAME"`
 * when errs holds an error for name; nothing otherwise. */
void form_invalid_attrs(struct http_request *req, const struct form_errors *errs, const char *name);
/* After the control: <p class="field-error" id="err-NAME">reason</p> when errs
 * holds an error for name; nothing otherwise. */
void form_field_error(struct http_request *req, const struct form_errors *errs, const char *name);
/* The submitted value of name when a refused form is shown again (reshow),
 * else dflt. */
const char *form_value(struct http_request *req, bool reshow, const char *name, const char *dflt);
/* A labelled <input> (with an optional hint in muted words) whose value is
 * form_value(...), marked invalid with its error under it when e has one. */
void form_input(struct http_request *req, const struct form_errors *e, bool reshow,
		const char *name, const char *label, const char *hint, const char *type,
		const char *dflt);

#endif
