"""Roster upload through the browser: the same importer (lenient, or all or
nothing when ticked), the large-removal guard and its checkbox."""
import io
import os
import uuid
import zipfile

from ebtest import FIXTURES, PASSWORD, Server, TempDir, run


def fixture_zip(edit=None):
    buf = io.BytesIO()
    src = os.path.join(FIXTURES, "district_a")
    with zipfile.ZipFile(buf, "w") as z:
        for name in sorted(os.listdir(src)):
            with open(os.path.join(src, name)) as f:
                data = f.read()
            if edit and name in edit:
                data = edit[name](data)
            z.writestr(name, data)
    return buf.getvalue()


def multipart(fields, filename, payload):
    boundary = uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f'Content-Type: application/zip\r\n\r\n'.encode() + payload + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Upload(TempDir):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.tmp, "u.db")
        run("init", "--district", "Upload District", db=self.db)
        run("user", "add", "--login", "admin", "--role", "district_admin", db=self.db,
            input=PASSWORD + "\n")

    def post_zip(self, c, payload, csrf=True, **flags):
        fields = {"csrf": c.csrf} if csrf else {}
        fields.update(flags)
        body, ct = multipart(fields, "roster.zip", payload)
        return c.request("POST", "/admin/import", body=body, headers={"Content-Type": ct})

    def test_upload_imports_and_bad_upload_changes_nothing(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            self.assertEqual(c.get("/admin/import").status, 200)
            bad = fixture_zip({"enrollments.csv": lambda d: d.replace("cls-a2-3,sch-a2,stu-3", "cls-nope,sch-a2,stu-3")})
            r = self.post_zip(c, bad, strict="1")
            self.assertEqual(r.status, 400)
            self.assertIn("enrollments.csv:", r.text)
            self.assertIn("cls-nope", r.text)
            self.assertNotIn("Birch", c.get("/schools").text)
            r = self.post_zip(c, fixture_zip(), csrf=False)
            self.assertEqual(r.status, 403)
            c.get("/admin/import")
            r = self.post_zip(c, fixture_zip())
            self.assertEqual(r.status, 200, r.text[:500])
            self.assertIn("imported", r.text)
            self.assertIn("users.csv", r.text)
            self.assertIn("Birch Elementary", c.get("/schools").text)
            self.assertIn("import", c.get("/admin/audit?subject_type=roster").text)
            r = self.post_zip(c, b"not a zip at all")
            self.assertEqual(r.status, 400)

    def test_lenient_upload_and_the_large_removal_checkbox(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            c.get("/admin/import")
            bad = fixture_zip({"enrollments.csv": lambda d: d.replace("cls-a2-3,sch-a2,stu-3", "cls-nope,sch-a2,stu-3")})
            r = self.post_zip(c, bad)
            self.assertEqual(r.status, 200, r.text[:500])
            self.assertIn("some rows were set aside or wait", r.text)
            self.assertIn("Birch Elementary", c.get("/schools").text)
            r = c.get("/admin/imports")
            self.assertIn("upload roster.zip", r.text)
            self.assertIn("admin", r.text)
            self.assertIn("cls-nope", c.get("/admin/imports/1").text)
            # a truncated export: one of the two schools' classes lost
            def cut(d):
                lines = d.splitlines(True)
                return "".join(lines[:2])
            c.get("/admin/import")
            r = self.post_zip(c, fixture_zip({"classes.csv": cut}))
            self.assertEqual(r.status, 409, r.text[:500])
            self.assertIn("Allow a large removal", r.text)
            self.assertIn("would remove", r.text)
            c.get("/admin/import")
            r = self.post_zip(c, fixture_zip({"classes.csv": cut}), allow_large_removal="1")
            self.assertIn(r.status, (200,), r.text[:800])
