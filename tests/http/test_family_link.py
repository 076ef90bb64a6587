"""A family's sign-in link (issue 13; docs/security.md "Family sign-in
links"): `edbridge families link` issues one; GET shows a button and does
not spend it (mail scanners open links); POST signs the family in to that
child's page once, remembers the device when asked, and is audited; a used,
expired or unknown link gets a clear page in the family's language; a
guardian the roster knows but who has no account gets one made, with
exactly the children the roster gives it."""
import re
import shutil
import tempfile
import unittest

from ebtest import Server, db_connect, make_district, run

BASE = "https://edbridge.alder.example"


class FamilyLink(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="eblink-")
        cls.db = make_district(cls.dir)
        with db_connect(cls.db) as con:
            # a second family the roster knows, with no account: Rosa, the
            # guardian of Sara (stu-2), who reads Vietnamese
            con.execute("INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                        " given_name, family_name, home_language) VALUES"
                        " (1, 'gdn-2', 'sch-a1', 'guardian', 'Rosa', 'Two', 'vi')")
            con.execute("INSERT INTO guardianship VALUES (1, 'gdn-2', 'stu-2')")
        cls.srv = Server(cls.db, ["--public-url", BASE]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def issue(self, guardian, student):
        out = run("families", "link", "--guardian", guardian, "--student", student,
                  "--public-url", BASE + "/", "--district-id", "1", db=self.db)
        url = out.stdout.strip()
        self.assertRegex(url, r"^https://edbridge\.alder\.example/f/[A-Za-z0-9_-]{43}$")
        return url[len(BASE):]

    def test_link_signs_in_once_to_that_child(self):
        path = self.issue("gdn-1", "stu-1")
        c = self.srv.client()
        # opening it twice (a mail scanner, then the parent) spends nothing
        self.assertEqual(c.get(path).status, 200)
        r = c.get(path)
        self.assertEqual(r.status, 200)
        self.assertIn('name="remember" value="1" checked', r.text)
        self.assertNotIn("Sam", r.text)  # no child's name before signing in
        r = c.post(path, {"remember": "1"})
        self.assertEqual(r.status, 303, r.text[:300])
        self.assertEqual(r.header("Location"), "/students/stu-1")
        self.assertIn("eb_device", c.cookies)
        r = c.get("/students/stu-1")
        self.assertEqual(r.status, 200)
        self.assertIn("Sam", r.text)
        # the same link again, in another browser: used
        other = self.srv.client()
        r = other.get(path)
        self.assertEqual(r.status, 410)
        self.assertIn("already used", r.text)
        other.get("/login/code")
        r = other.post(path, {})
        self.assertEqual(r.status, 410)
        self.assertNotIn("eb_session", other.cookies)
        # ... while the family's own browser, still signed in, goes home
        r = c.get(path)
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/home")
        with db_connect(self.db) as con:
            n = con.execute("SELECT count(*) FROM audit_log WHERE action='login'"
                            " AND detail='sign-in link' AND actor='parent'").fetchone()[0]
            self.assertEqual(n, 1)
            # only the hash is stored
            token = path.rsplit("/", 1)[1]
            rows = con.execute("SELECT token_hash FROM family_link").fetchall()
            self.assertTrue(rows)
            for (h,) in rows:
                self.assertNotIn(token.upper(), bytes(h).hex().upper())

    def test_family_without_account_gets_one_for_its_children_only(self):
        path = self.issue("gdn-2", "stu-2")
        c = self.srv.client()
        r = c.get(path)
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="vi">', r.text)  # the roster's language
        r = c.post(path, {})
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/students/stu-2")
        self.assertNotIn("eb_device", c.cookies)  # not asked to remember
        self.assertEqual(c.get("/students/stu-2").status, 200)
        self.assertIn(c.get("/students/stu-1").status, (403, 404))
        with db_connect(self.db) as con:
            rows = con.execute(
                "SELECT a.login, r.role, r.scope_type, r.scope_id FROM account a"
                " JOIN account_role r ON r.account_id=a.id WHERE a.person_sourced_id='gdn-2'"
            ).fetchall()
        self.assertEqual(rows, [("family-gdn-2", "guardian", "person", "stu-2")])

    def test_own_sign_in_page_in_the_family_language(self):
        """A family that came by a link may set an optional password and sees
        its remembered devices, in its language; a refused password says why
        in it too."""
        path = self.issue("gdn-2", "stu-2")
        c = self.srv.client()
        c.get(path)
        self.assertEqual(c.post(path, {"remember": "1"}).status, 303)
        r = c.get("/account/password")
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="vi">', r.text)
        self.assertIn("Đặt mật khẩu", r.text)
        self.assertIn("Các thiết bị giữ đăng nhập", r.text)
        self.assertRegex(r.text, r"Ghi nhớ ngày \d{4}-\d{2}-\d{2}")
        r = c.post("/account/password", {"password": "short", "again": "short"})
        self.assertEqual(r.status, 400)
        self.assertIn("Mật khẩu cần ít nhất 8 ký tự", r.text)
        # staff read it in English
        staff = self.srv.client()
        staff.login("teacher")
        r = staff.get("/account/password")
        self.assertIn("Your login:", r.text)
        self.assertIn('<html lang="en"', r.text)

    def test_guardian_of_another_child_gets_no_link(self):
        out = run("families", "link", "--guardian", "gdn-2", "--student", "stu-1",
                  "--public-url", BASE, "--district-id", "1", db=self.db, check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("not make this person a guardian", out.stderr)
        out = run("families", "link", "--guardian", "gdn-1", "--student", "stu-1",
                  "--public-url", "javascript:alert(1)", "--district-id", "1", db=self.db,
                  check=False)
        self.assertEqual(out.returncode, 2)

    def test_expired_and_unknown_links(self):
        path = self.issue("gdn-1", "stu-1")
        token = path.rsplit("/", 1)[1]
        with db_connect(self.db) as con:
            con.execute("UPDATE family_link SET expires_at = 1 WHERE used_at IS NULL")
        c = self.srv.client()
        r = c.get(path)
        self.assertEqual(r.status, 410)
        self.assertIn("too old", r.text)
        c.get("/login/code")
        r = c.post(path, {})
        self.assertEqual(r.status, 410)
        self.assertNotIn("eb_session", c.cookies)
        for bad in ("/f/" + "A" * 43, "/f/short", "/f/" + token[:-1] + "%00"):
            r = c.get(bad)
            self.assertEqual(r.status, 404, bad)
            self.assertIn("not one of ours", r.text)
        # a POST without the form's token is refused before the link is looked at
        fresh = self.issue("gdn-1", "stu-1")
        r = self.srv.client().post(fresh, {}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertEqual(self.srv.client().get(fresh).status, 200)  # not spent


if __name__ == "__main__":
    unittest.main()
