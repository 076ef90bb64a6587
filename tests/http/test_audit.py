"""The audit log of bulk views and exports of student data (a class roster, a
class's mastery grid and its CSV and Excel files) and of refused attempts on
a record the viewer may not see: who, what, how many students, from where."""
import unittest

from ebtest import Server, TempDir, db_execute, make_district


def entries(db, **where):
    cols = ("actor", "action", "subject_type", "subject_id", "students", "detail", "address")
    sql = "SELECT " + ", ".join(cols) + " FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(f"{k} = ?" for k in where)
    return [dict(zip(cols, r)) for r in db_execute(db, sql + " ORDER BY id",
                                                   list(where.values()))]


class BulkViews(TempDir):
    def test_class_roster_grid_and_exports_are_audited(self):
        db = make_district(self.tmp)
        with Server(db) as srv:
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.get("/classes/cls-a1-3").status, 200)
            self.assertEqual(t.get("/classes/cls-a1-3/mastery").status, 200)
            r = t.get("/classes/cls-a1-3/mastery?format=csv")
            self.assertEqual(r.status, 200)
            self.assertIn("text/csv", r.header("Content-Type"))
            r = t.get("/classes/cls-a1-3/mastery?format=xlsx")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body[:2], b"PK")
            r = t.get("/students/stu-1/mastery?format=csv")
            self.assertEqual(r.status, 200)
            # the administrator reads them with the count of students
            a = srv.client()
            a.login("admin")
            page = a.get("/admin/audit?subject_type=class").text
            self.assertIn("<th scope=\"col\">Students</th>", page)
            self.assertIn("class roster", page)
        got = entries(db, subject_type="class")
        self.assertEqual([(e["action"], e["detail"].split(",")[0]) for e in got], [
            ("view", "class roster"), ("view", "class mastery grid"),
            ("export", "class mastery grid as CSV"), ("export", "class mastery grid as Excel")])
        for e in got:
            self.assertEqual(e["actor"], "teacher")
            self.assertEqual(e["subject_id"], "cls-a1-3")
            self.assertEqual(e["students"], 2)  # stu-1 and stu-2
            self.assertEqual(e["address"], "127.0.0.1")
        self.assertIn("standards", got[1]["detail"])
        student = entries(db, subject_type="student", subject_id="stu-1")
        self.assertEqual(student[-1]["detail"], "mastery, exported as CSV")
        self.assertEqual(student[-1]["students"], 1)
        # logins and other entries carry no count
        self.assertIsNone(entries(db, action="login")[0]["students"])

    def test_refused_attempts_are_audited(self):
        db = make_district(self.tmp)
        with Server(db) as srv:
            t = srv.client()
            t.login("teacher")  # Birch Elementary, class cls-a1-3
            self.assertEqual(t.get("/students/stu-3").status, 404)           # Cedar's student
            self.assertEqual(t.get("/students/stu-3/mastery").status, 404)
            self.assertEqual(t.get("/students/no-such-kid").status, 404)
            self.assertEqual(t.get("/classes/cls-a2-3").status, 404)         # Cedar's class
            self.assertEqual(t.get("/classes/cls-a2-3/mastery?format=csv").status, 404)
            # an id that is not UTF-8: stored as valid text
            self.assertEqual(t.get("/students/x%FF%FEy").status, 404)
            p = srv.client()
            p.login("parent")
            self.assertEqual(p.get("/students/stu-2").status, 404)
        got = entries(db, action="refused")
        self.assertEqual([(e["actor"], e["subject_type"], e["subject_id"][:12]) for e in got], [
            ("teacher", "student", "stu-3"), ("teacher", "student", "stu-3"),
            ("teacher", "student", "no-such-kid"), ("teacher", "class", "cls-a2-3"),
            ("teacher", "class", "cls-a2-3"), ("teacher", "student", "x??y"),
            ("parent", "student", "stu-2")])
        for e in got:
            self.assertEqual(e["address"], "127.0.0.1")
            self.assertIn("404", e["detail"])
            self.assertEqual(e["students"], 1 if e["subject_type"] == "student" else 0)
        # the refused views left no view entry
        self.assertEqual(entries(db, action="view", subject_id="stu-3"), [])


if __name__ == "__main__":
    unittest.main()
