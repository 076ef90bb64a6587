/* The CCSS-M catalog for everyone: grade -> domain -> cluster -> standard,
 * with what each standard builds on and what builds on it. */
#include <string.h>

#include "base/str.h"
#include "domain/frameworks.h"
#include "domain/standards.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/router.h"

#define MAXLIST 256

static const char *emphasis_word(enum standard_emphasis e)
{
	switch (e) {
	case EMPHASIS_MAJOR:
		return "major";
	case EMPHASIS_SUPPORTING:
		return "supporting";
	case EMPHASIS_ADDITIONAL:
		return "additional";
	default:
		return NULL;
	}
}

/* Staff of a district see its frameworks (docs/case.md). */
static bool sees_frameworks(struct http_request *req)
{
	unsigned staff = ROLES_STAFF & ~ROLE_BIT(ROLE_VENDOR_CONTACT);
	return req->session && (req->session->account.role_mask & staff);
}

static void std_link(struct buf *b, const struct standard *s)
{
	html_raw(b, "<a class=\"code\" href=\"/standards/");
	html_url(b, s->code);
	html_raw(b, "\">");
	html_text(b, s->code);
	html_raw(b, "</a>");
}

/* "<li>" and a standard's link and words, left open for a nested list */
static void std_item_open(struct buf *b, const struct standard *s)
{
	html_raw(b, "<li>");
	std_link(b, s);
	const char *e = emphasis_word(s->emphasis);
	if (e && s->kind == STANDARD_CLUSTER) {
		html_raw(b, " <span class=\"tag ");
		html_attr(b, e);
		html_raw(b, "\">");
		html_text(b, e);
		html_raw(b, "</span>");
	}
	html_raw(b, " ");
	html_text(b, s->kind == STANDARD_CLUSTER && s->cluster_heading ? s->cluster_heading
								       : s->family_description);
}

static void std_item(struct buf *b, const struct standard *s)
{
	std_item_open(b, s);
	html_raw(b, "</li>");
}

static void notice(struct buf *b)
{
	html_raw(b, "<p class=\"muted\">Descriptions are edbridge's own plain-language wording for"
		    " families. ");
	html_text(b, STANDARDS_NOTICE);
	html_raw(b, "</p>");
}

void page_standards(struct http_request *req)
{
	struct buf *b = &req->out;
	int grades[16];
	size_t ng = standards_grades(grades, 16);
	if (ng > 16)
		ng = 16;
	const char *gq = http_query(req, "grade");
	int64_t want = -2;
	if (gq && *gq) {
		if (strcmp(gq, "K") == 0 || strcmp(gq, "k") == 0)
			want = 0;
		else if (strcmp(gq, "HS") == 0 || strcmp(gq, "hs") == 0)
			want = STANDARDS_GRADE_HS;
		else if (cstr_to_i64(gq, 0, 8, &want)) {
			page_error(req, 400, "Bad request", "grade: use K, 1 to 8, or HS.");
			return;
		}
	}
	page_begin(req, "Mathematics standards");
	html_raw(b, "<nav aria-label=\"Grades\"><p>");
	for (size_t i = 0; i < ng; i++) {
		const char *label = grades[i] == 0		      ? "K"
				    : grades[i] == STANDARDS_GRADE_HS ? "HS"
								      : NULL;
		html_raw(b, "<a href=\"/standards?grade=");
		if (label)
			html_text(b, label);
		else
			html_int(b, grades[i]);
		html_raw(b, "\">Grade ");
		if (label)
			html_text(b, label);
		else
			html_int(b, grades[i]);
		html_raw(b, "</a> ");
	}
	html_raw(b, "</p></nav>");
	if (sees_frameworks(req))
		html_raw(b, "<p><a href=\"/frameworks\">Your district's standards frameworks"
			    "</a> (state and local standards, and how they match these)</p>");
	if (want == -2) {
		html_raw(b, "<p>Choose a grade to see its domains, clusters and standards.</p>");
		notice(b);
		page_end(req);
		return;
	}
	const char *domains[64];
	size_t nd = standards_domains_of_grade((int)want, domains, 64);
	if (nd > 64)
		nd = 64;
	for (size_t d = 0; d < nd; d++) {
		const struct standard *cl[MAXLIST];
		size_t nc = standards_clusters_of((int)want, domains[d], cl, MAXLIST);
		if (nc > MAXLIST)
			nc = MAXLIST;
		html_raw(b, "<h2>");
		html_text(b, nc ? cl[0]->domain_name : domains[d]);
		html_raw(b, " <span class=\"muted code\">");
		html_text(b, domains[d]);
		html_raw(b, "</span></h2><ul>");
		for (size_t c = 0; c < nc; c++) {
			/* a cluster's standards: a list inside its item (a list
			 * may hold only items) */
			std_item_open(b, cl[c]);
			const struct standard *st[MAXLIST];
			size_t ns = standards_in_cluster(cl[c], st, MAXLIST);
			if (ns > MAXLIST)
				ns = MAXLIST;
			if (ns)
				html_raw(b, "<ul>");
			for (size_t s = 0; s < ns; s++)
				std_item(b, st[s]);
			html_raw(b, ns ? "</ul></li>" : "</li>");
		}
		html_raw(b, "</ul>");
	}
	notice(b);
	page_end(req);
}

static void link_list(struct buf *b, const char *heading, const struct standard **l, size_t n)
{
	html_raw(b, "<h2>");
	html_text(b, heading);
	html_raw(b, "</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">None in the coherence map.</p>");
		return;
	}
	html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++)
		std_item(b, l[i]);
	html_raw(b, "</ul>");
}

/* How the district's primary framework names s, and what its frameworks
 * add to what s builds on (precedes / isPeerOf). */
static void district_lines(struct http_request *req, const struct standard *s)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	char label[128];
	if (!frameworks_primary_label(req->db, d, s->code, label, sizeof label) && label[0]) {
		html_raw(b, "<p>In your district's primary framework: <span class=\"code\">");
		html_text(b, label);
		html_raw(b, "</span></p>");
	}
	char pre[16][FRAMEWORKS_CODE_MAX];
	size_t n = frameworks_prereqs(req->db, d, s->code, pre, 16);
	if (!n)
		return;
	html_raw(b, "<h2>Also builds on, in your district's frameworks</h2><ul>");
	for (size_t i = 0; i < n && i < 16; i++) {
		html_raw(b, "<li><a href=\"/standards/");
		html_url(b, pre[i]);
		html_raw(b, "\">");
		html_text(b, pre[i]);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
}

void page_standard(struct http_request *req)
{
	const struct standard *s = standards_find(req->params[0]);
	if (!s) {
		page_error(req, 404, "Not found", "No standard or cluster has that code.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, s->code);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/standards?grade=");
	html_text(b, s->grade_label);
	html_raw(b, "\">Grade ");
	html_text(b, s->grade_label);
	html_raw(b, "</a> &rsaquo; ");
	html_text(b, s->domain_name);
	if (s->cluster && s->cluster != s) {
		html_raw(b, " &rsaquo; ");
		std_link(b, s->cluster);
	}
	html_raw(b, "</p><p>");
	html_text(b, s->kind == STANDARD_CLUSTER && s->cluster_heading ? s->cluster_heading
								       : s->family_description);
	html_raw(b, "</p>");
	const char *e = emphasis_word(s->emphasis);
	if (e) {
		html_raw(b, "<p>Emphasis: <span class=\"tag ");
		html_attr(b, e);
		html_raw(b, "\">");
		html_text(b, e);
		html_raw(b, "</span></p>");
	}
	const struct standard *l[MAXLIST];
	size_t n;
	if (s->kind == STANDARD_CLUSTER) {
		n = standards_in_cluster(s, l, MAXLIST);
		link_list(b, "Standards in this cluster", l, n > MAXLIST ? MAXLIST : n);
	} else {
		n = standards_children(s, l, MAXLIST);
		if (n)
			link_list(b, "Parts of this standard", l, n > MAXLIST ? MAXLIST : n);
		n = standards_prereqs(s, l, MAXLIST);
		link_list(b, "Builds on", l, n > MAXLIST ? MAXLIST : n);
		if (sees_frameworks(req))
			district_lines(req, s);
		n = standards_successors(s, l, MAXLIST);
		link_list(b, "Builds toward", l, n > MAXLIST ? MAXLIST : n);
		n = standards_related(s, l, MAXLIST);
		if (n)
			link_list(b, "Related", l, n > MAXLIST ? MAXLIST : n);
	}
	notice(b);
	page_end(req);
}
