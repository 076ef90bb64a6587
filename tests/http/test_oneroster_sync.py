"""Black-box: `edbridge sync oneroster` against the local OneRoster REST provider
(tests/http/oneroster_server.py) serving the fixture and the shared sample sets over
HTTPS with a test CA: 1.1 and 1.2 paths, paging edges, a 500 midway (retried; when it
persists nothing is applied and the reason is recorded), an expired token midway, a slow
answer, the delta sync, a saved source re-run and serve's nightly run, secrets kept out
of argv, output and the database, bad URL and bad credentials refused with nothing
stored. docs/oneroster_sync.md."""
import datetime
import os
import re
import subprocess
import time
import unittest
import zoneinfo

from ebtest import (BIN, FIXTURES, PASSWORD, SHARED, Server, TempDir, db_arg, db_dump, db_env,
                    db_execute, run)
from oneroster_server import OneRosterServer
from test_sso import make_pki

SECRET = "sis-secret-1"
GOOD11 = os.path.join(FIXTURES, "oneroster", "good_v11")
V12 = os.path.join(SHARED, "oneroster", "oneroster_test_data.zip")


class SyncTest(TempDir):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.pki_dir = tempfile.mkdtemp(prefix="ebpki-")
        cls.ca, cls.cert, cls.key = make_pki(cls.pki_dir)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.pki_dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.tmp, "t.db")
        run("init", "--district", "Alder County Schools", db=self.db)

    def provider(self, data=GOOD11, **kw):
        return OneRosterServer(data, cert=self.cert, key=self.key, **kw)

    def sync(self, srv, *extra, secret=SECRET, client_id="sis-client", url=None):
        args = ["sync", "oneroster", "--url", url or srv.url, "--client-id", client_id,
                "--ca-file", self.ca] + list(extra)
        return run(*args, db=self.db, input=secret + "\n", check=False)

    def q(self, sql, *args):
        return db_execute(self.db, sql, args)

    def ids(self, table):
        return sorted(r[0] for r in self.q(f"SELECT sourced_id FROM {table}"))

    def roster(self):
        return {t: self.ids(t) for t in ("org", "academic_session", "course", "class",
                                          "person", "enrollment")}

    # --- the happy paths ---------------------------------------------------------

    def test_full_sync_over_https_equals_the_csv_import_1_1(self):
        with self.provider() as srv:
            p = self.sync(srv)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("users.csv: 5 rows, 5 added, 0 changed, 0 deleted\n", p.stdout)
        self.assertIn("import_run: 1 (OneRoster 1.1, full sync, 19 objects)", p.stdout)
        synced = self.roster()
        other = os.path.join(self.tmp, "csv.db")
        run("init", "--district", "Alder County Schools", db=other)
        run("import", "oneroster", GOOD11, db=other)
        for table, got in synced.items():
            want = sorted(r[0] for r in db_execute(other, f"SELECT sourced_id FROM {table}"))
            self.assertEqual(got, want, table)
        self.assertEqual(
            self.q("SELECT given_name, home_language, english_learner FROM person"
                   " WHERE sourced_id = 'u-s1'"),
            db_execute(other, "SELECT given_name, home_language, english_learner FROM person"
                       " WHERE sourced_id = 'u-s1'"))
        # the bearer token travelled, the 1.1 paths were used
        self.assertTrue(all(p_.startswith("/ims/oneroster/v1p1/") for p_, _ in srv.requests))

    def test_full_sync_1_2_paths_and_roles(self):
        with self.provider(V12) as srv:
            self.assertEqual(srv.version, "1.2")
            p = self.sync(srv)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        self.assertIn("(OneRoster 1.2, full sync", p.stdout)
        self.assertTrue(all(p_.startswith("/ims/oneroster/rostering/v1p2/")
                            for p_, _ in srv.requests))
        self.assertGreater(len(self.ids("person")), 0)
        self.assertGreater(len(self.q("SELECT * FROM person_role")), 0)

    # --- paging edges ------------------------------------------------------------

    def paged(self, users, page, **switches):
        with self.provider() as srv:
            base = srv.collections["users"][0]
            srv.collections["users"] = [
                dict(base, sourcedId=f"u-x{i}", username=f"x{i}", identifier=f"X{i}",
                     agents=[]) for i in range(users)]
            srv.collections["enrollments"] = []
            for k, v in switches.items():
                setattr(srv, k, v)
            p = self.sync(srv, "--page-size", str(page))
            reqs = [q for p_, q in srv.requests if p_.endswith("/users")]
        return p, reqs

    def test_paging_total_is_a_multiple_of_the_limit(self):
        p, reqs = self.paged(6, 3)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("person")), 6)
        self.assertEqual(len(reqs), 2)  # X-Total-Count says when to stop
        self.assertIn("limit=3&offset=3", reqs[1])

    def test_paging_total_is_a_multiple_of_the_limit_plus_one(self):
        p, reqs = self.paged(7, 3)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("person")), 7)
        self.assertEqual(len(reqs), 3)

    def test_paging_without_total_stops_on_a_short_or_empty_page(self):
        p, reqs = self.paged(6, 3, total_header=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("person")), 6)
        self.assertEqual(len(reqs), 3)  # the third page is empty
        p, reqs = self.paged(7, 3, total_header=False)
        self.assertEqual(len(self.ids("person")), 7)
        self.assertEqual(len(reqs), 3)  # the third page is short

    def test_paging_a_server_that_caps_the_limit(self):
        # asked 1000, given 2 per page: the total keeps the client reading
        p, reqs = self.paged(5, 1000, page_cap=2)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("person")), 5)
        self.assertEqual(len(reqs), 3)

    def test_paging_follows_link_next(self):
        p, reqs = self.paged(5, 2, total_header=False, link_header=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("person")), 5)
        self.assertEqual(len(reqs), 3)

    def test_empty_collection(self):
        with self.provider() as srv:
            srv.collections["demographics"] = []
            p = self.sync(srv)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("demographics 0", p.stdout)

    # --- faults --------------------------------------------------------------------

    def test_a_500_midway_is_retried_with_back_off(self):
        with self.provider() as srv:
            srv.fail = {"users": 2}
            srv.fail_times = 2
            srv.retry_after = 0
            p = self.sync(srv, "--page-size", "2")
            self.assertEqual(srv.fails_sent, 2)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 retries", p.stdout)
        self.assertEqual(len(self.ids("person")), 5)

    def test_a_500_midway_that_persists_applies_nothing_and_records_why(self):
        with self.provider() as srv:
            p = self.sync(srv, "--save")
            self.assertEqual(p.returncode, 0, p.stderr)
            before = self.roster()
            # the SIS changes, then fails on the second page of users
            u = dict(srv.collections["users"][0], givenName="Changed")
            srv.set("users", u)
            srv.set("orgs", dict(srv.collections["orgs"][0], sourcedId="new-org", name="N"))
            srv.fail = {"users": 2}
            srv.retry_after = 0
            t0 = time.time()
            p = self.sync(srv, "--page-size", "2")
            took = time.time() - t0
            self.assertEqual(p.returncode, 1)
            self.assertIn("users?limit=2&offset=2: HTTP 500 (after 5 tries)", p.stderr)
            self.assertEqual(self.roster(), before)
            # the saved source (pages of 1000): users fail after four collections
            srv.fail = {"users": 0}
            p = run("sync", "oneroster", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("HTTP 500 (after 5 tries)", p.stderr)
        self.assertEqual(self.roster(), before)  # not even the orgs fetched before
        self.assertEqual(self.q("SELECT given_name FROM person WHERE sourced_id = 'u-t1'"),
                         [("Tara",)])
        runs = self.q("SELECT mode, ok, actor_label, reason FROM roster_sync_run ORDER BY id")
        self.assertEqual(runs[-1][:3], ("full", 0, "command line"))
        self.assertIn("HTTP 500", runs[-1][3])
        self.assertLess(took, 20)  # Retry-After: 0 honoured, waits capped

    def test_a_truncated_roster_is_stopped_by_the_large_removal_guard(self):
        with self.provider() as srv:
            self.assertEqual(self.sync(srv, "--save").returncode, 0)
            srv.collections["enrollments"] = srv.collections["enrollments"][:2]
            p = run("sync", "oneroster", db=self.db, check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("would remove more than the allowed share", p.stderr)
            self.assertEqual(len(self.ids("enrollment")), 5)
            reason = self.q("SELECT reason FROM roster_sync_run ORDER BY id DESC")[0][0]
            self.assertIn("--allow-large-removal", reason)
            p = run("sync", "oneroster", "--allow-large-removal", db=self.db, check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(self.ids("enrollment")), 2)

    def test_bad_rows_are_set_aside_and_the_rest_applied(self):
        with self.provider() as srv:
            srv.collections["users"][0]["enabledUser"] = "maybe"
            p = self.sync(srv)
            self.assertEqual(p.returncode, 3, p.stderr)
            self.assertIn("set aside", p.stdout)
            self.assertIn("enabledUser", p.stdout + p.stderr)
            self.assertEqual(len(self.ids("person")), 4)
            p = self.sync(srv, "--strict")
            self.assertEqual(p.returncode, 1)
            self.assertIn("nothing was stored", p.stderr)

    def test_an_expired_token_midway_is_fetched_again(self):
        with self.provider() as srv:
            srv.expire_after = 3
            p = self.sync(srv, "--page-size", "2")
            self.assertEqual(srv.token_requests, 2)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 tokens", p.stdout)
        self.assertEqual(len(self.ids("person")), 5)

    def test_a_slow_answer_times_out_and_nothing_is_stored(self):
        with self.provider() as srv:
            srv.slow_ms = 2500
            p = self.sync(srv, "--timeout", "1", "--retries", "1")
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"[Tt]imeout|timed out")
        self.assertEqual(self.ids("person"), [])

    # --- delta and saved sources ---------------------------------------------------

    def test_delta_sync_sends_the_filter_and_applies_changes_and_deletions(self):
        with self.provider() as srv:
            p = self.sync(srv, "--save", "--hour", "3")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("saved: source 1 (nightly at 03:00)", p.stdout)
            last = self.q("SELECT last_full_at FROM roster_source")[0][0]
            self.assertGreater(last, 0)
            later = "2099-01-01T00:00:00Z"
            u = dict(next(o for o in srv.collections["users"] if o["sourcedId"] == "u-s2"),
                     givenName="Bea", dateLastModified=later)
            srv.set("users", u)
            e = dict(next(o for o in srv.collections["enrollments"]
                          if o["sourcedId"] == "e3"),
                     status="tobedeleted", dateLastModified=later)
            srv.set("enrollments", e)
            srv.requests.clear()
            # one of the fixture's five enrollments is 20 %: past the guard
            p = run("sync", "oneroster", "--delta", db=self.db, check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("e3", self.ids("enrollment"))
            srv.requests.clear()
            p = run("sync", "oneroster", "--delta", "--allow-large-removal", db=self.db,
                    check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("delta sync, 2 objects", p.stdout)
            flt = [q for _, q in srv.requests if "filter=" in q]
            self.assertEqual(len(flt), 7)
            self.assertRegex(flt[0], r"filter=dateLastModified%3E%27\d{4}-\d\d-\d\dT")
        self.assertEqual(self.q("SELECT given_name FROM person WHERE sourced_id='u-s2'"),
                         [("Bea",)])
        self.assertNotIn("e3", self.ids("enrollment"))
        self.assertEqual(len(self.ids("enrollment")), 4)
        self.assertEqual([r[:2] for r in self.q("SELECT mode, ok FROM roster_sync_run"
                                                 " ORDER BY id")],
                         [("full", 1), ("delta", 0), ("delta", 1)])
        self.assertGreater(self.q("SELECT last_delta_at FROM roster_source")[0][0], 0)

    def test_saved_source_rerun_and_list(self):
        with self.provider() as srv:
            p = self.sync(srv, "--save")
            self.assertEqual(p.returncode, 0, p.stderr)
            srv.collections["users"] = [o for o in srv.collections["users"]
                                        if o["sourcedId"] != "u-g2"]
            p = run("sync", "oneroster", "--source", "1", db=self.db, check=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("users.csv: 4 rows, 0 added, 0 changed, 1 deleted", p.stdout)
            p = run("sync", "oneroster", "--list", db=self.db)
            self.assertRegex(p.stdout, r"^1\t" + re.escape(srv.url) +
                             r"\tOneRoster 1.1\tclient sis-client\tnightly at 02:00\t")
        p = run("sync", "oneroster", "--source", "9", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no saved source", p.stderr)

    def test_serve_runs_the_saved_source_at_its_hour(self):
        with self.provider() as srv:
            zone = self.q("SELECT time_zone FROM district WHERE id = 1")[0][0]
            hour = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).hour
            p = self.sync(srv, "--save", "--hour", str(hour))
            self.assertEqual(p.returncode, 0, p.stderr)
            with Server(self.db):
                deadline = time.time() + 20
                while time.time() < deadline:
                    rows = self.q("SELECT actor_label, ok FROM roster_sync_run"
                                  " WHERE actor_label = 'scheduled sync'")
                    if rows:
                        break
                    time.sleep(0.3)
            self.assertEqual(rows, [("scheduled sync", 1)])
            # once a night: a second server the same day does not run it again
            with Server(self.db):
                time.sleep(2)
            self.assertEqual(len(self.q("SELECT * FROM roster_sync_run"
                                        " WHERE actor_label = 'scheduled sync'")), 1)

    def test_admin_page_sync_now_and_last_runs(self):
        run("user", "add", "--login", "admin", "--role", "district_admin", "--scope",
            "district", "--name", "Dana Admin", db=self.db, input=PASSWORD + "\n")
        with self.provider() as srv:
            p = self.sync(srv, "--save")
            self.assertEqual(p.returncode, 0, p.stderr)
            with Server(self.db) as web:
                c = web.client()
                self.assertEqual(c.login("admin").status, 303)
                r = c.get("/admin/roster-sync")
                self.assertEqual(r.status, 200)
                self.assertIn(srv.url, r.text)
                self.assertIn("Set (sealed, never shown)", r.text)
                self.assertNotIn(SECRET, r.text)
                self.assertIn("command line", r.text)
                self.assertIn(">Sync now</button>", r.text)
                self.assertIn('href="/admin/roster-sync"', c.get("/admin/district").text)
                r = c.post("/admin/roster-sync/1/run", {"mode": "delta"})
                self.assertEqual(r.status, 202, r.text)
                self.assertIn("The sync started", r.text)
                deadline = time.time() + 20
                rows = []
                while time.time() < deadline and not rows:
                    rows = self.q("SELECT mode, ok, actor_label, actor_account_id"
                                  " FROM roster_sync_run WHERE actor_label = 'Dana Admin'")
                    time.sleep(0.2)
                self.assertEqual(rows, [("delta", 1, "Dana Admin", 1)])
                r = c.get("/admin/roster-sync")
                self.assertIn("Dana Admin", r.text)
                self.assertIn("Changes only", r.text)
                self.assertEqual(c.post("/admin/roster-sync/7/run", {}).status, 404)
        self.assertEqual(self.q("SELECT action, subject_type FROM audit_log"
                                " WHERE action = 'sync'"), [("sync", "roster_source")])

    # --- secrets and bad input ---------------------------------------------------------

    def test_secret_never_in_argv_output_log_or_database(self):
        secret = "Zq-very-secret-7731"
        with OneRosterServer(GOOD11, client_secret=secret, cert=self.cert,
                             key=self.key) as srv:
            srv.slow_ms = 300
            proc = subprocess.Popen(
                [BIN, "sync", "oneroster", "--url", srv.url, "--client-id", "sis-client",
                 "--ca-file", self.ca, "--save", "--db", db_arg(self.db)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, env=db_env(self.db))
            proc.stdin.write(secret + "\n")
            proc.stdin.flush()
            time.sleep(0.8)
            with open(f"/proc/{proc.pid}/cmdline", "rb") as f:
                self.assertNotIn(secret.encode(), f.read())
            out, err = proc.communicate(timeout=60)
            self.assertEqual(proc.returncode, 0, err)
            self.assertNotIn(secret, out + err)
            # a failing run does not say it either
            srv.fail = {"users": 0}
            srv.retry_after = 0
            p = run("sync", "oneroster", "--delta", db=self.db, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertNotIn(secret, p.stdout + p.stderr)
        self.assertNotIn(secret.encode(), db_dump(self.db))
        sealed = self.q("SELECT client_secret_sealed FROM roster_source")[0][0]
        self.assertTrue(sealed.startswith("ebv1:"))
        for r in self.q("SELECT reason FROM roster_sync_run"):
            self.assertNotIn(secret, r[0])

    def test_secret_from_a_file(self):
        f = os.path.join(self.tmp, "secret")
        with open(f, "w") as fh:
            fh.write(SECRET + "\n")
        with self.provider() as srv:
            p = run("sync", "oneroster", "--url", srv.url, "--client-id", "sis-client",
                    "--ca-file", self.ca, "--client-secret-file", f, db=self.db, check=False)
        self.assertEqual(p.returncode, 0, p.stderr)

    def assert_nothing_stored(self):
        self.assertEqual(self.ids("person"), [])
        self.assertEqual(self.q("SELECT count(*) FROM roster_source"), [(0,)])
        self.assertEqual(self.q("SELECT count(*) FROM import_run"), [(0,)])

    def test_bad_credentials_clear_error_nothing_stored(self):
        with self.provider() as srv:
            p = self.sync(srv, "--save", secret="wrong")
        self.assertEqual(p.returncode, 1)
        self.assertIn("the provider refused the client id or secret (HTTP 401", p.stderr)
        self.assert_nothing_stored()

    def test_bad_url_clear_error_nothing_stored(self):
        cases = [
            ("ftp://127.0.0.1/x", "url: must be https"),
            ("http://sis.example.org/ims/oneroster/v1p1", "url: must be https"),
            ("https://user:pw@127.0.0.1/x", "credentials in the URL are refused"),
            ("not a url", "url: not a URL"),
            ("https://127.0.0.1:9/ims/oneroster/v1p1", "token endpoint unreachable"),
        ]
        for url, why in cases:
            p = run("sync", "oneroster", "--url", url, "--client-id", "c", "--save",
                    "--retries", "0", db=self.db, input="s\n", check=False)
            self.assertEqual(p.returncode, 1, url)
            self.assertIn(why, p.stderr, url)
        self.assert_nothing_stored()

    def test_untrusted_certificate_is_refused(self):
        with self.provider() as srv:
            p = run("sync", "oneroster", "--url", srv.url, "--client-id", "sis-client",
                    "--retries", "0", db=self.db, input=SECRET + "\n", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("token endpoint unreachable", p.stderr)
        self.assert_nothing_stored()

    def test_usage(self):
        p = run("sync", "oneroster", "--url", "https://x.org", db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--client-id is required", p.stderr)
        p = run("sync", "oneroster", "--url", "https://x.org", "--client-id", "c",
                db=self.db, input="", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the client secret is required", p.stderr)
        p = run("sync", "oneroster", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no saved source", p.stderr)
        self.assertEqual(run("sync", "oneroster", "--help").returncode, 0)
        self.assertEqual(run("sync", "nothing", check=False).returncode, 2)


if __name__ == "__main__":
    unittest.main()
