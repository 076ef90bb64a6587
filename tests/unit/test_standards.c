/* test_standards.c - the built-in CCSS-M catalog (src/domain/standards.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "domain/standards.h"

#define SHARED "../shared/data/ccssm/"

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(standards_init(), EB_OK);
	size_t by_kind[4] = { 0 };
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		assert_int_equal(s->index, i);
		by_kind[s->kind]++;
	}
	assert_int_equal(standards_count(), 664);
	assert_int_equal(by_kind[STANDARD_CLUSTER], 147);
	assert_int_equal(by_kind[STANDARD_PRACTICE], 8);
	assert_int_equal(by_kind[STANDARD_STANDARD] + by_kind[STANDARD_SUBSTANDARD], 509);
	assert_null(standards_at(standards_count()));
	assert_true(standards_link_count(STANDARDS_LINK_ARROW) >= 400);
	assert_true(standards_link_count(STANDARDS_LINK_NONDIRECTIONAL) >= 80);
}

static void test_normalise(void **state)
{
	(void)state;
	static const char *const same[] = {
		"3.NF.A.3a",
		"3.NF.A.3.a",
		"3.NF.3a",
		"3.NF.3.a",
		"CCSS.Math.Content.3.NF.A.3.a",
		"http://corestandards.org/Math/Content/3/NF/A/3/a/",
		"https://www.corestandards.org/Math/Content/3/NF/A/3/a",
		"ccss.math.content.3.nf.a.3.a",
		"CCSS.MATH.CONTENT.3.NF.A.3.A",
		" 3.NF.A.3a ",
		"3.NF.3a||some qualifier",
	};
	char out[32];
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(standards_canonical(same[i], out, sizeof(out)), EB_OK);
		assert_string_equal(out, "3.NF.A.3a");
	}
	static const char *const pairs[][2] = {
		{ "K.CC.A.1", "K.CC.A.1" },
		{ "0.CC.1", "K.CC.A.1" },
		{ "k.cc.1", "K.CC.A.1" },
		{ "0.CC.1||to 20", "K.CC.A.1" },
		{ "6.RP.3.a", "6.RP.A.3a" },
		{ "0.CC.4.c||to 10", "K.CC.B.4c" },
		{ "3.NF.A", "3.NF.A" },
		{ "HSA-SSE.B.3a", "A-SSE.B.3a" },
		{ "HSA.SSE.B.3.a", "A-SSE.B.3a" },
		{ "A-SSE.3a", "A-SSE.B.3a" },
		{ "CCSS.Math.Content.HSN-RN.A.1", "N-RN.A.1" },
		{ "http://www.corestandards.org/Math/Content/HSF/IF/C/7/e/", "F-IF.C.7e" },
		{ "G-C.1", "G-C.A.1" },
		{ "HSG-C.A", "G-C.A" },
		{ "MP1", "MP.1" },
		{ "MP.8", "MP.8" },
		{ "CCSS.Math.Practice.MP3", "MP.3" },
		{ "http://www.corestandards.org/Math/Practice/MP7/", "MP.7" },
		{ "8.F.1", "8.F.A.1" },
		{ "N-VM.C.10", "N-VM.C.10" },
		{ "N-VM.10", "N-VM.C.10" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(standards_canonical(pairs[i][0], out, sizeof(out)), EB_OK);
		assert_string_equal(out, pairs[i][1]);
	}
	static const char *const bad[] = { "",	  "3",	  "3.NF",	"0.G.1,2", "9.NF.1",
					   "MP9", "MP.0", "3.NF.A.3ab", "hello",   "3.NF.A.3.a.b",
					   "HSX" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(standards_canonical(bad[i], out, sizeof(out)), EB_OK);
	assert_int_equal(standards_canonical("3.NF.Z.1", out, sizeof(out)), EB_ENOTFOUND);
	assert_int_equal(standards_canonical("3.NF.A.3a", out, 4), EB_ETOOBIG);
	char big[600];
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_null(standards_find(big));
	assert_null(standards_find(NULL));
}

static void test_lookup_fields(void **state)
{
	(void)state;
	const struct standard *s = standards_find("3.NF.A.1");
	assert_non_null(s);
	assert_int_equal(s->kind, STANDARD_STANDARD);
	assert_int_equal(s->grade, 3);
	assert_string_equal(s->grade_label, "3");
	assert_string_equal(s->domain_code, "NF");
	assert_string_equal(s->domain_name, "Number and Operations—Fractions");
	assert_string_equal(s->cluster_code, "3.NF.A");
	assert_ptr_equal(s->parent, s->cluster);
	assert_int_equal(s->emphasis, EMPHASIS_MAJOR);
	assert_null(s->category_name);
	assert_ptr_equal(standards_at(s->index), s);

	const struct standard *sub = standards_find("3.NF.A.3a");
	assert_int_equal(sub->kind, STANDARD_SUBSTANDARD);
	assert_string_equal(sub->parent->code, "3.NF.A.3");

	const struct standard *k = standards_find("K.MD.B.3");
	assert_int_equal(k->grade, 0);
	assert_string_equal(k->grade_label, "K");
	assert_int_equal(k->emphasis, EMPHASIS_SUPPORTING);
	assert_int_equal(standards_find("K.G.A.1")->emphasis, EMPHASIS_ADDITIONAL);

	const struct standard *mp = standards_find("MP.4");
	assert_int_equal(mp->kind, STANDARD_PRACTICE);
	assert_int_equal(mp->grade, STANDARDS_GRADE_NONE);
	assert_null(mp->cluster);
}

static void test_hs_codes(void **state)
{
	(void)state;
	const struct standard *s = standards_find("A-SSE.B.3a");
	assert_non_null(s);
	assert_int_equal(s->grade, STANDARDS_GRADE_HS);
	assert_string_equal(s->grade_label, "HS");
	assert_string_equal(s->domain_code, "A-SSE");
	assert_string_equal(s->domain_name, "Seeing Structure in Expressions");
	assert_string_equal(s->category_name, "Algebra");
	assert_string_equal(s->cluster_code, "A-SSE.B");
	assert_string_equal(s->parent->code, "A-SSE.B.3");
	assert_int_equal(s->emphasis, EMPHASIS_NONE);
	s = standards_find("G-C.A.1");
	assert_string_equal(s->domain_code, "G-C");
	assert_string_equal(s->category_name, "Geometry");
	s = standards_find("N-VM.C.12");
	assert_string_equal(s->category_name, "Number and Quantity");
	assert_string_equal(standards_find("S-MD.B.5b")->domain_name,
			    "Using Probability to Make Decisions");
	assert_string_equal(standards_find("F-IF.A")->category_name, "Functions");
	int g;
	assert_int_equal(standards_parse_grade("HS", &g), EB_OK);
	assert_int_equal(g, STANDARDS_GRADE_HS);
	assert_int_equal(standards_parse_grade("k", &g), EB_OK);
	assert_int_equal(g, 0);
	assert_int_equal(standards_parse_grade("7", &g), EB_OK);
	assert_int_equal(g, 7);
	assert_int_not_equal(standards_parse_grade("9", &g), EB_OK);
	assert_int_not_equal(standards_parse_grade("", &g), EB_OK);
}

static void test_hierarchy(void **state)
{
	(void)state;
	int grades[16];
	size_t ng = standards_grades(grades, 16);
	assert_int_equal(ng, 10);
	assert_int_equal(grades[0], 0);
	assert_int_equal(grades[9], STANDARDS_GRADE_HS);
	assert_int_equal(standards_grades(grades, 2), 10); /* total even when truncated */

	size_t seen = 0; /* every non-practice entry is reached exactly once */
	for (size_t gi = 0; gi < ng; gi++) {
		const char *doms[32];
		size_t nd = standards_domains_of_grade(grades[gi], doms, 32);
		assert_true(nd > 0 && nd <= 32);
		for (size_t di = 0; di < nd; di++) {
			const struct standard *cl[32];
			size_t nc = standards_clusters_of(grades[gi], doms[di], cl, 32);
			assert_true(nc > 0 && nc <= 32);
			for (size_t ci = 0; ci < nc; ci++) {
				seen++;
				assert_int_equal(cl[ci]->kind, STANDARD_CLUSTER);
				const struct standard *st[32];
				size_t ns = standards_in_cluster(cl[ci], st, 32);
				assert_true(ns > 0 && ns <= 32);
				for (size_t si = 0; si < ns; si++) {
					seen++;
					assert_ptr_equal(st[si]->cluster, cl[ci]);
					const struct standard *ch[16];
					size_t nch = standards_children(st[si], ch, 16);
					for (size_t k = 0; k < nch; k++)
						assert_ptr_equal(ch[k]->parent, st[si]);
					seen += nch;
				}
			}
		}
	}
	const struct standard *mp[16];
	assert_int_equal(standards_practices(mp, 16), 8);
	assert_int_equal(seen + 8, standards_count());

	const char *doms[16];
	size_t nd = standards_domains_of_grade(0, doms, 16);
	assert_int_equal(nd, 5);
	assert_string_equal(doms[0], "CC");
	const struct standard *cl[8];
	assert_int_equal(standards_clusters_of(3, "nf", cl, 8), 1);
	const struct standard *ch[8];
	assert_int_equal(standards_children(standards_find("3.NF.A.3"), ch, 8), 4);
	assert_string_equal(ch[3]->code, "3.NF.A.3d");
}

static void test_links(void **state)
{
	(void)state;
	const struct standard *v[64];
	const struct standard *k1 = standards_find("K.CC.A.1");
	size_t n = standards_successors(k1, v, 64);
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= strcmp(v[i]->code, "1.NBT.A.1") == 0;
	assert_true(found);
	const struct standard *nbt = standards_find("1.NBT.A.1");
	n = standards_prereqs(nbt, v, 64);
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= v[i] == k1;
	assert_true(found);
	assert_true(standards_has_link(k1, nbt, STANDARDS_LINK_ARROW));
	assert_false(standards_has_link(nbt, k1, STANDARDS_LINK_ARROW));
	/* 0.CC.5 -- 0.CC.6 is nondirectional: visible either way */
	const struct standard *c5 = standards_find("K.CC.B.5"), *c6 = standards_find("K.CC.C.6");
	assert_true(standards_has_link(c6, c5, STANDARDS_LINK_NONDIRECTIONAL));
	n = standards_related(c6, v, 64);
	found = false;
	for (size_t i = 0; i < n; i++)
		found |= v[i] == c5;
	assert_true(found);
	/* no self-links survive (0.CC.1||to 20 -> 0.CC.1) */
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		assert_false(standards_has_link(s, s, STANDARDS_LINK_ARROW));
	}
}

/* Our wording: present, short, and never the official text. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)len + 1);
	if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
		free(b);
		b = NULL;
	}
	if (b)
		b[len] = '\0';
	fclose(f);
	return b;
}

static void test_descriptions(void **state)
{
	(void)state;
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		size_t len = strlen(s->family_description);
		assert_true(len >= 10);
		assert_true(len <= 200);
		size_t words = 1;
		for (const char *p = s->family_description; *p; p++)
			words += *p == ' ';
		assert_true(words >= 5 && words <= 25);
		assert_non_null(s->domain_name);
		if (s->kind != STANDARD_PRACTICE)
			assert_non_null(s->cluster_heading);
	}
}

/* Copies an official description with tags dropped and blanks collapsed. */
static void plain(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	bool tag = false, space = false;
	for (; *in && n + 1 < cap; in++) {
		if (*in == '<') {
			tag = true;
			continue;
		}
		if (tag) {
			tag = *in != '>';
			continue;
		}
		if (isspace((unsigned char)*in)) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < cap)
			out[n++] = ' ';
		space = false;
		out[n++] = *in;
	}
	out[n] = '\0';
}

static bool shared_present(void)
{
	FILE *f = fopen(SHARED "standards.tsv", "rb");
	if (f)
		fclose(f);
	return f != NULL;
}

static void test_against_reference_standards(void **state)
{
	(void)state;
	if (!shared_present()) {
		printf("skipped: ../shared/data absent\n");
		skip();
	}
	char *text = read_file(SHARED "standards.tsv");
	assert_non_null(text);
	size_t rows = 0;
	for (char *rest = text, *line; (line = strsep(&rest, "\n"));) {
		if (!*line)
			continue;
		if (strncmp(line, "id\t", 3) == 0)
			continue;
		char *t1 = strchr(line, '\t');
		assert_non_null(t1);
		*t1 = '\0';
		char *t2 = strchr(t1 + 1, '\t');
		assert_non_null(t2);
		*t2 = '\0';
		const struct standard *s = standards_find(line);
		if (!s)
			fail_msg("%s from standards.tsv is not in the catalog", line);
		assert_string_equal(s->code, line);
		assert_string_equal(standards_emphasis_name(s->emphasis), t1 + 1);
		char official[4096];
		plain(t2 + 1, official, sizeof(official));
		if (strcasecmp(official, s->family_description) == 0)
			fail_msg("%s: description is the official text", line);
		rows++;
	}
	assert_int_equal(rows, standards_count());
	free(text);
}

/* Expands one coherence-map code the way scripts/gen_ccssm.py does:
 * "0.G.1,2" -> 0.G.1, 0.G.2; "4.NF.3.a,b,c"; "3.OA.1,2;4.OA.1,2";
 * "0.OA;1.OA;2.OA" -> every standard of those domains. */
static size_t expand(const char *code, const struct standard **out, size_t cap)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", code);
	char *bar = strstr(buf, "||");
	if (bar)
		*bar = '\0';
	size_t n = 0;
	for (char *rest = buf, *part; (part = strsep(&rest, ";"));) {
		char *dot1 = strchr(part, '.');
		char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
		if (!dot2) { /* a whole domain */
			int g = part[0] - '0';
			for (size_t i = 0; i < standards_count(); i++) {
				const struct standard *s = standards_at(i);
				if (s->kind == STANDARD_STANDARD && s->grade == g &&
				    strcmp(s->domain_code, dot1 + 1) == 0 && n < cap)
					out[n++] = s;
			}
			continue;
		}
		*dot2 = '\0';
		char *nums = dot2 + 1, *subs = strchr(nums, '.');
		if (subs)
			*subs++ = '\0';
		for (char *r1 = nums, *num; (num = strsep(&r1, ","));) {
			char subcopy[32];
			snprintf(subcopy, sizeof(subcopy), "%s", subs ? subs : "");
			char *r2 = subcopy, *sub = strsep(&r2, ",");
			do {
				char one[64];
				snprintf(one, sizeof(one), "%s.%s%s", part, num, sub);
				const struct standard *s = standards_find(one);
				if (!s)
					fail_msg("%s (from %s) is not in the catalog", one, code);
				if (n < cap)
					out[n++] = s;
			} while ((sub = strsep(&r2, ",")));
		}
	}
	return n;
}

static void test_against_reference_links(void **state)
{
	(void)state;
	if (!shared_present()) {
		printf("skipped: ../shared/data absent\n");
		skip();
	}
	char *text = read_file(SHARED "progressions.tsv");
	assert_non_null(text);
	size_t rows[2] = { 0 }, pairs[2] = { 0 }, selfs = 0;
	for (char *rest = text, *line; (line = strsep(&rest, "\n"));) {
		if (!*line)
			continue;
		if (strncmp(line, "from\t", 5) == 0)
			continue;
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		assert_non_null(t2);
		*t1 = *t2 = '\0';
		enum standards_link_kind kind = strcmp(t2 + 1, "Arrow") == 0
							? STANDARDS_LINK_ARROW
							: STANDARDS_LINK_NONDIRECTIONAL;
		if (kind == STANDARDS_LINK_NONDIRECTIONAL)
			assert_string_equal(t2 + 1, "Nondirectional link");
		rows[kind]++;
		const struct standard *from[32], *to[32];
		size_t nf = expand(line, from, 32), nt = expand(t1 + 1, to, 32);
		assert_true(nf > 0 && nt > 0);
		for (size_t i = 0; i < nf; i++)
			for (size_t j = 0; j < nt; j++) {
				if (from[i] == to[j]) { /* "0.CC.1||to 20 -> 0.CC.1" */
					selfs++;
					continue;
				}
				if (!standards_has_link(from[i], to[j], kind))
					fail_msg("%s -> %s (%s) missing", from[i]->code,
						 to[j]->code, t2 + 1);
				pairs[kind]++;
			}
	}
	assert_int_equal(rows[STANDARDS_LINK_ARROW], 452);
	assert_int_equal(rows[STANDARDS_LINK_NONDIRECTIONAL], 90);
	/* Qualified variants of one standard ("0.CC.1||to 20" and "0.CC.1") are
	 * one node here: their links to each other become self-links and are
	 * dropped, and links they shared collapse into one. */
	printf("# reference: %zu arrow and %zu nondirectional pairs after expansion, "
	       "%zu self-links dropped; catalog holds %zu and %zu\n",
	       pairs[0], pairs[1], selfs, standards_link_count(STANDARDS_LINK_ARROW),
	       standards_link_count(STANDARDS_LINK_NONDIRECTIONAL));
	assert_true(selfs > 0);
	assert_true(standards_link_count(STANDARDS_LINK_ARROW) <= pairs[0]);
	assert_true(standards_link_count(STANDARDS_LINK_NONDIRECTIONAL) <= pairs[1]);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_lookup_fields),
		cmocka_unit_test(test_hs_codes),
		cmocka_unit_test(test_hierarchy),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_descriptions),
		cmocka_unit_test(test_against_reference_standards),
		cmocka_unit_test(test_against_reference_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
