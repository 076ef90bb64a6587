"""Small groups of a class (docs/groups.md): the proposal on the fixture
district with evidence imported through the CSV ingest, adjusting and saving
with the plain form, the printed cards, what changed since (next week), the
teacher's home, bad input (400, the field named, nothing stored), roles and
tenants."""
import csv
import datetime
import os
import re
import shutil
import time
import unittest

from ebtest import FIXTURES, Server, TempDir, db_execute, field_error, make_district, run

# cls-a1-3 (grade 3, sch-a1): stu-1 and stu-2 of the fixture and five more.
EXTRA = [("stu-4", "Ana", "Four"), ("stu-5", "Ben", "Five"), ("stu-6", "Cy", "Six"),
         ("stu-7", "Dee", "Seven"), ("stu-8", "Eve", "Eight")]
UNIT = "cluster=3.NF.A"
# 3.NF.A.1 builds on 2.G.A.3: stu-2, 4, 5 and 6 lack both (grouped by the
# prerequisite), stu-7 only 3.NF.A.1 (a need no one else shares), stu-1 is
# secure, stu-8 has no evidence (too little evidence, listed apart).
RIGHT, WRONG = [1] * 8, [0, 0, 1, 0, 0, 0, 0, 0]
WEEK1 = {
    "stu-1": {"3.NF.A.1": RIGHT, "2.G.A.3": RIGHT},
    "stu-2": {"3.NF.A.1": WRONG, "2.G.A.3": WRONG},
    "stu-4": {"3.NF.A.1": WRONG, "2.G.A.3": WRONG},
    "stu-5": {"3.NF.A.1": WRONG, "2.G.A.3": WRONG},
    "stu-6": {"3.NF.A.1": WRONG, "2.G.A.3": WRONG},
    "stu-7": {"3.NF.A.1": WRONG, "2.G.A.3": RIGHT},
}


def roster_with_class_of_seven(tmp):
    roster = os.path.join(tmp, "roster")
    shutil.copytree(os.path.join(FIXTURES, "district_a"), roster)
    with open(os.path.join(roster, "users.csv"), "a") as f:
        for n, (sid, given, family) in enumerate(EXTRA):
            f.write(f"{sid},active,2026-08-01T00:00:00.000Z,true,{given.lower()}.x,,{given},"
                    f"{family},,S10{n},,,,,03,,,,,,,sch-a1,,en,,false,false\n")
    with open(os.path.join(roster, "roles.csv"), "a") as f:
        for sid, _, _ in EXTRA:
            f.write(f"r-{sid},active,2026-08-01T00:00:00.000Z,{sid},primary,student,,,"
                    "sch-a1,\n")
    with open(os.path.join(roster, "enrollments.csv"), "a") as f:
        for n, (sid, _, _) in enumerate(EXTRA):
            f.write(f"e-x{n},active,2026-08-01T00:00:00.000Z,cls-a1-3,sch-a1,{sid},student,"
                    "false,2026-08-15,2027-06-10\n")
    return roster


def answers(path, plan, day0=1, tag="a"):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "item_id", "standard", "correct", "date"])
        for sid, stds in plan.items():
            for std, seq in stds.items():
                for i, c in enumerate(seq):
                    day = datetime.date(2026, 9, 1) + datetime.timedelta(days=day0 + i)
                    w.writerow([sid, f"{std}-{tag}{i}", std, c, day.isoformat()])


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Groups(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        run("import", "oneroster", roster_with_class_of_seven(self.tmp), "--district-id", "1",
            db=self.db)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=self.db)
        self.load(WEEK1)

    def load(self, plan, day0=1, tag="a"):
        path = os.path.join(self.tmp, f"answers-{tag}.csv")
        answers(path, plan, day0, tag)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=self.db)

    def sql(self, q, *args):
        return db_execute(self.db, q, args)

    def saved_sets(self):
        return self.sql("SELECT count(*) FROM group_set")[0][0]

    def form(self, page):
        """The adjust form's fields as the page fills them."""
        form = page[page.index('method="post" action="/classes/cls-a1-3/groups"'):]
        form = form[:form.index("</form>")]
        fields = dict(re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', form))
        for name, body in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', form):
            m = re.search(r'<option value="([^"]*)" selected', body)
            fields[name] = m.group(1) if m else "0"
        return fields

    def test_proposal_groups_by_the_earliest_missing_prerequisite(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get(f"/classes/cls-a1-3/groups?{UNIT}")
            self.assertEqual(r.status, 200)
            page = text(r.text)
            self.assertIn("Group 1: 2.G.A.3", page)
            self.assertIn("All four are not yet secure on 2.G.A.3, the prerequisite that "
                          "3.NF.A.1 of this unit builds on.", page)
            self.assertIn("How sure: Sure.", page)
            self.assertIn("Evidence: 32 responses on 2.G.A.3", page)
            self.assertIn("Suggested activity:", page)
            proposed = page[page.index("Proposed groups"):page.index("Not in a group")]
            for name in ("Two, Sara", "Four, Ana", "Five, Ben", "Six, Cy"):
                self.assertIn(name, proposed)
            for name in ("One, Sam", "Seven, Dee", "Eight, Eve"):
                self.assertNotIn(name, proposed)
            apart = page[page.index("Not in a group"):page.index("Adjust and save")]
            thin = apart[apart.index("Too little evidence"):]
            self.assertIn("Eight, Eve", thin[:thin.index("A need no one")])
            self.assertIn("Seven, Dee (not yet secure on 3.NF.A.1 )", apart)
            self.assertIn("On track", apart)
            self.assertNotIn("Saul", r.text)  # another class's student
            # sizes: with groups of two the pair is a group too
            r = t.get(f"/classes/cls-a1-3/groups?{UNIT}&min=2&max=2&count=6")
            self.assertEqual(r.status, 200)
            self.assertIn("Group 2: 2.G.A.3", text(r.text))
            # linked from the class roster and the grid
            self.assertIn('href="/classes/cls-a1-3/groups"', t.get("/classes/cls-a1-3").text)
            self.assertIn("/classes/cls-a1-3/groups",
                          t.get(f"/classes/cls-a1-3/mastery?{UNIT}").text)
        # the view is audited as a bulk view of the class
        rows = self.sql("SELECT action, subject_type, subject_id, students, detail"
                        " FROM audit_log WHERE detail LIKE 'small groups%'")
        self.assertIn(("view", "class", "cls-a1-3", 7, "small groups, Cluster 3.NF.A"), rows)

    def test_adjust_save_print_and_next_week(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            r = t.get(f"/classes/cls-a1-3/groups?{UNIT}")
            f = self.form(r.text)
            self.assertEqual(f["focus1"], "2.G.A.3")
            self.assertEqual(f["g.stu-2"], "1")
            self.assertEqual(f["g.stu-7"], "0")
            self.assertEqual(f["unit"], "3.NF.A")
            # the teacher renames group 1, moves Dee in, and starts group 2 for Sara
            f.update({"name1": "  Fraction builders ", "g.stu-7": "1", "g.stu-2": "2",
                      "name2": "Sara one to one", "focus2": "3.nf.a.1"})
            r = t.post("/classes/cls-a1-3/groups", f)
            self.assertEqual(r.status, 303, r.text[:2000])
            self.assertEqual(r.header("Location"), "/classes/cls-a1-3/groups?saved=1")
            groups = self.sql("SELECT g.position, g.name, g.focus FROM group_set_group g"
                              " ORDER BY g.position")
            self.assertEqual(groups, [(1, "Fraction builders", "2.G.A.3"),
                                      (2, "Sara one to one", "3.NF.A.1")])
            members = self.sql("SELECT student_sourced_id, position FROM group_set_member"
                               " ORDER BY student_sourced_id")
            self.assertEqual(members, [("stu-2", 2), ("stu-4", 1), ("stu-5", 1), ("stu-6", 1),
                                       ("stu-7", 1)])
            page = text(t.get("/classes/cls-a1-3/groups?saved=1").text)
            self.assertIn("Saved.", page)
            self.assertIn("Fraction builders", page)
            self.assertIn("No change on the focus since.", page)
            # the cards: one per group
            r = t.get("/classes/cls-a1-3/groups/print")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.text.count('class="gcard"'), 2)
            card = text(r.text)
            self.assertIn("Fraction builders", card)
            self.assertIn("Seven, Dee", card)
            # the form can start again from the saved groups
            f2 = self.form(t.get("/classes/cls-a1-3/groups?from=saved").text)
            self.assertEqual(f2["name1"], "Fraction builders")
            self.assertEqual(f2["g.stu-2"], "2")
            # the teacher's home: groups to meet
            home = text(t.get("/home").text)
            nxt = home[home.index("Next steps"):home.index("Your classes")]
            self.assertIn("Math 3 - Room 12: meet your 2 small groups (5 students; first "
                          "focus 2.G.A.3)", nxt)
        # next week: Sara catches up on 3.NF.A.1, Sam slips on it
        self.load({"stu-2": {"3.NF.A.1": RIGHT * 3}, "stu-1": {"3.NF.A.1": [0] * 30}},
                  day0=10, tag="b")
        self.sql("UPDATE group_set SET saved_at = saved_at - 8 * 86400")
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            page = text(t.get("/classes/cls-a1-3/groups").text)
            saved = page[page.index("Your saved groups"):page.index("Proposed groups")]
            sara = saved[saved.index("Sara one to one"):]
            self.assertIn("Moved up on the focus: Two, Sara (Not yet then, ", sara)
            self.assertIn("New to the need (not in the group): One, Sam (Mastered then, "
                          "Not yet now)", sara)
            home = text(t.get("/home").text)
            self.assertIn("Math 3 - Room 12: your 2 small groups were saved 8 days ago: see "
                          "who moved up and regroup", home)
        # the save is in the audit log
        rows = self.sql("SELECT action, subject_id, students, detail FROM audit_log"
                        " WHERE detail LIKE 'small groups saved%'")
        self.assertEqual(rows, [("create", "cls-a1-3", 5,
                                 "small groups saved: 2 groups, 5 students, unit 3.NF.A")])

    def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            good = self.form(t.get(f"/classes/cls-a1-3/groups?{UNIT}").text)
            cases = [
                ({"g.stu-3": "1"}, "g.stu-3", "is not a student of this class"),
                ({"focus1": "9.ZZ.Z.9"}, "focus1", "choose a standard of the catalog"),
                ({"focus1": "3.NF.A"}, "focus1", "choose a standard of the catalog"),
                ({"name1": "   "}, "name1", "give the group a name"),
                ({"name1": "x" * 61}, "name1", "at most 60 characters"),
                ({"min": "1"}, "min", "the smallest group size must be 2 to 12"),
                ({"max": "40"}, "max", "the largest group size must be 2 to 12"),
                ({"min": "5", "max": "4"}, "max", "must not be below the smallest"),
                ({"count": "9"}, "count", "the number of groups must be 1 to 6"),
                ({"max": "3"}, "group1", "4 students; at most 3"),
                ({"unit": "nonsense"}, "unit", "choose a unit of the catalog"),
                ({"g.stu-4": "7"}, "g.stu-4", "choose one of the groups"),
                ({"g.stu-2": "0", "g.stu-4": "0", "g.stu-5": "0", "g.stu-6": "0"}, "groups",
                 "put at least one student in a group"),
            ]
            for change, field, reason in cases:
                f = dict(good)
                f.update(change)
                r = t.post("/classes/cls-a1-3/groups", f)
                self.assertEqual(r.status, 400, f"{change}: {r.status}")
                self.assertIn("Nothing was saved", r.text, change)
                self.assertIn(reason.lower(), r.text.lower(), change)
                if field in ("name1", "focus1", "min", "max", "count"):
                    self.assertIn(reason.lower(), field_error(r.text, field).lower(), change)
                self.assertEqual(self.saved_sets(), 0, change)
            # the refused form comes back as sent
            f = dict(good)
            f.update({"name1": "Keep my name", "focus1": "9.ZZ.Z.9"})
            r = t.post("/classes/cls-a1-3/groups", f)
            self.assertIn('value="Keep my name"', r.text)
            # sizes out of range on the proposal itself
            r = t.get(f"/classes/cls-a1-3/groups?{UNIT}&min=abc")
            self.assertEqual(r.status, 400)
            self.assertIn("must be a whole number", field_error(r.text, "min").lower())
            r = t.get(f"/classes/cls-a1-3/groups?{UNIT}&count=0")
            self.assertEqual(r.status, 400)
            self.assertIn("the number of groups must be 1 to 6",
                          field_error(r.text, "count").lower())
            # no CSRF token: refused by the router
            f = dict(good)
            f.pop("csrf", None)
            r = t.request("POST", "/classes/cls-a1-3/groups", body="name1=x",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 403)
            self.assertEqual(self.saved_sets(), 0)

    def test_roles_and_tenants(self):
        with Server(self.db) as srv:
            t = srv.client()
            t.login("teacher")
            good = self.form(t.get(f"/classes/cls-a1-3/groups?{UNIT}").text)
            # a class the teacher does not teach: 404, the same as none, and audited
            r = t.get("/classes/cls-a2-3/groups")
            self.assertEqual(r.status, 404)
            self.assertNotIn("Saul", r.text)
            r = t.post("/classes/cls-a2-3/groups", good)
            self.assertEqual(r.status, 404)
            self.assertEqual(t.get("/classes/cls-a2-3/groups/print").status, 404)
            # principal and coach of the school may; family and other staff may not
            for login, status in (("principal", 200), ("coach", 200), ("admin", 200),
                                  ("parent", 403), ("student", 403), ("champ", 403),
                                  ("other.admin", 404)):
                c = srv.client()
                c.login(login)
                self.assertEqual(c.get("/classes/cls-a1-3/groups").status, status, login)
                self.assertEqual(c.get("/classes/cls-a1-3/groups/print").status, status,
                                 login)
                if status != 200:
                    f = dict(good)
                    f["csrf"] = c.csrf
                    self.assertIn(c.post("/classes/cls-a1-3/groups", f).status,
                                  (403, 404), login)
            self.assertEqual(self.saved_sets(), 0)
            c = srv.client()
            c.login("principal")
            f = dict(good)
            f["csrf"] = c.csrf
            self.assertEqual(c.post("/classes/cls-a1-3/groups", f).status, 303)
            self.assertEqual(self.saved_sets(), 1)
        refused = self.sql("SELECT count(*) FROM audit_log WHERE action = 'refused'"
                           " AND subject_id = 'cls-a2-3'")[0][0]
        self.assertGreaterEqual(refused, 3)


if __name__ == "__main__":
    unittest.main()
