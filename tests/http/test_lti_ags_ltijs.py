"""LTI Advantage services against the real ltijs tool (tests/http/lti_tool,
tests/http/lti_harness.py, shared with test_lti.py): a student launches the
tool's activity, the tool gets a token from /lti/token with its own signed
assertion and posts a score through ltijs' Grade service (line items, then
the score), and the student's mastery on the link's standard moves. Refusals
through the same tool: the district takes the scores scope back; a userId
that is not a student of the class. Nothing is stored for them."""
import json
import shutil
import tempfile
import unittest
import urllib.parse

import lti_harness
from ebtest import Server, db_connect, make_district, run
from test_lti import Browser, edb_path, launch_form

SKIP = lti_harness.skip_reason()


def sql(db, q, *args):
    con = db_connect(db)
    try:
        rows = con.execute(q, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


@unittest.skipIf(SKIP, SKIP)
class AgsWithLtijs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebags-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Fraction Lab", "--district-id", "1", db=cls.db)
        cls.srv = Server(cls.db).__enter__()
        cls.issuer = f"http://127.0.0.1:{cls.srv.port}"
        try:
            cls.tool = lti_harness.LtiTool(cls.issuer, client_id="fraclab").__enter__()
        except BaseException:
            cls.srv.__exit__(None, None, None)
            raise
        run("lti", "add", "--tool", "Fraction Lab", "--client-id", "fraclab",
            "--deployment-id", "dep-1", "--login-url", cls.tool.login_url,
            "--launch-url", cls.tool.launch_url, "--jwks-url", cls.tool.jwks_url,
            "--district-id", "1", db=cls.db)
        run("lti", "link", "--tool", "Fraction Lab", "--class", "cls-a1-3", "--title",
            "Equivalent fractions", "--standards", "3.NF.A.3", "--district-id", "1", db=cls.db)
        cls.tool_id = sql(cls.db, "SELECT id FROM tool WHERE name='Fraction Lab'")[0][0]

    @classmethod
    def tearDownClass(cls):
        cls.tool.__exit__(None, None, None)
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def grant(self, *elements):
        sql(self.db, "DELETE FROM tool_data_scope")
        for e in elements:
            sql(self.db, "INSERT INTO tool_data_scope VALUES (1, ?, ?, 0, NULL)", self.tool_id, e)

    def launch_ltik(self, login):
        c = self.srv.client()
        c.login(login)
        r = c.get("/lti/launch/1")
        self.assertEqual(r.status, 303, r.text)
        tb = Browser()
        st, h, body = tb.request("GET", r.header("Location"))
        self.assertEqual(st, 302, body)
        r2 = c.get(edb_path(h["location"]))
        self.assertEqual(r2.status, 200, r2.text)
        action, fields = launch_form(r2.text)
        st, h, body = tb.post_form(action, fields)
        if st == 302:
            st, h, body = tb.request("GET", h["location"] if h["location"].startswith("http")
                                     else action.rsplit("/", 1)[0] + h["location"])
        self.assertEqual(st, 200, body)
        return json.loads(body)["ltik"], tb

    def grade(self, launch, score, max_score, user_id=None):
        """The tool's Grade service, called in the launched session (ltijs
        wants its session cookie beside the ltik)."""
        ltik, tb = launch
        body = {"score": score, "max": max_score}
        if user_id:
            body["userId"] = user_id
        st, _, text = tb.request("POST", self.tool.base + "/grade?ltik=" +
                                 urllib.parse.quote(ltik), json.dumps(body),
                                 {"Content-Type": "application/json"})
        return json.loads(text or "{}")

    def stored(self):
        return (sql(self.db, "SELECT count(*) FROM learning_event WHERE source='lti'")[0][0],
                sql(self.db, "SELECT count(*) FROM lti_score")[0][0],
                sql(self.db, "SELECT coalesce(sum(responses), 0) FROM mastery_state WHERE"
                             " student_sourced_id='stu-1' AND standard_code='3.NF.A.3'")[0][0])

    def test_score_through_ltijs_moves_mastery(self):
        self.grant("scores", "membership")
        ltik = self.launch_ltik("student")
        before = self.stored()
        ans = self.grade(ltik, 90, 100)
        self.assertTrue(ans.get("ok"), ans)
        self.assertIn("/lti/ags/1/lineitems/", ans["lineItem"])
        after = self.stored()
        # one more learning event and response; the student's one score row holds 90
        self.assertEqual((after[0] - before[0], after[2] - before[2]), (1, 1), (before, after))
        self.assertEqual(sql(self.db, "SELECT score_given, score_maximum FROM lti_score WHERE"
                                      " student_sourced_id='stu-1'"), [(90.0, 100.0)])
        ev = sql(self.db, "SELECT student_sourced_id, standard_code, correct, score FROM"
                          " learning_event WHERE source='lti'")
        self.assertEqual(ev[-1], ("stu-1", "3.NF.A.3", 1, 0.9))
        # the token it used: granted to the tool's client, its assertion's jti spent
        self.assertEqual(sql(self.db, "SELECT count(*) FROM lti_assertion_jti WHERE"
                                      " tool_id=?", self.tool_id)[0][0] >= 1, True)
        scopes = sql(self.db, "SELECT scopes FROM lti_access_token")
        self.assertTrue(any("lti-ags/scope/score" in s for (s,) in scopes), scopes)

    def test_refusals_through_ltijs_store_nothing(self):
        self.grant("scores", "membership")
        ltik = self.launch_ltik("student")
        # the session works (so that what follows is edbridge's refusal)
        self.assertTrue(self.grade(ltik, 70, 100).get("ok"))
        before = self.stored()
        # a userId that is not a student of the class (the teacher's own id)
        ans = self.grade(ltik, 50, 100, user_id="not-a-user-of-this-tool")
        self.assertFalse(ans.get("ok"), ans)
        self.assertIn("400", json.dumps(ans))  # edbridge's answer: userId unknown
        self.assertEqual(self.stored(), before)
        # the district takes scores back: ltijs' token request is refused
        self.grant("membership")
        ans = self.grade(ltik, 50, 100)
        self.assertFalse(ans.get("ok"), ans)
        self.assertEqual(self.stored(), before)


if __name__ == "__main__":
    unittest.main()
