"""xAPI 2.0 (IEEE 9274.1.1) differences of the Statements resource, negotiated
by the X-Experience-API-Version header (docs/xapi.md "Versions"): context
agents and groups, the timestamp and version rules, the version header, and
Last-Modified. Each test is named after the requirement it checks."""
import json
import unittest
import uuid
from email.utils import parsedate_to_datetime

from test_xapi_conformance import XapiCase, agent, q, stmt

V2 = "2.0.0"


class Xapi20(XapiCase):
    VERSION = V2

    def test_lrs_answers_2_0_0_and_rejects_versions_it_does_not_implement(self):
        """Versioning (paraphrased): the LRS includes X-Experience-API-Version in
        every response, set to the latest patch version of the version asked for
        (2.0.0); a request with a version the LRS does not implement gets 400."""
        r = self.query("limit=1")
        self.assertEqual(r.header("X-Experience-API-Version"), "2.0.0")
        r = self.query("limit=1", version="2.0")
        self.assertEqual(r.header("X-Experience-API-Version"), "2.0.0")
        for bad in ("2.1.0", "3.0.0", "2.0.0-rc1"):
            r = self.query("limit=1", status=400, version=bad)
            self.assertIn("not supported", r.text)
        r = self.req("GET", "/xapi/about", version="")
        self.assertIn("2.0.0", json.loads(r.text)["version"])

    def test_context_agents_and_groups_are_stored_and_match_as_related_agents(self):
        """2.0 context: contextAgents (Context Agent Objects) and contextGroups
        (Context Group Objects) are stored as sent, and the query's related_agents
        takes in every agent the statement names (paraphrased)."""
        act = self.act()
        peer = agent("peer-" + uuid.uuid4().hex[:8])
        grp = {"objectType": "Group", "name": "Table 3",
               "mbox": f"mailto:t3-{uuid.uuid4().hex[:8]}@school.example"}
        ctx = {"contextAgents": [{"objectType": "contextAgent", "agent": peer,
                                  "relevantTypes": ["https://tool.example/types/peer"]}],
               "contextGroups": [{"objectType": "contextGroup", "group": grp}]}
        sid = str(uuid.uuid4())
        self.post([dict(stmt(act, context=ctx), id=sid)])
        s = json.loads(self.query(f"statementId={sid}").text)
        self.assertEqual(s["context"]["contextAgents"][0]["agent"], peer)
        self.assertEqual(s["version"], "2.0.0")
        for who in (peer, {"objectType": "Group", "mbox": grp["mbox"]}):
            r = self.query("agent=" + q(json.dumps(who)) + "&related_agents=true")
            self.assertEqual([x["id"] for x in json.loads(r.text)["statements"]], [sid])
            r = self.query("agent=" + q(json.dumps(who)))
            self.assertEqual(json.loads(r.text)["statements"], [])
        r = self.query(f"statementId={sid}&format=ids")
        self.assertNotIn("name", json.loads(r.text)["context"]["contextGroups"][0]["group"])

    def test_lrs_rejects_malformed_context_agents_and_groups(self):
        """2.0 context agents and groups (paraphrased): objectType "contextAgent" /
        "contextGroup" required, agent / group required, relevantTypes a list of
        IRIs: otherwise 400, nothing stored."""
        act = self.act()
        bad = [
            {"contextAgents": [{"agent": agent("x")}]},
            {"contextAgents": [{"objectType": "Agent", "agent": agent("x")}]},
            {"contextAgents": {"objectType": "contextAgent", "agent": agent("x")}},
            {"contextAgents": [{"objectType": "contextAgent", "agent": agent("x"),
                                "relevantTypes": ["not an iri"]}]},
            {"contextGroups": [{"objectType": "contextGroup", "group": agent("x")}]},
            {"contextGroups": [{"objectType": "contextGroup"}]},
        ]
        for ctx in bad:
            r = self.post([stmt(act, context=ctx)], status=400)
            self.assertIn("$[0].context.context", r.text)
        self.assertEqual(self.count_for(act), 0)

    def test_a_timestamp_must_carry_its_offset_and_never_minus_00_00(self):
        """2.0 timestamps follow RFC 3339, so the zone offset is required and
        "-00:00" (RFC 3339's unknown offset) is refused; 1.0.3 only recommends the
        zone and a timestamp without one is read as UTC (paraphrased)."""
        act = self.act()
        r = self.post([stmt(act, timestamp="2026-10-01T15:00:00")], status=400)
        self.assertIn("$[0].timestamp: must carry a time zone", r.text)
        self.post([stmt(act, timestamp="2026-10-01T15:00:00-00:00")], status=400)
        self.assertEqual(self.count_for(act), 0)
        self.post([stmt(act, timestamp="2026-10-01T15:00:00")], version="1.0.3")
        self.post([stmt(act, timestamp="2026-10-01T15:00:00+02:00")])
        self.assertEqual(self.count_for(act), 2)

    def test_version_property_2_0_0_when_absent_and_1_0_x_statements_still_accepted(self):
        """version: when absent the LRS sets it, to the request's version (2.0.0);
        statements that say 1.0.x are accepted under 2.0 and keep their version;
        2.0.x statements are refused under 1.0.3 (1.0.3 Data 2.4.10: "An LRS MUST
        reject all Statements with a version specified that does not start with
        1.0.")."""
        act = self.act()
        a, b = str(uuid.uuid4()), str(uuid.uuid4())
        self.post([dict(stmt(act), id=a), dict(stmt(act, version="1.0.3"), id=b)])
        self.assertEqual(json.loads(self.query(f"statementId={a}").text)["version"], "2.0.0")
        self.assertEqual(json.loads(self.query(f"statementId={b}").text)["version"], "1.0.3")
        self.post([stmt(act, version="2.0.0")], status=400, version="1.0.3")
        self.post([stmt(act, version="3.0.0")], status=400)

    def test_context_activities_must_be_arrays_in_2_0(self):
        """2.0: every contextActivities value is an array of Activities (1.0.3 let
        a single Activity stand for a list of one, which the LRS normalises;
        paraphrased)."""
        act = self.act()
        single = {"contextActivities": {"parent": {"id": act + "/p"}}}
        r = self.post([stmt(act, context=single)], status=400)
        self.assertIn("contextActivities", r.text)
        sid = str(uuid.uuid4())
        self.post([dict(stmt(act, context=single), id=sid)], version="1.0.3")
        s = json.loads(self.query(f"statementId={sid}").text)
        self.assertEqual(s["context"]["contextActivities"]["parent"], [{"id": act + "/p"}])

    def test_last_modified_on_statement_gets(self):
        """2.0: the LRS includes "Last-Modified" on statement GETs: the stored time
        of the (newest) statement returned."""
        act = self.act()
        sid = str(uuid.uuid4())
        self.post([dict(stmt(act), id=sid)])
        s = json.loads(self.query(f"statementId={sid}").text)
        for p in (f"statementId={sid}", "activity=" + q(act)):
            r = self.query(p)
            lm = parsedate_to_datetime(r.header("Last-Modified"))
            self.assertEqual(lm.strftime("%Y-%m-%dT%H:%M:%S"), s["stored"][:19])

    def test_unknown_parameters_are_refused_in_2_0_too(self):
        """The parameter rules do not change in 2.0: an unknown parameter is 400."""
        r = self.query("limit=1&method=GET", status=400)
        self.assertIn("unknown parameter method", r.text)


if __name__ == "__main__":
    unittest.main()
