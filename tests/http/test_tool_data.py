"""Black-box tests of a tool's data: the vendor CSV upload page, the
activity -> standard mapping form, the data panel, `edbridge import csv`, and
who may do what (a teacher: 403; another district: 404)."""
import datetime
import re
import time
import shutil
import tempfile
import unittest
import uuid
import os
import zoneinfo

from ebtest import Server, db_execute, make_district, run

QUIZ = ("student_id,item_id,standard,correct,score,date\r\n"
        "stu-1,q-3.OA-01,3.OA.A.1,1,1,09/14/2026\r\n"
        "stu-2,q-3.OA-02,3.OA.A.1,0,0,09/15/2026\r\n"
        "stu-77,q-3.OA-02,3.OA.A.1,0,0,09/15/2026\r\n")

UNMAPPED = ("student_id,item,activity,correct,date\n"
            "stu-1,q1,frac-intro,correct,2026-09-14\n"
            "stu-2,q2,frac-intro,incorrect,2026-09-14\n")


def multipart(fields, filename, payload):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f'Content-Type: text/csv\r\n\r\n'.encode()
                 + (payload if isinstance(payload, bytes) else payload.encode()) + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class ToolData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebtooldata-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)   # 1
        run("tool", "add", "--name", "Fractions", "--district-id", "1", db=cls.db)  # 2
        run("tool", "add", "--name", "Empty", "--district-id", "1", db=cls.db)  # 3
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303)
        return c

    def upload(self, c, tool, profile, payload, filename="export.csv"):
        c.get(f"/tools/{tool}")
        body, ct = multipart({"csrf": c.csrf, "profile": profile}, filename, payload)
        return c.request("POST", f"/tools/{tool}/csv", body=body, headers={"Content-Type": ct})

    def test_upload_report_and_reimport(self):
        it = self.client("itstaff")
        r = self.upload(it, 1, "sim-quiz", QUIZ)
        self.assertEqual(r.status, 200, r.text[:800])
        self.assertIn('id="rows">3<', r.text)
        self.assertIn('id="events">2<', r.text)
        self.assertIn('id="quarantined">1<', r.text)
        r = self.upload(it, 1, "sim-quiz", QUIZ)
        self.assertEqual(r.status, 200)
        self.assertIn('id="events">0<', r.text)
        self.assertIn('id="skipped">3<', r.text)
        # the data panel: counts, the quarantine reason and (IT) its list
        r = it.get("/tools/1")
        self.assertIn("Data it has sent", r.text)
        self.assertIn('id="events">2<', r.text)
        self.assertIn('id="students">2<', r.text)
        self.assertIn("actor not matched to a roster student", r.text)
        self.assertIn("csv:sourcedId:stu-77", r.text)
        self.assertIn("<svg", r.text)
        # the chart is markup, not text: it was once escaped (&lt;rect) and
        # the browser dropped the rest of the page
        self.assertIn("<rect ", r.text)
        self.assertNotIn("&lt;rect", r.text)
        self.assertNotIn("&lt;/title", r.text)
        # the list of learner identifiers as sent is a bulk view: audited
        def list_views():
            return db_execute(self.db, "SELECT actor, students FROM audit_log WHERE"
                              " action = 'view' AND subject_type = 'tool' AND subject_id = '1'"
                              " ORDER BY id")
        seen = list_views()
        self.assertEqual(seen[-1], ("itstaff", 1))  # one learner: stu-77
        # the coordinator sees the counts but not the quarantine list
        co = self.client("coord")
        r = co.get("/tools/1")
        self.assertIn("actor not matched to a roster student", r.text)
        self.assertNotIn("csv:sourcedId:stu-77", r.text)
        self.assertEqual(list_views(), seen)

    def test_last_received_is_the_receipt_not_the_activity_date(self):
        # every row matches (no quarantine row), all dated 2021: the panel
        # must say when the file arrived, not when the students worked
        old = ("student_id,item_id,standard,correct,score,date\r\n"
               "stu-1,q-3.OA-01,3.OA.A.1,1,1,03/01/2021\r\n"
               "stu-2,q-3.OA-02,3.OA.A.1,0,0,03/02/2021\r\n")
        it = self.client("itstaff")
        r = it.get("/tools/3")
        self.assertIn("<dt>Last received</dt><dd><span class=\"muted\">nothing yet", r.text)
        before = int(time.time())
        r = self.upload(it, 3, "sim-quiz", old, "old.csv")
        self.assertEqual(r.status, 200, r.text[:800])
        self.assertIn('id="quarantined">0<', r.text)
        r = it.get("/tools/3")
        # in the district's time zone (America/Chicago until one is set)
        m = re.search(r"<dt>Last received</dt><dd>(\d{4}-\d\d-\d\d \d\d:\d\d) (C[SD]T)<", r.text)
        self.assertIsNotNone(m, r.text[:2000])
        local = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M").replace(
            tzinfo=zoneinfo.ZoneInfo("America/Chicago"))
        self.assertEqual(local.tzname(), m.group(2))
        shown = int(local.timestamp())
        self.assertGreaterEqual(shown, before - before % 60)
        self.assertLessEqual(shown, int(time.time()))
        row = db_execute(self.db,
                         "SELECT kind, source, ok, summary FROM import_run WHERE tool_id = 3")[0]
        self.assertEqual(row[:3], ("csv", "old.csv", 1))
        self.assertIn("learning events 2", row[3])

    def test_bad_file_rejected_whole(self):
        co = self.client("coord")
        bad = QUIZ + "stu-1,q9,3.OA.A.1,maybe,1,2026-09-14\r\n"
        r = self.upload(co, 3, "sim-quiz", bad, "bad.csv")
        self.assertEqual(r.status, 400)
        self.assertIn("bad.csv:5:4: correct: &quot;maybe&quot; is not one of 1 (true) or 0 (false)",
                      r.text)
        self.assertIn("bad.csv:5:6: date:", r.text)
        self.assertIn("nothing was stored", r.text)
        r = co.get("/tools/3")
        self.assertIn('id="events">0<', r.text)
        self.assertIn('id="quarantined">0<', r.text)
        # an unknown student whose id is not UTF-8 (bytes FF FE) used to reach
        # the quarantine as sent: refused with the file, line and column
        bad = QUIZ.encode() + b"stu-\xff\xfe,q9,3.OA.A.1,1,1,09/14/2026\r\n"
        r = self.upload(co, 3, "sim-quiz", bad, "latin.csv")
        self.assertEqual(r.status, 400)
        self.assertIn("latin.csv:5:1: csv: not UTF-8 text: byte FF at byte 5 of the field", r.text)
        r = self.upload(co, 3, "sim-quiz", "student_id".encode("utf-16"), "u16.csv")
        self.assertEqual(r.status, 400)
        self.assertIn("u16.csv:1:1: csv: the file is UTF-16 (byte-order mark FF FE)", r.text)
        r = co.get("/tools/3")
        self.assertIn('id="events">0<', r.text)
        self.assertIn('id="quarantined">0<', r.text)
        r = self.upload(co, 3, "no-such-profile", QUIZ)
        self.assertEqual(r.status, 400)
        self.assertIn("profile: choose one of the listed profiles", r.text)

    def test_map_activity_rematches(self):
        co = self.client("coord")
        r = self.upload(co, 2, "item-results", UNMAPPED)
        self.assertEqual(r.status, 200, r.text[:800])
        self.assertIn('id="quarantined">2<', r.text)
        r = co.get("/tools/2")
        self.assertIn("Activities not yet mapped", r.text)
        self.assertIn("frac-intro", r.text)
        self.assertIn('action="/tools/2/map"', r.text)
        bad = co.post("/tools/2/map", {"activity": "frac-intro", "standard": "3.NF.A.9"})
        self.assertEqual(bad.status, 400)
        self.assertIn("standard: not a standard of the CCSS-M catalog.", bad.text)
        r = co.post("/tools/2/map", {"activity": "frac-intro", "standard": "ccss.math.content.3.nf.a.1"})
        self.assertEqual(r.status, 303, r.text[:500])
        r = co.get("/tools/2")
        self.assertIn('id="events">2<', r.text)
        self.assertIn('id="quarantined">0<', r.text)
        self.assertNotIn("frac-intro</td>", r.text)

    def test_permissions(self):
        t = self.client("teacher")
        r = t.get("/tools/1")
        self.assertEqual(r.status, 200)
        self.assertIn("Data it has sent", r.text)
        self.assertNotIn('action="/tools/1/csv"', r.text)
        self.assertNotIn("csv:sourcedId:", r.text)
        self.assertEqual(self.upload(t, 1, "sim-quiz", QUIZ).status, 403)
        self.assertEqual(t.post("/tools/2/map", {"activity": "x", "standard": "3.NF.A.1"}).status, 403)
        champ = self.client("champ")
        self.assertEqual(self.upload(champ, 1, "sim-quiz", QUIZ).status, 403)
        o = self.client("other.admin")
        self.assertEqual(self.upload(o, 1, "sim-quiz", QUIZ).status, 404)
        self.assertEqual(o.post("/tools/2/map", {"activity": "x", "standard": "3.NF.A.1"}).status, 404)
        # without the CSRF token nothing happens
        it = self.client("itstaff")
        body, ct = multipart({"profile": "sim-quiz"}, "x.csv", QUIZ)
        r = it.request("POST", "/tools/3/csv", body=body, headers={"Content-Type": ct})
        self.assertEqual(r.status, 403)


class ImportCsvCommand(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ebcsvcli-")
        self.db = make_district(self.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        p = os.path.join(self.dir, name)
        with open(p, "w", newline="") as f:
            f.write(text)
        return p

    def test_import_reimport_and_errors(self):
        p = self.write("quiz.csv", QUIZ)
        r = run("import", "csv", "--profile", "sim-quiz", "--tool", "Quizzy", p,
                "--district-id", "1", db=self.db)
        self.assertIn("rows: 3\nevents: 2\nquarantined: 1\n", r.stdout)
        r = run("import", "csv", "--profile", "sim-quiz", "--tool", "1", p,
                "--district-id", "1", db=self.db)
        self.assertIn("events: 0\nquarantined: 0\nskipped: 3\n", r.stdout)
        rows = "".join(f"stu-1,q{i},3.OA.A.1,1,1,2026-09-14\r\n" for i in range(60))
        b = self.write("bad.csv", QUIZ + rows)
        r = run("import", "csv", "--profile", "sim-quiz", "--tool", "Quizzy", b,
                "--district-id", "1", db=self.db, check=False)
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.splitlines()
        self.assertEqual(lines[0],
                         'bad.csv:5:6: date: "2026-09-14" is not a date in the form MM/DD/YYYY')
        self.assertIn("... and 10 more", lines)
        r = run("import", "csv", "--list-profiles")
        for name in ["item-results", "usage-summary", "sim-quiz", "sim-fluency"]:
            self.assertRegex(r.stdout, rf"(?m)^{name}\t")
        r = run("import", "csv", "--profile", "nope", "--tool", "Quizzy", p, db=self.db, check=False)
        self.assertEqual(r.returncode, 2)
        # without --tool: fine for a one-tool district, refused with the reason otherwise
        run("tool", "add", "--name", "Second tool", "--district-id", "1", db=self.db)
        r = run("import", "csv", "--profile", "sim-quiz", p, "--district-id", "1", db=self.db,
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"the district has \d+ tools; name the one")
        one = os.path.join(self.dir, "one.db")
        run("init", "--district", "One Tool District", db=one)
        run("tool", "add", "--name", "Only", db=one)
        r = run("import", "csv", "--profile", "sim-quiz", p, db=one)
        self.assertIn("rows: 3\nevents: 0\nquarantined: 3\n", r.stdout)

    def test_profile_file(self):
        prof = self.write("acme.profile", "name = acme\nkind = usage\ndate_format = DD/MM/YYYY\n"
                          "student_email = E-mail\nminutes = Mins\ndate = Week\n"
                          "required = student_email minutes\n")
        p = self.write("acme.csv", "E-mail,Mins,Week\nsam.one@alder.example,30,14/09/2026\n"
                       "who@nowhere.example,5,14/09/2026\n")
        r = run("import", "csv", "--profile-file", prof, "--tool", "Quizzy", p,
                "--district-id", "1", db=self.db)
        self.assertIn("rows: 2\nevents: 1\nquarantined: 1\n", r.stdout)
        bad = self.write("bad.profile", "name = x\nkind = weekly\n")
        r = run("import", "csv", "--profile-file", bad, "--tool", "Quizzy", p,
                "--district-id", "1", db=self.db, check=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad.profile: line 2: kind: items or usage", r.stderr)


if __name__ == "__main__":
    unittest.main()
