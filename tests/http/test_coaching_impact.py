"""Coaching impact on students (issue 15, h15-impact; docs/coaching_impact.md)
against the real binary: twelve classes of completed coaching cycles whose
students gained more on the goal standards than the classes of the same
course not coached; the estimate and its interval for the coordinator, the
principal's view (their school's coached classes by name, the comparison
classes of other schools as a count), another school refused, and the
small-group rule (too few completed cycles: nothing but the reason)."""
import re
import unittest

from ebtest import Server, TempDir, db_connect, make_district

DAY = 86400
START = 1_760_000_000 - 1_760_000_000 % DAY  # the cycles' first day, 00:00 UTC
END = START + 42 * DAY
STD = "4.OA.A.1"


def ymd(t):
    import datetime
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d")


def fill(db, coached=12, compared=24, effect=0.25):
    """coached classes at sch-a1 (each in its own completed cycle), compared
    classes at sch-a2, one course, six students each with five answers on the
    goal standard before the cycle and five in its last weeks."""
    with db_connect(db) as c:
        coach = c.execute("SELECT id FROM account WHERE login='coach'").fetchone()[0]
        teacher = c.execute("SELECT id FROM account WHERE login='teacher'").fetchone()[0]
        n = 0
        for k in range(coached + compared):
            is_coached = k < coached
            school = "sch-a1" if is_coached else "sch-a2"
            cls = f"imp-{k:02d}"
            title = f"Impact class {k:02d}"
            c.execute("INSERT INTO class(district_id, sourced_id, title, course_sourced_id,"
                      " class_type, school_sourced_id, term_sourced_ids, grades)"
                      " VALUES (1, ?, ?, 'crs-imp', 'scheduled', ?, 'term-1', '04')",
                      (cls, title, school))
            c.execute("INSERT INTO enrollment(district_id, sourced_id, class_sourced_id,"
                      " school_sourced_id, user_sourced_id, role) VALUES (1, ?, ?, ?, ?,"
                      " 'teacher')", (f"e-{cls}-t", cls, school, f"imp-t{k:02d}"))
            pre = 0.40 + 0.01 * (k % 7)
            gain = 0.10 + 0.01 * (k % 3) + (effect if is_coached else 0)
            for s in range(6):
                stu = f"imp-s{k:02d}-{s}"
                c.execute("INSERT INTO enrollment(district_id, sourced_id, class_sourced_id,"
                          " school_sourced_id, user_sourced_id, role) VALUES (1, ?, ?, ?,"
                          " ?, 'student')", (f"e-{stu}", cls, school, stu))
                for when, share in ((START - 10 * DAY, pre), (END - 5 * DAY, pre + gain)):
                    right = round(5 * share + (s % 3 - 1) * 0.4)
                    for i in range(5):
                        n += 1
                        c.execute("INSERT INTO learning_event(district_id, tool_id,"
                                  " student_sourced_id, actor_key, standard_code, correct,"
                                  " occurred_at, source) VALUES (1, 1, ?, ?, ?, ?, ?, 'csv')",
                                  (stu, stu, STD, 1 if i < right else 0, when + i * 60))
            if not is_coached:
                continue
            cur = c.execute("INSERT INTO coaching_cycle(district_id, coach_account_id, title,"
                            " school_sourced_id, phase, started_on, ended_on, created_by,"
                            " created_at, updated_at) VALUES (1, ?, ?, 'sch-a1', 'completed',"
                            " ?, ?, ?, 0, 0) RETURNING id",
                            (coach, f"Cycle {k}", ymd(START), ymd(END), coach))
            cyc = cur.fetchone()[0]
            c.execute("INSERT INTO coaching_class VALUES (1, ?, ?)", (cyc, cls))
            c.execute("INSERT INTO coaching_teacher VALUES (1, ?, ?)", (cyc, teacher))
            c.execute("INSERT INTO coaching_goal(district_id, cycle_id, kind, class_sourced_id,"
                      " standards, target, target_on, start_value, start_on, created_by,"
                      " created_at) VALUES (1, ?, 'students', ?, ?, 80, ?, 40, ?, ?, 0)",
                      (cyc, cls, STD, ymd(END), ymd(START), coach))


def words(html):
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


class CoachingImpact(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def test_estimate_principal_and_small_groups(self):
        with Server(self.db) as srv:
            coord = srv.client()
            coord.login("coord")
            r = coord.get("/coaching/impact")
            self.assertEqual(r.status, 200)
            self.assertIn("No coaching cycle has been completed yet", words(r.text))
        fill(self.db)
        with Server(self.db) as srv:
            coord = srv.client()
            coord.login("coord")
            r = coord.get("/coaching/impact")
            self.assertEqual(r.status, 200)
            t = words(r.text)
            self.assertIn("(12 classes, 12 teachers)", t)
            self.assertIn("(24 classes, 24 teachers)", t)
            m = re.search(r"Difference in the change: ([+-][\d.]+) percentage points "
                          r"\(95% interval ([+-][\d.]+) to ([+-][\d.]+)\)", t)
            self.assertIsNotNone(m, t)
            diff, lo, hi = (float(x) for x in m.groups())
            self.assertTrue(lo < 25 < hi, m.group(0))  # the true gain: 25 points
            self.assertGreater(lo, 0)
            self.assertIn("The interval leaves out zero", t)
            self.assertIn("<svg", r.text)
            self.assertIn("Impact class 00", t)   # coached, by name
            self.assertIn("Impact class 20", t)   # compared, by name
            self.assertIn("It is a comparison, not proof", t)
            self.assertIn("chose coaching or were chosen", t)

            principal = srv.client()
            principal.login("principal")
            r = principal.get("/coaching/impact")
            self.assertEqual(r.status, 200)
            t = words(r.text)
            self.assertIn("Coached classes of your school only", t)
            self.assertIn("Impact class 00", t)
            self.assertNotIn("Impact class 20", t)  # another school's class
            self.assertIn("and 24 comparison classes of other schools", t)
            self.assertEqual(principal.get("/coaching/impact?school=sch-a2").status, 404)
            # a completed cycle's page: its class beside its matched classes
            coach = srv.client()
            coach.login("coach")
            r = coach.get("/coaching/1")
            self.assertEqual(r.status, 200)
            t = words(r.text)
            self.assertIn("Did the classes move?", t)
            self.assertRegex(t, r"this cycle's classes \(1\) went from \d+% to \d+% correct; 2"
                                r" similar classes of the same course")
            self.assertIn("One cycle is too few classes", t)
            for login in ("coach", "teacher", "parent", "student", "vendor"):
                who = srv.client()
                who.login(login)
                self.assertEqual(who.get("/coaching/impact").status, 403, login)

        # three cycles back to running: nine coached classes, below the rule
        with db_connect(self.db) as c:
            c.execute("UPDATE coaching_cycle SET phase='improve', ended_on=NULL WHERE id IN"
                      " (SELECT id FROM coaching_cycle ORDER BY id LIMIT 3)")
        with Server(self.db) as srv:
            coord = srv.client()
            coord.login("coord")
            t = words(coord.get("/coaching/impact").text)
            self.assertIn("Small groups are never shown", t)
            self.assertNotIn("Difference in the change", t)
            self.assertNotIn("Impact class", t)


if __name__ == "__main__":
    unittest.main()
