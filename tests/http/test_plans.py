"""Intervention plans (MTSS tiers 2 and 3) and personalized learning plans
(issue 12): the plan form and its refusals, the plan page with its progress
chart and check-ins, the lists and their exports, roles and tenants, the
audit, the teacher's home, and the learning plan as staff, the student and
the family read it."""
import datetime
import re
import shutil
import tempfile
import unittest
import urllib.parse

from ebtest import Server, db_execute, field_error, make_district, run
from test_mastery_views import evidence_csv

# account ids of make_district: admin 1, coord 2, principal 3, coach 4,
# teacher 5, champ 6, itstaff 7, vendor 8, parent 9, student 10
TEACHER, PRINCIPAL, PARENT = "5", "3", "9"
STANDARD_CODE = re.compile(r"\b(?:K|[1-8])\.[A-Z]{1,3}\.[A-Z]\.\d")


def plan_fields(**over):
    f = {"tier": "2", "students": ["stu-1", "stu-2"], "standards": "3.NF.A.1",
         "tool_id": "1", "strategy": "Fraction strips in a small group", "owner_id": TEACHER,
         "sessions_per_week": "3", "minutes_per_session": "20", "start_date": "2026-08-31",
         "end_date": "2027-01-29", "checkin_every_days": "14", "measure": "mastery",
         "baseline": "30", "goal": "80", "goal_text": "Both place unit fractions on a number line"}
    f.update(over)
    return f


def visible(html):
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


class Plans(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebplans-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)
        path = cls.dir + "/answers.csv"
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303, login)
        return c

    def post_plan(self, c, path="/plans/new", **over):
        f = plan_fields(**over)
        body = dict(f)
        students = body.pop("students")
        # repeated check boxes: urlencode a list of pairs
        pairs = list(body.items()) + [("students", s) for s in students]
        pairs.append(("csrf", c.csrf))
        return c.request("POST", path, body=urllib.parse.urlencode(pairs),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})

    def count(self, table, where="1 = 1"):
        return db_execute(self.db, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]

    def new_plan(self, c=None, **over):
        c = c or self.client("teacher")
        c.get("/plans/new?class=cls-a1-3")
        r = self.post_plan(c, **over)
        self.assertEqual(r.status, 303, r.text[:2000])
        return int(r.header("Location").rsplit("/", 1)[1])

    def test_class_search_ignores_case(self):
        """Choosing the class of a new plan: its code or title typed in any
        case finds it (COLLATE NOCASE, the same SQL on both backends)."""
        t = self.client("teacher")
        for q in ("m3-12", "math%203%20-%20ROOM%2012"):
            r = t.get("/plans/new?q=" + q)
            self.assertEqual(r.status, 200)
            self.assertIn('href="/plans/new?class=cls-a1-3"', r.text, q)
        self.assertNotIn('href="/plans/new?class=', t.get("/plans/new?q=zz-99").text)

    def test_create_view_and_check_in(self):
        t = self.client("teacher")
        r = t.get("/plans/new?class=cls-a1-3")
        self.assertEqual(r.status, 200)
        self.assertIn("Sam", r.text)
        pid = self.new_plan(t)
        r = t.get(f"/plans/{pid}")
        self.assertEqual(r.status, 200)
        text = visible(r.text)
        for want in ("Sam One", "Sara Two", "3.NF.A.1", "Fraction strips", "Quizzy",
                     "3 sessions a week, 20 minutes each", "What the decision rules say",
                     "Time given"):
            self.assertIn(want, text)
        # mastery points from the September evidence, with the chart and its table
        self.assertIn("<svg", r.text)
        self.assertIn("2026-08-31", text)
        # a check-in records the decision and the note
        r = t.post(f"/plans/{pid}/checkins", {"decision": "intensify",
                                               "note": "Add a fourth session"})
        self.assertEqual(r.status, 303, r.text)
        text = visible(t.get(f"/plans/{pid}").text)
        self.assertIn("Add a fourth session", text)
        self.assertIn("Intensify", text)
        # a decision outside the four: 400 naming the field, nothing stored
        n = self.count("plan_checkin")
        r = t.post(f"/plans/{pid}/checkins", {"decision": "celebrate"})
        self.assertEqual(r.status, 400)
        self.assertIn("decision", r.text)
        self.assertEqual(self.count("plan_checkin"), n)
        # exit closes it; a closed plan takes no check-in
        self.assertEqual(t.post(f"/plans/{pid}/checkins", {"decision": "exit"}).status, 303)
        self.assertIn("The plan is closed", t.get(f"/plans/{pid}").text)
        self.assertEqual(t.post(f"/plans/{pid}/checkins", {"decision": "continue"}).status, 409)

    def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(self):
        t = self.client("teacher")
        t.get("/plans/new?class=cls-a1-3")
        before = self.count("plan"), self.count("plan_student"), self.count("audit_log", "subject_type='plan'")
        cases = [
            ({"end_date": "2026-08-01"}, "end_date", "after the start"),
            ({"minutes_per_session": "500"}, "minutes_per_session", "5 to 120"),
            ({"sessions_per_week": "0"}, "sessions_per_week", "1 to 10"),
            ({"standards": "3.ZZ.A.1"}, "standards", "not"),
            ({"standards": "3.NF.A"}, "standards", "cluster"),
            ({"tool_id": "99"}, "tool_id", "inventory"),
            ({"tool_id": "", "strategy": ""}, "intervention", "tool, a strategy"),
            ({"students": ["stu-1", "stu-3"]}, "students", "may see"),
            ({"owner_id": PARENT}, "owner_id", "no staff role"),
            ({"goal": "20"}, "goal", "above the baseline"),
            ({"tier": "1"}, "tier", "2"),
            ({"measure": "assessment", "measure_assessment": "Nope"}, "measure_assessment",
             "No assessment"),
        ]
        for over, field, words in cases:
            r = self.post_plan(t, **over)
            self.assertEqual(r.status, 400, f"{over}: {r.status}")
            self.assertIn(words, field_error(r.text, field), f"{over}: {field_error(r.text, field)!r}")
            self.assertIn("Nothing was saved", r.text)
        # an owner who may not see the student: the teacher does not teach Saul
        a = self.client("admin")
        a.get("/plans/new?student=stu-3")
        r = self.post_plan(a, students=["stu-3"], owner_id=TEACHER)
        self.assertEqual(r.status, 400)
        self.assertIn("may not see Saul", field_error(r.text, "owner_id"))
        self.assertEqual((self.count("plan"), self.count("plan_student"),
                          self.count("audit_log", "subject_type='plan'")), before)

    def test_edit_is_audited_and_keeps_the_rules(self):
        t = self.client("teacher")
        pid = self.new_plan(t)
        r = t.get(f"/plans/{pid}/edit")
        self.assertEqual(r.status, 200)
        self.assertIn("Fraction strips", r.text)
        r = self.post_plan(t, path=f"/plans/{pid}", tier="3", students=["stu-1"])
        self.assertEqual(r.status, 303, r.text[:1500])
        text = visible(t.get(f"/plans/{pid}").text)
        self.assertIn("Tier 3 plan", text)
        self.assertNotIn("Sara Two", text)
        r = self.post_plan(t, path=f"/plans/{pid}", end_date="2020-01-01")
        self.assertEqual(r.status, 400)
        self.assertIn("Tier 3 plan", visible(t.get(f"/plans/{pid}").text))
        a = self.client("admin")
        log = a.get("/admin/audit").text
        self.assertIn("intervention plan, tier 3", log)

    def test_lists_filters_and_exports(self):
        t = self.client("teacher")
        pid = self.new_plan(t, tier="3", students=["stu-2"],
                            start_date=(datetime.date.today() - datetime.timedelta(days=30))
                            .isoformat())
        r = t.get("/plans?class=cls-a1-3&tier=3")
        self.assertEqual(r.status, 200)
        self.assertIn(f'href="/plans/{pid}"', r.text)
        self.assertIn("overdue", r.text)
        self.assertIn(f'href="/plans/{pid}"', t.get("/plans?overdue=1&mine=1").text)
        self.assertIn(f'href="/plans/{pid}"', t.get(f"/plans?owner={TEACHER}").text)
        self.assertNotIn(f'href="/plans/{pid}"', t.get(f"/plans?owner={PRINCIPAL}").text)
        self.assertNotIn(f'href="/plans/{pid}"', t.get("/plans?class=cls-a1-3&tier=2").text)
        r = t.get("/plans?class=cls-a1-3&format=csv")
        self.assertEqual(r.status, 200)
        self.assertIn("text/csv", r.header("Content-Type"))
        self.assertTrue(r.text.startswith("plan,tier,status,students"))
        self.assertIn("Two, Sara", r.text)
        r = t.get("/plans?format=xlsx")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body[:2], b"PK")
        self.assertEqual(t.get("/plans?format=pdf").status, 400)
        # the principal of the school sees it; the school's list too
        p = self.client("principal")
        self.assertIn(f'href="/plans/{pid}"', p.get("/plans").text)
        self.assertEqual(p.get(f"/plans/{pid}").status, 200)
        self.assertEqual(p.get("/plans?school=sch-a2").status, 404)
        # the other district's administrator: never
        o = self.client("other.admin")
        self.assertEqual(o.get(f"/plans/{pid}").status, 404)
        self.assertNotIn(f'href="/plans/{pid}"', o.get("/plans").text)
        self.assertEqual(o.get(f"/plans/{pid}/edit").status, 404)
        # families and other roles: no plans list
        for login in ("parent", "student", "itstaff"):
            self.assertEqual(self.client(login).get("/plans").status, 403, login)

    def test_views_are_audited_per_student(self):
        t = self.client("teacher")
        pid = self.new_plan(t)
        self.assertEqual(t.get(f"/plans/{pid}").status, 200)
        a = self.client("admin")
        log = a.get("/admin/audit?subject_type=student&action=view").text
        self.assertIn(f"intervention plan {pid}", log)
        self.assertIn("Sam One", log)
        self.assertIn("Sara Two", log)
        # a look refused (another school's principal would be; here the other
        # district's administrator) is audited as refused, in its own district
        o = self.client("other.admin")
        self.assertEqual(o.get(f"/plans/{pid}").status, 404)
        self.assertIn(f"plan {pid}", self.client("other.admin").get(
            "/admin/audit?action=refused").text)

    def test_teacher_home_leads_with_check_ins_due(self):
        t = self.client("teacher")
        start = (datetime.date.today() - datetime.timedelta(days=40)).isoformat()
        pid = self.new_plan(t, start_date=start, checkin_every_days="7",
                            students=["stu-1"])
        home = t.get("/home").text
        nxt = home[home.index('id="h-next"'):home.index("</section>")]
        self.assertIn(f'href="/plans/{pid}"', nxt)
        self.assertIn("Check-in due", nxt)

    def test_learning_plan_for_staff_student_and_family(self):
        t = self.client("teacher")
        r = t.post("/students/stu-1/learning-plan/goals", {"standard": "3.nf.a.1",
                                                           "note": "next unit"})
        self.assertEqual(r.status, 303, r.text)
        r = t.get("/students/stu-1/learning-plan")
        self.assertEqual(r.status, 200)
        self.assertIn("3.NF.A.1", r.text)
        # the same goal twice, an unknown standard: 400, nothing stored
        n = self.count("learning_goal")
        for std, words in (("3.NF.A.1", "already"), ("9.ZZ.Z.9", "not")):
            r = t.post("/students/stu-1/learning-plan/goals", {"standard": std})
            self.assertEqual(r.status, 400)
            self.assertIn(words, r.text)
        self.assertEqual(self.count("learning_goal"), n)
        gid = db_execute(self.db,
                         "SELECT id FROM learning_goal WHERE student_sourced_id='stu-1'")[0][0]
        r = t.post("/students/stu-1/learning-plan/pathways",
                   {"goal_id": str(gid), "tool_id": "1", "title": "Quizzy",
                    "what": "fraction practice sets"})
        self.assertEqual(r.status, 303, r.text)
        # another class's student: not the teacher's to see
        self.assertEqual(t.get("/students/stu-3/learning-plan").status, 404)
        self.assertEqual(t.post("/students/stu-3/learning-plan/goals",
                                {"standard": "3.NF.A.1"}).status, 404)
        # the student: plain words, writes the reflection, sets a goal
        s = self.client("student")
        r = s.get("/students/stu-1/learning-plan")
        self.assertEqual(r.status, 200)
        text = visible(r.text)
        self.assertNotRegex(text, STANDARD_CODE)
        self.assertIn("Your goals", text)
        self.assertIn("fraction practice sets", text)
        self.assertEqual(s.post("/students/stu-1/learning-plan/reflection",
                                {"reflection": "Fractions on a line are getting easier"})
                         .status, 303)
        self.assertEqual(s.post("/students/stu-1/learning-plan/goals",
                                {"standard": "3.OA.A.1"}).status, 303)
        self.assertEqual(s.get("/students/stu-2/learning-plan").status, 404)
        # the family reads it, in plain words, and may not write
        p = self.client("parent")
        r = p.get("/students/stu-1/learning-plan")
        self.assertEqual(r.status, 200)
        text = visible(r.text)
        self.assertIn("Fractions on a line are getting easier", text)
        self.assertNotRegex(text, STANDARD_CODE)
        self.assertEqual(p.post("/students/stu-1/learning-plan/reflection",
                                {"reflection": "x"}).status, 403)
        self.assertEqual(p.post("/students/stu-1/learning-plan/goals",
                                {"standard": "3.OA.A.1"}).status, 403)
        self.assertIn("/learning-plan", p.get("/students/stu-1").text)
        # the class at a glance
        r = t.get("/classes/cls-a1-3/learning-plans")
        self.assertEqual(r.status, 200)
        self.assertIn("One, Sam", r.text)
        self.assertIn("written", r.text)
        # every change and view audited under the student
        log = self.client("admin").get("/admin/audit?subject_type=student").text
        self.assertIn("learning plan: goal 3.NF.A.1 added", log)
        self.assertIn("learning plan: reflection written", log)


if __name__ == "__main__":
    unittest.main()
