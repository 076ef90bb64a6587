"""The support reports (/tickets/reports, issue 14, h14-kb), black-box: who
sees which scope, a refused period, a filed ticket counted by tool, the
definitions on the page, and the CSV and Excel downloads. The figures
themselves are checked against a hand-computed fixture in
tests/unit/test_ticket_report.c."""
import csv
import io
import unittest

from ebtest import Server, TempDir, make_district, run


class SupportReports(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)  # tool 1
        self.srv = Server(self.db)
        self.srv.__enter__()
        self.addCleanup(self.srv.__exit__, None, None, None)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303, login)
        return c

    def test_scope_period_and_downloads(self):
        teacher = self.client("teacher")
        r = teacher.post("/tickets/new", {"tool": "1", "title": "Quizzy will not load",
                                          "class": "cls-a1-3", "confirm": "1"})
        self.assertEqual(r.status, 303, r.text[:400])
        it = self.client("itstaff")
        r = it.get("/tickets/reports")
        self.assertEqual(r.status, 200)
        by_tool = r.text.split('id="h-by-tool"')[1].split("</section>")[0]
        self.assertRegex(by_tool, r'<th scope="row">Quizzy</th><td>1</td>')
        self.assertIn("How these figures are made", r.text)
        self.assertIn("less the time spent waiting on the reporter", r.text)
        # a principal: their own school, never another
        p = self.client("principal")
        r = p.get("/tickets/reports")
        self.assertEqual(r.status, 200)
        self.assertNotIn('id="h-by-school"', r.text)
        self.assertEqual(p.get("/tickets/reports?school=sch-a2").status, 404)
        self.assertEqual(self.client("teacher").get("/tickets/reports").status, 403)
        # a period that cannot be read
        for q in ("from=2026-13-01", "from=2026-05-02&to=2026-05-01",
                  "from=2020-01-01&to=2026-01-01", "format=pdf"):
            r = it.get("/tickets/reports?" + q)
            self.assertEqual(r.status, 400, q)
        # an empty period says so
        r = it.get("/tickets/reports?from=2020-01-01&to=2020-01-31")
        self.assertIn("No tickets were filed in this period.", r.text)
        # downloads
        r = it.get("/tickets/reports?format=csv")
        self.assertEqual(r.status, 200)
        self.assertIn("support-report.csv", r.header("Content-Disposition"))
        rows = list(csv.reader(io.StringIO(r.text)))
        self.assertEqual(rows[0][:3], ["table", "group", "tickets"])
        self.assertIn(["tool", "Quizzy", "1"], [row[:3] for row in rows])
        self.assertEqual(sum(int(row[2]) for row in rows if row[0] == "tier"), 1)
        self.assertIn("tickets per 100 active students", [row[0] for row in rows])
        r = it.get("/tickets/reports?format=xlsx")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.body.startswith(b"PK"))


if __name__ == "__main__":
    unittest.main()
