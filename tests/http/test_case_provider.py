"""A saved CASE provider fetched again (issue 17, h17-admin; docs/case.md):
`edbridge import case --provider ID|URL` and the "Fetch again" button of
/frameworks, over HTTPS from a local TLS provider the test starts (a
certificate made by `openssl req` in a temporary folder: no key is
committed) behind OAuth 2.0 client credentials. --ca-file and the CA file
saved with the provider are honoured; a wrong CA is a clear error and
nothing stored; a bad package is refused with its JSON path and the
framework keeps its items."""
import json
import os
import ssl
import subprocess
import threading
import http.server

from ebtest import BACKEND, Server, TempDir, db_execute, make_district, run
from test_case import (BAD_UNKNOWN_PARENT, CLIENT_ID, CLIENT_SECRET, SBAC, SBAC_ID, Provider)


def make_ca(folder, name):
    """A self-signed certificate for 127.0.0.1 and localhost: (cert, key)."""
    cert, key = os.path.join(folder, name + ".pem"), os.path.join(folder, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def one_leaf_fewer(src, dst):
    """The package src less one item that is no item's parent (and its
    associations), written to dst; returns the item count left."""
    with open(src, encoding="utf-8") as f:
        pkg = json.load(f)
    parents = {a["destinationNodeURI"]["identifier"] for a in pkg["CFAssociations"]
               if a.get("associationType") == "isChildOf"}
    leaf = next(i["identifier"] for i in reversed(pkg["CFItems"])
                if i["identifier"] not in parents)
    pkg["CFItems"] = [i for i in pkg["CFItems"] if i["identifier"] != leaf]
    pkg["CFAssociations"] = [
        a for a in pkg["CFAssociations"]
        if leaf not in (a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"])]
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(pkg, f)
    return len(pkg["CFItems"])


class TlsProvider(Provider):
    packages = dict(Provider.packages)


def items(db):
    return int(db_execute(db, "SELECT count(*) FROM framework_item")[0][0])


class CaseProvider(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        if BACKEND == "pg":  # no database file to keep the vault's key beside
            os.environ["EDBRIDGE_VAULT_KEY_FILE"] = os.path.join(self.tmp, "vault.key")
            self.addCleanup(os.environ.pop, "EDBRIDGE_VAULT_KEY_FILE", None)
        self.cert, key = make_ca(self.tmp, "provider")
        self.wrong, _ = make_ca(self.tmp, "wrong")
        TlsProvider.packages = dict(Provider.packages)
        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TlsProvider)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, key)
        self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.base = f"https://127.0.0.1:{self.srv.server_address[1]}"
        self.url = f"{self.base}/ims/case/v1p0/CFPackages/{SBAC_ID}"
        self.secret_file = os.path.join(self.tmp, "secret")
        with open(self.secret_file, "w") as f:
            f.write(CLIENT_SECRET + "\n")

    def tearDown(self):
        self.srv.shutdown()
        self.srv.server_close()
        super().tearDown()

    def case(self, *args, check=True):
        return run("import", "case", *args, "--district-id", "1", db=self.db, check=check)

    def save(self):
        p = self.case(self.url, "--token-url", f"{self.base}/token", "--client-id", CLIENT_ID,
                      "--client-secret-file", self.secret_file, "--ca-file", self.cert, "--save")
        self.assertIn("imported: 585 items", p.stdout)
        self.assertNotIn(CLIENT_SECRET, p.stdout + p.stderr)

    def test_https_import_with_ca_file_and_a_wrong_ca_stores_nothing(self):
        # the system's CAs do not know the test's certificate: refused, nothing stored
        p = self.case(self.url, "--token-url", f"{self.base}/token", "--client-id", CLIENT_ID,
                      "--client-secret-file", self.secret_file, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("certificate does not verify", p.stderr)
        self.assertEqual(items(self.db), 0)
        # a CA that did not sign it: the same clear error, nothing stored
        p = self.case(self.url, "--token-url", f"{self.base}/token", "--client-id", CLIENT_ID,
                      "--client-secret-file", self.secret_file, "--ca-file", self.wrong,
                      "--save", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("token endpoint's certificate does not verify", p.stderr)
        self.assertEqual(items(self.db), 0)
        self.assertEqual(int(db_execute(self.db, "SELECT count(*) FROM case_provider")[0][0]), 0)
        # the right CA: imported over HTTPS, the provider saved with its CA file
        self.save()
        row = db_execute(self.db, "SELECT ca_file, client_secret_sealed FROM case_provider")[0]
        self.assertEqual(row[0], self.cert)
        self.assertNotIn(CLIENT_SECRET, row[1])

    def test_reimport_from_the_command_line_replaces_the_items(self):
        self.save()
        # --providers lists it, never the secret
        p = self.case("--providers")
        self.assertIn(self.url, p.stdout)
        self.assertIn("secret sealed", p.stdout)
        self.assertNotIn(CLIENT_SECRET, p.stdout)
        # the provider's package changed: one item fewer, replaced in place
        smaller = os.path.join(self.tmp, "smaller.json")
        left = one_leaf_fewer(SBAC, smaller)
        TlsProvider.packages = {SBAC_ID: smaller}
        p = self.case("--provider", "1")
        self.assertIn(f"updated: {left} items", p.stdout)
        self.assertEqual(items(self.db), left)
        self.assertEqual(int(db_execute(self.db, "SELECT count(*) FROM framework")[0][0]), 1)
        # by its URL too; a wrong CA for this run: refused, nothing changed
        p = self.case("--provider", self.url, "--ca-file", self.wrong, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("certificate does not verify", p.stderr)
        self.assertEqual(items(self.db), left)
        # a bad package now: its JSON path, nothing changed
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            json.dump(BAD_UNKNOWN_PARENT, f)
        TlsProvider.packages = {SBAC_ID: bad}
        p = self.case("--provider", "1", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("$.CFAssociations[0].destinationNodeURI: unknown item nowhere", p.stderr)
        self.assertIn("nothing was changed", p.stderr)
        self.assertEqual(items(self.db), left)
        # no such provider; --provider with credentials: refused
        p = self.case("--provider", "9", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no saved provider '9'", p.stderr)
        p = self.case("--provider", "1", "--client-id", "x", check=False)
        self.assertEqual(p.returncode, 2)

    def test_fetch_again_button_on_the_frameworks_page(self):
        self.save()
        smaller = os.path.join(self.tmp, "smaller.json")
        left = one_leaf_fewer(SBAC, smaller)
        bad = os.path.join(self.tmp, "bad.json")
        with open(bad, "w") as f:
            json.dump(BAD_UNKNOWN_PARENT, f)
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            r = c.get("/frameworks")
            self.assertEqual(r.status, 200)
            self.assertIn('action="/frameworks/providers/1/fetch"', r.text)
            self.assertIn("secret sealed", r.text)
            self.assertNotIn(CLIENT_SECRET, r.text)
            TlsProvider.packages = {SBAC_ID: smaller}
            r = c.post("/frameworks/providers/1/fetch", {})
            self.assertEqual(r.status, 200, r.text[:600])
            self.assertIn(f"fetched again, updated, {left} items", r.text)
            self.assertEqual(items(self.db), left)
            # a bad package: 502, the JSON path shown, nothing changed
            TlsProvider.packages = {SBAC_ID: bad}
            r = c.post("/frameworks/providers/1/fetch", {})
            self.assertEqual(r.status, 502)
            self.assertIn("$.CFAssociations[0].destinationNodeURI: unknown item nowhere", r.text)
            self.assertIn("nothing was changed", r.text)
            self.assertEqual(items(self.db), left)
            # the saved CA file no longer matches: the clear error, nothing changed
            TlsProvider.packages = {SBAC_ID: SBAC}
            db_execute(self.db, f"UPDATE case_provider SET ca_file = '{self.wrong}'")
            r = c.post("/frameworks/providers/1/fetch", {})
            self.assertEqual(r.status, 502)
            self.assertIn("certificate does not verify", r.text)
            self.assertEqual(items(self.db), left)
            # without the CSRF token: refused
            self.assertEqual(c.post("/frameworks/providers/1/fetch", {}, csrf=False).status, 403)
            # audited: one import, two refusals
            rows = db_execute(self.db, "SELECT action FROM audit_log WHERE subject_type IN"
                                       " ('framework', 'case_provider') ORDER BY id")
            self.assertEqual([r[0] for r in rows], ["import", "import_rejected",
                                                    "import_rejected"])
            # a teacher neither sees the button nor fetches; another district: 404
            t = srv.client()
            t.login("teacher")
            self.assertNotIn("/frameworks/providers/", t.get("/frameworks").text)
            self.assertEqual(t.post("/frameworks/providers/1/fetch", {}).status, 403)
            o = srv.client()
            o.login("other.admin")
            self.assertEqual(o.post("/frameworks/providers/1/fetch", {}).status, 404)
