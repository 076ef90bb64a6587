"""Black-box: OneRoster 1.2 Gradebook results as evidence (docs/gradebook.md).

`import oneroster` of a 1.2 package that carries Gradebook files, `import gradebook` of a
Gradebook-only package, and `sync gradebook` from the local OneRoster REST provider
(oneroster_server.py): results move mastery the right way on the right standard, a CASE
identifier resolves through the crosswalk, a re-sent result is not counted twice, records
that cannot be used are set aside with their reason, and a refused file stores nothing."""
import datetime
import os
import subprocess
import tempfile
import time
import unittest
import zoneinfo

import ebtest
from ebtest import PASSWORD, Server, db_connect
from oneroster_server import OneRosterServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("EDBRIDGE_BIN", os.path.join(ROOT, "build", "edbridge"))
CASE_DIR = os.path.join(ROOT, "..", "shared", "data", "case")
SBAC = os.path.join(CASE_DIR, "sbac-math-content-spec.cfpackage.json")
# a Smarter Balanced item whose exactMatchOf is CCSS 3.OA.A.1 (case/README.md)
SBAC_3OA1 = "31667393-f9e8-5114-9796-3f86ebd73ac5"

ROSTER = {
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
                "d1,,,District,district,D1,\ns1,,,School,school,S1,d1\n",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                            "parentSourcedId,schoolYear\n"
                            "t1,,,2025-26,schoolYear,2025-08-15,2026-06-15,,2026\n",
    "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,"
                   "grades,orgSourcedId,subjects,subjectCodes\nc1,,,t1,Math 3,M3,03,s1,,\n",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
                   "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
                   "periods\nk1,,,Math 3 - A,03,c1,M3A,scheduled,R1,s1,t1,,,1\n",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
                 "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
                 "password,userMasterIdentifier,preferredGivenName,preferredMiddleName,"
                 "preferredFamilyName,primaryOrgSourcedId,pronouns\n"
                 "u-t1,,,true,tkim,,Tara,Kim,,T1,,,,,,,,,,,s1,\n"
                 "u-s1,,,true,ann,,Ann,Lee,,S1,,,,,03,,,,,,s1,\n"
                 "u-s2,,,true,bo,,Bo,Park,,S2,,,,,03,,,,,,s1,\n",
    "roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,"
                 "endDate,orgSourcedId\nr1,,,u-t1,primary,teacher,,,s1\n"
                 "r2,,,u-s1,primary,student,,,s1\nr3,,,u-s2,primary,student,,,s1\n",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
                       "userSourcedId,role,primary,beginDate,endDate\n"
                       "e1,,,k1,s1,u-t1,teacher,true,,\ne2,,,k1,s1,u-s1,student,false,,\n"
                       "e3,,,k1,s1,u-s2,student,false,,\n",
}
LI_HDR = ("sourcedId,status,dateLastModified,title,description,assignDate,dueDate,"
          "classSourcedId,categorySourcedId,academicSessionSourcedId,resultValueMin,"
          "resultValueMax,schoolSourcedId\n")
RES_HDR = ("sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,"
           "score,textScore,scoreDate,comment\n")
LIO_HDR = "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId\n"
GRADEBOOK = {
    "lineItems.csv": LI_HDR + "li1,active,2026-01-10,Fractions quiz,,2026-01-05,2026-01-09,k1,"
                              "cat1,t1,0,10,s1\n",
    "lineItemLearningObjectiveIds.csv": LIO_HDR + ",,,li1,Unknown,3.NF.A.1\n",
    "results.csv": RES_HDR + "r1,active,2026-01-10,li1,u-s1,fully graded,10,,2026-01-09,\n"
                             "r2,active,2026-01-10,li1,u-s2,fully graded,1,,2026-01-09,\n",
    "categories.csv": "sourcedId,status,dateLastModified,title,weight\n"
                      "cat1,active,2026-01-01,Quizzes,1\n",
}
SECRET = "gb-secret-1"


def run(*args, db=None, input=None):
    return ebtest.run(*args, db=db, input=input, check=False)


def write_package(folder, files):
    os.makedirs(folder, exist_ok=True)
    names = [n for n in files if n != "manifest.csv"]
    manifest = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
    manifest += "".join(f"file.{n[:-4]},bulk\n" for n in names)
    with open(os.path.join(folder, "manifest.csv"), "w") as f:
        f.write(manifest)
    for n, text in files.items():
        with open(os.path.join(folder, n), "w") as f:
            f.write(text)
    return folder


class GradebookTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "t.db")
        p = run("init", "--district", "Test", db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def pkg(self, name, files):
        return write_package(os.path.join(self.tmp.name, name), files)

    def q(self, sql, *args):
        with db_connect(self.db) as con:
            return con.execute(sql, args).fetchall()

    def mastery(self, student, standard):
        r = self.q("SELECT p, responses, correct FROM mastery_state WHERE student_sourced_id = ?"
                   " AND standard_code = ?", student, standard)
        return r[0] if r else None

    def import_roster(self):
        p = run("import", "oneroster", self.pkg("roster", ROSTER), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_each_result_becomes_evidence_for_mastery_on_the_line_items_standard(self):
        p = run("import", "oneroster", self.pkg("full", {**ROSTER, **GRADEBOOK}), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("gradebook: 1 line items, 2 results stored (0 unchanged), 2 learning "
                      "events, 0 set aside", p.stderr)
        self.assertNotIn("lineItems.csv: not a file edbridge reads", p.stderr)
        good, weak = self.mastery("u-s1", "3.NF.A.1"), self.mastery("u-s2", "3.NF.A.1")
        self.assertEqual(good[1:], (1, 1))
        self.assertEqual(weak[1:], (1, 0))
        self.assertGreater(good[0], weak[0])
        # the right standard only, and the source recorded
        self.assertEqual(self.q("SELECT DISTINCT standard_code, source FROM learning_event"),
                         [("3.NF.A.1", "oneroster")])

    def test_a_result_sent_again_replaces_its_evidence_and_is_not_counted_twice(self):
        self.import_roster()
        gb = self.pkg("gb", GRADEBOOK)
        p = run("import", "gradebook", gb, db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("learning events: 2 stored, 0 quarantined\n", p.stdout)
        before = self.mastery("u-s2", "3.NF.A.1")
        p = run("import", "gradebook", gb, db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results: 0 stored, 2 unchanged, 0 replaced, 0 deleted\n", p.stdout)
        self.assertEqual(self.q("SELECT count(*) FROM learning_event")[0][0], 2)
        self.assertEqual(self.mastery("u-s2", "3.NF.A.1"), before)
        # corrected: 1 of 10 becomes 9 of 10
        changed = dict(GRADEBOOK)
        changed["results.csv"] = RES_HDR + \
            "r2,active,2026-01-11,li1,u-s2,fully graded,9,,2026-01-09,\n"
        p = run("import", "gradebook", self.pkg("gb2", changed), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results: 1 stored, 0 unchanged, 1 replaced, 0 deleted\n", p.stdout)
        self.assertEqual(self.q("SELECT count(*) FROM learning_event WHERE student_sourced_id"
                                " = 'u-s2'")[0][0], 1)
        after = self.mastery("u-s2", "3.NF.A.1")
        self.assertEqual(after[1:], (1, 1))
        self.assertGreater(after[0], before[0])

    def add_user(self, login, role, scope, person=None):
        args = ["user", "add", "--login", login, "--role", role, "--scope", scope, "--name",
                login.title()] + (["--person", person] if person else [])
        p = run(*args, db=self.db, input=PASSWORD + "\n")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_gradebook_page_district_wide_and_for_the_teacher_of_the_class(self):
        self.import_roster()
        files = dict(GRADEBOOK)
        files["results.csv"] = GRADEBOOK["results.csv"] + \
            "r9,active,2026-01-10,li1,u-nobody,fully graded,4,,2026-01-09,\n"
        p = run("import", "gradebook", self.pkg("gb", files), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.add_user("admin", "district_admin", "district")
        self.add_user("coord", "coordinator", "district")
        self.add_user("tkim", "teacher", "school:s1", "u-t1")
        self.add_user("other", "teacher", "school:s1")
        self.add_user("coach", "coach", "school:s1")
        with Server(self.db) as srv:
            c = srv.client()
            self.assertEqual(c.login("coord").status, 303)
            r = c.get("/gradebook")
            self.assertEqual(r.status, 200)
            self.assertIn('href="/gradebook/item?id=li1">Fractions quiz</a>', r.text)
            self.assertIn("<td>Math 3 - A</td><td>2026-01-09</td><td>3.NF.A.1</td><td>2</td>",
                          r.text)
            self.assertIn("Waiting for the roster", r.text)
            self.assertIn("u-nobody", r.text)
            self.assertIn("is not a student of the district&#39;s roster yet",
                          r.text.replace("&#x27;", "&#39;"))
            self.assertNotIn("more than 14 days", r.text)
            r = c.get("/gradebook/item?id=li1")
            self.assertEqual(r.status, 200)
            self.assertIn("<td>Ann Lee</td><td>10 of 10</td><td>Fully graded</td>", r.text)
            self.assertIn("<td>Bo Park</td><td>1 of 10</td>", r.text)
            self.assertEqual(c.get("/gradebook/item?id=nope").status, 404)
            self.assertEqual(c.get("/gradebook/item").status, 303)
            # a result waiting more than 14 days is called out
            old = int(time.time()) - 20 * 86400
            self.q_exec(f"UPDATE gradebook_result SET waiting_since = {old}"
                        " WHERE sourced_id = 'r9'")
            r = c.get("/gradebook")
            self.assertIn("1 result has waited more than 14 days", r.text)
            self.assertIn("(more than 14 days)", r.text)
            # the teacher of the class sees it; a teacher of no class sees nothing
            t = srv.client()
            t.login("tkim")
            self.assertIn("Fractions quiz", t.get("/gradebook").text)
            self.assertEqual(t.get("/gradebook/item?id=li1").status, 200)
            o = srv.client()
            o.login("other")
            r = o.get("/gradebook")
            self.assertEqual(r.status, 200)
            self.assertNotIn("Fractions quiz", r.text)
            self.assertNotIn("u-nobody", r.text)
            self.assertEqual(o.get("/gradebook/item?id=li1").status, 404)
            # a coach is not a role of the page
            k = srv.client()
            k.login("coach")
            self.assertEqual(k.get("/gradebook").status, 403)
        # every view audited
        self.assertGreaterEqual(self.q("SELECT count(*) FROM audit_log WHERE action = 'view'"
                                       " AND subject_type IN ('gradebook', 'class')")[0][0], 5)

    def q_exec(self, sql):
        ebtest.db_execute(self.db, sql)

    def test_a_case_identifier_objective_resolves_through_the_crosswalk(self):
        if not os.path.exists(SBAC):
            self.skipTest("../shared/data absent")
        self.import_roster()
        p = run("import", "case", SBAC, db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        files = dict(GRADEBOOK)
        files["lineItemLearningObjectiveIds.csv"] = LIO_HDR + f",,,li1,case,{SBAC_3OA1}\n"
        p = run("import", "gradebook", self.pkg("gb", files), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.q("SELECT DISTINCT standard_code FROM learning_event"),
                         [("3.OA.A.1",)])
        self.assertEqual(self.mastery("u-s1", "3.OA.A.1")[1:], (1, 1))

    def test_bad_rows_are_set_aside_with_row_field_and_reason(self):
        self.import_roster()
        files = dict(GRADEBOOK)
        files["lineItems.csv"] += "li2,active,,Other class,,,,kX,,,0,10,s1\n"
        files["results.csv"] = RES_HDR + (
            "r1,,,li1,u-s1,fully graded,10,,2026-01-09,\n"
            "r2,,,li1,u-nobody,fully graded,5,,2026-01-09,\n"
            "r3,,,li9,u-s1,fully graded,5,,2026-01-09,\n"
            "r4,,,li2,u-s1,fully graded,5,,2026-01-09,\n"
            "r5,,,li1,u-s2,submitted,,,2026-01-09,\n")
        p = run("import", "gradebook", self.pkg("gb", files), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        # what refers to a row the district does not have yet waits for it (h17-admin)
        self.assertIn("lineItems.csv:3: classSourcedId: 'kX' is not a class of the district's "
                      "roster yet; line item 'li2' and its results wait for it\n", out)
        self.assertIn("results.csv:3: studentSourcedId: 'u-nobody' is not a student of the "
                      "district's roster yet; result 'r2' waits for it\n", out)
        self.assertIn("results.csv:4: lineItemSourcedId: 'li9' is not a line item of this "
                      "input or of an earlier one yet; result 'r3' waits for it\n", out)
        self.assertIn("results.csv:5: lineItemSourcedId: line item 'li2' waits for its class; "
                      "result 'r4' waits for it\n", out)
        self.assertIn("not fully graded (stored without evidence): 1\n", out)
        self.assertIn("set aside: 4\n", out)
        self.assertEqual(self.q("SELECT sourced_id, waits_for FROM gradebook_result"
                                " ORDER BY sourced_id"),
                         [("r1", None), ("r2", "student"), ("r3", "lineItem"),
                          ("r4", "lineItem"), ("r5", None)])
        self.assertEqual(self.q("SELECT sourced_id, waits_for FROM gradebook_line_item"
                                " ORDER BY sourced_id"), [("li1", None), ("li2", "class")])
        self.assertEqual(self.q("SELECT count(*) FROM learning_event")[0][0], 1)

    def events_of(self, result):
        return (self.q("SELECT count(*) FROM learning_event WHERE statement_id = ?",
                       "gb:" + result)[0][0] +
                self.q("SELECT count(*) FROM quarantine WHERE statement_id = ?",
                       "gb:" + result)[0][0])

    def test_a_result_before_its_student_waits_and_is_linked_once_when_the_roster_brings_it(self):
        # the roster without Bo Park (u-s2): his result waits, no evidence yet
        early = dict(ROSTER)
        for name in ("users.csv", "roles.csv", "enrollments.csv"):
            early[name] = "".join(l for l in ROSTER[name].splitlines(True)
                                  if "u-s2" not in l)
        p = run("import", "oneroster", self.pkg("early", early), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run("import", "gradebook", self.pkg("gb", GRADEBOOK), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results.csv:3: studentSourcedId: 'u-s2' is not a student of the "
                      "district's roster yet; result 'r2' waits for it\n", p.stdout)
        self.assertEqual(self.q("SELECT waits_for FROM gradebook_result WHERE sourced_id"
                                " = 'r2'"), [("student",)])
        self.assertEqual(self.events_of("r2"), 0)
        self.assertIsNone(self.mastery("u-s2", "3.NF.A.1"))
        # the next roster brings him: the result is linked and becomes evidence
        p = run("import", "oneroster", self.pkg("roster", ROSTER), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("gradebook: 0 waiting line items and 1 waiting results linked", p.stderr)
        self.assertEqual(self.q("SELECT waits_for, waiting_since FROM gradebook_result"
                                " WHERE sourced_id = 'r2'"), [(None, None)])
        self.assertEqual(self.events_of("r2"), 1)
        self.assertEqual(self.mastery("u-s2", "3.NF.A.1")[1:], (1, 0))
        # once: neither the roster again nor the same gradebook again adds to it
        p = run("import", "oneroster", self.pkg("roster", ROSTER), db=self.db)
        self.assertNotIn("waiting results linked", p.stderr)
        p = run("import", "gradebook", self.pkg("gb", GRADEBOOK), db=self.db)
        self.assertIn("results: 0 stored, 2 unchanged, 0 replaced, 0 deleted\n", p.stdout)
        self.assertEqual(self.events_of("r2"), 1)
        self.assertEqual(self.mastery("u-s2", "3.NF.A.1")[1:], (1, 0))

    def test_a_line_item_waits_for_its_class_and_its_results_with_it(self):
        self.import_roster()
        files = dict(GRADEBOOK)
        files["lineItems.csv"] = LI_HDR + "li2,active,,Other class,,,,kX,,,0,10,s1\n"
        files["lineItemLearningObjectiveIds.csv"] = LIO_HDR + ",,,li2,Unknown,3.NF.A.1\n"
        files["results.csv"] = RES_HDR + "r4,,,li2,u-s1,fully graded,8,,2026-01-09,\n"
        p = run("import", "gradebook", self.pkg("gb", files), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.events_of("r4"), 0)
        # a later result of the same line item waits too
        more = {"results.csv": RES_HDR + "r6,,,li2,u-s2,fully graded,2,,2026-01-09,\n"}
        p = run("import", "gradebook", self.pkg("gb2", more), db=self.db)
        self.assertIn("line item 'li2' waits for its class; result 'r6' waits for it", p.stdout)
        # the class arrives: the line item, then both results are linked
        roster = dict(ROSTER)
        roster["classes.csv"] += "kX,,,Math 3 - B,03,c1,M3B,scheduled,R2,s1,t1,,,2\n"
        p = run("import", "oneroster", self.pkg("roster2", roster), db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("gradebook: 1 waiting line items and 2 waiting results linked", p.stderr)
        self.assertEqual(self.q("SELECT count(*) FROM gradebook_result WHERE waits_for IS NOT"
                                " NULL")[0][0], 0)
        self.assertEqual((self.events_of("r4"), self.events_of("r6")), (1, 1))
        self.assertEqual(self.mastery("u-s1", "3.NF.A.1")[1:], (1, 1))

    def test_a_refused_file_stores_nothing(self):
        files = {**ROSTER, **GRADEBOOK}
        files["results.csv"] = RES_HDR + (
            "r1,,,li1,u-s1,fully graded,10,,2026-01-09,\n"
            "r2,,,li1,u-s2,graded,1,,2026-01-09,\n")
        bad = self.pkg("bad", files)
        p = run("import", "oneroster", bad, "--strict", db=self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("results.csv:3: scoreStatus: 'graded' is not one of: exempt, fully "
                      "graded, not submitted, partially graded, submitted", p.stderr)
        self.assertIn("import rejected: nothing was stored", p.stderr)
        for t in ("person", "class", "gradebook_line_item", "gradebook_result",
                  "learning_event"):
            self.assertEqual(self.q(f"SELECT count(*) FROM {t}")[0][0], 0, t)
        # lenient (the default): the roster is applied, the Gradebook files are not, and
        # the refusal is a set-aside row (exit status 3)
        p = run("import", "oneroster", bad, db=self.db)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("set aside: results.csv:3: scoreStatus: Gradebook files refused, nothing "
                      "of them stored: 'graded' is not one of", p.stdout + p.stderr)
        self.assertEqual(self.q("SELECT count(*) FROM class")[0][0], 1)
        for t in ("gradebook_line_item", "gradebook_result", "learning_event"):
            self.assertEqual(self.q(f"SELECT count(*) FROM {t}")[0][0], 0, t)
        # the Gradebook-only import too
        p = run("import", "gradebook", self.pkg("bad2", {k: v for k, v in files.items()
                                                         if k not in ROSTER}), db=self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("results.csv:3: scoreStatus: 'graded'", p.stderr)
        self.assertIn("rejected, nothing stored\n", p.stderr)
        self.assertEqual(p.stdout, "")
        for t in ("gradebook_line_item", "gradebook_result", "learning_event"):
            self.assertEqual(self.q(f"SELECT count(*) FROM {t}")[0][0], 0, t)

    def test_usage(self):
        p = run("import", "gradebook", "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("usage: edbridge import gradebook PATH", p.stdout)
        self.assertEqual(run("import", "gradebook", db=self.db).returncode, 2)
        p = run("import", "gradebook", self.pkg("roster", ROSTER), db=self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("holds no Gradebook file", p.stderr)
        p = run("import", "gradebook", self.pkg("gb", GRADEBOOK), "--tool", "nope", db=self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--tool: no tool 'nope'", p.stderr)


def rest_line_item(sid, cls, mx, objectives):
    return {"sourcedId": sid, "status": "active", "dateLastModified": "2026-01-10T00:00:00Z",
            "title": "Quiz " + sid, "class": {"sourcedId": cls, "type": "class"},
            "resultValueMin": 0.0, "resultValueMax": mx,
            "learningObjectiveSet": [{"source": "Unknown", "learningObjectiveIds": objectives}]}


def rest_result(sid, li, student, score, status="fully graded"):
    return {"sourcedId": sid, "status": "active", "dateLastModified": "2026-01-10T00:00:00Z",
            "lineItem": {"sourcedId": li, "type": "lineItem"},
            "student": {"sourcedId": student, "type": "user"}, "scoreStatus": status,
            "score": score, "scoreDate": "2026-01-09"}


class GradebookSyncTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "t.db")
        self.assertEqual(run("init", "--district", "Test", db=self.db).returncode, 0)
        folder = write_package(os.path.join(self.tmp.name, "roster"), ROSTER)
        p = run("import", "oneroster", folder, db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.srv = OneRosterServer(data=folder, version="1.2", client_secret=SECRET).start()
        self.srv.set("lineItems", rest_line_item("li1", "k1", 20.0, ["3.NF.A.1"]))
        for i in range(5):
            self.srv.set("results", rest_result(f"r{i}", "li1", "u-s1" if i % 2 else "u-s2",
                                                18 if i % 2 else 4))

    def tearDown(self):
        self.srv.stop()
        self.tmp.cleanup()

    def sync(self, *extra):
        return run("sync", "gradebook", "--url",
                   f"http://127.0.0.1:{self.srv.port}/ims/oneroster/gradebook/v1p2",
                   "--client-id", "sis-client", "--page-size", "2", *extra, db=self.db,
                   input=SECRET + "\n")

    def q(self, sql):
        with db_connect(self.db) as con:
            return con.execute(sql).fetchall()

    def test_rest_binding_results_become_evidence_paged(self):
        p = self.sync()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results: 5 stored, 0 unchanged, 0 replaced, 0 deleted\n", p.stdout)
        self.assertIn("learning events: 5 stored, 0 quarantined\n", p.stdout)
        paths = {r[0] for r in self.srv.requests}
        self.assertEqual(paths, {"/ims/oneroster/gradebook/v1p2/lineItems",
                                 "/ims/oneroster/gradebook/v1p2/results"})
        self.assertEqual(self.q("SELECT student_sourced_id, correct, count(*) FROM learning_event"
                                " GROUP BY student_sourced_id, correct ORDER BY 1"),
                         [("u-s1", 1, 2), ("u-s2", 0, 3)])
        # again: nothing counted twice
        p = self.sync()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results: 0 stored, 5 unchanged", p.stdout)
        self.assertEqual(self.q("SELECT count(*) FROM learning_event")[0][0], 5)
        self.assertNotIn(SECRET, p.stdout + p.stderr)

    def test_a_saved_roster_source_pulls_its_gradebook(self):
        p = run("sync", "oneroster", "--url", self.srv.url, "--client-id", "sis-client",
                "--save", db=self.db, input=SECRET + "\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run("sync", "gradebook", db=self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("results: 5 stored", p.stdout)
        self.assertIn(("/ims/oneroster/gradebook/v1p2/results", "limit=1000&offset=0"),
                      self.srv.requests)
        p = run("sync", "gradebook", "--source", "9", db=self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no saved OneRoster source", p.stderr)

    def test_serve_pulls_a_saved_sources_gradebook_after_its_nightly_roster_sync(self):
        zone = self.q("SELECT time_zone FROM district WHERE id = 1")[0][0]
        hour = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).hour
        p = run("sync", "oneroster", "--url", self.srv.url, "--client-id", "sis-client",
                "--save", "--hour", str(hour), db=self.db, input=SECRET + "\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.q("SELECT count(*) FROM gradebook_result")[0][0], 0)
        rows = []
        with Server(self.db):
            deadline = time.time() + 30
            while time.time() < deadline and not rows:
                time.sleep(0.3)
                rows = self.q("SELECT count(*) FROM gradebook_result HAVING count(*) = 5")
        self.assertEqual(rows, [(5,)])
        self.assertEqual(self.q("SELECT count(*) FROM learning_event")[0][0], 5)

    def test_a_500_midway_stores_nothing(self):
        self.srv.fail = {"results": 2}
        p = self.sync("--retries", "0")
        self.assertEqual(p.returncode, 1)
        self.assertIn("nothing stored", p.stderr)
        for t in ("gradebook_line_item", "gradebook_result", "learning_event"):
            self.assertEqual(self.q(f"SELECT count(*) FROM {t}")[0][0], 0, t)

    def test_a_bad_object_is_refused_with_its_json_path(self):
        bad = rest_result("r9", "li1", "u-s1", "lots")
        self.srv.set("results", bad)
        p = self.sync()
        self.assertEqual(p.returncode, 1)
        self.assertIn("/ims/oneroster/gradebook/v1p2/results: $.results[5]: score: a "
                      "number\n", p.stderr)
        self.assertIn("refused, nothing stored", p.stderr)
        self.assertEqual(self.q("SELECT count(*) FROM gradebook_result")[0][0], 0)


if __name__ == "__main__":
    unittest.main()
