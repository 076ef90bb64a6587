"""Single sign-on (docs/sso.md) against a real OpenID provider on loopback.

Two instances of the npm package oidc-provider (tests/http/oidc/provider.js),
served over HTTPS with a CA and certificate this test makes with openssl,
sign people in to two districts: Alder (RS256, client_secret_basic) and Other
(ES256, client_secret_post). Against the real provider: the happy paths, the
session rotation, a replayed state, a code used twice, a person the roster
does not know, sign-out with the provider's end-session link, and `secrets
rotate` (the re-sealed client secret still works).

The attacks that need a token no honest provider issues are made by a small
fake provider in this file (same HTTPS, discovery, JWKS and token endpoint;
tokens signed with `openssl dgst`): a forged token (another key, same kid),
a tampered payload, a token for another audience, an expired one, a wrong
nonce, alg "none", HS256 keyed with the public key. Plus a provider that is
down, and a callback without the browser's state cookie (login CSRF).
Every refusal is checked for its status, its message and that no session
and no identity was stored."""
import base64
import http.client
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import threading
import time
import unittest
import urllib.parse

from ebtest import PASSWORD, ROOT, Server, TempDir, db_dump, db_execute, make_district, run

OIDC_DIR = os.path.join(ROOT, "tests", "http", "oidc")


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_pki(d):
    """A test CA and a server certificate for 127.0.0.1 / localhost."""
    def ossl(*a):
        subprocess.run(["openssl"] + list(a), check=True, capture_output=True)
    ca_key, ca = os.path.join(d, "ca.key"), os.path.join(d, "ca.pem")
    key, csr, crt = (os.path.join(d, n) for n in ("server.key", "server.csr", "server.pem"))
    ext = os.path.join(d, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
         "-days", "2", "-subj", "/CN=edbridge test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
         "-subj", "/CN=127.0.0.1")
    ossl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
         "-out", crt, "-days", "2", "-extfile", ext)
    return ca, crt, key


class RealProvider:
    """node provider.js: oidc-provider over HTTPS on 127.0.0.1."""

    def __init__(self, tmp, name, cert, key, alg, clients, accounts):
        self.cfg = os.path.join(tmp, name + ".json")
        with open(self.cfg, "w") as f:
            json.dump({"cert": cert, "key": key, "alg": alg, "clients": clients,
                       "accounts": accounts}, f)
        self.log = open(os.path.join(tmp, name + ".log"), "w+")
        self.proc = subprocess.Popen(["node", "provider.js", self.cfg], cwd=OIDC_DIR,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening (\d+)", line)
        if not m:
            self.proc.kill()
            self.log.seek(0)
            raise AssertionError("oidc-provider did not start: " + line + self.log.read())
        self.port = int(m.group(1))
        self.issuer = f"https://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.log.close()


class FakeProvider:
    """A provider that answers discovery, its JWKS and the token endpoint with
    whatever id_token the test chose for a code."""

    def __init__(self, tmp, cert, key):
        self.key = os.path.join(tmp, "fake.key")
        self.other_key = os.path.join(tmp, "attacker.key")
        for k in (self.key, self.other_key):
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", k], check=True, capture_output=True)
        mod = subprocess.run(["openssl", "rsa", "-in", self.key, "-noout", "-modulus"],
                             check=True, capture_output=True, text=True).stdout
        n = bytes.fromhex(mod.strip().split("=", 1)[1])
        self.pub_pem = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout"],
                                      check=True, capture_output=True).stdout
        self.jwks = {"keys": [{"kty": "RSA", "kid": "fake-1", "use": "sig", "alg": "RS256",
                               "n": b64u(n), "e": "AQAB"}]}
        self.tokens = {}
        fake = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send_json(self, obj, status=200):
                body = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.send_json({"issuer": fake.issuer,
                                    "authorization_endpoint": fake.issuer + "/auth",
                                    "token_endpoint": fake.issuer + "/token",
                                    "jwks_uri": fake.issuer + "/jwks",
                                    "token_endpoint_auth_methods_supported":
                                        ["client_secret_post"]})
                elif self.path == "/jwks":
                    self.send_json(fake.jwks)
                else:
                    self.send_json({"error": "not_found"}, 404)

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                code = form.get("code", [""])[0]
                if self.path == "/token" and code in fake.tokens:
                    self.send_json({"access_token": "at", "token_type": "Bearer",
                                    "id_token": fake.tokens.pop(code)})
                else:
                    self.send_json({"error": "invalid_grant"}, 400)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.issuer = f"https://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def sign(self, header, claims, key=None):
        si = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key or self.key],
                             input=si.encode(), check=True, capture_output=True).stdout
        return si + "." + b64u(sig)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Browser:
    """One browser across edbridge (http) and the providers (https): cookies per
    host:port, redirects followed by hand."""

    def __init__(self, ca):
        self.ctx = ssl.create_default_context(cafile=ca)
        self.jars = {}

    def request(self, method, url, body=None):
        u = urllib.parse.urlsplit(url)
        hostport = u.netloc
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(u.hostname, u.port, context=self.ctx, timeout=30)
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        jar = self.jars.setdefault(hostport, {})
        h = {}
        if jar:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        path = u.path + ("?" + u.query if u.query else "")
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                val = rest.split(";", 1)[0]
                if "max-age=0" in v.lower() or not val:
                    jar.pop(name, None)
                else:
                    jar[name] = val
        loc = r.getheader("Location")
        conn.close()
        return r.status, (urllib.parse.urljoin(url, loc) if loc else None), data.decode(
            "utf-8", "replace")

    def sign_in_at_provider(self, start_url, login, stop_prefix):
        """From edbridge's /sso/X/start through the provider's sign-in and
        consent forms to the redirect back to edbridge (not followed)."""
        status, loc, _ = self.request("GET", start_url)
        assert status in (302, 303), (status, _)
        for _ in range(12):
            if loc.startswith(stop_prefix):
                return loc
            status, nxt, body = self.request("GET", loc)
            if status in (302, 303):
                loc = nxt
                continue
            assert status == 200, (status, body[:500])
            action = re.search(r'action="([^"]+)"', body).group(1)
            prompt = re.search(r'name="prompt" value="(\w+)"', body).group(1)
            fields = {"prompt": prompt}
            if prompt == "login":
                fields.update({"login": login, "password": "any"})
            status, loc, body = self.request("POST", urllib.parse.urljoin(loc, action), fields)
            assert status in (302, 303), (status, body[:500])
        raise AssertionError("no redirect back to edbridge")


class SingleSignOn(TempDir):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(OIDC_DIR, "node_modules", "oidc-provider")):
            raise AssertionError("tests/http/oidc: run scripts/install-deps.sh (npm ci)")
        import tempfile
        cls.tmpc = tempfile.mkdtemp(prefix="ebsso-")
        cls.db = make_district(cls.tmpc)
        # district 2's person signs in by login = email (no roster person)
        run("user", "add", "--login", "olive@other.example", "--role", "district_admin",
            "--district-id", "2", db=cls.db, input=PASSWORD + "\n")
        cls.ca, cert, key = make_pki(cls.tmpc)
        cls.srv = Server(cls.db).__enter__()
        cls.base = f"http://127.0.0.1:{cls.srv.port}"
        cls.secret_a = "alder-client-secret-Zq81"
        cls.secret_b = "other-client-secret-Kx22"
        cls.prov_a = RealProvider(cls.tmpc, "alder", cert, key, "RS256", [{
            "client_id": "edb-alder", "client_secret": cls.secret_a,
            "redirect_uris": [cls.base + "/sso/alder-idp/callback"],
            "post_logout_redirect_uris": [cls.base + "/login"],
            "token_endpoint_auth_method": "client_secret_basic"}], {
            "tina": {"email": "tina.teach@alder.example", "email_verified": True},
            "stranger": {"email": "nobody@alder.example", "email_verified": True}})
        cls.prov_b = RealProvider(cls.tmpc, "other", cert, key, "ES256", [{
            "client_id": "edb-other", "client_secret": cls.secret_b,
            "redirect_uris": [cls.base + "/sso/other-idp/callback"],
            "token_endpoint_auth_method": "client_secret_post"}], {
            "olive": {"email": "olive@other.example", "email_verified": True}})
        cls.fake = FakeProvider(cls.tmpc, cert, key)
        for slug, d, prov, cid, secret in (
                ("alder-idp", 1, cls.prov_a, "edb-alder", cls.secret_a),
                ("other-idp", 2, cls.prov_b, "edb-other", cls.secret_b),
                ("fake-idp", 1, cls.fake, "edb-fake", "fake-secret")):
            sf = os.path.join(cls.tmpc, slug + ".secret")
            with open(sf, "w") as f:
                f.write(secret + "\n")
            run("sso", "add", "--district-id", str(d), "--preset", "generic", "--slug", slug,
                "--label", slug.split("-")[0].title(), "--issuer", prov.issuer,
                "--client-id", cid, "--client-secret-file", sf, "--ca-file", cls.ca,
                db=cls.db)
        # a provider nobody answers for
        run("sso", "add", "--district-id", "1", "--preset", "generic", "--slug", "down-idp",
            "--issuer", "https://127.0.0.1:9", "--client-id", "x", "--ca-file", cls.ca,
            db=cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.prov_a.stop()
        cls.prov_b.stop()
        cls.fake.stop()
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.tmpc, ignore_errors=True)

    # ---- helpers --------------------------------------------------------

    def q(self, sql, *args):
        return db_execute(self.db, sql, args)

    def sessions(self):
        return self.q("SELECT count(*) FROM session")[0][0]

    def identities(self):
        return self.q("SELECT count(*) FROM sso_identity")[0][0]

    def whoami(self, b):
        status, loc, body = b.request("GET", self.base + "/home")
        if status != 200:
            return None
        return body

    def real_sign_in(self, b, slug, login):
        back = b.sign_in_at_provider(self.base + f"/sso/{slug}/start", login,
                                     self.base + f"/sso/{slug}/callback")
        return back, b.request("GET", back)

    def fake_start(self, b):
        """Starts a sign-in at the fake provider: its state and nonce."""
        status, loc, _ = b.request("GET", self.base + "/sso/fake-idp/start")
        self.assertEqual(status, 303)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)
        self.assertEqual(q["code_challenge_method"], ["S256"])
        self.assertEqual(len(q["code_challenge"][0]), 43)
        return q["state"][0], q["nonce"][0]

    def claims(self, nonce, **over):
        now = int(time.time())
        c = {"iss": self.fake.issuer, "aud": "edb-fake", "sub": "fake-tina",
             "email": "tina.teach@alder.example", "email_verified": True,
             "iat": now, "exp": now + 300, "nonce": nonce}
        c.update(over)
        return c

    def fake_callback(self, b, state, token, code="c1"):
        self.fake.tokens[code] = token
        return b.request("GET", self.base + f"/sso/fake-idp/callback?state={state}&code={code}")

    def assert_refused(self, resp, status, words, before):
        st, loc, body = resp
        self.assertEqual(st, status, body[:800])
        self.assertIn(words, body)
        self.assertEqual(self.sessions(), before[0], "a session was stored")
        self.assertEqual(self.identities(), before[1], "an identity was stored")

    def counts(self):
        return (self.sessions(), self.identities())

    # ---- the real provider -----------------------------------------------

    def test_happy_path_two_districts_and_rotation(self):
        b = Browser(self.ca)
        # signed in with a password first: that session must die at sign-in
        st, _, body = b.request("GET", self.base + "/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        st, _, _ = b.request("POST", self.base + "/login", {
            "csrf": csrf, "login": "coach", "password": PASSWORD, "district": "1"})
        self.assertEqual(st, 303)
        old = b.jars[f"127.0.0.1:{self.srv.port}"]["eb_session"]
        back, (st, loc, body) = self.real_sign_in(b, "alder-idp", "tina")
        self.assertIn("iss=", back)  # RFC 9207: the real provider names itself
        self.assertEqual((st, loc), (303, self.base + "/home"), body[:500])
        new = b.jars[f"127.0.0.1:{self.srv.port}"]["eb_session"]
        self.assertNotEqual(old, new)
        # the roster's account (tch-1, login 'teacher'), with edbridge's roles
        home = self.whoami(b)
        self.assertIn("Teacher", home)
        row = self.q("SELECT a.login FROM sso_identity i JOIN account a ON a.id = i.account_id"
                     " JOIN sso_provider p ON p.id = i.provider_id WHERE p.slug = 'alder-idp'"
                     " AND i.subject = 'tina'")
        self.assertEqual(row, [("teacher",)])
        # the old cookie's session is gone
        stale = Browser(self.ca)
        stale.jars[f"127.0.0.1:{self.srv.port}"] = {"eb_session": old}
        self.assertIsNone(self.whoami(stale))
        # the audit log says who signed in, and with which provider
        self.assertTrue(self.q("SELECT 1 FROM audit_log WHERE action = 'login' AND"
                               " subject_id = 'teacher' AND detail = 'Alder'"))

        # district 2, ES256 and client_secret_post
        b2 = Browser(self.ca)
        _, (st, loc, body) = self.real_sign_in(b2, "other-idp", "olive")
        self.assertEqual((st, loc), (303, self.base + "/home"), body[:500])
        self.assertEqual(self.q("SELECT a.district_id FROM sso_identity i JOIN account a ON"
                                " a.id = i.account_id WHERE i.subject = 'olive'"), [(2,)])

        # sign-out ends the session and offers the provider's own sign-out
        st, _, body = b.request("GET", self.base + "/home")
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        st, loc, _ = b.request("POST", self.base + "/logout", {"csrf": csrf})
        self.assertEqual((st, loc), (303, self.base + "/login?signed_out=alder-idp"))
        st, _, body = b.request("GET", loc)
        self.assertIn(self.prov_a.issuer + "/session/end?client_id=edb-alder", body)
        self.assertIsNone(self.whoami(b))

    def test_replayed_state_and_code_used_twice(self):
        b = Browser(self.ca)
        back, (st, loc, _) = self.real_sign_in(b, "alder-idp", "tina")
        self.assertEqual(st, 303)
        before = self.counts()
        # the same answer again: the state was used
        self.assert_refused(b.request("GET", back), 400, "already used", before)
        # a new sign-in of this browser, with the old code: the provider refuses it
        st, loc, _ = b.request("GET", self.base + "/sso/alder-idp/start")
        state = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["state"][0]
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)["code"][0]
        self.assert_refused(b.request("GET", self.base + "/sso/alder-idp/callback?state="
                                      + state + "&code=" + code), 401,
                            "refused the sign-in code", before)

    def test_person_not_in_roster(self):
        b = Browser(self.ca)
        before = self.counts()
        _, resp = self.real_sign_in(b, "alder-idp", "stranger")
        self.assert_refused(resp, 403, "not in this district&#39;s roster", before)
        self.assertFalse(self.q("SELECT 1 FROM account WHERE substr(login, 1, 6) = 'nobody'"))

    def test_secrets_rotate_keeps_sign_in_working(self):
        raw = db_dump(self.db)
        self.assertNotIn(self.secret_a.encode(), raw)
        keyfile = self.db + ".key"
        self.assertEqual(os.stat(keyfile).st_mode & 0o777, 0o600)
        before = open(keyfile).read()
        p = run("secrets", "rotate", db=self.db)
        self.assertIn("resealed: 3", p.stdout)
        after = open(keyfile).read()
        self.assertNotEqual(before, after)
        old_kid = re.search(r"old key: (\w+)", p.stdout).group(1)
        self.assertNotIn(old_kid, after)
        b = Browser(self.ca)
        _, (st, loc, body) = self.real_sign_in(b, "alder-idp", "tina")
        self.assertEqual((st, loc), (303, self.base + "/home"), body[:500])
        # the secrets never reach the server's log
        self.srv.errlog.seek(0)
        log = self.srv.errlog.read()
        self.assertNotIn(self.secret_a, log)
        self.assertNotIn(self.secret_b, log)

    # ---- crafted tokens (the fake provider) -------------------------------

    def test_expired_sign_ins_are_purged(self):
        db_execute(self.db, "INSERT INTO sso_login(state_hash, provider_id, nonce, code_verifier,"
                   " created_at, expires_at, district_id) SELECT ?, id, 'n', 'v', 1, 2,"
                   " district_id FROM sso_provider WHERE slug = 'fake-idp'", (os.urandom(32),))
        self.fake_start(Browser(self.ca))
        self.assertFalse(self.q("SELECT 1 FROM sso_login WHERE expires_at = 2"))

    def test_fake_provider_accepts_a_good_token(self):
        b = Browser(self.ca)
        state, nonce = self.fake_start(b)
        tok = self.fake.sign({"alg": "RS256", "kid": "fake-1"}, self.claims(nonce))
        st, loc, body = self.fake_callback(b, state, tok)
        self.assertEqual((st, loc), (303, self.base + "/home"), body[:500])

    def attack(self, make_token, status, words):
        b = Browser(self.ca)
        before = self.counts()
        state, nonce = self.fake_start(b)
        self.assert_refused(self.fake_callback(b, state, make_token(nonce)), status, words,
                            before)

    def test_forged_signature(self):
        self.attack(lambda n: self.fake.sign({"alg": "RS256", "kid": "fake-1"}, self.claims(n),
                                             key=self.fake.other_key),
                    401, "signature does not verify")

    def test_tampered_payload(self):
        def tampered(n):
            good = self.fake.sign({"alg": "RS256", "kid": "fake-1"}, self.claims(n))
            h, _, s = good.split(".")
            evil = b64u(json.dumps(self.claims(n, email="admin@alder.example",
                                               sub="someone-else")).encode())
            return h + "." + evil + "." + s
        self.attack(tampered, 401, "signature does not verify")

    def test_other_audience(self):
        self.attack(lambda n: self.fake.sign({"alg": "RS256", "kid": "fake-1"},
                                             self.claims(n, aud="another-app")),
                    401, "made for another application")

    def test_expired(self):
        now = int(time.time())
        self.attack(lambda n: self.fake.sign({"alg": "RS256", "kid": "fake-1"},
                                             self.claims(n, iat=now - 4000, exp=now - 3000)),
                    401, "has expired")

    def test_wrong_nonce(self):
        self.attack(lambda n: self.fake.sign({"alg": "RS256", "kid": "fake-1"},
                                             self.claims("A" * 43)),
                    401, "does not belong to this sign-in")

    def test_alg_none(self):
        def none(n):
            return (b64u(json.dumps({"alg": "none"}).encode()) + "."
                    + b64u(json.dumps(self.claims(n)).encode()) + ".")
        self.attack(none, 401, "unsigned")

    def test_hs256_with_the_public_key(self):
        import hashlib
        import hmac

        def confused(n):
            si = (b64u(json.dumps({"alg": "HS256", "kid": "fake-1"}).encode()) + "."
                  + b64u(json.dumps(self.claims(n)).encode()))
            sig = hmac.new(self.fake.pub_pem, si.encode(), hashlib.sha256).digest()
            return si + "." + b64u(sig)
        self.attack(confused, 401, "algorithm edbridge refuses")

    def test_no_state_cookie_is_login_csrf(self):
        b = Browser(self.ca)
        before = self.counts()
        state, nonce = self.fake_start(b)
        victim = Browser(self.ca)  # another browser, without the state cookie
        self.fake.tokens["c9"] = self.fake.sign({"alg": "RS256", "kid": "fake-1"},
                                                self.claims(nonce))
        self.assert_refused(victim.request("GET", self.base + "/sso/fake-idp/callback?state="
                                           + state + "&code=c9"), 400,
                            "not started in this browser", before)

    def test_provider_down(self):
        b = Browser(self.ca)
        before = self.counts()
        st, _, body = b.request("GET", self.base + "/sso/down-idp/start")
        self.assertEqual(st, 502)
        self.assertIn("did not answer", body)
        self.assertIn('href="/login"', body)
        self.assertEqual(self.counts(), before)
        self.assertFalse(self.q("SELECT 1 FROM sso_login l JOIN sso_provider p ON"
                                " p.id = l.provider_id WHERE p.slug = 'down-idp'"))
        st, _, _ = b.request("GET", self.base + "/sso/nobody/start")
        self.assertEqual(st, 404)

    # ---- the login page, the admin page, the command line -----------------

    def test_login_page_buttons(self):
        b = Browser(self.ca)
        st, _, body = b.request("GET", self.base + "/login?district=1")
        self.assertIn('href="/sso/alder-idp/start"', body)
        self.assertIn("Sign in with Alder", body)
        self.assertNotIn("other-idp", body)
        st, _, body = b.request("GET", self.base + "/login?district=2")
        self.assertIn('href="/sso/other-idp/start"', body)
        self.assertNotIn("alder-idp", body)
        # password sign-in stays
        self.assertIn('name="password"', body)

    def test_admin_page(self):
        from ebtest import Client
        c = Client(self.srv.port)
        c.login("admin")
        r = c.get("/admin/sso")
        self.assertEqual(r.status, 200)
        self.assertIn("alder-idp", r.text)
        self.assertNotIn("other-idp", r.text)  # another district's
        self.assertNotIn(self.secret_a, r.text)
        n = self.q("SELECT count(*) FROM sso_provider")[0][0]
        r = c.post("/admin/sso", {"preset": "generic", "slug": "web-idp",
                                  "issuer": "http://insecure.example", "client_id": "c"})
        self.assertEqual(r.status, 400)
        self.assertIn("https://", r.text)
        r = c.post("/admin/sso", {"preset": "google", "slug": "alder-idp", "client_id": "c"})
        self.assertEqual(r.status, 409)
        self.assertEqual(self.q("SELECT count(*) FROM sso_provider")[0][0], n)
        r = c.post("/admin/sso", {"preset": "google", "slug": "alder-google",
                                  "client_id": "123.apps.example", "client_secret": "gs-1"})
        self.assertEqual(r.status, 200, r.text[:500])
        row = self.q("SELECT id, issuer, client_secret_sealed FROM sso_provider"
                     " WHERE slug = 'alder-google'")
        self.assertEqual(row[0][1], "https://accounts.google.com")
        self.assertTrue(row[0][2].startswith("ebv1:"))
        self.assertTrue(self.q("SELECT 1 FROM audit_log WHERE action = 'create' AND"
                               " subject_type = 'sso_provider' AND subject_id = 'alder-google'"))
        r = c.post(f"/admin/sso/{row[0][0]}/remove", {})
        self.assertEqual(r.status, 200)
        self.assertFalse(self.q("SELECT 1 FROM sso_provider WHERE slug = 'alder-google'"))
        # another district's provider cannot be removed from here
        other = self.q("SELECT id FROM sso_provider WHERE slug = 'other-idp'")[0][0]
        self.assertEqual(c.post(f"/admin/sso/{other}/remove", {}).status, 404)
        self.assertTrue(self.q("SELECT 1 FROM sso_provider WHERE slug = 'other-idp'"))

    def test_cli_refusals(self):
        n = self.q("SELECT count(*) FROM sso_provider")[0][0]
        p = run("sso", "add", "--district-id", "1", "--preset", "okta", "--slug", "x",
                "--client-id", "c", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("Preset", p.stderr)
        p = run("sso", "add", "--district-id", "1", "--preset", "microsoft", "--slug", "ms",
                "--client-id", "c", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("Issuer", p.stderr)
        p = run("sso", "add", "--district-id", "1", "--preset", "google", "--slug", "Bad Slug",
                "--client-id", "c", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.q("SELECT count(*) FROM sso_provider")[0][0], n)
        p = run("sso", "list", "--district-id", "2", db=self.db)
        self.assertIn("other-idp\t2\tgeneric", p.stdout)
        self.assertNotIn("alder-idp", p.stdout)

    def test_slug_unique_across_districts(self):
        """/sso/{slug} names no district: a slug another district uses is
        refused (CLI and page), nothing stored, on both backends (PostgreSQL's
        keys are per district, for Citus)."""
        from ebtest import Client
        n = self.q("SELECT count(*) FROM sso_provider")[0][0]
        p = run("sso", "add", "--district-id", "2", "--preset", "google", "--slug", "alder-idp",
                "--client-id", "c2", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("sso add: Name in the address: already used by another provider", p.stderr)
        self.assertIn("another district", p.stderr)
        c = Client(self.srv.port)
        self.assertEqual(c.login("other.admin", district=2).status, 303)
        r = c.post("/admin/sso", {"preset": "google", "slug": "alder-idp", "client_id": "c3"})
        self.assertEqual(r.status, 409)
        self.assertIn("already used by another provider", r.text)
        self.assertEqual(self.q("SELECT count(*) FROM sso_provider")[0][0], n)
        self.assertEqual(self.q("SELECT district_id FROM sso_provider WHERE slug = 'alder-idp'"),
                         [(1,)])
        # the start page still finds district 1's provider
        st, loc, _ = Browser(self.ca).request("GET", self.base + "/sso/alder-idp/start")
        self.assertIn(st, (302, 303))
        self.assertTrue(loc.startswith(self.prov_a.issuer), loc)


if __name__ == "__main__":
    unittest.main()
