"""`edbridge demo`: the simulated district through the real import paths,
one login per role, tools sending data, initiatives to evaluate."""
import os
import re

from ebtest import Server, TempDir, db_arg, db_connect, run


class Demo(TempDir):
    def test_small_demo_end_to_end(self):
        db = os.path.join(self.tmp, "demo.db")
        out = run("demo", "--db", db, "--students", "600", "--seed", "3", "--no-serve").stdout
        self.assertIn("users.csv:", out)
        for login in ("admin", "coordinator", "principal", "coach", "teacher", "champion",
                      "itstaff", "vendor", "parent", "student"):
            self.assertRegex(out, rf"\n  {login} ")
        code = re.search(r"access code for 'parent'.*: (\S+)", out).group(1)
        # --no-serve says where it would be served and how; the parent's line
        # says how many children the parent really has
        # (on PostgreSQL the database is the URL the test made of db)
        self.assertIn("Serve it with: edbridge serve --db " + db_arg(db), out)
        self.assertIn("Log in at http://127.0.0.1:8080 with any of these", out)
        con = db_connect(db)
        kids = con.execute("SELECT count(*) FROM account_role r JOIN account a ON a.id ="
                           " r.account_id WHERE a.login='parent' AND r.role='guardian'"
                           ).fetchone()[0]
        con.close()
        words = {1: "one child", 2: "two children", 3: "three children"}
        self.assertRegex(out, r"\n  parent +parent of " + words[kids] + "\n")
        con = db_connect(db)
        q = lambda sql: con.execute(sql).fetchone()[0]
        self.assertEqual(q("SELECT count(*) FROM person WHERE role='student'"), 600)
        # the five simulated tools and the district's common assessments (issue 12)
        self.assertEqual(q("SELECT count(*) FROM tool WHERE status='approved'"), 6)
        # every tool's data arrived through its own path, matched to the roster
        self.assertEqual(q("SELECT count(DISTINCT tool_id) FROM learning_event"
                           " WHERE tool_id <> 0"), 6)
        # and the SIS's gradebook results (issue 17), under the district's own tool 0
        self.assertGreater(q("SELECT count(*) FROM learning_event WHERE tool_id = 0"), 0)
        self.assertEqual(q("SELECT count(*) FROM common_assessment"), 1)
        self.assertGreater(q("SELECT count(*) FROM common_response"), 100)
        self.assertEqual(q("SELECT count(*) FROM quarantine"), 0)
        self.assertGreater(q("SELECT count(*) FROM xapi_statement"), 1000)
        self.assertGreater(q("SELECT count(*) FROM caliper_event"), 1000)
        self.assertEqual(q("SELECT count(*) FROM initiative"), 5)
        con.close()
        # running it again serves what is there
        again = run("demo", "--db", db, "--no-serve").stdout
        self.assertIn("already holds a district", again)
        with Server(db) as srv:
            c = srv.client()
            self.assertEqual(c.login("teacher", "edbridge-demo").status, 303)
            home = c.get("/home").text
            cls = re.search(r'href="/classes/([^"]+)"', home).group(1)
            self.assertEqual(c.get(f"/classes/{cls}").status, 200)
            # today's team meeting is listed once on the teacher's home (under
            # "Your teams"), and the coach's home lists the day's meetings in
            # time order: the 15:30 debrief before the 16:00 team meeting
            self.assertEqual(home.count("Practice tool pilot team"), 1)
            ch = srv.client()
            ch.login("coach", "edbridge-demo")
            coach_home = ch.get("/home").text
            self.assertLess(coach_home.index("15:30 Debrief"),
                            coach_home.index("16:00 Team meeting"))
            co = srv.client()
            co.login("coordinator", "edbridge-demo")
            ww = co.get("/whats-working")
            self.assertEqual(ww.status, 200)
            wide = re.search(r'<div class="chart-wide">(.*?)</div>', ww.text, re.S).group(1)
            self.assertEqual(wide.count("<circle") + wide.count("<rect"), 5,
                             "one point per evaluated initiative")
            fam = srv.client()
            fam.get("/login/code")
            self.assertEqual(fam.post("/login/code", {"code": code}).status, 303)
            self.assertIn("Your children", fam.get("/home").text)
