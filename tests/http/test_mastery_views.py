"""Mastery views: `edbridge fit`, the class, student and standard views, their
permissions and CSV exports, on the fixture district with evidence imported
through the CSV ingest (which updates the estimates online)."""
import csv
import io
import os
import re
import shutil
import time
import unittest
import zipfile

from ebtest import FIXTURES, Server, TempDir, db_execute, make_district, run

# stu-1 strong, stu-2 weak (class cls-a1-3, school sch-a1); stu-3 in sch-a2
ANSWERS = {"stu-1": [1, 1, 1, 0, 1, 1, 1, 1], "stu-2": [0, 0, 1, 0, 0, 0, 0, 1],
           "stu-3": [1, 0, 1, 1, 0, 1, 1, 1]}


def evidence_csv(path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "item_id", "standard", "correct", "date"])
        for sid, answers in ANSWERS.items():
            for i, c in enumerate(answers):
                for std in ("3.NF.A.1", "3.OA.A.1"):
                    w.writerow([sid, f"{std}-q{i}", std, c, f"2026-09-{1 + i:02d}"])


class MasteryViews(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def load(self):
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)
        path = self.tmp + "/answers.csv"
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=self.db)

    def test_class_grid_tells_namesakes_apart_and_says_no_data_in_words(self):
        # a second "Sam One" joins the class (student number S004) and has
        # no evidence at all: before, both rows read "One, Sam" and the new
        # one showed only dots
        roster = os.path.join(self.tmp, "roster")
        shutil.copytree(os.path.join(FIXTURES, "district_a"), roster)
        with open(os.path.join(roster, "users.csv"), "a") as f:
            f.write("stu-4,active,2026-08-01T00:00:00.000Z,true,sam.one2,,Sam,One,,S004,,,,,03,"
                    ",,,,,,sch-a1,,en,,false,false\n")
        with open(os.path.join(roster, "roles.csv"), "a") as f:
            f.write("r-stu-4,active,2026-08-01T00:00:00.000Z,stu-4,primary,student,,,sch-a1,\n")
        with open(os.path.join(roster, "enrollments.csv"), "a") as f:
            f.write("e-6,active,2026-08-01T00:00:00.000Z,cls-a1-3,sch-a1,stu-4,student,false,"
                    "2026-08-15,2027-06-10\n")
        run("import", "oneroster", roster, "--district-id", "1", db=self.db)
        self.load()
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get("/classes/cls-a1-3/mastery?grade=3&domain=NF")
            self.assertEqual(r.status, 200)
            rows = [re.sub(r"<[^>]+>", "", h) for h in
                    re.findall(r'<th scope="row">(.*?)</th>', r.text)]
            self.assertEqual(len(rows), 3, rows)
            self.assertEqual(len(set(rows)), 3, f"rows a teacher cannot tell apart: {rows}")
            self.assertIn("One, Sam (student no. S001)", rows)
            self.assertIn("One, Sam (student no. S004)", rows)
            self.assertIn("Two, Sara", rows)  # no namesake: no number
            grid = r.text[r.text.index("<table"):r.text.index("</table>")]
            self.assertNotIn("&middot;", grid)
            self.assertIn("No data yet on this unit", grid)
            # the grid scrolls in its own keyboard-reachable box
            self.assertRegex(r.text, r'<div class="table-wrap" tabindex="0" role="region" '
                                     r'aria-label="[^"]+"><table class="mastery">')

    def test_fit_without_data_says_so(self):
        p = run("fit", "--district-id", "1", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no evidence", p.stderr)

    def test_fit_summary(self):
        self.load()
        p = run("fit", "--district-id", "1", db=self.db)
        out = dict(line.split(": ", 1) for line in p.stdout.splitlines())
        self.assertEqual(out["rows"], str(3 * 8 * 2))
        self.assertEqual(out["students"], "3")
        self.assertEqual(out["standards"], "2")
        self.assertLess(float(out["fit_seconds"]), 10)
        # no terminal: no progress on stderr
        self.assertEqual(p.stderr, "")

    def test_teacher_class_view(self):
        self.load()
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get("/classes/cls-a1-3/mastery?grade=3&domain=NF")
            self.assertEqual(r.status, 200)
            self.assertIn("3.NF.A.1", r.text)
            self.assertIn("Sam", r.text)
            self.assertIn("Sara", r.text)
            self.assertNotIn("Saul", r.text)
            self.assertIn('class="lv lv-', r.text)
            self.assertIn('class="sr"', r.text)
            # the weak student comes first (needs attention)
            self.assertLess(r.text.index("Two, Sara"), r.text.index("One, Sam"))
            r = t.get("/classes/cls-a1-3/mastery?grade=3&domain=NF&sort=name")
            self.assertLess(r.text.index("One, Sam"), r.text.index("Two, Sara"))
            r = t.get("/classes/cls-a2-3/mastery")
            self.assertEqual(r.status, 404)
            self.assertNotIn("Saul", r.text)
            r = t.get("/classes/cls-a1-3/mastery?grade=3&domain=NF&format=csv")
            self.assertEqual(r.status, 200)
            self.assertTrue(r.header("Content-Type").startswith("text/csv"))
            rows = list(csv.DictReader(io.StringIO(r.text)))
            self.assertEqual({x["student_sourced_id"] for x in rows}, {"stu-1", "stu-2"})
            fr = {x["student_sourced_id"]: x for x in rows if x["standard"] == "3.NF.A.1"}
            self.assertEqual(fr["stu-1"]["responses"], "8")
            self.assertEqual(fr["stu-1"]["inferred"], "no")
            self.assertGreater(float(fr["stu-1"]["p_mastered"]), float(fr["stu-2"]["p_mastered"]))
            self.assertIn(fr["stu-2"]["level"], ("Not yet", "Approaching"))
            r = t.request("GET", "/classes/cls-a1-3/mastery?grade=3&domain=NF&format=xlsx")
            self.assertEqual(r.status, 200)
            self.assertIn("spreadsheetml", r.header("Content-Type"))
            self.assertEqual(r.body[:2], b"PK")
            with zipfile.ZipFile(io.BytesIO(r.body)) as z:
                strings = z.read("xl/sharedStrings.xml").decode()
            self.assertIn("stu-1", strings)
            self.assertIn("3.NF.A.1", strings)
            self.assertNotIn("stu-3", strings)
            r = t.request("GET", "/classes/cls-a2-3/mastery?format=xlsx")
            self.assertEqual(r.status, 404)

    def test_excel_keeps_text_as_text(self):
        # a name or an id that reads as a number is still text in the workbook:
        # the exporter once guessed types, wrote "Nan" as a NaN number (a file
        # Excel calls damaged) and "0012" as 12
        self.load()
        db_execute(self.db, "UPDATE person SET given_name='Nan', family_name='0012'"
                   " WHERE sourced_id='stu-1'")
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.request("GET", "/classes/cls-a1-3/mastery?grade=3&domain=NF&format=xlsx")
            self.assertEqual(r.status, 200)
            with zipfile.ZipFile(io.BytesIO(r.body)) as z:
                strings = z.read("xl/sharedStrings.xml").decode()
                sheet = z.read("xl/worksheets/sheet1.xml").decode()
            self.assertIn("<t>Nan</t>", strings)
            self.assertIn("<t>0012</t>", strings)
            # the name columns (B, C) hold shared strings only, never a number
            self.assertNotRegex(sheet, r'<c r="[BC][0-9]+"(?: s="[0-9]+")?>')
            rows = list(csv.DictReader(io.StringIO(t.get(
                "/classes/cls-a1-3/mastery?grade=3&domain=NF&format=csv").text)))
            self.assertIn(("0012", "Nan"), {(x["family_name"], x["given_name"]) for x in rows})

    def test_guardian_sees_own_child_only(self):
        self.load()
        run("fit", "--district-id", "1", db=self.db)
        with Server(self.db) as srv:
            g = srv.client()
            g.login("parent")
            r = g.get("/students/stu-1/mastery")
            self.assertEqual(r.status, 200)
            # the family's view (issue 11): the standard in its family description
            # and the level in words; the codes, numbers and evidence stay with staff
            self.assertIn("Understand a fraction like 1/4", r.text)
            self.assertNotIn("3.NF.A.1", r.text)
            self.assertNotIn("Evidence trail", r.text)
            for other in ("/students/stu-2/mastery", "/students/stu-3/mastery",
                          "/classes/cls-a1-3/mastery"):
                r = g.get(other)
                self.assertEqual(r.status, 404, other)
                self.assertNotIn("Sara", r.text)
            r = g.get("/standards/3.NF.A.1/mastery")
            self.assertEqual(r.status, 403)
            r = g.get("/students/stu-1/mastery?format=csv")
            rows = list(csv.DictReader(io.StringIO(r.text)))
            self.assertIn("3.NF.A.1", {x["standard"] for x in rows})
            a = srv.client()
            a.login("admin")
            r = a.get("/admin/audit?subject_type=student")
            self.assertIn("mastery", r.text)

    def test_standard_view_by_school(self):
        self.load()
        run("fit", "--district-id", "1", db=self.db)
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            r = c.get("/standards/3.NF.A.1/mastery?format=csv")
            self.assertEqual(r.status, 200)
            rows = list(csv.DictReader(io.StringIO(r.text)))
            schools = [x for x in rows if x["group"] == "school"]
            self.assertEqual(len(schools), 2)
            self.assertEqual(sum(int(x[k]) for x in schools for k in
                                 ("not_yet", "approaching", "proficient", "mastered")), 3)
            p = srv.client()
            p.login("principal")
            r = p.get("/standards/3.NF.A.1/mastery?format=csv")
            rows = [x for x in csv.DictReader(io.StringIO(r.text)) if x["group"] == "school"]
            self.assertEqual(len(rows), 1)
            r = p.get("/standards/3.NF.A.1/mastery")
            self.assertEqual(r.status, 200)
            self.assertIn("What its strugglers are missing", r.text)
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.get("/standards/3.NF.A.1/mastery").status, 403)
            self.assertEqual(c.get("/standards/XX.1/mastery").status, 404)



class NightlyRefit(TempDir):
    """serve's housekeeping refits every district in its nightly window
    (02:00-05:00 local time, at start when it starts then): the log says
    what it did and nothing else (a refit and refresh that both succeeded
    once logged an empty "mastery refit:" error)."""

    def test_the_nightly_refit_at_start_logs_its_figures_and_no_error(self):
        self.db = db = make_district(self.tmp)
        MasteryViews.load(self)
        utc = time.gmtime().tm_hour
        off = (3 - utc) % 24
        if off > 12:
            off -= 24
        old = os.environ.get("TZ")
        # POSIX: local = UTC - (the sign's number); the zone's name must be
        # three letters at least, or glibc ignores the whole TZ (UTC)
        os.environ["TZ"] = f"EBT{-off:+d}"
        try:
            with Server(db) as srv:
                log = ""
                for _ in range(100):
                    srv.errlog.seek(0)
                    log = srv.errlog.read()
                    if "mastery refitted" in log:
                        break
                    time.sleep(0.2)
        finally:
            if old is None:
                os.environ.pop("TZ")
            else:
                os.environ["TZ"] = old
        self.assertIn("district 1 mastery refitted:", log)
        self.assertNotIn("mastery refit:", log)
        self.assertNotIn(" error ", log)

if __name__ == "__main__":
    unittest.main()
