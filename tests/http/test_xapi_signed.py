"""Signed statements (xAPI Data 2.6): a JWS in an attachment of usageType
http://adlnet.gov/expapi/attachments/signature, RS256/RS384/RS512, the x5c chain
when present, the payload logically equivalent to the statement. Signed with
python3-cryptography. Each test is named after the requirement it checks; every
refusal checks the status, the message and that nothing was stored."""
import base64
import copy
import datetime
import hashlib
import json
import shutil
import tempfile
import unittest
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from ebtest import Server, db_execute, make_district
from test_ingest import basic, credentials, statement
from test_xapi_attachments import multipart, part

SIG = "http://adlnet.gov/expapi/attachments/signature"
HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cert(subject_key, subject, issuer_key=None, issuer=None, ca=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    iname = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or subject)])
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(iname)
         .public_key(subject_key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=30))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return b.sign(issuer_key or subject_key, hashes.SHA256())


def der_b64(c):
    return base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()


def jws(payload, key, alg="RS256", x5c=None, header_extra=None):
    h = {"alg": alg}
    if x5c is not None:
        h["x5c"] = x5c
    h.update(header_extra or {})
    signing_input = (b64url(json.dumps(h).encode()) + "." +
                     b64url(json.dumps(payload).encode())).encode()
    if alg.startswith("RS"):
        sig = key.sign(signing_input, padding.PKCS1v15(), HASHES[alg]())
    elif alg == "ES256":
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        sig = b"\0" * 32
    return signing_input + b"." + b64url(sig).encode()


def sig_attachment(token, ctype="application/octet-stream"):
    return {"usageType": SIG, "display": {"en-US": "Signature"}, "contentType": ctype,
            "length": len(token), "sha2": hashlib.sha256(token).hexdigest()}


def signed(stmt, token, ctype="application/octet-stream"):
    s = copy.deepcopy(stmt)
    s.setdefault("attachments", []).append(sig_attachment(token, ctype))
    return s


class Signed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="ebtest-")
        cls.db = make_district(cls.tmp)
        cls.key = rsa_key()
        cls.cert = cert(cls.key, "Practice App signer")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.tid, self.creds = credentials(self.db, "App " + self._testMethodName[-60:])
        self.h = basic(self.creds)
        self.h["Content-Type"] = "multipart/mixed; boundary=b0undary"

    def post(self, c, stmt, token):
        return c.request("POST", "/xapi/statements",
                         multipart(stmt, [part(token, ctype="application/octet-stream")]),
                         self.h)

    def stored(self, c):
        r = c.request("GET", "/xapi/statements?limit=500", None, basic(self.creds))
        n = len(json.loads(r.text)["statements"])
        rows = db_execute(self.db, "SELECT count(*) FROM xapi_attachment WHERE tool_id = ?",
                          (int(self.tid),))[0][0]
        return n, rows

    def refused(self, c, r, words):
        self.assertEqual(r.status, 400, r.text)
        self.assertIn(words, r.text)
        self.assertEqual(self.stored(c), (0, 0))

    def test_a_signed_statement_must_include_a_jws_as_an_attachment_with_a_usagetype_of_signature_and_a_contenttype_of_application_octet_stream(self):
        s = statement(str(uuid.uuid4()))
        token = jws(s, self.key, x5c=[der_b64(self.cert)])
        with Server(self.db) as srv:
            c = srv.client()
            r = self.post(c, signed(s, token), token)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.stored(c), (1, 1))
            # the signature comes back with the statement when asked for
            r = c.request("GET", f"/xapi/statements?statementId={s['id']}&attachments=true",
                          None, basic(self.creds))
            self.assertIn(token, r.body)
            # signed with the wrong content type: refused
            s2 = statement(str(uuid.uuid4()))
            t2 = jws(s2, self.key)
            r = c.request("POST", "/xapi/statements",
                          multipart(signed(s2, t2, "text/plain"), [part(t2)]), self.h)
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("must be application/octet-stream", r.text)
            self.assertEqual(self.stored(c), (1, 1))

    def test_signed_statements_with_rs256_rs384_and_rs512_are_accepted(self):
        with Server(self.db) as srv:
            c = srv.client()
            for alg in ("RS256", "RS384", "RS512"):
                s = statement()
                token = jws(s, self.key, alg, x5c=[der_b64(self.cert)])
                r = self.post(c, signed(s, token), token)
                self.assertEqual(r.status, 200, alg + r.text)
            # without x5c: the payload and the alg are still checked
            s = statement()
            token = jws(s, self.key, "RS512")
            self.assertEqual(self.post(c, signed(s, token), token).status, 200)
            self.assertEqual(self.stored(c), (4, 4))

    def test_the_lrs_must_reject_requests_to_store_statements_that_contain_malformed_signatures_with_400_bad_request(self):
        s = statement()
        with Server(self.db) as srv:
            c = srv.client()
            for token, words in ((b"not a jws", "not a compact JWS"),
                                 (b"e30.e30.", "not a compact JWS"),
                                 (jws(s, self.key, x5c=["bm90IGEgY2VydA=="]), "x5c")):
                r = self.post(c, signed(s, token), token)
                self.refused(c, r, words)

    def test_the_lrs_must_validate_that_the_original_statement_is_logically_equivalent_to_the_received_statement(self):
        s = statement(str(uuid.uuid4()))
        with Server(self.db) as srv:
            c = srv.client()
            token = jws(s, self.key, x5c=[der_b64(self.cert)])
            tampered = copy.deepcopy(s)
            tampered["result"]["success"] = False
            r = self.post(c, signed(tampered, token), token)
            self.refused(c, r, "the signature does not match the statement")
            self.assertIn('"result"', r.text)
            # a member signed but not sent
            extra = copy.deepcopy(s)
            extra["context"] = {"registration": str(uuid.uuid4())}
            token2 = jws(extra, self.key)
            r = self.post(c, signed(s, token2), token2)
            self.refused(c, r, '"context"')

    def test_differences_which_could_have_been_caused_by_lrs_processing_of_id_authority_stored_timestamp_or_version_must_be_ignored(self):
        s = statement()  # no id, no timestamp... sent; the payload has them and more
        s.pop("timestamp")
        payload = copy.deepcopy(s)
        payload.update({"id": str(uuid.uuid4()), "timestamp": "2026-10-01T15:00:00Z",
                        "version": "1.0.0", "stored": "2026-10-01T15:00:01Z",
                        "authority": {"mbox": "mailto:someone@example.org"}})
        token = jws(payload, self.key, x5c=[der_b64(self.cert)])
        with Server(self.db) as srv:
            c = srv.client()
            r = self.post(c, signed(s, token), token)
            self.assertEqual(r.status, 200, r.text)
            # but an id that both name must be the same
            s2 = statement(str(uuid.uuid4()))
            p2 = dict(s2, id=str(uuid.uuid4()))
            t2 = jws(p2, self.key)
            r = self.post(c, signed(s2, t2), t2)
            self.assertEqual(r.status, 400, r.text)
            self.assertIn('"id"', r.text)
            self.assertEqual(self.stored(c), (1, 1))

    def test_if_the_jws_header_includes_an_x509_certificate_validate_the_signature_against_that_certificate(self):
        s = statement()
        other = rsa_key()
        token = jws(s, other, x5c=[der_b64(self.cert)])  # signed by a key not the cert's
        with Server(self.db) as srv:
            c = srv.client()
            r = self.post(c, signed(s, token), token)
            self.refused(c, r, "does not verify with the x5c certificate")

    def test_the_x5c_chain_must_be_a_chain_each_certificate_issued_by_the_next(self):
        ca_key, leaf_key, stranger_key = rsa_key(), rsa_key(), rsa_key()
        ca = cert(ca_key, "District CA", ca=True)
        leaf = cert(leaf_key, "Signer", ca_key, "District CA")
        stranger = cert(stranger_key, "District CA", ca=True)  # same name, other key
        with Server(self.db) as srv:
            c = srv.client()
            s = statement()
            token = jws(s, leaf_key, "RS384", x5c=[der_b64(leaf), der_b64(ca)])
            r = self.post(c, signed(s, token), token)
            self.assertEqual(r.status, 200, r.text)
            s = statement()
            token = jws(s, leaf_key, x5c=[der_b64(leaf), der_b64(stranger)])
            r = self.post(c, signed(s, token), token)
            self.assertEqual(r.status, 400, r.text)
            self.assertIn("x5c chain is broken", r.text)
            self.assertEqual(self.stored(c), (1, 1))

    def test_the_lrs_must_validate_that_the_signature_requirements_conform_to_the_algorithm_requirements(self):
        """RS256, RS384 or RS512 only: ES256, HS256 and none are refused."""
        s = statement()
        eckey = ec.generate_private_key(ec.SECP256R1())
        with Server(self.db) as srv:
            c = srv.client()
            token = jws(s, eckey, "ES256")
            r = self.post(c, signed(s, token), token)
            self.refused(c, r, "uses ES256")
            for alg in ("HS256", "none"):
                token = jws(s, None, alg)
                r = self.post(c, signed(s, token), token)
                self.refused(c, r, "not a compact JWS")

    def test_a_signature_must_come_as_a_part_not_a_fileurl(self):
        s = statement()
        token = jws(s, self.key)
        sent = signed(s, token)
        sent["attachments"][0]["fileUrl"] = "https://files.example/sig"
        with Server(self.db) as srv:
            c = srv.client()
            r = c.request("POST", "/xapi/statements", multipart(sent, []), self.h)
            self.refused(c, r, "a signature must come as a part")
