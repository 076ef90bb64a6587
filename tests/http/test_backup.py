"""`edbridge backup` under write load restores whole; `edbridge restore` puts it back."""
import os
import sqlite3
import threading
import time
import unittest

from ebtest import Server, TempDir, make_district, run


class Backup(TempDir):
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
            time.sleep(0.5)
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


if __name__ == "__main__":
    unittest.main()
