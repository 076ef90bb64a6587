"""Printed letters to families (issue 13; docs/family_updates.md "Printed
letters"), with real parts: `edbridge families letters` writes the PDF,
pdftoppm rasterises every page, zbarimg decodes every QR code, pdftotext
reads the words, and each link is followed on a running server: it signs in
to that family's child and to no other. Families in Spanish, Arabic and
Chinese; one family with no contact at all; one with an email (no paper
until it asks for it); the outbox's letters of a week marked printed."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from ebtest import Server, db_connect, make_district, run

BASE = "https://edbridge.alder.example"
TOOLS = all(shutil.which(t) for t in ("pdftoppm", "pdftotext", "zbarimg"))

# guardian -> (name, child, school, what the page must show)
FAMILIES = {
    "gdn-1": ("Gloria One", "stu-1", "Matemáticas de esta semana"),
    "gdn-ar": ("Layla Two", "stu-2", None),  # Arabic: checked by script below
    "gdn-zh": ("Wei Three", "stu-3", "本周的数学"),
}
CHILDREN = ("stu-1", "stu-2", "stu-3")


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def page_text(path, i):
    return subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", path, "-"],
                          capture_output=True, text=True, check=True).stdout


def page_codes(path, i, tmp):
    """The QR codes of page i, decoded from a 150 dpi raster."""
    stem = os.path.join(tmp, f"p{i}")
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(i), "-l", str(i), "-singlefile", "-png",
                    path, stem], check=True)
    p = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", stem + ".png"],
                       capture_output=True, text=True)
    return [line for line in p.stdout.splitlines() if line.strip()]


@unittest.skipUnless(TOOLS, "poppler-utils and zbar-tools are not installed")
class Letters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="eblet-")
        cls.db = make_district(cls.dir)
        with db_connect(cls.db) as con:
            # the Spanish family: its email gone, its sms number not a number
            # one can text (7 digits): it needs paper; its account's choice of
            # English (make_district) removed, so the roster's Spanish decides
            con.execute("UPDATE person SET email=NULL, sms='5550100', phone='' WHERE"
                        " sourced_id='gdn-1'")
            con.execute("DELETE FROM family_language")
            # an Arabic family with no contact at all, a Chinese family
            # whose phone number is too short, an English family with an
            # email (no letter unless --all)
            for sid, given, family, lang, email, phone, child in (
                    ("gdn-ar", "Layla", "Two", "ar", None, None, "stu-2"),
                    ("gdn-zh", "Wei", "Three", "zh", "", "555-01", "stu-3"),
                    ("gdn-en", "Erin", "Two", "en", "erin@example.org", None, "stu-2")):
                con.execute("INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                            " given_name, family_name, home_language, email, phone) VALUES"
                            " (1, ?, 'sch-a1', 'guardian', ?, ?, ?, ?, ?)",
                            (sid, given, family, lang, email, phone))
                con.execute("INSERT INTO guardianship VALUES (1, ?, ?)", (sid, child))
        cls.pdf = os.path.join(cls.dir, "letters.pdf")
        cls.out = run("families", "letters", "--out", cls.pdf, "--public-url", BASE + "/",
                      "--week", "2026-W47", "--district-id", "1", db=cls.db).stdout
        cls.srv = Server(cls.db, ["--public-url", BASE]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_one_page_per_family_that_needs_paper(self):
        self.assertIn("letters: 3\n", self.out)
        self.assertIn("pages: 3\n", self.out)
        self.assertEqual(pdf_pages(self.pdf), 3)
        names = [f[0] for f in FAMILIES.values()] + ["Erin Two"]
        seen = []
        for i in range(1, 4):
            text = page_text(self.pdf, i)
            on_page = [n for n in names if n in text]
            self.assertEqual(len(on_page), 1, f"page {i}: {on_page}\n{text}")
            seen.append(on_page[0])
            # never an id, a standard code, a percentage or a probability
            self.assertNotRegex(text, r"\b(stu|gdn|tch|sch|cls)-")
            self.assertNotRegex(text, r"\b(K|[1-8])\.[A-Z]{1,3}\.[A-Z]?\.?\d")
            self.assertNotIn("%", text)
            self.assertNotRegex(text, r"\b0\.\d")
        # the family with no contact at all is there; the one with an email not
        self.assertIn("Layla Two", seen)
        self.assertNotIn("Erin Two", seen)
        # sorted by school, then class: Birch (Spanish and Arabic) before Cedar
        self.assertEqual(seen[-1], "Wei Three")

    def test_languages_on_the_pages(self):
        texts = {}
        for i in range(1, 4):
            t = page_text(self.pdf, i)
            for g, (name, _child, words) in FAMILIES.items():
                if name in t:
                    texts[g] = t
        self.assertIn("Matemáticas de esta semana", texts["gdn-1"])
        self.assertIn("A la familia de Sam", texts["gdn-1"])
        self.assertIn("本周的数学", texts["gdn-zh"])
        # Arabic letters (or their presentation forms, as the PDF shaped them)
        self.assertRegex(texts["gdn-ar"], "[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
        self.assertNotIn("Math this week", texts["gdn-ar"])

    def test_every_code_signs_in_to_that_child_only(self):
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(1, 4):
                text = page_text(self.pdf, i)
                codes = page_codes(self.pdf, i, tmp)
                self.assertEqual(len(codes), 1, f"page {i}: {codes}")
                url = codes[0]
                self.assertRegex(url, r"^https://edbridge\.alder\.example/f/[A-Za-z0-9_-]{43}$")
                # the link is printed under the code too (wrapped in lines)
                self.assertIn(url[-10:], re.sub(r"\s+", "", text))
                guardian = [g for g, f in FAMILIES.items() if f[0] in text][0]
                child = FAMILIES[guardian][1]
                path = url[len(BASE):]
                c = self.srv.client()
                self.assertEqual(c.get(path).status, 200)
                r = c.post(path, {})
                self.assertEqual(r.status, 303, r.text[:300])
                self.assertEqual(r.header("Location"), "/students/" + child)
                self.assertEqual(c.get("/students/" + child).status, 200)
                for other in CHILDREN:
                    if other != child:
                        self.assertIn(c.get("/students/" + other).status, (403, 404),
                                      f"{guardian} sees {other}")
                # single use
                again = self.srv.client()
                self.assertEqual(again.get(path).status, 410)
        with db_connect(self.db) as con:
            n = con.execute("SELECT count(*) FROM family_link WHERE channel='letter'").fetchone()
            self.assertGreaterEqual(n[0], 3)
            a = con.execute("SELECT count(*) FROM audit_log WHERE action='export' AND"
                            " detail LIKE 'printed letters for 3 families%'").fetchone()[0]
            self.assertEqual(a, 1)

    def test_all_and_school(self):
        pdf = os.path.join(self.dir, "all.pdf")
        out = run("families", "letters", "--out", pdf, "--public-url", BASE, "--all",
                  "--district-id", "1", db=self.db).stdout
        self.assertIn("letters: 4\n", out)  # Erin's family too
        self.assertEqual(pdf_pages(pdf), 4)
        out = run("families", "letters", "--out", pdf, "--public-url", BASE, "--school",
                  "sch-a2", "--paper", "a4", "--district-id", "1", db=self.db).stdout
        self.assertIn("letters: 1\npages: 1\n", out)
        self.assertIn("Wei Three", page_text(pdf, 1))
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        self.assertRegex(info, r"Page size:\s+595\.\d* x 841\.\d*")

    def test_bad_input_writes_nothing(self):
        with db_connect(self.db) as con:
            before = con.execute("SELECT count(*) FROM family_link").fetchone()[0]
        pdf = os.path.join(self.dir, "bad.pdf")
        for args, words in (
                (["--public-url", BASE, "--school", "sch-nope"], "no school 'sch-nope'"),
                (["--public-url", BASE, "--week", "2026-W99"], "not a week"),
                (["--public-url", BASE, "--paper", "legal"], "not us or a4"),
                (["--public-url", "ftp://x"], "not an http(s) address"),
                ([], "--public-url URL when the district's settings have no public address")):
            full = ["families", "letters", "--out", pdf] + args
            p = run(*full, "--district-id", "1", db=self.db, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(words, p.stderr)
            self.assertFalse(os.path.exists(pdf))
        # a folder that does not exist: nothing written, no link kept
        p = run("families", "letters", "--out", os.path.join(self.dir, "no", "x.pdf"),
                "--public-url", BASE, "--district-id", "1", db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot write", p.stderr)
        with db_connect(self.db) as con:
            self.assertEqual(con.execute("SELECT count(*) FROM family_link").fetchone()[0],
                             before)

    def test_principal_downloads_the_school_letters(self):
        c = self.srv.client()
        self.assertEqual(c.login("principal").status, 303)
        r = c.get("/families/letters")
        self.assertEqual(r.status, 200)
        self.assertIn("/families/letters?school=sch-a1&amp;format=pdf", r.text)
        r = c.get("/families/letters?school=sch-a1&format=pdf")
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        path = os.path.join(self.dir, "web.pdf")
        with open(path, "wb") as f:
            f.write(r.body)
        self.assertEqual(pdf_pages(path), 2)  # the Spanish and Arabic families of Birch
        # another school's letters: not for this principal
        self.assertEqual(c.get("/families/letters?school=sch-a2&format=pdf").status, 404)
        with db_connect(self.db) as con:
            n = con.execute("SELECT students FROM audit_log WHERE action='export' AND"
                            " subject_type='school' AND subject_id='sch-a1'").fetchone()
            self.assertEqual(n[0], 2)

    def test_family_asks_for_paper(self):
        """The family's home page (in Spanish) offers a paper letter; asking
        stores the preference (and is audited); the page then offers to stop."""
        c = self.srv.client()
        self.assertEqual(c.login("parent").status, 303)
        home = c.get("/home").text
        self.assertIn("Envíenme también una carta en papel", home)
        r = c.post("/family/paper", {"paper": "yes"})
        self.assertEqual(r.status, 303)
        self.assertIn("Usted pidió una carta en papel cada semana.", c.get("/home").text)
        with db_connect(self.db) as con:
            self.assertEqual(con.execute("SELECT count(*) FROM family_paper WHERE"
                                         " guardian_sourced_id='gdn-1'").fetchone()[0], 1)
        self.assertEqual(c.post("/family/paper", {"paper": "maybe"}).status, 400)
        self.assertEqual(c.post("/family/paper", {"paper": "no"}).status, 303)
        with db_connect(self.db) as con:
            self.assertEqual(con.execute("SELECT count(*) FROM family_paper WHERE"
                                         " guardian_sourced_id='gdn-1'").fetchone()[0], 0)

    def test_z_outbox_paper_and_opt_out(self):
        """Last (it changes the families): a family that asks for paper gets
        a letter too; the week's letters queued by `families send` are marked
        printed, and reach counts those families; a family that opted out of
        letters gets none, even with --all."""
        week = "2026-W48"
        run("families", "contact", "--guardian", "gdn-en", "--paper", "yes",
            "--district-id", "1", db=self.db)
        run("families", "send", "--week", week, "--public-url", BASE, "--district-id", "1",
            db=self.db)
        pdf = os.path.join(self.dir, "w48.pdf")
        out = run("families", "letters", "--out", pdf, "--week", week, "--public-url", BASE,
                  "--district-id", "1", db=self.db).stdout
        self.assertIn("letters: 4\n", out)  # Erin asked for paper
        self.assertIn("outbox_printed: 4\n", out)
        with db_connect(self.db) as con:
            st = con.execute("SELECT status, provider_id, count(*) FROM outbox WHERE"
                             " week=? AND channel='letter' GROUP BY 1, 2", (week,)).fetchall()
            self.assertEqual(st, [("sent", "printed", 4)])
        reach = run("families", "reach", "--week", week, "--district-id", "1",
                    db=self.db).stdout
        self.assertIn("reached_share: 1.00", reach)
        # printing again marks nothing twice
        out = run("families", "letters", "--out", pdf, "--week", week, "--public-url", BASE,
                  "--district-id", "1", db=self.db).stdout
        self.assertNotIn("outbox_printed", out)
        # Layla's family says no to letters: none, even with --all
        run("families", "contact", "--guardian", "gdn-ar", "--opt-out", "letter",
            "--district-id", "1", db=self.db)
        out = run("families", "letters", "--out", pdf, "--week", "2026-W49", "--all",
                  "--public-url", BASE, "--district-id", "1", db=self.db).stdout
        self.assertIn("letters: 3\n", out)
        for i in range(1, 4):
            self.assertNotIn("Layla Two", page_text(pdf, i))


if __name__ == "__main__":
    unittest.main()
