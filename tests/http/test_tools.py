"""Black-box tests of the technology inventory: pages, permissions, CSRF,
validation (nothing stored on error), credentials shown once, and the
`edbridge tool` command line."""
import re
import shutil
import tempfile
import unittest
import urllib.parse

from ebtest import field_error, Server, make_district, run

FULL = {
    "name": "Fraction Quest", "vendor": "Quest Learning", "kind": "app",
    "category": "adaptive practice", "url": "https://fq.example/",
    "need": "Practice with fractions at each student's level",
    "grades": "3-5", "standards": "3.NF.A.1 3.NF.A.3a", "conditions": "",
    "dpa_signed": "yes", "dpa_date": "2026-08-01", "data_location": "United States (AWS)",
    "seats": "400", "annual_cost": "1200.50", "term_start": "2026-08-01",
    "term_end": "2027-07-31", "it_owner": "", "help_name": "Pat Help",
    "help_email": "help@fq.example", "help_phone": "+1 555 0100",
    "help_url": "https://fq.example/help", "help_hours": "Mon-Fri 8-5",
    "data_given": "1",
}


def tool_list(db):
    return run("tool", "list", "--district-id", "1", db=db).stdout


class Tools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebtools-")
        cls.db = make_district(cls.dir)
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303)
        return c

    def add(self, c, **over):
        f = dict(FULL)
        f.update(over)
        c.get("/tools/new")
        fields = list(f.items()) + [("data", "name"), ("data", "usage"), ("csrf", c.csrf)]
        data = urllib.parse.urlencode(fields)
        return c.request("POST", "/tools/new", body=data,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})

    def test_it_adds_tool_and_everything_shows(self):
        it = self.client("itstaff")
        r = self.add(it, name="Fraction Quest")
        self.assertEqual(r.status, 303, r.text[:500])
        loc = r.header("Location")
        self.assertRegex(loc, r"^/tools/\d+$")
        r = it.get(loc)
        self.assertEqual(r.status, 200)
        for s in ["Fraction Quest", "Under review", "3.NF.A.1", "3.NF.A.3a", "3,4,5",
                  "2026-08-01", "Usage data", "1200.50", "help@fq.example", "Mon-Fri 8-5",
                  "added by itstaff", "Credentials for sending data"]:
            self.assertIn(s, r.text)
        # the coordinator edits but does not manage credentials
        co = self.client("coord")
        r = co.get(loc)
        self.assertIn("Change the status", r.text)
        self.assertNotIn("Credentials for sending data", r.text)
        # a teacher reads it, cannot edit
        t = self.client("teacher")
        r = t.get(loc)
        self.assertEqual(r.status, 200)
        self.assertNotIn("Change the status", r.text)
        self.assertEqual(t.post(loc + "/status", {"status": "approved", "reason": "x"}).status, 403)

    def test_bad_input_is_400_with_reason_and_nothing_stored(self):
        it = self.client("itstaff")
        before = tool_list(self.db)
        # each error at its field, in words (never the field's key), the
        # control marked invalid and described by it
        cases = [
            ({"name": ""}, "name", "Required."),
            ({"name": "Bad Grades", "grades": "K-14"}, "grades", "A range is like K-5"),
            ({"name": "Bad Std", "standards": "3.NF.Z.9"}, "standards", "&#39;3.NF.Z.9&#39;"),
            ({"name": "Bad Url", "url": "javascript:alert(1)"}, "url", "An address starting"),
            ({"name": "Bad Date", "dpa_date": "2026-13-01"}, "dpa_date", "A date is YYYY-MM-DD"),
            ({"name": "Bad Cost", "annual_cost": "12,00"}, "annual_cost", "Dollars like 1200"),
            ({"name": "Bad Seats", "seats": "-3"}, "seats", "A whole number"),
            ({"name": "Bad Term", "term_end": "2025-01-01"}, "term_end", "ends before it starts"),
            ({"name": "Bad Mail", "help_email": "nope"}, "help_email", "An email address"),
            ({"name": "Bad Owner", "it_owner": "99999"}, "it_owner", "Not an IT staff account"),
            ({"name": "No Date", "dpa_date": ""}, "dpa_date", "Give the date"),
        ]
        for over, field, msg in cases:
            r = self.add(it, **over)
            self.assertEqual(r.status, 400, f"{over}: {r.status}")
            self.assertIn(msg, field_error(r.text, field), over)
            self.assertRegex(r.text, rf'id="{field}"[^>]* aria-invalid="true" '
                                     rf'aria-describedby="err-{field}"')
            self.assertNotIn(field + ":", r.text)
            # the form is shown again with what was typed
            self.assertIn("<form", r.text)
        self.assertEqual(tool_list(self.db), before)
        # duplicate name
        self.assertEqual(self.add(it, name="Dup Tool").status, 303)
        r = self.add(it, name="dup tool")
        self.assertEqual(r.status, 409)
        self.assertIn("A tool with this name is already listed", field_error(r.text, "name"))

    def test_teacher_requests_it_reviews_parent_sees_approved(self):
        t = self.client("teacher")
        t.get("/tools/request")
        r = t.post("/tools/request", {"name": "Geo Sketch", "vendor": "Geo Co",
                                      "url": "https://geo.example", "need": "",
                                      "grades": "6-8"})
        self.assertEqual(r.status, 400)
        self.assertIn("Say which classroom need", field_error(r.text, "need"))
        r = t.post("/tools/request", {"name": "Geo Sketch", "vendor": "Geo Co",
                                      "url": "https://geo.example",
                                      "need": "Drawing shapes to <explore> area",
                                      "grades": "6-8"})
        self.assertEqual(r.status, 303, r.text[:400])
        loc = r.header("Location")
        tid = loc.rsplit("/", 1)[1]
        r = t.get(loc)
        self.assertIn("Requested", r.text)
        self.assertIn("&lt;explore&gt;", r.text)
        self.assertNotIn("<explore>", r.text)
        # the teacher cannot approve
        self.assertEqual(t.post(loc + "/status", {"status": "approved", "reason": "mine"}).status, 403)
        # not yet public
        p = self.client("parent")
        self.assertNotIn("Geo Sketch", p.get("/tools/approved").text)
        self.assertEqual(p.get(loc).status, 403)
        # IT: a reason is required; conditions for approved_with_conditions
        it = self.client("itstaff")
        it.get(loc)
        r = it.post(loc + "/status", {"status": "approved", "reason": ""})
        self.assertEqual(r.status, 400)
        self.assertIn("Say why the status changes", field_error(r.text, "reason"))
        self.assertIn('aria-invalid="true" aria-describedby="err-reason"', r.text)
        r = it.post(loc + "/status", {"status": "approved_with_conditions", "reason": "ok"})
        self.assertEqual(r.status, 400)
        self.assertIn("State the conditions", field_error(r.text, "conditions"))
        r = it.post(loc + "/status", {"status": "retired", "reason": "old"})
        self.assertEqual(r.status, 409)
        self.assertIn("cannot become Retired", r.text)
        r = it.post(loc + "/status", {"status": "approved_with_conditions",
                                      "reason": "meets the privacy rules",
                                      "conditions": "No student email addresses"})
        self.assertEqual(r.status, 303)
        r = it.get(loc)
        self.assertIn("meets the privacy rules", r.text)
        self.assertIn("requested by teacher", r.text)
        # public list: parent, vendor contact, anonymous with ?district=1
        for c in [p, self.client("vendor")]:
            r = c.get("/tools/approved")
            self.assertEqual(r.status, 200)
            self.assertIn("Geo Sketch", r.text)
            self.assertIn("No student email addresses", r.text)
        anon = self.srv.client()
        r = anon.get("/tools/approved?district=1")
        self.assertIn("Geo Sketch", r.text)
        self.assertNotIn("Geo Sketch", anon.get("/tools/approved?district=2").text)
        self.assertNotIn("Geo Sketch", anon.get("/tools/approved").text)  # two districts
        # the other district sees 404, and not in its public list
        o = self.client("other.admin")
        self.assertEqual(o.get(loc).status, 404)
        o.get("/home")
        self.assertEqual(o.post(loc + "/status", {"status": "denied", "reason": "x"}).status, 404)
        self.assertNotIn("Geo Sketch", o.get("/tools/approved").text)
        # the change is in the audit log
        a = self.client("admin")
        r = a.get(f"/admin/audit?subject_type=tool&subject_id={tid}")
        self.assertIn("Requested -&gt; Approved with conditions", r.text)  # in words
        # filter by status
        r = it.get("/tools?status=approved_with_conditions")
        self.assertIn("Geo Sketch", r.text)
        self.assertNotIn("Geo Sketch", it.get("/tools?status=denied").text)
        self.assertEqual(it.get("/tools?status=bogus").status, 400)

    def test_csrf_is_required(self):
        it = self.client("itstaff")
        r = it.post("/tools/new", {"name": "No Token"}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertIn("security token", r.text)
        self.assertNotIn("No Token", tool_list(self.db))

    def test_credentials_shown_once_rotate_revoke(self):
        it = self.client("itstaff")
        r = self.add(it, name="Cred Tool")
        loc = r.header("Location")
        it.get(loc)
        r = it.post(loc + "/credentials", {"op": "create", "kind": "xapi"})
        self.assertEqual(r.status, 200)
        key = re.search(r'id="key">([^<]+)<', r.text).group(1)
        secret = re.search(r'id="secret">([^<]+)<', r.text).group(1)
        self.assertEqual(len(secret), 43)
        r = it.get(loc)
        self.assertIn(key, r.text)
        self.assertNotIn(secret, r.text)
        cred = re.search(r'name="cred" value="(\d+)"', r.text).group(1)
        r = it.post(loc + "/credentials", {"op": "rotate", "cred": cred})
        self.assertEqual(r.status, 200)
        self.assertIn(key, r.text)
        self.assertNotEqual(re.search(r'id="secret">([^<]+)<', r.text).group(1), secret)
        it.get(loc)
        r = it.post(loc + "/credentials", {"op": "revoke", "cred": cred})
        self.assertEqual(r.status, 200)
        self.assertIn("revoked", r.text)
        r = it.post(loc + "/credentials", {"op": "revoke", "cred": cred})
        self.assertEqual(r.status, 409)
        # the coordinator may not manage credentials
        co = self.client("coord")
        self.assertEqual(co.post(loc + "/credentials", {"op": "create", "kind": "xapi"}).status, 403)

    def test_champion_edits_own_school_only(self):
        it = self.client("itstaff")
        loc = self.add(it, name="Champ Tool").header("Location")
        ch = self.client("champ")
        r = ch.get(loc)
        self.assertEqual(r.status, 200)
        self.assertNotIn("Change the status", r.text)
        self.assertEqual(ch.post(loc, {"name": "Renamed"}).status, 403)
        r = ch.post(loc + "/support", {"school": "sch-a2", "notes": "x"})
        self.assertEqual(r.status, 403)
        r = ch.post(loc + "/support", {"school": "sch-a1", "notes": "Cart in room 12"})
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertIn("Cart in room 12", ch.get(loc).text)


class ToolCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ebtoolcli-")
        self.db = self.tmp + "/t.db"
        run("init", "--district", "Solo", db=self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_cli_lines(self):
        out = run("tool", "add", "--name", "Quizzy", "--vendor", "Q Inc", "--kind", "platform",
                  "--category", "quiz", db=self.db).stdout
        self.assertRegex(out, r"^tool_id: 1\n$")
        out = run("tool", "credentials", "Quizzy", db=self.db).stdout
        lines = out.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertRegex(lines[0], r"^xapi_key: [A-Za-z0-9_-]{20}$")
        self.assertRegex(lines[1], r"^xapi_secret: [A-Za-z0-9_-]{43}$")
        self.assertRegex(lines[2], r"^caliper_token: [A-Za-z0-9_-]{43}$")
        self.assertRegex(run("tool", "credentials", "1", db=self.db).stdout, r"xapi_key: ")
        self.assertEqual(run("tool", "list", db=self.db).stdout, "1\tQuizzy\tQ Inc\tunder_review\n")
        out = run("tool", "status", "Quizzy", "--set", "approved", "--reason", "fine", db=self.db)
        self.assertEqual(run("tool", "list", db=self.db).stdout, "1\tQuizzy\tQ Inc\tapproved\n")
        for args, msg in [
            (["credentials", "Nope"], "no tool 'Nope'"),
            (["status", "Quizzy", "--set", "bogus", "--reason", "r"], "unknown status 'bogus'"),
            (["status", "Quizzy", "--set", "retired"], "--reason"),
            (["status", "Quizzy", "--set", "denied", "--reason", "r"], "cannot become Denied"),
            (["add"], "--name is required"),
            (["add", "--name", "quizzy"], "already listed"),
            (["add", "--name", "K", "--kind", "robot"], "--kind"),
        ]:
            p = run("tool", *args, db=self.db, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(msg, p.stderr, args)
        for sub in ["add", "list", "credentials", "status"]:
            p = run("tool", sub, "--help", check=False)
            self.assertEqual(p.returncode, 0)
            self.assertIn("usage: edbridge tool", p.stdout)


if __name__ == "__main__":
    unittest.main()
