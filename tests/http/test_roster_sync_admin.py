"""OneRoster REST sources added, changed and removed from /admin/roster-sync
(issue 17, h17-admin; docs/oneroster_sync.md): the secret sealed and never
shown back (only "set"), the nightly schedule on and off, bad input (not
https except loopback, an empty client id, no secret on add) refused with a
400 naming the field and nothing stored, each change audited, and the
sources readable at 375 px (a definition list per source, no wide table)."""
import os

from ebtest import BACKEND, Server, TempDir, db_execute, field_error, make_district

SECRET = "sis-secret-never-shown-42"
URL = "https://sis.example.org/ims/oneroster/v1p1"


def sources(db):
    return db_execute(db, "SELECT id, url, token_url, client_id, version, hour, enabled,"
                          " client_secret_sealed FROM roster_source ORDER BY id")


def form(**kw):
    f = {"url": URL, "token_url": "", "client_id": "sis-client", "secret": SECRET,
         "version": "1.1", "hour": "3", "nightly": "on"}
    f.update(kw)
    return {k: v for k, v in f.items() if v is not None}


class RosterSyncAdmin(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)
        if BACKEND == "pg":  # no database file to keep the vault's key beside
            os.environ["EDBRIDGE_VAULT_KEY_FILE"] = os.path.join(self.tmp, "vault.key")
            self.addCleanup(os.environ.pop, "EDBRIDGE_VAULT_KEY_FILE", None)

    def test_add_change_replace_secret_schedule_and_remove(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            r = c.get("/admin/roster-sync")
            self.assertEqual(r.status, 200)
            self.assertIn("Add a source", r.text)
            r = c.post("/admin/roster-sync/add", form())
            self.assertEqual(r.status, 303, r.text[:600])
            rows = sources(self.db)
            self.assertEqual(len(rows), 1)
            sid, url, tok, cid, ver, hour, enabled, sealed = rows[0]
            self.assertEqual((url, cid, str(ver), str(hour), str(enabled)),
                             (URL, "sis-client", "1.1", "3", "1"))
            self.assertTrue(sealed.startswith("ebv1:"), sealed)
            self.assertNotIn(SECRET, sealed)
            # shown as a record, the secret only as set; no wide table of sources
            r = c.get("/admin/roster-sync")
            self.assertIn('<div class="record"><dl><dt>Service</dt>', r.text)
            self.assertIn("Set (sealed, never shown)", r.text)
            self.assertIn("At 03:00", r.text)
            self.assertNotIn(SECRET, r.text)
            self.assertNotIn('aria-label="Roster sources"', r.text)
            # the change form: values shown, never the secret
            r = c.get(f"/admin/roster-sync?edit={sid}")
            self.assertIn(f'action="/admin/roster-sync/{sid}/edit"', r.text)
            self.assertIn("leave empty to keep it", r.text)
            self.assertNotIn(SECRET, r.text)
            # changed without a secret: the sealed one is kept; the schedule off
            r = c.post(f"/admin/roster-sync/{sid}/edit",
                       form(secret="", client_id="sis-client-2", version="1.2", hour="22",
                            nightly=None, url="http://127.0.0.1:9/ims/oneroster/v1p1"))
            self.assertEqual(r.status, 303, r.text[:600])
            row = sources(self.db)[0]
            self.assertEqual((row[1], row[3], row[4], str(row[5]), str(row[6]), row[7]),
                             ("http://127.0.0.1:9/ims/oneroster/v1p1", "sis-client-2", "1.2",
                              "22", "0", sealed))
            self.assertIn("Off (runs only when asked)", c.get("/admin/roster-sync").text)
            # a new secret replaces the sealed one; the schedule back on
            r = c.post(f"/admin/roster-sync/{sid}/edit", form(secret="another-secret-7"))
            self.assertEqual(r.status, 303)
            row = sources(self.db)[0]
            self.assertNotEqual(row[7], sealed)
            self.assertEqual(str(row[6]), "1")
            # removed, with its history
            db_execute(self.db, "INSERT INTO roster_sync_run(district_id, source_id, mode,"
                                " actor_label, started_at, finished_at, ok) VALUES"
                                f" (1, {sid}, 'full', 'command line', 1, 2, 1)")
            r = c.post(f"/admin/roster-sync/{sid}/remove", {})
            self.assertEqual(r.status, 303)
            self.assertEqual(sources(self.db), [])
            self.assertEqual(db_execute(self.db, "SELECT count(*) FROM roster_sync_run")[0][0]
                             in (0, "0"), True)
            self.assertEqual(c.post(f"/admin/roster-sync/{sid}/remove", {}).status, 404)
            # every change audited, never with the secret
            rows = db_execute(self.db, "SELECT action, detail FROM audit_log WHERE"
                                       " subject_type = 'roster_source' ORDER BY id")
            self.assertEqual([r[0] for r in rows], ["create", "update", "update", "delete"])
            self.assertNotIn(SECRET, repr(rows))

    def test_bad_input_names_the_field_and_stores_nothing(self):
        cases = [
            (form(url="http://sis.example.org/ims/oneroster/v1p1"), "url", "must be https"),
            (form(url="ftp://sis.example.org/x"), "url", "must be https"),
            (form(url=""), "url", "required"),
            (form(url="https://user:pw@sis.example.org/x"), "url", "credentials"),
            (form(token_url="http://auth.example.org/token"), "token_url", "must be https"),
            (form(client_id=""), "client_id", "required"),
            (form(secret=""), "secret", "required when adding"),
            (form(version="2.0"), "version", "1.1 or 1.2"),
            (form(hour="24"), "hour", "0 to 23"),
        ]
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            c.get("/admin/roster-sync")
            for fields, field, words in cases:
                r = c.post("/admin/roster-sync/add", fields)
                self.assertEqual(r.status, 400, (field, r.text[:300]))
                self.assertIn(words.lower(), field_error(r.text, field).lower(), (field, words))
                self.assertIn("Nothing was saved", r.text)
                self.assertNotIn(SECRET, r.text)
                self.assertEqual(sources(self.db), [], field)
            self.assertEqual(c.post("/admin/roster-sync/add", form()).status, 303)
            before = sources(self.db)
            sid = before[0][0]
            # a change with a bad field: 400, the source as it was
            r = c.post(f"/admin/roster-sync/{sid}/edit", form(client_id="", secret=""))
            self.assertEqual(r.status, 400)
            self.assertIn("required", field_error(r.text, "client_id").lower())
            r = c.post(f"/admin/roster-sync/{sid}/edit",
                       form(url="http://example.com/ims/oneroster/v1p1"))
            self.assertEqual(r.status, 400)
            self.assertIn("must be https", field_error(r.text, "url").lower())
            self.assertEqual(sources(self.db), before)
            # another source's URL: refused at the url
            self.assertEqual(c.post("/admin/roster-sync/add",
                                    form(url=URL + "/other")).status, 303)
            r = c.post(f"/admin/roster-sync/{sid}/edit", form(url=URL + "/other"))
            self.assertEqual(r.status, 400, r.text[:400])
            self.assertIn("another source", field_error(r.text, "url").lower())
            self.assertEqual(sources(self.db)[0], before[0])
            # no source 999; another district's admin sees none of them
            self.assertEqual(c.post("/admin/roster-sync/999/edit", form()).status, 404)
            o = srv.client()
            o.login("other.admin")
            self.assertEqual(o.post(f"/admin/roster-sync/{sid}/remove", {}).status, 404)
            self.assertEqual(o.post(f"/admin/roster-sync/{sid}/edit", form()).status, 404)
            self.assertNotIn("sis-client", o.get("/admin/roster-sync").text)
            # a teacher may not
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.post("/admin/roster-sync/add", form()).status, 403)
            self.assertEqual(len(sources(self.db)), 2)
