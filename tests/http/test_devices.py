"""Devices (issue 14, h14-devices; docs/devices.md): the import by profile
(Google Admin export, our own columns), refused files, check-out and
check-in, loaners overdue on IT's home, who sees what, hotspots lent to
families in the reach report."""
import os
import re
import unittest

from ebtest import Server, TempDir, db_connect, db_execute, make_district, run
from test_import_upload import multipart

GOOGLE = (
    "Serial Number,Asset ID,Model,Status,Org Unit Path,Annotated Location,Annotated User,"
    "Recent Users,Last Sync,Notes,Auto Update Expiration,OS Version\n"
    "5CD1A,AT-1001,HP Chromebook 11 G9 EE,ACTIVE,/Students/Birch Elementary,,,"
    "sam.one@alder.example,2026-09-12T14:03:11.325Z,,2028-06,118.0\n"
    "5CD1B,AT-1002,HP Chromebook 11 G9 EE,ACTIVE,/Students,Cedar Elementary,,,,,2028-06-30,\n"
    "5CD1C,,Lenovo 100e Gen 3,DISABLED,/Staff,BE,,,,lost on the bus,,\n"
)

GENERIC = (
    "asset_tag,serial,model,kind,school,status,purchase_date,warranty_end,notes\n"
    "HS-1,HS-SN-1,Kajeet SmartSpot,hotspot,Birch Elementary,loaner_pool,2025-08-01,"
    "2027-08-01,for families without internet\n"
    "LN-1,LN-SN-1,Dell 3100,chromebook,sch-a1,loaner_pool,,,\n"
    "TB-1,TB-SN-1,iPad 9th gen,tablet,,in_service,,,district office\n"
)


def count(db, sql, *args):
    with db_connect(db) as con:
        return con.execute(sql, args).fetchone()[0]


class Devices(TempDir):
    def setUp(self):
        super().setUp()
        self.db = make_district(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def imp(self, text, profile="google", name="devices.csv", check=True):
        return run("device", "import", "--profile", profile, self.write(name, text),
                   "--district-id", "1", db=self.db, check=check)

    def device_id(self, tag):
        return count(self.db, "SELECT id FROM device WHERE asset_tag=?", tag)

    def test_google_export_and_generic_profile(self):
        p = self.imp(GOOGLE)
        self.assertIn("rows: 3\ncreated: 3\nupdated: 0", p.stdout)
        rows = {r[0]: r[1:] for r in db_connect(self.db).execute(
            "SELECT asset_tag, serial, kind, school_sourced_id, status, update_end, last_user,"
            " org_unit FROM device")}
        # the school from the org unit path's last segment that names one
        self.assertEqual(rows["AT-1001"], ("5CD1A", "chromebook", "sch-a1", "in_service",
                                           "2028-06-01", "sam.one@alder.example",
                                           "/Students/Birch Elementary"))
        # Annotated Location names the school (name or identifier)
        self.assertEqual(rows["AT-1002"][2], "sch-a2")
        # no asset tag: tagged with its serial; DISABLED reads lost
        self.assertEqual(rows["5CD1C"][:4], ("5CD1C", "chromebook", "sch-a1", "lost"))
        # the same export again updates, by asset tag or by serial
        p = self.imp(GOOGLE.replace("lost on the bus", "found"))
        self.assertIn("created: 0\nupdated: 3", p.stdout)
        self.assertEqual(count(self.db, "SELECT notes FROM device WHERE asset_tag='5CD1C'"),
                         "found")
        # a device first seen without a tag takes its asset tag later
        self.imp("Serial Number,Asset ID\n5CD1C,AT-1003\n")
        self.assertEqual(count(self.db, "SELECT count(*) FROM device"), 3)
        self.assertEqual(count(self.db, "SELECT serial FROM device WHERE asset_tag='AT-1003'"),
                         "5CD1C")
        p = self.imp(GENERIC, profile="generic")
        self.assertIn("created: 3", p.stdout)
        self.assertEqual(count(self.db, "SELECT kind || ' ' || status || ' ' || school_sourced_id"
                                        " FROM device WHERE asset_tag='HS-1'"),
                         "hotspot loaner_pool sch-a1")
        self.assertEqual(count(self.db, "SELECT school_sourced_id FROM device"
                                        " WHERE asset_tag='TB-1'"), "")
        out = run("device", "list", "--district-id", "1", db=self.db).stdout
        self.assertEqual(len(out.splitlines()), 6)
        # the import is audited
        self.assertGreaterEqual(count(self.db, "SELECT count(*) FROM audit_log"
                                               " WHERE action='import' AND subject_type='device'"),
                                4)

    def test_refused_files_store_nothing(self):
        cases = [
            # a duplicate asset tag in the file
            (GOOGLE + "5CD1D,AT-1001,x,ACTIVE,,,,,,,,\n", "google",
             "devices.csv:5: asset_tag: 'AT-1001' repeats line 2 (duplicate)"),
            # an unknown school
            (GOOGLE.replace(",Cedar Elementary,", ",Nowhere High,"), "google",
             "devices.csv:3: school: 'Nowhere High' is not a school of this district"),
            # a bad date
            (GENERIC.replace("2025-08-01", "2025-02-30"), "generic",
             "devices.csv:2: purchase_date: '2025-02-30' is not a date YYYY-MM-DD"),
            (GENERIC.replace("hotspot", "toaster"), "generic",
             "devices.csv:2: kind: 'toaster' is not chromebook"),
            (GOOGLE.replace("DISABLED", "MELTED"), "google", "devices.csv:4: status: 'MELTED'"),
            ("Asset ID,Model\nAT-1,x\n", "google", "devices.csv:1: header: no column"
             " 'Serial Number'"),
        ]
        for text, profile, want in cases:
            p = self.imp(text, profile=profile, check=False)
            self.assertEqual(p.returncode, 1, want)
            self.assertIn(want, p.stderr)
            self.assertIn("rejected, nothing stored", p.stderr)
            self.assertEqual(count(self.db, "SELECT count(*) FROM device"), 0, want)
        p = run("device", "import", "--profile", "nope", self.write("x.csv", GOOGLE),
                db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--profile must be one of google, generic", p.stderr)

    def upload(self, c, text, profile="google", name="devices.csv"):
        body, ct = multipart({"csrf": c.csrf, "profile": profile}, name, text.encode())
        return c.request("POST", "/devices/import", body=body, headers={"Content-Type": ct})

    def test_upload_on_the_devices_page(self):
        with Server(self.db) as srv:
            c = srv.client()
            c.login("itstaff")
            r = c.get("/devices")
            self.assertEqual(r.status, 200)
            self.assertIn('action="/devices/import"', r.text)
            r = self.upload(c, GOOGLE.replace(",Cedar Elementary,", ",Nowhere High,"))
            self.assertEqual(r.status, 400)
            self.assertIn("devices.csv:3: school: &#39;Nowhere High&#39; is not a school", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM device"), 0)
            r = self.upload(c, GOOGLE)
            self.assertEqual(r.status, 200, r.text[:500])
            self.assertIn('<dd id="created">3</dd>', r.text)
            r = c.get("/devices?kind=chromebook&status=lost")
            self.assertIn("5CD1C", r.text)
            self.assertNotIn("AT-1001", r.text)
            r = c.get("/devices?q=AT-100")
            self.assertIn("AT-1001", r.text)
            self.assertNotIn("5CD1C", r.text)
            # typed in another case, a prefix of the asset tag or the model
            # (LIKE, the same SQL on both backends: sql_dialect.h)
            r = c.get("/devices?q=aT-10")
            self.assertIn("AT-1001", r.text)
            self.assertNotIn("5CD1C", r.text)
            r = c.get("/devices?q=5cd1c")
            self.assertIn("5CD1C", r.text)
            self.assertNotIn("AT-1001", r.text)
            r = c.get("/devices?q=lenovo%20100E")
            self.assertIn("5CD1C", r.text)
            self.assertEqual(c.get("/devices?kind=toaster").status, 400)
            # a principal sees their school's devices, read-only; no upload
            p = srv.client()
            p.login("principal")
            r = p.get("/devices")
            self.assertEqual(r.status, 200)
            self.assertIn("AT-1001", r.text)
            self.assertNotIn("AT-1002", r.text)  # Cedar Elementary
            self.assertNotIn('action="/devices/import"', r.text)
            self.assertEqual(p.get(f"/devices/{self.device_id('AT-1002')}").status, 404)
            self.assertEqual(p.get("/devices?school=sch-a2").status, 404)
            r = p.get(f"/devices/{self.device_id('AT-1001')}")
            self.assertEqual(r.status, 200)
            self.assertNotIn('action="/devices/', r.text)
            self.assertEqual(self.upload(p, GOOGLE).status, 403)

    def test_the_list_pages_by_100_with_its_filters(self):
        rows = "".join(f"T-{i:03d},tablet,BE\n" for i in range(150))
        self.imp("asset_tag,kind,school\n" + rows + "H-1,hotspot,BE\n", profile="generic")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("admin")
            r = c.get("/devices?kind=tablet&school=sch-a1&q=T-")
            self.assertIn("Devices 1 to 100 of 150", r.text)
            m = re.search(r'<a href="(/devices\?[^"]*)">Next devices</a>', r.text)
            self.assertEqual(m.group(1), "/devices?school=sch-a1&amp;kind=tablet&amp;q=T-&amp;"
                                         "offset=100")
            r = c.get(m.group(1).replace("&amp;", "&"))
            self.assertIn("Devices 101 to 150 of 150", r.text)
            self.assertIn("T-149", r.text)
            self.assertNotIn("Next devices", r.text)
            self.assertNotIn("H-1", r.text)

    def checkout(self, c, dev, **form):
        c.get(f"/devices/{dev}")
        return c.post(f"/devices/{dev}/checkout", form)

    def test_checkout_checkin_and_refusals(self):
        self.imp(GENERIC, profile="generic")
        # a student of another district, in the other district's roster
        with db_connect(self.db) as con:
            con.execute("INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
                        " username, given_name, family_name) VALUES (2, 'stu-far', '', 'student',"
                        " 'far.away', 'Fay', 'Away')")
        ln = self.device_id("LN-1")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("itstaff")
            r = c.get(f"/devices/{ln}")
            self.assertIn('href="/tickets/new?device=%d"' % ln, r.text)
            self.assertIn("No ticket about this device", r.text)
            # a report filed from that link shows on the device's page
            r = c.get(f"/tickets/new?device={ln}")
            self.assertEqual(r.status, 200)
            self.assertIn(f'name="device" value="{ln}"', r.text)
            r = c.post("/tickets/new", {"device": str(ln), "title": "Loaner will not charge",
                                        "body": "The charging light stays off."})
            self.assertEqual(r.status, 303, r.text[:600])
            r = c.get(f"/devices/{ln}")
            self.assertIn("Loaner will not charge", r.text)
            refusals = [
                ({"person": "stu-far", "due_date": "2099-01-10"}, "person",
                 "&#39;stu-far&#39; is not a student or staff member of this district"),
                ({"person": "far.away", "due_date": "2099-01-10"}, "person",
                 "is not a student or staff member of this district"),
                ({"person": "nobody@nowhere", "due_date": "2099-01-10"}, "person",
                 "is not a student or staff member of this district"),
                ({"person": "gdn-1", "due_date": "2099-01-10"}, "person",
                 "is a parent or guardian"),
                ({"person": "stu-1"}, "due_date", "a loaner needs the day it comes back"),
                ({"person": "stu-1", "due_date": "2020-01-01"}, "due_date", "has passed"),
                ({"person": "stu-1", "due_date": "2099-02-30"}, "due_date", "is not a date"),
            ]
            for form, field, want in refusals:
                r = self.checkout(c, ln, **form)
                self.assertEqual(r.status, 400, form)
                self.assertIn(want, r.text)
                self.assertIn(f'id="err-{field}"', r.text)
                self.assertIn("Nothing was saved", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM device_assignment"), 0)
            self.assertEqual(count(self.db, f"SELECT status FROM device WHERE id={ln}"),
                             "loaner_pool")
            # lent to Sam One by login, due back in the future
            r = self.checkout(c, ln, person="sam.one", due_date="2099-01-10",
                              condition="new case")
            self.assertEqual(r.status, 303)
            r = c.get(f"/devices/{ln}")
            self.assertIn('<dd id="holder">Sam One, due back 2099-01-10</dd>', r.text)
            self.assertIn("new case", r.text)
            self.assertEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                            " action='device_checkout' AND subject_id='stu-1'"), 1)
            # the view of a student's device is audited
            self.assertGreaterEqual(count(self.db, "SELECT count(*) FROM audit_log WHERE"
                                                   " action='view' AND subject_type='device'"), 1)
            # held already
            r = c.post(f"/devices/{ln}/checkout", {"person": "stu-2", "due_date": "2099-01-10"})
            self.assertEqual(r.status, 400)
            self.assertIn("check it in first", r.text)
            # back, damaged: to repair; a repaired loaner cannot go out
            r = c.post(f"/devices/{ln}/checkin", {"condition": "cracked screen", "damaged": "1"})
            self.assertEqual(r.status, 303)
            self.assertEqual(count(self.db, f"SELECT status FROM device WHERE id={ln}"),
                             "in_repair")
            self.assertEqual(count(self.db, f"SELECT assignee_sourced_id FROM device"
                                            f" WHERE id={ln}"), None)
            r = c.post(f"/devices/{ln}/checkin", {})
            self.assertEqual(r.status, 400)
            self.assertIn("nobody holds this device", r.text)
            r = c.post(f"/devices/{ln}/checkout", {"person": "stu-2", "due_date": "2099-01-10"})
            self.assertEqual(r.status, 400)
            self.assertIn("in repair cannot be checked out", r.text)
            # a tablet to a teacher, without a due date
            tb = self.device_id("TB-1")
            self.assertEqual(self.checkout(c, tb, person="tina.teach@alder.example").status, 303)
            self.assertEqual(count(self.db, f"SELECT assignee_kind FROM device WHERE id={tb}"),
                             "staff")
            # the other district's administrator sees none of it
            o = srv.client()
            o.login("other.admin")
            self.assertEqual(o.get(f"/devices/{ln}").status, 404)
            self.assertNotIn("LN-1", o.get("/devices").text)
            o.get("/devices")
            self.assertEqual(o.post(f"/devices/{tb}/checkin", {}).status, 404)

    def test_a_device_that_cannot_be_read_is_503_not_a_crash(self):
        # the device page went on with an unread device when the store
        # failed (anything but "not found"), and the server died
        self.imp(GENERIC, profile="generic")
        ln = self.device_id("LN-1")
        db_execute(self.db, "ALTER TABLE device_assignment RENAME TO device_assignment_away")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("itstaff")
            r = c.get(f"/devices/{ln}")
            self.assertEqual(r.status, 503)
            self.assertIn("could not be read", r.text)
            self.assertEqual(c.get("/devices/999999").status, 503)
            self.assertEqual(c.get("/account/password").status, 200)  # still serving

    def test_overdue_loans_lead_its_home(self):
        self.imp(GENERIC, profile="generic")
        ln = self.device_id("LN-1")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("itstaff")
            r = c.get("/home")
            self.assertNotIn("overdue", r.text)
            self.assertEqual(self.checkout(c, ln, person="stu-1", due_date="2099-01-10").status,
                             303)
            # the due date passes
            with db_connect(self.db) as con:
                con.execute("UPDATE device_assignment SET due_date='2020-03-01'")
            r = c.get("/home")
            steps = re.search(r'<section aria-labelledby="h-next".*?</section>', r.text,
                              re.S).group(0)
            self.assertIn("1 loaned device is overdue", steps)
            self.assertIn('href="/devices?overdue=1"', steps)
            self.assertIn("Devices overdue", r.text)
            self.assertIn("2020-03-01", r.text)
            self.assertNotIn("Sam One", r.text)  # the home is not a record view
            r = c.get("/devices?overdue=1")
            self.assertIn("LN-1", r.text)
            self.assertNotIn("HS-1", r.text)
            self.assertIn("1 loan overdue", r.text)
            out = run("device", "list", "--overdue", "--district-id", "1", db=self.db).stdout
            self.assertEqual(out.split("\t")[0], "LN-1")
            self.assertTrue(out.rstrip().endswith("2020-03-01"))
            # a champion of the school sees the device, and "A student" for the child
            ch = srv.client()
            ch.login("champ")
            r = ch.get(f"/devices/{ln}")
            self.assertEqual(r.status, 200)
            self.assertIn("A student", r.text)
            self.assertNotIn("Sam One", r.text)

    def test_hotspots_in_the_family_reach_report(self):
        self.imp(GENERIC, profile="generic")
        hs = self.device_id("HS-1")
        with Server(self.db) as srv:
            c = srv.client()
            c.login("itstaff")
            self.assertEqual(self.checkout(c, hs, person="stu-1", due_date="2099-06-01").status,
                             303)
            a = srv.client()
            a.login("admin")
            r = a.get("/families/reach")
            self.assertEqual(r.status, 200)
            # gdn-1 (Sam One's family) has no home internet in the roster
            self.assertIn("Families without home internet", r.text)
            self.assertIn("1 family without home internet (as the roster says); 1 of them"
                          " has a hotspot lent", r.text)
            self.assertEqual(a.get("/families/reach?school=sch-a2").text.count("hotspot lent"),
                             0)
        p = run("families", "reach", "--district-id", "1", db=self.db, check=False)
        self.assertIn("no_home_internet: 1\nwith_hotspot: 1", p.stdout)
        self.assertIn("hotspots school Birch Elementary (sch-a1): no home internet 1,"
                      " hotspot lent 1", p.stdout)


if __name__ == "__main__":
    unittest.main()
