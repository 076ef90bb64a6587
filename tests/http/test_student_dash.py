"""The student dashboard, formative feedback and families' messages to the
teacher (issue 13, docs/student_dashboard.md): a student's next steps with
links into the tools, feedback a teacher gives one student or a saved
group, the student's answer, the class's pattern for a coach, a family's
reply in Spanish translated for the teacher; roles, tenants and bad input."""
import re
import shutil
import tempfile
import unittest

from ebtest import PASSWORD, Server, db_execute, make_district, run
from test_mastery_views import evidence_csv


def text(html):
    body = html[html.index("<main"):html.index("</main>")] if "<main" in html else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def have_apertium():
    return shutil.which("apertium") is not None


class StudentDash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebdash-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)
        run("tool", "status", "1", "--set", "approved", "--reason", "reviewed",
            "--district-id", "1", db=cls.db)
        path = cls.dir + "/answers.csv"
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=cls.db)
        # stu-2 (weak on 3.NF.A.1) signs in as a student too
        run("user", "add", "--login", "sara", "--role", "student", "--scope", "person:stu-2",
            "--person", "stu-2", "--name", "Sara", "--district-id", "1", db=cls.db,
            input=PASSWORD + "\n")
        db_execute(cls.db, "UPDATE tool SET url='https://quizzy.example/',"
                   " standards='3.NF.A.1 3.OA.A.1' WHERE id=1")
        db_execute(cls.db, "INSERT INTO activity_map VALUES(1, 1,"
                   " 'https://quizzy.example/act/fractions-1', '3.NF.A.1')")
        db_execute(cls.db, "INSERT INTO family_language(district_id, account_id, lang, updated_at)"
                   " SELECT district_id, id, 'en', 0 FROM account WHERE login='sara'")
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def sql(self, q, *args):
        return db_execute(self.db, q, args)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303, login)
        c.get("/home")
        return c

    def count(self, table):
        return self.sql(f"SELECT count(*) FROM {table}")[0][0]

    # -- the dashboard ---------------------------------------------------------

    def test_student_sees_next_step_tool_link_feedback_and_answers(self):
        t = self.client("teacher")
        r = t.post("/students/stu-2/feedback",
                   {"standard": "3.nf.a.1", "body": "Count the equal parts <first>.",
                    "share": "on"})
        self.assertEqual(r.status, 303, r.text[:500])
        fid = self.sql("SELECT id FROM feedback WHERE student_sid='stu-2' ORDER BY id DESC")[0][0]
        s = self.client("sara")
        r = s.get("/home")
        self.assertEqual(r.status, 200)
        page = text(r.text)
        self.assertIn("Next in each class", page)
        self.assertIn("Math 3 - Room 12", page)
        self.assertIn("Understand a fraction like 1/4", page)
        # the deep link: the activity's launch address mapped to the standard
        self.assertIn('href="https://quizzy.example/act/fractions-1"', r.text)
        self.assertIn("Practice it in Quizzy", page)
        self.assertIn("Your progress by unit", page)
        self.assertRegex(r.text, r'<progress aria-labelledby="unit-3\.NF\.A" max="\d+" '
                                 r'value="\d+">')
        # the feedback, escaped, with its answer box; no codes or probabilities
        self.assertIn("Count the equal parts &lt;first&gt;.", r.text)
        self.assertIn(f'action="/students/stu-2/feedback/{fid}/answer"', r.text)
        self.assertNotRegex(page, r"\b3\.NF\.A\.1\b|\d+ ?%|0\.\d\d")
        self.assertIn("What helped me", page)
        # the student answers
        r = s.post(f"/students/stu-2/feedback/{fid}/answer", {"body": "I split it in 4!"})
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.header("Location"), "/home?answered=1#feedback")
        page = text(s.get("/home?answered=1").text)
        self.assertIn("Your answer is sent.", page)
        self.assertIn("You wrote: I split it in 4!", page)
        # the teacher reads it on the student page, and a step on the home
        page = text(t.get("/students/stu-2").text)
        self.assertIn("The student wrote: I split it in 4!", page)
        self.assertIn("Students answered your feedback", text(t.get("/home").text))
        # audited: the feedback and the answer as changes to the student's record
        rows = self.sql("SELECT action, detail FROM audit_log WHERE subject_id='stu-2'"
                        " AND action='create'")
        self.assertIn(("create", "feedback on 3.NF.A.1, shared with the family"), rows)
        self.assertIn(("create", "answered feedback"), rows)
        # the reflection from the dashboard comes back to it
        r = s.post("/students/stu-2/learning-plan/reflection",
                   {"reflection": "Drawing it helped.", "back": "home"})
        self.assertEqual(r.header("Location"), "/home#reflection")
        self.assertIn("Drawing it helped.", s.get("/home").text)

    def test_student_cannot_answer_another_students_feedback(self):
        t = self.client("teacher")
        t.post("/students/stu-1/feedback", {"standard": "3.OA.A.1", "body": "Nice work."})
        fid = self.sql("SELECT id FROM feedback WHERE student_sid='stu-1' ORDER BY id DESC")[0][0]
        s = self.client("sara")  # stu-2
        before = self.count("feedback_answer")
        self.assertEqual(s.post(f"/students/stu-1/feedback/{fid}/answer",
                                {"body": "hi"}).status, 404)
        # nor through her own record with another's feedback id
        self.assertEqual(s.post(f"/students/stu-2/feedback/{fid}/answer",
                                {"body": "hi"}).status, 404)
        self.assertEqual(self.count("feedback_answer"), before)
        # a student's own feedback is not another student's to read
        self.assertNotIn("Nice work.", s.get("/home").text)
        # another school's teacher and principal cannot give or read it
        for login in ("principal",):
            c = self.client(login)
            self.assertEqual(c.post("/students/stu-3/feedback",
                                    {"standard": "3.NF.A.1", "body": "x"}).status, 404)
        self.assertEqual(self.sql("SELECT count(*) FROM feedback WHERE student_sid='stu-3'"),
                         [(0,)])

    def test_bad_input_gets_a_clear_4xx_and_nothing_stored(self):
        t = self.client("teacher")
        before = self.count("feedback")
        for form, why in (({"standard": "3.NF.A.1", "body": "   "}, "body: write something"),
                          ({"standard": "3.NF.A.1", "body": "x" * 1001}, "body: is longer"),
                          ({"standard": "9.ZZ.Z.9", "body": "ok"}, "standard: choose a"),
                          ({"standard": "3.NF.A", "body": "ok"}, "standard: choose a")):
            r = t.post("/students/stu-1/feedback", form)
            self.assertEqual(r.status, 400, form)
            self.assertIn(why, r.text)
        self.assertEqual(self.count("feedback"), before)
        t.post("/students/stu-2/feedback", {"standard": "3.NF.A.1", "body": "Try again."})
        fid = self.sql("SELECT max(id) FROM feedback")[0][0]
        s = self.client("sara")
        answers = self.count("feedback_answer")
        r = s.post(f"/students/stu-2/feedback/{fid}/answer", {"body": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("Write something first.", r.text)
        r = s.post(f"/students/stu-2/feedback/{fid}/answer", {"body": "y" * 501})
        self.assertEqual(r.status, 400)
        self.assertIn("That is too long", r.text)
        self.assertEqual(s.post("/students/stu-2/feedback/nope/answer",
                                {"body": "x"}).status, 404)
        self.assertEqual(self.count("feedback_answer"), answers)
        # the thread is short: after ten answers, a clear 400
        for i in range(10):
            self.assertEqual(s.post(f"/students/stu-2/feedback/{fid}/answer",
                                    {"body": f"answer {i}"}).status, 303)
        r = s.post(f"/students/stu-2/feedback/{fid}/answer", {"body": "one more"})
        self.assertEqual(r.status, 400)
        self.assertIn("This conversation is full", r.text)

    # -- a saved group, the pattern --------------------------------------------

    def test_feedback_to_a_saved_group_and_the_coachs_pattern(self):
        t = self.client("teacher")
        g = t.get("/classes/cls-a1-3/groups?cluster=3.NF.A").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', g).group(1)
        r = t.post("/classes/cls-a1-3/groups",
                   {"csrf": csrf, "unit": "3.NF.A", "min": "2", "max": "6", "count": "6",
                    "name1": "Fraction friends", "focus1": "3.NF.A.1", "g.stu-1": "1",
                    "g.stu-2": "1"})
        self.assertEqual(r.status, 303, text(r.text)[:800])
        page = t.get("/classes/cls-a1-3/feedback")
        self.assertEqual(page.status, 200)
        self.assertIn("Fraction friends", page.text)
        before = self.count("feedback")
        r = t.post("/classes/cls-a1-3/feedback",
                   {"group": "1", "standard": "3.NF.A.1", "body": "Show me your fraction strips."})
        self.assertEqual(r.status, 303, r.text[:500])
        rows = self.sql("SELECT student_sid, group_name FROM feedback WHERE body ="
                        " 'Show me your fraction strips.' ORDER BY student_sid")
        self.assertEqual(rows, [("stu-1", "Fraction friends"), ("stu-2", "Fraction friends")])
        self.assertEqual(self.count("feedback"), before + 2)
        # each student sees their own
        self.assertIn("Show me your fraction strips.", self.client("sara").get("/home").text)
        self.assertIn("Show me your fraction strips.", self.client("student").get("/home").text)
        # a group that is not there: 400, nothing stored
        r = t.post("/classes/cls-a1-3/feedback", {"group": "7", "standard": "3.NF.A.1",
                                                  "body": "x"})
        self.assertEqual(r.status, 400)
        self.assertEqual(self.count("feedback"), before + 2)
        # the coach sees the pattern; a principal of another school does not
        c = self.client("coach")
        page = c.get("/classes/cls-a1-3/feedback")
        self.assertEqual(page.status, 200)
        body = text(page.text)
        self.assertIn("Feedback per standard", body)
        self.assertRegex(body, r"3\.NF\.A\.1 2 \d+ \d+%")
        self.assertIn("Needs without feedback", body)
        self.assertEqual(self.client("principal").get("/classes/cls-a2-3/feedback").status, 404)
        self.assertEqual(self.client("teacher").get("/classes/cls-a2-3/feedback").status, 404)
        self.assertEqual(self.client("parent").get("/classes/cls-a1-3/feedback").status, 403)
        rows = self.sql("SELECT action, subject_type FROM audit_log WHERE detail ="
                        " 'feedback pattern of the class'")
        self.assertIn(("view", "class"), rows)

    # -- the family page and its reply -----------------------------------------

    def test_family_page_and_a_reply_in_spanish_translated_for_the_teacher(self):
        t = self.client("teacher")
        t.post("/students/stu-1/feedback", {"standard": "3.NF.A.1", "body": "Shared with home.",
                                            "share": "on"})
        t.post("/students/stu-1/feedback", {"standard": "3.NF.A.1", "body": "Only for Sam."})
        self.sql("UPDATE family_language SET lang='es' WHERE account_id IN"
                 " (SELECT id FROM account WHERE login='parent')")
        try:
            p = self.client("parent")
            r = p.get("/students/stu-1")
            self.assertEqual(r.status, 200)
            page = text(r.text)
            self.assertIn("Progreso por unidad", page)
            self.assertIn("<svg", r.text)
            self.assertIn("Mensajes del maestro", page)
            self.assertIn("Shared with home.", page)
            self.assertNotIn("Only for Sam.", page)
            self.assertIn("Escribir al maestro", page)
            before = self.count("family_message")
            r = p.post("/students/stu-1/message", {"body": "   "})
            self.assertEqual(r.status, 400)
            self.assertIn("Escriba algo primero.", r.text)
            r = p.post("/students/stu-1/message", {"body": "z" * 1001})
            self.assertEqual(r.status, 400)
            self.assertEqual(self.count("family_message"), before)
            # another family's child: 404
            self.assertEqual(p.post("/students/stu-3/message", {"body": "hola"}).status, 404)
            r = p.post("/students/stu-1/message",
                       {"body": "Gracias por la ayuda con las fracciones."})
            self.assertEqual(r.status, 303, r.text[:500])
            self.assertEqual(r.header("Location"), "/students/stu-1?sent=1#reply")
            self.assertIn("Su mensaje fue enviado.", text(p.get("/students/stu-1?sent=1").text))
        finally:
            self.sql("UPDATE family_language SET lang='en' WHERE account_id IN"
                     " (SELECT id FROM account WHERE login='parent')")
        row = self.sql("SELECT lang, body, body_en, engine FROM family_message"
                       " ORDER BY id DESC LIMIT 1")[0]
        self.assertEqual(row[:2], ("es", "Gracias por la ayuda con las fracciones."))
        # the teacher's home: a step; the student page: the message, marked
        home = text(t.get("/home").text)
        self.assertIn("A family wrote to you about Sam One", home)
        page = text(t.get("/students/stu-1").text)
        self.assertIn("The family wrote", page)
        self.assertIn("Gracias por la ayuda con las fracciones.", page)  # the original
        if have_apertium():
            self.assertEqual(row[3], "apertium")
            self.assertIn("Translated by computer from Spanish.", page)
            self.assertRegex(row[2], r"(?i)thank")
            self.assertIn("What the family wrote", page)
        else:
            self.assertIsNone(row[2])
            self.assertIn("Not translated", page)
        # read now: the step is gone
        self.assertNotIn("A family wrote to you about Sam One", text(t.get("/home").text))
        rows = self.sql("SELECT action, detail FROM audit_log WHERE subject_id='stu-1'"
                        " AND detail LIKE 'family message%'")
        self.assertTrue(rows)

    def test_a_student_may_not_write_as_the_family(self):
        s = self.client("student")
        self.assertEqual(s.post("/students/stu-1/message", {"body": "hi"}).status, 403)


if __name__ == "__main__":
    unittest.main()
