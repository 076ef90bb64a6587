-- 044: OneRoster 1.2 Gradebook results (issue 17, h17-gradebook;
-- docs/gradebook.md): line items, their learning objectives, results and
-- their learning-objective results as received (from the CSV binding of an
-- import package or the REST binding), and 'oneroster' as a source of
-- learning events: each fully graded result becomes evidence for mastery
-- (statement_id 'gb:<result sourcedId>', so that a result sent again
-- replaces its events instead of adding to them).
-- edbridge: foreign_keys off
-- (learning_event and quarantine are rebuilt to widen the source CHECK, as
-- 038 did; the runner applies this file with foreign keys off and checks
-- them before COMMIT.)

-- A column of a class's gradebook. tool_id: the inventory tool whose
-- gradebook it is (0: the district's own, no tool named at import).
CREATE TABLE gradebook_line_item (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  class_sourced_id TEXT NOT NULL,
  title TEXT NOT NULL,
  category_sourced_id TEXT,
  assign_date TEXT,
  due_date TEXT,
  result_min REAL,
  result_max REAL,
  tool_id INTEGER NOT NULL,
  signature TEXT NOT NULL,        -- SHA-1 of what the evidence of its results depends on
  received_at INTEGER NOT NULL,   -- Unix seconds
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gradebook_line_item_class ON gradebook_line_item(district_id, class_sourced_id);

-- learningObjectiveSet of a line item: source ('case', 'Unknown', ...) and id.
CREATE TABLE gradebook_line_item_objective (
  district_id INTEGER NOT NULL REFERENCES district(id),
  line_item_sourced_id TEXT NOT NULL,
  source TEXT NOT NULL,
  objective_id TEXT NOT NULL,
  PRIMARY KEY (district_id, line_item_sourced_id, source, objective_id)
) STRICT, WITHOUT ROWID;

-- A student's result on a line item, as last received.
CREATE TABLE gradebook_result (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  line_item_sourced_id TEXT NOT NULL,
  student_sourced_id TEXT NOT NULL,
  score_status TEXT NOT NULL,
  score REAL,
  text_score TEXT,
  score_date INTEGER NOT NULL,    -- Unix seconds
  comment TEXT,
  tool_id INTEGER NOT NULL,       -- the tool its learning events were stored under
  signature TEXT NOT NULL,        -- SHA-1 of its content and its line item's signature:
                                  -- the same result again changes nothing
  received_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gradebook_result_student ON gradebook_result(district_id, student_sourced_id);
CREATE INDEX gradebook_result_line_item ON gradebook_result(district_id, line_item_sourced_id);

-- learningObjectiveResults of a result.
CREATE TABLE gradebook_result_objective (
  district_id INTEGER NOT NULL REFERENCES district(id),
  result_sourced_id TEXT NOT NULL,
  source TEXT NOT NULL,
  objective_id TEXT NOT NULL,
  score REAL,
  text_score TEXT,
  PRIMARY KEY (district_id, result_sourced_id, source, objective_id)
) STRICT, WITHOUT ROWID;

-- Learning events and quarantined events may come from gradebook results.
CREATE TABLE learning_event_044 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  student_sourced_id TEXT,
  actor_key TEXT NOT NULL,
  activity_id TEXT,
  standard_code TEXT,
  item_id TEXT,
  correct INTEGER CHECK (correct IN (0, 1)),
  score REAL CHECK (score BETWEEN 0 AND 1),
  duration_s REAL,
  occurred_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv', 'lti', 'oneroster')),
  statement_id TEXT,
  verb TEXT
) STRICT;
INSERT INTO learning_event_044 SELECT id, district_id, tool_id, student_sourced_id, actor_key,
  activity_id, standard_code, item_id, correct, score, duration_s, occurred_at, source,
  statement_id, verb FROM learning_event;
-- ids are never reused (see 003): keep the sequence past deleted top ids
-- (the old sequence is at least every id the copy holds)
DELETE FROM sqlite_sequence WHERE name = 'learning_event_044';
UPDATE sqlite_sequence SET name = 'learning_event_044' WHERE name = 'learning_event';
DROP TABLE learning_event;
ALTER TABLE learning_event_044 RENAME TO learning_event;
CREATE INDEX learning_event_student ON learning_event(district_id, student_sourced_id, standard_code, occurred_at);
CREATE INDEX learning_event_statement ON learning_event(district_id, tool_id, statement_id);
CREATE TRIGGER learning_event_uncounted AFTER DELETE ON learning_event BEGIN
  UPDATE tool_day SET events = events - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;

CREATE TABLE quarantine_044 (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  actor_key TEXT NOT NULL,
  match_name TEXT,
  match_email TEXT,
  activity_id TEXT,
  standard_code TEXT,
  item_id TEXT,
  correct INTEGER CHECK (correct IN (0, 1)),
  score REAL CHECK (score BETWEEN 0 AND 1),
  duration_s REAL,
  occurred_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv', 'lti', 'oneroster')),
  statement_id TEXT,
  verb TEXT,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
INSERT INTO quarantine_044 SELECT id, district_id, tool_id, reason, actor_key, match_name,
  match_email, activity_id, standard_code, item_id, correct, score, duration_s, occurred_at,
  source, statement_id, verb, created_at FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_044 RENAME TO quarantine;
CREATE INDEX quarantine_district ON quarantine(district_id, tool_id);
CREATE INDEX quarantine_statement ON quarantine(district_id, tool_id, statement_id);
CREATE TRIGGER quarantine_uncounted AFTER DELETE ON quarantine BEGIN
  UPDATE tool_day SET quarantined = quarantined - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;
