-- 042: OneRoster imports that real exports pass (issue 17, h17-roster;
-- docs/oneroster.md): who ran each import and how, the rows a lenient import
-- set aside, and the rows kept waiting for a parent that has not arrived.

-- 1. import_run gains the mode, who ran it and the run's report.
ALTER TABLE import_run ADD COLUMN mode TEXT;          -- lenient | strict
ALTER TABLE import_run ADD COLUMN actor TEXT;         -- "command line", "scheduled sync", a name
ALTER TABLE import_run ADD COLUMN account_id INTEGER; -- the account that ran it, NULL for none
ALTER TABLE import_run ADD COLUMN n_aside INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_run ADD COLUMN n_waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_run ADD COLUMN n_linked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_run ADD COLUMN notes TEXT;         -- warnings and notes, one a line
CREATE INDEX import_run_kind ON import_run(district_id, kind, id);

-- 2. Rows a lenient import did not apply (and, kind 'waiting', the rows it
--    kept waiting; kind 'linked', earlier waiting rows it applied).
CREATE TABLE import_row (
  district_id INTEGER NOT NULL REFERENCES district(id),
  run_id INTEGER NOT NULL REFERENCES import_run(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('aside', 'waiting', 'linked')),
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  field TEXT NOT NULL,
  sourced_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (district_id, run_id, seq)
) STRICT, WITHOUT ROWID;

-- 3. Rows waiting for a parent: the values roster_put() takes (JSON array,
--    null / string / integer) and every reference the row makes (JSON array
--    of [roster kind, sourcedId]); applied by the first import after which
--    all of them resolve.
CREATE TABLE roster_waiting (
  district_id INTEGER NOT NULL REFERENCES district(id),
  kind INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 7),
  sourced_id TEXT NOT NULL,
  vals TEXT NOT NULL,
  refs TEXT NOT NULL,
  waits_for TEXT NOT NULL,       -- "class 'k9'", for people
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  run_id INTEGER,                -- the import that set it waiting
  since INTEGER NOT NULL,
  PRIMARY KEY (district_id, kind, sourced_id)
) STRICT, WITHOUT ROWID;
