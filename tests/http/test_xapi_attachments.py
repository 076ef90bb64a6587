"""xAPI statement attachments (Data 2.4.11, Communication 1.5.2): multipart/mixed
requests with SHA-2 checked parts, fileUrl attachments, attachments=true answers,
the limits, and the bytes kept once per hash per (district, tool). Each test is
named after the requirement it checks; every refusal checks the status, the
message and that nothing was stored."""
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
import unittest
import uuid

from ebtest import Server, db_execute, make_district
from test_ingest import basic, credentials, statement

SPEC_BOUNDARY = "abcABC0123'()+_,-./:=?"  # the spec's own example


def attachment(data, ctype="text/plain", algo="sha256", **kw):
    a = {"usageType": "http://example.com/attachment-usage/test",
         "display": {"en-US": "A test attachment"}, "contentType": ctype,
         "length": len(data), "sha2": hashlib.new(algo, data).hexdigest()}
    a.update(kw)
    return a


def multipart(stmts, parts, boundary="b0undary", first_type="application/json",
              close=True):
    """parts: list of (bytes, headers dict)."""
    out = [f"--{boundary}\r\nContent-Type: {first_type}\r\n\r\n".encode(),
           json.dumps(stmts).encode()]
    for data, headers in parts:
        out.append(f"\r\n--{boundary}\r\n".encode())
        for k, v in headers.items():
            out.append(f"{k}: {v}\r\n".encode())
        out.append(b"\r\n")
        out.append(data)
    out.append(f"\r\n--{boundary}--\r\n".encode() if close else b"\r\n")
    return b"".join(out)


def part(data, algo="sha256", ctype="text/plain", **extra):
    h = {"Content-Type": ctype, "Content-Transfer-Encoding": "binary",
         "X-Experience-API-Hash": hashlib.new(algo, data).hexdigest()}
    h.update(extra)
    return data, {k: v for k, v in h.items() if v is not None}


def split_multipart(ctype, body):
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    b = m.group(1).encode()
    pieces = body.split(b"\r\n--" + b)
    first = pieces[0]
    assert first.startswith(b"--" + b), first[:40]
    pieces[0] = first[len(b) + 2:]
    out = []
    for p in pieces:
        if p.startswith(b"--"):
            break
        head, _, data = p[2:].partition(b"\r\n\r\n")
        hdrs = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if line)
        out.append((hdrs, data))
    return out


class Attachments(unittest.TestCase):
    """One district for the class; each test its own tool."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ebtest-")
        cls.db = make_district(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.tid, self.creds = credentials(self.db, "App " + self._testMethodName[-60:])

    def headers(self, boundary="b0undary", quoted=False):
        h = basic(self.creds)
        b = f'"{boundary}"' if quoted else boundary
        h["Content-Type"] = f"multipart/mixed; boundary={b}"
        return h

    def stored(self, c):
        r = c.request("GET", "/xapi/statements?limit=500", None, basic(self.creds))
        self.assertEqual(r.status, 200, r.text)
        n = len(json.loads(r.text)["statements"])
        rows = db_execute(self.db, "SELECT count(*) FROM xapi_attachment WHERE tool_id = ?",
                          (int(self.tid),))[0][0]
        return n, rows

    def refused(self, c, r, status, words):
        self.assertEqual(r.status, status, r.text)
        self.assertIn(words, r.text)
        self.assertEqual(self.stored(c), (0, 0))

    def test_when_receiving_a_put_or_post_with_a_document_type_of_multipart_mixed_an_lrs_must_accept_batches_of_statements_that_contain_attachments_in_the_transmission_format(self):
        data = b"here is a simple attachment"
        s1, s2 = statement(str(uuid.uuid4())), statement(str(uuid.uuid4()), student="stu-2")
        s1["attachments"] = [attachment(data, "text/plain; charset=ascii")]
        s2["attachments"] = [attachment(data, "text/plain; charset=ascii")]
        # one copy of the bytes for both statements (1.5.2.s2.b2.b5), the
        # spec's example boundary, quoted
        body = multipart([s1, s2], [part(data)], boundary=SPEC_BOUNDARY)
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", body,
                          self.headers(SPEC_BOUNDARY, quoted=True))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(json.loads(r.text), [s1["id"], s2["id"]])
            self.assertEqual(self.stored(c), (2, 1))
            # two copies of one part (a SHOULD, not a MUST): the same attachment
            s3 = statement()
            s3["attachments"] = [attachment(b"twice")]
            r = c.request("POST", "/xapi/statements",
                          multipart(s3, [part(b"twice"), part(b"twice")]), self.headers())
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.stored(c), (3, 2))

    def test_an_lrs_must_include_attachments_in_the_transmission_format_described_above_when_requested_by_the_client(self):
        data, data2 = b"\x00\x01binary\xff\r\n--b0undary not a delimiter", b"second"
        s = statement(str(uuid.uuid4()))
        s["attachments"] = [attachment(data, "application/octet-stream"),
                            attachment(data2, algo="sha512"),
                            attachment(b"elsewhere", fileUrl="https://files.example/x")]
        body = multipart(s, [part(data, ctype="application/octet-stream"),
                             part(data2, algo="sha512")], boundary="zz-boundary-zz")
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("PUT", f"/xapi/statements?statementId={s['id']}", body,
                          self.headers("zz-boundary-zz"))
            self.assertEqual(r.status, 204, r.text)
            h = basic(self.creds)
            r = c.request("GET", f"/xapi/statements?statementId={s['id']}&attachments=true",
                          None, h)
            self.assertEqual(r.status, 200, r.text)
            ctype = r.header("Content-Type")
            self.assertTrue(ctype.startswith("multipart/mixed; boundary="), ctype)
            parts = split_multipart(ctype, r.body)
            self.assertEqual(parts[0][0]["Content-Type"], "application/json")
            self.assertEqual(json.loads(parts[0][1])["id"], s["id"])
            got = {p[0]["X-Experience-API-Hash"]: p for p in parts[1:]}
            self.assertEqual(len(got), 2)  # the fileUrl one has no bytes here
            p1 = got[hashlib.sha256(data).hexdigest()]
            self.assertEqual(p1[1], data)
            self.assertEqual(p1[0]["Content-Transfer-Encoding"], "binary")
            self.assertEqual(p1[0]["Content-Type"], "application/octet-stream")
            self.assertEqual(got[hashlib.sha512(data2).hexdigest()][1], data2)
            # a query answers multipart too; without attachments=true, JSON
            r = c.request("GET", "/xapi/statements?attachments=true", None, h)
            parts = split_multipart(r.header("Content-Type"), r.body)
            self.assertEqual(len(json.loads(parts[0][1])["statements"]), 1)
            self.assertEqual(len(parts), 3)
            r = c.request("GET", f"/xapi/statements?statementId={s['id']}", None, h)
            self.assertEqual(r.header("Content-Type"), "application/json")
            self.assertEqual(json.loads(r.text)["id"], s["id"])

    def test_when_receiving_a_put_or_post_with_a_document_type_of_application_json_an_lrs_must_accept_batches_of_statements_which_contain_only_attachment_objects_with_a_populated_fileurl(self):
        s = statement()
        s["attachments"] = [attachment(b"x", fileUrl="https://files.example/x")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", json.dumps([s]), basic(self.creds))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.stored(c), (1, 0))

    def test_when_receiving_a_put_or_post_with_a_document_type_of_multipart_mixed_an_lrs_should_accept_batches_of_statements_which_contain_no_attachment_objects_or_only_fileurl_ones(self):
        s1, s2 = statement(), statement()
        s2["attachments"] = [attachment(b"x", fileUrl="https://files.example/x")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart([s1, s2], []), self.headers())
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.stored(c), (2, 0))

    def test_a_statement_with_an_attachment_without_fileurl_sent_as_application_json_is_rejected(self):
        s = statement()
        s["attachments"] = [attachment(b"x")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", json.dumps(s), basic(self.creds))
            self.refused(c, r, 400, "$.attachments[0]: an attachment without fileUrl")

    def test_an_lrs_must_reject_batches_of_statements_having_attachments_that_neither_contain_a_fileurl_nor_match_a_received_attachment_part_based_on_their_hash(self):
        s1, s2 = statement(), statement()
        s1["attachments"] = [attachment(b"one")]
        s2["attachments"] = [attachment(b"two")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart([s1, s2], [part(b"one")]),
                          self.headers())
            self.refused(c, r, 400, "$[1].attachments[0].sha2: no part of the request has")

    def test_the_lrs_matches_the_raw_data_of_an_attachment_by_comparing_the_sha2_of_the_raw_data_to_the_sha2_declared_in_the_header(self):
        s = statement()
        s["attachments"] = [attachment(b"the bytes")]
        data, h = part(b"the bytes")
        h["X-Experience-API-Hash"] = hashlib.sha256(b"other bytes").hexdigest()
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart(s, [(data, h)]), self.headers())
            self.refused(c, r, 400, "does not match the part's bytes")

    def test_each_additional_part_contains_the_raw_data_for_an_attachment_a_part_matching_no_attachment_is_rejected(self):
        s = statement()
        s["attachments"] = [attachment(b"mine")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements",
                          multipart(s, [part(b"mine"), part(b"stray")]), self.headers())
            self.refused(c, r, 400, "is not the sha2 of any attachment")

    def test_must_include_an_x_experience_api_hash_parameter_and_content_transfer_encoding_binary_in_each_parts_header_after_the_first(self):
        s = statement()
        s["attachments"] = [attachment(b"mine")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements",
                          multipart(s, [part(b"mine", **{"X-Experience-API-Hash": None})]),
                          self.headers())
            self.refused(c, r, 400, "no X-Experience-API-Hash")
            r = c.request("POST", "/xapi/statements",
                          multipart(s, [part(b"mine", **{"Content-Transfer-Encoding": "base64"})]),
                          self.headers())
            self.refused(c, r, 400, "Content-Transfer-Encoding must be binary")

    def test_where_parameters_have_a_corresponding_property_within_the_attachment_object_the_values_must_match(self):
        s = statement()
        s["attachments"] = [attachment(b"mine", length=99)]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart(s, [part(b"mine")]),
                          self.headers())
            self.refused(c, r, 400, "$.attachments[0].length: 99")
            s["attachments"] = [attachment(b"mine", "image/png")]
            r = c.request("POST", "/xapi/statements", multipart(s, [part(b"mine")]),
                          self.headers())
            self.refused(c, r, 400, "$.attachments[0].contentType: image/png")

    def test_it_must_conform_to_the_definition_of_multipart_mixed_in_rfc_2046_bad_boundaries_are_rejected(self):
        s = statement()
        s["attachments"] = [attachment(b"mine")]
        good = multipart(s, [part(b"mine")])
        with Server(self.db) as srv:
            c = srv.client()
            h = basic(self.creds)
            h["Content-Type"] = "multipart/mixed"
            r = c.request("POST", "/xapi/statements", good, h)
            self.refused(c, r, 400, "needs a boundary")
            r = c.request("POST", "/xapi/statements", good, self.headers("other"))
            self.refused(c, r, 400, "no delimiter of the boundary")
            r = c.request("POST", "/xapi/statements",
                          multipart(s, [part(b"mine")], close=False), self.headers())
            self.refused(c, r, 400, "no closing delimiter")
            r = c.request("POST", "/xapi/statements", good, self.headers("x" * 71))
            self.refused(c, r, 400, "needs a boundary")

    def test_for_the_first_part_containing_the_statement_the_content_type_must_be_application_json(self):
        s = statement()
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart(s, [], first_type="text/plain"),
                          self.headers())
            self.refused(c, r, 400, "must be Content-Type application/json")

    def test_an_lrs_may_reject_batches_of_statements_that_are_larger_than_the_lrs_is_configured_to_allow(self):
        """The limits: a part over 4 MiB, more than 64 parts, a body over 8 MiB: 413."""
        big = os.urandom((4 << 20) + 1)
        s = statement()
        s["attachments"] = [attachment(big, "application/octet-stream")]
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements",
                          multipart(s, [part(big, ctype="application/octet-stream")]),
                          self.headers())
            self.refused(c, r, 413, "over the limit")
            many = [b"part %d" % i for i in range(65)]
            s["attachments"] = [attachment(d) for d in many]
            r = c.request("POST", "/xapi/statements", multipart(s, [part(d) for d in many]),
                          self.headers())
            self.refused(c, r, 413, "more than 64 attachment parts")
            # a body over 8 MiB is refused from its headers, before it is read
            h = self.headers()
            head = "".join(f"{k}: {v}\r\n" for k, v in h.items())
            with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
                sock.sendall(f"POST /xapi/statements HTTP/1.1\r\nHost: x\r\n{head}"
                             f"Content-Length: {(8 << 20) + 10}\r\n\r\n".encode())
                status = sock.recv(4096).split(b"\r\n", 1)[0]
            self.assertIn(b" 413 ", status)
            self.assertEqual(self.stored(c), (0, 0))

    def test_attachments_are_kept_once_per_hash_per_district_and_tool(self):
        data = b"shared worksheet"
        with Server(self.db) as srv:
            c = srv.client()
            for _ in range(3):
                s = statement()
                s["attachments"] = [attachment(data)]
                r = c.request("POST", "/xapi/statements", multipart(s, [part(data)]),
                              self.headers())
                self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.stored(c), (3, 1))
            # another tool stores its own copy, and cannot read this one's
            tid2, creds2 = credentials(self.db, "Other " + self._testMethodName[-60:])
            s = statement()
            s["attachments"] = [attachment(data)]
            h = basic(creds2)
            h["Content-Type"] = "multipart/mixed; boundary=b0undary"
            r = c.request("POST", "/xapi/statements", multipart(s, [part(data)]), h)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(db_execute(self.db, "SELECT count(*) FROM xapi_attachment"
                                        " WHERE sha2 = ?", (hashlib.sha256(data).hexdigest(),))[0][0],
                             2)
