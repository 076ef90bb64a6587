"""The next best intervention's pages (issue 12): a student's and a class's
next steps, roles and tenants, the audit of views and of done marks, and bad
input (an unknown standard or option, a student of another class or school)
answered with a message and nothing stored."""
import csv
import re
import urllib.parse

from ebtest import Server, TempDir, db_execute, make_district, run

# stu-1 strong, stu-2 weak (class cls-a1-3, school sch-a1); stu-3 in sch-a2
ANSWERS = {"stu-1": [1, 1, 1, 0, 1, 1, 1, 1], "stu-2": [0, 0, 1, 0, 0, 0, 0, 1],
           "stu-3": [1, 0, 0, 0, 0, 1, 0, 0]}
STRATEGY = "3.NF.A/fraction-strips"


class Recommendations(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)
        run("tool", "status", "1", "--set", "approved", "--reason", "test",
            "--district-id", "1", db=self.db)
        path = self.tmp + "/answers.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student_id", "item_id", "standard", "correct", "date"])
            for sid, answers in ANSWERS.items():
                for i, c in enumerate(answers):
                    for std in ("3.NF.A.1", "3.OA.A.1"):
                        w.writerow([sid, f"{std}-q{i}", std, c, f"2026-09-{1 + i:02d}"])
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=self.db)
        p = run("fit", "--district-id", "1", db=self.db)
        self.assertIn("recommend_tool_standards: 2", p.stdout)

    def count(self, sql):
        return db_execute(self.db, sql)[0][0]

    def test_student_page_in_plain_words_and_audited(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get("/students/stu-2/recommendations")
            self.assertEqual(r.status, 200)
            self.assertIn("3.NF.A.1", r.text)
            self.assertIn("Why this?", r.text)
            # no evaluation of the tool: it says so and claims nothing
            self.assertIn("Quizzy", r.text)
            self.assertIn("No local evidence", r.text)
            self.assertNotIn("Expected gain here", r.text)
            # the library's strategies for the cluster
            self.assertIn("Fraction strips", r.text)
            self.assertIn("last brought up to date", r.text)
            # linked from the student record
            self.assertIn('href="/students/stu-2/recommendations"', t.get("/students/stu-2").text)
            # one standard asked for; an unknown one is refused in words
            r = t.get("/students/stu-2/recommendations?standard=3.OA.A.1")
            self.assertEqual(r.status, 200)
            self.assertNotIn("3.NF.A.1</span></h2>", r.text)
            r = t.get("/students/stu-2/recommendations?standard=9.ZZ.Z.9")
            self.assertEqual(r.status, 400)
            self.assertIn("not a standard of the CCSS-M catalog", r.text)
            # another school's student, another district's admin, a parent
            self.assertEqual(t.get("/students/stu-3/recommendations").status, 404)
            o = srv.client()
            o.login("other.admin")
            r = o.get("/students/stu-2/recommendations")
            self.assertEqual(r.status, 404)
            self.assertNotIn("Sara", r.text)
            p = srv.client()
            p.login("parent")
            self.assertEqual(p.get("/students/stu-1/recommendations").status, 403)
            a = srv.client()
            a.login("admin")
            r = a.get("/admin/audit?subject_type=student&action=view")
            self.assertIn("next steps", r.text)
            self.assertIn("Sara Two", r.text)
            r = a.get("/admin/audit?subject_type=student&action=refused")
            self.assertIn("Saul Three", r.text)

    def test_class_page_groups_those_not_yet_secure(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get("/classes/cls-a1-3/recommendations")
            self.assertEqual(r.status, 200)
            self.assertIn("not yet secure", r.text)
            self.assertIn("Sara", r.text)
            self.assertIn('href="/classes/cls-a1-3/recommendations"', t.get("/classes/cls-a1-3").text)
            self.assertIn('/classes/cls-a1-3/recommendations"',
                          t.get("/classes/cls-a1-3/mastery").text)
            self.assertEqual(t.get("/classes/cls-a2-3/recommendations").status, 404)
            r = t.get("/classes/cls-a1-3/recommendations?standard=nonsense")
            self.assertEqual(r.status, 400)
            a = srv.client()
            a.login("admin")
            r = a.get("/admin/audit?subject_type=class")
            self.assertIn("class recommendations", r.text)

    def test_done_marks(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            t.get("/students/stu-2/recommendations")
            ok = {"standard": "3.NF.A.1", "source": "strategy", "option": STRATEGY}
            # bad input: a message, nothing stored
            for bad, words in (({"option": "no-such"}, "not a strategy"),
                               ({"standard": "9.ZZ.Z.9"}, "not a standard"),
                               ({"source": "magic"}, "must be tool, strategy or plan"),
                               ({"source": "tool", "option": "99"}, "not a tool of this")):
                r = t.post("/students/stu-2/recommendations/done", {**ok, **bad})
                self.assertEqual(r.status, 400, bad)
                self.assertIn(words, r.text)
                self.assertIn("Nothing was saved", r.text)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done"), 0)
            # no CSRF token: refused by the router
            r = t.post("/students/stu-2/recommendations/done", ok, csrf=False)
            self.assertEqual(r.status, 403)
            # a student the teacher may not see
            self.assertEqual(t.post("/students/stu-3/recommendations/done", ok).status, 404)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done"), 0)
            r = t.post("/students/stu-2/recommendations/done", ok)
            self.assertEqual(r.status, 303)
            self.assertIn("/students/stu-2/recommendations?done=1", r.header("Location"))
            r = t.get("/students/stu-2/recommendations?done=1")
            self.assertIn("Marked done", r.text)
            self.assertIn("Done so far", r.text)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done WHERE "
                                        "student_sourced_id = 'stu-2' AND p_before IS NOT NULL"),
                             1)
            # a group: every student must be of the class
            def group(students, fields=ok):
                body = urllib.parse.urlencode(
                    list({**fields, "csrf": t.csrf}.items()) + [("student", s) for s in students])
                return t.request("POST", "/classes/cls-a1-3/recommendations/done", body=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
            r = group(["stu-2", "stu-3"])
            self.assertEqual(r.status, 400)
            self.assertIn("not in this class", r.text)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done"), 1)
            r = group(["stu-1", "stu-2"])
            self.assertEqual(r.status, 303)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done"), 3)
            a = srv.client()
            a.login("admin")
            r = a.get("/admin/audit?subject_type=student&action=change")
            self.assertIn("recommendation done", r.text)
            # another district's admin marks nothing here
            o = srv.client()
            o.login("other.admin")
            o.get("/home")
            self.assertEqual(o.post("/students/stu-2/recommendations/done", ok).status, 404)
            self.assertEqual(self.count("SELECT count(*) FROM rec_done"), 3)


if __name__ == "__main__":
    import unittest
    unittest.main()
