"""xAPI 1.0.3's alternate request syntax (Communication 1.3): a POST whose
query string holds only `method` and whose form-encoded body carries the
headers, the resource's parameters and the content; removed in xAPI 2.0.
Each test is named after the requirement it checks."""
import json
import shutil
import tempfile
import unittest
import urllib.parse
import uuid

from ebtest import Server, make_district
from test_ingest import basic, credentials, statement

FORM = "application/x-www-form-urlencoded"


class Alternate(unittest.TestCase):
    """One district for the class; each test its own tool, whose reads see
    only its own statements."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ebtest-")
        cls.db = make_district(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.tid, self.creds = credentials(self.db, "App " + self._testMethodName[-60:])
        self.auth = basic(self.creds)["Authorization"]

    def alt(self, c, method, resource, fields, query=None, headers=None, http_method="POST"):
        q = {"method": method}
        q.update(query or {})
        h = {"Content-Type": FORM}
        h.update(headers or {})
        body = urllib.parse.urlencode(fields) if isinstance(fields, dict) else fields
        return c.request(http_method, f"/xapi/{resource}?" + urllib.parse.urlencode(q), body, h)

    def fields(self, **kw):
        f = {"Authorization": self.auth, "X-Experience-API-Version": "1.0.3",
             "Content-Type": "application/json"}
        f.update(kw)
        return f

    def count(self, c):
        r = c.request("GET", "/xapi/statements?limit=500", None, basic(self.creds))
        self.assertEqual(r.status, 200, r.text)
        return len(json.loads(r.text)["statements"])

    def test_the_lrs_must_support_the_syntax_above_put_then_get(self):
        with Server(self.db) as srv:
            c = srv.client()
            sid = str(uuid.uuid4())
            r = self.alt(c, "PUT", "statements",
                         self.fields(statementId=sid, content=json.dumps(statement())))
            self.assertEqual(r.status, 204, r.text)
            r = self.alt(c, "GET", "statements", self.fields(statementId=sid))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(json.loads(r.text)["id"], sid)
            self.assertEqual(r.header("Content-Type"), "application/json")

    def test_an_lrs_accepts_a_valid_post_request_containing_a_get_request_returning_200_ok_and_the_statementresult_object(self):
        with Server(self.db) as srv:
            c = srv.client()
            self.alt(c, "POST", "statements", self.fields(content=json.dumps([statement()] * 1)))
            r = self.alt(c, "GET", "statements", self.fields(limit="1"))
            self.assertEqual(r.status, 200, r.text)
            res = json.loads(r.text)
            self.assertIn("statements", res)
            self.assertIn("more", res)
            self.assertEqual(len(res["statements"]), 1)

    def test_alternate_post_stores_a_batch(self):
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "POST", "statements",
                         self.fields(content=json.dumps([statement(), statement(student="stu-2")])))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(len(json.loads(r.text)), 2)
            self.assertEqual(self.count(c), 2)

    def test_the_lrs_must_treat_the_form_parameters_listed_above_as_header_parameters(self):
        with Server(self.db) as srv:
            c = srv.client()
            sid = str(uuid.uuid4())
            # the version in the form wins over a good one in the real header
            r = self.alt(c, "PUT", "statements",
                         self.fields(statementId=sid, content=json.dumps(statement()),
                                     **{"X-Experience-API-Version": "0.8"}),
                         headers={"X-Experience-API-Version": "1.0.3"})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("X-Experience-API-Version", r.text)
            # the credentials only in the form: admitted
            r = self.alt(c, "PUT", "statements",
                         self.fields(statementId=sid, content=json.dumps(statement())))
            self.assertEqual(r.status, 204, r.text)
            # wrong credentials in the form: 401, nothing stored
            f = self.fields(content=json.dumps(statement()))
            f["Authorization"] = "Basic " + "eDp5"
            r = self.alt(c, "POST", "statements", f)
            self.assertEqual(r.status, 401, r.text)
            f.pop("Authorization")
            r = self.alt(c, "POST", "statements", f)
            self.assertEqual(r.status, 401, r.text)
            self.assertEqual(self.count(c), 1)

    def test_the_lrs_must_treat_any_form_parameters_other_than_content_or_the_header_parameters_as_query_string_parameters(self):
        with Server(self.db) as srv:
            c = srv.client()
            sid = str(uuid.uuid4())
            # statementId only in the form: it is the PUT's parameter
            r = self.alt(c, "PUT", "statements",
                         self.fields(statementId=sid, content=json.dumps(statement())))
            self.assertEqual(r.status, 204, r.text)
            r = c.request("GET", f"/xapi/statements?statementId={sid}", None, basic(self.creds))
            self.assertEqual(r.status, 200)
            # a PUT without statementId in the form: refused like a direct one
            r = self.alt(c, "PUT", "statements", self.fields(content=json.dumps(statement())))
            self.assertEqual(r.status, 400, r.text)
            self.assertEqual(self.count(c), 1)

    def test_the_learning_record_provider_must_not_include_any_other_query_string_parameters_on_the_request(self):
        with Server(self.db) as srv:
            c = srv.client()
            sid = str(uuid.uuid4())
            r = self.alt(c, "PUT", "statements",
                         self.fields(statementId=sid, content=json.dumps(statement())),
                         query={"statementId": sid})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("only \"method\"", r.text)
            self.assertEqual(self.count(c), 0)

    def test_an_lrs_rejects_an_alternate_request_syntax_not_issued_as_a_post(self):
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "POST", "statements", self.fields(content=json.dumps(statement())),
                         http_method="PUT")
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("must be a POST", r.text)
            r = c.request("GET", "/xapi/statements?method=GET", None, basic(self.creds))
            self.assertEqual(r.status, 400, r.text)
            self.assertEqual(self.count(c), 0)

    def test_the_intended_xapi_method_must_be_included_as_the_value_of_the_method_query_string_parameter(self):
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "PATCH", "statements", self.fields(content=json.dumps(statement())))
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("method must be", r.text)
            self.assertEqual(self.count(c), 0)

    def test_an_lrs_will_reject_an_alternate_request_syntax_sending_content_which_is_not_url_encoded(self):
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "PUT", "statements",
                         json.dumps(self.fields(statementId=str(uuid.uuid4()),
                                                content=json.dumps(statement()))),
                         headers={"Content-Type": "application/json",
                                  "Authorization": self.auth})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("x-www-form-urlencoded", r.text)
            # a malformed form: bad escape, a field without '=', a field twice
            for body in ("content=%zz", "content", "statementId=a&statementId=b"):
                r = self.alt(c, "PUT", "statements", body)
                self.assertEqual(r.status, 400, body + r.text)
                self.assertIn("alternate request syntax", r.text)
            self.assertEqual(self.count(c), 0)

    def test_will_fail_put_with_no_content_body(self):
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "PUT", "statements", self.fields(statementId=str(uuid.uuid4())))
            self.assertEqual(r.status, 400, r.text)
            self.assertEqual(self.count(c), 0)

    def test_alternate_syntax_is_removed_in_xapi_2_0(self):
        """xAPI 2.0 (IEEE 9274.1.1) no longer has the Alternate Request Syntax."""
        with Server(self.db) as srv:
            c = srv.client()
            f = self.fields(content=json.dumps(statement()))
            f["X-Experience-API-Version"] = "2.0.0"
            r = self.alt(c, "POST", "statements", f)
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("removed in xAPI 2.0", r.text)
            # the version in the real header counts when the form has none
            f.pop("X-Experience-API-Version")
            r = self.alt(c, "POST", "statements", f,
                         headers={"X-Experience-API-Version": "2.0.0"})
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("removed in xAPI 2.0", r.text)
            self.assertEqual(self.count(c), 0)

    def test_every_xapi_resource_answers_the_alternate_syntax_as_the_direct_request(self):
        """Every resource: the rewritten request reaches the same handler
        with the same answer as the direct one."""
        agent = json.dumps({"mbox": "mailto:a@example.org"})
        act = "http://example.org/act/1"
        cases = [
            ("GET", "activities/state", {"activityId": act, "agent": agent, "stateId": "s1"}),
            ("GET", "activities/profile", {"activityId": act, "profileId": "p1"}),
            ("GET", "agents/profile", {"agent": agent, "profileId": "p1"}),
            ("GET", "activities", {"activityId": act}),
            ("GET", "agents", {"agent": agent}),
            ("GET", "about", {}),
            ("GET", "statements", {"limit": "3"}),
        ]
        with Server(self.db) as srv:
            c = srv.client()
            h = basic(self.creds)
            for method, res, params in cases:
                direct = c.request(method, f"/xapi/{res}?" + urllib.parse.urlencode(params),
                                   None, h)
                alt = self.alt(c, method, res, self.fields(**params))
                self.assertEqual(alt.status, direct.status, res + " " + alt.text)
                if direct.status == 200:
                    self.assertEqual(json.loads(alt.text).keys(), json.loads(direct.text).keys())

    def test_the_alternate_syntax_serves_the_document_resources_put_post_get_delete(self):
        agent = json.dumps({"objectType": "Agent", "mbox": "mailto:alt@example.org"})
        act = "http://example.org/act/alt"
        where = {"activityId": act, "agent": agent, "stateId": "bookmark"}
        with Server(self.db) as srv:
            c = srv.client()
            r = self.alt(c, "PUT", "activities/state",
                         self.fields(content=json.dumps({"page": 3}), **where))
            self.assertEqual(r.status, 204, r.text)
            r = self.alt(c, "POST", "activities/state",
                         self.fields(content=json.dumps({"seen": True}), **where))
            self.assertEqual(r.status, 204, r.text)
            r = self.alt(c, "GET", "activities/state", self.fields(**where))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(json.loads(r.text), {"page": 3, "seen": True})
            etag = r.header("ETag")
            self.assertTrue(etag)
            # If-Match as a form field is a header: a stale one is 412
            r = self.alt(c, "PUT", "activities/profile",
                         self.fields(activityId=act, profileId="p",
                                     content=json.dumps({"v": 1}),
                                     **{"If-None-Match": "*"}))
            self.assertEqual(r.status, 204, r.text)
            r = self.alt(c, "PUT", "activities/profile",
                         self.fields(activityId=act, profileId="p",
                                     content=json.dumps({"v": 2}),
                                     **{"If-Match": '"' + "0" * 40 + '"'}))
            self.assertEqual(r.status, 412, r.text)
            r = self.alt(c, "DELETE", "activities/state", self.fields(**where))
            self.assertEqual(r.status, 204, r.text)
            r = self.alt(c, "GET", "activities/state", self.fields(**where))
            self.assertEqual(r.status, 404, r.text)

    def test_an_alternate_request_with_its_credentials_only_in_the_form_is_capped_at_1_mib(self):
        """The credentials of such a request are read only with its body: an
        unauthenticated sender cannot make the server read more than 1 MiB.
        With them in a real header they are checked before the body (401)."""
        import socket
        with Server(self.db) as srv:
            def head(extra):
                with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
                    sock.sendall(("POST /xapi/statements?method=POST HTTP/1.1\r\nHost: x\r\n"
                                  f"Content-Type: {FORM}\r\n{extra}"
                                  f"Content-Length: {(1 << 20) + 10}\r\n\r\n").encode())
                    return sock.recv(4096).split(b"\r\n", 1)[0]
            self.assertIn(b" 413 ", head(""))
            self.assertIn(b" 401 ", head("Authorization: Basic eDp5\r\n"))
            # a good header credential admits a larger form
            c = srv.client()
            batch = [statement(student=f"stu-{i % 3 + 1}") for i in range(1500)]
            for s in batch:
                s["object"]["definition"]["description"] = {"en-US": "x" * 700}
            r = self.alt(c, "POST", "statements",
                         {"X-Experience-API-Version": "1.0.3",
                          "content": json.dumps(batch[:900])},
                         headers={"Authorization": self.auth})
            self.assertEqual(r.status, 200, r.text[:200])
            self.assertEqual(self.count(c), 500)  # the first page of the 900
