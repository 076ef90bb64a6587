"""Classroom observations (issue 15, h15-obs; docs/observations.md) against the
real binary: starting one (a refused one stores nothing), the live tally
without any script (one POST per mark, back to the same page with the
counts; undo; segments), a mark after the close refused with its message and
nothing stored, ratings with evidence (refused ones store nothing), who sees
what (the teacher, a principal who did not observe until the teacher shares,
families never, another district never), the debrief PDF and the marks'
CSV, and the audit of views."""
import unittest

from ebtest import Server, TempDir, db_execute, make_district

CLASS = "cls-a1-3"


def count(db, sql, *args):
    return db_execute(db, sql, args)[0][0]


class Observations(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        self.teacher_id = str(count(self.db, "SELECT id FROM account WHERE login='teacher'"))
        self.principal_id = str(count(self.db, "SELECT id FROM account WHERE login='principal'"))

    def start(self, coach):
        r = coach.post("/observations/new", {"class": CLASS, "teacher": self.teacher_id,
                                              "focus": "Who explains their thinking?"})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/observations/1/tally")

    def test_class_search_ignores_case(self):
        """The class picker finds a class by its title or code typed in any
        case (COLLATE NOCASE, the same SQL on both backends)."""
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            for q in ("m3-12", "MATH%203%20-%20room%2012"):
                r = coach.get("/observations/new?q=" + q)
                self.assertEqual(r.status, 200)
                self.assertIn("/observations/new?class=" + CLASS, r.text, q)
            r = coach.get("/observations/new?q=zz-99")
            self.assertIn("No class you may see matches.", r.text)

    def test_start_refusals_store_nothing(self):
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            r = coach.get("/observations/new?class=" + CLASS)
            self.assertEqual(r.status, 200)
            self.assertIn(">Teacher<", r.text)
            coach_id = str(count(self.db, "SELECT id FROM account WHERE login='coach'"))
            for fields, words in (({"teacher": coach_id}, "choose a teacher of this class"),
                                  ({"class": "nope"}, "choose a class you may see"),
                                  ({"initiative": "99"}, "not an initiative of the district"),
                                  ({"cycle": "99"}, "not a coaching cycle of the district")):
                form = dict({"class": CLASS, "teacher": self.teacher_id}, **fields)
                r = coach.post("/observations/new", form)
                self.assertEqual(r.status, 400, fields)
                self.assertIn(words, r.text)
                self.assertIn("Nothing was saved", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation"), 0)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_segment"), 0)
            # a teacher does not start observations (route roles)
            teacher = srv.client()
            teacher.login("teacher")
            self.assertEqual(teacher.post("/observations/new",
                                          {"class": CLASS, "teacher": self.teacher_id}).status,
                             403)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation"), 0)

    def test_tally_without_script_and_closed_refusal(self):
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            self.start(coach)
            page = coach.get("/observations/1/tally")
            self.assertEqual(page.status, 200)
            self.assertNotIn("<script", page.text)
            self.assertIn('name="code" value="student_student"', page.text)
            self.assertIn('name="action" value="undo"', page.text)
            # one POST per mark, back to the same page with the counts
            r = coach.post("/observations/1/tally", {"code": "student", "who": "Table 2"})
            self.assertEqual(r.status, 303)
            self.assertEqual(r.header("Location"),
                             "/observations/1/tally?marked=student&who=Table%202")
            page = coach.get(r.header("Location"))
            self.assertIn("Last: Student to teacher.", page.text)
            self.assertIn('value="Table 2"', page.text)
            self.assertIn("1 mark in all", page.text)
            for code in ("teacher", "teacher", "press", "reasoning", "recall"):
                self.assertEqual(coach.post("/observations/1/tally", {"code": code}).status,
                                 303)
            r = coach.post("/observations/1/tally", {"action": "segment"})
            self.assertEqual(r.status, 303)
            coach.post("/observations/1/tally", {"code": "student_student"})
            coach.post("/observations/1/tally", {"code": "teacher"})
            self.assertEqual(coach.post("/observations/1/tally", {"action": "undo"}).status, 303)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_mark"), 7)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_mark"
                                            " WHERE segment=2"), 1)
            r = coach.post("/observations/1/tally", {"code": "shouting"})
            self.assertEqual(r.status, 400)
            self.assertIn("not a button of the tally", r.text)
            # the summary: 4 turns, 2 by students (50 %), 1 student to student
            # (25 %); 2 questions, 1 reasoning (50 %); segment 2: all students'
            page = coach.get("/observations/1")
            self.assertIn("Share of talk by students</th><td>50%</td><td>33%</td>"
                          "<td>100%</td>", page.text)
            self.assertIn("Share of talk from student to student</th><td>25%</td>", page.text)
            self.assertIn("asking for reasoning or connections</th><td>50%</td>", page.text)
            self.assertIn("Table 2: 1 turn", page.text)
            # close; then a mark is refused with its message, nothing stored
            r = coach.post("/observations/1/tally", {"action": "close"})
            self.assertEqual((r.status, r.header("Location")), (303, "/observations/1"))
            r = coach.post("/observations/1/tally", {"code": "teacher"})
            self.assertEqual(r.status, 409)
            self.assertIn("was closed at", r.text)
            self.assertIn("marks can no longer be added", r.text)
            self.assertEqual(coach.post("/observations/1/tally", {"action": "undo"}).status, 409)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_mark"), 7)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_segment"), 2)
            self.assertIn("This observation is closed", coach.get("/observations/1/tally").text)

    def test_ratings_visibility_sharing_and_exports(self):
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            self.start(coach)
            coach.post("/observations/1/tally", {"code": "student"})
            # bad ratings: nothing stored
            for fields, words in (({"indicator": "nope", "level": "2"}, "not an indicator"),
                                  ({"indicator": "agency_reasoning", "level": "7"},
                                   "a rating from 1 to 4")):
                r = coach.post("/observations/1/ratings", fields)
                self.assertEqual(r.status, 400)
                self.assertIn(words, r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_rating"), 0)
            r = coach.post("/observations/1/ratings",
                           {"indicator": "agency_reasoning", "level": "3",
                            "note": "Mia asked Sam why his ratio worked."})
            self.assertEqual(r.status, 303)
            r = coach.post("/observations/1/ratings", {"notes": "Private coaching note."})
            self.assertEqual(r.status, 303)
            page = coach.get("/observations/1")
            self.assertIn("Mia asked Sam why his ratio worked.", page.text)
            self.assertIn("Level 3, Developing:", page.text)

            teacher = srv.client()
            teacher.login("teacher")
            page = teacher.get("/observations/1")
            self.assertIn("Private coaching note.", page.text)
            self.assertIn("Share the notes and ratings with", page.text)
            # a principal who did not observe: that it happened, not its notes
            principal = srv.client()
            principal.login("principal")
            lst = principal.get("/observations")
            self.assertIn("Not shared with you", lst.text)
            page = principal.get("/observations/1")
            self.assertEqual(page.status, 200)
            self.assertNotIn("Private coaching note.", page.text)
            self.assertNotIn("Mia asked Sam", page.text)
            self.assertIn("has not shared this one with you", page.text)
            self.assertEqual(principal.get("/observations/1.csv").status, 403)
            self.assertEqual(principal.get("/observations/1.pdf").status, 403)
            # the tally is the observer's: others are sent to the observation's page
            r = principal.get("/observations/1/tally")
            self.assertEqual((r.status, r.header("Location")), (303, "/observations/1"))
            self.assertEqual(principal.post("/observations/1/tally", {"code": "teacher"}).status,
                             403)
            self.assertEqual(count(self.db, "SELECT count(*) FROM observation_mark"), 1)
            # only the teacher shares; the coach cannot
            self.assertEqual(coach.post("/observations/1/share",
                                        {"account": self.principal_id, "share": "1"}).status,
                             403)
            r = teacher.post("/observations/1/share", {"account": self.principal_id,
                                                       "share": "1"})
            self.assertEqual(r.status, 303)
            self.assertIn("Private coaching note.", principal.get("/observations/1").text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                            " subject_type='observation' AND action='share'"), 1)
            teacher.post("/observations/1/share", {"account": self.principal_id, "share": "0"})
            self.assertNotIn("Private coaching note.", principal.get("/observations/1").text)
            # families never; another district never
            parent = srv.client()
            parent.login("parent")
            self.assertEqual(parent.get("/observations/1").status, 403)
            other = srv.client()
            other.login("other.admin", district=2)
            self.assertEqual(other.get("/observations/1").status, 404)
            # exports: the marks' CSV and the debrief PDF
            r = coach.get("/observations/1.csv")
            self.assertEqual(r.status, 200)
            self.assertIn("text/csv", r.header("Content-Type"))
            lines = r.text.strip().splitlines()
            self.assertEqual(lines[0], "mark,segment,time_utc,kind,button,group_or_seat")
            self.assertEqual(len(lines), 2)
            self.assertIn("Student to teacher", lines[1])
            r = coach.get("/observations/1.pdf")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Content-Type"), "application/pdf")
            self.assertTrue(r.body.startswith(b"%PDF-"))
            self.assertEqual(coach.get("/observations/1.txt").status, 404)
            # views and exports audited
            views = count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                   " subject_type='observation' AND action='view'")
            exports = count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                     " subject_type='observation' AND action='export'")
            self.assertGreaterEqual(views, 3)
            self.assertEqual(exports, 2)


if __name__ == "__main__":
    unittest.main()
