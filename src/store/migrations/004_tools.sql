-- 004_tools.sql - the technology inventory: tools, their support matrix,
-- status history, and the credentials tools use to send data.
-- Learning data itself lives in 003_activity.sql (another module).

CREATE TABLE tool (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE,
  vendor TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'app' CHECK (kind IN ('app','platform','device')),
  category TEXT NOT NULL DEFAULT '',
  need TEXT NOT NULL DEFAULT '',          -- the classroom need it serves, plain words
  url TEXT NOT NULL DEFAULT '',
  grades TEXT NOT NULL DEFAULT '',        -- "K,1,2" (normalised, ascending)
  standards TEXT NOT NULL DEFAULT '',     -- canonical CCSS codes, space separated
  status TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','under_review',
    'approved','approved_with_conditions','denied','retired')),
  conditions TEXT NOT NULL DEFAULT '',
  dpa_signed INTEGER NOT NULL DEFAULT 0 CHECK (dpa_signed IN (0,1)),
  dpa_date TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD or ''
  data_elements INTEGER NOT NULL DEFAULT 0, -- bit mask, see domain/tools.h
  data_location TEXT NOT NULL DEFAULT '',
  seats INTEGER,                          -- NULL: not recorded
  annual_cost_cents INTEGER,
  term_start TEXT NOT NULL DEFAULT '',
  term_end TEXT NOT NULL DEFAULT '',
  it_owner_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
  help_name TEXT NOT NULL DEFAULT '',
  help_email TEXT NOT NULL DEFAULT '',
  help_phone TEXT NOT NULL DEFAULT '',
  help_url TEXT NOT NULL DEFAULT '',
  help_hours TEXT NOT NULL DEFAULT '',
  requested_by INTEGER REFERENCES account(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (district_id, name)
) STRICT;
CREATE INDEX tool_status ON tool(district_id, status);

-- The support matrix per school: the tech champion and notes for that school.
CREATE TABLE tool_support (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  school_sourced_id TEXT NOT NULL,
  champion_id INTEGER REFERENCES account(id) ON DELETE SET NULL,
  notes TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tool_id, school_sourced_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE tool_status_history (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  account_id INTEGER,                     -- NULL for the command line
  actor TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',   -- '' when the tool was added
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX tool_status_history_tool ON tool_status_history(tool_id, id);

-- Credentials a tool uses to send data. Only hashes (BLAKE2b-256) are stored.
CREATE TABLE tool_credential (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('xapi','caliper')),
  key_id TEXT NOT NULL UNIQUE,            -- xAPI: the Basic user name; Caliper: a label
  secret_hash BLOB NOT NULL,              -- hash of the xAPI secret / Caliper token
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),
  created_at INTEGER NOT NULL,
  rotated_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
) STRICT;
CREATE INDEX tool_credential_tool ON tool_credential(district_id, tool_id);
CREATE UNIQUE INDEX tool_credential_hash ON tool_credential(secret_hash);
