"""Coaching cycles (issue 15, h15-cycles; docs/coaching.md) against the real
binary: starting a cycle (refused ones store nothing), entries, action steps
(a due date before the start, an owner outside the cycle: refused, nothing
stored), resources, goals (a target outside 1..100 %, refused; a standard
the class's grade does not study: warned, stored once confirmed), the
cycle's page with its progress and links, who reads the notes (the
principal sees the phase, not the notes, until the teacher shares them),
the audit, the phases, the caseload and the homes."""
import datetime
import unittest
import urllib.parse
import zoneinfo

from ebtest import Server, TempDir, db_connect, make_district


def count(db, sql, *args):
    with db_connect(db) as c:
        return c.execute(sql, args).fetchone()[0]


def account_id(db, login):
    return count(db, "SELECT id FROM account WHERE login=? AND district_id=1", login)


def post_multi(client, path, pairs):
    """A form with repeated fields (teachers, classes)."""
    pairs = list(pairs) + [("csrf", client.csrf)]
    return client.request("POST", path, body=urllib.parse.urlencode(pairs),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


def today():
    return datetime.datetime.now(zoneinfo.ZoneInfo("America/Chicago")).date().isoformat()


class Coaching(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def start(self, coach, extra=()):
        teacher = str(account_id(self.db, "teacher"))
        return post_multi(coach, "/coaching/new",
                          [("title", "Fractions in Room 12"), ("teachers", teacher),
                           ("classes", "cls-a1-3"), ("started_on", "2026-09-01")] + list(extra))

    def test_cycle_goals_steps_and_who_reads_the_notes(self):
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            r = coach.get("/coaching/new")
            # the form lists the teachers with the classes they teach
            self.assertIn('name="classes" id="c-', r.text)
            self.assertIn('value="cls-a1-3"', r.text)
            teacher = str(account_id(self.db, "teacher"))
            principal = str(account_id(self.db, "principal"))
            # refused: no teacher, an unknown class, a bad date; nothing stored
            for pairs, words in (
                    ([("title", "X"), ("classes", "cls-a1-3"), ("started_on", "2026-09-01")],
                     "choose at least one teacher"),
                    ([("title", "X"), ("teachers", teacher), ("classes", "cls-nope"),
                      ("started_on", "2026-09-01")], "no class cls-nope"),
                    ([("title", "X"), ("teachers", principal), ("classes", "cls-a1-3"),
                      ("started_on", "2026-09-01")], "is not a teacher"),
                    ([("title", "X"), ("teachers", teacher), ("classes", "cls-a1-3"),
                      ("started_on", "2026-02-30")], "YYYY-MM-DD")):
                r = post_multi(coach, "/coaching/new", pairs)
                self.assertEqual(r.status, 400, words)
                self.assertIn(words, r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_cycle"), 0)
            r = self.start(coach)
            self.assertEqual((r.status, r.header("Location")), (303, "/coaching/1"))

            # an entry today (a meeting) with a note
            r = coach.post("/coaching/1/entries", {"kind": "kickoff", "day": today(),
                                                   "at": "09:30",
                                                   "notes": "Pacing worries in unit 2"})
            self.assertEqual(r.status, 303)
            r = coach.post("/coaching/1/entries", {"kind": "kickoff", "day": "2026-08-01",
                                                   "notes": "x"})
            self.assertEqual(r.status, 400)
            self.assertIn("cycle started on 2026-09-01", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_entry"), 1)

            # steps: due before the start, an owner outside the cycle
            r = coach.post("/coaching/1/steps", {"body": "Try a number talk", "owner": teacher,
                                                 "due": "2026-08-30"})
            self.assertEqual(r.status, 400)
            self.assertIn("before the cycle started", r.text)
            r = coach.post("/coaching/1/steps", {"body": "Try a number talk",
                                                 "owner": principal, "due": "2026-09-30"})
            self.assertEqual(r.status, 400)
            self.assertIn("not part of this cycle", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_step"), 0)
            r = coach.post("/coaching/1/steps", {"body": "Try a number talk", "owner": teacher,
                                                 "due": "2099-01-01"})
            self.assertEqual(r.status, 303)

            # resources: a link needs its words
            r = coach.post("/coaching/1/resources", {"kind": "url",
                                                     "ref": "https://example.org/talks"})
            self.assertEqual(r.status, 400)
            r = coach.post("/coaching/1/resources", {"kind": "tool", "ref": "999"})
            self.assertEqual(r.status, 400)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_resource"), 0)
            r = coach.post("/coaching/1/resources", {"kind": "url", "title": "Number talks",
                                                     "ref": "https://example.org/talks"})
            self.assertEqual(r.status, 303)

            # goals: a target outside 1..100 %; a grade 7 standard in a grade 3
            # class is warned (409, nothing stored), then kept when confirmed
            goal = {"kind": "students", "class": "cls-a1-3", "standards": "3.NF.A.1",
                    "target": "150", "target_on": "2027-03-15"}
            r = coach.post("/coaching/1/goals", goal)
            self.assertEqual(r.status, 400)
            self.assertIn("1 to 100", r.text)
            r = coach.post("/coaching/1/goals", dict(goal, target="80", standards="7.RP.A.2"))
            self.assertEqual(r.status, 409)
            self.assertIn("7.RP.A.2 is a grade 7 standard", r.text)
            self.assertIn("Keep the goal anyway", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_goal"), 0)
            r = coach.post("/coaching/1/goals", dict(goal, target="80", standards="7.RP.A.2",
                                                     confirm="1"))
            self.assertEqual(r.status, 303)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_goal"
                                            " WHERE off_grade=1"), 1)
            r = coach.post("/coaching/1/goals", dict(goal, target="80"))
            self.assertEqual(r.status, 303)

            # the cycle's page: the goal's sentence, the links one click away, the notes
            r = coach.get("/coaching/1")
            self.assertEqual(r.status, 200)
            self.assertIn("secure now, 80 % by March 15", r.text)
            self.assertIn('href="/classes/cls-a1-3/groups"', r.text)
            self.assertIn('href="/classes/cls-a1-3/recommendations"', r.text)
            self.assertIn("Pacing worries in unit 2", r.text)
            self.assertIn("Try a number talk", r.text)
            self.assertIn("separate from evaluation", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE action='view'"
                                            " AND subject_type='class' AND"
                                            " subject_id='cls-a1-3' AND detail LIKE"
                                            " '%coaching%'"), 1)

            # the principal of the school sees the cycle and its phase, not the notes
            prin = srv.client()
            prin.login("principal")
            r = prin.get("/coaching")
            self.assertIn("Fractions in Room 12", r.text)
            r = prin.get("/coaching/1")
            self.assertEqual(r.status, 200)
            self.assertIn("Identify", r.text)
            self.assertNotIn("Pacing worries", r.text)
            self.assertNotIn("Try a number talk", r.text)
            coord = srv.client()
            coord.login("coord")
            self.assertNotIn("Pacing worries", coord.get("/coaching/1").text)
            r = coord.get("/coaching")
            self.assertIn("By school", r.text)
            # the counts by phase are cells, not escaped markup
            self.assertNotIn("&lt;td&gt;", r.text)
            self.assertRegex(r.text, r"<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td>")
            # they may not change it
            self.assertEqual(prin.post("/coaching/1/entries", {"kind": "debrief"}).status, 403)
            # the coach does not share; the teacher does
            r = coach.post("/coaching/1/share", {"account": principal})
            self.assertEqual(r.status, 403)
            t = srv.client()
            t.login("teacher")
            r = t.post("/coaching/1/share", {"account": principal, "share": "1"})
            self.assertEqual(r.status, 303)
            self.assertIn("Pacing worries", prin.get("/coaching/1").text)
            r = t.post("/coaching/1/share", {"account": principal, "share": "0"})
            self.assertEqual(r.status, 303)
            self.assertNotIn("Pacing worries", prin.get("/coaching/1").text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                            " subject_type='coaching_cycle' AND detail LIKE"
                                            " 'notes shar%'"), 2)
            # another district never sees it
            other = srv.client()
            other.login("other.admin")
            self.assertEqual(other.get("/coaching/1").status, 404)

            # homes: the coach's leads with today's meeting; the teacher's shows the cycle
            r = coach.get("/home")
            self.assertIn("Coaching today", r.text)
            self.assertIn("Meetings today", r.text)
            self.assertLess(r.text.index("Coaching today"), r.text.index("Schools you support"))
            r = t.get("/home")
            self.assertIn("Your coaching cycle", r.text)
            self.assertIn("Fractions in Room 12", r.text)

            # the step done; phases: only the coach, not before the start
            step = str(count(self.db, "SELECT id FROM coaching_step"))
            self.assertEqual(t.post("/coaching/1/steps/done", {"step": step}).status, 303)
            self.assertEqual(count(self.db, "SELECT count(*) FROM coaching_step"
                                            " WHERE done_on IS NOT NULL"), 1)
            self.assertEqual(t.post("/coaching/1/phase", {"phase": "learn"}).status, 403)
            r = coach.post("/coaching/1/phase", {"phase": "completed", "day": "2026-08-01"})
            self.assertEqual(r.status, 400)
            self.assertEqual(count(self.db, "SELECT phase FROM coaching_cycle"), "identify")
            r = coach.post("/coaching/1/phase", {"phase": "completed", "day": today()})
            self.assertEqual(r.status, 303)
            self.assertEqual(count(self.db, "SELECT phase FROM coaching_cycle"), "completed")
            self.assertIn("Completed", coach.get("/coaching").text)

    def test_caseload_needs_a_next_step(self):
        with Server(self.db) as srv:
            coach = srv.client()
            coach.login("coach")
            coach.get("/coaching/new")
            self.assertEqual(self.start(coach).status, 303)
            # started long ago with no entry since: the cycle needs a next step
            r = coach.get("/coaching")
            self.assertIn("needs a next step", r.text)
            self.assertIn("1 teacher in running cycles", r.text)
            r = coach.get("/home")
            self.assertIn("no meeting or note for two weeks", r.text)
            # a teacher or an administrator may not start one
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.get("/coaching/new").status, 403)


if __name__ == "__main__":
    unittest.main()
