"""Text messages (issue 13; docs/family_updates.md "Text messages",
docs/security.md "Text-message webhooks"), against a local provider that
speaks the Messages API (tests/http/sms_provider.py): what `families send`
posts (Basic auth, fields, segments within the budget, the family's
language, a sign-in link that signs in to that child), quiet hours that
defer, a 500 retried, 21610 opting out, a number that is not E.164 never
posted; the signed webhooks: STOP in Spanish opting out at once (and the
next send leaving that family out), HELP and START answered, a reply kept
for the school, delivery callbacks (30006 bounces), a forged or missing
signature refused with nothing stored."""
import datetime
import re
import shutil
import tempfile
import unittest
import zoneinfo

from ebtest import Server, db_execute, make_district, run
from sms_provider import Provider, segments

BASE = "https://edbridge.alder.example"
ACCOUNT = "AC0123456789abcdef"
TOKEN = "provider-token-not-for-logs"
FROM = "+15550001111"

# guardians added to the fixture roster: (sid, name, language, phone as typed, children)
FAMILIES = [
    ("gdn-es", "Lucia", "es", "(555) 201-0001", ["stu-2"]),
    ("gdn-zh", "Wei", "zh", "+1 555 201 0002", ["stu-3"]),
    ("gdn-optout", "Owen", "en", "555.201.0003", ["stu-2"]),
    ("gdn-busy", "Bea", "en", "5552010004", ["stu-3"]),
    ("gdn-ru", "Ivan", "ru", "+15552010005", ["stu-2", "stu-3"]),
    ("gdn-bad", "Nora", "en", "12345", ["stu-3"]),
]
E164 = {"gdn-es": "+15552010001", "gdn-zh": "+15552010002", "gdn-optout": "+15552010003",
        "gdn-busy": "+15552010004", "gdn-ru": "+15552010005"}


class Sms(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebsms-")
        cls.db = make_district(cls.dir)
        for sid, name, lang, phone, kids in FAMILIES:
            db_execute(cls.db, "INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                       " given_name, family_name, home_language, sms) VALUES"
                       " (1, ?, 'sch-a1', 'guardian', ?, 'Family', ?, ?)",
                       (sid, name, lang, phone))
            for k in kids:
                db_execute(cls.db, "INSERT INTO guardianship VALUES (1, ?, ?)", (sid, k))
        cls.prov = Provider(ACCOUNT, TOKEN)
        cls.prov.answers[E164["gdn-optout"]] = [
            (400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                   "status": 400}, {})]
        cls.prov.answers[E164["gdn-busy"]] = [
            (500, {"message": "busy"}, {"Retry-After": "600"}), (201, None, {})]
        # serve's weekly schedule must not send while the tests do: its send
        # day is three days from now
        today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Chicago")).isoweekday()
        run("families", "settings", "--sms-url", cls.prov.url, "--sms-account", ACCOUNT,
            "--sms-token-stdin", "--sms-from", FROM, "--public-url", BASE,
            "--quiet-hours", "00:00-00:00", "--send-day", str((today + 2) % 7 + 1),
            "--district-id", "1", db=cls.db, input=TOKEN + "\n")
        cls.srv = Server(cls.db, ["--public-url", BASE]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.prov.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def sql(self, q, *args):
        return db_execute(self.db, q, args)

    def send(self, *args):
        return run("families", "send", "--district-id", "1", *args, db=self.db).stdout

    def hook(self, path, params, **kw):
        return self.prov.webhook(self.srv.port, BASE, path, params, **kw)

    def quiet_around_now(self):
        now = datetime.datetime.now(zoneinfo.ZoneInfo("America/Chicago"))
        m = now.hour * 60 + now.minute
        a, b = (m - 60) % 1440, (m + 60) % 1440
        return f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"

    def test_1_send_quiet_hours_segments_retry_optout_bad_number(self):
        # quiet hours around now: every text waits, still queued, nothing posted
        run("families", "settings", "--quiet-hours", self.quiet_around_now(),
            "--district-id", "1", db=self.db)
        out = self.send()
        self.assertIn("sms deferred (quiet hours): 5", out)
        self.assertEqual(self.prov.messages, [])
        rows = self.sql("SELECT status, next_attempt_at FROM outbox WHERE channel='sms'")
        self.assertEqual(len(rows), 5)
        self.assertTrue(all(s == "queued" for s, _ in rows), rows)
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        for _, at in rows:
            self.assertGreater(at, now + 55 * 60)
            self.assertLess(at, now + 61 * 60 + 60)
        # the quiet hours end (no quiet hours, and the time comes)
        run("families", "settings", "--quiet-hours", "00:00-00:00", "--district-id", "1",
            db=self.db)
        self.sql("UPDATE outbox SET next_attempt_at=0 WHERE channel='sms'")
        out = self.send()
        self.assertIn("sms: 3", out)  # es, zh, ru; busy retries; optout bounced
        self.assertIn("sms retry: 1", out)
        self.assertIn("sms bounced: 1", out)
        # the number that is not E.164 is reported, never posted
        self.assertRegex(out, r"guardian gdn-bad: .*phone")
        self.assertNotIn("12345", [m.get("To") for m in self.prov.messages])
        self.assertEqual(self.prov.refused, [])
        for m in self.prov.messages:
            self.assertEqual(m["From"], FROM)
            self.assertEqual(m["StatusCallback"], BASE + "/sms/status")
            self.assertRegex(m["Body"], re.escape(BASE) + r"/f/[A-Za-z0-9_-]{43}$")
        # segments: what arrived, counted independently, is what is stored
        for sid in ("gdn-es", "gdn-zh", "gdn-ru"):
            (m,) = self.prov.to(E164[sid])
            enc, segs = segments(m["Body"])
            self.assertLessEqual(segs, 2 if enc == "gsm7" else 3, m["Body"])
            row = self.sql("SELECT segments, sms_encoding, status FROM outbox WHERE channel='sms'"
                           " AND guardian_sourced_id=?", sid)
            self.assertEqual(row, [(segs, enc, "sent")])
        es = self.prov.to(E164["gdn-es"])[0]["Body"]
        self.assertIn("matemáticas", es)  # Spanish
        zh = self.prov.to(E164["gdn-zh"])[0]["Body"]
        self.assertIn("数学", zh)
        self.assertEqual(segments(zh)[0], "ucs2")
        ru = self.prov.to(E164["gdn-ru"])[0]["Body"]
        self.assertIn("на той же странице", ru)  # the other child's update is there too
        # the link signs in to that family's child, once
        path = es[es.index(BASE) + len(BASE):]
        c = self.srv.client()
        c.get(path)
        r = c.post(path, {})
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(r.header("Location"), "/students/stu-2")
        self.assertEqual(c.get("/students/stu-3").status, 404)
        # 21610: the family is opted out of texts (and the row bounced)
        self.assertEqual(self.sql("SELECT status FROM outbox WHERE guardian_sourced_id="
                                  "'gdn-optout' AND channel='sms'"), [("bounced",)])
        self.assertEqual(self.sql("SELECT source FROM family_opt_out WHERE guardian_sourced_id="
                                  "'gdn-optout' AND channel='sms'"), [("bounce",)])
        # the 500 is retried: once due, it goes
        self.assertEqual(self.sql("SELECT status, attempts FROM outbox WHERE guardian_sourced_id"
                                  "='gdn-busy' AND channel='sms'"), [("retry", 1)])
        # ... when the provider's Retry-After says (600 s), not before
        (at,) = self.sql("SELECT next_attempt_at FROM outbox WHERE guardian_sourced_id="
                         "'gdn-busy' AND channel='sms'")[0]
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        self.assertGreater(at, now + 500)
        self.assertLess(at, now + 700)
        self.sql("UPDATE outbox SET next_attempt_at=0 WHERE status='retry'")
        out = self.send()
        self.assertIn("sms: 1", out)
        self.assertEqual(len(self.prov.to(E164["gdn-busy"])), 2)
        self.assertEqual(self.sql("SELECT status FROM outbox WHERE guardian_sourced_id="
                                  "'gdn-busy' AND channel='sms'"), [("sent",)])
        # a third send of the week sends nothing again
        n = len(self.prov.messages)
        self.send()
        self.assertEqual(len(self.prov.messages), n)
        # no token, number or body in the audit log
        for (detail,) in self.sql("SELECT detail FROM audit_log"):
            self.assertNotIn(TOKEN, detail or "")
            self.assertNotIn("5552010", detail or "")

    def test_2_status_callbacks(self):
        sid_es = self.sql("SELECT provider_id FROM outbox WHERE guardian_sourced_id='gdn-es'"
                          " AND channel='sms'")[0][0]
        st, _ = self.hook("/sms/status", {"MessageSid": sid_es, "MessageStatus": "delivered"})
        self.assertEqual(st, 204)
        self.assertIsNotNone(self.sql("SELECT delivered_at FROM outbox WHERE provider_id=?",
                                      sid_es)[0][0])
        sid_zh = self.sql("SELECT provider_id FROM outbox WHERE guardian_sourced_id='gdn-zh'"
                          " AND channel='sms'")[0][0]
        st, _ = self.hook("/sms/status", {"MessageSid": sid_zh, "MessageStatus": "undelivered",
                                          "ErrorCode": "30006"})
        self.assertEqual(st, 204)
        self.assertEqual(self.sql("SELECT status FROM outbox WHERE provider_id=?", sid_zh),
                         [("bounced",)])
        self.assertEqual(self.sql("SELECT source FROM family_opt_out WHERE guardian_sourced_id="
                                  "'gdn-zh' AND channel='sms'"), [("bounce",)])
        # an id we never sent is not an error; a bad code is
        st, _ = self.hook("/sms/status", {"MessageSid": "SMnope", "MessageStatus": "delivered"})
        self.assertEqual(st, 204)
        st, _ = self.hook("/sms/status", {"MessageSid": sid_es, "MessageStatus": "failed",
                                          "ErrorCode": "x1"})
        self.assertEqual(st, 400)

    def test_3_stop_in_spanish_then_next_send_leaves_the_family_out(self):
        def week_in(days):
            return "%d-W%02d" % (datetime.date.today() + datetime.timedelta(days=days)
                                 ).isocalendar()[:2]
        # next week's texts are queued, waiting for the quiet hours to end
        run("families", "settings", "--quiet-hours", self.quiet_around_now(),
            "--district-id", "1", db=self.db)
        w1 = week_in(7)
        self.assertIn("sms deferred (quiet hours):", self.send("--week", w1))
        self.assertEqual(self.sql("SELECT status FROM outbox WHERE week=? AND channel='sms'"
                                  " AND guardian_sourced_id='gdn-es'", w1), [("queued",)])
        st, body = self.hook("/sms/inbound", {"From": E164["gdn-es"], "To": FROM,
                                              "Body": " Alto ", "MessageSid": "SMin1"})
        self.assertEqual(st, 200, body)
        self.assertIn("<Response><Message>", body)
        self.assertIn("No recibirá más mensajes de texto", body)  # Spanish
        self.assertIn("Alder County Schools", body)
        self.assertEqual(self.sql("SELECT source FROM family_opt_out WHERE guardian_sourced_id="
                                  "'gdn-es' AND channel='sms'"), [("sms STOP",)])
        # at once: the waiting text is skipped, and goes nowhere when the time comes
        self.assertEqual(self.sql("SELECT status FROM outbox WHERE week=? AND channel='sms'"
                                  " AND guardian_sourced_id='gdn-es'", w1), [("skipped",)])
        run("families", "settings", "--quiet-hours", "00:00-00:00", "--district-id", "1",
            db=self.db)
        self.sql("UPDATE outbox SET next_attempt_at=0 WHERE channel='sms' AND status='queued'")
        n_es, n_ru = len(self.prov.to(E164["gdn-es"])), len(self.prov.to(E164["gdn-ru"]))
        self.send("--week", w1)
        self.assertEqual(len(self.prov.to(E164["gdn-es"])), n_es)
        self.assertEqual(len(self.prov.to(E164["gdn-ru"])), n_ru + 1)
        # the week after: not even queued
        w2 = week_in(14)
        out = self.send("--week", w2)
        self.assertIn("opted out (not sent):", out)
        self.assertEqual(len(self.prov.to(E164["gdn-es"])), n_es)
        self.assertEqual(self.sql("SELECT count(*) FROM outbox WHERE week=? AND channel='sms'"
                                  " AND guardian_sourced_id='gdn-es' AND status<>'skipped'",
                                  w2), [(0,)])
        # START opts back in, answered in Spanish
        st, body = self.hook("/sms/inbound", {"From": E164["gdn-es"], "Body": "START",
                                              "MessageSid": "SMin2"})
        self.assertEqual(st, 200)
        self.assertIn("de nuevo", body)
        self.assertEqual(self.sql("SELECT count(*) FROM family_opt_out WHERE guardian_sourced_id"
                                  "='gdn-es' AND channel='sms'"), [(0,)])

    def test_4_help_reply_and_unknown_numbers(self):
        st, body = self.hook("/sms/inbound", {"From": E164["gdn-ru"], "Body": "HELP",
                                              "MessageSid": "SMin3"})
        self.assertEqual(st, 200)
        self.assertIn("Alder County Schools", body)
        self.assertIn("STOP", body)
        self.assertIn("еженедельн", body)  # Russian
        # anything else is kept for the school, once, and acknowledged
        for _ in range(2):
            st, body = self.hook("/sms/inbound", {"From": E164["gdn-ru"],
                                                  "Body": "Спасибо, учитель!",
                                                  "MessageSid": "SMin4"})
            self.assertEqual(st, 200)
            self.assertIn("<Message>", body)
        self.assertEqual(self.sql("SELECT guardian_sourced_id, body FROM sms_reply"),
                         [("gdn-ru", "Спасибо, учитель!")])
        self.assertEqual(self.sql("SELECT count(*) FROM audit_log WHERE action='sms_reply'"),
                         [(1,)])
        # a number we do not know: STOP answered (in English), nothing stored
        st, body = self.hook("/sms/inbound", {"From": "+15559990000", "Body": "STOP",
                                              "MessageSid": "SMin5"})
        self.assertEqual(st, 200)
        self.assertIn("no more text messages", body)
        st, body = self.hook("/sms/inbound", {"From": "+15559990000", "Body": "hello",
                                              "MessageSid": "SMin6"})
        self.assertEqual(body.strip().endswith("<Response></Response>"), True, body)
        self.assertEqual(self.sql("SELECT count(*) FROM sms_reply"), [(1,)])
        # bad input: not a number, too long a body
        st, _ = self.hook("/sms/inbound", {"From": "not a number", "Body": "STOP"})
        self.assertEqual(st, 400)
        st, _ = self.hook("/sms/inbound", {"From": E164["gdn-ru"], "Body": "x" * 1601,
                                           "MessageSid": "SMlong"})
        self.assertEqual(st, 400)
        st, _ = self.hook("/sms/inbound", {"From": E164["gdn-ru"], "Body": "hello"})
        self.assertEqual(st, 400)  # no message id
        self.assertEqual(self.sql("SELECT count(*) FROM sms_reply"), [(1,)])

    def test_5_forged_or_missing_signature_refused_nothing_stored(self):
        before = self.sql("SELECT (SELECT count(*) FROM sms_reply),"
                          " (SELECT count(*) FROM family_opt_out)")
        params = {"From": E164["gdn-ru"], "Body": "STOP", "MessageSid": "SMforged"}
        for kw in ({"sig": ""}, {"sig": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
                   {"token": "someone-elses-token"}):
            for path in ("/sms/inbound", "/sms/status"):
                st, body = self.hook(path, params, **kw)
                self.assertEqual(st, 403, (path, kw, body))
                self.assertNotIn("<Response>", body)
        # signed for another address (a replay to another URL)
        st, _ = self.prov.webhook(self.srv.port, "https://evil.example", "/sms/inbound", params)
        self.assertEqual(st, 403)
        # a valid signature of other fields
        st, _ = self.hook("/sms/inbound", params,
                          sig=__import__("sms_provider").signature(
                              TOKEN, BASE + "/sms/inbound", dict(params, Body="HELLO",
                                                                 AccountSid=ACCOUNT)))
        self.assertEqual(st, 403)
        # an account no district has
        st, _ = self.prov.webhook(self.srv.port, BASE, "/sms/inbound",
                                  dict(params, AccountSid="ACother"))
        self.assertEqual(st, 403)
        self.assertEqual(self.sql("SELECT (SELECT count(*) FROM sms_reply),"
                                  " (SELECT count(*) FROM family_opt_out)"), before)
        self.assertEqual(self.sql("SELECT count(*) FROM family_opt_out WHERE guardian_sourced_id"
                                  "='gdn-ru'"), [(0,)])


if __name__ == "__main__":
    unittest.main()
