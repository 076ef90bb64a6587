"""The endpoints tools send data to: xAPI statements and Caliper envelopes,
with the tool's own credentials, scoped to its district and to itself."""
import base64
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid

import pg_harness
from ebtest import (BACKEND, BIN, FIXTURES, SHARED, Server, TempDir, db_arg, db_execute,
                    make_district, run)


def credentials(db, name):
    tid = re.search(r"tool_id: (\d+)", run("tool", "add", "--name", name, "--vendor", "V",
                                           "--district-id", "1", db=db).stdout).group(1)
    run("tool", "status", tid, "--set", "approved", "--reason", "test", "--district-id", "1",
        db=db, check=False)
    out = run("tool", "credentials", tid, "--district-id", "1", db=db).stdout
    creds = dict(line.split(": ", 1) for line in out.strip().splitlines())
    return tid, creds


def count(db, sql):
    """The one number a SELECT count(*) gives, on either backend."""
    return int(db_execute(db, sql)[0][0])


class WriteLock:
    """The database's write lock, held by another process until release():
    SQLite's BEGIN IMMEDIATE, or on PostgreSQL the advisory lock db_begin
    takes (store/db.c), in a psql session."""

    def __init__(self, db):
        if BACKEND == "pg":
            self.psql = subprocess.Popen([pg_harness.client("psql"), db_arg(db), "-qAt", "-v", "ON_ERROR_STOP=1"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True)
            self.psql.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock(7301880428);\n"
                                  "SELECT 'held';\n")
            self.psql.stdin.flush()
            while self.psql.stdout.readline().strip() != "held":
                pass
        else:
            import sqlite3
            self.con = sqlite3.connect(db, timeout=30, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")

    def release(self):
        if BACKEND == "pg":
            self.psql.communicate("ROLLBACK;\n", timeout=30)
        else:
            self.con.execute("ROLLBACK")
            self.con.close()


def basic(creds):
    raw = f"{creds['xapi_key']}:{creds['xapi_secret']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode(),
            "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}


def statement(sid=None, student="stu-1", correct=True, code="3.NF.A.1"):
    s = {
        "actor": {"objectType": "Agent", "account": {"homePage": "https://practice.example", "name": student}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"https://practice.example/items/{code}/1",
                   "definition": {"extensions": {"https://edbridge.example/xapi/ccss": code}}},
        "result": {"success": correct, "score": {"scaled": 1.0 if correct else 0.0}},
        "timestamp": "2026-10-01T15:00:00Z",
    }
    if sid:
        s["id"] = sid
    return s


class Ingest(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        self.tid, self.creds = credentials(self.db, "Practice App")
        self.tid2, self.creds2 = credentials(self.db, "Other App")

    def test_statements_round_trip_and_rules(self):
        with Server(self.db) as srv:
            c = srv.client()
            h = basic(self.creds)
            sid = str(uuid.uuid4())
            r = c.request("POST", "/xapi/statements", json.dumps(statement(sid)), h)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(json.loads(r.text), [sid])
            self.assertEqual(r.header("X-Experience-API-Version")[:3], "1.0")
            r = c.request("GET", f"/xapi/statements?statementId={sid}", None, h)
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(r.text)["id"], sid)
            self.assertTrue(r.header("X-Experience-API-Consistent-Through"))
            # same id, same content: fine; other content: 409
            r = c.request("PUT", f"/xapi/statements?statementId={sid}", json.dumps(statement()), h)
            self.assertEqual(r.status, 204, r.text)
            r = c.request("PUT", f"/xapi/statements?statementId={sid}",
                          json.dumps(statement(correct=False)), h)
            self.assertEqual(r.status, 409)
            # an invalid statement in a batch: 400 with the path, nothing stored
            bad = statement()
            bad["actor"] = {"mbox": "someone@example.org"}
            batch = [statement(str(uuid.uuid4())), bad]
            r = c.request("POST", "/xapi/statements", json.dumps(batch), h)
            self.assertEqual(r.status, 400)
            self.assertIn("$[1].actor.mbox", r.text)
            r = c.request("GET", "/xapi/statements?limit=10", None, h)
            self.assertEqual(len(json.loads(r.text)["statements"]), 1)
            # another tool cannot read it; no or wrong credentials: 401
            r = c.request("GET", f"/xapi/statements?statementId={sid}", None, basic(self.creds2))
            self.assertEqual(r.status, 404)
            r = c.request("GET", f"/xapi/statements?statementId={sid}", None,
                          {"X-Experience-API-Version": "1.0.3"})
            self.assertEqual(r.status, 401)
            self.assertIn("Basic", r.header("WWW-Authenticate"))
            wrong = dict(self.creds, xapi_secret="x" * 43)
            self.assertEqual(c.request("GET", "/xapi/statements", None, basic(wrong)).status, 401)
            # the State resource is served (tests/http/test_xapi_docs.py); an
            # address that is no xAPI resource: 501
            r = c.request("GET", "/xapi/activities/state", None, h)
            self.assertEqual(r.status, 400)
            self.assertIn("activityId", r.text)
            r = c.request("GET", "/xapi/nothing-here", None, h)
            self.assertEqual(r.status, 501)
            self.assertIn("not supported", r.text.lower())
            self.assertEqual(c.request("GET", "/xapi/about").status, 200)

    def test_revoked_tool_cannot_send(self):
        run("tool", "status", self.tid2, "--set", "retired", "--reason", "contract ended",
            "--district-id", "1", db=self.db, check=False)
        with Server(self.db) as srv:
            r = srv.client().request("POST", "/xapi/statements", json.dumps(statement()),
                                     basic(self.creds2))
            self.assertEqual(r.status, 401)

    def test_caliper_envelope(self):
        fixture = os.path.join(SHARED, "caliper", "v1p2", "caliperEnvelopeEventBatch.json")
        if not os.path.exists(fixture):
            self.skipTest("skipped: ../shared/data absent")
        with open(fixture) as f:
            body = f.read()
        with Server(self.db) as srv:
            c = srv.client()
            h = {"Authorization": "Bearer " + self.creds["caliper_token"],
                 "Content-Type": "application/json"}
            r = c.request("POST", "/caliper", body, h)
            self.assertEqual(r.status, 200, r.text)
            self.assertIn('"events"', r.text)
            r = c.request("POST", "/caliper", '{"sensor": 1}', h)
            self.assertEqual(r.status, 400)
            r = c.request("POST", "/caliper", body, {"Authorization": "Bearer nope"})
            self.assertEqual(r.status, 401)


class Durability(TempDir):
    def test_acknowledged_statements_survive_sigkill(self):
        db = make_district(self.tmp)
        _, creds = credentials(db, "Durable App")
        h = basic(creds)
        acked = []
        for round_ in range(4):
            with Server(db) as srv:
                stop = threading.Event()

                def sender():
                    c = srv.client()
                    while not stop.is_set():
                        batch = [statement(str(uuid.uuid4())) for _ in range(20)]
                        try:
                            r = c.request("POST", "/xapi/statements", json.dumps(batch), h)
                        except Exception:
                            return
                        if r.status == 200:
                            acked.extend(s["id"] for s in batch)

                threads = [threading.Thread(target=sender) for _ in range(2)]
                before = len(acked)
                for t in threads:
                    t.start()
                # mid-load: once some batches of this round are acknowledged
                # (the first requests on PostgreSQL prepare every statement)
                deadline = time.time() + 60
                while len(acked) < before + 60 and time.time() < deadline:
                    time.sleep(0.05)
                time.sleep(0.1 + 0.1 * round_)
                srv.proc.send_signal(signal.SIGKILL)
                srv.proc.wait()
                stop.set()
                for t in threads:
                    t.join()
        self.assertGreater(len(acked), 100)
        with Server(db) as srv:
            c = srv.client()
            seen = []
            url = "/xapi/statements?limit=500"
            while url:
                r = c.request("GET", url, None, h)
                self.assertEqual(r.status, 200)
                page = json.loads(r.text)
                seen.extend(s["id"] for s in page["statements"])
                url = page.get("more") or None
        self.assertEqual(len(seen), len(set(seen)), "a statement came back twice")
        missing = set(acked) - set(seen)
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged statements lost")


class Concurrency(TempDir):
    """Tools sending at once share the server's group commit: each request
    still gets exactly its own answer, and a batch refused for a conflict
    stores nothing, whatever it was written together with."""

    def test_concurrent_batches_keep_their_own_outcome(self):
        db = make_district(self.tmp)
        _, creds = credentials(db, "Busy App")
        h = basic(creds)
        taken = str(uuid.uuid4())
        results = []
        lock = threading.Lock()
        with Server(db) as srv:
            r = srv.client().request("POST", "/xapi/statements",
                                     json.dumps(statement(taken, student="stu-1")), h)
            self.assertEqual(r.status, 200, r.text)

            def sender(n):
                c = srv.client()
                for i in range(12):
                    batch = [statement(str(uuid.uuid4()), student=f"stu-{(n + k) % 5 + 1}")
                             for k in range(10)]
                    bad = (n * 12 + i) % 5 == 2
                    if bad:
                        # the taken id again with other content: 409, whole batch refused
                        batch[7] = statement(taken, student="stu-2", correct=False)
                    r = c.request("POST", "/xapi/statements", json.dumps(batch), h)
                    with lock:
                        results.append((bad, r.status, r.text, batch))

            threads = [threading.Thread(target=sender, args=(n,)) for n in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            c = srv.client()
            seen = []
            url = "/xapi/statements?limit=500"
            while url:
                r = c.request("GET", url, None, h)
                self.assertEqual(r.status, 200)
                page = json.loads(r.text)
                seen.extend(s["id"] for s in page["statements"])
                url = page.get("more") or None
        self.assertEqual(len(results), 96)
        self.assertEqual(len(seen), len(set(seen)), "a statement was stored twice")
        seen = set(seen)
        for bad, status, text, batch in results:
            ids = [s["id"] for s in batch]
            if bad:
                self.assertEqual(status, 409, text)
                self.assertIn("$[7].id", text)
                self.assertFalse(seen & (set(ids) - {taken}), "part of a refused batch was stored")
            else:
                self.assertEqual(status, 200, text)
                self.assertEqual(json.loads(text), ids)
                self.assertTrue(set(ids) <= seen, "an acknowledged batch is missing")
        self.assertEqual(len(seen), 1 + 10 * sum(1 for b, *_ in results if not b))


    def test_locked_database_fills_the_queue_then_503(self):
        """While another process holds the write lock, requests queue for the
        writer (their workers stay free); past the queue's bound they are
        refused at once with 503 and Retry-After, storing nothing, and the
        queued ones are stored when the lock goes."""
        db = make_district(self.tmp)
        _, creds = credentials(db, "Patient App")
        h = basic(creds)
        results = []
        lock = threading.Lock()
        with Server(db) as srv:
            # one request first: the credential's use is recorded now, not while locked
            r = srv.client().request("POST", "/xapi/statements", json.dumps(statement()), h)
            self.assertEqual(r.status, 200, r.text)
            holder = WriteLock(db)

            def sender():
                s = statement(str(uuid.uuid4()))
                r = srv.client().request("POST", "/xapi/statements", json.dumps(s), h)
                with lock:
                    results.append((r.status, r.header("Retry-After"), r.text, s["id"]))

            threads = [threading.Thread(target=sender) for _ in range(220)]
            for t in threads:
                t.start()
            deadline = time.time() + 20
            while time.time() < deadline:
                with lock:
                    if sum(1 for st, *_ in results if st == 503) >= 20:
                        break
                time.sleep(0.05)
            # the page workers are not held up by the queued writes
            r = srv.client().request("GET", "/healthz")
            self.assertEqual(r.status, 200)
            holder.release()
            for t in threads:
                t.join()
            stored = set()
            url = "/xapi/statements?limit=500"
            while url:
                r = srv.client().request("GET", url, None, h)
                page = json.loads(r.text)
                stored.update(x["id"] for x in page["statements"])
                url = page.get("more") or None
        refused = [x for x in results if x[0] == 503]
        ok = [x for x in results if x[0] == 200]
        self.assertEqual(len(refused) + len(ok), 220, {x[0] for x in results})
        self.assertGreaterEqual(len(refused), 20)
        self.assertGreater(len(ok), 100)
        for _, retry, text, sid in refused:
            self.assertEqual(retry, "2")
            self.assertIn("send it again", text)
            self.assertNotIn(sid, stored)
        for _, _, _, sid in ok:
            self.assertIn(sid, stored)


class PostgresRestart(TempDir):
    """PostgreSQL restarted (pg_ctl stop -m fast, then start) while tools
    send: during the outage every request gets 503 with Retry-After and
    nothing of it is stored; the server reconnects by itself (it is not
    restarted) and later requests succeed; every acknowledged statement is
    there once. A cluster of the test's own (tests/http/pg_harness.py), on
    either backend of the suite."""

    def test_requests_during_an_outage_get_503_then_the_server_reconnects(self):
        why = pg_harness.skip_reason()
        if why:
            self.skipTest(why)
        with pg_harness.Postgres("restart") as pg:
            url = pg.url()
            run("init", "--district", "Alder County Schools", db=url)
            run("import", "oneroster", os.path.join(FIXTURES, "district_a"),
                "--district-id", "1", db=url)
            _, creds = credentials(url, "Restart App")
            h = basic(creds)
            results = []  # (status, Retry-After, text, ids)
            lock = threading.Lock()
            with Server(url) as srv:
                stop = threading.Event()

                def sender(n):
                    c = srv.client()
                    while not stop.is_set():
                        batch = [statement(str(uuid.uuid4()), student=f"stu-{(n + k) % 5 + 1}")
                                 for k in range(20)]
                        try:
                            r = c.request("POST", "/xapi/statements", json.dumps(batch), h)
                        except Exception:
                            continue  # no answer: neither acknowledged nor refused
                        with lock:
                            results.append((r.status, r.header("Retry-After"), r.text,
                                            [x["id"] for x in batch]))
                        if r.status == 503:
                            time.sleep(0.05)

                threads = [threading.Thread(target=sender, args=(n,)) for n in range(3)]
                for t in threads:
                    t.start()
                time.sleep(1.0)
                pg.stop("fast")
                # while it is down: 503 with Retry-After, one request after another
                down = []
                for _ in range(5):
                    batch = [statement(str(uuid.uuid4()))]
                    r = srv.client().request("POST", "/xapi/statements", json.dumps(batch), h)
                    down.append((r.status, r.header("Retry-After"), r.text,
                                 [x["id"] for x in batch]))
                    time.sleep(0.1)
                pg.start()
                # the same server, reconnecting by itself
                deadline = time.time() + 30
                ok_after = False
                while time.time() < deadline and not ok_after:
                    batch = [statement(str(uuid.uuid4()))]
                    r = srv.client().request("POST", "/xapi/statements", json.dumps(batch), h)
                    if r.status == 200:
                        ok_after = True
                        with lock:
                            results.append((200, None, r.text, [x["id"] for x in batch]))
                    else:
                        time.sleep(0.2)
                time.sleep(0.5)
                stop.set()
                for t in threads:
                    t.join()
                self.assertIsNone(srv.proc.poll(), "the server exited")
                self.assertTrue(ok_after, "no request succeeded after PostgreSQL came back")
                seen = []
                next_url = "/xapi/statements?limit=500"
                while next_url:
                    r = srv.client().request("GET", next_url, None, h)
                    self.assertEqual(r.status, 200, r.text)
                    page = json.loads(r.text)
                    seen.extend(x["id"] for x in page["statements"])
                    next_url = page.get("more") or None
        for status, retry, text, ids in down:
            self.assertEqual(status, 503, text)
            self.assertTrue(retry and int(retry) > 0, retry)
        results += down
        self.assertEqual(len(seen), len(set(seen)), "a statement was stored twice")
        seen = set(seen)
        statuses = {st for st, *_ in results}
        self.assertLessEqual(statuses, {200, 503}, statuses)
        acked = [ids for st, _, _, ids in results if st == 200]
        refused = [(retry, text, ids) for st, retry, text, ids in results if st == 503]
        self.assertGreater(len(acked), 5)
        for ids in acked:
            self.assertTrue(set(ids) <= seen, "an acknowledged batch is missing")
        for retry, text, ids in refused:
            self.assertTrue(retry and int(retry) > 0, retry)
            self.assertIn("nothing", text.lower())
            self.assertFalse(set(ids) & seen, "part of a refused batch was stored")


class RefitDuringIngest(TempDir):
    def test_statements_sent_during_a_refit_all_count(self):
        """`edbridge fit` (another process) refits while a tool keeps sending:
        every request succeeds, and afterwards each student's estimate counts
        every stored response, those that arrived during the fit included."""
        db = make_district(self.tmp)
        _, creds = credentials(db, "Steady App")
        h = basic(creds)
        codes = ["3.NF.A.1", "3.OA.A.1", "3.NF.A.2"]

        def batch(k):
            return [statement(str(uuid.uuid4()), student=f"stu-{1 + (k + i) % 3}",
                              correct=(k * 7 + i) % 3 != 0, code=codes[(k + i) % 3])
                    for i in range(50)]

        with Server(db) as srv:
            c = srv.client()
            for k in range(16):
                r = c.request("POST", "/xapi/statements", json.dumps(batch(k)), h)
                self.assertEqual(r.status, 200, r.text)
            statuses = []
            stop = threading.Event()

            def sender():
                cc = srv.client()
                k = 100
                while not stop.is_set():
                    r = cc.request("POST", "/xapi/statements", json.dumps(batch(k)), h)
                    statuses.append(r.status)
                    k += 1

            t = threading.Thread(target=sender)
            t.start()
            fit = run("fit", "--district-id", "1", db=db)
            stop.set()
            t.join()
        self.assertGreater(len(statuses), 0)
        self.assertEqual(set(statuses), {200})
        self.assertIn("late: ", fit.stdout)
        stored = dict(((s, c), int(n)) for s, c, n in db_execute(
            db, "SELECT student_sourced_id, standard_code, count(*) FROM learning_event"
            " WHERE correct IS NOT NULL GROUP BY 1, 2"))
        estimated = dict(((s, c), int(n)) for s, c, n in db_execute(
            db, "SELECT student_sourced_id, standard_code, responses FROM mastery_state"
            " WHERE responses > 0"))
        self.assertEqual(estimated, stored)


class Rematch(TempDir):
    def test_unknown_learner_is_quarantined_then_matched_by_a_roster_delta(self):
        db = make_district(self.tmp)
        _, creds = credentials(db, "Practice App")
        with Server(db) as srv:
            r = srv.client().request("POST", "/xapi/statements",
                                     json.dumps(statement(student="stu-99")), basic(creds))
            self.assertEqual(r.status, 200, r.text)
        self.assertEqual(count(db, "SELECT count(*) FROM quarantine"), 1)
        self.assertEqual(count(db, "SELECT count(*) FROM learning_event"
                               " WHERE student_sourced_id='stu-99'"), 0)
        delta = os.path.join(self.tmp, "delta")
        os.mkdir(delta)
        files = {
            "manifest.csv": "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
                            "file.users,delta\nfile.roles,delta\n",
            "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
                         "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
                         "userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,"
                         "preferredFamilyName,primaryOrgSourcedId,pronouns\n"
                         "stu-99,active,2026-10-02T00:00:00.000Z,true,new.kid,,New,Kid,,S099,,,,,03,,,,,,,sch-a1,\n",
            "roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
                         "orgSourcedId,userProfileSourcedId\n"
                         "r-stu-99,active,2026-10-02T00:00:00.000Z,stu-99,primary,student,,,sch-a1,\n",
        }
        for name, text in files.items():
            with open(os.path.join(delta, name), "w") as f:
                f.write(text)
        out = run("import", "oneroster", delta, "--district-id", "1", db=db)
        self.assertIn("quarantined learning events matched", out.stdout + out.stderr)
        self.assertEqual(count(db, "SELECT count(*) FROM quarantine"), 0)
        self.assertEqual(count(db, "SELECT count(*) FROM learning_event"
                               " WHERE student_sourced_id='stu-99'"), 1)
