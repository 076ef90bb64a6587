"""Families and students (issue 11): pages in plain words instead of numbers,
sign-in that does not lock a family out (SameSite=Lax, returning to the page
asked for with only a safe local path, a remembered device that the family
or the school can forget, a password a family sets itself), and the
district's address on the printed access-code letter."""
import html
import re
import shutil
import tempfile
import unittest
import urllib.parse

from ebtest import PASSWORD, Server, TempDir, db_connect, make_district, run
from test_mastery_views import evidence_csv

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
# a standard's code as staff pages show it ("3.NF.A.1", "K.CC.A.1")
STANDARD_CODE = re.compile(r"\b(?:K|[1-8])\.[A-Z]{1,3}\.[A-Z]\.\d")


def visible(html):
    """The text a person reads: no tags, no head."""
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


class Family(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebfamily-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)
        path = cls.dir + "/answers.csv"
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=cls.db)
        # a family that signs in with codes only
        for login in ("fam.code", "fam.remember", "fam.setpw", "fam.admin"):
            run("user", "add", "--login", login, "--role", "guardian", "--scope", "person:stu-1",
                "--name", "Pat Family", "--no-password", "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db, ["--public-url", "https://edbridge.maple.example/"]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def code_client(self, login, remember=False, next_path=None):
        code = CODE.search(run("user", "code", "--login", login, "--district-id", "1",
                               db=self.db).stdout).group(0)
        c = self.srv.client()
        c.get("/login/code" + ("?next=" + urllib.parse.quote(next_path, safe="")
                               if next_path else ""))
        fields = {"code": code}
        if remember:
            fields["remember"] = "1"
        if next_path:
            fields["next"] = next_path
        r = c.post("/login/code", fields)
        self.assertEqual(r.status, 303, r.text)
        return c, r

    def audit(self):
        a = self.srv.client()
        self.assertEqual(a.login("admin").status, 303)
        return a.get("/admin/audit?subject_type=account").text

    # -- pages in words --------------------------------------------------------

    def test_family_mastery_page_has_words_not_numbers(self):
        for login in ("parent", "student"):
            c = self.srv.client()
            self.assertEqual(c.login(login).status, 303)
            r = c.get("/students/stu-1/mastery")
            self.assertEqual(r.status, 200)
            text = visible(r.text)
            # the family description of 3.NF.A.1 and the level in words
            self.assertIn("Understand a fraction like 1/4 as one part", text, login)
            self.assertRegex(text, r"Knows it well|Can do it|You know it well|You can do it")
            self.assertIn("What comes next", text)
            # no probabilities, counts of answers, evidence trail, codes or ids
            self.assertNotIn("%", text)
            self.assertNotRegex(text, r"\d+ of \d+ right")
            self.assertNotIn("Evidence trail", text)
            self.assertNotIn("Probability", text)
            self.assertIsNone(STANDARD_CODE.search(text), STANDARD_CODE.search(text))
            self.assertNotIn("stu-1", text)
            self.assertNotIn("Download CSV", text)
            # cards, not a wide table
            self.assertNotIn("<table", r.text)
        # the student reads it in the second person
        s = self.srv.client()
        s.login("student")
        self.assertIn("What to work on next", s.get("/students/stu-1/mastery").text)
        self.assertIn("What to work on next", s.get("/home").text)

    def test_staff_keep_the_numbers_and_the_evidence(self):
        t = self.srv.client()
        t.login("teacher")
        text = t.get("/students/stu-1/mastery").text
        self.assertIn("Evidence trail", text)
        self.assertRegex(text, r"\d+ of \d+ right")
        self.assertIn("3.NF.A.1", text)

    def test_family_record_and_home_in_words(self):
        c = self.srv.client()
        c.login("parent")
        home = c.get("/home")
        text = visible(home.text)
        self.assertIn("Grade 3", text)          # not "03"
        self.assertIn("Working on lately", text)
        self.assertIn("How to help", text)
        self.assertIsNone(STANDARD_CODE.search(text))
        rec = visible(c.get("/students/stu-1").text)
        self.assertIn("Grade 3", rec)
        self.assertNotIn("Student id", rec)
        self.assertNotIn("stu-1", rec)
        # the home page's summary of a child is a view of the record: audited
        self.assertIn("home page: what they are working on", self.audit_students())

    def audit_students(self):
        a = self.srv.client()
        a.login("admin")
        return a.get("/admin/audit?subject_type=student").text

    # -- sign-in -----------------------------------------------------------------

    def test_cookies_are_samesite_lax(self):
        c = self.srv.client()
        c.get("/login")
        r = c.post("/login", {"login": "coord", "password": PASSWORD, "district": "1"})
        self.assertEqual(r.status, 303)
        cookie = [v for k, v in r.headers if k.lower() == "set-cookie" and
                  v.startswith("eb_session=")][0]
        self.assertIn("SameSite=Lax", cookie)
        self.assertNotIn("Strict", cookie)
        self.assertIn("HttpOnly", cookie)

    def test_signin_returns_to_the_page_asked_for(self):
        c = self.srv.client()
        r = c.get("/students/stu-1/mastery?x=1")
        self.assertEqual(r.status, 303)
        loc = r.header("Location")
        self.assertEqual(loc, "/login?next=" + urllib.parse.quote("/students/stu-1/mastery?x=1",
                                                                 safe=""))
        form = c.get(loc).text
        self.assertIn('name="next" value="/students/stu-1/mastery?x=1"', form)
        # the code form is linked with the same next
        self.assertIn('href="/login/code?next=%2Fstudents%2Fstu-1%2Fmastery%3Fx%3D1"', form)
        r = c.post("/login", {"login": "parent", "password": PASSWORD, "district": "1",
                              "next": "/students/stu-1/mastery?x=1"})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/students/stu-1/mastery?x=1")
        # with an access code too
        _, r = self.code_client("fam.code", next_path="/students/stu-1")
        self.assertEqual(r.header("Location"), "/students/stu-1")

    def test_next_is_never_another_site(self):
        bad = ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
               "/\t/evil.example", "/\r\nSet-Cookie: x=1",
               "javascript:alert(1)", "evil.example", "/login", "/logout", "/login/code?x=1",
               "/" + "a" * 1100, "/caf\u00e9", " /home", ""]
        for n in bad:
            c = self.srv.client()
            form = c.get("/login?next=" + urllib.parse.quote(n, safe="")).text
            self.assertNotIn('name="next"', form, repr(n))
            r = c.post("/login", {"login": "coord", "password": PASSWORD, "district": "1",
                                  "next": n})
            self.assertEqual(r.status, 303, repr(n))
            self.assertEqual(r.header("Location"), "/home", repr(n))
        # escapes stay escapes: a path, never a header of its own
        c = self.srv.client()
        c.get("/login")
        r = c.post("/login", {"login": "coord", "password": PASSWORD, "district": "1",
                              "next": "/%0d%0aSet-Cookie:x=1"})
        self.assertEqual(r.header("Location"), "/%0d%0aSet-Cookie:x=1")
        self.assertFalse([v for k, v in r.headers if k.lower() == "set-cookie"
                          and v.startswith("x=")])
        # a signed-in visitor to /login?next= goes there only when it is safe
        c = self.srv.client()
        c.login("coord")
        self.assertEqual(c.get("/login?next=%2F%2Fevil.example").header("Location"), "/home")
        self.assertEqual(c.get("/login?next=%2Fwhats-working").header("Location"),
                         "/whats-working")

    def test_remembered_device_and_forgetting_it(self):
        c, r = self.code_client("fam.remember", remember=True)
        dev = [v for k, v in r.headers if k.lower() == "set-cookie" and
               v.startswith("eb_device=")]
        self.assertEqual(len(dev), 1, r.headers)
        self.assertIn("HttpOnly", dev[0])
        self.assertIn("SameSite=Lax", dev[0])
        self.assertIn(f"Max-Age={90 * 86400}", dev[0])
        token = c.cookies["eb_device"]
        # only its hash is stored
        with db_connect(self.db) as con:
            stored = [row[0] for row in con.execute("SELECT token_hash FROM remembered_device")]
        self.assertTrue(stored)
        self.assertNotIn(token.encode(), stored)
        # the session ends (12 hours later, or the browser closed): the device
        # starts a new one, and the link followed is opened
        c.cookies.pop("eb_session")
        r = c.get("/students/stu-1")
        self.assertEqual(r.status, 200)
        self.assertIn("eb_session", c.cookies)
        self.assertIn("remembered device", self.audit())
        # in the family's language (the roster says Spanish)
        page = c.get("/account/password").text
        self.assertIn('<html lang="es">', page)
        self.assertIn("(este dispositivo)", page)
        self.assertIn("Poner una contraseña", page)
        # the family forgets it
        dev_id = re.search(r'name="device" value="(\d+)"', page).group(1)
        r = c.post("/account/devices", {"device": dev_id})
        self.assertEqual(r.status, 303)
        c.cookies.pop("eb_session")
        self.assertEqual(c.get("/home").status, 303)
        self.assertIn("device_forgotten", self.audit())
        # a stale token is cleared from the browser
        self.assertNotIn("eb_device", c.cookies)

    def test_school_forgets_a_familys_devices(self):
        c, _ = self.code_client("fam.admin", remember=True)
        a = self.srv.client()
        a.login("admin")
        uid = re.search(r'href="/admin/users/(\d+)">[^<]*</a></td><td>fam\.admin<', a.get("/admin/users").text)
        page = a.get(f"/admin/users/{uid.group(1)}").text
        self.assertIn("1 device stays signed in", page)
        r = a.post(f"/admin/users/{uid.group(1)}/devices", {})
        self.assertEqual(r.status, 303)
        self.assertIn("None: this account stays signed in on no device",
                      a.get(f"/admin/users/{uid.group(1)}").text)
        c.cookies.pop("eb_session")
        self.assertEqual(c.get("/home").status, 303)
        self.assertIn("by an administrator", self.audit())

    def test_logout_forgets_the_device(self):
        c, _ = self.code_client("fam.code", remember=True)
        self.assertIn("eb_device", c.cookies)
        token = c.cookies["eb_device"]
        c.get("/home")
        self.assertEqual(c.post("/logout", {}).status, 303)
        self.assertNotIn("eb_device", c.cookies)
        c.cookies["eb_device"] = token  # a copy kept does not sign in either
        self.assertEqual(c.get("/home").status, 303)

    def test_family_sets_a_password_under_the_policy(self):
        c, _ = self.code_client("fam.setpw", remember=True)
        c.get("/account/password")
        other, _ = self.code_client("fam.setpw", remember=True)
        r = c.post("/account/password", {"password": "password1", "again": "password1"})
        self.assertEqual(r.status, 400)
        self.assertIn("demasiado común", r.text)  # the family's language
        r = c.post("/account/password", {"password": "fam.setpw river", "again":
                                         "fam.setpw river"})
        self.assertEqual(r.status, 400)  # contains the login
        new = "maple lantern harbor"
        r = c.post("/account/password", {"password": new, "again": new + "x"})
        self.assertEqual(r.status, 400)
        r = c.post("/account/password", {"password": new, "again": new})
        self.assertEqual(r.status, 303)
        self.assertIn("Su contraseña está puesta", c.get(r.header("Location")).text)
        # this browser stays signed in and remembered; the other device is forgotten
        c.cookies.pop("eb_session")
        self.assertEqual(c.get("/home").status, 200)
        other.cookies.pop("eb_session")
        self.assertEqual(other.get("/home").status, 303)
        self.assertEqual(self.srv.client().login("fam.setpw", new).status, 303)
        self.assertIn("password set by its owner", self.audit())

    # -- the letter --------------------------------------------------------------

    def test_letter_gives_the_public_address(self):
        a = self.srv.client()
        a.login("admin")
        uid = re.search(r'href="/admin/users/(\d+)">[^<]*</a></td><td>fam\.code<', a.get("/admin/users").text)
        a.get(f"/admin/users/{uid.group(1)}")
        r = a.post(f"/admin/users/{uid.group(1)}/code", {})
        self.assertEqual(r.status, 200)
        self.assertIn("https://edbridge.maple.example/login/code", r.text)
        self.assertNotIn("the school's edbridge address", r.text)
        p = run("user", "code", "--login", "fam.code", "--district-id", "1",
                "--public-url", "https://edbridge.maple.example", db=self.db)
        self.assertIn("sign_in_at: https://edbridge.maple.example/login/code", p.stdout)


class LetterWithoutAddress(TempDir):
    def test_without_public_url_the_letter_says_so_and_bad_ones_are_refused(self):
        db = make_district(self.tmp)
        for bad in ("edbridge.example", "ftp://x.example", "https://", "https://a b.example",
                    "https://x.example/?q=1", "https://x.example/\"><script>"):
            p = run("serve", "--public-url", bad, "--port", "0", db=db, check=False)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("--public-url", p.stderr)
        with Server(db) as srv:
            a = srv.client()
            a.login("admin")
            uid = re.search(r'href="/admin/users/(\d+)">[^<]*</a></td><td>parent<', a.get("/admin/users").text)
            a.get(f"/admin/users/{uid.group(1)}")
            r = a.post(f"/admin/users/{uid.group(1)}/code", {})
            self.assertIn("--public-url", r.text)
            self.assertIn("the school's edbridge address", html.unescape(r.text))


if __name__ == "__main__":
    unittest.main()
