"""Black-box tests of the server: limits, headers, login, sessions, CSRF,
rate limits, access codes, user administration."""
import http.client
import re
import socket
import unittest

from ebtest import PASSWORD, Server, TempDir, make_district, run


class Core(TempDir):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="ebcore-")
        cls.db = make_district(cls.dir)
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        import shutil
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_healthz_and_security_headers(self):
        c = self.srv.client()
        r = c.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertIn('"status":"ok"', r.text)
        csp = r.header("Content-Security-Policy")
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("X-Frame-Options"), "DENY")
        r = c.get("/login")
        self.assertNotIn("<script", r.text)
        self.assertNotIn("style=", r.text)

    def test_unknown_and_wrong_method(self):
        c = self.srv.client()
        self.assertEqual(c.get("/no/such/page").status, 404)
        self.assertEqual(c.get("/api/v1/nothing").status, 404)
        r = c.request("DELETE", "/login")
        self.assertEqual(r.status, 405)

    def test_body_too_large_is_413(self):
        # a declared length over the limit is refused before the body is read
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/x-www-form-urlencoded\r\nContent-Length: 17825792\r\n\r\n")
        data = s.recv(4096).decode("latin-1")
        s.close()
        self.assertTrue(data.startswith("HTTP/1.1 413"), data[:100])
        self.assertIn("too large", data)
        # chunked upload without a length is cut off at the limit too
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        conn.putrequest("POST", "/login")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.endheaders()
        chunk = b"y" * (1 << 20)
        try:
            for _ in range(18):
                conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            conn.send(b"0\r\n\r\n")
            status = conn.getresponse().status
        except (BrokenPipeError, ConnectionResetError):
            status = 413
        conn.close()
        self.assertEqual(status, 413)

    def test_oversized_headers_are_refused(self):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n")
        data = s.recv(200)
        s.close()
        self.assertRegex(data.decode("latin-1"), r"HTTP/1\.1 (413|431)")

    def test_login_sets_lax_cookie_and_logout_ends_it(self):
        c = self.srv.client()
        c.get("/login")
        r = c.post("/login", {"login": "coord", "password": PASSWORD, "district": "1"})
        self.assertEqual(r.status, 303)
        cookie = [v for k, v in r.headers if k.lower() == "set-cookie" and v.startswith("eb_session=")][0]
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        token = c.cookies["eb_session"]
        self.assertEqual(c.get("/home").status, 200)
        self.assertEqual(c.get("/home").header("Cache-Control"), "no-store")
        # logging out without the CSRF token is refused
        r = c.post("/logout", {}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertIn("security token", r.text)
        r = c.post("/logout", {})
        self.assertEqual(r.status, 303)
        # the old token no longer works
        c.cookies["eb_session"] = token
        self.assertEqual(c.get("/home").status, 303)

    def test_bad_session_cookie_goes_to_login(self):
        c = self.srv.client()
        c.cookies["eb_session"] = "A" * 43
        r = c.get("/home")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/login")
        c.cookies["eb_session"] = "<script>"
        self.assertEqual(c.get("/home").status, 303)

    def test_login_form_needs_its_csrf_pair(self):
        c = self.srv.client()
        r = c.post("/login", {"login": "coord", "password": PASSWORD, "district": "1"}, csrf=False)
        self.assertEqual(r.status, 403)
        self.assertIn("expired", r.text)

    def test_wrong_password_then_rate_limit(self):
        c = self.srv.client()
        c.get("/login")
        for i in range(5):
            r = c.post("/login", {"login": "vendor", "password": "wrong password", "district": "1"})
            self.assertEqual(r.status, 401)
            self.assertIn("do not match", r.text)
        r = c.post("/login", {"login": "vendor", "password": PASSWORD, "district": "1"})
        self.assertEqual(r.status, 429)
        self.assertIn("Too many", r.text)
        # another account from this address still works (per-account limit)
        c2 = self.srv.client()
        self.assertEqual(c2.login("itstaff").status, 303)
        # failures are audited
        a = self.srv.client()
        a.login("admin")
        self.assertIn("login_failed", a.get("/admin/audit?action=login_failed").text)

    def test_access_code_login_once(self):
        out = run("user", "add", "--login", "fam.code", "--role", "guardian",
                  "--scope", "person:stu-1", "--person", "gdn-1", "--no-password",
                  "--district-id", "1", db=self.db).stdout
        self.assertIn("account_id:", out)
        code = re.search(r"access_code: (\S+)", run("user", "code", "--login", "fam.code",
                                                    "--district-id", "1", db=self.db).stdout).group(1)
        c = self.srv.client()
        c.get("/login/code")
        r = c.post("/login/code", {"code": code.lower()})
        self.assertEqual(r.status, 303)
        r = c.get("/home")
        self.assertIn("Sam", r.text)
        c2 = self.srv.client()
        c2.get("/login/code")
        r = c2.post("/login/code", {"code": code})
        self.assertEqual(r.status, 401)
        self.assertIn("already used", r.text)

    def test_admin_creates_user_and_bad_input_stores_nothing(self):
        a = self.srv.client()
        a.login("admin")
        a.get("/admin/users")
        before = run("user", "list", "--district-id", "1", db=self.db).stdout
        cases = [
            ({"login": "x", "display_name": "X", "password": "long enough pw",
              "role": "teacher", "scope": "district"}, 400,
             "3 to 127 letters, digits or . _ @ -"),
            ({"login": "new.princ", "display_name": "P", "password": "long enough pw",
              "role": "principal", "scope": "school:sch-zzz"}, 400,
             "That school is not in this district&#39;s roster"),
            ({"login": "new.princ", "display_name": "P", "password": "long enough pw",
              "role": "principal", "scope_type": "school", "scope_id": "sch-zzz"}, 400,
             "not in this district&#39;s roster"),
            ({"login": "new.princ", "display_name": "P", "password": "long enough pw",
              "role": "superuser", "scope": "district"}, 400, "Choose one of the listed roles"),
            ({"login": "new.princ", "display_name": "P", "password": "long enough pw",
              "role": "principal", "scope": "district"}, 400, "This role is for one school"),
            ({"login": "admin", "display_name": "P", "password": "long enough pw",
              "role": "coach", "scope": "district"}, 409, "already taken"),
            ({"login": "new.stu", "display_name": "P", "password": "",
              "role": "student", "scope": "person", "scope_name": "Sam One",
              "person": "nobody"}, 400, "No person in the roster is called"),
            ({"login": "new.stu", "display_name": "P", "password": "",
              "role": "student", "scope": "person", "scope_name": "Nobody Here"}, 400,
             "No student in the roster is called"),
        ]
        for fields, status, text in cases:
            r = a.post("/admin/users", fields)
            self.assertEqual(r.status, status, fields)
            self.assertIn(text, r.text)
        self.assertEqual(run("user", "list", "--district-id", "1", db=self.db).stdout, before)
        r = a.post("/admin/users", {"login": "new.princ", "display_name": "New Principal",
                                    "password": "long enough pw", "role": "principal",
                                    "scope": "school:sch-a2"})
        self.assertEqual(r.status, 303)
        loc = r.header("Location")
        r = a.get(loc)
        self.assertIn("New Principal", r.text)
        r = a.post(loc + "/roles", {"op": "add", "role": "coach", "scope_type": "school",
                                    "scope_id": "sch-a2"})
        self.assertEqual(r.status, 303)
        page = a.get(loc).text
        self.assertIn("Instructional coach", page)
        # schools by name, never their roster ids (the text a person reads)
        shown = re.sub(r"<[^>]+>", " ", page.split('<h2 id="add-role">')[0])
        self.assertIn("Cedar Elementary", shown)
        self.assertNotIn("sch-a2", shown)
        r = a.post(loc + "/code", {})
        self.assertEqual(r.status, 200)
        self.assertRegex(r.text, r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
        audit = a.get("/admin/audit?subject_type=account").text
        self.assertIn("new.princ", audit)
        self.assertIn("added the role Instructional coach", audit)
        # the new principal sees school 2 only
        p = self.srv.client()
        self.assertEqual(p.login("new.princ", "long enough pw").status, 303)
        self.assertEqual(p.get("/schools/sch-a2").status, 200)
        self.assertEqual(p.get("/schools/sch-a1").status, 404)
        # disabling the account ends its session and its logins
        self.assertEqual(a.post(loc + "/status", {"disabled": "1"}).status, 303)
        self.assertEqual(p.get("/home").status, 303)
        self.assertEqual(self.srv.client().login("new.princ", "long enough pw").status, 401)
        self.assertEqual(a.post(loc + "/status", {"disabled": "maybe"}).status, 400)
        self.assertEqual(a.post(loc + "/status", {"disabled": "0"}).status, 303)
        self.assertEqual(self.srv.client().login("new.princ", "long enough pw").status, 303)
        self.assertIn("disabled", a.get("/admin/audit?subject_type=account").text)
        # an administrator sets a new password; too short is refused
        self.assertEqual(a.post(loc + "/password", {"password": "short"}).status, 400)
        r = a.post(loc + "/password", {"password": "a brand new one"})
        self.assertEqual(r.status, 200)
        self.assertIn("The password was set", r.text)
        self.assertEqual(self.srv.client().login("new.princ", "long enough pw").status, 401)
        self.assertEqual(self.srv.client().login("new.princ", "a brand new one").status, 303)

    def test_admin_cannot_reach_other_district_accounts(self):
        o = self.srv.client()
        o.login("other.admin")
        o.get("/admin/users")
        r = o.post("/admin/users/1/roles", {"op": "add", "role": "coach", "scope_type": "district"})
        self.assertEqual(r.status, 404)
        page = o.get("/admin/users").text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        self.assertIn("other.admin", page)
        for login in ("coord", "teacher", "parent", 'href="/admin/users/1"'):
            self.assertNotIn(login, page)
        self.assertEqual(o.get("/admin/users/2").status, 404)


class Cli(TempDir):
    def test_help_and_errors(self):
        out = run("--help").stdout
        for cmd in ("init", "import", "user", "serve", "demo", "backup", "restore"):
            self.assertIn(cmd, out)
        for cmd in ("init", "import", "user", "serve", "backup", "restore", "demo"):
            p = run(cmd, "--help", check=False)
            self.assertEqual(p.returncode, 0, cmd)
            self.assertIn("usage", p.stdout)
        p = run("user", "list", db=self.tmp + "/missing.db", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("edbridge init", p.stderr)
        p = run("serve", "--port", "99999", db=self.tmp + "/x.db", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--port must be a whole number", p.stderr)

    def test_serve_port_zero_prints_port(self):
        db = self.tmp + "/s.db"
        run("init", "--district", "D", db=db)
        with Server(db) as s:
            self.assertGreater(s.port, 0)


if __name__ == "__main__":
    unittest.main()
