"""The PostgreSQL backend of the store, end to end (docs/scale.md): a server
on a PostgreSQL database, and the faults at start.

Runs on its own PostgreSQL 15 (tests/http/pg_harness.py) unless the runner
gave one (tests/run.py --backend pg, make check's smoke subset); skipped
where PostgreSQL 15 is not installed."""
import os
import subprocess
import unittest

import pg_harness
from ebtest import BIN, PASSWORD, Server, TempDir

SKIP = pg_harness.skip_reason()


class Faults(unittest.TestCase):
    def test_unreachable_postgresql_gives_one_line_and_exit_code(self):
        """An unreachable PostgreSQL at start: one clear line, exit code 1,
        and the URL's password nowhere in what is printed."""
        url = "postgresql://edbridge:Secr3t-word@127.0.0.1:1/district?connect_timeout=3"
        for args in (["serve", "--db", url, "--port", "0"], ["user", "list", "--db", url]):
            p = subprocess.run([BIN] + args, capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 1, p.stderr)
            lines = [line for line in p.stderr.splitlines() if line.strip()]
            self.assertEqual(len(lines), 1, p.stderr)
            self.assertIn("cannot connect to PostgreSQL", lines[0])
            self.assertIn("postgresql://edbridge:***@127.0.0.1:1/district", lines[0])
            self.assertNotIn("Secr3t-word", p.stderr + p.stdout)

    def test_url_from_environment(self):
        """$EDBRIDGE_DB names the database where --db is not given."""
        env = dict(os.environ, EDBRIDGE_DB="postgres://x:pw-in-env@127.0.0.1:1/d")
        p = subprocess.run([BIN, "user", "list"], capture_output=True, text=True, timeout=60,
                           env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("postgres://x:***@127.0.0.1:1/d", p.stderr)
        self.assertNotIn("pw-in-env", p.stderr)


@unittest.skipIf(SKIP, SKIP)
class OnPostgres(TempDir):
    @classmethod
    def setUpClass(cls):
        given = os.environ.get("EDBRIDGE_TEST_PG")
        cls.pg = None
        if given:
            head, query = given.split("?", 1)
            cls.url = head.rsplit("/", 1)[0] + "/pgstore?" + query
            q = dict(kv.split("=", 1) for kv in query.split("&"))
            subprocess.run([pg_harness.client("psql"), "-h", q["host"], "-p", q["port"], "-U", "postgres", "-qAt",
                            "-c", "DROP DATABASE IF EXISTS pgstore", "-c",
                            "CREATE DATABASE pgstore"], check=True, capture_output=True)
        else:
            cls.pg = pg_harness.Postgres("pgstore").__enter__()
            cls.url = cls.pg.url()

    @classmethod
    def tearDownClass(cls):
        if cls.pg:
            cls.pg.__exit__(None, None, None)

    def edb(self, *args, input=None):
        p = subprocess.run([BIN] + list(args) + ["--db", self.url], input=input,
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def test_district_roster_login_and_pages(self):
        """init, a OneRoster import, an account, then a server on the same
        database: sign-in and the roster's pages, as on SQLite."""
        self.assertIn("district_id: 1", self.edb("init", "--district", "Alder County Schools"))
        fixtures = os.path.join(os.path.dirname(__file__), "..", "fixtures", "district_a")
        self.edb("import", "oneroster", fixtures, "--district-id", "1")
        self.edb("user", "add", "--login", "admin", "--role", "district_admin", "--scope",
                 "district", "--name", "Admin", "--district-id", "1", input=PASSWORD + "\n")
        # the same import again changes nothing and stores nothing twice
        self.edb("import", "oneroster", fixtures, "--district-id", "1")
        count = subprocess.run([pg_harness.client("psql"), self.url, "-qAt", "-c",
                                "SELECT count(*) FROM person WHERE district_id = 1"],
                               capture_output=True, text=True, check=True).stdout.strip()
        self.assertGreater(int(count), 0)
        with Server(self.url) as srv:
            c = srv.client()
            r = c.login("admin")
            self.assertEqual(r.status, 303)
            for path in ("/admin/users", "/tools"):
                self.assertEqual(c.get(path).status, 200, path)
            # a wrong password is refused, as on SQLite
            self.assertEqual(srv.client().login("admin", password="wrong-password-9").status,
                             401)


if __name__ == "__main__":
    unittest.main()
