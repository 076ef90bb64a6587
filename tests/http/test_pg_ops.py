"""Operating edbridge on PostgreSQL: read replicas (serve --db-read), backup and
restore through pg_dump/pg_restore, and `edbridge migrate` from SQLite.

Each test starts the PostgreSQL clusters it needs (pg_harness.Postgres): a
primary and a hot standby fed by streaming replication, stopped and paused
by the tests, so never the run's shared cluster."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import ebtest
import pg_harness
from ebtest import BIN, Server, TempDir, run

SKIP = pg_harness.skip_reason()


class Standby:
    """A hot standby of primary (a pg_harness.Postgres): pg_basebackup -R into
    a directory of its own, started on a free port, streaming from the
    primary over its socket."""

    def __init__(self, primary):
        self.primary = primary
        self.dir = None
        self.port = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="ebpg-standby-")
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
        self.port = pg_harness.free_port()
        self._pg(["pg_basebackup", "-D", data, "-R", "-X", "stream", "-h", self.primary.dir,
                  "-p", str(self.primary.port), "-U", "postgres", "--no-sync", "-c", "fast"])
        self.start()
        return self

    def _pg(self, cmd, check=True):
        cmd = [os.path.join(pg_harness.PG_BIN, cmd[0])] + cmd[1:]
        out = subprocess.run(pg_harness._as_postgres_user(cmd), capture_output=True, text=True,
                             timeout=120)
        if check and out.returncode != 0:
            raise AssertionError(f"{cmd[0]} failed:\n{out.stdout}{out.stderr}")
        return out

    def start(self):
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}'"
                f" -p {self.port} -c fsync=off -c hot_standby=on"
                " -c max_connections=400")  # a hot standby needs the primary's
        out = self._pg(["pg_ctl", "-D", os.path.join(self.dir, "data"), "-o", opts, "-l",
                        os.path.join(self.dir, "log"), "-w", "-t", "60", "start"], check=False)
        if out.returncode != 0:
            with open(os.path.join(self.dir, "log")) as f:
                raise AssertionError("the standby did not start:\n" + f.read()[-3000:])

    def stop(self):
        self._pg(["pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "fast", "-w", "stop"],
                 check=False)

    def psql(self, sql, dbname="postgres"):
        out = subprocess.run([pg_harness._psql(), "-h", self.dir, "-p", str(self.port), "-U",
                              "postgres", "-d", dbname, "-v", "ON_ERROR_STOP=1", "-qAt", "-c",
                              sql], capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError(f"psql {sql!r} failed:\n" + out.stdout + out.stderr)
        return out.stdout.strip()

    def url(self, dbname, password=None):
        user = "postgres" + (f":{password}" if password else "")
        return f"postgresql://{user}@/{dbname}?host={self.dir}&port={self.port}"

    def caught_up(self, timeout=30):
        """Waits until the standby has replayed everything the primary wrote."""
        target = self.primary.psql("SELECT pg_current_wal_lsn()").strip()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
                return
            time.sleep(0.05)
        raise AssertionError("the standby did not catch up")

    def __exit__(self, *exc):
        self._pg(["pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "-w",
                  "stop"], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def build_district(url):
    """ebtest's fixture district (make_district's) built in the database at url
    (its helpers read a URL as PostgreSQL's whichever backend the run has)."""
    was = ebtest.BACKEND
    ebtest.BACKEND = "pg"
    try:
        ebtest._build_district(url)
    finally:
        ebtest.BACKEND = was


def student_name(client):
    r = client.get("/students/stu-1")
    if r.status != 200:
        raise AssertionError(f"/students/stu-1 answered {r.status}")
    text = r.text
    for name in ("Sam", "Zed"):
        if f"{name} One" in text:
            return name
    raise AssertionError("the student's name is not on the page")


@unittest.skipIf(SKIP, SKIP)
class ReadReplicas(unittest.TestCase):
    """serve --db-read: pages read from a hot standby; a user's own changes
    are read from the primary until the standby has them; a standby that
    fails leaves its reads to the primary."""

    @classmethod
    def setUpClass(cls):
        cls.primary = pg_harness.Postgres("ebrep").__enter__()
        cls.url = cls.primary.url()
        build_district(cls.url)

    @classmethod
    def tearDownClass(cls):
        cls.primary.__exit__(None, None, None)

    def test_pages_read_from_the_standby_and_a_change_is_read_back_from_the_primary(self):
        with Standby(self.primary) as standby:
            standby.caught_up()
            read_url = standby.url("ebrep", password="not-this-secret")
            with Server(self.url, extra=["--db-read", read_url]) as srv:
                other = srv.client()
                self.assertEqual(other.login("teacher").status, 303)
                self.assertEqual(student_name(other), "Sam")
                # the server's read connections are the standby's
                names = standby.psql("SELECT count(*) FROM pg_stat_activity"
                                     " WHERE application_name = 'edbridge-read'")
                self.assertGreater(int(names), 0)

                # the standby stops replaying: what the primary gets now, it
                # does not have
                standby.caught_up()
                standby.psql("SELECT pg_wal_replay_pause()")
                self.primary.psql("UPDATE person SET given_name = 'Zed'"
                                  " WHERE sourced_id = 'stu-1'", dbname="ebrep")
                # a page of a user who changed nothing comes from the standby
                self.assertEqual(student_name(other), "Sam")
                self.assertEqual(student_name(other), "Sam")

                # a sign-in (a session written on the primary) and the pages
                # after it: read from the primary, the standby is behind
                author = srv.client()
                self.assertEqual(author.login("teacher").status, 303)
                home = author.get("/home")
                self.assertEqual(home.status, 200, "the new session was read from the standby")
                self.assertIn("eb_rw", author.cookies)
                self.assertEqual(student_name(author), "Zed")

                # replayed: everyone's pages from the standby again, the new name
                standby.psql("SELECT pg_wal_replay_resume()")
                standby.caught_up()
                self.assertEqual(student_name(other), "Zed")
                self.assertEqual(student_name(author), "Zed")

                # the standby down: its reads go to the primary (no 503)
                standby.stop()
                self.primary.psql("UPDATE person SET given_name = 'Sam'"
                                  " WHERE sourced_id = 'stu-1'", dbname="ebrep")
                for _ in range(3):
                    self.assertEqual(student_name(other), "Sam")
                self.assertEqual(other.get("/home").status, 200)
                # and back when it is: reads return to it (after its retry time)
                standby.start()
                standby.caught_up()
                time.sleep(5.5)
                self.assertEqual(student_name(other), "Sam")
                busy = standby.psql("SELECT count(*) FROM pg_stat_activity"
                                    " WHERE application_name = 'edbridge-read'")
                self.assertGreater(int(busy), 0, "reads did not return to the standby")
                srv.errlog.seek(0)
                log = srv.errlog.read()
            self.assertNotIn("not-this-secret", log)
            self.assertIn("read replica failed", log)

    def test_an_unreachable_standby_at_start_is_one_clear_line(self):
        port = pg_harness.free_port()
        bad = f"postgresql://postgres:hush-1234@/ebrep?host=/nonexistent-dir&port={port}"
        p = subprocess.run([BIN, "serve", "--db", self.url, "--port", "0", "--db-read", bad],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertIn("serve: --db-read:", lines[0])
        self.assertIn("cannot connect to the read replica", lines[0])
        self.assertNotIn("hush-1234", p.stderr + p.stdout)

    def test_a_standby_of_another_database_is_refused(self):
        other = self.primary.create_database("ebother")
        run("init", "--district", "X", db=other)
        self.primary.psql("DELETE FROM schema_version WHERE version ="
                          " (SELECT max(version) FROM schema_version)", dbname="ebother")
        p = subprocess.run([BIN, "serve", "--db", self.url, "--port", "0", "--db-read", other],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("is not a copy of this database", p.stderr)

    def test_db_read_on_sqlite_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "s.db")
            subprocess.run([BIN, "init", "--district", "S", "--db", db], check=True,
                           capture_output=True)
            p = subprocess.run([BIN, "serve", "--db", db, "--port", "0", "--db-read", self.url],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("a read replica needs PostgreSQL", p.stderr)


if __name__ == "__main__":
    unittest.main()
