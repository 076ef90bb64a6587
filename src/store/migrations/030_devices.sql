-- 030: devices (issue 14, h14-devices; docs/devices.md): the district's
-- Chromebooks, tablets, hotspots and laptops, who holds each, and the
-- history of check-outs and check-ins (loaners with a due date).

-- One device. asset_tag is the district's tag (the Google export's Asset
-- ID); a device imported without one takes its serial number as its tag.
-- school_sourced_id: the org (type school) it belongs to, '' for the
-- district's own stock. assignee_sourced_id / assignee_kind: the roster
-- person (student or staff) holding it now, NULL when nobody does (kept in
-- step with the open device_assignment row by domain/device.c). Dates are
-- YYYY-MM-DD text; last_sync is Unix seconds from the export (NULL: never
-- or unknown); last_user is the export's most recent user (an email).
CREATE TABLE device (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  asset_tag TEXT NOT NULL CHECK (length(asset_tag) BETWEEN 1 AND 64),
  serial TEXT NOT NULL DEFAULT '' CHECK (length(serial) <= 64),
  model TEXT NOT NULL DEFAULT '' CHECK (length(model) <= 128),
  kind TEXT NOT NULL CHECK (kind IN ('chromebook','tablet','hotspot','laptop','other')),
  school_sourced_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('in_service','assigned','loaner_pool','in_repair',
    'lost','retired')),
  assignee_sourced_id TEXT,
  assignee_kind TEXT CHECK (assignee_kind IN ('student','staff')),
  purchase_date TEXT CHECK (purchase_date IS NULL OR length(purchase_date) = 10),
  warranty_end TEXT CHECK (warranty_end IS NULL OR length(warranty_end) = 10),
  update_end TEXT CHECK (update_end IS NULL OR length(update_end) = 10),
  notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
  org_unit TEXT NOT NULL DEFAULT '' CHECK (length(org_unit) <= 256),
  last_sync INTEGER,
  last_user TEXT NOT NULL DEFAULT '' CHECK (length(last_user) <= 256),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((assignee_sourced_id IS NULL) = (assignee_kind IS NULL)),
  UNIQUE (district_id, asset_tag)
) STRICT;
CREATE INDEX device_serial ON device(district_id, serial) WHERE serial <> '';
CREATE INDEX device_school ON device(district_id, school_sourced_id, kind, status);
CREATE INDEX device_assignee ON device(district_id, assignee_sourced_id)
  WHERE assignee_sourced_id IS NOT NULL;

-- Check-outs and check-ins: one row per time a device was handed to a
-- person, open (checked_in_at NULL) while they hold it. At most one open row
-- per device. due_date (YYYY-MM-DD, the district's calendar): a loaner's
-- return date, NULL for an assignment without one; a loan is overdue when
-- its due date has passed and it is still open. loaner: the device came from
-- the loaner pool (it goes back there at check-in).
CREATE TABLE device_assignment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  person_sourced_id TEXT NOT NULL,
  person_kind TEXT NOT NULL CHECK (person_kind IN ('student','staff')),
  loaner INTEGER NOT NULL DEFAULT 0 CHECK (loaner IN (0, 1)),
  due_date TEXT CHECK (due_date IS NULL OR length(due_date) = 10),
  out_at INTEGER NOT NULL,
  out_by_account_id INTEGER NOT NULL,
  out_by_name TEXT NOT NULL,
  out_condition TEXT NOT NULL DEFAULT '' CHECK (length(out_condition) <= 500),
  in_at INTEGER,
  in_by_account_id INTEGER,
  in_by_name TEXT,
  in_condition TEXT NOT NULL DEFAULT '' CHECK (length(in_condition) <= 500)
) STRICT;
CREATE INDEX device_assignment_device ON device_assignment(district_id, device_id, out_at);
CREATE UNIQUE INDEX device_assignment_one_open ON device_assignment(device_id)
  WHERE in_at IS NULL;
CREATE INDEX device_assignment_person ON device_assignment(district_id, person_sourced_id);
CREATE INDEX device_assignment_due ON device_assignment(district_id, due_date)
  WHERE in_at IS NULL AND due_date IS NOT NULL;
