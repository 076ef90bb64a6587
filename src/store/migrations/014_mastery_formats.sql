-- 014: the mastery blobs in one explicit format instead of raw C structs in
-- host layout (src/domain/mastery_rows.h, docs/mastery_store.md "Stored
-- formats"). Every blob starts with a format byte, 1, and its fields follow
-- little-endian (integers two's complement, float/double as IEEE-754 bits),
-- without padding; a list without entries is an empty blob. A reader refuses
-- any other format instead of reading zeros.
--
-- The old blobs are converted: they were written in the host layout of a
-- little-endian machine (x86-64, arm64), whose field bytes are the new ones
-- once the padding is dropped. A blob the old reader would not have read (a
-- wrong length) becomes what it read instead: no tools, no trend, a zero
-- state, no skill state. A database written on a big-endian host needs
-- `edbridge fit` after this (the refit rewrites every state). The tables are
-- rebuilt so that their definitions describe the new formats.

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

-- old state (24 bytes): correct@0 wrong@4 hist@8 nhist@10 pad@11 resid@12
-- last_skill@16 run_len@20 run_correct@22
INSERT INTO mastery_student_014 (district_id, student_sourced_id, state, measured)
SELECT district_id, student_sourced_id,
  CASE WHEN length(state) = 24
    THEN CAST(X'01' || substr(state, 1, 11) || substr(state, 13, 12) AS BLOB)
    ELSE CAST(X'01' || zeroblob(23) AS BLOB) END,
  CASE WHEN length(measured) >= 12
    THEN CAST(X'01' || substr(measured, 1, 12 * min(length(measured) / 12, 1024)) AS BLOB)
    ELSE X'' END
FROM mastery_student;

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

-- old tools: 16-byte entries (tool_id@0 responses@8 correct@12), at most 8;
-- old skill (16 bytes): correct@0 wrong@2 hist@4 nhist@5 pad@6 resid@8 bkt@12
INSERT INTO mastery_state_014 (district_id, student_sourced_id, standard_code, p, sd,
  responses, correct, tools, first_at, last_at, trend_week, trend, inferred, skill)
SELECT district_id, student_sourced_id, standard_code, p, sd, responses, correct,
  CASE WHEN length(tools) BETWEEN 16 AND 128 AND length(tools) % 16 = 0
    THEN CAST(X'01' || tools AS BLOB) ELSE X'' END,
  first_at, last_at, trend_week,
  CASE WHEN length(trend) BETWEEN 1 AND 12 THEN CAST(X'01' || trend AS BLOB) ELSE X'' END,
  inferred,
  CASE WHEN length(skill) = 16
    THEN CAST(X'01' || substr(skill, 1, 6) || substr(skill, 9, 8) AS BLOB) END
FROM mastery_state;

DROP TABLE mastery_state;
ALTER TABLE mastery_state_014 RENAME TO mastery_state;
CREATE INDEX mastery_state_standard ON mastery_state(district_id, standard_code);
