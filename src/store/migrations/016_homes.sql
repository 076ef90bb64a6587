-- 016: what each person's home page needs (issue 11, "what needs me today?").
-- edbridge: foreign_keys off
-- (account_role is rebuilt to widen a CHECK, SQLite's documented way; the
-- marker makes the runner apply this file with foreign keys off and check
-- them before COMMIT.)
--
-- 1. The district's time zone (an IANA name such as America/Chicago), in which
--    the pages show times (src/base/tz.h reads the zone's TZif file).
ALTER TABLE district ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/Chicago';

-- 2. A vendor contact's role may name the tool they answer for (scope_type
--    'tool', scope_id the tool's id): their home shows that tool's data health.
CREATE TABLE account_role_016 (
  district_id INTEGER NOT NULL REFERENCES district(id),
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('district_admin','coordinator','principal','coach',
    'teacher','tech_champion','it_staff','vendor_contact','guardian','student')),
  scope_type TEXT NOT NULL CHECK (scope_type IN ('district','school','class','person','tool')),
  scope_id TEXT NOT NULL,        -- district id, the org/class/person sourcedId, or a tool id
  -- every column is in the key, in declaration order: SQLite 3.40's
  -- integrity_check misreports NOT NULL columns of WITHOUT ROWID tables whose
  -- key does not lead the column list
  PRIMARY KEY (district_id, account_id, role, scope_type, scope_id)
) STRICT, WITHOUT ROWID;
INSERT INTO account_role_016 SELECT district_id, account_id, role, scope_type, scope_id
  FROM account_role;
DROP TABLE account_role;
ALTER TABLE account_role_016 RENAME TO account_role;

-- 3. The administrator's home counts locked accounts: a partial index holds
--    those alone (a district's accounts run to hundreds of thousands).
CREATE INDEX account_locked ON account(district_id) WHERE locked_at IS NOT NULL;

-- 4. Each standard's measured estimates in aggregate, for the district ('')
--    and for each school (the student's first org), written by the mastery
--    refit in the transaction that rewrites the states: the homes of the
--    coordinator, principals and coaches read a few hundred rows instead of
--    every student's cells (millions in a large district). As of the refit
--    (mastery_fit.fitted_at); the online updates between refits are not in it.
CREATE TABLE mastery_standard_summary (
  district_id INTEGER NOT NULL REFERENCES district(id),
  school_sourced_id TEXT NOT NULL,   -- '' for the whole district
  standard_code TEXT NOT NULL,
  students INTEGER NOT NULL,         -- measured (not inferred) estimates
  not_yet INTEGER NOT NULL,          -- of them below the district's Approaching threshold
  mean_p REAL NOT NULL,
  PRIMARY KEY (district_id, school_sourced_id, standard_code)
) STRICT, WITHOUT ROWID;
