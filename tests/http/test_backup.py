"""`edbridge backup` under write load restores whole; `edbridge restore` puts it back."""
import glob
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import unittest

from ebtest import BACKEND, BIN, Server, TempDir, make_district, run

# These read the SQLite file itself (integrity checks, random padding, the
# step-wise copy's history); on PostgreSQL, test_pg_ops covers pg_dump's.
SQLITE_ONLY = unittest.skipIf(BACKEND == "pg", "SQLite's file (PostgreSQL: test_pg_ops)")


DB_WRITER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=30)
while True:
    con.execute("INSERT INTO test_padding VALUES(randomblob(100))")
    con.commit()
"""


def count_rows(db):
    con = sqlite3.connect(db, timeout=30)
    n = con.execute("SELECT count(*) FROM test_padding").fetchone()[0]
    con.close()
    return n


def pad(db, mib):
    """Grows the database by about MIB MiB (a table of random blobs), so that a
    copy takes more than one step of the old step-wise backup."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS test_padding(b BLOB)")
    for _ in range(mib):
        con.executemany("INSERT INTO test_padding VALUES(randomblob(4000))", [()] * 256)
    con.commit()
    con.close()


class Backup(TempDir):
    @SQLITE_ONLY
    def test_backup_under_write_load_restores_whole(self):
        db = make_district(self.tmp)
        stop = threading.Event()
        writes = [0]

        with Server(db) as srv:
            def writer():
                c = srv.client()
                c.login("teacher")
                while not stop.is_set():
                    # each view of a student record writes an audit row
                    if c.get("/students/stu-1").status == 200:
                        writes[0] += 1

            threads = [threading.Thread(target=writer) for _ in range(3)]
            for t in threads:
                t.start()
            # logins hash passwords (slow on a busy machine): wait for the load
            deadline = time.time() + 30
            while writes[0] < 3 and time.time() < deadline:
                time.sleep(0.05)
            before = writes[0]
            backups = []
            for i in range(3):
                path = os.path.join(self.tmp, f"backup{i}.db")
                out = run("backup", path, db=db).stdout
                self.assertIn("backup:", out)
                backups.append(path)
                time.sleep(0.2)
            stop.set()
            for t in threads:
                t.join()
        self.assertGreater(writes[0] - before, 10, "the load did not write during the backups")

        for path in backups:
            con = sqlite3.connect(path)
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            ids = [r[0] for r in con.execute("SELECT id FROM audit_log ORDER BY id")]
            # a consistent snapshot has every committed row up to its last one
            self.assertEqual(ids, list(range(ids[0], ids[0] + len(ids))))
            n_students = con.execute("SELECT count(*) FROM person WHERE role='student'").fetchone()[0]
            self.assertEqual(n_students, 3)
            con.close()

        # restore the first backup over a fresh database and serve it
        target = os.path.join(self.tmp, "restored.db")
        out = run("restore", backups[0], db=target).stdout
        self.assertIn("restored", out)
        with Server(target) as srv:
            c = srv.client()
            self.assertEqual(c.login("admin").status, 303)
            self.assertEqual(c.get("/students/stu-1").status, 200)

    @SQLITE_ONLY
    def test_backup_finishes_while_writers_write(self):
        """The step-wise copy restarted on every commit by another connection:
        with writers committing all the time it never finished (one read
        transaction now: writers neither wait for it nor restart it)."""
        db = make_district(self.tmp)
        pad(db, 64)
        # writers in processes of their own, committing as fast as they can
        procs = [subprocess.Popen([sys.executable, "-c", DB_WRITER, db]) for _ in range(2)]
        try:
            time.sleep(0.5)
            before = count_rows(db)
            path = os.path.join(self.tmp, "loaded.db")
            t0 = time.time()
            try:
                p = subprocess.run([BIN, "backup", path, "--db", db], capture_output=True,
                                   text=True, timeout=30)
            except subprocess.TimeoutExpired:
                p = None
            took = time.time() - t0
            after = count_rows(db)
        finally:
            for w in procs:
                w.terminate()
                w.wait()
        self.assertIsNotNone(p, "the backup did not finish in 30 s under write load")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertGreater(after, before, "the writers did not write during the backup")
        con = sqlite3.connect(path)
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        rows = con.execute("SELECT count(*) FROM test_padding").fetchone()[0]
        con.close()
        # a snapshot taken between the two counts
        self.assertGreaterEqual(rows, before)
        self.assertLessEqual(rows, after)
        self.assertLess(took, 30)

    @SQLITE_ONLY
    def test_killed_backup_leaves_no_backup(self):
        """kill -9 in the middle: nothing at the backup's name (the old copy
        wrote straight into it, leaving a truncated file that looked like a
        backup); the next backup to that name works."""
        db = make_district(self.tmp)
        pad(db, 160)
        path = os.path.join(self.tmp, "killed.db")
        killed = 0
        for delay in (0.05, 0.15, 0.3):
            p = subprocess.Popen([BIN, "backup", path, "--db", db], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            # wait until the copy has started writing, then kill it
            deadline = time.time() + 10
            while time.time() < deadline and p.poll() is None:
                partial = glob.glob(path + "*")
                if any(os.path.getsize(f) > 0 for f in partial if os.path.exists(f)):
                    break
                time.sleep(0.005)
            time.sleep(delay)
            if p.poll() is not None:
                continue  # finished before the kill: try a shorter delay next
            p.send_signal(signal.SIGKILL)
            p.wait()
            killed += 1
            self.assertFalse(os.path.exists(path),
                             "a killed backup left a file at the backup's name")
            for f in glob.glob(path + "*"):
                self.assertIn(".partial-", f)
                os.unlink(f)
        self.assertGreater(killed, 0, "every backup finished before it could be killed")
        out = run("backup", path, db=db).stdout
        self.assertIn("backup:", out)
        self.assertEqual(glob.glob(path + "*"), [path])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        con = sqlite3.connect(path)
        self.assertEqual(con.execute("PRAGMA quick_check").fetchone()[0], "ok")
        con.close()

    def test_bad_backup_requests(self):
        db = make_district(self.tmp)
        path = os.path.join(self.tmp, "b.db")
        run("backup", path, db=db)
        p = run("backup", path, db=db, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("already exists", p.stderr)
        junk = os.path.join(self.tmp, "junk.db")
        with open(junk, "w") as f:
            f.write("this is not a database")
        p = run("restore", junk, db=os.path.join(self.tmp, "r.db"), check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("junk.db", p.stderr)
        p = run("backup", check=False, db=db)
        self.assertEqual(p.returncode, 2)

    def test_restore_refuses_a_database_that_is_not_empty_unless_forced(self):
        """Both backends: restore puts a backup into an empty database; one that
        holds something is refused (status 1, the reason, nothing changed)
        unless --force, which replaces it."""
        db = make_district(self.tmp)
        path = os.path.join(self.tmp, "b.backup")
        run("backup", path, db=db)
        run("init", "--district", "After the backup", db=db)
        p = run("restore", path, db=db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not empty", p.stderr)
        self.assertIn("--force", p.stderr)
        with Server(db) as srv:
            c = srv.client()
            self.assertEqual(c.login("other.admin").status, 303)  # still there
        out = run("restore", path, "--force", db=db).stdout
        self.assertIn("restored", out)
        with Server(db) as srv:
            c = srv.client()
            self.assertEqual(c.login("admin").status, 303)
            self.assertEqual(c.get("/students/stu-1").status, 200)
        p = run("init", "--district", "After the backup", db=db, check=False)
        self.assertEqual(p.returncode, 0, "the restored database lost its identities")


if __name__ == "__main__":
    unittest.main()
