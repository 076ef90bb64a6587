"""A batch stores exactly what posting its statements one at a time stores.

The statements of a POST are read ahead together (src/ingest/xapi_store.c:
the batch's ids and voiding targets, the actors' students, the activities'
standards and the mastery cells in a few queries; the learning events in one
INSERT and each mastery cell written once). This test posts one mix of new,
duplicate, voiding (of a stored statement, of one in the same batch, and one
whose target comes later in it), voided-before-arrival, unknown-actor,
username- and email-matched statements, with repeated updates of one mastery
cell, once as a batch and once one statement at a time to a second database,
and compares the answers and every row they leave; then a batch with a
conflicting statement is refused whole (409) and stores nothing, as the
conflicting statement alone is refused."""
import json
import os
import uuid

from ebtest import Server, TempDir, db_execute, make_district
from test_ingest import basic, credentials

VERB = "http://adlnet.gov/expapi/verbs/answered"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def stmt(sid, actor, correct=True, code="3.NF.A.1", item=1, score=None, duration=None,
         when="2026-10-01T15:00:00Z"):
    s = {"id": sid, "actor": actor, "verb": {"id": VERB},
         "object": {"objectType": "Activity",
                    "id": f"https://practice.example/items/{code}/{item}",
                    "definition": {"extensions": {"https://edbridge.example/xapi/ccss": code}}},
         "result": {"success": correct,
                    "score": {"scaled": score if score is not None else (1.0 if correct else 0.0)}},
         "timestamp": when}
    if duration:
        s["result"]["duration"] = duration
    return s


def account(name):
    return {"objectType": "Agent", "account": {"homePage": "https://practice.example", "name": name}}


def voiding(sid, target):
    return {"id": sid, "actor": account("stu-1"), "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target}}


def ids(n):
    return [str(uuid.UUID(int=0x5EED0000 + i, version=4)) for i in range(n)]


# every row ingest writes, without what differs between two runs by design
# (times of receipt, the JSON's `stored`); ordered by insertion
SNAPSHOT = {
    "xapi_statement": "SELECT id, content_hash, voided, voids_id, verb, target_id"
                      " FROM xapi_statement ORDER BY seq",
    "xapi_statement_ref": "SELECT s.id, r.kind, r.key, r.related FROM xapi_statement_ref r"
                          " JOIN xapi_statement s ON s.district_id = r.district_id"
                          " AND s.seq = r.seq ORDER BY s.id, r.kind, r.key, r.related",
    "learning_event": "SELECT student_sourced_id, actor_key, activity_id, standard_code, item_id,"
                      " correct, score, duration_s, occurred_at, source, statement_id, verb"
                      " FROM learning_event ORDER BY id",
    "quarantine": "SELECT reason, actor_key, match_name, match_email, activity_id, standard_code,"
                  " item_id, correct, score, duration_s, occurred_at, source, statement_id, verb"
                  " FROM quarantine ORDER BY id",
    "mastery_state": "SELECT student_sourced_id, standard_code, p, sd, responses, correct,"
                     " tools, first_at, last_at, trend_week, trend,"
                     " inferred, skill FROM mastery_state"
                     " ORDER BY student_sourced_id, standard_code",
    "mastery_student": "SELECT student_sourced_id, state, measured"
                       " FROM mastery_student ORDER BY student_sourced_id",
    "tool_student": "SELECT tool_id, student_sourced_id FROM tool_student"
                    " ORDER BY tool_id, student_sourced_id",
    "tool_day": "SELECT tool_id, day, events, quarantined FROM tool_day ORDER BY tool_id, day",
    "tool_total": "SELECT tool_id, statements, caliper_events FROM tool_total ORDER BY tool_id",
}


def snapshot(db):
    return {t: db_execute(db, q) for t, q in SNAPSHOT.items()}


class XapiBatch(TempDir):
    def setUp(self):
        super().setUp()
        self.dbs = []
        for name in ("one", "batch"):
            d = os.path.join(self.tmp, name)
            os.makedirs(d)
            db = make_district(d)
            tid, creds = credentials(db, "Practice App")
            self.dbs.append((db, tid, creds))
        self.assertEqual(self.dbs[0][1], self.dbs[1][1])

    def test_batch_stores_what_one_at_a_time_stores(self):
        i = ids(20)
        earlier = [stmt(i[0], account("stu-1")),   # A, stored before
                   voiding(i[1], i[7])]            # voids T before T arrives
        mixed = [
            stmt(i[2], account("stu-1"), True, item=2),              # new
            stmt(i[0], account("stu-1")),                            # A again: no-op
            stmt(i[3], account("stu-2"), False, item=3),             # new, voided below
            voiding(i[4], i[3]),                                     # voids one of this batch
            stmt(i[5], account("stu-1"), False, item=4),             # same cell again
            stmt(i[6], account("nobody-9")),                         # unknown actor
            stmt(i[7], account("stu-3"), False),                     # T: voided on arrival
            stmt(i[8], {"objectType": "Agent", "mbox": "mailto:SAM.ONE@alder.example"},
                 True, code="3.NF.A.2"),                             # by email
            stmt(i[9], account("sara.two"), True, item=5),           # by username
            stmt(i[10], account("stu-3"), True, code="3.OA.A.1", score=0.8,
                 duration="PT45.5S", when="2026-10-02T09:30:00Z"),  # other day
            voiding(i[11], i[0]),                                    # voids A (stored)
            stmt(i[12], account("stu-1"), True, item=6),             # same cell a third time
            voiding(i[15], i[16]),                                   # voids one further on
            stmt(i[16], account("stu-2"), True, item=7),             # ... voided on arrival
        ]
        answers = []
        for n, (db, tid, creds) in enumerate(self.dbs):
            with Server(db) as srv:
                c = srv.client()
                h = basic(creds)
                for s in earlier:
                    r = c.request("POST", "/xapi/statements", json.dumps(s), h)
                    self.assertEqual(r.status, 200, r.text)
                if n == 0:
                    got = []
                    for s in mixed:
                        r = c.request("POST", "/xapi/statements", json.dumps(s), h)
                        self.assertEqual(r.status, 200, r.text)
                        got += json.loads(r.text)
                else:
                    r = c.request("POST", "/xapi/statements", json.dumps(mixed), h)
                    self.assertEqual(r.status, 200, r.text)
                    got = json.loads(r.text)
                answers.append(got)
                # a conflict (A's id, other content) refuses its request whole
                before = snapshot(db)
                conflict = stmt(i[0], account("stu-1"), False)
                body = conflict if n == 0 else [stmt(i[13], account("stu-2")), conflict,
                                                stmt(i[14], account("stu-3"))]
                r = c.request("POST", "/xapi/statements", json.dumps(body), h)
                self.assertEqual(r.status, 409, r.text)
                self.assertIn(f"statement {i[0]} is already stored with different content",
                              r.text)
                self.assertIn("$[1].id" if n else "$.id", r.text)
                self.assertEqual(snapshot(db), before)
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[1], [s["id"] for s in mixed])
        one, batch = snapshot(self.dbs[0][0]), snapshot(self.dbs[1][0])
        for table in SNAPSHOT:
            self.assertEqual(one[table], batch[table], table)
        # what the mix was meant to exercise did happen
        ev = {r[10]: r for r in batch["learning_event"]}
        self.assertNotIn(i[3], ev)          # voided in its own batch
        self.assertNotIn(i[7], ev)          # voided before it arrived
        self.assertNotIn(i[0], ev)          # voided by the batch
        self.assertNotIn(i[16], ev)         # voided earlier in its own batch
        self.assertEqual(ev[i[8]][0], "stu-1")  # email, any case
        self.assertEqual(ev[i[9]][0], "stu-2")  # username
        self.assertEqual(ev[i[10]][6], 0.8)
        self.assertEqual(ev[i[10]][7], 45.5)
        self.assertEqual([q[12] for q in batch["quarantine"]], [i[6]])
        voided = {r[0]: r[2] for r in batch["xapi_statement"]}
        self.assertEqual((voided[i[0]], voided[i[3]], voided[i[7]], voided[i[16]], voided[i[2]]),
                         (1, 1, 1, 1, 0))
        cell = [r for r in batch["mastery_state"] if r[0] == "stu-1" and r[1] == "3.NF.A.1"]
        self.assertEqual(cell[0][4], 4)     # A, i2, i5, i12: the updates of one cell


    def test_a_long_batch_stores_what_one_at_a_time_stores(self):
        """Past a statement's worth of rows (64) the batch writes its events
        and quarantined ones before its end, and its statement rows go in
        INSERTs of up to 128 rows (here 128 and 32, padded): still the rows
        one statement at a time stores, voiding of rows written early
        included."""
        i = ids(170)
        long = []
        for k in range(150):
            who = account(f"nobody-{k}") if k % 2 == 0 else account(f"stu-{1 + k % 3}")
            long.append(stmt(i[k], who, k % 5 != 0, code="3.NF.A.3", item=k % 7))
        long += [voiding(i[150], i[1]),    # an event written early
                 voiding(i[151], i[0]),    # a quarantined row written early
                 voiding(i[152], i[149])]  # one of the last ones
        for n, (db, tid, creds) in enumerate(self.dbs):
            with Server(db) as srv:
                c = srv.client()
                h = basic(creds)
                bodies = long if n == 0 else [long]
                for b in bodies:
                    r = c.request("POST", "/xapi/statements", json.dumps(b), h)
                    self.assertEqual(r.status, 200, r.text)
        one, batch = snapshot(self.dbs[0][0]), snapshot(self.dbs[1][0])
        for table in SNAPSHOT:
            self.assertEqual(one[table], batch[table], table)
        self.assertEqual(len(batch["xapi_statement"]), 153)
        self.assertEqual(len(batch["quarantine"]), 74)      # 75, less i0 voided
        self.assertEqual(len(batch["learning_event"]), 73)  # 75, less i1 and i149
        self.assertEqual(len(batch["xapi_statement_ref"]), 2 * 150 + 3)  # a voiding: its actor


if __name__ == "__main__":
    import unittest
    unittest.main()
