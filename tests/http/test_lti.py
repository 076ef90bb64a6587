"""LTI 1.3 launches from edbridge (issue 16, h16-lti; docs/lti.md).

Two tools:
- LtiToolCase: a real LTI 1.3 tool, npm ltijs on PostgreSQL 15
  (lti_harness.py), launched by a student and a teacher, and answering a
  deep-linking request; the tests read the id_tokens it accepted.
- DeepLinkRefusals: a tool played by the test itself (an RSA key made with
  the openssl command, its JWKS served on loopback), so that it can send
  what a real tool would not: expired, unsigned, wrongly signed or
  misaddressed deep-linking responses, replays; and the bad launches at
  /lti/login (unknown client, redirect_uri not registered, another user's
  hint, an expired or used hint, another deployment).
Every refusal checks the status, the message and that nothing was stored."""
import base64
import html
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import lti_harness
from ebtest import Server, db_connect, db_execute, make_district, run

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jwt_payload(token):
    return json.loads(unb64url(token.split(".")[1]))


def sql(db, q, *args):
    con = db_connect(db)
    try:
        rows = con.execute(q, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


class Browser:
    """Cookies per host:port, like a browser, for the tool's side."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, url, body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = r.getheaders()
        conn.close()
        for k, v in hdrs:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                val = rest.split(";", 1)[0]
                if val:
                    self.cookies[name] = val
                else:
                    self.cookies.pop(name, None)
        return r.status, {k.lower(): v for k, v in hdrs}, data.decode("utf-8", "replace")

    def post_form(self, url, fields):
        return self.request("POST", url, urllib.parse.urlencode(fields),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def launch_form(body):
    """The auto-submitted form of /lti/login's answer: (action, fields)."""
    action = re.search(r'<form id="lti-form" method="post" action="([^"]+)"', body)
    fields = dict((m.group(1), html.unescape(m.group(2)))
                  for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                       body))
    return (html.unescape(action.group(1)) if action else None), fields


def edb_path(url):
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


SKIP = lti_harness.skip_reason()


@unittest.skipIf(SKIP, SKIP)
class LtiToolCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="eblti-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Fraction Lab", "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()
        cls.issuer = f"http://127.0.0.1:{cls.srv.port}"
        items = [
            {"type": "ltiResourceLink", "title": "Compare fractions",
             "url": "http://127.0.0.1:1/compare", "custom": {"standards": "3.NF.A.3"}},
            {"type": "ltiResourceLink", "title": "Fraction puzzles"},
            {"type": "html", "html": "<p>not a link</p>"},
        ]
        try:
            cls.tool = lti_harness.LtiTool(cls.issuer, client_id="fraclab",
                                           deep_items=items).__enter__()
        except BaseException:
            cls.srv.__exit__(None, None, None)
            raise
        run("lti", "add", "--tool", "Fraction Lab", "--client-id", "fraclab",
            "--deployment-id", "dep-1", "--login-url", cls.tool.login_url,
            "--launch-url", cls.tool.launch_url, "--jwks-url", cls.tool.jwks_url,
            "--district-id", "1", db=cls.db)
        run("lti", "link", "--tool", "Fraction Lab", "--class", "cls-a1-3", "--title",
            "Equivalent fractions", "--custom", '{"level":"2"}', "--standards", "3.NF.A.3",
            "--district-id", "1", db=cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.tool.__exit__(None, None, None)
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def launch(self, login, path):
        """Signs in as login and runs the whole launch through the tool;
        returns the tool's last answer (status, body)."""
        c = self.srv.client()
        c.login(login)
        r = c.get(path)
        self.assertEqual(r.status, 303, r.text)
        tb = Browser()
        st, h, body = tb.request("GET", r.header("Location"))
        self.assertEqual(st, 302, body)
        self.assertTrue(h["location"].startswith(self.issuer + "/lti/login?"), h["location"])
        r2 = c.get(edb_path(h["location"]))
        self.assertEqual(r2.status, 200, r2.text)
        self.assertIn("form-action http://127.0.0.1:", r2.header("Content-Security-Policy"))
        action, fields = launch_form(r2.text)
        st, h, body = tb.post_form(action, fields)
        if st == 302:
            st, h, body = tb.request("GET", urllib.parse.urljoin(action, h["location"]))
        return st, body, fields

    def test_jwks_published(self):
        c = self.srv.client()
        r = c.get("/.well-known/jwks.json")
        self.assertEqual(r.status, 200)
        keys = json.loads(r.text)["keys"]
        self.assertTrue(keys)
        for k in keys:
            self.assertEqual(k["kty"], "RSA")
            self.assertEqual(k["alg"], "RS256")
            self.assertTrue(k["kid"])
            self.assertNotIn("d", k)  # never the private part
        sealed = sql(self.db, "SELECT private_sealed FROM lti_platform_key")
        self.assertTrue(all(s[0].startswith("ebv1:") for s in sealed))
        self.assertTrue(os.path.exists(self.db + ".key"))

    def test_student_launch(self):
        self.tool.forget()
        st, body, _ = self.launch("student", "/lti/launch/1")
        self.assertEqual(st, 200, body)
        self.assertTrue(json.loads(body)["launched"])
        seen = self.tool.seen()
        self.assertEqual(len(seen), 1)
        hdr, c = seen[0]["header"], seen[0]["claims"]
        self.assertEqual(hdr["alg"], "RS256")
        kids = [k["kid"] for k in json.loads(self.srv.client().get(
            "/.well-known/jwks.json").text)["keys"]]
        self.assertIn(hdr["kid"], kids)
        self.assertEqual(c["iss"], self.issuer)
        self.assertEqual(c["aud"], "fraclab")
        self.assertEqual(c[CLAIM + "message_type"], "LtiResourceLinkRequest")
        self.assertEqual(c[CLAIM + "version"], "1.3.0")
        self.assertEqual(c[CLAIM + "deployment_id"], "dep-1")
        self.assertIn(LEARNER, c[CLAIM + "roles"])
        self.assertEqual(c[CLAIM + "context"]["id"], "cls-a1-3")
        self.assertEqual(c[CLAIM + "resource_link"], {"id": "1",
                                                      "title": "Equivalent fractions"})
        self.assertEqual(c[CLAIM + "custom"], {"level": "2"})
        self.assertLessEqual(c["exp"] - c["iat"], 300)
        # pseudonymous: not the account id, not the roster id; stable
        acct = sql(self.db, "SELECT id FROM account WHERE login='student'")[0][0]
        self.assertNotIn(c["sub"], (str(acct), "stu-1", "student"))
        # no scopes granted: no name, email, LIS, class title
        for k in ("name", "given_name", "family_name", "email", CLAIM + "lis"):
            self.assertNotIn(k, c)
        self.assertNotIn("title", c[CLAIM + "context"])
        # the district grants name and email: they come; the sub stays
        tool_id = sql(self.db, "SELECT id FROM tool WHERE name='Fraction Lab'")[0][0]
        sql(self.db, "INSERT INTO tool_data_scope VALUES (1, ?, 'name', 0, NULL),"
                     " (1, ?, 'email', 0, NULL), (1, ?, 'class', 0, NULL)",
            tool_id, tool_id, tool_id)
        try:
            self.tool.forget()
            st, body, _ = self.launch("student", "/lti/launch/1")
            self.assertEqual(st, 200, body)
            c2 = self.tool.seen()[0]["claims"]
            self.assertEqual(c2["sub"], c["sub"])
            self.assertTrue(c2["name"])
            self.assertIn("email", c2)
            self.assertEqual(c2[CLAIM + "context"]["title"], "Math 3 - Room 12")
            self.assertNotIn(CLAIM + "lis", c2)  # student id not granted
        finally:
            sql(self.db, "DELETE FROM tool_data_scope")

    def test_teacher_launch_and_deep_linking(self):
        self.tool.forget()
        st, body, _ = self.launch("teacher", "/lti/launch/1")
        self.assertEqual(st, 200, body)
        c = self.tool.seen()[0]["claims"]
        self.assertIn(INSTRUCTOR, c[CLAIM + "roles"])
        self.assertNotIn(LEARNER, c[CLAIM + "roles"])
        # deep linking: the class page offers it, the tool answers with items
        page = self.srv.client()
        page.login("teacher")
        self.assertIn("Add activities from Fraction Lab", page.get("/classes/cls-a1-3").text)
        before = sql(self.db, "SELECT count(*) FROM lti_link")[0][0]
        st, body, _ = self.launch("teacher", "/lti/add/1?class=cls-a1-3")
        self.assertEqual(st, 200, body)
        deep = [s for s in self.tool.seen() if s["kind"] == "deep"][0]["claims"]
        self.assertEqual(deep[CLAIM + "message_type"], "LtiDeepLinkingRequest")
        settings = deep[DL + "deep_linking_settings"]
        self.assertEqual(settings["deep_link_return_url"],
                         self.issuer + "/lti/deep-linking/return")
        self.assertEqual(settings["accept_types"], ["ltiResourceLink"])
        action, fields = re.search(r'action="([^"]+)"', body).group(1), \
            dict(re.findall(r'name="(JWT)" value="([^"]+)"', body))
        self.assertEqual(action, self.issuer + "/lti/deep-linking/return")
        # the tool's page posts it across sites: no edbridge cookie
        st, _, answer = Browser().post_form(action, fields)
        self.assertEqual(st, 200, answer)
        self.assertIn("2 activities were added", answer)
        self.assertIn("1 has no standard yet", answer)
        rows = sql(self.db, "SELECT k.title, k.class_sourced_id, max(s.standard_code)"
                            " FROM lti_link k LEFT JOIN lti_link_standard s ON s.link_id=k.id"
                            " WHERE k.id > ? GROUP BY k.id, k.title, k.class_sourced_id"
                            " ORDER BY k.id", before)
        self.assertEqual(rows, [("Compare fractions", "cls-a1-3", "3.NF.A.3"),
                                ("Fraction puzzles", "cls-a1-3", None)])
        self.assertTrue(sql(self.db, "SELECT 1 FROM activity_map WHERE standard_code="
                                     "'3.NF.A.3' AND activity_id LIKE 'lti:%'"))
        # the tool page lists the one to be mapped; the student sees the new links
        admin = self.srv.client()
        admin.login("admin")
        self.assertIn("To be mapped", admin.get("/tools/1").text)
        stu = self.srv.client()
        stu.login("student")
        self.assertIn("Compare fractions", stu.get("/home").text)
        # the same answer again is a replay: refused, nothing added
        st, _, answer = Browser().post_form(action, fields)
        self.assertEqual(st, 400)
        self.assertIn("received already", answer)
        self.assertEqual(sql(self.db, "SELECT count(*) FROM lti_link")[0][0], before + 2)


class JwksServer:
    """Serves one JWKS on loopback (the test's own tool keys)."""

    def __init__(self, jwks):
        body = json.dumps(jwks).encode()

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def rsa_key(path):
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                    "rsa_keygen_bits:2048", "-out", path], check=True, capture_output=True)
    mod = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-modulus"], check=True,
                         capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": os.path.basename(path),
            "n": b64url(bytes.fromhex(mod)), "e": "AQAB"}


def sign(key_path, kid, payload, alg="RS256"):
    head = b64url(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    signing_input = f"{head}.{body}".encode()
    if alg == "none":
        return f"{head}.{body}."
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key_path],
                         input=signing_input, check=True, capture_output=True).stdout
    return f"{head}.{body}.{b64url(sig)}"


@unittest.skipIf(not shutil.which("openssl"), "the openssl command is not installed")
class DeepLinkRefusals(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="eblti2-")
        cls.db = make_district(cls.dir)
        cls.key = os.path.join(cls.dir, "tool-key")
        cls.other = os.path.join(cls.dir, "other-key")
        jwk = rsa_key(cls.key)
        rsa_key(cls.other)
        cls.jwks = JwksServer({"keys": [jwk]})
        run("tool", "add", "--name", "Geo Board", "--district-id", "1", db=cls.db)
        run("lti", "add", "--tool", "Geo Board", "--client-id", "geo", "--deployment-id",
            "geo-dep", "--login-url", "http://127.0.0.1:9/login", "--launch-url",
            "http://127.0.0.1:9/launch", "--jwks-url", cls.jwks.url, "--district-id", "1",
            db=cls.db)
        run("lti", "link", "--tool", "Geo Board", "--class", "cls-a2-3", "--title",
            "Areas", "--district-id", "1", db=cls.db)
        run("lti", "link", "--tool", "Geo Board", "--class", "cls-a1-3", "--title",
            "Angles", "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()
        cls.issuer = f"http://127.0.0.1:{cls.srv.port}"

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.jwks.close()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def initiate(self, c, path):
        r = c.get(path)
        self.assertEqual(r.status, 303, r.text)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.header("Location")).query))
        self.assertEqual(q["iss"], self.issuer)
        self.assertEqual(q["client_id"], "geo")
        self.assertEqual(q["lti_deployment_id"], "geo-dep")
        return q

    def auth_request(self, c, q, **over):
        p = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
             "prompt": "none", "client_id": q["client_id"],
             "redirect_uri": "http://127.0.0.1:9/launch", "login_hint": q["login_hint"],
             "lti_message_hint": q["lti_message_hint"], "nonce": "n-" + str(time.time()),
             "state": "s1", "lti_deployment_id": q["lti_deployment_id"]}
        p.update(over)
        p = {k: v for k, v in p.items() if v is not None}
        return c.get("/lti/login?" + urllib.parse.urlencode(p))

    def launches(self):
        return sql(self.db, "SELECT count(*) FROM lti_launch WHERE used_at IS NOT NULL")[0][0]

    def test_bad_launches(self):
        teacher = self.srv.client()
        teacher.login("teacher")
        q = self.initiate(teacher, "/lti/launch/2")
        used = self.launches()
        cases = [
            ({"client_id": "nobody"}, "unknown client_id"),
            ({"redirect_uri": "http://127.0.0.1:9/evil"}, "did not register"),
            ({"response_type": "code"}, "response_type=id_token"),
            ({"scope": "profile"}, "scope=openid"),
            ({"response_mode": "query"}, "response_mode=form_post"),
            ({"nonce": None}, "no nonce"),
            ({"login_hint": "someone-else"}, "started by someone else"),
            ({"lti_deployment_id": "other-dep"}, "another deployment"),
            ({"lti_message_hint": "forged"}, "unknown"),
        ]
        for over, msg in cases:
            r = self.auth_request(teacher, q, **over)
            self.assertEqual(r.status, 400, over)
            self.assertIn(msg, html.unescape(r.text), over)
            self.assertNotIn('name="id_token"', r.text, over)
        self.assertEqual(self.launches(), used)  # the hint is still unspent
        # another user cannot spend the teacher's hint
        student = self.srv.client()
        student.login("student")
        r = self.auth_request(student, q)
        self.assertEqual(r.status, 400)
        self.assertNotIn('name="id_token"', r.text)
        # the good request once; again is a replay
        r = self.auth_request(teacher, q)
        self.assertEqual(r.status, 200, r.text)
        action, fields = launch_form(r.text)
        self.assertEqual(action, "http://127.0.0.1:9/launch")
        self.assertEqual(fields["state"], "s1")
        claims = jwt_payload(fields["id_token"])
        self.assertEqual(claims["aud"], "geo")
        # the disclosure is audited: one entry, saying what the tool may receive
        audit = sql(self.db, "SELECT subject_type, detail FROM audit_log WHERE"
                             " action='lti.launch'")
        self.assertEqual(len(audit), 1)
        self.assertEqual(audit[0][0], "lti_link")
        self.assertIn("may receive: none", audit[0][1])
        r = self.auth_request(teacher, q)
        self.assertEqual(r.status, 400)
        self.assertIn("used already", r.text)
        # an expired hint
        q2 = self.initiate(teacher, "/lti/launch/2")
        sql(self.db, "UPDATE lti_launch SET expires_at=0 WHERE hint=?", q2["lti_message_hint"])
        r = self.auth_request(teacher, q2)
        self.assertEqual(r.status, 400)
        self.assertIn("expired", r.text)

    def test_user_not_in_class(self):
        # 'student' (stu-1) is in cls-a1-3, not in cls-a2-3 (link 1)
        c = self.srv.client()
        c.login("student")
        n = sql(self.db, "SELECT count(*) FROM lti_launch")[0][0]
        r = c.get("/lti/launch/1")
        self.assertEqual(r.status, 403)
        self.assertIn("could not be opened", r.text)
        self.assertEqual(sql(self.db, "SELECT count(*) FROM lti_launch")[0][0], n)
        # a family member launches nothing; nor does anyone for an unknown link
        p = self.srv.client()
        p.login("parent")
        self.assertEqual(p.get("/lti/launch/2").status, 403)
        self.assertEqual(c.get("/lti/launch/999").status, 404)
        # a teacher adds activities only to a class they teach
        t = self.srv.client()
        t.login("teacher")
        self.assertEqual(t.get("/lti/add/1?class=cls-a2-3").status, 403)
        self.assertEqual(sql(self.db, "SELECT count(*) FROM lti_launch")[0][0], n)

    def test_keys_rotate(self):
        c = self.srv.client()
        before = [k["kid"] for k in json.loads(c.get("/.well-known/jwks.json").text)["keys"]]
        out = run("lti", "keys", "rotate", "--grace-days", "2", db=self.db).stdout
        kid = re.search(r"^kid: (\S+)$", out, re.M).group(1)
        after = [k["kid"] for k in json.loads(c.get("/.well-known/jwks.json").text)["keys"]]
        self.assertEqual(after[0], kid)
        self.assertTrue(set(before) <= set(after))  # the old key stays published
        listed = run("lti", "keys", "list", db=self.db).stdout.splitlines()
        self.assertEqual(listed[0].split("\t")[0], kid)
        self.assertEqual(listed[0].split("\t")[2], "-")
        # the next launch is signed with the new key
        t = self.srv.client()
        t.login("teacher")
        r = self.auth_request(t, self.initiate(t, "/lti/launch/2"))
        _, fields = launch_form(r.text)
        head = json.loads(unb64url(fields["id_token"].split(".")[0]))
        self.assertEqual(head["kid"], kid)
        # secrets never reach the log or the database in the clear
        self.assertFalse(sql(self.db, "SELECT 1 FROM lti_platform_key WHERE"
                                      " private_sealed LIKE '%PRIVATE%'"))

    def deep_request(self):
        """A deep-linking request through /lti/login: its claims."""
        t = self.srv.client()
        t.login("teacher")
        q = self.initiate(t, "/lti/add/1?class=cls-a1-3")
        r = self.auth_request(t, q)
        self.assertEqual(r.status, 200, r.text)
        _, fields = launch_form(r.text)
        return jwt_payload(fields["id_token"])

    def response(self, req, **over):
        now = int(time.time())
        p = {"iss": "geo", "aud": self.issuer, "iat": now, "exp": now + 60, "nonce": "dl-1",
             CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
             CLAIM + "deployment_id": "geo-dep",
             DL + "data": req[DL + "deep_linking_settings"]["data"],
             DL + "content_items": [
                 {"type": "ltiResourceLink", "title": "Triangle angles",
                  "lineItem": {"scoreMaximum": 10, "tag": "4.MD.C.7"}}]}
        p.update(over)
        return p

    def post_return(self, token):
        return Browser().post_form(self.issuer + "/lti/deep-linking/return", {"JWT": token})

    def count(self):
        return (sql(self.db, "SELECT count(*) FROM lti_link")[0][0],
                sql(self.db, "SELECT count(*) FROM activity_map")[0][0])

    def test_deep_linking_refusals(self):
        req = self.deep_request()
        self.assertEqual(req[CLAIM + "message_type"], "LtiDeepLinkingRequest")
        before = self.count()
        kid = os.path.basename(self.key)
        cases = [
            (sign(self.key, kid, self.response(req), alg="none"), "not a signed message"),
            (sign(self.other, kid, self.response(req)), "not signed by the tool's key"),
            (sign(self.key, kid, self.response(req, exp=int(time.time()) - 3600)),
             "has expired"),
            (sign(self.key, kid, self.response(req, aud="https://elsewhere.example")),
             "another platform"),
            (sign(self.key, kid, self.response(req, iss="nobody")), "not registered"),
            (sign(self.key, kid, self.response(req, **{CLAIM + "deployment_id": "x"})),
             "deployment"),
            (sign(self.key, kid, self.response(req, **{DL + "data": "forged"})),
             "does not belong"),
            (sign(self.key, kid, self.response(req, **{
                DL + "content_items": [{"type": "ltiResourceLink", "title": "Fine"},
                                       {"type": "ltiResourceLink", "title": "x" * 300}]})),
             "Item 2"),
            (sign(self.key, kid, self.response(req, **{
                DL + "content_items": [{"type": "ltiResourceLink", "title": "Fine"},
                                       {"type": "ltiResourceLink", "title": "Bad",
                                        "url": "javascript:alert(1)"}]})),
             "was refused: url"),
            ("", "no deep-linking response"),
            ("not.a.jwt", "not a signed message"),
        ]
        for token, msg in cases:
            st, _, body = self.post_return(token)
            self.assertEqual(st, 400, msg)
            self.assertIn(msg, html.unescape(body), msg)
            self.assertEqual(self.count(), before, msg)
        # the good one is taken once
        token = sign(self.key, kid, self.response(req))
        st, _, body = self.post_return(token)
        self.assertEqual(st, 200, body)
        self.assertIn("1 activity was added", body)
        after = self.count()
        self.assertEqual(after, (before[0] + 1, before[1] + 1))
        self.assertEqual(sql(self.db, "SELECT s.standard_code FROM lti_link k JOIN"
                                      " lti_link_standard s ON s.link_id=k.id WHERE"
                                      " k.title='Triangle angles'"), [("4.MD.C.7",)])
        st, _, body = self.post_return(token)
        self.assertEqual(st, 400)
        self.assertEqual(self.count(), after)
        audit = sql(self.db, "SELECT count(*) FROM audit_log WHERE action='lti.deep_linking'")
        self.assertEqual(audit[0][0], 1)


class ClientIdAcrossDistricts(unittest.TestCase):
    """/lti/login and /lti/token find a registration by client id alone (one
    issuer for the installation): another district's client id is refused,
    nothing stored, on both backends (PostgreSQL's keys are per district)."""

    def test_client_id_taken_by_another_district(self):
        tmp = tempfile.mkdtemp(prefix="eblti-")
        try:
            db = make_district(tmp)
            urls = ["--login-url", "http://127.0.0.1:1/login", "--launch-url",
                    "http://127.0.0.1:1/launch", "--jwks-url", "http://127.0.0.1:1/jwks"]
            for d in ("1", "2"):
                run("tool", "add", "--name", "Geo Board", "--district-id", d, db=db)
            run("lti", "add", "--tool", "Geo Board", "--client-id", "geo-shared",
                "--deployment-id", "dep-1", *urls, "--district-id", "1", db=db)
            counts = "SELECT (SELECT count(*) FROM lti_tool), (SELECT count(*) FROM lti_deployment)"
            before = db_execute(db, counts)
            p = run("lti", "add", "--tool", "Geo Board", "--client-id", "geo-shared",
                    "--deployment-id", "dep-2", *urls, "--district-id", "2", db=db,
                    check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("lti add: --client-id: this client id is taken by another"
                          " registration", p.stderr)
            self.assertEqual(db_execute(db, counts), before)
            self.assertEqual(db_execute(db, "SELECT district_id FROM lti_tool"
                                            " WHERE client_id = 'geo-shared'"), [(1,)])
            # another client id in district 2 is fine
            run("lti", "add", "--tool", "Geo Board", "--client-id", "geo-two",
                "--deployment-id", "dep-2", *urls, "--district-id", "2", db=db)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
