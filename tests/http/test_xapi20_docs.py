"""xAPI 2.0 (IEEE 9274.1.1) document resources, clause by clause: the
concurrency rules of 4.1.4 for each of the three document resources (State,
Activity Profile, Agent Profile), the document merge and content-type rules of
the Document Resources section, the parameter rules of each resource table,
and the Activities and Agents resources. Each test names the clause it checks
and quotes it in its docstring; every refusal also checks that nothing
changed."""
import json
import urllib.parse
import uuid

from test_xapi_docs import DocsBase, q

V2 = "2.0.0"


class Xapi20Docs(DocsBase):
    # the three document resources, each with the parameters of one document
    def resources(self):
        return [
            ("state", "/xapi/activities/state",
             dict(activityId=self.act, agent=self.agent, stateId="s-" + uuid.uuid4().hex[:8])),
            ("activity profile", "/xapi/activities/profile",
             dict(activityId=self.act, profileId="p-" + uuid.uuid4().hex[:8])),
            ("agent profile", "/xapi/agents/profile",
             dict(agent=self.agent, profileId="p-" + uuid.uuid4().hex[:8])),
        ]

    def r2(self, method, base, params, body=None, **kw):
        return self.req(method, base + "?" + q(**params), body, version=V2, **kw)

    def doc(self, base, params):
        r = self.r2("GET", base, params)
        return r, (json.loads(r.body) if r.status == 200 else None)


    # ---- 4.1.4 Concurrency -------------------------------------------------

    def test_lrs_responding_to_a_get_request_shall_add_an_etag_header_enclosed_in_quotes(self):
        """'An LRS responding to a GET request SHALL add an ETag HTTP header to
        the response' / 'the Etag header must be enclosed in quotes' (a quoted
        SHA-1: 42 characters)."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.assertEqual(self.r2("POST", base, params, {"a": 1}).status, 204)
                r, _ = self.doc(base, params)
                tag = r.header("ETag")
                self.assertEqual(len(tag), 42, tag)
                self.assertTrue(tag.startswith('"') and tag.endswith('"'), tag)

    def test_put_with_an_incorrect_etag_is_412_and_modifies_nothing_a_correct_one_is_204(self):
        """'When responding to a PUT ... request, must handle the If-Match
        header ...': 'reject a PUT request with a 412 Precondition Failed when
        using an incorrect ETag', 'not have modified the document', 'accept a
        PUT request with a correct ETag' and 'have modified the document'. A
        weak tag (W/"...") never matches If-Match (RFC 7232's strong
        comparison)."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"name": "first"})
                good = self.doc(base, params)[0].header("ETag")
                for wrong in ("1234", '"1234"', 'W/"' + good.strip('"') + '"'):
                    r = self.r2("PUT", base, params, {"name": "second"}, If_Match=wrong)
                    self.assertEqual(r.status, 412, (wrong, r.text))
                    self.assertEqual(self.doc(base, params)[1], {"name": "first"})
                r = self.r2("PUT", base, params, {"name": "second"}, If_Match=good)
                self.assertEqual(r.status, 204, r.text)
                self.assertEqual(self.doc(base, params)[1], {"name": "second"})
                # the tag's hex compares without regard to case
                tag = self.doc(base, params)[0].header("ETag").upper()
                r = self.r2("PUT", base, params, {"name": "third"}, If_Match=tag)
                self.assertEqual(r.status, 204, r.text)

    def test_post_with_an_incorrect_etag_is_412_and_modifies_nothing_a_correct_one_merges(self):
        """'Properly handles POST requests with If-Match': an incorrect ETag is
        412 with the document unchanged; the correct one is 204 and merges."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"name": "first", "keep": True})
                good = self.doc(base, params)[0].header("ETag")
                r = self.r2("POST", base, params, {"name": "second"}, If_Match="1234")
                self.assertEqual(r.status, 412, r.text)
                self.assertEqual(self.doc(base, params)[1], {"name": "first", "keep": True})
                r = self.r2("POST", base, params, {"name": "second"}, If_Match=good)
                self.assertEqual(r.status, 204, r.text)
                self.assertEqual(self.doc(base, params)[1], {"name": "second", "keep": True})

    def test_delete_with_an_incorrect_etag_is_412_and_keeps_the_document(self):
        """'Properly handles DELETE requests with If-Match': 'reject a DELETE
        request with a 412 Precondition Failed when using an incorrect ETag',
        the document is still there (200), the correct ETag deletes it (204,
        then 404)."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"name": "first"})
                good = self.doc(base, params)[0].header("ETag")
                r = self.r2("DELETE", base, params, If_Match="1234")
                self.assertEqual(r.status, 412, r.text)
                r, body = self.doc(base, params)
                self.assertEqual((r.status, body), (200, {"name": "first"}))
                self.assertEqual(self.r2("DELETE", base, params, If_Match=good).status, 204)
                self.assertEqual(self.doc(base, params)[0].status, 404)

    def test_put_without_either_header_to_an_existing_document_is_409_with_a_message(self):
        """'If a PUT request is received without either header for a resource
        that already exists': 'Return 409 conflict', 'Return error message
        explaining the situation', 'Do not modify the resource' — in 2.0 for
        the State resource too."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.assertEqual(self.r2("PUT", base, params, {"v": 1}).status, 204)
                r = self.r2("PUT", base, params, {"v": 2})
                self.assertEqual(r.status, 409)
                self.assertGreater(len(r.text), 0)
                self.assertEqual(self.doc(base, params)[1], {"v": 1})

    def test_if_none_match_star_refuses_to_overwrite_an_existing_document(self):
        """RFC 7232 as the concurrency section asks: 'If-None-Match: *' on a
        document that exists is 412 and changes nothing."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("PUT", base, params, {"v": 1}, If_None_Match="*")
                r = self.r2("PUT", base, params, {"v": 2}, If_None_Match="*")
                self.assertEqual(r.status, 412, r.text)
                self.assertEqual(self.doc(base, params)[1], {"v": 1})

    # ---- Document Resources: merge and content types -----------------------

    def test_document_merge_overwrites_duplicate_values_one_level_deep(self):
        """'A Document Merge overwrites any duplicate values from the previous
        document with the new document' and 'only performs overwrites at one
        level deep, although the entire object is replaced'."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"car": {"make": "Ford", "model": "Escape"},
                                               "driver": "Dale", "series": {"n": {"s": "sprint"}}})
                r = self.r2("POST", base, params, {"car": {"make": "Dodge"}, "driver": "Jeff"})
                self.assertEqual(r.status, 204, r.text)
                self.assertEqual(self.doc(base, params)[1],
                                 {"car": {"make": "Dodge"}, "driver": "Jeff",
                                  "series": {"n": {"s": "sprint"}}})

    def test_post_of_a_document_that_is_not_json_onto_a_json_one_is_400_and_changes_nothing(self):
        """'If the document being posted ... does not have a Content-Type of
        application/json and the existing document does, the LRS MUST respond
        with HTTP status code 400 Bad Request, and MUST NOT update the target
        document'."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"a": 1})
                r = self.r2("POST", base, params, b"abcdefg", ctype="not/json")
                self.assertEqual(r.status, 400, r.text)
                self.assertEqual(self.doc(base, params)[1], {"a": 1})

    def test_post_of_json_onto_a_document_that_is_not_json_is_400_and_changes_nothing(self):
        """'If the existing document does not have a Content-Type of
        application/json but the document being posted does the LRS MUST
        respond with HTTP status code 400 Bad Request'."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("PUT", base, params, b"/ asdf / undefined", ctype="application/octet-stream")
                r = self.r2("POST", base, params, {"a": 1})
                self.assertEqual(r.status, 400, r.text)
                got = self.r2("GET", base, params)
                self.assertEqual(got.body, b"/ asdf / undefined")

    def test_post_of_unparsable_json_is_400_and_changes_nothing(self):
        """'If the document being posted ... has a Content-Type of
        application/json but cannot be parsed as a JSON Object, the LRS MUST
        respond with HTTP status code 400 Bad Request' — also a JSON array or
        a string, which are JSON but not objects."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.r2("POST", base, params, {"a": 1})
                for bad in (b'{"a": 2}{', b"[1, 2]", b'"text"'):
                    r = self.r2("POST", base, params, bad, ctype="application/json")
                    self.assertEqual(r.status, 400, (bad, r.text))
                self.assertEqual(self.doc(base, params)[1], {"a": 1})

    def test_post_for_a_document_not_in_the_lrs_is_treated_as_a_put(self):
        """'upon receiving a POST request for a document not currently in the
        LRS, treats it as a PUT request and store a new document'."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                self.assertEqual(self.r2("POST", base, params, {"new": 1}).status, 204)
                self.assertEqual(self.doc(base, params)[1], {"new": 1})

    # ---- the parameter tables ---------------------------------------------

    def test_each_required_parameter_missing_is_400_for_each_method(self):
        """'rejects a PUT / POST / GET / DELETE request without "activityId"
        (State, Activity Profile) / "agent" (State, Agent Profile) as a
        parameter with error code 400 Bad Request'; PUT and POST also need the
        document's own id (stateId / profileId)."""
        for name, base, params in self.resources():
            required = [k for k in params if k in ("activityId", "agent")]
            ids = [k for k in params if k in ("stateId", "profileId")]
            for method in ("PUT", "POST", "GET", "DELETE"):
                drop = required + (ids if method in ("PUT", "POST") else [])
                for key in drop:
                    with self.subTest(resource=name, method=method, missing=key):
                        p = {k: v for k, v in params.items() if k != key}
                        body = {"a": 1} if method in ("PUT", "POST") else None
                        r = self.r2(method, base, p, body)
                        self.assertEqual(r.status, 400, r.text)
                        self.assertIn(key, r.text)
                        self.assertEqual(self.doc(base, params)[0].status, 404)

    def test_agent_that_is_not_json_or_not_an_agent_is_400(self):
        """'rejects a PUT / POST / GET / DELETE request with "agent" as a
        parameter if it is not in JSON format with error code 400 Bad Request'
        (also JSON that is not an Agent, and a broken URL encoding of it)."""
        for name, base, params in self.resources():
            if "agent" not in params:
                continue
            for method in ("PUT", "POST", "GET", "DELETE"):
                for bad in ("not JSON", "true", '{"name": "no identifier"}'):
                    with self.subTest(resource=name, method=method, agent=bad):
                        p = dict(params, agent=bad)
                        body = {"a": 1} if method in ("PUT", "POST") else None
                        r = self.req(method, base + "?" + q(**p), body, version=V2)
                        self.assertEqual(r.status, 400, r.text)
        # 'name/value pairs with invalid JSON': the agent's encoding broken
        agent = urllib.parse.quote(json.dumps(self.agent), safe="").replace("%3A", "%22", 1)
        path = "/xapi/activities/state?" + q(activityId=self.act, stateId="x") + "&agent=" + agent
        r = self.req("POST", path, {"a": 1}, version=V2)
        self.assertEqual(r.status, 400, r.text)

    def test_state_registration_that_is_not_a_uuid_is_400_for_each_method(self):
        """'rejects a PUT / POST / GET / DELETE request with "registration" as a
        parameter if it is not a UUID with error code 400 Bad Request'; a UUID
        registration is processed (204/200)."""
        _, base, params = self.resources()[0]
        for method in ("PUT", "POST", "GET", "DELETE"):
            with self.subTest(method=method):
                body = {"a": 1} if method in ("PUT", "POST") else None
                r = self.r2(method, base, dict(params, registration="true"), body)
                self.assertEqual(r.status, 400, r.text)
        ok = dict(params, registration=str(uuid.uuid4()))
        self.assertEqual(self.r2("PUT", base, ok, {"a": 1}).status, 204)
        self.assertEqual(self.doc(base, ok)[1], {"a": 1})
        self.assertEqual(self.r2("DELETE", base, ok).status, 204)

    def test_since_that_is_not_a_timestamp_is_400_and_ids_are_a_json_array(self):
        """A GET without the document's id 'returns an array of ids'; 'since'
        must be a Timestamp (400 otherwise), and 'since' is refused with a
        single document's id is not required, so it is ignored there."""
        for name, base, params in self.resources():
            with self.subTest(resource=name):
                idkey = "stateId" if "stateId" in params else "profileId"
                self.r2("POST", base, params, {"a": 1})
                listing = {k: v for k, v in params.items() if k != idkey}
                r = self.r2("GET", base, listing)
                self.assertEqual(r.status, 200, r.text)
                self.assertIn(params[idkey], json.loads(r.body))
                r = self.r2("GET", base, dict(listing, since="yesterday"))
                self.assertEqual(r.status, 400, r.text)
                self.assertIn("since", r.text)

    # ---- Activities and Agents resources ----------------------------------

    def test_activities_and_agents_resources_refuse_a_missing_or_bad_parameter(self):
        """Activities: 'activityId' is required (400 without it); Agents: the
        'agent' parameter is required and must be an Agent in JSON (400)."""
        self.assertEqual(self.req("GET", "/xapi/activities", version=V2).status, 400)
        self.assertEqual(self.req("GET", "/xapi/agents", version=V2).status, 400)
        r = self.req("GET", "/xapi/agents?" + q(agent="not JSON"), version=V2)
        self.assertEqual(r.status, 400)
        r = self.req("GET", "/xapi/agents?" + q(agent=self.agent), version=V2)
        self.assertEqual(r.status, 200, r.text)
        person = json.loads(r.body)
        self.assertEqual(person["objectType"], "Person")
        self.assertEqual(person["mbox"], [self.agent["mbox"]])

    def test_lrs_makes_no_modifications_to_stored_data_for_a_rejected_request(self):
        """'An LRS makes no modifications to stored data for any rejected
        request': a batch with one bad statement is 400 and the good one in it
        is not stored."""
        good = {"id": str(uuid.uuid4()), "actor": self.agent,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                "object": {"id": self.act}}
        bad = dict(good, id=str(uuid.uuid4()), verb={"id": "should fail"})
        r = self.req("POST", "/xapi/statements", [good, bad], version=V2)
        self.assertEqual(r.status, 400, r.text)
        r = self.req("GET", "/xapi/statements?" + q(statementId=good["id"]), version=V2)
        self.assertEqual(r.status, 404)
