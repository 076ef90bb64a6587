/* Unit tests of families in their language: the catalogues (base/i18n: the
 * .mo reader, every catalogue complete with its printf conversions kept,
 * lookups in two languages from two threads at once, the fallback), the
 * family's language (domain/family_lang), the ISO weeks, the at-home
 * library (every cluster of the catalog has an activity), the weekly update
 * on a known child (domain/family_update: its content, and no codes,
 * probabilities or addresses in it), and the translation engines
 * (domain/translate: Apertium for real when installed, its timeout). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/home_activities.h"
#include "domain/mastery_cache.h"
#include "domain/standards.h"
#include "domain/teacher_note.h"
#include "domain/tools.h"
#include "domain/translate.h"
#include "store/db.h"

/* ---- the .mo reader ------------------------------------------------------ */

/* A .mo file of n (msgid, msgstr) pairs, little-endian, into out. */
static size_t make_mo(unsigned char *out, size_t cap, const char *const (*pairs)[2], uint32_t n)
{
	memset(out, 0, cap);
	uint32_t head[7] = { 0x950412de, 0, n, 28, 28 + 8 * n, 0, 0 };
	memcpy(out, head, sizeof head);
	size_t at = 28 + 16 * (size_t)n;
	for (int side = 0; side < 2; side++)
		for (uint32_t i = 0; i < n; i++) {
			uint32_t len = (uint32_t)strlen(pairs[i][side]), off = (uint32_t)at;
			memcpy(out + 28 + (size_t)side * 8 * n + 8 * i, &len, 4);
			memcpy(out + 28 + (size_t)side * 8 * n + 8 * i + 4, &off, 4);
			memcpy(out + at, pairs[i][side], len + 1);
			at += len + 1;
			assert_true(at < cap);
		}
	return at;
}

static void mo_reader(void **state)
{
	static const char *const pairs[][2] = {
		{ "", "Content-Type: text/plain; charset=UTF-8\n" },
		{ "Save", "Guardar" },
		{ "Home", "Inicio" },
		{ "ctx\004Home", "Casa" },
	};
	unsigned char mo[1024];
	size_t len = make_mo(mo, sizeof mo, pairs, 4);
	struct i18n_pair got[8];
	size_t n;
	assert_true(i18n_mo_parse(mo, len, got, 8, &n));
	/* the header and the entry with a context are skipped; sorted */
	assert_int_equal(n, 2);
	assert_string_equal(got[0].msgid, "Home");
	assert_string_equal(got[0].msgstr, "Inicio");
	assert_string_equal(got[1].msgid, "Save");
	/* too small a table, bad magic, cut short, offsets out of bounds, a
	 * string without its NUL: refused, never read past the end */
	assert_false(i18n_mo_parse(mo, len, got, 1, &n));
	unsigned char bad[1024];
	memcpy(bad, mo, len);
	bad[0] ^= 1;
	assert_false(i18n_mo_parse(bad, len, got, 8, &n));
	assert_false(i18n_mo_parse(mo, 20, got, 8, &n));
	assert_false(i18n_mo_parse(mo, len - 5, got, 8, &n));
	memcpy(bad, mo, len);
	uint32_t far = 100000;
	memcpy(bad + 28 + 8 + 4, &far, 4);
	assert_false(i18n_mo_parse(bad, len, got, 8, &n));
	memcpy(bad, mo, len);
	uint32_t longer = 200;
	memcpy(bad + 28 + 8, &longer, 4);
	assert_false(i18n_mo_parse(bad, len, got, 8, &n));
	assert_false(i18n_mo_parse(NULL, 0, got, 8, &n));
}

static void conversions(void **state)
{
	assert_true(i18n_same_conversions("Week of %s", "Semana del %s"));
	assert_true(i18n_same_conversions("%s and %d", "%s y %d"));
	assert_true(i18n_same_conversions("100%% of %s", "%s: 100%%"));
	assert_true(i18n_same_conversions("Wait %lld seconds", "Espere %lld segundos"));
	assert_false(i18n_same_conversions("Week of %s", "Semana"));
	assert_false(i18n_same_conversions("%s and %d", "%d y %s"));
	assert_false(i18n_same_conversions("Wait %lld seconds", "Espere %d segundos"));
	assert_false(i18n_same_conversions("Hello", "Hola %s"));
}

static void finding_languages(void **state)
{
	assert_string_equal(i18n_find("es")->tag, "es");
	assert_string_equal(i18n_find("es-MX")->tag, "es");
	assert_string_equal(i18n_find("ES_us")->tag, "es");
	assert_string_equal(i18n_find("spa")->tag, "es");
	assert_string_equal(i18n_find("Spanish")->tag, "es");
	assert_string_equal(i18n_find("zh")->tag, "zh-Hans");
	assert_string_equal(i18n_find("zh-Hant-TW")->tag, "zh-Hans");
	assert_string_equal(i18n_find("Haitian Creole")->tag, "ht");
	assert_string_equal(i18n_find("fil")->tag, "tl");
	assert_string_equal(i18n_find(" pt-BR ")->tag, "pt");
	assert_true(i18n_find("ar")->rtl);
	assert_false(i18n_find("ko")->rtl);
	assert_ptr_equal(i18n_find("en-US"), i18n_english());
	/* languages we have no catalogue for: NULL, the caller falls back */
	assert_null(i18n_find("so"));
	assert_null(i18n_find("Somali"));
	assert_null(i18n_find(""));
	assert_null(i18n_find(NULL));
	assert_null(i18n_find("e"));
	/* the browser's order and weights */
	assert_string_equal(i18n_from_accept("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.5")->tag, "es");
	assert_string_equal(i18n_from_accept("en;q=0.2, ar")->tag, "ar");
	assert_null(i18n_from_accept("fr, de;q=0.5, es;q=0"));
	assert_null(i18n_from_accept(NULL));
	/* ten languages, English first */
	assert_int_equal(i18n_count(), 10);
	assert_ptr_equal(i18n_at(0), i18n_english());
	assert_null(i18n_at(10));
	/* English and NULL give the msgid back; so does an unknown msgid */
	assert_string_equal(TR(NULL, "Save"), "Save");
	assert_string_equal(TR(i18n_english(), "Save"), "Save");
	assert_string_equal(TR(i18n_find("es"), "Save"), "Guardar");
	assert_string_equal(TR(i18n_find("es"), "no such message here"), "no such message here");
}

/* The msgids of po/edbridge.pot (the tests run at the source tree's root),
 * joined from their quoted lines and unescaped. */
static size_t pot_msgids(char ***out)
{
	FILE *f = fopen("po/edbridge.pot", "r");
	assert_non_null(f);
	char line[4096];
	size_t n = 0, cap = 512;
	char **ids = calloc(cap, sizeof *ids);
	struct buf cur = BUF_INIT;
	buf_init(&cur, 0);
	bool in_id = false;
	for (;;) {
		bool more = fgets(line, sizeof line, f) != NULL;
		bool cont = more && line[0] == '"' && in_id;
		if (in_id && !cont) {
			if (cur.len && n < cap)
				ids[n++] = strdup(buf_cstr(&cur));
			buf_reset(&cur);
			in_id = false;
		}
		if (!more)
			break;
		const char *q = NULL;
		if (strncmp(line, "msgid \"", 7) == 0) {
			in_id = true;
			q = line + 6;
		} else if (cont) {
			q = line;
		}
		if (!q)
			continue;
		for (const char *p = q + 1; *p && *p != '\n'; p++) {
			if (*p == '"' && (p[1] == '\n' || !p[1]))
				break;
			if (*p == '\\' && p[1]) {
				p++;
				buf_putc(&cur, *p == 'n' ? '\n' : *p == 't' ? '\t' : *p);
			} else {
				buf_putc(&cur, *p);
			}
		}
	}
	buf_free(&cur);
	fclose(f);
	*out = ids;
	return n;
}

/* Every catalogue translates every message of po/edbridge.pot (the family
 * domain), keeps its printf conversions, and holds nothing else. */
static void catalogues_complete(void **state)
{
	char **ids;
	size_t n = pot_msgids(&ids);
	assert_true(n > 150);
	for (size_t l = 1; l < i18n_count(); l++) {
		const struct i18n_lang *L = i18n_at(l);
		size_t missing = 0, bad = 0;
		for (size_t i = 0; i < n; i++) {
			const char *t = TR(L, ids[i]);
			if (t == ids[i] || !*t) {
				if (missing++ < 3)
					print_message("%s: untranslated: %s\n", L->english, ids[i]);
			} else if (!i18n_same_conversions(ids[i], t)) {
				if (bad++ < 3)
					print_message("%s: conversions differ: %s\n", L->english,
						      ids[i]);
			}
		}
		assert_int_equal(missing, 0);
		assert_int_equal(bad, 0);
		assert_int_equal(i18n_catalogue_size(L), n);
	}
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* Two threads in two languages at once, from the very first lookup (the
 * catalogues load during the race): each sees only its own words. */
struct lookup_run {
	const char *tag, *want;
	int wrong;
	pthread_barrier_t *start;
};

static void *lookups(void *arg)
{
	struct lookup_run *r = arg;
	const struct i18n_lang *L = i18n_find(r->tag);
	pthread_barrier_wait(r->start);
	for (int i = 0; i < 200000; i++)
		if (strcmp(TR(L, "Save"), r->want) != 0 ||
		    strcmp(TR(L, "Week of %s"), "Week of %s") == 0)
			r->wrong++;
	return NULL;
}

static void two_threads_two_languages(void **state)
{
	pthread_barrier_t b;
	pthread_barrier_init(&b, NULL, 2);
	struct lookup_run es = { "es", "Guardar", 0, &b }, ar = { "ar", "حفظ", 0, &b };
	pthread_t t1, t2;
	pthread_create(&t1, NULL, lookups, &es);
	pthread_create(&t2, NULL, lookups, &ar);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&b);
	assert_int_equal(es.wrong, 0);
	assert_int_equal(ar.wrong, 0);
}

/* ---- weeks ---------------------------------------------------------------- */

static void iso_weeks(void **state)
{
	struct family_week w;
	assert_int_equal(family_week_parse("2026-W01", NULL, &w), EB_OK);
	assert_int_equal(w.start, (int64_t)days_from_civil(2025, 12, 29) * 86400);
	assert_int_equal(w.end - w.start, 7 * 86400);
	assert_string_equal(w.label, "2026-W01");
	assert_int_equal(family_week_parse("2020-W53", NULL, &w), EB_OK);
	assert_int_equal(family_week_parse("2021-W53", NULL, &w), EB_EINVAL);
	assert_int_equal(family_week_parse("2026-w47", NULL, &w), EB_OK);
	assert_string_equal(w.label, "2026-W47");
	static const char *const bad[] = { "2026-W00", "2026-W54", "2026W47",	"26-W47",
					   "2026-W4",  "2026-X47", "2026-W47x", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(family_week_parse(bad[i], NULL, &w), EB_EINVAL);
	assert_int_equal(family_week_parse(NULL, NULL, &w), EB_EINVAL);
	/* a Sunday evening belongs to the week that began on the Monday before */
	family_week_of((int64_t)days_from_civil(2026, 1, 4) * 86400 + 80000, NULL, &w);
	assert_string_equal(w.label, "2026-W01");
	struct family_week p;
	family_week_prev(&w, NULL, &p);
	assert_string_equal(p.label, "2025-W52");
}

/* ---- the at-home library ------------------------------------------------ */

static void every_cluster_has_an_activity(void **state)
{
	assert_int_equal(home_activities_load(), EB_OK);
	size_t clusters = 0;
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		if (s->kind != STANDARD_CLUSTER)
			continue;
		clusters++;
		const struct home_activity *a = home_activity_for(s->code, 0);
		if (!a)
			print_message("no at-home activity for cluster %s\n", s->code);
		assert_non_null(a);
	}
	assert_true(clusters > 140);
	/* every cluster an activity names is one of the catalog's clusters */
	for (size_t i = 0; i < home_activities_count(); i++) {
		const struct home_activity *a = home_activities_at(i);
		assert_true(a->nclusters > 0);
		for (size_t k = 0; k < a->nclusters; k++) {
			const struct standard *s = standards_find(a->clusters[k]);
			if (!s || s->kind != STANDARD_CLUSTER)
				print_message("%s names %s, not a cluster\n", a->id,
					      a->clusters[k]);
			assert_true(s && s->kind == STANDARD_CLUSTER);
		}
		/* translated (the catalogue test checks every language) */
		assert_string_not_equal(TR(i18n_find("vi"), a->text), a->text);
	}
	/* a standard's code finds its cluster's activity; a pick varies it */
	assert_non_null(home_activity_for("3.NF.A.1", 0));
	assert_ptr_equal(home_activity_for("3.NF.A.1", 0), home_activity_for("3.NF.A", 0));
	assert_ptr_not_equal(home_activity_for("6.NS.C", 0), home_activity_for("6.NS.C", 1));
	assert_null(home_activity_for("9.ZZ.A", 0));
	assert_null(home_activity_for(NULL, 0));
}

/* ---- the district of a known child -------------------------------------- */

struct fx {
	struct db *db;
	int64_t d, tool, parent, student;
	char path[64];
	struct family_week week;
};

static void exec_ok(struct fx *f, const char *sql, const char *a, const char *b, const char *c)
{
	assert_int_equal(db_execute(f->db, sql,
				    DB_ARGS(DB_INT(f->d), DB_TEXT(a), DB_TEXT(b), DB_TEXT(c)),
				    NULL),
			 EB_OK);
}

static void person(struct fx *f, const char *sid, const char *role, const char *given,
		   const char *lang)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids,"
				    " role, given_name, family_name, grades, home_language) VALUES"
				    " (?1, ?2, 'sch1', ?3, ?4, 'Rivera', '03', ?5)",
				    DB_ARGS(DB_INT(f->d), DB_TEXT(sid), DB_TEXT(role),
					    DB_TEXT(given), DB_TEXT(lang)),
				    NULL),
			 EB_OK);
}

static void answer(struct fx *f, const char *sid, const char *code, int item, int correct,
		   int64_t at)
{
	char item_id[32];
	snprintf(item_id, sizeof item_id, "item-%s-%d", code, item);
	struct learning_event_in ev = {
		.actor_key = sid,
		.match_name = sid,
		.activity_id = item_id,
		.standard_code = code,
		.item_id = item_id,
		.correct = correct,
		.score = -1,
		.duration_s = -1,
		.occurred_at = at,
		.source = "xapi",
	};
	bool q = true;
	assert_int_equal(activity_event_record(f->db, f->d, f->tool, &ev, &q), EB_OK);
	assert_false(q);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_family_update_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
	mastery_cache_clear(f->db);
	/* Ana (preferred name of Anabel), grade 3; her guardian Rosa speaks
	 * Spanish; another family's child Ben */
	person(f, "s1", "student", "Anabel", NULL);
	exec_ok(f,
		"UPDATE person SET preferred_first_name=?3 WHERE district_id=?1 AND sourced_id=?2"
		" AND ?4 IS NULL",
		"s1", "Ana", NULL);
	person(f, "g1", "guardian", "Rosa", "es");
	person(f, "s2", "student", "Ben", NULL);
	person(f, "g2", "guardian", "Sahra", "so");
	exec_ok(f, "INSERT INTO guardianship VALUES (?1, ?2, ?3), (?1, ?4, 's2')", "g1", "s1",
		"g2");
	struct tool t;
	tools_defaults(&t);
	snprintf(t.name, sizeof t.name, "Fraction Quest");
	t.dpa_signed = true;
	struct audit_actor who = { 0, "cli", "" };
	char why[200];
	if (tools_create(f->db, f->d, &t, TOOL_UNDER_REVIEW, 0, &who, "test", &f->tool) ||
	    tools_set_status(f->db, f->d, f->tool, TOOL_APPROVED, "reviewed", NULL, &who, why,
			     sizeof why))
		return -1;
	if (account_create(f->db, f->d, "rosa", "Rosa Rivera", NULL, "g1", &f->parent) ||
	    account_add_role(f->db, f->d, f->parent, ROLE_GUARDIAN, "person", "s1") ||
	    account_create(f->db, f->d, "ana", "Ana Rivera", NULL, "s1", &f->student) ||
	    account_add_role(f->db, f->d, f->student, ROLE_STUDENT, "person", "s1"))
		return -1;
	/* the week of 10 November 2025: the week before, fractions went badly;
	 * this week they went well, and comparing fractions (3.NF.A.3, the
	 * newest) is still new */
	family_week_parse("2025-W46", NULL, &f->week);
	int64_t before = f->week.start - 4 * 86400, during = f->week.start + 86400;
	for (int i = 0; i < 6; i++)
		answer(f, "s1", "3.NF.A.1", i, 0, before + i * 600);
	for (int i = 0; i < 12; i++)
		answer(f, "s1", "3.NF.A.1", 10 + i, 1, during + i * 600);
	for (int i = 0; i < 5; i++)
		answer(f, "s1", "3.NF.A.3", i, i == 4, during + 86400 + i * 600);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	mastery_cache_clear(f->db);
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

/* The family's language: the roster, a choice, a language we do not have. */
static void family_language(void **state)
{
	struct fx *f = *state;
	struct account a;
	struct family_lang fl;
	assert_int_equal(account_get(f->db, f->d, f->parent, &a), EB_OK);
	family_lang_of_account(f->db, f->d, &a, NULL, &fl);
	assert_string_equal(fl.lang->tag, "es");
	assert_int_equal(fl.source, FAMILY_LANG_GUARDIAN);
	assert_false(fl.fallback);
	/* the student: no language of her own in the roster: English */
	assert_int_equal(account_get(f->db, f->d, f->student, &a), EB_OK);
	family_lang_of_account(f->db, f->d, &a, NULL, &fl);
	assert_ptr_equal(fl.lang, i18n_english());
	assert_int_equal(fl.source, FAMILY_LANG_DEFAULT);
	/* a choice wins; a language we do not have is refused, nothing stored */
	assert_int_equal(family_lang_set(f->db, f->d, f->parent, "ar"), EB_OK);
	assert_int_equal(family_lang_set(f->db, f->d, f->parent, "so"), EB_EINVAL);
	assert_int_equal(account_get(f->db, f->d, f->parent, &a), EB_OK);
	family_lang_of_account(f->db, f->d, &a, NULL, &fl);
	assert_string_equal(fl.lang->tag, "ar");
	assert_int_equal(fl.source, FAMILY_LANG_CHOSEN);
	family_lang_of_guardian(f->db, f->d, "g1", "s1", &fl);
	assert_string_equal(fl.lang->tag, "ar");
	assert_int_equal(family_lang_set(f->db, f->d, f->parent, NULL), EB_OK);
	family_lang_of_guardian(f->db, f->d, "g1", "s1", &fl);
	assert_string_equal(fl.lang->tag, "es");
	/* Somali in the roster: English, said and counted */
	family_lang_of_guardian(f->db, f->d, "g2", "s2", &fl);
	assert_ptr_equal(fl.lang, i18n_english());
	assert_true(fl.fallback);
	assert_string_equal(fl.wanted, "so");
	struct family_lang_census c;
	assert_int_equal(family_lang_census(f->db, f->d, &c), EB_OK);
	assert_int_equal(c.guardians, 2);
	assert_int_equal(c.per_lang[1], 1); /* es */
	assert_int_equal(c.per_lang[0], 1); /* en: the fallback */
	assert_int_equal(c.fallback, 1);
	assert_int_equal(c.nunknown, 1);
	assert_string_equal(c.unknown[0].tag, "so");
}

static bool matches(const char *re, const char *text)
{
	regex_t r;
	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	bool m = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	return m;
}

/* What a parent must never read in an update: a standard's code, a
 * probability or a percentage, an id, an address. */
static void no_codes_or_numbers(const char *text)
{
	if (matches("[0-9K]\\.[A-Z]{1,3}\\.[A-Z]", text) || matches("[A-Z]-[A-Z]{2,3}\\.", text) ||
	    strchr(text, '%') || matches("(^|[^0-9])0\\.[0-9]", text) || strstr(text, "http") ||
	    strstr(text, "item-") || strstr(text, "s1") || strstr(text, "g1"))
		fail_msg("an update shows a code or a number it must not:\n%s", text);
}

static void update_of_a_known_child(void **state)
{
	struct fx *f = *state;
	struct arena a;
	arena_init(&a);
	struct family_update u;
	const struct i18n_lang *es = i18n_find("es");
	assert_int_equal(family_update_build(f->db, f->d, "s1", &f->week, es, &a, &u), EB_OK);
	assert_string_equal(u.child, "Ana");
	assert_string_equal(u.week_of, "2025-11-10");
	/* worked on: both standards of the week, in the catalog's words */
	assert_int_equal(u.nworked, 2);
	const struct standard *nf1 = standards_find("3.NF.A.1"), *nf3 = standards_find("3.NF.A.3");
	bool saw1 = false, saw3 = false;
	for (size_t i = 0; i < u.nworked; i++) {
		saw1 |= strcmp(u.worked[i], nf1->family_description) == 0;
		saw3 |= strcmp(u.worked[i], nf3->family_description) == 0;
	}
	assert_true(saw1 && saw3);
	/* improved: 3.NF.A.1 went from wrong answers to right ones */
	assert_int_equal(u.nimproved, 1);
	assert_string_equal(u.improved[0], nf1->family_description);
	/* next: the weakest of the unit (3.NF.A), comparing fractions */
	assert_string_equal(u.next, nf3->family_description);
	assert_string_equal(u.next_why,
			    TR(es, "the skill in this unit that needs the most practice now"));
	/* the at-home activity for that cluster, in Spanish */
	assert_string_equal(u.activity_title, "Fracciones con comida");
	/* the tool, its approval and its privacy status in words */
	assert_int_equal(u.ntools, 1);
	assert_string_equal(u.tools[0].name, "Fraction Quest");
	assert_string_equal(u.tools[0].status, "aprobada por el distrito");
	assert_string_equal(u.tools[0].privacy, TR(es, "the company signed the district's "
						       "student privacy agreement"));
	assert_null(u.note);

	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	family_update_text(&u, &b);
	const char *text = buf_cstr(&b);
	assert_non_null(strstr(text, "Matemáticas de esta semana: Ana"));
	assert_non_null(strstr(text, "Lo que mejoró"));
	assert_non_null(strstr(text, "Para hacer en casa"));
	no_codes_or_numbers(text);
	buf_reset(&b);
	family_update_short(&u, &b);
	assert_true(b.len <= FAMILY_UPDATE_SHORT_MAX);
	assert_non_null(strstr(buf_cstr(&b), "Ana"));
	no_codes_or_numbers(buf_cstr(&b));

	/* the teacher's note, without a translation: in English, said so */
	assert_int_equal(teacher_note_save(f->db, f->d, "student", "s1", "2025-W46",
					   "  Ana explained her fraction strips to the class.  ", 1,
					   "Ms. Lee", NULL),
			 EB_OK);
	assert_int_equal(family_update_build(f->db, f->d, "s1", &f->week, es, &a, &u), EB_OK);
	assert_string_equal(u.note, "Ana explained her fraction strips to the class.");
	assert_string_equal(u.note_author, "Ms. Lee");
	assert_null(u.note_translated);
	buf_reset(&b);
	family_update_text(&u, &b);
	assert_non_null(strstr(buf_cstr(&b), "No se pudo traducir a su idioma"));
	/* with one stored: the translation, marked, and the original */
	struct teacher_note n;
	assert_int_equal(teacher_note_get(f->db, f->d, "student", "s1", "2025-W46", &a, &n), EB_OK);
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO teacher_note_translation VALUES (?1, ?2, 'es',"
				    " 'Ana explicó sus tiras de fracciones.', 'apertium', 0)",
				    DB_ARGS(DB_INT(f->d), DB_INT(n.id)), NULL),
			 EB_OK);
	assert_int_equal(family_update_build(f->db, f->d, "s1", &f->week, es, &a, &u), EB_OK);
	assert_string_equal(u.note_translated, "Ana explicó sus tiras de fracciones.");
	buf_reset(&b);
	family_update_text(&u, &b);
	assert_non_null(strstr(buf_cstr(&b), "Una computadora lo tradujo"));
	assert_non_null(strstr(buf_cstr(&b), "Ana explained her fraction strips"));
	/* saving it again drops the translation (it is of the old words) */
	assert_int_equal(teacher_note_save(f->db, f->d, "student", "s1", "2025-W46", "New words.",
					   1, "Ms. Lee", NULL),
			 EB_OK);
	assert_int_equal(family_update_build(f->db, f->d, "s1", &f->week, es, &a, &u), EB_OK);
	assert_null(u.note_translated);
	/* bad notes: nothing stored */
	char big[TEACHER_NOTE_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(
		teacher_note_save(f->db, f->d, "student", "s1", "2025-W46", big, 1, "x", NULL),
		EB_EINVAL);
	assert_int_equal(
		teacher_note_save(f->db, f->d, "student", "s1", "2025-W99", "x", 1, "x", NULL),
		EB_EINVAL);
	assert_int_equal(
		teacher_note_save(f->db, f->d, "school", "s1", "2025-W46", "x", 1, "x", NULL),
		EB_EINVAL);
	assert_int_equal(teacher_note_save(f->db, f->d, "student", "s1", "2025-W46", "\xff\xfe", 1,
					   "x", NULL),
			 EB_EINVAL);
	assert_int_equal(teacher_note_get(f->db, f->d, "student", "s1", "2025-W46", &a, &n), EB_OK);
	assert_string_equal(n.body, "New words.");

	/* another child, no practice at all: says so, suggests nothing */
	assert_int_equal(family_update_build(f->db, f->d, "s2", &f->week, NULL, &a, &u), EB_OK);
	assert_int_equal(u.nworked, 0);
	assert_null(u.next);
	buf_reset(&b);
	family_update_text(&u, &b);
	assert_non_null(strstr(buf_cstr(&b), "Ben did not practice"));
	/* a student not in the roster */
	assert_int_equal(family_update_build(f->db, f->d, "nobody", &f->week, NULL, &a, &u),
			 EB_ENOTFOUND);
	buf_free(&b);
	arena_free(&a);
}

/* Arabic and the rest: the product's words translated, the update whole. */
static void update_in_every_language(void **state)
{
	struct fx *f = *state;
	struct arena a;
	arena_init(&a);
	for (size_t l = 0; l < i18n_count(); l++) {
		struct family_update u;
		assert_int_equal(
			family_update_build(f->db, f->d, "s1", &f->week, i18n_at(l), &a, &u),
			EB_OK);
		struct buf b = BUF_INIT;
		buf_init(&b, 0);
		family_update_text(&u, &b);
		assert_false(buf_failed(&b));
		no_codes_or_numbers(buf_cstr(&b));
		if (l)
			assert_null(strstr(buf_cstr(&b), "Math this week"));
		buf_free(&b);
	}
	arena_free(&a);
}

/* ---- translation engines ------------------------------------------------- */

static void translate_config(void **state)
{
	struct fx *f = *state;
	struct translate_config c;
	assert_int_equal(translate_config_get(f->db, f->d, &c), EB_OK);
	assert_string_equal(c.endpoint, "");
	static const char *const bad[] = { "ftp://x.example", "translate.example", "https://",
					   "https://x.example/?q=1", "https://a b.example" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(translate_config_set(f->db, f->d, bad[i], NULL, 0), EB_EINVAL);
	assert_int_equal(translate_config_set(f->db, f->d, "http://127.0.0.1:5000/", "k", 99),
			 EB_EINVAL);
	assert_int_equal(translate_config_set(f->db, f->d, "http://127.0.0.1:5000/", "k", 500),
			 EB_OK);
	assert_int_equal(translate_config_get(f->db, f->d, &c), EB_OK);
	assert_string_equal(c.endpoint, "http://127.0.0.1:5000");
	assert_string_equal(c.api_key, "k");
	assert_int_equal(c.timeout_ms, 500);
	assert_int_equal(translate_config_set(f->db, f->d, NULL, NULL, 0), EB_OK);
	assert_int_equal(translate_config_get(f->db, f->d, &c), EB_OK);
	assert_string_equal(c.endpoint, "");
	/* nothing translates into English, nor without an engine */
	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	enum translate_engine used;
	assert_int_equal(translate_text(&c, i18n_english(), "Hello", &b, &used), EB_ENOTSUP);
	assert_int_equal(translate_text(&c, i18n_find("ko"), "Hello", &b, &used), EB_ENOTSUP);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static bool have_apertium(void)
{
	const char *path = getenv("PATH");
	char dir[4096];
	for (const char *p = path; p && *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s/apertium", (int)n, p);
		if (access(dir, X_OK) == 0 &&
		    access("/usr/share/apertium/modes/eng-spa.mode", R_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static void apertium_for_real(void **state)
{
	if (!have_apertium()) {
		print_message("apertium with apertium-eng-spa is not installed "
			      "(scripts/install-deps.sh installs it)\n");
		skip();
	}
	struct translate_config c = { .timeout_ms = 30000 };
	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	enum translate_engine used = TRANSLATE_LIBRETRANSLATE;
	assert_int_equal(translate_text(&c, i18n_find("es"),
					"Your child worked hard this week.\nThank you!", &b, &used),
			 EB_OK);
	assert_int_equal(used, TRANSLATE_APERTIUM);
	print_message("apertium: %s\n", buf_cstr(&b));
	assert_non_null(strstr(buf_cstr(&b), "semana"));
	assert_null(strchr(buf_cstr(&b), '\n'));
	buf_free(&b);
}

/* A program that hangs: the deadline kills it, and the note stays
 * untranslated; one that fails: the same. */
static void apertium_timeout_and_failure(void **state)
{
	char dir[] = "/tmp/test_apertium_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char hang[64], fails[64];
	snprintf(hang, sizeof hang, "%s/hang", dir);
	snprintf(fails, sizeof fails, "%s/fails", dir);
	FILE *h = fopen(hang, "w");
	fputs("#!/bin/sh\nexec sleep 30\n", h);
	fclose(h);
	h = fopen(fails, "w");
	fputs("#!/bin/sh\ncat >/dev/null\necho broken >&2\nexit 3\n", h);
	fclose(h);
	chmod(hang, 0700);
	chmod(fails, 0700);
	struct translate_config c = { .timeout_ms = 300 };
	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	enum translate_engine used;
	setenv("EDBRIDGE_APERTIUM", hang, 1);
	double t0 = time_mono();
	assert_int_equal(translate_text(&c, i18n_find("es"), "Hello", &b, &used), EB_EIO);
	assert_true(time_mono() - t0 < 5);
	setenv("EDBRIDGE_APERTIUM", fails, 1);
	assert_int_equal(translate_text(&c, i18n_find("es"), "Hello", &b, &used), EB_EIO);
	setenv("EDBRIDGE_APERTIUM", "/nonexistent/apertium", 1);
	assert_int_equal(translate_text(&c, i18n_find("es"), "Hello", &b, &used), EB_ENOTSUP);
	unsetenv("EDBRIDGE_APERTIUM");
	assert_int_equal(b.len, 0);
	buf_free(&b);
	unlink(hang);
	unlink(fails);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_threads_two_languages), /* first: loads in the race */
		cmocka_unit_test(mo_reader),
		cmocka_unit_test(conversions),
		cmocka_unit_test(finding_languages),
		cmocka_unit_test(catalogues_complete),
		cmocka_unit_test(iso_weeks),
		cmocka_unit_test(every_cluster_has_an_activity),
		cmocka_unit_test_setup_teardown(family_language, setup, teardown),
		cmocka_unit_test_setup_teardown(update_of_a_known_child, setup, teardown),
		cmocka_unit_test_setup_teardown(update_in_every_language, setup, teardown),
		cmocka_unit_test_setup_teardown(translate_config, setup, teardown),
		cmocka_unit_test(apertium_for_real),
		cmocka_unit_test(apertium_timeout_and_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
