"""The xAPI document resources (State, Activity Profile, Agent Profile), the
Activities and Agents resources, About, HEAD and Last-Modified: xAPI 1.0.3
(xAPI-Communication.md, 2.3-2.8 and 3.1) and 2.0 (IEEE 9274.1.1, 4.1.6). Each
test is named after the requirement it checks, quoted in its docstring."""
import base64
import hashlib
import json
import re
import urllib.parse
import uuid

from ebtest import Server, TempDir, db_execute, run

V1 = "1.0.3"
V2 = "2.0.0"


def tool(db, name):
    tid = re.search(r"tool_id: (\d+)", run("tool", "add", "--name", name, "--vendor", "V",
                                           "--district-id", "1", db=db).stdout).group(1)
    out = run("tool", "credentials", tid, "--district-id", "1", db=db).stdout
    creds = dict(line.split(": ", 1) for line in out.strip().splitlines())
    raw = f"{creds['xapi_key']}:{creds['xapi_secret']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def q(**params):
    return urllib.parse.urlencode({k: (json.dumps(v) if isinstance(v, dict) else v)
                                   for k, v in params.items()})


def etag(data):
    return '"' + hashlib.sha1(data).hexdigest() + '"'


class DocsBase(TempDir):
    """The fixture (a district, two tools, one server) without tests, for
    test_xapi20_docs too."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="ebtest-xdocs-")
        cls.db = cls.dir + "/t.db"
        run("init", "--district", "Alder County Schools", db=cls.db)
        cls.auth = tool(cls.db, "Player")
        cls.auth2 = tool(cls.db, "Other Player")
        cls.srv = Server(cls.db).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        import shutil
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.c = self.srv.client()
        self.act = f"https://player.example/act/{uuid.uuid4()}"
        self.agent = {"objectType": "Agent", "mbox": f"mailto:{uuid.uuid4().hex[:8]}@example.org"}

    def req(self, method, path, body=None, version=V1, auth=None, ctype=None, **headers):
        h = {"Authorization": auth or self.auth}
        if version:
            h["X-Experience-API-Version"] = version
        if ctype:
            h["Content-Type"] = ctype
        h.update({k.replace("_", "-"): v for k, v in headers.items()})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        return self.c.request(method, path, body, h)

    def state(self, sid="s1", **extra):
        return "/xapi/activities/state?" + q(activityId=self.act, agent=self.agent, stateId=sid,
                                             **extra)

    def count_docs(self):
        return db_execute(self.db, "SELECT count(*) FROM xapi_document")[0][0]


class Docs(DocsBase):
    # ---- State -----------------------------------------------------------

    def test_state_put_stores_document_and_get_returns_it_with_etag_and_last_modified(self):
        """'PUT Stores the document specified' / 'GET Fetches the document
        specified' / 'An LRS responding to a GET request SHALL add an ETag
        header to the response' (the SHA-1 of the document) / 2.0: 'the LRS
        shall include the Last-Modified header'."""
        doc = b'{"bookmark": "page 3", "score": 1.0}'
        r = self.req("PUT", self.state(), doc, ctype="application/json")
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(r.header("X-Experience-API-Version"), V1)
        r = self.req("GET", self.state())
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, doc)  # byte for byte, as sent
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(r.header("ETag"), etag(doc))
        self.assertRegex(r.header("Last-Modified"), r"^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$")

    def test_state_get_of_missing_document_is_404(self):
        """'If the LRS does not have the document, it returns 404 Not Found'."""
        r = self.req("GET", self.state("nothing"))
        self.assertEqual(r.status, 404)

    def test_state_binary_document_is_stored_and_returned_byte_for_byte(self):
        """Documents 'may be any content type': a binary document comes back
        with its own Content-Type, unchanged."""
        data = bytes(range(256)) * 4
        r = self.req("PUT", self.state("bin"), data, ctype="application/octet-stream")
        self.assertEqual(r.status, 204, r.text)
        r = self.req("GET", self.state("bin"))
        self.assertEqual(r.body, data)
        self.assertEqual(r.header("Content-Type"), "application/octet-stream")
        self.assertEqual(r.header("ETag"), etag(data))

    def test_state_post_merges_json_objects_one_level_deep(self):
        """'If the document being posted and the existing document are both
        JSON objects, the LRS MUST merge them': top-level properties of the
        posted document replace the stored ones, others stay (one level deep)."""
        self.req("PUT", self.state(), {"a": 1, "b": {"x": 1, "y": 2}})
        r = self.req("POST", self.state(), {"b": {"x": 9}, "c": 3})
        self.assertEqual(r.status, 204, r.text)
        got = json.loads(self.req("GET", self.state()).body)
        self.assertEqual(got, {"a": 1, "b": {"x": 9}, "c": 3})

    def test_state_post_without_existing_document_stores_it_as_a_put_would(self):
        """'If the original document does not exist, the LRS MUST treat the
        request the same as it would a PUT request and store the document'."""
        r = self.req("POST", self.state("fresh"), {"a": 1})
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(json.loads(self.req("GET", self.state("fresh")).body), {"a": 1})

    def test_lrs_returns_400_on_post_when_either_document_is_not_json(self):
        """'If the document being posted to the LRS does not have a Content-Type
        of application/json, or if the existing document does not have a
        Content-Type of application/json, the LRS MUST respond with HTTP status
        code 400 Bad Request, and MUST NOT update the target document'."""
        self.req("PUT", self.state("bin"), b"\x00\x01binary", ctype="application/octet-stream")
        r = self.req("POST", self.state("bin"), {"a": 1})
        self.assertEqual(r.status, 400)
        self.assertIn("not a JSON object", r.text)
        self.assertEqual(self.req("GET", self.state("bin")).body, b"\x00\x01binary")
        self.req("PUT", self.state("json"), {"a": 1})
        r = self.req("POST", self.state("json"), b"a=2", ctype="text/plain")
        self.assertEqual(r.status, 400)
        self.assertIn("application/json", r.text)
        r = self.req("POST", self.state("json"), b"[1, 2]", ctype="application/json")
        self.assertEqual(r.status, 400)
        self.assertIn("JSON object", r.text)
        self.assertEqual(json.loads(self.req("GET", self.state("json")).body), {"a": 1})

    def test_lrs_rejects_a_json_document_that_is_not_valid_json_and_stores_nothing(self):
        """A document sent as application/json must be JSON: 400, nothing stored."""
        before = self.count_docs()
        r = self.req("PUT", self.state("badjson"), b'{"a": ', ctype="application/json")
        self.assertEqual(r.status, 400)
        self.assertIn("not valid JSON", r.text)
        self.assertEqual(self.count_docs(), before)

    def test_state_get_without_state_id_returns_ids_and_since_filters_on_stored_time(self):
        """'GET ... without stateId: Fetches State ids of all state data for this
        context' (an array of ids); 'since: Only ids of states stored since the
        specified timestamp (exclusive) are returned'."""
        self.req("PUT", self.state("one"), {"n": 1})
        self.req("PUT", self.state("two"), {"n": 2})
        base = "/xapi/activities/state?" + q(activityId=self.act, agent=self.agent)
        r = self.req("GET", base)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(sorted(json.loads(r.body)), ["one", "two"])
        r = self.req("GET", base + "&" + q(since="2999-01-01T00:00:00Z"))
        self.assertEqual(json.loads(r.body), [])
        r = self.req("GET", base + "&" + q(since="2000-01-01T00:00:00Z"))
        self.assertEqual(sorted(json.loads(r.body)), ["one", "two"])

    def test_state_registration_keeps_documents_apart(self):
        """'registration: The Registration associated with this state': the
        same stateId under another registration is another document."""
        reg = str(uuid.uuid4())
        self.req("PUT", self.state("s"), {"r": "none"})
        self.req("PUT", self.state("s", registration=reg), {"r": "one"})
        self.assertEqual(json.loads(self.req("GET", self.state("s")).body), {"r": "none"})
        self.assertEqual(json.loads(self.req("GET", self.state("s", registration=reg)).body),
                         {"r": "one"})
        r = self.req("GET", self.state("s", registration=str(uuid.uuid4())))
        self.assertEqual(r.status, 404)

    def test_state_delete_single_and_delete_all_for_the_context(self):
        """'DELETE Deletes the document specified' and, without stateId,
        'Deletes all State documents that match the given activityId, agent,
        and registration (optional)'; 204 No Content."""
        reg = str(uuid.uuid4())
        for sid in ("a", "b"):
            self.req("PUT", self.state(sid), {"x": sid})
            self.req("PUT", self.state(sid, registration=reg), {"x": sid})
        r = self.req("DELETE", self.state("a"))
        self.assertEqual(r.status, 204)
        self.assertEqual(self.req("GET", self.state("a")).status, 404)
        self.assertEqual(self.req("GET", self.state("a", registration=reg)).status, 200)
        base = "/xapi/activities/state?" + q(activityId=self.act, agent=self.agent)
        r = self.req("DELETE", base + "&" + q(registration=reg))
        self.assertEqual(r.status, 204)
        self.assertEqual(self.req("GET", self.state("a", registration=reg)).status, 404)
        self.assertEqual(self.req("GET", self.state("b")).status, 200)
        r = self.req("DELETE", base)
        self.assertEqual(r.status, 204)
        self.assertEqual(json.loads(self.req("GET", base).body), [])
        r = self.req("DELETE", self.state("never-there"))
        self.assertEqual(r.status, 204)

    def test_agent_is_matched_by_its_inverse_functional_identifier(self):
        """Agents are identified by their Inverse Functional Identifier: the
        same mbox with another name addresses the same document."""
        self.req("PUT", self.state(), {"v": 1})
        other = dict(self.agent, name="Someone Else")
        path = "/xapi/activities/state?" + q(activityId=self.act, agent=other, stateId="s1")
        self.assertEqual(json.loads(self.req("GET", path).body), {"v": 1})

    def test_state_put_without_precondition_is_allowed_in_1_0_3(self):
        """1.0.3: the concurrency requirement (409 without If-Match or
        If-None-Match) 'applies to the Activity and Agent Profile Resources';
        a State PUT replaces the document."""
        self.req("PUT", self.state(), {"v": 1})
        r = self.req("PUT", self.state(), {"v": 2})
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(json.loads(self.req("GET", self.state()).body), {"v": 2})

    def test_lrs_returns_409_when_put_to_existing_state_without_precondition_in_2_0(self):
        """2.0 (9274.1.1 4.1.6): the State resource has concurrency controls: 'If
        a PUT request is received without either header for a resource that
        already exists, the LRS shall return 409 Conflict' and 'shall not make a
        modification to the resource'."""
        self.req("PUT", self.state(), {"v": 1}, version=V2)
        r = self.req("PUT", self.state(), {"v": 2}, version=V2)
        self.assertEqual(r.status, 409)
        self.assertEqual(r.header("X-Experience-API-Version"), V2)
        self.assertIn("If-Match", r.text)
        got = self.req("GET", self.state(), version=V2)
        self.assertEqual(json.loads(got.body), {"v": 1})
        r = self.req("PUT", self.state(), {"v": 3}, version=V2, If_Match=got.header("ETag"))
        self.assertEqual(r.status, 204, r.text)

    # ---- concurrency on the profiles -------------------------------------

    def aprof(self, pid="p1"):
        return "/xapi/activities/profile?" + q(activityId=self.act, profileId=pid)

    def test_lrs_returns_409_when_put_to_existing_profile_without_precondition(self):
        """'If a PUT request is received without either header for a resource
        that already exists, the LRS MUST return HTTP status 409 Conflict ...
        MUST NOT make a modification to the resource'."""
        self.assertEqual(self.req("PUT", self.aprof(), {"v": 1}).status, 204)
        r = self.req("PUT", self.aprof(), {"v": 2})
        self.assertEqual(r.status, 409)
        self.assertIn("If-Match", r.text)
        self.assertEqual(json.loads(self.req("GET", self.aprof()).body), {"v": 1})

    def test_lrs_returns_412_when_if_match_precondition_fails_and_modifies_nothing(self):
        """'If the header precondition ... fails, the LRS MUST return HTTP status
        412 Precondition Failed. MUST NOT make a modification to the resource'."""
        self.req("PUT", self.aprof(), {"v": 1})
        current = self.req("GET", self.aprof()).header("ETag")
        r = self.req("PUT", self.aprof(), {"v": 2}, If_Match=etag(b"something else"))
        self.assertEqual(r.status, 412)
        r = self.req("POST", self.aprof(), {"v": 2}, If_Match=etag(b"something else"))
        self.assertEqual(r.status, 412)
        r = self.req("DELETE", self.aprof(), If_Match=etag(b"something else"))
        self.assertEqual(r.status, 412)
        self.assertEqual(self.req("GET", self.aprof()).header("ETag"), current)
        r = self.req("PUT", self.aprof(), {"v": 3}, If_Match=current)
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(json.loads(self.req("GET", self.aprof()).body), {"v": 3})

    def test_concurrent_writers_with_the_same_if_match_only_one_wins(self):
        """Concurrency control exists 'to prevent lost edits': of writers that
        all send If-Match with the same ETag at once, one succeeds and the rest
        get 412 Precondition Failed (the check and the write are one
        transaction)."""
        import threading
        self.req("PUT", self.aprof("race"), {"v": 0})
        tag = self.req("GET", self.aprof("race")).header("ETag")
        statuses = []

        def write(i):
            c = self.srv.client()
            r = c.request("PUT", self.aprof("race"), json.dumps({"v": i}),
                          {"Authorization": self.auth, "X-Experience-API-Version": V1,
                           "Content-Type": "application/json", "If-Match": tag})
            statuses.append(r.status)

        threads = [threading.Thread(target=write, args=(i + 1,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(statuses), [204] + [412] * 7)

    def test_if_match_on_a_missing_document_fails_with_412(self):
        """If-Match (RFC 2616/7232): no current representation, no match: 412."""
        r = self.req("PUT", self.aprof("absent"), {"v": 1}, If_Match=etag(b"x"))
        self.assertEqual(r.status, 412)
        self.assertEqual(self.req("GET", self.aprof("absent")).status, 404)

    def test_if_none_match_star_creates_only_when_absent(self):
        """'If-None-Match: *' - the LRS stores the document only when none
        exists, and answers 412 when one does."""
        r = self.req("PUT", self.aprof("new"), {"v": 1}, If_None_Match="*")
        self.assertEqual(r.status, 204, r.text)
        r = self.req("PUT", self.aprof("new"), {"v": 2}, If_None_Match="*")
        self.assertEqual(r.status, 412)
        self.assertEqual(json.loads(self.req("GET", self.aprof("new")).body), {"v": 1})

    def test_activity_profile_ids_list_with_since_and_delete(self):
        """'GET without profileId: Fetches Profile ids of all Profile documents
        for an Activity' ('since' exclusive); 'DELETE Deletes the specified
        profile document'."""
        self.req("PUT", self.aprof("x"), {"v": 1})
        self.req("PUT", self.aprof("y"), b"plain", ctype="text/plain")
        base = "/xapi/activities/profile?" + q(activityId=self.act)
        self.assertEqual(sorted(json.loads(self.req("GET", base).body)), ["x", "y"])
        r = self.req("GET", base + "&" + q(since="2999-01-01T00:00:00Z"))
        self.assertEqual(json.loads(r.body), [])
        self.assertEqual(self.req("DELETE", self.aprof("x")).status, 204)
        self.assertEqual(json.loads(self.req("GET", base).body), ["y"])

    # ---- Agent Profile -----------------------------------------------------

    def test_agent_profile_put_get_ids_and_concurrency(self):
        """The Agent Profile resource: 'PUT Stores ... GET Fetches ... GET
        without profileId: Fetches Profile ids of all Profile documents for an
        Agent', with the same 409 and 412 rules as the Activity Profile."""
        path = "/xapi/agents/profile?" + q(agent=self.agent, profileId="prefs")
        self.assertEqual(self.req("PUT", path, {"lang": "es"}).status, 204)
        self.assertEqual(self.req("PUT", path, {"lang": "en"}).status, 409)
        r = self.req("GET", path)
        self.assertEqual(json.loads(r.body), {"lang": "es"})
        self.assertEqual(self.req("POST", path, {"size": "large"}, If_Match=r.header("ETag")).status,
                         204)
        self.assertEqual(json.loads(self.req("GET", path).body), {"lang": "es", "size": "large"})
        ids = self.req("GET", "/xapi/agents/profile?" + q(agent=self.agent))
        self.assertEqual(json.loads(ids.body), ["prefs"])

    # ---- scope -----------------------------------------------------------

    def test_another_tool_never_reads_or_changes_a_tools_documents(self):
        """Documents are scoped to the tool whose credentials stored them."""
        self.req("PUT", self.state(), {"secret": 1})
        self.assertEqual(self.req("GET", self.state(), auth=self.auth2).status, 404)
        base = "/xapi/activities/state?" + q(activityId=self.act, agent=self.agent)
        self.assertEqual(json.loads(self.req("GET", base, auth=self.auth2).body), [])
        self.req("DELETE", base, auth=self.auth2)
        self.assertEqual(self.req("GET", self.state()).status, 200)
        r = self.c.request("GET", self.state(), None, {"X-Experience-API-Version": V1})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.header("X-Experience-API-Version"), V1)
        r = self.c.request("PUT", self.state(), b"{}", {"X-Experience-API-Version": V2})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.header("X-Experience-API-Version"), V2)

    # ---- bad input -------------------------------------------------------

    def test_bad_parameters_are_400_with_the_reason_and_nothing_stored(self):
        """'The LRS MUST reject with 400 Bad Request' requests whose parameters
        are missing, unknown or malformed; nothing is stored."""
        before = self.count_docs()
        cases = [
            ("/xapi/activities/state?" + q(agent=self.agent, stateId="s"), "needs the parameter activityId"),
            ("/xapi/activities/state?" + q(activityId=self.act, stateId="s"), "needs the parameter agent"),
            ("/xapi/activities/state?" + q(activityId=self.act, agent=self.agent), "needs the parameter stateId"),
            (self.state(color="red"), "unknown parameter color"),
            (self.state(since="2020-01-01T00:00:00Z"), "since is not allowed with PUT"),
            (self.state(registration="not-a-uuid"), "registration: must be a UUID"),
            ("/xapi/activities/state?" + q(activityId="not an iri", agent=self.agent, stateId="s"),
             "activityId: must be an IRI"),
            ("/xapi/activities/state?" + q(activityId=self.act, agent="{nope", stateId="s"),
             "agent: must be an Agent as JSON"),
            ("/xapi/activities/state?" + q(activityId=self.act, agent={"mbox": "a@b"}, stateId="s"),
             "mbox"),
            ("/xapi/activities/state?" + q(activityId=self.act, agent=self.agent, stateId="s") +
             "&stateId=t", "given more than once"),
            ("/xapi/activities/profile?" + q(activityId=self.act, profileId="p", agent=self.agent),
             "unknown parameter agent"),
            ("/xapi/agents/profile?" + q(profileId="p"), "needs the parameter agent"),
        ]
        for path, why in cases:
            r = self.req("PUT", path, {"a": 1})
            self.assertEqual(r.status, 400, path)
            self.assertIn(why, r.text, path)
        r = self.req("GET", self.state() + "&" + q(since="2020-01-01T00:00:00Z"))
        self.assertEqual(r.status, 400)
        self.assertIn("since: only for a list of ids", r.text)
        r = self.req("GET", "/xapi/activities/state?" + q(activityId=self.act, agent=self.agent,
                                                         since="yesterday"))
        self.assertEqual(r.status, 400)
        self.assertIn("since: must be an ISO 8601 timestamp", r.text)
        self.assertEqual(self.count_docs(), before)

    def test_lrs_rejects_requests_without_a_valid_version_header(self):
        """'The LRS MUST reject with HTTP 400 Bad Request status any request to
        any of these Resources that use any API version header' it does not
        accept (and requests without one)."""
        before = self.count_docs()
        r = self.req("PUT", self.state(), {"a": 1}, version=None)
        self.assertEqual(r.status, 400)
        r = self.req("PUT", self.state(), {"a": 1}, version="0.95")
        self.assertEqual(r.status, 400)
        self.assertEqual(self.count_docs(), before)

    def test_document_over_the_size_cap_is_413_and_nothing_stored(self):
        """The document cap this LRS states (1 MiB, docs/xapi.md): 413, nothing stored."""
        before = self.count_docs()
        r = self.req("PUT", self.state("big"), b"x" * ((1 << 20) + 1), ctype="text/plain")
        self.assertEqual(r.status, 413)
        self.assertEqual(self.count_docs(), before)

    # ---- Activities, Agents, About -------------------------------------

    def post_statement(self, actor, definition=None):
        obj = {"objectType": "Activity", "id": self.act}
        if definition:
            obj["definition"] = definition
        st = {"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
              "object": obj}
        r = self.req("POST", "/xapi/statements", [st])
        self.assertEqual(r.status, 200, r.text)

    def test_activities_resource_returns_the_activity_with_its_definition(self):
        """'GET /activities ... Returns: 200 OK, Content: Activity Object': the
        definition the LRS holds for it, or just the id when it has none."""
        r = self.req("GET", "/xapi/activities?" + q(activityId=self.act))
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(r.body), {"objectType": "Activity", "id": self.act})
        definition = {"name": {"en-US": "Fractions quiz"},
                      "type": "http://adlnet.gov/expapi/activities/assessment"}
        self.post_statement(self.agent, definition)
        r = self.req("GET", "/xapi/activities?" + q(activityId=self.act))
        self.assertEqual(json.loads(r.body)["definition"], definition)
        r = self.req("GET", "/xapi/activities")
        self.assertEqual(r.status, 400)
        self.assertIn("activityId", r.text)

    def test_agents_resource_returns_a_person_object(self):
        """'GET /agents ... Returns: 200 OK, Content: Person Object' with arrays
        of the names and identifiers the LRS knows for that Agent."""
        self.post_statement(dict(self.agent, name="Ana"))
        self.post_statement(dict(self.agent, name="Ana Q."))
        r = self.req("GET", "/xapi/agents?" + q(agent=self.agent))
        self.assertEqual(r.status, 200, r.text)
        person = json.loads(r.body)
        self.assertEqual(person["objectType"], "Person")
        self.assertEqual(person["mbox"], [self.agent["mbox"]])
        self.assertEqual(sorted(person["name"]), ["Ana", "Ana Q."])
        r = self.req("GET", "/xapi/agents?" + q(agent={"name": "nobody"}))
        self.assertEqual(r.status, 400)

    def test_about_lists_the_versions(self):
        """'GET /about ... version: xAPI versions this LRS supports'."""
        r = self.c.request("GET", "/xapi/about")
        self.assertEqual(r.status, 200)
        self.assertIn("1.0.3", json.loads(r.body)["version"])
        self.assertIn("2.0.0", json.loads(r.body)["version"])

    # ---- HEAD --------------------------------------------------------------

    def test_lrs_answers_head_on_every_get_resource_with_the_headers_and_no_body(self):
        """'The LRS SHALL allow the HEAD method on any resource that supports
        GET ... responses ... are identical to GET except they SHALL NOT
        contain a message body'."""
        self.req("PUT", self.state(), {"v": 1})
        self.post_statement(self.agent)
        for path in (self.state(), "/xapi/statements?limit=1", "/xapi/about",
                     "/xapi/activities?" + q(activityId=self.act),
                     "/xapi/agents?" + q(agent=self.agent),
                     "/xapi/activities/profile?" + q(activityId=self.act),
                     "/xapi/agents/profile?" + q(agent=self.agent)):
            g = self.req("GET", path)
            h = self.req("HEAD", path)
            self.assertEqual(h.status, g.status, path)
            self.assertEqual(h.body, b"", path)
            for name in ("Content-Type", "ETag", "Last-Modified", "X-Experience-API-Version",
                         "Content-Length"):
                self.assertEqual(h.header(name), g.header(name), f"{path}: {name}")
        self.assertEqual(self.req("HEAD", self.state("nothing")).status, 404)
