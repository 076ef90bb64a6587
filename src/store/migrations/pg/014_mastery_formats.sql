-- 014 on PostgreSQL (read with sql_dialect's translation, like the shared
-- file): the same tables as src/store/migrations/014_mastery_formats.sql
-- defines, without its conversion of the old host-layout blobs: no database
-- on PostgreSQL ever held them (the PostgreSQL store starts at the explicit
-- formats), and the conversion's blob functions (zeroblob, blob substr) are
-- SQLite's.

CREATE TABLE mastery_student_014 (
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  -- format 1: u32 correct, u32 wrong, u16 hist, u8 nhist, f32 resid,
  -- i32 last_skill, u16 run_len, u16 run_correct (struct mastery_student_state)
  state BLOB NOT NULL,
  -- format 1: per measured catalog standard (>= 3 responses) i32 catalog
  -- index, f64 P; at most 1024; none: empty
  measured BLOB NOT NULL,
  PRIMARY KEY (district_id, student_sourced_id)
) STRICT, WITHOUT ROWID;

DROP TABLE mastery_student;
ALTER TABLE mastery_student_014 RENAME TO mastery_student;

CREATE TABLE mastery_state_014 (
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  standard_code TEXT NOT NULL,
  p REAL NOT NULL CHECK (p BETWEEN 0 AND 1),   -- P(mastered) now
  sd REAL NOT NULL CHECK (sd >= 0),            -- uncertainty (see docs/mastery_store.md)
  responses INTEGER NOT NULL,                  -- direct evidence on this standard
  correct INTEGER NOT NULL,
  -- format 1: per tool i64 tool_id, i32 responses, i32 correct; at most 8;
  -- none: empty
  tools BLOB NOT NULL,
  first_at INTEGER,                -- first / last evidence, Unix seconds (NULL: none)
  last_at INTEGER,
  trend_week INTEGER NOT NULL,     -- week number (Monday-based days/7) of the last trend value
  -- format 1: weekly P in percent (0..100), one byte each, oldest first; at
  -- most 12; none: empty
  trend BLOB NOT NULL,
  inferred INTEGER NOT NULL CHECK (inferred IN (0, 1)),  -- 1: borrowed from neighbours
  -- format 1: u16 correct, u16 wrong, u8 hist, u8 nhist, f32 resid, f32 bkt
  -- (struct mastery_skill_state); NULL when the cell has no responses
  skill BLOB,
  PRIMARY KEY (district_id, student_sourced_id, standard_code)
) STRICT, WITHOUT ROWID;

DROP TABLE mastery_state;
ALTER TABLE mastery_state_014 RENAME TO mastery_state;
CREATE INDEX mastery_state_standard ON mastery_state(district_id, standard_code);
