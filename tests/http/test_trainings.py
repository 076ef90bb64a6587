"""Trainings and champions (issue 14, h14-train; docs/trainings.md) against the
real binary: planning a session (a refused one stores nothing), registration
and its waiting list (a full session answers 409 with the offer, nothing
stored), attendance and the follow-up, the payoff's small-group rule and its
words, the homes, and the champions page (who sees it, who confirms)."""
import unittest

from ebtest import Server, TempDir, db_execute, make_district, run

SESSION = {"title": "Quizzy in class", "tool": "1", "date": "2099-03-04", "time": "15:30",
           "minutes": "60", "place": "Library", "trainer": "Coach Lee", "capacity": "1",
           "materials": "https://example.org/slides"}


def count(db, sql, *args):
    return db_execute(db, sql, args)[0][0]


class Trainings(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)

    def test_plan_register_wait_attend_follow_up(self):
        with Server(self.db) as srv:
            coord = srv.client()
            coord.login("coord")
            # refused: no title, a bad date, a link that is not one; nothing stored
            for field, value, words in (("title", "", "title"),
                                        ("date", "2099-02-30", "YYYY-MM-DD"),
                                        ("materials", "javascript:x", "one link a line")):
                r = coord.post("/trainings/new", dict(SESSION, **{field: value}))
                self.assertEqual(r.status, 400, field)
                self.assertIn(words, r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM training"), 0)
            r = coord.post("/trainings/new", SESSION)
            self.assertEqual(r.status, 303)
            self.assertEqual(r.header("Location"), "/trainings/1")
            # IT sees it flagged: nobody from IT attends
            it = srv.client()
            it.login("itstaff")
            r = it.get("/trainings")
            self.assertIn("No one from IT yet", r.text)
            self.assertIn("1 upcoming session without anyone from IT", r.text)
            self.assertIn("without anyone from IT", it.get("/home").text)
            self.assertIn('href="/champions"', it.get("/home").text)

            teacher = srv.client()
            teacher.login("teacher")
            r = teacher.post("/trainings/1/register", {})
            self.assertEqual((r.status, r.header("Location")),
                             (303, "/trainings/1?done=registered"))
            self.assertIn("Your trainings", teacher.get("/home").text)
            self.assertIn("Quizzy in class", teacher.get("/home").text)
            # a teacher registers only themselves
            r = teacher.post("/trainings/1/register", {"login": "coach"})
            self.assertEqual(r.status, 403)
            # full: 409, the offer of the waiting list, nothing stored
            principal = srv.client()
            principal.login("principal")
            self.assertIn('href="/champions"', principal.get("/home").text)
            self.assertNotIn('href="/champions"', teacher.get("/home").text)
            r = principal.post("/trainings/1/register", {})
            self.assertEqual(r.status, 409)
            self.assertIn("The session is full (1 of 1 seats taken)", r.text)
            self.assertIn("Join the waiting list", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM training_seat"), 1)
            r = principal.post("/trainings/1/register", {"waitlist": "1"})
            self.assertEqual(r.header("Location"), "/trainings/1?done=waiting")
            # the teacher gives the seat back: the principal has it
            r = teacher.post("/trainings/1/cancel", {})
            self.assertEqual(r.status, 303)
            self.assertEqual(count(self.db, "SELECT waiting FROM training_seat"), 0)
            # attendance before the session: refused, nothing stored
            seat = str(count(self.db, "SELECT account_id FROM training_seat"))
            r = coord.post("/trainings/1/attend", {"seat": seat, "present": seat})
            self.assertEqual(r.status, 400)
            self.assertEqual(count(self.db, "SELECT sum(attended) FROM training_seat"), 0)
            # the follow-up is for attendees
            r = principal.post("/trainings/1/follow-up", {"ready": "4"})
            self.assertEqual(r.status, 403)
            self.assertIn("for those who attended", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM training_followup"), 0)

    def test_past_session_attendance_follow_up_and_payoff(self):
        with Server(self.db) as srv:
            coord = srv.client()
            coord.login("coord")
            r = coord.post("/trainings/new", dict(SESSION, date="2020-01-06", capacity="5"))
            self.assertEqual(r.status, 303)
            teacher = srv.client()
            teacher.login("teacher")
            # too late to register oneself; the coordinator adds who came
            r = teacher.post("/trainings/1/register", {})
            self.assertEqual(r.status, 400)
            self.assertIn("already started", r.text)
            r = coord.post("/trainings/1/register", {"login": "teacher"})
            self.assertEqual(r.status, 303)
            r = coord.post("/trainings/1/register", {"login": "nobody-here"})
            self.assertEqual(r.status, 400)
            self.assertIn("Add someone who came", coord.get("/trainings/1").text)
            seat = str(count(self.db, "SELECT account_id FROM training_seat"))
            r = coord.post("/trainings/1/attend", {"seat": seat, "present": seat})
            self.assertEqual(r.header("Location"), "/trainings/1?done=attendance")
            # the teacher cannot take attendance
            r = teacher.post("/trainings/1/attend", {"seat": seat})
            self.assertEqual(r.status, 403)
            # the follow-up: a bad answer refused, then saved and summarised
            r = teacher.post("/trainings/1/follow-up", {"ready": "9"})
            self.assertEqual(r.status, 400)
            self.assertEqual(count(self.db, "SELECT count(*) FROM training_followup"), 0)
            r = teacher.post("/trainings/1/follow-up",
                             {"ready": "4", "will_try": "Exit tickets <b>", "still_need": ""})
            self.assertEqual(r.status, 303)
            page = coord.get("/trainings/1").text
            self.assertIn("1 of 1 attendees answered", page)
            self.assertIn("Exit tickets &lt;b&gt;", page)
            # the payoff: the fixture's groups are small, so nothing is shown
            self.assertIn("Did use of the tool change?", page)
            self.assertIn("Small groups are never shown", page)
            self.assertIn("not that the training caused it", page)


class Champions(TempDir):
    def test_who_sees_and_who_confirms(self):
        db = make_district(self.tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=db)
        with Server(db) as srv:
            for login, status in (("teacher", 403), ("admin", 403), ("champ", 403),
                                  ("vendor", 403), ("parent", 403), ("principal", 200),
                                  ("itstaff", 200), ("coord", 200)):
                c = srv.client()
                c.login(login)
                self.assertEqual(c.get("/champions").status, status, login)
            principal = srv.client()
            principal.login("principal")
            teacher_id = str(count(db, "SELECT id FROM account WHERE login='teacher'"))
            # another school's principal may not; an unknown school or tool is refused
            r = principal.post("/champions/confirm",
                               {"school": "sch-a2", "tool": "1", "account": teacher_id})
            self.assertEqual(r.status, 403)
            r = principal.post("/champions/confirm",
                               {"school": "sch-a1", "tool": "99", "account": teacher_id})
            self.assertEqual(r.status, 400)
            # a family's sign-in is never made a champion, whatever the form names
            parent_id = str(count(db, "SELECT id FROM account WHERE login='parent'"))
            r = principal.post("/champions/confirm",
                               {"school": "sch-a1", "tool": "1", "account": parent_id})
            self.assertEqual(r.status, 400)
            self.assertIn("not a teacher", r.text)
            self.assertEqual(count(db, "SELECT count(*) FROM account_role WHERE account_id=?"
                                   " AND role='tech_champion'", int(parent_id)), 0)
            self.assertEqual(count(db, "SELECT count(*) FROM tool_support"), 0)
            # confirmed: the role at the school and the support matrix, audited
            r = principal.post("/champions/confirm",
                               {"school": "sch-a1", "tool": "1", "account": teacher_id})
            self.assertEqual(r.status, 303)
            self.assertEqual(count(db, "SELECT champion_id FROM tool_support WHERE tool_id=1"
                                   " AND school_sourced_id='sch-a1'"), int(teacher_id))
            self.assertEqual(count(db, "SELECT count(*) FROM account_role WHERE account_id=?"
                                   " AND role='tech_champion' AND scope_id='sch-a1'",
                                   int(teacher_id)), 1)
            self.assertGreaterEqual(count(db, "SELECT count(*) FROM audit_log WHERE"
                                      " actor='principal' AND subject_type IN"
                                      " ('account', 'tool')"), 2)


if __name__ == "__main__":
    unittest.main()
