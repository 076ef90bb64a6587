"""Support tickets (issue 14, h14-tickets; docs/support.md) against the real
server: reporting from the tool page, the class page and the student
dashboard with the context recorded (school, class, browser, the tool's data
health), routing to the school's champion, "is it this?" joining the same
report, each role's share of /tickets (a vendor contact without the
reporter's name), a student's own report in plain words, the audited view of
a ticket a student reported, attachments refused over the cap (413) or of a
refused type (415) with nothing stored, an escalation to an empty tier going
to district IT with a message, a merge, and email notices through a real
SMTP server (smtp_sink.py) sent by `edbridge tickets sweep`."""
import os
import re
import shutil
import tempfile
import time
import unittest
import uuid

from ebtest import Server, db_execute, make_district, run
from test_family_send import Sink

CHROME = ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko)"
          " Chrome/120.0.0.0 Safari/537.36")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def count(db, sql, *args):
    return db_execute(db, sql, args)[0][0]


def multipart(fields, name, filename, data):
    boundary = "----eb" + uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                ).encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\""
            f"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    out += data + f"\r\n--{boundary}--\r\n".encode()
    return out, "multipart/form-data; boundary=" + boundary


def ticket_id(resp):
    m = re.search(r"/tickets/(\d+)", resp.header("Location") or "")
    assert m, resp.header("Location")
    return int(m.group(1))


class Tickets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebtest-")
        cls.db = make_district(cls.dir)
        out = run("tool", "add", "--name", "MathApp", "--district-id", "1", db=cls.db).stdout
        cls.tool = int(re.search(r"tool_id: (\d+)", out).group(1))
        out = run("tool", "add", "--name", "ReadApp", "--district-id", "1", db=cls.db).stdout
        cls.tool2 = int(re.search(r"tool_id: (\d+)", out).group(1))
        for t in (cls.tool, cls.tool2):
            run("tool", "status", str(t), "--set", "approved", "--reason", "reviewed",
                "--district-id", "1", db=cls.db)
        # a champion with an email login at Alder's first school, and a vendor
        # contact of MathApp
        run("user", "add", "--login", "helper@alder.example", "--role", "tech_champion",
            "--scope", "school:sch-a1", "--name", "Hal Helper", "--district-id", "1",
            db=cls.db, input="test-password-1\n")
        run("user", "add", "--login", "mathvendor", "--role", "vendor_contact",
            "--scope", "tool:%d" % cls.tool, "--name", "Vera Vendor", "--district-id", "1",
            db=cls.db, input="test-password-1\n")
        champ = count(cls.db, "SELECT id FROM account WHERE login='helper@alder.example'")
        db_execute(cls.db, "INSERT INTO tool_support(district_id, tool_id, school_sourced_id,"
                   " champion_id, updated_at) VALUES (1, ?, 'sch-a1', ?, 0)", (cls.tool, champ))
        os.makedirs(os.path.join(cls.dir, "mail"))
        cls.sink = Sink(os.path.join(cls.dir, "mail"))
        day = (time.gmtime().tm_wday + 3) % 7 + 1  # no weekly family send during the test
        run("families", "settings", "--smtp-url", "smtp://127.0.0.1:%d" % cls.sink.port,
            "--smtp-plain-loopback", "yes", "--mail-from", "help@alder.example",
            "--send-day", str(day), "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()
        cls.users = {}
        for login in ("teacher", "principal", "itstaff", "student", "parent", "vendor",
                      "mathvendor", "helper@alder.example"):
            c = cls.srv.client()
            r = c.login(login)
            assert r.status == 303, (login, r.status)
            cls.users[login] = c

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.sink.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def file(self, who, fields, ua=CHROME):
        c = self.users[who]
        c.get("/tickets/new")
        f = dict(fields)
        f["csrf"] = c.csrf
        import urllib.parse
        return c.request("POST", "/tickets/new", body=urllib.parse.urlencode(f),
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "User-Agent": ua})

    def test_a_report_from_the_tool_and_class_pages(self):
        t = self.users["teacher"]
        self.assertIn('href="/tickets/new?tool=%d"' % self.tool, t.get("/tools/%d" % self.tool).text)
        self.assertIn('href="/tickets/new?class=cls-a1-3"', t.get("/classes/cls-a1-3").text)
        r = t.get("/tickets/new?tool=%d&class=cls-a1-3" % self.tool)
        self.assertEqual(r.status, 200)
        self.assertIn('value="%d" selected' % self.tool, r.text)
        self.assertIn('name="class" value="cls-a1-3"', r.text)
        r = self.file("teacher", {"tool": self.tool, "class": "cls-a1-3",
                                  "title": "MathApp shows a blank page", "priority": "high",
                                  "confirm": "1"})
        self.assertEqual(r.status, 303, r.text[:500])
        tid = ticket_id(r)
        page = t.get("/tickets/%d" % tid).text
        self.assertIn("School tech champion: Hal Helper", page)
        self.assertIn("Chrome 120 on ChromeOS", page)
        self.assertIn("Math 3 - Room 12", page)
        self.assertIn("Last data received", page)  # the tool's data health
        row = db_execute(self.db, "SELECT school_sid, class_sid, reporter_role, priority, tier,"
                         " health_credential FROM ticket WHERE id=?", (tid,))[0]
        self.assertEqual(row, ("sch-a1", "cls-a1-3", "teacher", "high", "champion", "none"))
        # the champion's home leads with it once it nears its target (2 hours:
        # within the near window at once)
        home = self.users["helper@alder.example"].get("/home").text
        self.assertIn("Tickets near their target", home)
        self.assertIn("MathApp shows a blank page", home)

    def test_b_is_it_this_joins_the_same_report(self):
        r = self.file("teacher", {"tool": self.tool2, "title": "ReadApp will not load",
                                  "class": "cls-a1-3"})
        self.assertEqual(r.status, 303)
        first = ticket_id(r)
        # the principal of the same school reports ReadApp too: offered "is it this?"
        r = self.file("principal", {"tool": self.tool2, "title": "ReadApp is down"})
        self.assertEqual(r.status, 200)
        self.assertIn("Is it one of these?", r.text)
        self.assertIn('action="/tickets/%d/join"' % first, r.text)
        self.assertIn('name="confirm" value="1"', r.text)
        p = self.users["principal"]
        r = p.post("/tickets/%d/join" % first, {})
        self.assertEqual(r.status, 303)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_reporter WHERE ticket_id=?",
                               first), 2)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket WHERE title='ReadApp is"
                                        " down'"), 0)
        # a joined reporter reads the staff's answers, not another reporter's
        # words or name (they may not know each other)
        t = self.users["teacher"]
        t.get("/tickets/%d" % first)
        self.assertEqual(t.post("/tickets/%d/comments" % first,
                                {"body": "Room 12 cart, third period"}).status, 303)
        page = p.get("/tickets/%d" % first)
        self.assertEqual(page.status, 200)
        self.assertNotIn("Room 12 cart", page.text)
        self.assertIn("another person", page.text)
        self.assertIn("Room 12 cart", self.users["itstaff"].get("/tickets/%d" % first).text)

    def test_c_student_reports_in_plain_words_and_the_view_is_audited(self):
        s = self.users["student"]
        home = s.get("/home").text
        self.assertIn('href="/tickets/new"', home)
        r = self.file("student", {"tool": self.tool, "title": "The math game is frozen",
                                  "priority": "urgent", "confirm": "1"})
        self.assertEqual(r.status, 303, r.text[:400])
        tid = ticket_id(r)
        page = s.get("/tickets/%d?filed=1" % tid).text
        self.assertIn("We got your report", page)
        self.assertNotIn("Priority", page)
        self.assertNotIn("School tech champion", page)
        self.assertNotIn("#%d" % tid, page)
        lst = s.get("/tickets").text
        self.assertIn("The math game is frozen", lst)
        # a student cannot set the priority
        self.assertEqual(count(self.db, "SELECT priority FROM ticket WHERE id=?", tid), "normal")
        # another family's account does not see it; IT does, audited
        self.assertEqual(self.users["parent"].get("/tickets/%d" % tid).status, 404)
        before = count(self.db, "SELECT count(*) FROM audit_log WHERE subject_type='ticket' AND"
                                " action='view' AND subject_id=?", str(tid))
        self.assertEqual(self.users["itstaff"].get("/tickets/%d" % tid).status, 200)
        time.sleep(0.2)
        after = count(self.db, "SELECT count(*) FROM audit_log WHERE subject_type='ticket' AND"
                               " action='view' AND subject_id=?", str(tid))
        self.assertEqual(after, before + 1)

    def test_d_each_role_sees_its_share(self):
        r = self.file("teacher", {"tool": self.tool, "title": "Vendor please look",
                                  "confirm": "1"})
        tid = ticket_id(r)
        it = self.users["itstaff"]
        self.assertIn("Vendor please look", it.get("/tickets").text)
        mv = self.users["mathvendor"]
        self.assertEqual(mv.get("/tickets/%d" % tid).status, 404)  # not at the vendor yet
        self.assertNotIn("Vendor please look", mv.get("/tickets").text)
        self.assertNotIn("Vendor please look", self.users["vendor"].get("/tickets").text)
        self.assertNotIn("Vendor please look", self.users["student"].get("/tickets").text)
        r = it.post("/tickets/%d/escalate" % tid, {"tier": "vendor"})
        self.assertEqual(r.status, 303)
        t = self.users["teacher"]
        t.get("/tickets/%d" % tid)
        self.assertEqual(t.post("/tickets/%d/comments" % tid, {"body": "Still down"}).status,
                         303)
        page = mv.get("/tickets/%d" % tid)
        self.assertEqual(page.status, 200)
        self.assertIn("Vendor please look", page.text)
        self.assertIn("not shared with the vendor", page.text)
        self.assertNotIn("Teacher", page.text)
        self.assertIn("Still down", page.text)
        self.assertIn("A reporter", page.text)
        self.assertNotIn("Last data received", page.text)
        # the vendor writes no internal note
        r = mv.post("/tickets/%d/comments" % tid, {"body": "secret", "internal": "1"})
        self.assertEqual(r.status, 403)

    def test_e_attachments_413_415(self):
        r = self.file("teacher", {"tool": self.tool, "title": "Screenshot attached",
                                  "confirm": "1"})
        tid = ticket_id(r)
        t = self.users["teacher"]
        t.get("/tickets/%d" % tid)
        for data, name, want in ((b"a" * (5 * 1024 * 1024 + 1), "big.txt", 413),
                                 (b"MZ\x90\x00\x03\x00\x00\x00", "tool.exe", 415)):
            body, ct = multipart({"csrf": t.csrf}, "file", name, data)
            r = t.request("POST", "/tickets/%d/attachments" % tid, body=body,
                          headers={"Content-Type": ct})
            self.assertEqual(r.status, want, r.text[:300])
            self.assertIn("larger than 5 MB" if want == 413 else "PNG, JPEG", r.text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_attachment WHERE"
                                        " ticket_id=?", tid), 0)
        body, ct = multipart({"csrf": t.csrf}, "file", "screen.png", PNG)
        r = t.request("POST", "/tickets/%d/attachments" % tid, body=body,
                      headers={"Content-Type": ct})
        self.assertEqual(r.status, 303)
        page = t.get("/tickets/%d" % tid).text
        m = re.search(r'href="(/tickets/%d/attachments/\d+)"' % tid, page)
        r = t.get(m.group(1))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "image/png")
        self.assertEqual(r.body, PNG)
        self.assertEqual(self.users["parent"].get(m.group(1)).status, 404)

    def test_f_escalation_to_an_empty_tier_goes_to_it(self):
        # ReadApp: no champion at sch-a2's... the teacher's school has none for
        # ReadApp: filed straight to district IT, saying so
        r = self.file("teacher", {"tool": self.tool2, "title": "ReadApp sound is off",
                                  "confirm": "1"})
        self.assertEqual(r.status, 303)
        self.assertIn("filed=2", r.header("Location"))
        tid = ticket_id(r)
        t = self.users["teacher"].get("/tickets/%d?filed=2" % tid).text
        self.assertIn("no tech champion", t)
        it = self.users["itstaff"]
        r = it.post("/tickets/%d/escalate" % tid, {"tier": "vendor"})
        self.assertEqual(r.status, 303)
        self.assertIn("note=to_it", r.header("Location"))
        page = it.get(r.header("Location")).text
        self.assertIn("went to district IT instead", page)
        self.assertEqual(count(self.db, "SELECT tier FROM ticket WHERE id=?", tid), "it")

    def test_g_merge_and_notices_by_email(self):
        a = ticket_id(self.file("teacher", {"tool": self.tool, "title": "Login loop A",
                                            "confirm": "1"}))
        b = ticket_id(self.file("principal", {"tool": self.tool, "title": "Login loop B",
                                              "confirm": "1"}))
        it = self.users["itstaff"]
        r = it.post("/tickets/%d/merge" % b, {"into": str(a)})
        self.assertEqual(r.status, 303)
        self.assertIn("Merged into", it.get("/tickets/%d" % b).text)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_reporter WHERE ticket_id=?",
                               a), 2)
        # a bad merge: 400, nothing changed
        r = it.post("/tickets/%d/merge" % a, {"into": str(a)})
        self.assertEqual(r.status, 400)
        # the champion's notices of the new tickets go out over SMTP
        out = run("tickets", "sweep", db=self.db).stdout
        self.assertRegex(out, r"notices sent: \d+")
        deadline = time.time() + 10
        subjects = []
        while time.time() < deadline:
            subjects = [m["Subject"] for _, m in self.sink.messages()
                        if m["To"] == "helper@alder.example"]
            if any("Login loop A" in s for s in subjects):
                break
            time.sleep(0.2)
        self.assertTrue(any(s.startswith("[Ticket %d] MathApp: Login loop A" % a)
                            for s in subjects), subjects)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_notice WHERE"
                                        " status='queued' AND address='helper@alder.example'"),
                         0)
        # a second sweep sends nothing again
        n = len(self.sink.messages())
        run("tickets", "sweep", db=self.db)
        self.assertEqual(len(self.sink.messages()), n)

    def test_h_bad_input(self):
        r = self.file("teacher", {"tool": self.tool, "title": "", "confirm": "1"})
        self.assertEqual(r.status, 400)
        self.assertIn("title", r.text)
        r = self.file("teacher", {"tool": "abc", "title": "x", "confirm": "1"})
        self.assertEqual(r.status, 400)
        r = self.file("student", {"tool": self.tool, "title": "  ", "confirm": "1"})
        self.assertEqual(r.status, 400)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket WHERE title IN ('', 'x')"),
                         0)

    def test_i_district_targets_from_the_command_line(self):
        out = run("tickets", "sla", "--district-id", "1", db=self.db).stdout
        self.assertIn("champion\turgent\t30\t240\tdefault", out)
        # refused: resolution before response, out of range, no tier; nothing stored
        for args, why in ((["--respond", "90", "--resolve", "20"], "at least the response"),
                          (["--respond", "0", "--resolve", "20"], "--respond"),
                          (["--respond", "10"], "--respond MIN and --resolve MIN")):
            p = run("tickets", "sla", "set", "--district-id", "1", "--tier", "champion", "--priority", "urgent",
                    *args, db=self.db, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(why, p.stderr)
        p = run("tickets", "sla", "set", "--district-id", "1", "--tier", "nobody", "--priority", "urgent",
                "--respond", "10", "--resolve", "20", db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--tier must be", p.stderr)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_sla"), 0)
        # the district's own command needs its id when the database holds several
        p = run("tickets", "sla", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--district-id", p.stderr)
        # set: the next ticket's champion targets follow it
        run("tickets", "sla", "set", "--district-id", "1", "--tier", "champion", "--priority", "urgent",
            "--respond", "20", "--resolve", "90", db=self.db)
        self.assertIn("champion\turgent\t20\t90\tdistrict",
                      run("tickets", "sla", "--district-id", "1", db=self.db).stdout)
        r = self.file("teacher", {"tool": self.tool, "title": "Urgent: nothing loads",
                                  "priority": "urgent", "confirm": "1"})
        self.assertEqual(r.status, 303, r.text[:300])
        tid = ticket_id(r)
        since, resp, res = db_execute(self.db, "SELECT tier_since, response_due, resolve_due"
                                      " FROM ticket WHERE id=?", (tid,))[0]
        self.assertEqual((resp - since, res - since), (20 * 60, 90 * 60))
        # back to the default
        run("tickets", "sla", "set", "--district-id", "1", "--tier", "champion", "--priority", "urgent", "--default",
            db=self.db)
        self.assertEqual(count(self.db, "SELECT count(*) FROM ticket_sla"), 0)


if __name__ == "__main__":
    unittest.main()
