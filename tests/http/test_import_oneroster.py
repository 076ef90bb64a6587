"""Black-box: `edbridge import oneroster` exit codes and output."""
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("EDBRIDGE_BIN", os.path.join(ROOT, "build", "edbridge"))
FIX = os.path.join(ROOT, "tests", "fixtures", "oneroster")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)


class ImportOneRosterTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.db = os.path.join(self.tmp.name, "t.db")
        p = run("init", "--district", "Test", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def test_import_and_reimport(self):
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("users.csv: 5 rows, 5 added, 0 changed, 0 deleted\n", p.stdout)
        self.assertIn("guardianship: 2 added, 0 deleted\n", p.stdout)
        p = run("import", "oneroster", os.path.join(FIX, "good_v11"), "--db", self.db,
                "--district-id", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("users.csv: 5 rows, 0 added, 0 changed, 0 deleted\n", p.stdout)
        with open(self.db, "rb") as f:
            self.assertNotIn(b"Secr3t-pw", f.read())

    def test_rejected(self):
        p = run("import", "oneroster", os.path.join(FIX, "bad_orphan_and_bool"), "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertIn("users.csv:4:4: enabledUser: 'maybe' is not true or false\n", p.stderr)
        self.assertIn("import rejected: nothing was stored (2 errors)\n", p.stderr)

    def test_usage(self):
        self.assertEqual(run("import", "oneroster", "--db", self.db).returncode, 2)
        p = run("import", "oneroster", "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("usage: edbridge import oneroster PATH", p.stdout)
        p = run("import", "oneroster", "/nonexistent/x.zip", "--db", self.db)
        self.assertEqual(p.returncode, 1)
        self.assertIn("/nonexistent/x.zip:0:0: path: No such file or directory", p.stderr)


if __name__ == "__main__":
    unittest.main()
