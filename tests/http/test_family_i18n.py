"""Families in their language (issue 13): the guardian's pages in the
roster's language (Spanish) and in the one the family chooses (Arabic,
right to left), the weekly update on the child's page, the teacher's note
machine-translated (Apertium for real; a LibreTranslate-compatible server
run by the test, and its failures: the note then goes in English, marked),
the access-code page in the letter's language, and who may see and write
what."""
import html
import json
import re
import shutil
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ebtest import PASSWORD, Server, db_connect, make_district, run
from test_mastery_views import evidence_csv

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
STANDARD_CODE = re.compile(r"\b(?:K|[1-8])\.[A-Z]{1,3}\.[A-Z]\.\d")


def visible(page):
    body = page[page.index("<main"):page.index("</main>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def html_tag(page):
    return re.search(r"<html[^>]*>", page).group(0)


def have_apertium():
    return shutil.which("apertium") is not None and \
        __import__("os").path.exists("/usr/share/apertium/modes/eng-spa.mode")


class FakeTranslator(BaseHTTPRequestHandler):
    """POST /translate as LibreTranslate answers it; `mode` on the server
    says how: "ok" (the text marked with the target), "500", "slow"."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append(body)
        if self.path != "/translate" or self.server.mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b'{"error": "broken"}')
            return
        if self.server.mode == "slow":
            time.sleep(2)
        out = json.dumps({"translatedText": f"[{body['target']}] {body['q']}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        try:
            self.wfile.write(out)
        except OSError:
            pass

    def log_message(self, *args):
        pass


class FamilyLanguages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ebi18n-")
        cls.db = make_district(cls.dir)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.db)
        path = cls.dir + "/answers.csv"
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=cls.db)
        # guardians of Sam (stu-1), whose family's roster language is Spanish
        for login in ("fam.es", "fam.ar", "fam.lt"):
            run("user", "add", "--login", login, "--role", "guardian", "--scope",
                "person:stu-1", "--person", "gdn-1", "--name", "Gloria One",
                "--district-id", "1", db=cls.db, input=PASSWORD + "\n")
        # Sara's (stu-2) family speaks Somali, which edbridge is not translated into
        run("user", "add", "--login", "fam.so", "--role", "guardian", "--scope", "person:stu-2",
            "--name", "Sara's family", "--district-id", "1", db=cls.db,
            input=PASSWORD + "\n")
        with db_connect(cls.db) as con:
            con.execute("UPDATE person SET home_language = 'so' WHERE sourced_id = 'stu-2'")
        cls.fake = ThreadingHTTPServer(("127.0.0.1", 0), FakeTranslator)
        cls.fake.mode = "ok"
        cls.fake.seen = []
        threading.Thread(target=cls.fake.serve_forever, daemon=True).start()
        cls.srv = Server(cls.db, ["--public-url", "https://edbridge.alder.example"]).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.fake.shutdown()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def client(self, login):
        c = self.srv.client()
        self.assertEqual(c.login(login).status, 303, login)
        return c

    def choose(self, c, lang):
        c.get("/home")
        r = c.post("/family/language", {"lang": lang})
        self.assertEqual(r.status, 303, r.text[:500])
        self.assertEqual(r.header("Location"), "/home")

    # -- the pages in the family's language ------------------------------------

    def test_guardian_reads_spanish_from_the_roster(self):
        c = self.client("fam.es")
        r = c.get("/home")
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="es">', r.text)
        text = visible(r.text)
        self.assertIn("Sus hijos", text)
        self.assertIn("Cómo ayudar", text)
        self.assertIn("El idioma en que edbridge le muestra todo", text)
        # the frame too: navigation, log out, footer
        self.assertIn(">Inicio</a>", r.text)
        self.assertIn(">Cerrar sesión</button>", r.text)
        self.assertIn("los datos de los estudiantes son privados", html.unescape(r.text))
        # the child's page leads with this week's update, in Spanish
        r = c.get("/students/stu-1")
        self.assertEqual(r.status, 200)
        text = visible(r.text)
        self.assertIn("El resumen de esta semana", text)
        self.assertIn("Semana del", text)
        self.assertNotRegex(text, STANDARD_CODE)
        self.assertNotIn("%", text)
        r = c.get("/students/stu-1/mastery")
        self.assertIn('<html lang="es">', r.text)
        self.assertIn("Qué significan las palabras", visible(r.text))
        # the catalog's words stay English, marked so for screen readers
        self.assertIn('<span lang="en" dir="ltr">Understand a fraction like 1/4', r.text)

    def test_guardian_chooses_arabic_right_to_left_and_back(self):
        c = self.client("fam.ar")
        self.choose(c, "ar")
        r = c.get("/home")
        self.assertEqual(html_tag(r.text), '<html lang="ar" dir="rtl">')
        self.assertIn("أطفالك", visible(r.text))
        self.assertIn('<option value="ar" lang="ar" selected>العربية</option>', r.text)
        r = c.get("/students/stu-1")
        self.assertEqual(html_tag(r.text), '<html lang="ar" dir="rtl">')
        self.assertIn("تحديث هذا الأسبوع", visible(r.text))
        r = c.get("/students/stu-1/mastery")
        self.assertEqual(html_tag(r.text), '<html lang="ar" dir="rtl">')
        # the choice is audited
        a = self.client("admin")
        self.assertIn("Arabic", a.get("/admin/audit?subject_type=account").text)
        # back to Spanish
        self.choose(c, "es")
        self.assertIn('<html lang="es">', c.get("/home").text)

    def test_a_language_we_do_not_have_is_refused(self):
        c = self.client("fam.es")
        for bad in ("so", "xx", "", "es-MX", "<script>"):
            c.get("/home")
            r = c.post("/family/language", {"lang": bad})
            self.assertEqual(r.status, 400, bad)
            self.assertNotIn("<script>", r.text)
        self.assertIn('<html lang="es">', c.get("/home").text)

    def test_a_roster_language_we_do_not_have_falls_back_to_english_and_says_so(self):
        c = self.client("fam.so")
        r = c.get("/home")
        self.assertIn('<html lang="en">', r.text)
        self.assertIn("give your home language as Somali", visible(r.text))
        self.assertIn("is not translated into it yet", visible(r.text))
        self.assertIn('<html lang="en">', c.get("/students/stu-2").text)
        # choosing one of ours ends it
        self.choose(c, "pt")
        r = c.get("/home")
        self.assertIn('<html lang="pt">', r.text)
        self.assertNotIn("Somali", r.text)

    def test_staff_pages_stay_english(self):
        t = self.client("teacher")
        r = t.get("/students/stu-1")
        self.assertIn('<html lang="en">', r.text)
        self.assertIn("Note to the family this week", r.text)

    def test_code_page_in_the_letters_language(self):
        c = self.srv.client()
        r = c.get("/login/code?lang=vi")
        self.assertEqual(r.status, 200)
        self.assertIn('<html lang="vi">', r.text)
        self.assertIn("Mã truy cập", r.text)
        r = c.request("GET", "/login/code", headers={"Accept-Language": "ar;q=0.9, en;q=0.5"})
        self.assertEqual(html_tag(r.text), '<html lang="ar" dir="rtl">')
        # a wrong code: the error in the same language
        c.get("/login/code?lang=ko")
        r = c.post("/login/code", {"code": "AAAA-BBBB-CCCC", "lang": "ko"})
        self.assertEqual(r.status, 401)
        self.assertIn("유효하지 않은 코드예요", r.text)
        # the letter an administrator prints: in the family's language, with
        # the address that opens the code page in it
        run("user", "add", "--login", "fam.letter", "--role", "guardian", "--scope",
            "person:stu-1", "--person", "gdn-1", "--name", "Gloria One", "--no-password",
            "--district-id", "1", db=self.db)
        a = self.client("admin")
        uid = re.search(r'href="/admin/users/(\d+)">[^<]*</a></td><td>fam\.letter<',
                        a.get("/admin/users").text).group(1)
        a.get(f"/admin/users/{uid}")
        r = a.post(f"/admin/users/{uid}/code", {})
        self.assertEqual(r.status, 200)
        self.assertIn('<div class="letter" lang="es">', r.text)
        self.assertIn("https://edbridge.alder.example/login/code?lang=es", r.text)
        self.assertIn("Use este código", r.text)
        code = CODE.search(r.text.split('class="accesscode"')[1]).group(0)
        # signing in with it from the letter's address keeps the language
        f = self.srv.client()
        f.get("/login/code?lang=es")
        r = f.post("/login/code", {"code": code, "lang": "es"})
        self.assertEqual(r.status, 303, r.text[:400])
        self.assertIn('<html lang="es">', f.get("/home").text)

    # -- the teacher's note ---------------------------------------------------

    def note(self, body, path="/students/stu-1/note"):
        t = self.client("teacher")
        t.get(path.rsplit("/", 1)[0])
        r = t.post(path, {"body": body})
        self.assertEqual(r.status, 303, r.text[:400])
        return t

    @unittest.skipUnless(have_apertium(), "apertium and apertium-eng-spa are not installed")
    def test_note_translated_offline_into_spanish(self):
        self.note("Sam worked hard on fractions this week. Thank you for reading with him.")
        c = self.client("fam.es")
        r = c.get("/students/stu-1")
        text = visible(r.text)
        self.assertIn("Una nota del maestro", text)
        self.assertIn("fracciones", text)
        self.assertIn("Una computadora lo tradujo", text)
        # the original one tap away
        self.assertRegex(r.text, r'<details><summary>Las palabras del maestro</summary>'
                                 r'<p lang="en" dir="ltr">Sam worked hard on fractions')
        # the teacher's page says it was translated; the audit log has it
        t = self.client("teacher")
        self.assertIn("Translated for the families into: Spanish", t.get("/students/stu-1").text)
        a = self.client("admin")
        self.assertIn("note to families", a.get("/admin/audit?subject_type=student").text)

    def test_note_through_libretranslate_and_its_failures(self):
        port = self.fake.server_address[1]
        run("families", "translator", "--endpoint", f"http://127.0.0.1:{port}",
            "--timeout-ms", "700", "--district-id", "1", db=self.db)
        c = self.client("fam.lt")
        self.choose(c, "ar")
        try:
            self.fake.mode = "ok"
            self.note("Please bring a ruler on Monday.")
            self.assertTrue(any(s["target"] == "ar" and s["source"] == "en"
                                for s in self.fake.seen))
            text = visible(c.get("/students/stu-1").text)
            self.assertIn("[ar] Please bring a ruler on Monday.", text)
            self.assertIn("وترجمه الحاسوب", text)
            for mode in ("500", "slow"):
                self.fake.mode = mode
                started = time.time()
                self.note(f"A new note ({mode}).")
                self.assertLess(time.time() - started, 30)
                page = c.get("/students/stu-1").text
                text = visible(page)
                # in English, marked, never silently
                self.assertIn(f"A new note ({mode}).", text, mode)
                self.assertNotIn("[ar]", text, mode)
                self.assertIn("ولم تتيسّر ترجمته إلى لغتك", text, mode)
                self.assertIn(f'<p lang="en" dir="ltr">A new note ({mode}).</p>', page)
        finally:
            self.fake.mode = "ok"
            run("families", "translator", "--off", "--district-id", "1", db=self.db)

    def test_class_note_reaches_every_family_and_a_bad_note_is_refused(self):
        t = self.client("teacher")
        t.get("/classes/cls-a1-3")
        r = t.post("/classes/cls-a1-3/note", {"body": "Our class starts a unit on area."})
        self.assertEqual(r.status, 303)
        self.assertIn("Note to the class", t.get("/classes/cls-a1-3").text)
        t.get("/classes/cls-a1-3")
        r = t.post("/classes/cls-a1-3/note", {"body": "x" * 2001})
        self.assertEqual(r.status, 400)
        self.assertIn("at most 2,000 characters", r.text)

    # -- who may see and write what -------------------------------------------

    def test_roles_and_tenants(self):
        c = self.client("fam.es")
        # only their own child, in their language or not
        self.assertEqual(c.get("/students/stu-3").status, 404)
        self.assertEqual(c.get("/students/stu-2").status, 404)
        # a family writes no notes
        c.get("/home")
        self.assertEqual(c.post("/students/stu-1/note", {"body": "NOTE-X"}).status, 403)
        # a teacher of another school's student: refused, nothing stored
        t = self.client("teacher")
        t.get("/students/stu-1")
        self.assertEqual(t.post("/students/stu-3/note", {"body": "NOTE-X"}).status, 404)
        # another district's administrator sees none of it
        o = self.client("other.admin")
        self.assertEqual(o.get("/students/stu-1").status, 404)
        o.get("/home")
        self.assertEqual(o.post("/students/stu-1/note", {"body": "NOTE-X"}).status, 404)
        # staff have no language form to post to
        t.get("/home")
        self.assertEqual(t.post("/family/language", {"lang": "es"}).status, 403)
        p = run("families", "update", "--student", "stu-3", "--district-id", "1", db=self.db)
        self.assertNotIn("NOTE-X", p.stdout)
        p = run("families", "update", "--student", "stu-1", "--district-id", "1", db=self.db)
        self.assertNotIn("NOTE-X", p.stdout)

    def test_command_line(self):
        p = run("families", "update", "--student", "stu-1", "--lang", "ru", "--district-id",
                "1", db=self.db)
        self.assertIn("Математика на этой неделе: Sam", p.stdout)
        p = run("families", "update", "--student", "stu-1", "--short", "--district-id", "1",
                db=self.db)
        self.assertIn("Sam", p.stdout)
        self.assertLessEqual(len(p.stdout.strip().encode()), 300)
        p = run("families", "languages", "--district-id", "1", db=self.db)
        self.assertRegex(p.stdout, r"(?m)^es: [1-9]")
        self.assertRegex(p.stdout, r"(?m)^fallback: \d+$")
        for args, why in ((["update", "--student", "nobody"], "no such student"),
                          (["update", "--student", "stu-1", "--week", "2026-W99"], "--week"),
                          (["update", "--student", "stu-1", "--lang", "so"], "--lang"),
                          (["translator", "--endpoint", "ftp://x"], "--endpoint")):
            p = run("families", *args, "--district-id", "1", db=self.db, check=False)
            self.assertNotEqual(p.returncode, 0, args)
            self.assertIn(why, p.stderr, args)


if __name__ == "__main__":
    unittest.main()
