"""Operating edbridge on PostgreSQL: read replicas (serve --db-read), backup and
restore through pg_dump/pg_restore, and `edbridge migrate` from SQLite.

Each test starts the PostgreSQL clusters it needs (pg_harness.Postgres): a
primary and a hot standby fed by streaming replication, stopped and paused
by the tests, so never the run's shared cluster."""
import csv
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
import unittest

import ebtest
import pg_harness
from ebtest import BIN, Server, TempDir, run

# Backend-independent (its own clusters): run once, in the PostgreSQL pass of a
# run (tests/run.py --backend pg|both), or alone.
SKIP = pg_harness.skip_reason() or (
    "starts its own PostgreSQL clusters: run in the PostgreSQL pass (--backend pg|both)"
    if os.environ.get("EDBRIDGE_TEST_BACKEND") == "sqlite" else None)


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
                # and back when it is: reads return to it after the retry time
                # (REPLICA_RETRY_S, 5 s) of the worker that serves the page. Each
                # worker has its own read connection: one that served no page
                # while the standby was down finds its connection dead only now,
                # answers from the primary and waits its own 5 s; so pages are
                # asked for until one is read on the standby (20 s at most)
                standby.start()
                standby.caught_up()
                time.sleep(5.5)
                busy = "0"
                for _ in range(40):
                    self.assertEqual(student_name(other), "Sam")
                    busy = standby.psql("SELECT count(*) FROM pg_stat_activity"
                                        " WHERE application_name = 'edbridge-read'").strip()
                    if int(busy) > 0:
                        break
                    time.sleep(0.5)
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


def small_district(url):
    """A district with the fixture roster and no accounts (quick to build)."""
    run("init", "--district", "Alder County Schools", db=url)
    run("import", "oneroster", os.path.join(ebtest.FIXTURES, "district_a"), "--district-id", "1",
        db=url)


def with_password(url, password):
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


@unittest.skipIf(SKIP, SKIP)
class BackupRestore(TempDir):
    """`edbridge backup` / `restore` on PostgreSQL: pg_dump's archive, restored by
    pg_restore into an empty database; the same messages as on SQLite."""

    @classmethod
    def setUpClass(cls):
        cls.pg = pg_harness.Postgres("ebsrc").__enter__()
        cls.src = cls.pg.url()
        small_district(cls.src)

    @classmethod
    def tearDownClass(cls):
        cls.pg.__exit__(None, None, None)

    def count(self, url, table):
        dbname = url.split("?", 1)[0].rsplit("/", 1)[1]
        return int(self.pg.psql(f"SELECT count(*) FROM {table}", dbname=dbname))

    def test_backup_and_restore_into_an_empty_database(self):
        path = os.path.join(self.tmp, "b.pgdump")
        out = run("backup", path, db=self.src).stdout
        self.assertIn("backup:", out)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, "rb") as f:
            self.assertEqual(f.read(5), b"PGDMP")
        self.assertEqual(os.listdir(self.tmp), ["b.pgdump"])
        p = run("backup", path, db=self.src, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists", p.stderr)

        target = self.pg.create_database("ebrestored")
        out = run("restore", path, db=target).stdout
        self.assertIn("restored", out)
        for table in ("person", "enrollment", "class", "schema_version"):
            self.assertEqual(self.count(target, table), self.count(self.src, table), table)
        self.assertGreater(self.count(target, "person"), 0)
        # identities continue after the restored ids
        run("init", "--district", "After", db=target)
        self.assertEqual(self.count(target, "district"), 2)

    def test_restore_refuses_a_database_that_is_not_empty_unless_forced(self):
        path = os.path.join(self.tmp, "b.pgdump")
        run("backup", path, db=self.src)
        target = self.pg.create_database("ebfull")
        run("init", "--district", "Already here", db=target)
        p = run("restore", path, db=target, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not empty", p.stderr)
        self.assertIn("--force", p.stderr)
        self.assertEqual(self.count(target, "person"), 0, "a refused restore stored something")
        p = subprocess.run([BIN, "restore", path, "--db", target, "--force"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.count(target, "person"), self.count(self.src, "person"))
        self.assertEqual(self.count(target, "district"), 1)

    def test_restore_refuses_what_is_not_a_backup_of_this_backend_or_is_newer(self):
        target = self.pg.create_database("ebrefuse")
        junk = os.path.join(self.tmp, "junk.db")
        with open(junk, "w") as f:
            f.write("this is not a database")
        p = run("restore", junk, db=target, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("junk.db: not an edbridge backup", p.stderr)
        lite = os.path.join(self.tmp, "lite.db")
        subprocess.run([BIN, "init", "--district", "L", "--db", lite], check=True,
                       capture_output=True)
        p = run("restore", lite, db=target, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("edbridge migrate", p.stderr)
        # a backup of a newer edbridge (a schema version this one lacks)
        newer = self.pg.create_database("ebnewer")
        run("init", "--district", "N", db=newer)
        self.pg.psql("INSERT INTO schema_version VALUES (999, '999_future.sql', 0)",
                     dbname="ebnewer")
        path = os.path.join(self.tmp, "newer.pgdump")
        run("backup", path, db=newer)
        p = run("restore", path, db=target, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("made by a newer edbridge (schema version 999", p.stderr)
        self.assertEqual(int(self.pg.psql("SELECT count(*) FROM pg_tables WHERE"
                                          " schemaname = 'public'", dbname="ebrefuse")), 0)
        p = run("restore", check=False, db=target)
        self.assertEqual(p.returncode, 2)

    def test_the_password_is_never_on_a_command_line(self):
        """pg_dump and pg_restore get the URL's password in PGPASSWORD, not in
        their arguments (ps shows those to every user), and no line printed
        holds it."""
        spy = os.path.join(self.tmp, "bin")
        os.mkdir(spy)
        seen = os.path.join(self.tmp, "seen")
        for prog in ("pg_dump", "pg_restore"):
            with open(os.path.join(spy, prog), "w") as f:
                f.write("#!/bin/sh\n"
                        f'echo "{prog} ARGS $*" >> {seen}\n'
                        f'echo "{prog} PGPASSWORD=$PGPASSWORD" >> {seen}\n'
                        f'exec {pg_harness.PG_BIN}/{prog} "$@"\n')
            os.chmod(os.path.join(spy, prog), 0o755)
        env = dict(os.environ, EDBRIDGE_PG_BIN=spy)
        secret = "s3cret-%2Fpw"
        path = os.path.join(self.tmp, "b.pgdump")
        p = subprocess.run([BIN, "backup", path, "--db", with_password(self.src, secret)],
                           capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        target = with_password(self.pg.create_database("ebpw"), secret)
        q = subprocess.run([BIN, "restore", path, "--db", target], capture_output=True,
                           text=True, timeout=120, env=env)
        self.assertEqual(q.returncode, 0, q.stderr)
        with open(seen) as f:
            lines = f.read().splitlines()
        args = [l for l in lines if " ARGS " in l]
        self.assertEqual(len(args), 3)  # the dump, the archive's version, the restore
        for l in args:
            self.assertNotIn("s3cret", l)
        self.assertIn("pg_dump PGPASSWORD=s3cret-/pw", lines)
        self.assertIn("pg_restore PGPASSWORD=s3cret-/pw", lines)
        for out in (p.stdout, p.stderr, q.stdout, q.stderr):
            self.assertNotIn("s3cret", out)


def evidence_csv(path):
    """Item results for three students on two standards (test_mastery_views')."""
    answers = {"stu-1": [1, 1, 1, 0, 1, 1, 1, 1], "stu-2": [0, 0, 1, 0, 0, 0, 0, 1],
               "stu-3": [1, 0, 1, 1, 0, 1, 1, 1]}
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "item_id", "standard", "correct", "date"])
        for sid, row in answers.items():
            for i, c in enumerate(row):
                for std in ("3.NF.A.1", "3.OA.A.1"):
                    w.writerow([sid, f"{std}-q{i}", std, c, f"2026-09-{1 + i:02d}"])


def grid(html):
    """The mastery table of a page (what it says, without the page around it)."""
    start = html.index('<table class="mastery">')
    return html[start:html.index("</table>", start)]


@unittest.skipIf(SKIP, SKIP)
class Migrate(TempDir):
    """`edbridge migrate --from FILE.db --to postgresql://...`: the fixture
    district with mastery evidence moved whole, counted per table, and served
    from PostgreSQL with the same class view and mastery numbers."""

    @classmethod
    def setUpClass(cls):
        cls.pg = pg_harness.Postgres("ebmig").__enter__()
        cls.src_dir = tempfile.mkdtemp(prefix="ebmig-")
        cls.src = os.path.join(cls.src_dir, "s.db")
        # the source is a SQLite file whichever backend the run has: ebtest's
        # helpers read paths as files (and URLs as PostgreSQL) for this class
        cls.was_backend = ebtest.BACKEND
        ebtest.BACKEND = "sqlite"
        ebtest._build_district(cls.src)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=cls.src)
        path = os.path.join(cls.src_dir, "answers.csv")
        evidence_csv(path)
        run("import", "csv", "--profile", "item-results", "--tool", "1", path,
            "--district-id", "1", db=cls.src)

    @classmethod
    def tearDownClass(cls):
        ebtest.BACKEND = cls.was_backend
        cls.pg.__exit__(None, None, None)
        shutil.rmtree(cls.src_dir, ignore_errors=True)

    def migrate(self, to, *extra):
        return subprocess.run([BIN, "migrate", "--from", self.src, "--to", to] + list(extra),
                              capture_output=True, text=True, timeout=300)

    def test_the_district_moves_whole_and_serves_the_same_numbers(self):
        to = self.pg.create_database("ebmig_whole")
        p = self.migrate(to)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr)
        counted = {}
        for line in p.stdout.splitlines()[1:-1]:
            name, source, target, verdict = line.split()[:4]
            counted[name] = (int(source), int(target), verdict)
        self.assertGreater(len(counted), 100)
        for name in ("person", "enrollment", "account", "learning_event", "mastery_state",
                     "district", "schema_version"):
            source, target, verdict = counted[name]
            self.assertEqual((source, target, verdict), (source, source, "OK"), name)
        self.assertGreater(counted["learning_event"][0], 0)
        self.assertIn("every table's rows counted equal", p.stdout)

        # served from each: the same class view and mastery grid
        pages = {}
        env_key = os.environ.get("EDBRIDGE_VAULT_KEY_FILE")
        os.environ["EDBRIDGE_VAULT_KEY_FILE"] = self.src + ".key"
        try:
            for name, db in (("sqlite", self.src), ("pg", to)):
                with Server(db) as srv:
                    c = srv.client()
                    self.assertEqual(c.login("teacher").status, 303, name)
                    r = c.get("/classes/cls-a1-3/mastery?grade=3&domain=NF")
                    self.assertEqual(r.status, 200, name)
                    v = c.get("/classes/cls-a1-3")
                    self.assertEqual(v.status, 200, name)
                    body = v.text
                    main = body[body.index("<main"):]
                    pages[name] = (grid(r.text), re.sub(r'name="csrf" value="[^"]*"', "", main))
                    # a new row gets an id past the copied ones
                    self.assertEqual(run("init", "--district", "New " + name, db=db,
                                         check=False).returncode, 0)
        finally:
            if env_key is None:
                os.environ.pop("EDBRIDGE_VAULT_KEY_FILE", None)
            else:
                os.environ["EDBRIDGE_VAULT_KEY_FILE"] = env_key
        self.assertIn("%", pages["pg"][0] + pages["pg"][1])
        self.assertEqual(pages["pg"][0], pages["sqlite"][0])
        self.assertEqual(pages["pg"][1], pages["sqlite"][1])

    def test_a_target_that_is_not_empty_is_refused_and_left_alone(self):
        to = self.pg.create_database("ebmig_full")
        run("init", "--district", "Already here", db=to)
        p = self.migrate(to)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not empty (1 districts)", p.stderr)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM person", dbname="ebmig_full"),
                         "0\n")

    def test_bad_requests_are_refused_with_a_reason(self):
        p = subprocess.run([BIN, "migrate", "--from", self.src], capture_output=True,
                           text=True, timeout=60, env={k: v for k, v in os.environ.items()
                                                       if k != "EDBRIDGE_DB"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("--to", p.stderr)
        p = self.migrate(os.path.join(self.tmp, "other.db"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("--to: name the PostgreSQL database", p.stderr)
        # a source of another schema version (a newer edbridge's)
        newer = os.path.join(self.tmp, "newer.db")
        shutil.copy(self.src, newer)
        con = sqlite3.connect(newer)
        con.execute("INSERT INTO schema_version VALUES (999, '999_future.sql', 0)")
        con.commit()
        con.close()
        to = self.pg.create_database("ebmig_version")
        p = subprocess.run([BIN, "migrate", "--from", newer, "--to", to], capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 1)
        self.assertIn("schema version", p.stderr)
        self.assertEqual(self.pg.psql("SELECT count(*) FROM district", dbname="ebmig_version"),
                         "0\n")
        # the password of --to never shows
        p = self.migrate(with_password(self.pg.url("ebmig_version"), "pw-hidden-9"))
        self.assertNotIn("pw-hidden-9", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
