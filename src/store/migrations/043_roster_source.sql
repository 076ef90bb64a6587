-- 043: OneRoster REST sources and their sync runs (issue 17, h17-orsync;
-- docs/oneroster_sync.md). A district saves the SIS's OneRoster service
-- (URL, client id, the client secret sealed by the vault: never plain) and
-- serve syncs it each night at the district's hour; each run, scheduled or
-- asked for, leaves a roster_sync_run row (who, full or delta, what came,
-- why it failed).

CREATE TABLE roster_source (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 1000),
  token_url TEXT NOT NULL DEFAULT '' CHECK (length(token_url) <= 1000),
  client_id TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 512),
  client_secret_sealed TEXT NOT NULL,
  version TEXT NOT NULL CHECK (version IN ('1.1', '1.2')),
  ca_file TEXT NOT NULL DEFAULT '' CHECK (length(ca_file) <= 1000),
  hour INTEGER NOT NULL DEFAULT 2 CHECK (hour BETWEEN 0 AND 23), -- district's local hour
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  last_full_at INTEGER,          -- start of the last full sync that was applied
  last_delta_at INTEGER,         -- start of the last delta sync that was applied
  last_night TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD of the last scheduled run
  created_at INTEGER NOT NULL,
  UNIQUE (district_id, url)
) STRICT;

CREATE TABLE roster_sync_run (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES roster_source(id) ON DELETE CASCADE,
  mode TEXT NOT NULL CHECK (mode IN ('full', 'delta')),
  actor_account_id INTEGER,      -- NULL: the nightly schedule or the command line
  actor_label TEXT NOT NULL,     -- "scheduled sync", "command line" or the user's name
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  objects INTEGER NOT NULL DEFAULT 0,  -- objects fetched, all collections
  import_run_id INTEGER,         -- the applied import's import_run
  reason TEXT NOT NULL DEFAULT ''      -- why it failed (never a secret)
) STRICT;
CREATE INDEX roster_sync_run_source ON roster_sync_run(district_id, source_id, started_at);
