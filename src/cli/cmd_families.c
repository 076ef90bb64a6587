/* `edbridge families translator|languages|update|link|letters` - families in
 * their own language (docs/i18n.md, docs/family_updates.md); send, reach,
 * settings and contact are in cmd_families_send.c (families_send.h). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/families_send.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_link.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/letter.h"
#include "domain/translate.h"
#include "store/db.h"
#include "web/letter_pdf.h"

static const char usage[] =
	"usage: edbridge families translator --endpoint URL [--api-key-stdin] [--timeout-ms N]\n"
	"       edbridge families translator --off\n"
	"       edbridge families languages\n"
	"       edbridge families update --student SOURCEDID [--week YYYY-Www] [--lang TAG]\n"
	"                               [--short]\n"
	"       edbridge families link --guardian SOURCEDID --student SOURCEDID\n"
	"                               --public-url URL\n"
	"%s"
	"       edbridge families letters --out FILE.pdf [--public-url URL] [--school SOURCEDID]\n"
	"                               [--all] [--week YYYY-Www] [--paper us|a4]\n"
	"       (each also takes [--db FILE] [--district-id N])\n\n"
	"translator: the district's LibreTranslate-compatible endpoint (POST URL/translate),\n"
	"  which translates teachers' notes into the languages Apertium (Spanish, offline)\n"
	"  does not; --api-key-stdin reads its key from standard input; --timeout-ms per\n"
	"  call (100..60000, default 15000). --off removes it.\n"
	"languages: the district's guardians by the language edbridge reaches them in\n"
	"  (`LANG: N` lines), and `fallback: N` for those whose roster language has no\n"
	"  translation yet (they read English), with those languages.\n"
	"update: the weekly family update of one student as plain text (or --short, the\n"
	"  text message), in --lang (default: the family's language), for --week (default:\n"
	"  this week in the district's time zone).\n"
	"link: a single-use sign-in link (7 days) for a guardian to one child's page, for\n"
	"  a family that needs one now; makes the family's account when it has none\n"
	"  (audited). --public-url: the address families use, as `serve --public-url`.\n"
	"send: queues the week's family messages (one per family and channel; again for\n"
	"  the same week, nothing new) and sends the email and text messages; prints\n"
	"  `email: N`, `sms: N` (sent now), `letter: N` (queued for printing) and\n"
	"  `unreachable: N`, and a line per guardian whose contacts are not usable.\n"
	"  --dry-run: what would be queued, nothing stored or sent.\n"
	"reach: the share of families reached by at least one channel in a week\n"
	"  (`reached_share: 0.xx`), and who was not, why, per school and language;\n"
	"  the families without home internet and the hotspots lent to them\n"
	"  (`no_home_internet: N`, `with_hotspot: N`, docs/devices.md).\n"
	"settings: the district's mail server, text-message provider, quiet hours,\n"
	"  country code, public address and weekly send time (secrets from stdin).\n"
	"contact: a guardian's usable contacts; --opt-out/--opt-in a channel for them,\n"
	"  --paper yes|no (letters even with an email).\n"
	"letters: the printed letters (PDF, one page per family and school, in the\n"
	"  family's language, with a QR code of a sign-in link per child that works once\n"
	"  for 30 days) of the families that need paper (no usable email or phone, asked\n"
	"  for paper, or a letter queued by `send` for the week), or of every family with\n"
	"  --all (never one that opted out of letters); of one school with --school, else\n"
	"  every school in turn; sorted by class then child. Prints `letters: N`,\n"
	"  `pages: N` and `outbox_printed: N` (the week's queued letters now marked\n"
	"  printed). FILE appears only when complete; no link is kept for letters not\n"
	"  written. --public-url: default the district's setting (`families settings`).\n";

static void print_usage(FILE *f)
{
	fprintf(f, usage, families_send_usage);
}

static const struct audit_actor cli_actor = { 0, "cli", "" };

static int translator(int argc, char **argv, struct db *db, int64_t d)
{
	const char *endpoint = cli_opt(argc, argv, "--endpoint");
	bool off = cli_flag(argc, argv, "--off");
	int64_t timeout;
	char key[TRANSLATE_KEY_MAX] = "";
	if (!off && !endpoint) {
		fprintf(stderr, "families translator: --endpoint URL or --off is required\n");
		return 2;
	}
	if (cli_opt_int(argc, argv, "--timeout-ms", 100, 60000, TRANSLATE_TIMEOUT_MS, &timeout))
		return 2;
	if (cli_flag(argc, argv, "--api-key-stdin")) {
		if (!fgets(key, sizeof key, stdin)) {
			fprintf(stderr, "families translator: no API key on standard input\n");
			return 2;
		}
		key[strcspn(key, "\r\n")] = '\0';
	}
	enum eb_err rc = translate_config_set(db, d, off ? NULL : endpoint, key, (int)timeout);
	if (rc == EB_EINVAL) {
		fprintf(stderr,
			"families translator: --endpoint: '%s' is not an address such as"
			" https://translate.example.org (http or https, no query)\n",
			endpoint);
		return 2;
	}
	if (rc) {
		fprintf(stderr, "families translator: %s\n", eb_strerror(rc));
		return 1;
	}
	audit_record(db, d, &cli_actor, "update", "district", "translation",
		     off ? "note translation endpoint removed" : "note translation endpoint set");
	printf(off ? "translator: off\n" : "translator: %s\n", endpoint);
	return 0;
}

static int languages(struct db *db, int64_t d)
{
	struct family_lang_census c;
	if (family_lang_census(db, d, &c)) {
		fprintf(stderr, "families languages: could not read the roster\n");
		return 1;
	}
	printf("guardians: %ld\n", c.guardians);
	for (size_t i = 0; i < i18n_count() && i < FAMILY_LANG_MAX; i++)
		printf("%s: %ld\n", i18n_at(i)->tag, c.per_lang[i]);
	printf("fallback: %ld\n", c.fallback);
	for (size_t i = 0; i < c.nunknown; i++)
		printf("fallback %s: %ld\n", c.unknown[i].tag, c.unknown[i].n);
	return 0;
}

static int update(int argc, char **argv, struct db *db, int64_t d)
{
	const char *sid = cli_opt(argc, argv, "--student"), *wq = cli_opt(argc, argv, "--week");
	const char *lq = cli_opt(argc, argv, "--lang");
	if (!sid) {
		fprintf(stderr, "families update: --student SOURCEDID is required\n");
		return 2;
	}
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(db, d, zname, sizeof zname) == EB_OK)
		z = tz_get(zname);
	struct family_week w;
	if (wq && family_week_parse(wq, z, &w)) {
		fprintf(stderr, "families update: --week: '%s' is not a week such as 2026-W47\n",
			wq);
		return 2;
	}
	if (!wq)
		family_week_of(time_now(), z, &w);
	const struct i18n_lang *lang = NULL;
	if (lq && !(lang = i18n_find(lq))) {
		fprintf(stderr, "families update: --lang: edbridge has no translation for '%s'\n",
			lq);
		return 2;
	}
	if (!lang) {
		struct family_lang fl;
		family_lang_of_guardian(db, d, NULL, sid, &fl);
		lang = fl.lang;
	}
	struct arena a;
	arena_init(&a);
	struct family_update u;
	enum eb_err rc = family_update_build(db, d, sid, &w, lang, &a, &u);
	if (rc) {
		fprintf(stderr, "families update: %s\n",
			rc == EB_ENOTFOUND ? "no such student in the roster" : eb_strerror(rc));
		arena_free(&a);
		return 1;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	if (cli_flag(argc, argv, "--short"))
		family_update_short(&u, &b);
	else
		family_update_text(&u, &b);
	fputs(buf_cstr(&b), stdout);
	if (b.len && b.data[b.len - 1] != '\n')
		putchar('\n');
	buf_free(&b);
	arena_free(&a);
	return 0;
}

static int link(int argc, char **argv, struct db *db, int64_t d)
{
	const char *g = cli_opt(argc, argv, "--guardian");
	const char *sid = cli_opt(argc, argv, "--student");
	const char *base = cli_opt(argc, argv, "--public-url");
	if (!g || !sid || !base) {
		fprintf(stderr,
			"families link: --guardian, --student and --public-url are required\n");
		return 2;
	}
	if (!str_site_url_len(base, 200)) {
		fprintf(stderr, "families link: --public-url: '%s' is not an http(s) address\n",
			base);
		return 2;
	}
	char token[64], url[512];
	enum eb_err rc = family_link_issue(db, d, g, sid, FAMILY_LINK_STAFF, token);
	if (rc) {
		fprintf(stderr, "families link: %s\n",
			rc == EB_ENOTFOUND ? "the roster does not make this person a guardian of"
					     " this student"
					   : eb_strerror(rc));
		return 1;
	}
	if (!family_link_url(base, token, url, sizeof url)) {
		fprintf(stderr, "families link: --public-url is too long\n");
		return 2;
	}
	audit_record(db, d, &cli_actor, "issue_link", "student", sid,
		     "sign-in link for a guardian");
	puts(url);
	return 0;
}

static int letters(int argc, char **argv, struct db *db, int64_t d)
{
	const char *outp = cli_opt(argc, argv, "--out"),
		   *base = cli_opt(argc, argv, "--public-url");
	const char *school = cli_opt(argc, argv, "--school"), *wq = cli_opt(argc, argv, "--week");
	const char *pq = cli_opt(argc, argv, "--paper");
	bool all = cli_flag(argc, argv, "--all");
	/* the address families use: --public-url, else the district's setting */
	static struct delivery_settings ds;
	if (!base && delivery_get(db, d, &ds) == EB_OK && ds.public_url[0])
		base = ds.public_url;
	if (!outp || !base) {
		fprintf(stderr, "families letters: --out FILE.pdf is required, and --public-url URL"
				" when the district's settings have no public address\n");
		return 2;
	}
	if (!str_site_url_len(base, 200)) {
		fprintf(stderr, "families letters: --public-url: '%s' is not an http(s) address\n",
			base);
		return 2;
	}
	enum letter_paper paper = LETTER_PAPER_US;
	if (pq && !letter_paper_parse(pq, &paper)) {
		fprintf(stderr, "families letters: --paper: '%s' is not us or a4\n", pq);
		return 2;
	}
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(db, d, zname, sizeof zname) == EB_OK)
		z = tz_get(zname);
	struct family_week w;
	if (wq && family_week_parse(wq, z, &w)) {
		fprintf(stderr, "families letters: --week: '%s' is not a week such as 2026-W47\n",
			wq);
		return 2;
	}
	if (!wq)
		family_week_of(time_now(), z, &w);
	int64_t one;
	if (school && db_get_int(db,
				 "SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND"
				 " type='school'",
				 DB_ARGS(DB_INT(d), DB_TEXT(school)), &one)) {
		fprintf(stderr, "families letters: --school: the roster has no school '%s'\n",
			school);
		return 2;
	}
	/* the base without its trailing slashes (links read <base>/f/...) */
	char clean[DELIVERY_URL_MAX];
	snprintf(clean, sizeof clean, "%s", base);
	for (size_t n = strlen(clean); n > 0 && clean[n - 1] == '/'; n--)
		clean[n - 1] = '\0';
	struct arena a;
	arena_init(&a);
	struct letter_list list;
	int rc = 1;
	char tmp[4200] = "";
	FILE *f = NULL;
	if (letter_list(db, d, school, all, w.label, &a, &list)) {
		fprintf(stderr, "families letters: could not read the roster\n");
		goto out;
	}
	if (list.no_school)
		fprintf(stderr,
			"families letters: %ld families have no child in a class: no school to"
			" hand a letter to\n",
			list.no_school);
	if (!list.n) {
		printf("letters: 0\npages: 0\n");
		fprintf(stderr, "families letters: no family %s: %s not written\n",
			all ? "in the roster" : "needs a paper letter", outp);
		rc = 0;
		goto out;
	}
	/* the file appears only when complete: written beside, then renamed */
	if (snprintf(tmp, sizeof tmp, "%s.part", outp) >= (int)sizeof tmp ||
	    !(f = fopen(tmp, "wb"))) {
		fprintf(stderr, "families letters: --out: cannot write '%s'\n", outp);
		tmp[0] = '\0';
		goto out;
	}
	struct letter_pdf_run run = { 0 };
	enum eb_err e = db_begin(db);
	if (!e)
		e = letter_pdf_write(db, d, &list, &w, clean, paper, letter_pdf_sink_file, f, &run);
	if (fclose(f) != 0 && !e)
		e = EB_EIO;
	f = NULL;
	long marked = 0;
	if (!e)
		e = letter_mark_printed(db, d, w.label, &list, time_now(), &marked);
	if (!e) {
		char what[200];
		snprintf(what, sizeof what, "printed letters for %ld families (%s, %s)",
			 run.letters, school ? school : "every school", w.label);
		e = audit_record_students(db, d, &cli_actor, "export",
					  school ? "school" : "district",
					  school ? school : "letters", run.children, what);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		if (db_in_transaction(db))
			db_rollback(db);
		fprintf(stderr, "families letters: the letters could not be made: %s\n",
			e == EB_EINVAL ? "--public-url is too long" : eb_strerror(e));
		goto out;
	}
	/* after the commit: a file whose links were not kept never appears
	 * (links kept for a file that did not appear are never used: they
	 * expire) */
	if (rename(tmp, outp) != 0) {
		fprintf(stderr, "families letters: --out: cannot write '%s'\n", outp);
		goto out;
	}
	tmp[0] = '\0';
	printf("letters: %ld\npages: %ld\n", run.letters, run.pages);
	if (marked)
		printf("outbox_printed: %ld\n", marked);
	if (run.fallback)
		printf("english_fallback: %ld\n", run.fallback);
	rc = 0;
out:
	if (f)
		fclose(f);
	if (tmp[0])
		remove(tmp);
	arena_free(&a);
	return rc;
}

int cmd_families(int argc, char **argv)
{
	if (argc < 2 ||
	    (argv[1][0] == '-' && (cli_flag(argc, argv, "--help") || cli_flag(argc, argv, "-h")))) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	static const char *const subs[] = { "translator", "languages", "update",  "link",   "send",
					    "reach",	  "settings",  "contact", "letters" };
	int which = -1;
	for (int i = 0; i < 9; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			which = i;
	if (which < 0) {
		fprintf(stderr, "families: unknown subcommand '%s'\n", argv[1]);
		print_usage(stderr);
		return 2;
	}
	if (cli_flag(argc, argv, "--help") || cli_flag(argc, argv, "-h")) {
		print_usage(stdout);
		return 0;
	}
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	if (cli_district(argc, argv, db, &d) == EB_OK)
		rc = which == 0	  ? translator(argc, argv, db, d)
		     : which == 1 ? languages(db, d)
		     : which == 2 ? update(argc, argv, db, d)
		     : which == 3 ? link(argc, argv, db, d)
		     : which == 4 ? families_send(argc, argv, db, d)
		     : which == 5 ? families_reach(argc, argv, db, d)
		     : which == 6 ? families_settings(argc, argv, db, d)
		     : which == 7 ? families_contact(argc, argv, db, d)
				  : letters(argc, argv, db, d);
	db_close(db);
	return rc;
}
