"""LTI Advantage services (issue 16, h16-ags): /lti/token with a signed client
assertion, Assignment and Grade Services (line items, scores into mastery,
results), Names and Role Provisioning Services with only the fields the
district's data-sharing scopes allow, the scopes page, and deletion on
request with every trace looked for afterwards.

The tool here is a test double that signs its assertions with an RSA key of
its own (the `cryptography` package) and serves its JWKS on loopback;
tests/http/test_lti_ltijs.py runs the real ltijs tool when its harness is
there."""
import atexit
import base64
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ebtest import (PASSWORD, Server, TempDir, db_connect, db_copy, db_dump,
                   db_execute, db_schema, make_district, run)

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE = AGS + "score"
LINEITEM = AGS + "lineitem"
RESULT = AGS + "result.readonly"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
CLIENT = "quizzy-client"


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def uint(n):
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class ToolKeys:
    """The tool's RSA key, its JWKS served on loopback, and assertions."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "tool-key-1"
        pub = self.key.public_key().public_numbers()
        jwks = json.dumps({"keys": [{"kty": "RSA", "kid": self.kid, "alg": "RS256",
                                     "use": "sig", "n": uint(pub.n), "e": uint(pub.e)}]})
        self.fetches = 0
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.fetches += 1
                body = jwks.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def sign(self, claims, key=None, kid=None, alg="RS256"):
        header = {"alg": alg, "typ": "JWT", "kid": kid or self.kid}
        si = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
        sig = (key or self.key).sign(si.encode(), padding.PKCS1v15(), hashes.SHA256())
        return si + "." + b64(sig)

    def assertion(self, aud, **over):
        now = int(time.time())
        claims = {"iss": CLIENT, "sub": CLIENT, "aud": aud, "iat": now, "exp": now + 300,
                  "jti": str(uuid.uuid4())}
        claims.update(over)
        return self.sign({k: v for k, v in claims.items() if v is not None})


_FIXTURE = {}


class Base(TempDir):
    """The district with the tool registered and two links, built once and
    copied for each test (the tool's JWKS address is the fixture's: each
    test's key server takes its place in the copy)."""

    def setUp(self):
        super().setUp()
        self.keys = ToolKeys()
        if "db" not in _FIXTURE:
            _FIXTURE["dir"] = tempfile.mkdtemp(prefix="ebtest-lti-")
            atexit.register(shutil.rmtree, _FIXTURE["dir"], True)
            _FIXTURE["db"] = self.build(_FIXTURE["dir"])
        self.db = os.path.join(self.tmp, "t.db")
        db_copy(_FIXTURE["db"], self.db)
        db_execute(self.db, "UPDATE lti_tool SET jwks_url = ?", (self.keys.url,))
        self.link, self.link2 = _FIXTURE["links"]

    def build(self, tmp):
        db = make_district(tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=db)  # tool 1
        run("lti", "add", "--tool", "Quizzy", "--client-id", CLIENT, "--deployment-id", "dep-1",
            "--login-url", "http://127.0.0.1:9/login", "--launch-url",
            "http://127.0.0.1:9/launch", "--jwks-url", "http://127.0.0.1:9/jwks",
            "--district-id", "1", db=db)
        out = run("lti", "link", "--tool", "Quizzy", "--class", "cls-a1-3", "--title",
                  "Fractions on a line", "--standards", "3.NF.A.2", "--district-id", "1",
                  db=db).stdout
        link = int(out.split("link_id:")[1].strip())
        out = run("lti", "link", "--tool", "Quizzy", "--class", "cls-a2-3", "--title",
                  "Fractions", "--standards", "3.NF.A.2", "--district-id", "1", db=db).stdout
        link2 = int(out.split("link_id:")[1].strip())
        # a student of the other class with an account (its subject comes from NRPS)
        run("user", "add", "--login", "student3", "--role", "student", "--scope",
            "person:stu-3", "--name", "Student Three", "--person", "stu-3", "--district-id",
            "1", db=db, input=PASSWORD + "\n")
        _FIXTURE["links"] = (link, link2)
        return db

    def tearDown(self):
        self.keys.close()
        super().tearDown()

    # ---- helpers ----
    def token_url(self, srv):
        return f"http://127.0.0.1:{srv.port}/lti/token"

    def token(self, srv, scope, assertion=None, **form):
        fields = {"grant_type": "client_credentials",
                  "client_assertion_type":
                  "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                  "client_assertion": assertion or self.keys.assertion(self.token_url(srv)),
                  "scope": scope}
        fields.update(form)
        r = srv.client().request("POST", "/lti/token", body=urllib.parse.urlencode(fields),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Host": f"127.0.0.1:{srv.port}"})
        return r, json.loads(r.body or b"{}")

    def scopes(self, srv, *elements):
        a = srv.client()
        a.login("admin")
        a.get("/tools/1/scopes")
        r = self.post_scopes(a, elements)
        self.assertEqual(r.status, 303, r.text[:500])

    def post_scopes(self, client, elements):
        # a repeated field: Client.post takes a dict, so the body is made here
        body = urllib.parse.urlencode([("csrf", client.csrf)] + [("scope", e) for e in elements])
        return client.request("POST", "/tools/1/scopes", body=body,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

    def call(self, srv, tok, method, path, body=None, ctype="application/json"):
        h = {"Authorization": "Bearer " + tok, "Host": f"127.0.0.1:{srv.port}"}
        if body is not None:
            h["Content-Type"] = ctype
            body = json.dumps(body) if not isinstance(body, (bytes, str)) else body
        r = srv.client().request(method, path, body=body, headers=h)
        try:
            js = json.loads(r.body) if r.body else None
        except ValueError:
            js = None
        return r, js

    def rows(self, sql, *args):
        with db_connect(self.db) as con:
            return con.execute(sql, args).fetchall()

    def mastery(self, student, standard):
        r = self.rows("SELECT responses, correct FROM mastery_state WHERE student_sourced_id=?"
                      " AND standard_code=?", student, standard)
        return r[0] if r else (0, 0)

    def members(self, srv, tok, cls="cls-a1-3"):
        r, js = self.call(srv, tok, "GET", f"/lti/nrps/{cls}/memberships")
        self.assertEqual(r.status, 200, r.text)
        return js

    def subject_of(self, srv, tok, cls, role="Learner", person_sid=None):
        for m in self.members(srv, tok, cls)["members"]:
            if any(x.endswith("#" + role) for x in m["roles"]):
                return m["user_id"]
        raise AssertionError("no member")

    def score(self, given, maximum=10, user=None, ts=None, **extra):
        s = {"userId": user, "scoreGiven": given, "scoreMaximum": maximum,
             "activityProgress": "Completed", "gradingProgress": "FullyGraded",
             "timestamp": ts or time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())}
        s.update(extra)
        return {k: v for k, v in s.items() if v is not None}



class LtiServices(Base):
    def test_token_grants_only_what_the_district_allows(self):
        with Server(self.db) as srv:
            # no scopes granted yet: nothing
            r, js = self.token(srv, SCORE)
            self.assertEqual((r.status, js["error"]), (400, "invalid_scope"), js)
            self.assertIn("data-sharing scopes", js["error_description"])
            self.scopes(srv, "scores")
            r, js = self.token(srv, SCORE + " " + NRPS + " " + LINEITEM)
            self.assertEqual(r.status, 200, js)
            self.assertEqual(js["token_type"], "Bearer")
            self.assertEqual(set(js["scope"].split()), {SCORE, LINEITEM})  # no NRPS
            self.assertLessEqual(js["expires_in"], 3600)
            # stored hashed: the token itself is nowhere in the database
            for (h,) in self.rows("SELECT token_hash FROM lti_access_token"):
                self.assertNotIn(js["access_token"], bytes(h).hex().upper())
            self.assertNotIn(js["access_token"].encode(), db_dump(self.db))
            # the scopes page's change is audited with before and after
            got = self.rows("SELECT detail FROM audit_log WHERE subject_type='tool_scope'")
            self.assertIn(("scopes: none -> scores",), got)

    def test_bad_assertions_are_refused_and_store_nothing(self):
        with Server(self.db) as srv:
            self.scopes(srv, "scores", "membership")
            url = self.token_url(srv)
            now = int(time.time())
            other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            cases = {
                "expired": self.keys.assertion(url, exp=now - 600, iat=now - 900),
                "wrong audience": self.keys.assertion("https://elsewhere.example/token"),
                "unknown client": self.keys.assertion(url, iss="nobody", sub="nobody"),
                "iss is not sub": self.keys.assertion(url, sub="someone-else"),
                "no jti": self.keys.assertion(url, jti=None),
                "signed by another key": self.keys.sign(
                    {"iss": CLIENT, "sub": CLIENT, "aud": url, "exp": now + 300,
                     "jti": "x1"}, key=other),
                "unsigned (alg none)": (b64(b'{"alg":"none","typ":"JWT"}') + "." + b64(
                    json.dumps({"iss": CLIENT, "sub": CLIENT, "aud": url, "exp": now + 300,
                                "jti": "x2"}).encode()) + "."),
                "not a JWT": "hello",
            }
            for what, a in cases.items():
                r, js = self.token(srv, SCORE, assertion=a)
                self.assertEqual(r.status, 401, f"{what}: {r.status} {js}")
                self.assertEqual(js["error"], "invalid_client", what)
                self.assertTrue(js["error_description"], what)
            r, js = self.token(srv, SCORE, grant_type="password")
            self.assertEqual((r.status, js["error"]), (400, "unsupported_grant_type"))
            r, js = self.token(srv, SCORE, client_assertion_type="basic")
            self.assertEqual((r.status, js["error"]), (400, "invalid_request"))
            r, js = self.token(srv, "https://example.org/other-scope")
            self.assertEqual((r.status, js["error"]), (400, "invalid_scope"))
            self.assertEqual(self.rows("SELECT count(*) FROM lti_access_token"), [(0,)])
            # a jti is single use: the same assertion twice
            a = self.keys.assertion(url)
            self.assertEqual(self.token(srv, SCORE, assertion=a)[0].status, 200)
            r, js = self.token(srv, SCORE, assertion=a)
            self.assertEqual((r.status, js["error"]), (401, "invalid_client"))
            self.assertIn("jti", js["error_description"])
            self.assertEqual(self.rows("SELECT count(*) FROM lti_access_token"), [(1,)])

    def test_score_moves_mastery_and_refusals_store_nothing(self):
        with Server(self.db) as srv:
            self.scopes(srv, "scores", "membership")
            _, tk = self.token(srv, " ".join([SCORE, LINEITEM, RESULT, NRPS]))
            tok = tk["access_token"]
            learner = self.subject_of(srv, tok, "cls-a1-3")
            outsider = self.subject_of(srv, tok, "cls-a2-3")
            base = f"/lti/ags/{self.link}/lineitems"
            r, item = self.call(srv, tok, "POST", base,
                                {"label": "Fractions quiz", "scoreMaximum": 10,
                                 "resourceLinkId": str(self.link), "tag": "quiz"},
                                "application/vnd.ims.lis.v2.lineitem+json")
            self.assertEqual(r.status, 201, r.text)
            self.assertTrue(item["id"].endswith(f"{base}/{item['id'].rsplit('/', 1)[1]}"))
            iid = item["id"].rsplit("/", 1)[1]
            r, items = self.call(srv, tok, "GET", base)
            self.assertEqual([i["label"] for i in items], ["Fractions quiz"])
            scores = f"{base}/{iid}/scores"
            before = self.mastery("stu-1", "3.NF.A.2")
            ts = "2026-11-02T10:00:00.000Z"
            r, js = self.call(srv, tok, "POST", scores, self.score(9, user=learner, ts=ts),
                              "application/vnd.ims.lis.v1.score+json")
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(js["learningEvents"], 1)
            after = self.mastery("stu-1", "3.NF.A.2")
            self.assertEqual((after[0] - before[0], after[1] - before[1]), (1, 1))
            ev = self.rows("SELECT source, tool_id, standard_code, correct, score FROM"
                           " learning_event WHERE student_sourced_id='stu-1'")
            self.assertEqual(ev, [("lti", 1, "3.NF.A.2", 1, 0.9)])
            # the same post again changes nothing
            r, js = self.call(srv, tok, "POST", scores, self.score(9, user=learner, ts=ts))
            self.assertEqual((r.status, js["learningEvents"]), (200, 0))
            r, res = self.call(srv, tok, "GET", f"{base}/{iid}/results")
            self.assertEqual([(x["userId"], x["resultScore"], x["resultMaximum"]) for x in res],
                             [(learner, 9.0, 10.0)])

            def count():
                return (self.rows("SELECT count(*) FROM learning_event")[0][0],
                        self.rows("SELECT count(*) FROM lti_score")[0][0],
                        self.rows("SELECT count(*) FROM quarantine")[0][0],
                        self.mastery("stu-1", "3.NF.A.2"))
            stored = count()
            refusals = [
                ("student outside the context", self.score(5, user=outsider), 403,
                 "not a student of this class"),
                ("unknown userId", self.score(5, user="no-such-sub"), 400, "userId"),
                ("scoreGiven above scoreMaximum", self.score(12, user=learner), 400,
                 "above scoreMaximum"),
                ("malformed: no gradingProgress",
                 {k: v for k, v in self.score(5, user=learner).items()
                  if k != "gradingProgress"}, 400, "gradingProgress"),
                ("malformed: bad timestamp", self.score(5, user=learner, ts="yesterday"), 400,
                 "timestamp"),
                ("malformed: negative score", self.score(-1, user=learner), 400, "scoreGiven"),
                ("an older score", self.score(5, user=learner, ts="2026-10-01T00:00:00Z"),
                 409, "later score"),
                ("not JSON", "{", 400, "JSON"),
            ]
            for what, body, status, words in refusals:
                r, js = self.call(srv, tok, "POST", scores, body)
                self.assertEqual(r.status, status, f"{what}: {r.text}")
                self.assertIn(words, js["error_description"], what)
                self.assertEqual(count(), stored, what)
            # a scope not granted: a token without score
            _, tk2 = self.token(srv, RESULT)
            r, js = self.call(srv, tk2["access_token"], "POST", scores,
                              self.score(5, user=learner, ts="2026-12-01T00:00:00Z"))
            self.assertEqual((r.status, js["error"]), (403, "insufficient_scope"))
            # an expired token
            with db_connect(self.db) as con:
                con.execute("UPDATE lti_access_token SET expires_at = 1")
            r, js = self.call(srv, tok, "POST", scores,
                              self.score(5, user=learner, ts="2026-12-01T00:00:00Z"))
            self.assertEqual((r.status, js["error"]), (401, "invalid_token"))
            self.assertIn("expired", js["error_description"])
            r, js = self.call(srv, "x" * 43, "GET", base)
            self.assertEqual(r.status, 401)
            self.assertEqual(count(), stored)

    def test_scope_taken_back_stops_a_live_token(self):
        with Server(self.db) as srv:
            self.scopes(srv, "scores", "membership")
            _, tk = self.token(srv, NRPS)
            self.assertEqual(self.call(srv, tk["access_token"], "GET",
                                       "/lti/nrps/cls-a1-3/memberships")[0].status, 200)
            self.scopes(srv, "scores")
            r, js = self.call(srv, tk["access_token"], "GET", "/lti/nrps/cls-a1-3/memberships")
            self.assertEqual((r.status, js["error"]), (403, "insufficient_scope"))

    def test_nrps_gives_only_allowed_fields_and_is_audited(self):
        with Server(self.db) as srv:
            self.scopes(srv, "membership")
            _, tk = self.token(srv, NRPS)
            tok = tk["access_token"]
            js = self.members(srv, tok)
            self.assertEqual(js["context"], {"id": "cls-a1-3"})
            mem = js["members"]
            self.assertEqual(len(mem), 2)  # the teacher and stu-1 have accounts
            for m in mem:
                self.assertEqual(set(m), {"user_id", "status", "roles"}, m)
                self.assertNotIn("stu-", m["user_id"])
            text = json.dumps(js)
            for secret in ("Sam", "stu-1", "tch-1", "@"):
                self.assertNotIn(secret, text)
            # name and email granted: they appear, the district id still does not
            self.scopes(srv, "membership", "name", "email", "class")
            js = self.members(srv, tok)
            self.assertEqual(js["context"]["title"], "Math 3 - Room 12")
            learner = [m for m in js["members"] if m["roles"][0].endswith("#Learner")][0]
            self.assertIn("given_name", learner)
            self.assertNotIn("lis_person_sourcedid", learner)
            # paging: one a page, a Link to the next
            r, page = self.call(srv, tok, "GET", "/lti/nrps/cls-a1-3/memberships?limit=1")
            self.assertEqual(len(page["members"]), 1)
            link = r.header("Link")
            self.assertIn('rel="next"', link)
            nxt = link[link.index("/lti/"):link.index(">")]
            r, page2 = self.call(srv, tok, "GET", nxt)
            self.assertEqual(len(page2["members"]), 1)
            self.assertNotEqual(page["members"][0]["user_id"], page2["members"][0]["user_id"])
            self.assertIsNone(r.header("Link"))
            # a class the tool has no link in
            r, js = self.call(srv, tok, "GET", "/lti/nrps/cls-zz/memberships")
            self.assertEqual(r.status, 404)
            got = self.rows("SELECT action, subject_id, detail FROM audit_log WHERE"
                            " subject_type='class' AND action='export'")
            self.assertTrue(any("LTI class list to tool 1" in d for _, _, d in got), got)

    def test_scopes_page_roles_and_bad_input(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get("/tools/1/scopes")
            self.assertEqual(r.status, 200)
            self.assertNotIn('name="scope"', r.text)  # read only
            r = self.post_scopes(t, ["name"])
            self.assertEqual(r.status, 403)
            a = srv.client()
            a.login("admin")
            a.get("/tools/1/scopes")
            r = self.post_scopes(a, ["name", "ssn"])
            self.assertEqual(r.status, 400)
            self.assertIn("nothing was changed", r.text)
            self.assertEqual(self.rows("SELECT count(*) FROM tool_data_scope"), [(0,)])
            r = a.get("/tools/1")
            self.assertIn("Data-sharing scopes", r.text)
            self.assertIn("/tools/1/scopes", r.text)


def tables_with(db, *cols):
    """Every table with all of cols (found from the catalog, so a future
    table is not forgotten)."""
    return [name for name, have in sorted(db_schema(db).items())
            if all(c in have for c in cols)]


class Forget(Base):
    def seed(self, srv):
        self.scopes(srv, "scores", "membership")
        _, tk = self.token(srv, " ".join([SCORE, LINEITEM, NRPS]))
        tok = tk["access_token"]
        learner = self.subject_of(srv, tok, "cls-a1-3")
        r, item = self.call(srv, tok, "POST", f"/lti/ags/{self.link}/lineitems",
                            {"label": "Quiz", "scoreMaximum": 10,
                             "resourceLinkId": str(self.link)})
        iid = item["id"].rsplit("/", 1)[1]
        r, _ = self.call(srv, tok, "POST", f"/lti/ags/{self.link}/lineitems/{iid}/scores",
                         self.score(9, user=learner, ts="2026-11-02T10:00:00Z"))
        self.assertEqual(r.status, 200, r.text)
        return tok

    def traces(self, student=None):
        """Rows about the tool (and the student) in every table that names them."""
        found = {}
        with db_connect(self.db) as con:
            for t in tables_with(self.db, "tool_id", "student_sourced_id"):
                q = f"SELECT count(*) FROM {t} WHERE tool_id = 1"
                args = ()
                if student:
                    q += " AND student_sourced_id = ?"
                    args = (student,)
                n = con.execute(q, args).fetchone()[0]
                if n:
                    found[t] = n
            lti_tool = con.execute("SELECT id FROM lti_tool WHERE tool_id=1").fetchone()
            if lti_tool:
                acct = con.execute("SELECT id FROM account WHERE login='student'").fetchone()[0]
                for t in tables_with(self.db, "lti_tool_id", "account_id"):
                    n = con.execute(f"SELECT count(*) FROM {t} WHERE lti_tool_id=? AND"
                                    " account_id=?", (lti_tool[0], acct)).fetchone()[0]
                    if n:
                        found[t] = n
            for t in tables_with(self.db, "student_sourced_id", "lineitem_id"):
                n = con.execute(f"SELECT count(*) FROM {t} WHERE student_sourced_id=?",
                                (student or "stu-1",)).fetchone()[0]
                if n:
                    found[t] = n
            for t in tables_with(self.db, "tool_id", "json"):
                n = con.execute(f"SELECT count(*) FROM {t} WHERE tool_id=1 AND"
                                " json LIKE ?", ("%stu-1%",)).fetchone()[0]
                if n:
                    found[t] = n
        return found

    def test_forget_a_student_leaves_no_trace_and_reports(self):
        with Server(self.db) as srv:
            self.seed(srv)
        self.assertTrue(self.traces("stu-1"))
        self.assertEqual(self.mastery("stu-1", "3.NF.A.2")[0], 1)
        out = run("lti", "forget", "--tool", "Quizzy", "--student", "stu-1", "--district-id",
                  "1", db=self.db).stdout
        self.assertIn("learning_event: 1", out)
        self.assertIn("lti_score: 1", out)
        self.assertIn("lti_subject: 1", out)
        self.assertEqual(self.traces("stu-1"), {})
        self.assertEqual(self.mastery("stu-1", "3.NF.A.2"), (0, 0))
        got = self.rows("SELECT action, subject_id FROM audit_log WHERE"
                        " subject_type='tool_data'")
        self.assertEqual(got, [("delete", "1:stu-1")])
        # an unknown student: a clear error, nothing changed
        p = run("lti", "forget", "--tool", "Quizzy", "--student", "stu-999", "--district-id",
                "1", db=self.db, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("stu-999", p.stderr)

    def test_forget_page_for_administrators(self):
        with Server(self.db) as srv:
            self.seed(srv)
            t = srv.client()
            t.login("itstaff")
            self.assertNotIn("/tools/1/forget", t.get("/tools/1").text)
            r = t.post("/tools/1/forget", {"student": "stu-1"})
            self.assertEqual(r.status, 403)
            a = srv.client()
            a.login("admin")
            self.assertIn('action="/tools/1/forget"', a.get("/tools/1").text)
            for form, words in (({"student": "stu-999"}, "no student"),
                                ({"student": ""}, "student:"),
                                ({"all": "1"}, "confirm")):
                r = a.post("/tools/1/forget", form)
                self.assertEqual(r.status, 400, form)
                self.assertIn(words, r.text)
            self.assertEqual(self.rows("SELECT count(*) FROM learning_event"), [(1,)])
            r = a.post("/tools/1/forget", {"student": "stu-1"})
            self.assertEqual(r.status, 200, r.text[:300])
            self.assertIn("learning_event", r.text)
            self.assertEqual(self.traces("stu-1"), {})

    def test_remove_a_tool_leaves_no_trace(self):
        with Server(self.db) as srv:
            self.seed(srv)
        out = run("tool", "remove", "Quizzy", "--district-id", "1", db=self.db).stdout
        self.assertIn("learning_event: 1", out)
        self.assertEqual(self.traces(), {})
        for t in ("lti_lineitem", "lti_access_token", "tool_data_scope", "lti_tool",
                  "lti_link", "tool_credential"):
            self.assertEqual(self.rows(f"SELECT count(*) FROM {t}"), [(0,)], t)
        # never approved (under review in the fixture): denied, with the reason
        self.assertEqual(self.rows("SELECT status FROM tool WHERE id=1"), [("denied",)])


if __name__ == "__main__":
    unittest.main()
