"""Standards frameworks through CASE (issue 17, h17-case; docs/case.md): `edbridge
import case FILE|URL` with the shared real packages, the URL import from a
local CASE provider (OAuth 2.0 client credentials, the secret sealed and never
printed), the crosswalk (an xAPI statement tagged with a crosswalk item counts
for the Common Core standard's mastery), the primary framework on the
standards pages, and bad packages: status, message, nothing stored."""
import base64
import http.server
import json
import os
import threading
import uuid

from ebtest import SHARED, Server, TempDir, db_connect, db_dump, make_district, run
from test_ingest import basic, credentials

CASE = os.path.join(SHARED, "case")
CCSSM = os.path.join(CASE, "ccssm.cfpackage.json")
CROSSWALK = os.path.join(CASE, "ccssm-ratios-crosswalk.cfpackage.json")
SBAC = os.path.join(CASE, "sbac-math-content-spec.cfpackage.json")
SBAC_ID = "255adad7-2854-47d7-9aa4-c5e1750eb8ca"
CLIENT_ID, CLIENT_SECRET, TOKEN = "edbridge-test", "s3cret-never-shown-9d1", "tok-7f3a"

# 6.RP.A.1 of "What Standards Could Be" (coded as the Common Core's)
XW_6RPA1 = "http://opensalt-staging.opened.com/uri/b6f61076-aa12-450b-8f9d-b86bc071f85e"
# Smarter Balanced's measured skill 3.OA.A.1 (exactMatchOf the Common Core's)
SBAC_3OAA1 = ("https://case.smarterbalanced.org/ims/case/v1p0/CFItems/"
              "31667393-f9e8-5114-9796-3f86ebd73ac5")

BAD_UNKNOWN_PARENT = {
    "CFDocument": {"identifier": "doc-1", "title": "Test State Math", "uri": "x"},
    "CFItems": [{"identifier": "i1", "fullStatement": "One"}],
    "CFAssociations": [{"identifier": "a1", "associationType": "isChildOf",
                        "originNodeURI": {"identifier": "i1"},
                        "destinationNodeURI": {"identifier": "nowhere"}}],
}


def count(db, sql):
    with db_connect(db) as con:
        return con.execute(sql).fetchone()[0]


class Provider(http.server.BaseHTTPRequestHandler):
    """A CASE provider: /token (client credentials, HTTP Basic) and
    /ims/case/v1p0/CFPackages/{id} with the bearer token."""
    packages = {SBAC_ID: SBAC}
    seen = []

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = self.rfile.read(n).decode()
        want = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.path != "/token" or "grant_type=client_credentials" not in form:
            return self.answer(400, {"error": "invalid_request"})
        if self.headers.get("Authorization") != want:
            return self.answer(401, {"error": "invalid_client"})
        self.answer(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 60})

    def do_GET(self):
        Provider.seen.append(self.path)
        prefix = "/ims/case/v1p0/CFPackages/"
        if not self.path.startswith(prefix) or self.path[len(prefix):] not in self.packages:
            return self.answer(404, {"imsx_codeMajor": "failure"})
        if self.headers.get("Authorization") not in (f"Bearer {TOKEN}", None):
            return self.answer(401, {"imsx_codeMajor": "failure"})
        with open(self.packages[self.path[len(prefix):]], "rb") as f:
            self.answer(200, f.read())


class Case(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def import_case(self, *args, check=True, input=None):
        return run("import", "case", *args, "--district-id", "1", db=self.db, check=check,
                   input=input)

    def test_import_the_shared_packages_and_again_in_place(self):
        out = self.import_case(CCSSM).stdout
        self.assertIn("imported: 703 items, 703 associations", out)
        self.assertIn("crosswalk: 664 of 703 items count for a Common Core standard", out)
        out = self.import_case(SBAC).stdout
        self.assertIn("585 items, 3367 associations", out)
        self.assertIn("1 associations repeated word for word, kept once", out)
        out = self.import_case(CROSSWALK).stdout
        self.assertIn("16 of 16 items", out)
        # the same package again: updated in place, nothing doubled
        out = self.import_case(CROSSWALK).stdout
        self.assertIn("updated: 16 items", out)
        self.assertEqual(count(self.db, "SELECT count(*) FROM framework"), 3)
        self.assertEqual(count(self.db, "SELECT count(*) FROM framework_item"), 703 + 585 + 16)
        # district 2 sees none of it
        self.assertEqual(count(self.db, "SELECT count(*) FROM framework WHERE district_id=2"), 0)

    def test_bad_packages_are_refused_with_the_json_path_and_nothing_stored(self):
        bad = os.path.join(self.tmp, "bad.json")
        cases = [
            (BAD_UNKNOWN_PARENT,
             "$.CFAssociations[0].destinationNodeURI: unknown item nowhere"),
            ({**BAD_UNKNOWN_PARENT, "CFAssociations": [
                {"identifier": "a1", "associationType": "isChildOf",
                 "originNodeURI": {"identifier": "i1"}, "destinationNodeURI": {"identifier": "i2"}},
                {"identifier": "a2", "associationType": "isChildOf",
                 "originNodeURI": {"identifier": "i2"}, "destinationNodeURI": {"identifier": "i1"}}],
              "CFItems": [{"identifier": "i1", "fullStatement": "One"},
                          {"identifier": "i2", "fullStatement": "Two"}]},
             "isChildOf cycle through item"),
            ({**BAD_UNKNOWN_PARENT, "CFItems": [{"identifier": "i1", "fullStatement": "One"},
                                                {"identifier": "i1", "fullStatement": "Two"}]},
             "$.CFItems[1].identifier: duplicate identifier i1 (also $.CFItems[0])"),
            ({"CFDocument": {"identifier": "d"}, "CFItems": []}, "$.CFDocument.title: is missing"),
        ]
        for pkg, want in cases:
            with open(bad, "w") as f:
                json.dump(pkg, f)
            p = self.import_case(bad, check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(want, p.stderr)
            self.assertIn("rejected, nothing stored", p.stderr)
        with open(bad, "w") as f:
            f.write('{"CFDocument": {"identifier": ')
        p = self.import_case(bad, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("bad.json:1:", p.stderr)
        self.assertIn("bad JSON", p.stderr)
        for table in ("framework", "framework_item", "framework_assoc", "framework_ccss"):
            self.assertEqual(count(self.db, f"SELECT count(*) FROM {table}"), 0, table)

    def test_url_import_with_client_credentials_sealed_never_printed(self):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        try:
            url = f"{base}/ims/case/v1p0/CFPackages/{SBAC_ID}"
            secret_file = os.path.join(self.tmp, "secret")
            with open(secret_file, "w") as f:
                f.write(CLIENT_SECRET + "\n")
            p = self.import_case(url, "--token-url", f"{base}/token", "--client-id", CLIENT_ID,
                                 "--client-secret-file", secret_file, "--save")
            self.assertIn("585 items", p.stdout)
            self.assertNotIn(CLIENT_SECRET, p.stdout + p.stderr)
            with db_connect(self.db) as con:
                row = con.execute("SELECT package_url, client_id, client_secret_sealed"
                                  " FROM case_provider").fetchone()
            self.assertEqual(row[0], url)
            self.assertEqual(row[1], CLIENT_ID)
            self.assertTrue(row[2].startswith("ebv1:"), row[2])
            self.assertNotIn(CLIENT_SECRET, row[2])
            self.assertNotIn(CLIENT_SECRET.encode(), db_dump(self.db))
            # the secret from stdin works too; a wrong one is refused, nothing stored
            p = self.import_case(url, "--token-url", f"{base}/token", "--client-id", CLIENT_ID,
                                 "--client-secret-stdin", input=CLIENT_SECRET + "\n")
            self.assertIn("updated: 585 items", p.stdout)
            p = self.import_case(url, "--token-url", f"{base}/token", "--client-id", CLIENT_ID,
                                 "--client-secret-stdin", input="wrong\n", check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("refused the client credentials", p.stderr)
            self.assertNotIn("wrong", p.stderr.replace("refused", ""))
            # an unknown package: the provider's 404, nothing stored
            p = self.import_case(f"{base}/ims/case/v1p0/CFPackages/nope", check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn("the provider answered HTTP 404", p.stderr)
            self.assertEqual(count(self.db, "SELECT count(*) FROM framework"), 1)
            # plain http to another machine, or a URL that is not a package: refused
            p = self.import_case(f"http://example.com/ims/case/v1p0/CFPackages/{SBAC_ID}",
                                 check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("must be https://", p.stderr)
            p = self.import_case(f"{base}/somewhere", check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("CFPackages", p.stderr)
        finally:
            srv.shutdown()
            srv.server_close()

    def test_crosswalk_item_counts_for_the_common_core_standard(self):
        self.import_case(CROSSWALK)
        tid, creds = credentials(self.db, "State Practice")
        stmts = []
        for object_id in (XW_6RPA1, SBAC_3OAA1, "https://practice.example/items/unmapped"):
            stmts.append({
                "id": str(uuid.uuid4()),
                "actor": {"objectType": "Agent",
                          "account": {"homePage": "https://practice.example", "name": "stu-1"}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"objectType": "Activity", "id": object_id},
                "result": {"success": True},
                "timestamp": "2026-10-01T15:00:00Z",
            })
        with Server(self.db) as srv:
            r = srv.client().request("POST", "/xapi/statements", json.dumps(stmts),
                                     basic(creds))
            self.assertEqual(r.status, 200, r.text)
        # Smarter Balanced's item waited in the quarantine until its package came
        self.assertEqual(count(self.db, "SELECT count(*) FROM quarantine"), 2)
        out = self.import_case(SBAC).stdout
        self.assertIn("quarantined learning events matched: 1", out)
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            page = c.get("/students/stu-1/mastery").text
            self.assertIn("6.RP.A.1", page)
        with db_connect(self.db) as con:
            got = dict(con.execute("SELECT activity_id, standard_code FROM learning_event"
                                   " WHERE student_sourced_id = 'stu-1'").fetchall())
            self.assertEqual(got.get(XW_6RPA1), "6.RP.A.1")
            self.assertEqual(got.get(SBAC_3OAA1), "3.OA.A.1")
            q = con.execute("SELECT activity_id, reason FROM quarantine").fetchall()
        self.assertEqual(q, [("https://practice.example/items/unmapped",
                              "activity not mapped to a standard")])

    def test_pages_primary_framework_upload_and_roles(self):
        self.import_case(SBAC)
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            r = c.get("/frameworks")
            self.assertEqual(r.status, 200)
            self.assertIn("Smarter Balanced Math Content Specification", r.text)
            fid = count(self.db, "SELECT id FROM framework")
            r = c.get(f"/frameworks/{fid}")
            self.assertEqual(r.status, 200)
            self.assertIn("M.G3.C1OA.TA.3.OA.A.1", r.text)
            self.assertIn("3.OA.A.1", r.text)
            # the tree is indented by class (a claim under its grade, a target under it)
            self.assertIn('<td class="fw-d1">', r.text)
            self.assertIn('<td class="fw-d2">', r.text)
            # the standards page links the frameworks; no primary yet: no label
            self.assertIn('href="/frameworks"', c.get("/standards").text)
            self.assertNotIn("primary framework:", c.get("/standards/3.OA.A.1").text)
            # choose it (audited): the standard page speaks its code
            r = c.post("/frameworks/primary", {"framework": str(fid)})
            self.assertEqual(r.status, 303)
            page = c.get("/standards/3.OA.A.1").text
            self.assertIn("In your district&#39;s primary framework", page.replace("'", "&#39;"))
            self.assertIn("M.G3.C1OA.TA.3.OA.A.1", page)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                            " subject_type = 'framework_primary'"), 1)
            # another district's framework, or nonsense: 400, nothing changed
            r = c.post("/frameworks/primary", {"framework": "999"})
            self.assertEqual(r.status, 400)
            self.assertIn("no such framework", r.text)
            self.assertEqual(count(self.db, "SELECT framework_id FROM framework_primary"), fid)
            # the upload: a bad package is refused whole with its path
            c.get("/frameworks")
            body, ctype = multipart(json.dumps(BAD_UNKNOWN_PARENT).encode(), "state.json",
                                    c.csrf)
            r = c.request("POST", "/frameworks/import", body, {"Content-Type": ctype})
            self.assertEqual(r.status, 400, r.text[:400])
            self.assertIn("$.CFAssociations[0].destinationNodeURI: unknown item nowhere", r.text)
            self.assertIn("nothing was changed", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM framework"), 1)
            with open(CROSSWALK, "rb") as f:
                body, ctype = multipart(f.read(), "crosswalk.json", c.csrf)
            r = c.request("POST", "/frameworks/import", body, {"Content-Type": ctype})
            self.assertEqual(r.status, 200, r.text[:400])
            self.assertIn("What Standards Could Be: imported, 16 items", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM framework"), 2)
            # a teacher reads, but neither chooses nor imports
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.get("/frameworks").status, 200)
            self.assertNotIn("/frameworks/import", t.get("/frameworks").text)
            self.assertEqual(t.post("/frameworks/primary", {"framework": "0"}).status, 403)
            # another district sees none of them
            o = srv.client()
            o.login("other.admin")
            self.assertEqual(o.get(f"/frameworks/{fid}").status, 404)
            self.assertNotIn("Smarter Balanced", o.get("/frameworks").text)


def multipart(payload, filename, csrf):
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/json\r\n\r\n').encode()
    body += payload + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
