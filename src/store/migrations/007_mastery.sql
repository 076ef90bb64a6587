-- 007: mastery of every standard for every student (src/domain/mastery.c,
-- docs/mastery_store.md). The fitted model of each district, and per
-- student x standard the estimate with its evidence, kept current online.

-- The district's fitted model: mastery_model_encode() bytes and the fit's facts.
CREATE TABLE mastery_fit (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  model BLOB NOT NULL,
  fitted_at INTEGER NOT NULL,      -- Unix seconds; a change invalidates cached models
  rows INTEGER NOT NULL,           -- responses fitted on
  students INTEGER NOT NULL,
  standards INTEGER NOT NULL,
  fit_seconds REAL NOT NULL,
  iterations INTEGER NOT NULL,
  objective REAL NOT NULL          -- penalised negative log-likelihood per row
) STRICT;

-- One student's cross-standard state (struct mastery_student_state, host layout)
-- and the P of each measured catalog standard (>= 3 responses), so the online
-- update infers a thin cell without reading its neighbours' rows.
CREATE TABLE mastery_student (
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  state BLOB NOT NULL,             -- struct mastery_student_state (host layout)
  measured BLOB NOT NULL,          -- n x (int32 catalog index, double P), host layout
  PRIMARY KEY (district_id, student_sourced_id)
) STRICT, WITHOUT ROWID;

-- One student on one standard.
CREATE TABLE mastery_state (
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  standard_code TEXT NOT NULL,
  p REAL NOT NULL CHECK (p BETWEEN 0 AND 1),   -- P(mastered) now
  sd REAL NOT NULL CHECK (sd >= 0),            -- uncertainty (see docs/mastery_store.md)
  responses INTEGER NOT NULL,                  -- direct evidence on this standard
  correct INTEGER NOT NULL,
  tools BLOB NOT NULL,             -- per tool struct mastery_tool_count (16 bytes, host layout), <= 8
  first_at INTEGER,                -- first / last evidence, Unix seconds (NULL: none)
  last_at INTEGER,
  trend_week INTEGER NOT NULL,     -- week number (Monday-based days/7) of the last trend value
  trend BLOB NOT NULL,             -- weekly P in percent, one byte each, oldest first, <= 12
  inferred INTEGER NOT NULL CHECK (inferred IN (0, 1)),  -- 1: borrowed from neighbours
  skill BLOB,                      -- struct mastery_skill_state (host layout); NULL if no evidence
  PRIMARY KEY (district_id, student_sourced_id, standard_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX mastery_state_standard ON mastery_state(district_id, standard_code);
