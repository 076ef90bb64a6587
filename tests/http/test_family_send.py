"""Delivering the weekly family update (issue 13; docs/family_updates.md
"Delivery"), with a real SMTP server (Debian python3-aiosmtpd, run by
smtp_sink.py): `edbridge families send` queues the week once per family and
channel and sends the emails over one SMTP connection; each email has both
parts in the family's language (Spanish, Arabic right to left, English for a
language we have not got), a sign-in link per child that signs in to that
child and no other, and a one-click opt-out; a 550 at RCPT TO bounces (the
address is opted out and reach says so), a 451 is retried; a second send of
the week sends nothing; a message interrupted after the server accepted it is
not sent twice; an opted-out family gets no email; a bad phone number and a
family with no contact are reported; `families reach` counts it all."""
import email
import email.policy
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from ebtest import ROOT, Server, db_connect, make_district, run

BASE = "https://edbridge.alder.example"
SINK = os.path.join(ROOT, "tests", "http", "smtp_sink.py")


def sink_python():
    """An interpreter that has aiosmtpd (Debian's, when the test runs under
    another Python), or None."""
    for py in (sys.executable, "/usr/bin/python3"):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import aiosmtpd"], capture_output=True).returncode == 0:
            return py
    return None


class Sink:
    def __init__(self, d, *args):
        self.dir = d
        py = sink_python()
        if not py:
            raise unittest.SkipTest("python3-aiosmtpd is not installed (scripts/install-deps.sh)")
        self.proc = subprocess.Popen([py, SINK, d] + list(args))
        path = os.path.join(d, "port")
        deadline = time.monotonic() + 20
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                raise AssertionError(f"the SMTP sink exited ({self.proc.returncode}) before it listened")
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the SMTP sink did not listen within 20 s")
            time.sleep(0.05)
        with open(path) as f:
            self.port = int(f.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)

    def messages(self):
        out = []
        for p in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
            raw = open(p, "rb").read()
            out.append((raw, email.message_from_bytes(raw, policy=email.policy.default)))
        return out

    def connections(self):
        p = os.path.join(self.dir, "connections")
        return int(open(p).read()) if os.path.exists(p) else 0


def lines(out):
    return dict(l.split(": ", 1) for l in out.splitlines() if ": " in l
                and not l.startswith("guardian "))


def parts(msg):
    return (msg.get_body(preferencelist=("plain",)).get_content(),
            msg.get_body(preferencelist=("html",)).get_content())


class FamilySend(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebsend-")
        cls.db = make_district(cls.dir)
        with db_connect(cls.db) as con:
            def guardian(sid, name, lang, email_, phone, children):
                con.execute("INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                            " given_name, family_name, home_language, email, sms)"
                            " VALUES (1, ?, 'sch-a1', 'guardian', ?, 'Family', ?, ?, ?)",
                            (sid, name, lang, email_, phone))
                for c in children:
                    con.execute("INSERT INTO guardianship VALUES (1, ?, ?)", (sid, c))
            # Spanish, two children: one email, a section and a link per child
            guardian("gdn-es", "Elena", "es", "elena@example.org", None, ["stu-1", "stu-2"])
            guardian("gdn-ar", "Amal", "ar", "amal@example.org", "+1 (312) 555-0101", ["stu-3"])
            guardian("gdn-so", "Sahra", "so", "sahra@example.org", None, ["stu-3"])
            guardian("gdn-bounce", "Bo", "en", "bad@example.org", None, ["stu-2"])
            guardian("gdn-busy", "Bea", "en", "busy@example.org", None, ["stu-3"])
            guardian("gdn-paper", "Pat", "en", None, None, ["stu-1"])
            guardian("gdn-opt", "Otto", "en", "otto@example.org", None, ["stu-2"])
            # a child in no school: not even a letter can be made
            con.execute("INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                        " given_name, family_name) VALUES (1, 'stu-9', 'sch-a1', 'student',"
                        " 'Nia', 'Nine')")
            guardian("gdn-9", "Gus", "en", None, "555-01", ["stu-9"])
        os.makedirs(os.path.join(cls.dir, "mail"))
        cls.sink = Sink(os.path.join(cls.dir, "mail"), "--refuse", "bad@example.org",
                        "--busy", "busy@example.org")
        # the weekly schedule of serve must not fire during the test: a send
        # day three days from now
        day = (time.gmtime().tm_wday + 3) % 7 + 1
        run("families", "settings", "--smtp-url", "smtp://127.0.0.1:%d" % cls.sink.port,
            "--smtp-plain-loopback", "yes", "--mail-from", "updates@alder.example",
            "--mail-from-name", "Alder County Schools", "--public-url", BASE,
            "--send-day", str(day), "--district-id", "1", db=cls.db)
        run("families", "contact", "--guardian", "gdn-opt", "--opt-out", "email",
            "--district-id", "1", db=cls.db)
        cls.week = "2026-W10"

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def send(self, *extra, week=None):
        return run("families", "send", "--week", week or self.week, "--district-id", "1",
                   *extra, db=self.db)

    def test_a_dry_run_counts_and_stores_nothing(self):
        out = self.send("--dry-run").stdout
        got = lines(out)
        self.assertEqual(got["email"], "6", out)  # gdn-1 es ar so bounce busy
        self.assertEqual(got["sms"], "1", out)  # gdn-ar's number is good
        self.assertEqual(got["letter"], "2", out)  # paper (no contact), otto (opted out)
        self.assertEqual(got["unreachable"], "1", out)
        self.assertIn("guardian gdn-9: phone '555-01': not a valid phone number", out)
        self.assertIn("guardian gdn-1: phone '5550100': not a valid phone number", out)
        self.assertEqual(got["language fallback (English)"], "1", out)  # Somali
        with db_connect(self.db) as con:
            self.assertEqual(con.execute("SELECT count(*) FROM outbox").fetchone()[0], 0)
        self.assertEqual(self.sink.messages(), [])

    def test_b_send_delivers_and_reports(self):
        out = self.send().stdout
        got = lines(out)
        self.assertEqual(got["email"], "4", out)  # bounce bounced, busy waits
        self.assertEqual(got["sms"], "0", out)  # no text-message channel here
        self.assertEqual(got["letter"], "2", out)
        self.assertEqual(got["unreachable"], "1", out)
        self.assertEqual(got["email bounced"], "1", out)
        self.assertEqual(got["email retry"], "1", out)
        msgs = self.sink.messages()
        self.assertEqual(len(msgs), 4)
        # one SMTP connection reused for the whole drain (libcurl), and one
        # more after each refusal (libcurl closes a connection that failed)
        self.assertLessEqual(self.sink.connections(), 3)
        by_to = {m["To"].addresses[0].addr_spec: (raw, m) for raw, m in msgs}
        self.assertEqual(sorted(by_to), ["amal@example.org", "elena@example.org",
                                         "gloria@example.org", "sahra@example.org"])
        for raw, m in msgs:
            head, body = raw.split(b"\r\n\r\n", 1)
            for line in head.split(b"\r\n"):
                # 78 but for the line of one long link (it cannot be cut)
                self.assertLessEqual(len(line), 78 if b"://" not in line else 998, line)
            for line in body.split(b"\r\n"):
                self.assertLessEqual(len(line), 76, line)  # quoted-printable
            self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
            self.assertEqual(m["From"].addresses[0].addr_spec, "updates@alder.example")
            self.assertRegex(m["Message-ID"], r"^<[^<>@]+@alder\.example>$")
            self.assertTrue(m["Date"])
            self.assertEqual(m.get_content_type(), "multipart/alternative")
            self.assertRegex(m["List-Unsubscribe"], r"^<%s/u/[A-Za-z0-9_-]{43}>$" % BASE)
            self.assertEqual(m["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
            text, html = parts(m)
            self.assertIn(BASE + "/f/", text)
            self.assertIn('href="%s/f/' % BASE, html)
            self.assertNotRegex(text, r"\d+ ?%")  # no probabilities
        # Spanish: subject, both parts, a section per child
        raw, m = by_to["elena@example.org"]
        self.assertEqual(m["Content-Language"], "es")
        self.assertEqual(m["Subject"], "Esta semana en matemáticas: Sam, Sara")
        self.assertIn(b"=?UTF-8?B?", raw)  # the subject is RFC 2047 encoded
        text, html = parts(m)
        self.assertIn("Abrir la página de Sam", text)
        self.assertIn("Abrir la página de Sara", text)
        self.assertIn('<html lang="es" dir="ltr">', html)
        self.assertEqual(len(re.findall(r"/f/[A-Za-z0-9_-]{43}", text)), 2)
        # Arabic, right to left
        raw, m = by_to["amal@example.org"]
        self.assertEqual(m["Content-Language"], "ar")
        text, html = parts(m)
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("افتح صفحة", text)
        self.assertIn("الرياضيات هذا الأسبوع", m["Subject"])
        # a language we have no translation for: English
        raw, m = by_to["sahra@example.org"]
        self.assertEqual(m["Content-Language"], "en")
        self.assertEqual(m["Subject"], "This week in math: Saul")
        # the opted-out family got no email; contact data stays out of the audit
        self.assertNotIn("otto@example.org", by_to)
        with db_connect(self.db) as con:
            details = " ".join(r[0] or "" for r in con.execute("SELECT detail FROM audit_log"))
            self.assertNotIn("@example.org", details)
            self.assertNotIn("555", details)
            n = con.execute("SELECT count(*) FROM audit_log WHERE action='message_sent'"
                            " AND subject_type='guardian'").fetchone()[0]
            self.assertEqual(n, 4)
            # the bounce: that address is opted out, with its source
            src = con.execute("SELECT source, address FROM family_opt_out WHERE"
                              " guardian_sourced_id='gdn-bounce'").fetchone()
            self.assertEqual(src, ("bounce", "bad@example.org"))
            # no live token rests in the database: links are hashes only
            toks = re.findall(r"/f/([A-Za-z0-9_-]{43})", parts(by_to["elena@example.org"][1])[0])
            for table in ("outbox", "outbox_family", "audit_log"):
                dump = " ".join(str(r) for r in con.execute("SELECT * FROM " + table))
                for t in toks:
                    self.assertNotIn(t, dump)

    def test_c_links_sign_in_to_that_child_only(self):
        raw, m = [x for x in self.sink.messages()
                  if x[1]["To"].addresses[0].addr_spec == "elena@example.org"][0]
        text, _ = parts(m)
        links = re.findall(BASE + r"(/f/[A-Za-z0-9_-]{43})", text)
        self.assertEqual(len(links), 2)
        with Server(self.db, ["--public-url", BASE]) as srv:
            for path, child, other in ((links[0], "stu-1", "stu-3"),
                                       (links[1], "stu-2", "stu-3")):
                c = srv.client()
                self.assertEqual(c.get(path).status, 200)
                r = c.post(path, {})
                self.assertEqual(r.status, 303, r.text[:300])
                self.assertEqual(r.header("Location"), "/students/" + child)
                self.assertEqual(c.get("/students/" + child).status, 200)
                self.assertEqual(c.get("/students/" + other).status, 404)
                # single use
                other = srv.client()
                other.get("/login/code")
                self.assertEqual(other.post(path, {}).status, 410)
            # the one-click opt-out of Gloria's email: GET shows, POST stops
            g = [x for x in self.sink.messages()
                 if x[1]["To"].addresses[0].addr_spec == "gloria@example.org"][0][1]
            unsub = re.search(r"<%s(/u/[^>]+)>" % BASE, g["List-Unsubscribe"]).group(1)
            c = srv.client()
            r = c.get(unsub)
            self.assertEqual(r.status, 200)
            self.assertIn("Stop the emails", r.text)
            with db_connect(self.db) as con:
                self.assertEqual(con.execute(
                    "SELECT count(*) FROM family_opt_out WHERE guardian_sourced_id='gdn-1'"
                ).fetchone()[0], 0)
            # a mail client's RFC 8058 one-click POST: no CSRF token
            r = c.post(unsub, {"List-Unsubscribe": "One-Click"}, csrf=False)
            self.assertEqual(r.status, 200, r.text[:300])
            self.assertIn("The emails are stopped", r.text)
            self.assertEqual(c.get("/u/" + "x" * 43).status, 404)
        with db_connect(self.db) as con:
            self.assertEqual(con.execute(
                "SELECT source FROM family_opt_out WHERE guardian_sourced_id='gdn-1'"
                " AND channel='email'").fetchone()[0], "family page")

    def test_d_second_send_sends_nothing_then_retry(self):
        before = len(self.sink.messages())
        got = lines(self.send().stdout)
        self.assertEqual(got["email"], "0")
        self.assertEqual(got["letter"], "0")
        self.assertIn("already queued", got)
        self.assertEqual(len(self.sink.messages()), before)
        # the 451 is retried when due (the back-off made it wait)
        with db_connect(self.db) as con:
            st, att, nxt = con.execute(
                "SELECT status, attempts, next_attempt_at FROM outbox WHERE"
                " guardian_sourced_id='gdn-busy'").fetchone()
            self.assertEqual((st, att), ("retry", 1))
            self.assertGreater(nxt, time.time() + 30)
            con.execute("UPDATE outbox SET next_attempt_at=0 WHERE guardian_sourced_id='gdn-busy'")
        got = lines(self.send().stdout)
        self.assertEqual(got["email"], "1")
        busy = [m for _, m in self.sink.messages()
                if m["To"].addresses[0].addr_spec == "busy@example.org"]
        self.assertEqual(len(busy), 1)
        # and never again
        got = lines(self.send().stdout)
        self.assertEqual(got["email"], "0")

    def test_e_reach(self):
        out = run("families", "reach", "--week", self.week, "--district-id", "1",
                  db=self.db).stdout
        got = lines(out)
        # 9 families: gloria es ar so busy reached; bounce, paper and otto
        # (letters not printed yet) and gdn-9 (no school) not
        self.assertEqual(got["families"], "9", out)
        self.assertEqual(got["reached"], "5", out)
        self.assertEqual(got["reached_share"], "0.56", out)
        self.assertEqual(got["  bounced"], "1", out)
        self.assertEqual(got["  pending"], "2", out)
        self.assertEqual(got["  no contact"], "1", out)
        self.assertIn("school Birch Elementary (sch-a1) es: families 1, reached 1", out)
        # the letters printed (as `families letters` does): reached
        with db_connect(self.db) as con:
            con.execute("UPDATE outbox SET status='sent', provider_id='printed'"
                        " WHERE channel='letter'")
        got = lines(run("families", "reach", "--week", self.week, "--district-id", "1",
                        db=self.db).stdout)
        self.assertEqual(got["reached"], "7")
        self.assertEqual(got["reached_share"], "0.78")

    def test_f_interrupted_send_is_not_sent_twice(self):
        week = "2026-W11"
        # a crash left two claimed rows: one the server had accepted (its
        # provider id recorded), one it had not
        with db_connect(self.db) as con:
            for g, students in (("gdn-es", "stu-1,stu-2"), ("gdn-ar", "stu-3")):
                con.execute("INSERT INTO outbox_family(district_id, week, guardian_sourced_id,"
                            " school_sourced_id, lang, students, created_at)"
                            " VALUES (1, ?, ?, 'sch-a1', 'en', ?, 0)", (week, g, students))
            con.execute("INSERT INTO outbox(district_id, guardian_sourced_id, week, channel,"
                        " status, address, lang, attempts, next_attempt_at, lease_until,"
                        " provider_id, created_at, updated_at) VALUES (1, 'gdn-es', ?,"
                        " 'email', 'sending', 'elena@example.org', 'es', 1, 0, 5,"
                        " 'accepted-before-crash@alder.example', 0, 0)", (week,))
            con.execute("INSERT INTO outbox(district_id, guardian_sourced_id, week, channel,"
                        " status, address, lang, attempts, next_attempt_at, lease_until,"
                        " created_at, updated_at) VALUES (1, 'gdn-ar', ?, 'email',"
                        " 'sending', 'amal@example.org', 'ar', 1, 0, 5, 0, 0)", (week,))
        self.send(week=week)
        to = [m["To"].addresses[0].addr_spec for _, m in self.sink.messages()
              if week in m["Message-ID"]]
        self.assertEqual(to.count("elena@example.org"), 0)
        self.assertEqual(to.count("amal@example.org"), 1)
        # opted out (Otto by the school, Gloria by her click, Bo by the
        # bounce): no email this week either
        for addr in ("otto@example.org", "gloria@example.org", "bad@example.org"):
            self.assertNotIn(addr, to)
        with db_connect(self.db) as con:
            st = dict(con.execute("SELECT guardian_sourced_id, status FROM outbox WHERE"
                                  " week=? AND channel='email'", (week,)).fetchall())
            self.assertEqual(st["gdn-es"], "sent")
            self.assertEqual(st["gdn-ar"], "sent")
            self.assertEqual(st["gdn-1"], "skipped")

    def test_g_settings_refuse_bad_input(self):
        p = run("families", "settings", "--smtp-url", "smtp://mail.example.org",
                "--smtp-plain-loopback", "yes", "--district-id", "1", db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("only to this machine", p.stderr)
        p = run("families", "settings", "--smtp-url", "http://mail.example.org",
                "--district-id", "1", db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not smtp://", p.stderr)
        p = run("families", "settings", "--country-code", "0x", "--district-id", "1",
                db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        p = run("families", "settings", "--quiet-hours", "25:00-08:00", "--district-id", "1",
                db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        # a secret from stdin: stored, never shown back, never audited
        p = run("families", "settings", "--smtp-password-stdin", "--district-id", "1",
                db=self.db, input="s3cret-smtp-pass\n")
        self.assertIn("smtp_password: (set)", p.stdout)
        self.assertNotIn("s3cret", p.stdout + p.stderr)
        with db_connect(self.db) as con:
            details = " ".join(r[0] or "" for r in con.execute("SELECT detail FROM audit_log"))
            self.assertNotIn("s3cret", details)
        # unchanged otherwise: the loopback server still set
        p = run("families", "settings", "--district-id", "1", db=self.db)
        self.assertIn("smtp://127.0.0.1:", p.stdout)

    def test_h_reach_page_by_role(self):
        with Server(self.db, ["--public-url", BASE]) as srv:
            for login, status in (("admin", 200), ("coord", 200), ("principal", 200),
                                  ("teacher", 403), ("parent", 403)):
                c = srv.client()
                c.login(login)
                r = c.get("/families/reach?week=" + self.week)
                self.assertEqual(r.status, status, login)
            c = srv.client()
            c.login("principal")  # Birch Elementary (sch-a1) only
            r = c.get("/families/reach?week=" + self.week)
            self.assertIn("Families not reached", r.text)
            self.assertNotIn("Amal", r.text)
            c = srv.client()
            c.login("admin")
            r = c.get("/families/reach?week=" + self.week)
            self.assertIn("Bo Family", r.text)  # bounced
            self.assertIn("bounced", r.text)
            self.assertEqual(c.get("/families/reach?week=junk").status, 400)
            r = c.get("/home")  # the admin's home: the section and its link
            self.assertIn('id="h-reach">Families reached', r.text)
            self.assertRegex(r.text, r"Week 2026-W\d\d: \d+ of \d+ families reached")
            self.assertIn('href="/families/reach"', r.text)
            r = c.get("/admin/delivery")
            self.assertEqual(r.status, 200)
            self.assertNotIn("s3cret", r.text)
        with db_connect(self.db) as con:
            self.assertGreater(con.execute("SELECT count(*) FROM audit_log WHERE"
                                           " subject_type='reach'").fetchone()[0], 0)


class Schedule(unittest.TestCase):
    """`serve` sends the week on its own at the district's send day and hour
    (local time), and not before."""

    def test_serve_sends_the_week_at_the_send_time(self):
        import datetime
        import zoneinfo
        d = tempfile.mkdtemp(prefix="ebsched-")
        try:
            db = make_district(d)
            os.makedirs(os.path.join(d, "mail"))
            sink = Sink(os.path.join(d, "mail"))
            try:
                now = datetime.datetime.now(zoneinfo.ZoneInfo("America/Chicago"))
                later = now + datetime.timedelta(days=3)
                base = ["families", "settings", "--smtp-url",
                        "smtp://127.0.0.1:%d" % sink.port, "--smtp-plain-loopback", "yes",
                        "--mail-from", "updates@alder.example", "--public-url", BASE,
                        "--district-id", "1"]
                # not the send time: nothing is queued
                run(*base, "--send-day", str(later.isoweekday()), db=db)
                with Server(db):
                    time.sleep(1.5)
                with db_connect(db) as con:
                    self.assertEqual(con.execute("SELECT count(*) FROM outbox").fetchone()[0], 0)
                # the send time is now: queued and sent without a command
                run(*base, "--send-day", str(now.isoweekday()), "--send-hour", str(now.hour),
                    db=db)
                with Server(db):
                    for _ in range(100):
                        if sink.messages():
                            break
                        time.sleep(0.1)
                msgs = sink.messages()
                self.assertEqual([m["To"].addresses[0].addr_spec for _, m in msgs],
                                 ["gloria@example.org"])
                with db_connect(db) as con:
                    self.assertEqual(con.execute("SELECT status FROM outbox WHERE"
                                                 " channel='email'").fetchone()[0], "sent")
            finally:
                sink.stop()
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
