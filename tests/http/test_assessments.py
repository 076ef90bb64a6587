"""Common assessments by standard through the browser and the command line:
build one (bad input: 400 naming the field, nothing stored), import item
results (upload and `edbridge import item-results`; bad files: FILE:LINE:
field: reason, nothing stored), the item analysis and its exports, the
answer sheets (PDF), who sees whose results, and the audit."""
import os
import re

from ebtest import Server, TempDir, db_execute, field_error, make_district, run
from test_import_upload import multipart

ITEMS = "1, 3.NF.A.1, 1, ABCD, C\n2, 3.NF.A.2, 1, ABCD, A\n3, 3.OA.A.1, 2\n"
GOOD = ("student_id,item,response,points,date\n"
        "stu-1,1,C,,2027-01-12\nstu-1,2,B,,2027-01-12\nstu-1,3,,2,2027-01-12\n"
        "stu-2,1,D,,2027-01-12\nstu-2,2,A,,2027-01-12\nstu-2,3,,1,2027-01-12\n"
        "stu-3,1,C,,2027-01-13\nstu-3,2,A,,2027-01-13\nstu-3,3,,0,2027-01-13\n")


def count(db, sql):
    return db_execute(db, sql)[0][0]


class Assessments(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def create(self, c, **over):
        f = {"name": "Grade 3 winter benchmark", "season": "winter", "opens": "2027-01-10",
             "closes": "2027-01-31", "items": ITEMS}
        f.update(over)
        return c.post("/assessments", f)

    def upload(self, c, aid, text, name="results.csv"):
        body, ct = multipart({"csrf": c.csrf}, name, text.encode())
        return c.request("POST", f"/assessments/{aid}/results", body=body,
                         headers={"Content-Type": ct})

    def test_build_import_analyse(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            r = c.get("/assessments")
            self.assertEqual(r.status, 200)
            self.assertIn('id="items"', r.text)
            # bad input: the field is named, nothing stored
            for over, field, words in [
                ({"items": "1, 3.NF.A.1, 1, ABCD, E"}, "items",
                 "the key &#39;E&#39; is not one of the choices ABCD"),
                ({"items": "1, 3.NF.A.9, 1"}, "items", "is not a standard of the CCSS-M"),
                ({"items": "1, 3.NF.A.1, 1\n1, 3.NF.A.2, 1"}, "items",
                 "item number 1 is used twice"),
                ({"closes": "2027-01-01"}, "closes", "closes (2027-01-01) before it opens"),
                ({"name": ""}, "name", "give the assessment a name"),
            ]:
                c.get("/assessments")
                r = self.create(c, **over)
                self.assertEqual(r.status, 400, over)
                err = field_error(r.text, field)
                self.assertIn(words.replace("&#39;", "'").lower(), err.replace("&#39;", "'").lower(), over)
            self.assertEqual(count(self.db, "SELECT count(*) FROM common_assessment"), 0)
            self.assertEqual(count(self.db, "SELECT count(*) FROM common_item"), 0)
            c.get("/assessments")
            r = self.create(c)
            self.assertEqual(r.status, 303, r.text[:500])
            aid = int(r.header("Location").rsplit("/", 1)[1])
            c.get("/assessments")
            r = self.create(c)
            self.assertEqual(r.status, 400)
            self.assertIn("already has an assessment", field_error(r.text, "name"))
            # a bad file: every problem named, nothing stored
            r = c.get(f"/assessments/{aid}")
            self.assertEqual(r.status, 200)
            bad = ("student_id,item,response,points,date\n"
                   "stu-1,1,C,,2027-01-12\n"
                   "stu-1,9,C,,2027-01-12\n"
                   "nobody,1,C,,2027-01-12\n"
                   "stu-2,1,F,,2027-01-12\n"
                   "stu-1,1,D,,2027-01-12\n"
                   "stu-2,3,,5,2027-01-12\n")
            r = self.upload(c, aid, bad, "bad.csv")
            self.assertEqual(r.status, 400)
            for want in ["bad.csv:3: item: &#39;9&#39; is not an item number",
                         "bad.csv:4: student_id: &#39;nobody&#39; is not a student",
                         "bad.csv:5: response: &#39;F&#39; is not one of the choices of item 1",
                         "bad.csv:6: student_id: &#39;stu-1&#39; on item 1 repeats line 2",
                         "bad.csv:7: points: 5 is outside item 3"]:
                self.assertIn(want, r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM common_response"), 0)
            self.assertEqual(count(self.db, "SELECT count(*) FROM learning_event"), 0)
            # the good file
            c.get(f"/assessments/{aid}")
            r = self.upload(c, aid, GOOD)
            self.assertEqual(r.status, 200, r.text[-2000:])
            self.assertIn('<dd id="rows">9</dd>', r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM common_response"), 9)
            # results are evidence of mastery, under the district's own tool
            self.assertEqual(count(self.db, "SELECT count(*) FROM learning_event e JOIN tool t"
                                            " ON t.id=e.tool_id WHERE t.name='Common assessments'"), 9)
            self.assertGreater(count(self.db, "SELECT count(*) FROM mastery_state"
                                              " WHERE standard_code='3.NF.A.1'"), 0)
            r = c.get(f"/assessments/{aid}")
            self.assertEqual(r.status, 200)
            self.assertIn('<dd id="students">3</dd>', r.text)
            self.assertIn("C (key) 2", r.text)
            self.assertIn("Fewer than 10 students", r.text)
            self.assertIn("By school", r.text)
            self.assertIn("By teacher", r.text)
            # items are fixed once results exist
            c.get(f"/assessments/{aid}")
            r = c.post(f"/assessments/{aid}/items", {"items": "4, 3.NF.A.3, 1"})
            self.assertEqual(r.status, 409)
            # exports
            r = c.get(f"/assessments/{aid}?format=csv")
            self.assertEqual(r.status, 200)
            lines = r.text.strip().split("\r\n")
            self.assertTrue(lines[0].startswith("item,standard,points,key,students,p_value"))
            self.assertEqual(len(lines), 4)
            # item 1: C right for stu-1 and stu-3: p = 2/3
            self.assertTrue(lines[1].startswith("1,3.NF.A.1,1,C,3,0.6667"), lines[1])
            r = c.get(f"/assessments/{aid}?format=xlsx")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body[:2], b"PK")
            # by school
            r = c.get(f"/assessments/{aid}?school=sch-a2")
            self.assertIn('<dd id="students">1</dd>', r.text)
            self.assertEqual(c.get(f"/assessments/{aid}?school=nope").status, 404)
            # answer sheets of a class
            r = c.get(f"/assessments/{aid}/sheets?class=cls-a1-3&format=pdf")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("Content-Type"), "application/pdf")
            self.assertTrue(r.body.startswith(b"%PDF-1.4"))
            self.assertIn(b"(Name: Sam One) Tj", r.body)
            self.assertIn(b"/Count 2", r.body)
            self.assertTrue(r.body.rstrip().endswith(b"%%EOF"))
            # the cross-reference table points at each object, each stream has its length
            pdf = r.body
            sx = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
            self.assertTrue(pdf[sx:].startswith(b"xref\n0 "))
            rows = pdf[sx:].split(b"\n")
            nobj = int(rows[1].split()[1])
            for i in range(1, nobj):
                off = int(rows[2 + i][:10])
                self.assertTrue(pdf[off:].startswith(f"{i} 0 obj".encode()), i)
            for m in re.finditer(rb"/Length (\d+) >>\nstream\n", pdf):
                end = m.end() + int(m.group(1))
                self.assertEqual(pdf[end:end + 10], b"\nendstream")
            self.assertEqual(c.get(f"/assessments/{aid}/sheets?class=nope").status, 404)
            # views and exports of results are audited
            self.assertGreater(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                              " subject_type='common_assessment' AND action='view'"), 0)
            self.assertGreater(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                              " subject_type='common_assessment' AND action='export'"), 0)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                            " subject_type='common_assessment' AND action='create'"), 1)

            # who sees whose results
            t = srv.client()
            t.login("teacher")  # tch-1 teaches cls-a1-3: stu-1, stu-2
            r = t.get(f"/assessments/{aid}")
            self.assertEqual(r.status, 200)
            self.assertIn('<dd id="scope">your classes</dd>', r.text)
            self.assertIn('<dd id="students">2</dd>', r.text)
            self.assertNotIn("Upload item results", r.text)
            self.assertEqual(t.get(f"/assessments/{aid}?school=sch-a2").status, 404)
            self.assertEqual(t.get(f"/assessments/{aid}?class=cls-a2-3").status, 404)
            self.assertEqual(t.get(f"/assessments/{aid}/sheets?class=cls-a2-3&format=pdf").status, 404)
            r = t.post(f"/assessments/{aid}/items", {"items": "4, 3.NF.A.3, 1"})
            self.assertEqual(r.status, 403)
            p = srv.client()
            p.login("principal")  # sch-a1
            r = p.get(f"/assessments/{aid}")
            self.assertIn('<dd id="students">2</dd>', r.text)
            self.assertEqual(p.get(f"/assessments/{aid}?school=sch-a2").status, 404)
            o = srv.client()
            o.login("other.admin")
            self.assertEqual(o.get(f"/assessments/{aid}").status, 404)
            self.assertNotIn("Grade 3 winter", o.get("/assessments").text)
            o.get("/assessments")
            body, ct = multipart({"csrf": o.csrf}, "r.csv", GOOD.encode())
            r = o.request("POST", f"/assessments/{aid}/results", body=body,
                          headers={"Content-Type": ct})
            self.assertEqual(r.status, 404)

    def test_cli_import(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("coord")
            c.get("/assessments")
            r = self.create(c)
            self.assertEqual(r.status, 303)
            aid = r.header("Location").rsplit("/", 1)[1]
        bad = os.path.join(self.tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("student_id,item,response,date\nstu-1,1,C,2027-01-12\n"
                    "stu-9,1,C,2027-01-12\nstu-2,4,A,2027-01-12\nstu-2,2,Z,2027-01-12\n"
                    "stu-1,1,B,2027-01-12\n")
        p = run("import", "item-results", "--assessment", aid, bad, "--district-id", "1",
                db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"{bad}:3: student_id: 'stu-9' is not a student of this district", p.stderr)
        self.assertIn(f"{bad}:4: item: '4' is not an item number of this assessment", p.stderr)
        self.assertIn(f"{bad}:5: response: 'Z' is not one of the choices of item 2 (ABCD)",
                      p.stderr)
        self.assertIn(f"{bad}:6: student_id: 'stu-1' on item 1 repeats line 2", p.stderr)
        self.assertIn("rejected, nothing stored", p.stderr)
        self.assertEqual(count(self.db, "SELECT count(*) FROM common_response"), 0)
        good = os.path.join(self.tmp, "good.csv")
        with open(good, "w") as f:
            f.write(GOOD)
        p = run("import", "item-results", "--assessment", aid, good, "--district-id", "1",
                db=self.db)
        self.assertIn("rows: 9", p.stdout)
        self.assertIn("students: 3", p.stdout)
        self.assertEqual(count(self.db, "SELECT count(*) FROM common_response"), 9)
        # another district's id: not found
        p = run("import", "item-results", "--assessment", aid, good, "--district-id", "2",
                db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no common assessment", p.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
