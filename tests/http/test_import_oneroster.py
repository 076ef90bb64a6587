"""Black-box: `edbridge import oneroster` exit codes and output; the lenient
mode (rows set aside, rows waiting for a parent and linked later), the
large-removal guard, --strict, and the import history page (issue 17)."""
import csv
import io
import os
import shutil
import tempfile
import unittest
import zipfile

import ebtest
from ebtest import db_connect, db_dump

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "tests", "fixtures", "oneroster")
SHARED = os.path.join(ROOT, "..", "shared", "data", "oneroster")


def run(*args):
    return ebtest.run(*args, check=False)


class ImportOneRosterTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "t.db")
        p = run("init", "--district", "Test", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def test_import_and_reimport(self):
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("users.csv: 5 rows, 5 added, 0 changed, 0 deleted\n", p.stdout)
        self.assertIn("guardianship: 2 added, 0 deleted\n", p.stdout)
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db,
                "--district-id", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("users.csv: 5 rows, 0 added, 0 changed, 0 deleted\n", p.stdout)
        self.assertNotIn(b"Secr3t-pw", db_dump(self.db))

    def version(self):
        return ebtest.db_execute(
            self.db, "SELECT version FROM evaluation_inputs_version WHERE district_id = 1")[0][0]

    def test_import_bumps_the_evaluation_inputs_version(self):
        # on PostgreSQL the roster triggers wait during the import, which
        # bumps the version once (pg/049_roster_bulk.sql); after it they bump
        # per row again
        v0 = self.version()
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        v1 = self.version()
        self.assertGreater(v1, v0)
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db,
                "--district-id", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.version(), v1)  # nothing changed: no bump
        ebtest.db_execute(self.db, "UPDATE person SET given_name = 'Changed'"
                          " WHERE district_id = 1 AND role = 'student'")
        self.assertGreater(self.version(), v1)

    def count(self, table):
        con = db_connect(self.db)
        try:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            con.close()

    def test_strict_rejects_whole_file_as_before(self):
        p = run("import", "oneroster", os.path.join(FIX, "bad_orphan_and_bool"), "--db", self.db,
                "--strict")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertIn("users.csv:4:4: enabledUser: 'maybe' is not true or false\n", p.stderr)
        self.assertIn("import rejected: nothing was stored (2 errors)\n", p.stderr)
        self.assertEqual(self.count("person"), 0)
        self.assertEqual(self.count("roster_waiting"), 0)
        con = db_connect(self.db)
        self.assertEqual(con.execute("SELECT ok, mode FROM import_run").fetchall(), [(0, "strict")])
        con.close()

    def test_lenient_sets_aside_a_bad_row_and_keeps_orphans_waiting(self):
        p = run("import", "oneroster", os.path.join(FIX, "bad_orphan_and_bool"), "--db", self.db)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("set aside: users.csv:4: enabledUser: 'maybe' is not true or false "
                      "(sourcedId 'u-s2')\n", p.stdout)
        self.assertIn("waiting: enrollments.csv:7: 'e6' waits for user 'u-nobody'\n", p.stdout)
        self.assertIn("waiting: enrollments.csv:4: 'e3' waits for user 'u-s2'\n", p.stdout)
        self.assertIn("rows: 1 set aside, 3 waiting, 0 linked\n", p.stdout)
        self.assertIn("(exit status 3)", p.stdout)
        con = db_connect(self.db)
        # the sound rows are in, the bad and the waiting ones are not
        self.assertEqual(con.execute("SELECT count(*) FROM person WHERE sourced_id='u-s2'").fetchone()[0], 0)
        self.assertEqual(con.execute("SELECT count(*) FROM person").fetchone()[0], 4)
        self.assertEqual(con.execute("SELECT count(*) FROM enrollment").fetchone()[0], 3)
        self.assertEqual(sorted(r[0] for r in con.execute("SELECT sourced_id FROM roster_waiting")),
                         ["e3", "e5", "e6"])
        self.assertEqual(con.execute("SELECT kind, file, line, field, sourced_id FROM import_row"
                                     " WHERE kind='aside'").fetchall(),
                         [("aside", "users.csv", 4, "enabledUser", "u-s2")])
        con.close()
        # the corrected export: the waiting rows are superseded, the orphan dropped
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("1 row that waited for a parent is not in this full set; dropped", p.stderr)
        self.assertEqual(self.count("roster_waiting"), 0)
        self.assertEqual(self.count("person"), 5)

    def test_waiting_rows_are_linked_when_the_parent_arrives(self):
        tmp = os.path.join(self.tmp.name, "r")
        shutil.copytree(os.path.join(FIX, "good_v11"), tmp)
        # the first export lacks the course c2: class k2 and its enrollments wait
        with open(os.path.join(tmp, "courses.csv")) as f:
            courses = f.read()
        with open(os.path.join(tmp, "courses.csv"), "w") as f:
            f.write("".join(l for l in courses.splitlines(True) if not l.startswith("c2,")))
        p = run("import", "oneroster", tmp, "--db", self.db)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertIn("waiting: classes.csv:3: 'k2' waits for course 'c2'\n", p.stdout)
        self.assertIn("waits for class 'k2'\n", p.stdout)
        self.assertEqual(self.count("class"), 1)
        waiting = self.count("roster_waiting")
        self.assertGreaterEqual(waiting, 2)
        # a delta brings the course: everything that waited for it is linked
        delta = os.path.join(self.tmp.name, "delta")
        os.mkdir(delta)
        with open(os.path.join(delta, "manifest.csv"), "w") as f:
            f.write("propertyName,value\noneroster.version,1.1\nfile.courses,delta\n")
        c2 = [l for l in courses.splitlines(True) if l.startswith("c2,")][0]
        with open(os.path.join(delta, "courses.csv"), "w") as f:
            f.write(courses.splitlines(True)[0] + c2.replace("c2,,", "c2,active,", 1))
        p = run("import", "oneroster", delta, "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("linked: classes.csv 'k2' (it waited for course 'c2')\n", p.stdout)
        self.assertEqual(self.count("class"), 2)
        self.assertEqual(self.count("roster_waiting"), 0)
        con = db_connect(self.db)
        self.assertEqual(con.execute("SELECT n_linked FROM import_run ORDER BY id DESC").fetchone()[0], waiting)
        con.close()

    def test_large_removal_guard_on_a_truncated_export(self):
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        before = {t: self.count(t) for t in ("person", "class", "enrollment")}
        tmp = os.path.join(self.tmp.name, "cut")
        shutil.copytree(os.path.join(FIX, "good_v11"), tmp)
        # a truncated export: the last lines of classes.csv and enrollments.csv lost
        for name, keep in (("classes.csv", 2), ("enrollments.csv", 3)):
            with open(os.path.join(tmp, name)) as f:
                lines = f.read().splitlines(True)
            with open(os.path.join(tmp, name), "w") as f:
                f.write("".join(lines[:keep]))
        p = run("import", "oneroster", tmp, "--db", self.db)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("removal: this import would remove 1 of the district's 2 classes (50 %), "
                      "more than the 10 % a sync may remove without confirmation", p.stderr)
        self.assertIn("enrollments", p.stderr)
        self.assertIn("--allow-large-removal", p.stderr)
        self.assertIn("import rejected: nothing was stored", p.stderr)
        self.assertEqual({t: self.count(t) for t in before}, before)
        con = db_connect(self.db)
        self.assertEqual(con.execute("SELECT ok FROM import_run ORDER BY id DESC").fetchone()[0], 0)
        con.close()
        # --strict does not skip the guard
        p = run("import", "oneroster", tmp, "--db", self.db, "--strict")
        self.assertEqual(p.returncode, 1)
        self.assertEqual({t: self.count(t) for t in before}, before)
        # confirmed: applied
        p = run("import", "oneroster", tmp, "--db", self.db, "--allow-large-removal")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # one row is "1 row", on the command line and in the import history
        self.assertIn("classes.csv: 1 row, 0 added, 0 changed, 1 deleted\n", p.stdout)
        self.assertNotIn("1 rows", p.stdout)
        self.assertEqual(self.count("class"), 1)
        summary = ebtest.db_execute(self.db, "SELECT summary FROM import_run"
                                    " ORDER BY id DESC")[0][0]
        self.assertIn("classes.csv: 1 row, 0 added", summary)
        self.assertNotIn("1 rows", summary)

    @unittest.skipUnless(os.path.isdir(SHARED), "skipped: ../shared/data absent")
    def test_every_shared_sample_set_imports(self):
        deleted_class = [f"set aside: enrollments.csv:{n}: classSourcedId: 'cls-222-123478' is a "
                         f"class that this import deletes" for n in (5, 6, 7)]
        expect = {
            "oneroster_test_data.zip": (0, [], []),
            "Test_minimal_data_set.zip": (3, [], [
                "waiting: classes.csv:2: 'cls-222-123456' waits for course 'crs-222-2023-456-12345'",
                "waiting: classes.csv:3: 'cls-222-123478' waits for course 'crs-222-2023-456-23456'",
                "waiting: enrollments.csv:5: 'enr-t-222-12345-123232' waits for class 'cls-222-123478'",
                "rows: 0 set aside, 8 waiting, 0 linked"]),
            "Test_full_data_set.zip": (3, deleted_class, [
                "waiting: classes.csv:2: 'cls-222-123456' waits for course 'crs-222-2023-456-12345'",
                "waiting: orgs.csv:2: 'org-sch-222-456' waits for org 'org-sch-222-3456' (the row "
                "is applied; the link waits)",
                "rows: 3 set aside, 7 waiting, 0 linked",
                "users.csv: 6 rows, 6 added"]),
            "v1p2_full_dataset.zip": (3, deleted_class, [
                "roles.csv: 7 rows, 7 added",
                "rows: 3 set aside, 7 waiting, 0 linked"]),
        }
        for name, (rc, aside, lines) in expect.items():
            with self.subTest(name):
                db = os.path.join(self.tmp.name, name + ".db")
                run("init", "--district", "Sample", "--db", db)
                p = run("import", "oneroster", os.path.join(SHARED, name), "--db", db)
                self.assertEqual(p.returncode, rc, p.stdout + p.stderr)
                got_aside = [l for l in p.stdout.splitlines() if l.startswith("set aside:")]
                self.assertEqual(len(got_aside), len(aside), got_aside)
                for want, got in zip(aside, got_aside):
                    self.assertTrue(got.startswith(want), got)
                for line in lines:
                    self.assertIn(line, p.stdout)
                if name.startswith(("Test_full", "v1p2")):
                    self.assertIn("status inactive (first: line 4), a OneRoster 1.0 value; read "
                                  "as tobedeleted", p.stderr)
                # --strict keeps the whole-file refusal
                if rc:
                    db2 = os.path.join(self.tmp.name, name + ".strict.db")
                    run("init", "--district", "Sample", "--db", db2)
                    p = run("import", "oneroster", os.path.join(SHARED, name), "--db", db2,
                            "--strict")
                    self.assertEqual(p.returncode, 1)
                    self.assertIn("import rejected: nothing was stored", p.stderr)

    def test_usage(self):
        self.assertEqual(run("import", "oneroster", "--db", self.db).returncode, 2)
        p = run("import", "oneroster", "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("usage: edbridge import oneroster PATH [--strict] [--allow-large-removal]",
                      p.stdout)
        self.assertIn("3 applied, with rows set aside", p.stdout)
        p = run("import", "oneroster", "/nonexistent/x.zip", "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("/nonexistent/x.zip:0:0: path: No such file or directory", p.stderr)


class HistoryPage(unittest.TestCase):
    """/admin/imports and /admin/imports/:id (roles: test_roles.py)."""

    def setUp(self):
        from ebtest import PASSWORD
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "h.db")
        run("init", "--district", "History District", "--db", self.db)
        p = ebtest.run("user", "add", "--login", "admin", "--role", "district_admin",
                       db=self.db, input=PASSWORD + "\n", check=False)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def test_history_lists_runs_with_set_aside_rows_and_exports_them(self):
        from ebtest import Server
        self.assertEqual(run("import", "oneroster", os.path.join(FIX, "bad_orphan_and_bool"),
                             "--db", self.db).returncode, 3)
        self.assertEqual(run("import", "oneroster", os.path.join(FIX, "bad_orphan_and_bool"),
                             "--db", self.db, "--strict").returncode, 1)
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            r = c.get("/admin/imports")
            self.assertEqual(r.status, 200)
            self.assertIn("command line", r.text)
            self.assertIn("applied; 1 set aside, 3 waiting", r.text)
            self.assertIn("refused, nothing stored", r.text)
            self.assertIn("all or nothing", r.text)
            self.assertIn('href="/admin/imports/1"', r.text)
            r = c.get("/admin/imports/1")
            self.assertEqual(r.status, 200)
            self.assertIn("Rows set aside", r.text)
            self.assertIn("enabledUser", r.text)
            self.assertIn("&#39;maybe&#39; is not true or false", r.text.replace("&#x27;", "&#39;"))
            self.assertIn("Rows waiting for a parent", r.text)
            self.assertIn("u-nobody", r.text)
            self.assertIn("users.csv: 5 rows, 4 added, 0 changed, 0 deleted", r.text)
            r = c.get("/admin/imports/2")
            self.assertEqual(r.status, 200)
            self.assertIn("Why it was refused", r.text)
            r = c.get("/admin/imports/1?format=csv")
            self.assertEqual(r.status, 200)
            rows = list(csv.reader(io.StringIO(r.text)))
            self.assertEqual(rows[0], ["file", "line", "field", "sourcedId", "reason"])
            self.assertEqual(rows[1][:4], ["users.csv", "4", "enabledUser", "u-s2"])
            self.assertEqual(len(rows), 2)
            self.assertEqual(c.get("/admin/imports/1?format=pdf").status, 400)
            self.assertEqual(c.get("/admin/imports/99").status, 404)
            self.assertEqual(c.get("/admin/imports/x").status, 404)
            audit = c.get("/admin/audit?subject_type=roster_import").text
            self.assertIn("import history", audit)
            self.assertIn("rows set aside by an import", audit)


if __name__ == "__main__":
    unittest.main()
