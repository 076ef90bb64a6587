-- 006_initiatives.sql - initiatives (plan, targets, named roles, status
-- history, randomized assignment, tool use) and district assessments.
--
-- tool_id refers to the tools inventory (table `tool` of 004_tools.sql, built
-- separately); it is deliberately kept nullable and WITHOUT a foreign key so
-- that this migration does not depend on that one. tool_name is always kept.

CREATE TABLE initiative (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  need TEXT NOT NULL,                 -- the classroom need in plain words
  tool_name TEXT NOT NULL,
  tool_id INTEGER,                    -- tool(id) of 004_tools.sql; no FK on purpose
  start_date TEXT NOT NULL,           -- YYYY-MM-DD
  review_date TEXT NOT NULL,
  outcome_assessment TEXT NOT NULL,   -- assessment.name measured after the start
  pretest_assessment TEXT,            -- assessment.name before the start (NULL: same as outcome)
  success_measure TEXT NOT NULL,      -- what change counts, in words
  dosage_minutes INTEGER NOT NULL,    -- intended minutes per week per student
  quiz_builder_id INTEGER NOT NULL REFERENCES account(id),
  monitor_id INTEGER NOT NULL REFERENCES account(id),
  monitor_every_days INTEGER NOT NULL,
  evaluator_id INTEGER NOT NULL REFERENCES account(id),
  teacher_support_id INTEGER NOT NULL REFERENCES account(id),
  family_contact_id INTEGER NOT NULL REFERENCES account(id),
  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','piloting','scaling',
    'under_review','continued','changed','stopped')),
  random_unit TEXT CHECK (random_unit IN ('class','school')),
  random_seed INTEGER,
  randomized_at INTEGER,
  created_by INTEGER,                 -- account id, NULL from the command line
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE INDEX initiative_district ON initiative(district_id, status);

CREATE TABLE initiative_target (
  district_id INTEGER NOT NULL REFERENCES district(id),
  initiative_id INTEGER NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('school','grade','class','standard')),
  value TEXT NOT NULL,                -- org/class sourcedId, grade "0".."12", CCSS code
  PRIMARY KEY (district_id, initiative_id, kind, value)
) STRICT, WITHOUT ROWID;

CREATE TABLE initiative_status (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  initiative_id INTEGER NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  account_id INTEGER,
  actor TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX initiative_status_of ON initiative_status(district_id, initiative_id, id);

CREATE TABLE initiative_assignment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  initiative_id INTEGER NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
  unit_id TEXT NOT NULL,              -- class or school sourcedId
  treated INTEGER NOT NULL CHECK (treated IN (0,1)),
  PRIMARY KEY (district_id, initiative_id, unit_id)
) STRICT, WITHOUT ROWID;

-- Tool use per student until the learning-data ingest exists.
CREATE TABLE initiative_use (
  district_id INTEGER NOT NULL REFERENCES district(id),
  initiative_id INTEGER NOT NULL REFERENCES initiative(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  minutes REAL NOT NULL,
  sessions INTEGER NOT NULL,
  PRIMARY KEY (district_id, initiative_id, student_sourced_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE assessment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  scale_min REAL NOT NULL,
  scale_max REAL NOT NULL,
  UNIQUE (district_id, name)
) STRICT;

CREATE TABLE assessment_score (
  district_id INTEGER NOT NULL REFERENCES district(id),
  assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  date TEXT NOT NULL,                 -- YYYY-MM-DD
  score REAL NOT NULL,
  PRIMARY KEY (district_id, assessment_id, student_sourced_id, date)
) STRICT, WITHOUT ROWID;
