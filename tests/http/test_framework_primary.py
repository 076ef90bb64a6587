"""A district's framework drives mastery, groups and reports (issue 17,
h17-fwmastery; docs/case.md): a small state package whose `precedes` link adds
a prerequisite the coherence map lacks changes a class's proposed groups; the
primary framework relabels the mastery pages, the groups page and the CSV
exports; an item with no Common Core match gets mastery of its own from xAPI
evidence and shows under its code; choosing another district's or an unknown
framework is a 400 and changes nothing."""
import csv
import io
import json
import os
import re
import uuid

from ebtest import Server, TempDir, db_execute, make_district, run
from test_groups import answers, roster_with_class_of_seven
from test_ingest import basic, credentials


def item(ident, code):
    return {"identifier": ident, "fullStatement": f"Statement of {code}",
            "humanCodingScheme": code}


def assoc(ident, kind, origin, dest, uri=None):
    d = {"identifier": dest}
    if uri:
        d.update(uri=uri, title="Destination")
    return {"identifier": ident, "associationType": kind,
            "originNodeURI": {"identifier": origin}, "destinationNodeURI": d}


LOCAL_URI = "https://case.state.example/ims/case/v1p0/CFItems/st-local"
PACKAGE = {
    "CFDocument": {"identifier": "doc-st", "title": "Test State Math"},
    "CFItems": [item("st-q", "ST.3.NF.1"), item("st-p", "ST.K.CC.1"),
                dict(item("st-local", "ST.L.1"), uri=LOCAL_URI)],
    "CFAssociations": [
        assoc("c1", "isChildOf", "st-q", "doc-st"),
        assoc("c2", "isChildOf", "st-p", "doc-st"),
        assoc("c3", "isChildOf", "st-local", "doc-st"),
        assoc("m1", "exactMatchOf", "st-q", "x1", "urn:fdc:example:CCSS-M:3.NF.A.1"),
        assoc("m2", "exactMatchOf", "st-p", "x2", "urn:fdc:example:CCSS-M:K.CC.A.1"),
        # K.CC.A.1 precedes 3.NF.A.1: not in the coherence map
        assoc("p1", "precedes", "st-p", "st-q"),
    ],
}

RIGHT, WRONG = [1] * 8, [0, 0, 1, 0, 0, 0, 0, 0]
# stu-2, 4, 5, 6 lack 3.NF.A.1 and K.CC.A.1; stu-1 is secure on both
PLAN = {"stu-1": {"3.NF.A.1": RIGHT, "K.CC.A.1": RIGHT}}
for _s in ("stu-2", "stu-4", "stu-5", "stu-6"):
    PLAN[_s] = {"3.NF.A.1": WRONG, "K.CC.A.1": WRONG}


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class FrameworkPrimary(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        run("import", "oneroster", roster_with_class_of_seven(self.tmp), "--district-id", "1",
            db=self.db)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)
        path = os.path.join(self.tmp, "answers.csv")
        answers(path, PLAN)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=self.db)
        self.pkg = os.path.join(self.tmp, "state.json")
        with open(self.pkg, "w") as f:
            json.dump(PACKAGE, f)

    def one(self, sql):
        """The first column of the first row, as an int (text on PostgreSQL)."""
        return int(db_execute(self.db, sql)[0][0])

    def test_precedes_changes_the_groups_and_the_primary_relabels_pages_and_exports(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            before = text(t.get("/classes/cls-a1-3/groups?cluster=3.NF.A").text)
        self.assertNotIn("K.CC.A.1", before)
        run("import", "case", self.pkg, "--district-id", "1", db=self.db)
        # the refit applies the district's links to every state
        run("fit", "--district-id", "1", db=self.db)
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            after = text(t.get("/classes/cls-a1-3/groups?cluster=3.NF.A").text)
            # the four who lack both are grouped on the earlier prerequisite
            self.assertIn("Group 1: K.CC.A.1", after)
            self.assertIn("the prerequisite that 3.NF.A.1 of this unit builds on", after)

            c = srv.client()
            c.login("coord")
            c.get("/frameworks")
            fid = self.one("SELECT id FROM framework WHERE district_id = 1")
            self.assertEqual(c.post("/frameworks/primary", {"framework": str(fid)}).status, 303)

            t.get("/classes/cls-a1-3")
            groups = text(t.get("/classes/cls-a1-3/groups?cluster=3.NF.A").text)
            self.assertIn("Group 1: ST.K.CC.1", groups)
            self.assertIn("the prerequisite that ST.3.NF.1 of this unit builds on", groups)
            self.assertNotIn("Group 1: K.CC.A.1", groups)

            grid = t.get("/classes/cls-a1-3/mastery?cluster=3.NF.A").text
            self.assertIn('title="CCSS 3.NF.A.1">ST.3.NF.1</span>', grid)
            rows = list(csv.DictReader(io.StringIO(
                t.get("/classes/cls-a1-3/mastery?cluster=3.NF.A&format=csv").text)))
            got = {r["standard"]: r["label"] for r in rows}
            self.assertEqual(got["3.NF.A.1"], "ST.3.NF.1")
            self.assertEqual(got["3.NF.A.2"], "3.NF.A.2")  # the primary has no item for it

            page = t.get("/students/stu-2/mastery").text
            self.assertIn("ST.3.NF.1", page)
            self.assertIn("ST.K.CC.1", page)
            rows = list(csv.DictReader(io.StringIO(
                t.get("/students/stu-2/mastery?format=csv").text)))
            got = {r["standard"]: r["label"] for r in rows}
            self.assertEqual(got["3.NF.A.1"], "ST.3.NF.1")
            self.assertEqual(got["K.CC.A.1"], "ST.K.CC.1")
            xl = t.get("/students/stu-2/mastery?format=xlsx")
            self.assertEqual(xl.status, 200)

            # the standard's page: the state code, the CCSS one, the new prerequisite
            page = text(c.get("/standards/3.NF.A.1/mastery").text)
            self.assertIn("Mastery of ST.3.NF.1", page)
            self.assertIn("Common Core code: 3.NF.A.1", page)
            self.assertIn("ST.K.CC.1", page)

            # families still see plain statements, never codes
            p = srv.client()
            p.login("parent")
            fam = p.get("/students/stu-1/mastery")
            if fam.status == 200:
                self.assertNotIn("ST.3.NF.1", fam.text)
                self.assertNotIn("3.NF.A.1", fam.text)

    def test_unmatched_item_gets_mastery_of_its_own_from_xapi(self):
        run("import", "case", self.pkg, "--district-id", "1", db=self.db)
        tid, creds = credentials(self.db, "State Practice")
        stmts = []
        for ok in (True, True, False, True):
            stmts.append({
                "id": str(uuid.uuid4()),
                "actor": {"objectType": "Agent",
                          "account": {"homePage": "https://practice.example", "name": "stu-1"}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"objectType": "Activity", "id": LOCAL_URI},
                "result": {"success": ok},
                "timestamp": "2026-10-01T15:00:00Z",
            })
        with Server(self.db) as srv:
            r = srv.client().request("POST", "/xapi/statements", json.dumps(stmts),
                                     basic(creds))
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(self.one("SELECT count(*) FROM quarantine"), 0)
            self.assertEqual(self.one("SELECT count(*) FROM learning_event WHERE"
                                      " standard_code = 'case:st-local'"), 4)
            self.assertEqual(self.one("SELECT responses FROM mastery_state WHERE"
                                      " student_sourced_id = 'stu-1' AND"
                                      " standard_code = 'case:st-local'"), 4)
            t = srv.client()
            t.login("teacher")
            page = t.get("/students/stu-1/mastery").text
            self.assertIn('href="/standards/case%3Ast-local/mastery">ST.L.1</a>', page)
            rows = list(csv.DictReader(io.StringIO(
                t.get("/students/stu-1/mastery?format=csv").text)))
            own = [r for r in rows if r["standard"] == "case:st-local"]
            self.assertEqual(len(own), 1)
            self.assertEqual(own[0]["label"], "ST.L.1")
            self.assertEqual(own[0]["responses"], "4")
            c = srv.client()
            c.login("coord")
            r = c.get("/standards/case:st-local/mastery")
            self.assertEqual(r.status, 200)
            self.assertIn("Mastery of ST.L.1", text(r.text))
            self.assertEqual(c.get("/standards/case%3Ast-local/mastery").status, 200)
            self.assertEqual(c.get("/standards/case:nothing/mastery").status, 404)

    def test_primary_of_another_district_or_unknown_is_refused_and_changes_nothing(self):
        run("import", "case", self.pkg, "--district-id", "1", db=self.db)
        run("import", "case", self.pkg, "--district-id", "2", db=self.db)
        mine = self.one("SELECT id FROM framework WHERE district_id = 1")
        theirs = self.one("SELECT id FROM framework WHERE district_id = 2")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            c.get("/frameworks")
            self.assertEqual(c.post("/frameworks/primary", {"framework": str(mine)}).status, 303)
            for bad in (str(theirs), "999999", "x"):
                r = c.post("/frameworks/primary", {"framework": bad})
                self.assertEqual(r.status, 400, bad)
                self.assertIn("no such framework" if bad != "x" else "choose one of the list",
                              r.text)
                self.assertEqual(self.one("SELECT framework_id FROM framework_primary WHERE"
                                          " district_id = 1"), mine)
            self.assertEqual(self.one("SELECT count(*) FROM framework_primary"
                                      " WHERE district_id = 2"), 0)
            t = srv.client()
            t.login("teacher")
            grid = t.get("/classes/cls-a1-3/mastery?cluster=3.NF.A").text
            self.assertIn("ST.3.NF.1", grid)


if __name__ == "__main__":
    import unittest
    unittest.main()
