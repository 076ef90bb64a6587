"""Teams, meetings, decisions and action items (issue 15, h15-teams;
docs/teams.md) against the real binary: starting a team and adding members
(a user of another district, a parent account as staff, a family
representative by name); every route of the room; the refusals (a due date
before the meeting, an owner outside the team, an empty agenda item) answer
400 with the reason and store nothing; a status decision of an initiative's
team reaches the initiative, whose page names the meeting; who sees a team
(a teacher not on it, a principal of another school: 403; a family account:
403); the homes' action items; the reminders over a real SMTP server
(smtp_sink.py), once per item and day."""
import datetime
import os
import re
import shutil
import tempfile
import time
import unittest

from ebtest import Server, TempDir, db_execute, make_district, run
from test_family_send import Sink


def count(db, sql, *args):
    return db_execute(db, sql, args)[0][0]


def day(offset):
    """The district's day (America/Chicago) offset by some days."""
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)
    return (now + datetime.timedelta(days=offset)).strftime("%Y-%m-%d")


def create_initiative(db):
    p = run("initiative", "create", "--title", "Fraction videos", "--need", "Fractions",
            "--tool", "Quizzy", "--tool-id", "1", "--schools", "sch-a1", "--grades", "3",
            "--start", "2026-09-01", "--review", "2027-01-15", "--outcome", "Winter",
            "--success", "+5 points", "--dosage", "60", "--quiz-builder", "coord",
            "--monitor", "coach", "--monitor-every", "14", "--evaluator", "coord",
            "--teacher-support", "coach", "--family-contact", "principal",
            "--district-id", "1", db=db)
    return int(p.stdout.split()[1])


class Teams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebtest-teams-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)
        cls.init = create_initiative(cls.db)
        # a second teacher (Cedar) with an email sign-in, for the reminders
        run("user", "add", "--login", "tess@alder.example", "--role", "teacher",
            "--scope", "school:sch-a2", "--name", "Tess Second", "--district-id", "1",
            db=cls.db, input="test-password-1\n")
        os.makedirs(os.path.join(cls.dir, "mail"))
        cls.sink = Sink(os.path.join(cls.dir, "mail"))
        wday = (time.gmtime().tm_wday + 3) % 7 + 1  # no weekly family send during the test
        run("families", "settings", "--smtp-url", "smtp://127.0.0.1:%d" % cls.sink.port,
            "--smtp-plain-loopback", "yes", "--mail-from", "teams@alder.example",
            "--send-day", str(wday), "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()
        cls.users = {}
        for login in ("coord", "coach", "teacher", "principal", "parent", "vendor",
                      "tess@alder.example"):
            c = cls.srv.client()
            r = c.login(login, password="test-password-1") if "@" in login else c.login(login)
            assert r.status == 303, (login, r.status)
            cls.users[login] = c

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.sink.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def new_team(self, who="coach", **fields):
        form = {"name": "Fractions team", "kind": "initiative", "initiative": str(self.init),
                "school": "", "grade": "", "purpose": "Watch the pilot"}
        form.update(fields)
        r = self.users[who].post("/teams/new", form)
        self.assertEqual(r.status, 303, r.text[:2000])
        return int(re.match(r"/teams/(\d+)$", r.header("Location")).group(1))

    def member(self, team, **fields):
        return self.users["coach"].post("/teams/%d/members" % team, fields)

    def member_id(self, team, name):
        return db_execute(self.db, "SELECT m.id FROM team_member m LEFT JOIN account a ON"
                          " a.id=m.account_id WHERE m.team_id=? AND (m.name=? OR"
                          " a.login=?)", (team, name, name))[0][0]

    def meeting(self, team, date, who="coach", agenda="Look at the data\nDecide"):
        r = self.users[who].post("/teams/%d/meetings" % team,
                                 {"date": date, "time": "15:30", "minutes": "45",
                                  "place": "Library", "agenda": agenda})
        self.assertEqual(r.status, 303, r.text[:2000])
        return int(re.match(r"/meetings/(\d+)$", r.header("Location")).group(1))

    def test_a_team_members_and_refusals(self):
        coach = self.users["coach"]
        # refused teams: no name, a school that is not one; nothing stored
        before = count(self.db, "SELECT count(*) FROM team")
        r = coach.post("/teams/new", {"name": "", "kind": "school", "school": "sch-a1"})
        self.assertEqual(r.status, 400)
        self.assertIn("give the team a name", r.text)
        r = coach.post("/teams/new", {"name": "X", "kind": "school", "school": "nowhere"})
        self.assertEqual(r.status, 400)
        self.assertIn("choose a school of this district", r.text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM team"), before)
        # a teacher does not start teams
        self.assertEqual(self.users["teacher"].post("/teams/new", {"name": "T"}).status, 403)
        t = self.new_team()
        members = count(self.db, "SELECT count(*) FROM team_member")
        # a member who is not a user of this district; a parent account as staff
        r = self.member(t, role="teacher", account="other.admin")
        self.assertEqual(r.status, 400)
        self.assertIn("is not a user of this district", r.text)
        r = self.member(t, role="teacher", account="parent")
        self.assertEqual(r.status, 400)
        self.assertIn("family or student account", r.text)
        r = self.member(t, role="family_rep", name="", email="")
        self.assertEqual(r.status, 400)
        self.assertIn("write the person", r.text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM team_member"), members)
        # the team: a teacher, the vendor contact, a family representative by name
        for fields in ({"role": "teacher", "account": "teacher"},
                       {"role": "vendor_contact", "account": "vendor"},
                       {"role": "family_rep", "name": "Ana Ruiz", "email": "ana@example.org"},
                       {"role": "partner", "name": "Dr. Lee", "connector": "1"}):
            r = self.member(t, **fields)
            self.assertEqual((r.status, r.header("Location")),
                             (303, "/teams/%d?done=member" % t), r.text[:1500])
        page = coach.get("/teams/%d" % t)
        self.assertEqual(page.status, 200)
        for words in ("Ana Ruiz", "Family representative", "no access to student records",
                      "Vendor contact", "What the team watches", "Fraction videos",
                      "Open tickets on Quizzy"):
            self.assertIn(words, page.text)
        # the family representative has no account: nothing was made for them
        self.assertEqual(count(self.db, "SELECT count(*) FROM account WHERE display_name="
                                        "'Ana Ruiz'"), 0)
        # who sees the team: members, leaders of its school; not others
        self.assertEqual(self.users["teacher"].get("/teams/%d" % t).status, 200)
        self.assertEqual(self.users["principal"].get("/teams/%d" % t).status, 200)
        self.assertEqual(self.users["tess@alder.example"].get("/teams/%d" % t).status, 403)
        self.assertEqual(self.users["parent"].get("/teams/%d" % t).status, 403)
        self.assertEqual(self.users["parent"].get("/teams").status, 403)
        self.assertIn("Fractions team", self.users["teacher"].get("/teams").text)
        self.assertNotIn("Fractions team", self.users["tess@alder.example"].get("/teams").text)
        # a principal who is not on the team sees it but does not change it
        r = self.users["principal"].post("/teams/%d/members" % t,
                                         {"role": "teacher", "account": "champ"})
        self.assertEqual(r.status, 403)
        # a school team's page shows the school's mastery in aggregate only
        st = self.new_team(kind="school", school="sch-a1", name="Birch math team")
        page = coach.get("/teams/%d" % st)
        self.assertIn("Mastery at Birch Elementary", page.text)
        self.assertNotIn("/students/", page.text)

    def test_b_meeting_refusals_store_nothing(self):
        t = self.new_team(name="Meeting team")
        self.member(t, role="teacher", account="teacher")
        other = self.new_team(name="Other team")
        self.users["coach"].post("/teams/%d/members" % other,
                                 {"role": "teacher", "account": "tess@alder.example"})
        outsider = self.member_id(other, "tess@alder.example")
        owner = self.member_id(t, "teacher")
        g = self.meeting(t, "2026-03-10")
        coach = self.users["coach"]
        page = coach.get("/meetings/%d" % g)
        self.assertEqual(page.status, 200)
        self.assertIn("Look at the data", page.text)
        # an empty agenda item
        r = coach.post("/meetings/%d/agenda" % g, {"text": "   "})
        self.assertEqual(r.status, 400)
        self.assertIn("write the item", r.text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM meeting_agenda WHERE"
                                        " meeting_id=?", g), 2)
        # a due date before the meeting; an owner outside the team
        r = coach.post("/meetings/%d/actions" % g,
                       {"text": "Send the survey", "owner": str(owner), "due": "2026-03-09"})
        self.assertEqual(r.status, 400)
        self.assertIn("is before the meeting", r.text)
        r = coach.post("/meetings/%d/actions" % g,
                       {"text": "Send the survey", "owner": str(outsider),
                        "due": "2026-03-20"})
        self.assertEqual(r.status, 400)
        self.assertIn("choose a member of this team", r.text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM action_item WHERE meeting_id=?",
                               g), 0)
        # a bad meeting date
        r = coach.post("/teams/%d/meetings" % t, {"date": "2026-02-30", "time": "15:30"})
        self.assertEqual(r.status, 400)
        self.assertEqual(count(self.db, "SELECT count(*) FROM meeting WHERE team_id=?", t), 1)
        # the good ones
        r = coach.post("/meetings/%d/agenda" % g, {"text": "Next steps"})
        self.assertEqual((r.status, r.header("Location")), (303, "/meetings/%d?done=agenda" % g))
        r = coach.post("/meetings/%d/actions" % g,
                       {"text": "Send the survey", "owner": str(owner), "due": "2026-03-10"})
        self.assertEqual(r.status, 303)
        r = coach.post("/meetings/%d/attendance" % g, {"m%d" % owner: "present"})
        self.assertEqual(r.status, 303)
        r = coach.post("/meetings/%d/attendance" % g, {"m%d" % outsider: "present"})
        self.assertEqual(count(self.db, "SELECT count(*) FROM meeting_attendance WHERE"
                                        " member_id=?", outsider), 0)
        r = coach.post("/meetings/%d/notes" % g, {"notes": "We looked at the quiz data."})
        self.assertEqual(r.status, 303)
        page = coach.get("/meetings/%d" % g)
        self.assertIn("We looked at the quiz data.", page.text)
        self.assertIn("Send the survey", page.text)
        # the teacher owns it: their action items, overdue (the date is past)
        mine = self.users["teacher"].get("/action-items?show=overdue")
        self.assertEqual(mine.status, 200)
        self.assertIn("Send the survey", mine.text)
        self.assertIn("team action item", self.users["teacher"].get("/home").text)
        item = count(self.db, "SELECT id FROM action_item WHERE meeting_id=?", g)
        r = self.users["teacher"].post("/action-items/%d/status" % item, {"status": "done"})
        self.assertEqual(r.status, 303)
        self.assertEqual(count(self.db, "SELECT status='done' FROM action_item WHERE id=?",
                               item), 1)
        self.assertNotIn("Send the survey",
                         self.users["teacher"].get("/action-items?show=overdue").text)
        # a teacher of another school may not change this team's items
        r = self.users["tess@alder.example"].post("/action-items/%d/status" % item,
                                                  {"status": "open"})
        self.assertEqual(r.status, 403)
        self.assertEqual(self.users["tess@alder.example"].get("/meetings/%d" % g).status, 403)
        # the team's items
        r = coach.get("/action-items?team=%d&show=all" % t)
        self.assertEqual(r.status, 200)
        self.assertIn("Send the survey", r.text)

    def test_c_initiative_decision_keeps_its_meeting(self):
        t = self.new_team(name="Decision team")
        g = self.meeting(t, "2026-09-15")
        coach = self.users["coach"]
        status = lambda: count(self.db, "SELECT status FROM initiative WHERE id=?", self.init)
        before = status()
        # a move the initiative refuses (planned -> continued): nothing stored
        r = coach.post("/meetings/%d/decisions" % g, {"text": "Keep going",
                                                      "status": "continued"})
        self.assertEqual(r.status, 400)
        self.assertEqual(status(), before)
        self.assertEqual(count(self.db, "SELECT count(*) FROM meeting_decision WHERE"
                                        " meeting_id=?", g), 0)
        r = coach.post("/meetings/%d/decisions" % g, {"text": "Start the pilot",
                                                      "status": "piloting"})
        self.assertEqual(r.status, 303, r.text[:1500])
        self.assertEqual(status(), "piloting")
        r = coach.post("/meetings/%d/decisions" % g, {"text": "Meet every other week"})
        self.assertEqual(r.status, 303)
        page = coach.get("/meetings/%d" % g)
        self.assertIn("the initiative moved from planned to piloting", page.text)
        ini = self.users["coord"].get("/initiatives/%d" % self.init)
        self.assertIn('href="/meetings/%d"' % g, ini.text)

    def test_d_reminders_once_per_item_and_day(self):
        t = self.new_team(name="Reminder team")
        self.member(t, role="teacher", account="tess@alder.example")
        self.member(t, role="family_rep", name="Rosa Diaz", email="rosa@example.org")
        self.member(t, role="family_rep", name="No Mail")
        g = self.meeting(t, day(-3))
        coach = self.users["coach"]
        for text, who, due in (("Overdue survey", "tess@alder.example", day(-1)),
                               ("Bring the flyers", "Rosa Diaz", day(1)),
                               ("Far away", "tess@alder.example", day(30)),
                               ("Nobody to mail", "No Mail", day(0))):
            r = coach.post("/meetings/%d/actions" % g,
                           {"text": text, "owner": str(self.member_id(t, who)), "due": due})
            self.assertEqual(r.status, 303, r.text[:1500])
        run("teams", "remind", db=self.db)
        deadline = time.time() + 10
        got = {}
        while time.time() < deadline:
            got = {m["To"]: m["Subject"] for _, m in self.sink.messages()
                   if m["To"] in ("tess@alder.example", "rosa@example.org")}
            if len(got) == 2:
                break
            time.sleep(0.2)
        self.assertIn("Overdue survey", got.get("tess@alder.example", ""))
        self.assertIn("was due", got.get("tess@alder.example", ""))
        self.assertIn("Bring the flyers", got.get("rosa@example.org", ""))
        subjects = [m["Subject"] for _, m in self.sink.messages()]
        self.assertFalse(any("Far away" in s for s in subjects))
        # a second run the same day sends nothing
        n = len(self.sink.messages())
        out = run("teams", "remind", db=self.db).stdout
        self.assertIn("reminders sent: 0", out)
        time.sleep(0.5)
        self.assertEqual(len(self.sink.messages()), n)
        self.assertEqual(count(self.db, "SELECT count(*) FROM action_item_reminder WHERE"
                                        " status='no_address'"), 1)


if __name__ == "__main__":
    unittest.main()
