"""Each staff role's home page answers "what needs me today?" (issue 11): the
next steps first, then a section per role, built from what edbridge knows,
in plain words: schools, classes and tools by name, never their roster ids.
On a small demo district (every role, tools, data, initiatives) and on the
fixture district, where the tests make the problems the homes must show."""
import html as htmllib
import os
import re
import shutil
import tempfile
import time
import unittest

from ebtest import Server, TempDir, db_execute, field_error, make_district, run

DEMO_PW = "edbridge-demo"
# roster ids as the demo and the fixtures spell them: never in the text people read
RAW_ID = re.compile(r"\b(?:sch|cls|stu|tch|gdn|prn|stf|dist)-[\w-]+")


def visible(html):
    """The text a person reads: tags, attributes and hidden inputs dropped."""
    main = html.split('<main id="main">', 1)[-1].split("</main>", 1)[0]
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def sections(html):
    return re.findall(r"<h2[^>]*>(.*?)</h2>", html)


class DemoHomes(unittest.TestCase):
    """One small demo district for every test of the class (built once)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ebtest-homes-")
        cls.db = os.path.join(cls.tmp, "demo.db")
        run("demo", "--db", cls.db, "--students", "120", "--seed", "3", "--no-serve")
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def q(self, sql, *args):
        return db_execute(self.db, sql, args)

    def home(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login, DEMO_PW, district=0).status, 303, login)
        r = c.get("/home")
        self.assertEqual(r.status, 200, login)
        return c, r.text

    def test_every_staff_home_leads_with_next_steps_in_plain_words(self):
        for login in ("admin", "coordinator", "principal", "coach", "teacher", "champion",
                      "itstaff", "vendor"):
            _, html = self.home(login)
            h2 = sections(html)
            self.assertEqual(h2[0], "Next steps", login)
            self.assertGreater(len(h2), 1, login)
            text = visible(html)
            self.assertIsNone(RAW_ID.search(text), f"{login}: {RAW_ID.search(text)}")
            for code in ("under_review", "approved_with_conditions", "it_staff", " cli "):
                self.assertNotIn(code, text, login)

    def test_teacher_sees_each_class_its_students_needing_attention_and_tools(self):
        c, html = self.home("teacher")
        person = self.q("SELECT person_sourced_id FROM account WHERE login='teacher'")[0][0]
        classes = self.q("SELECT c.sourced_id, c.title FROM class c JOIN enrollment e"
                         " ON e.district_id=c.district_id AND e.class_sourced_id=c.sourced_id"
                         " WHERE e.user_sourced_id=? AND e.role='teacher'", person)
        self.assertTrue(classes)
        text = visible(html)
        for sid, title in classes:
            self.assertIn(title, text)
            # one click to the class mastery grid, on the unit being worked on
            self.assertRegex(html, rf'href="/classes/{sid}/mastery(\?cluster=[\w.-]+)?">'
                                   r"Open the class mastery grid<")
        self.assertRegex(text, r"Grade \d+ · ")           # the grade in words
        self.assertIn("Working on", text)
        self.assertRegex(text, r"\d+ of \d+ students? needs? attention")
        self.assertIn("Data from tools", text)
        self.assertRegex(text, r"Numberwise Adaptive Practice ?: \d+ of \d+ students, last activity")
        # the step leads to the grid of the unit
        step = re.search(r'<section aria-labelledby="h-next".*?</section>', html, re.S).group(0)
        link = re.search(r'href="(/classes/[^"]+/mastery\?cluster=[^"]+)"', step).group(1)
        grid = c.get(link.replace("&amp;", "&"))
        self.assertEqual(grid.status, 200)
        self.assertIn("students needing attention first", grid.text)

    def test_principal_sees_the_school_by_name(self):
        _, html = self.home("principal")
        sid = self.q("SELECT scope_id FROM account_role r JOIN account a ON a.id=r.account_id"
                     " WHERE a.login='principal'")[0][0]
        name = self.q("SELECT name FROM org WHERE sourced_id=?", sid)[0][0]
        self.assertIn(name, sections(html))
        text = visible(html)
        self.assertNotIn(sid, text)
        self.assertIn(f'href="/whats-working?school={sid}">What&#39;s working at {name}<', html)
        self.assertIn("Tools in use", text)
        self.assertRegex(text, r"Numberwise Adaptive Practice ?: \d+ of \d+ students")
        self.assertIn("Where students struggle most", text)
        self.assertRegex(html, r'href="/standards/[\w.-]+/mastery"')

    def test_coordinator_sees_decisions_struggles_whats_working_and_tools(self):
        c, html = self.home("coordinator")
        text = visible(html)
        for title, in self.q("SELECT title FROM initiative WHERE status='under_review'"):
            self.assertIn(title, text)
        self.assertIn("Decisions waiting", sections(html))
        self.assertIn('href="/whats-working">What&#39;s working<', html)
        self.assertIn("Where the district's students struggle most", sections(html))
        std = re.search(r'href="(/standards/[\w.-]+/mastery)"', html).group(1)
        self.assertEqual(c.get(std).status, 200)     # the standard view, one click
        self.assertIn("As of the nightly mastery refit", text)
        self.assertIn("Tools with data problems or requests", sections(html))

    def test_coach_sees_schools_their_weakest_standards_and_their_part(self):
        _, html = self.home("coach")
        text = visible(html)
        for name, in self.q("SELECT name FROM org WHERE type='school'"):
            self.assertIn(name, text)
        self.assertIn("Your part in initiatives", text)
        self.assertIn("you build the quiz", text)       # the demo's coach builds the quizzes
        self.assertRegex(text, r"\d+% Not yet, of \d+ students measured")

    def test_it_staff_and_champion_see_tools_and_their_data(self):
        _, html = self.home("itstaff")
        text = visible(html)
        self.assertIn("Tools and their data", sections(html))
        for name, in self.q("SELECT name FROM tool"):
            self.assertIn(name, text)
        self.assertIn("Kept aside this week", text)
        self.assertRegex(text, r"\d+ active")
        _, html = self.home("champion")
        school = self.q("SELECT o.name FROM org o JOIN account_role r ON r.scope_id=o.sourced_id"
                        " JOIN account a ON a.id=r.account_id WHERE a.login='champion'"
                        " AND r.role='tech_champion'")[0][0]
        self.assertIn(f"Tech champion at {school}", sections(html))
        self.assertIn("Tools you champion", visible(html))
        self.assertIn("Your classes", sections(html))    # the demo's champion also teaches

    def test_vendor_sees_their_tools_data_health_and_no_schools(self):
        c, html = self.home("vendor")
        tool = self.q("SELECT t.name FROM tool t JOIN account_role r ON r.scope_type='tool'"
                      " AND r.scope_id=CAST(t.id AS TEXT) JOIN account a ON a.id=r.account_id"
                      " WHERE a.login='vendor'")[0][0]
        self.assertIn(f"{tool}: data health", sections(html))
        self.assertIn("Last received", visible(html))
        nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)
        self.assertNotIn('href="/schools"', nav)
        self.assertEqual(c.get("/schools").status, 403)

    def test_admin_sees_next_admin_steps(self):
        _, html = self.home("admin")
        text = visible(html)
        self.assertIn("District administration", sections(html))
        for what in ("Roster", "last imported", "Time zone", "America/Chicago",
                     "locked account"):
            self.assertIn(what, text)
        self.assertIn('href="/admin/district"', html)


class HomesShowProblems(TempDir):
    """The fixture district: the tests make each problem and its next step."""

    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        out = run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db).stdout
        self.tool = int(re.search(r"tool_id: (\d+)", out).group(1))
        run("tool", "status", "Quizzy", "--set", "approved", "--reason", "fine",
            "--district-id", "1", db=self.db)

    def sql(self, sql, *args):
        db_execute(self.db, sql, args)

    def steps(self, c):
        html = c.get("/home").text
        m = re.search(r'<section aria-labelledby="h-next".*?</section>', html, re.S)
        return visible(m.group(0)), html

    def test_tool_problems_reach_it_staff_and_the_coordinator(self):
        with Server(self.db) as srv:
            it = srv.client()
            it.login("itstaff")
            co = srv.client()
            co.login("coord")
            steps, _ = self.steps(it)
            self.assertIn("Quizzy: approved, but it has no credential to send data with yet",
                          steps)
            # data arrived five days ago, then nothing
            self.sql("INSERT INTO tool_total VALUES (1, ?, 1, 0, ?)", self.tool,
                     int(time.time()) - 5 * 86400 - 60)
            for c in (it, co):
                steps, html = self.steps(c)
                self.assertIn("Quizzy: no data received for 5 days", steps)
                self.assertIn(f'href="/tools/{self.tool}"', html)
            # events kept aside this week
            self.sql("INSERT INTO tool_day VALUES (1, ?, ?, 0, 7)", self.tool,
                     int(time.time()) // 86400)
            steps, _ = self.steps(it)
            self.assertIn("Quizzy: 7 events kept aside this week", steps)
            # a teacher's request waits for the coordinator
            t = srv.client()
            t.login("teacher")
            t.get("/tools/request")
            self.assertEqual(t.post("/tools/request", {"name": "Geo", "need": "shapes"}).status, 303)
            steps, _ = self.steps(co)
            self.assertIn("Geo: a request waits for review (Requested)", steps)

    def test_locked_accounts_and_a_missing_roster_reach_the_admin(self):
        self.sql("UPDATE account SET locked_at=?, failed_logins=50 WHERE login='teacher'",
                 int(time.time()))
        with Server(self.db) as srv:
            a = srv.client()
            a.login("admin")
            steps, _ = self.steps(a)
            self.assertIn("1 account is locked after too many failed sign-ins", steps)

    def test_nothing_to_do_says_so(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("principal")
            steps, html = self.steps(c)
            self.assertIn("Nothing needs you right now.", steps)
            self.assertIn("Birch Elementary", sections(html))   # sch-a1, by name
            self.assertNotIn("sch-a1", visible(html))


class TimeZone(TempDir):
    def test_times_in_the_district_time_zone_and_the_setting_form(self):
        db = make_district(self.tmp)
        with Server(db) as srv:
            a = srv.client()
            a.login("admin")
            self.assertIn("America/Chicago", a.get("/admin/district").text)
            # a bad zone: the error at the field, in words, nothing stored
            r = a.post("/admin/district", {"time_zone": "Mars/Olympus"})
            self.assertEqual(r.status, 400)
            self.assertIn("Choose one of the listed time zones", field_error(r.text, "time_zone"))
            self.assertIn('aria-invalid="true"', r.text)
            self.assertRegex(r.text, r'aria-describedby="tz-hint err-time_zone"')
            self.assertNotIn("time_zone:", r.text)
            r = a.post("/admin/district", {"time_zone": "../../etc/passwd"})
            self.assertEqual(r.status, 400)
            r = a.post("/admin/district", {"time_zone": "Asia/Kolkata"})
            self.assertEqual(r.status, 200)
            self.assertIn("Saved", r.text)
            audit = a.get("/admin/audit").text
            self.assertRegex(audit, r"<td>\d{4}-\d\d-\d\d \d\d:\d\d IST</td>")
            self.assertIn("the district&#39;s settings", audit)
        p = run("init", "--district", "X", "--time-zone", "Nowhere/Land", db=db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a time zone", p.stderr)


if __name__ == "__main__":
    unittest.main()
