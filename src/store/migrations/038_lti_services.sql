-- 038: LTI Advantage services (issue 16, h16-ags; docs/lti_services.md): the
-- district's data-sharing scopes per tool, the /lti/token access tokens and
-- the single-use client assertion ids, Assignment and Grade Services line
-- items and scores; and 'lti' as a source of learning events.
-- edbridge: foreign_keys off
-- (learning_event and quarantine are rebuilt to widen the source CHECK,
-- SQLite's documented way; the runner applies this file with foreign keys off
-- and checks them before COMMIT.)

-- 1. What the district lets a tool receive (domain/data_scope.h lists the
--    elements: roster fields and data). A tool with no row receives nothing
--    beyond what LTI requires (the pseudonymous user id, roles, the context
--    and resource link ids). Changes are audited (subject tool_scope).
CREATE TABLE tool_data_scope (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  element TEXT NOT NULL CHECK (length(element) BETWEEN 1 AND 40),
  granted_at INTEGER NOT NULL,
  granted_by INTEGER,            -- account id; NULL for the command line
  PRIMARY KEY (district_id, tool_id, element)
) STRICT, WITHOUT ROWID;

-- 2. Bearer tokens /lti/token issued to a tool: only the BLAKE2b-256 hash of
--    the token is kept; scopes space separated (the granted subset).
CREATE TABLE lti_access_token (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX lti_access_token_tool ON lti_access_token(district_id, tool_id);

-- A client assertion's jti is accepted once until the assertion expires.
CREATE TABLE lti_assertion_jti (
  district_id INTEGER NOT NULL,
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  jti TEXT NOT NULL CHECK (length(jti) BETWEEN 1 AND 256),
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id, jti)
) STRICT, WITHOUT ROWID;

-- 3. AGS line items: a column of the tool's grade book in a context (a class,
--    by sourcedId), optionally tied to a resource link (h16-lti's link id).
CREATE TABLE lti_lineitem (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  class_sourced_id TEXT NOT NULL,
  link_id INTEGER,               -- resource link; NULL for a free-standing line item
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  score_maximum REAL NOT NULL CHECK (score_maximum > 0),
  tag TEXT NOT NULL DEFAULT '' CHECK (length(tag) <= 200),
  resource_id TEXT NOT NULL DEFAULT '' CHECK (length(resource_id) <= 200),
  start_at TEXT NOT NULL DEFAULT '',
  end_at TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX lti_lineitem_context ON lti_lineitem(district_id, tool_id, class_sourced_id);

-- The latest score of a student on a line item (AGS results). Each posted
-- score with a grade also becomes a learning event (source 'lti',
-- statement_id 'lti:<lineitem>:<student>:<timestamp>').
CREATE TABLE lti_score (
  district_id INTEGER NOT NULL REFERENCES district(id),
  lineitem_id INTEGER NOT NULL REFERENCES lti_lineitem(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  score_given REAL,
  score_maximum REAL,
  activity_progress TEXT NOT NULL,
  grading_progress TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  timestamp TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (lineitem_id, student_sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX lti_score_student ON lti_score(district_id, student_sourced_id);

-- 4. Learning events and quarantined events may come from LTI scores.
CREATE TABLE learning_event_038 (
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
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv', 'lti')),
  statement_id TEXT,
  verb TEXT
) STRICT;
INSERT INTO learning_event_038 SELECT id, district_id, tool_id, student_sourced_id, actor_key,
  activity_id, standard_code, item_id, correct, score, duration_s, occurred_at, source,
  statement_id, verb FROM learning_event;
-- ids are never reused (see 003): keep the sequence past deleted top ids
-- (the old sequence is at least every id the copy holds)
DELETE FROM sqlite_sequence WHERE name = 'learning_event_038';
UPDATE sqlite_sequence SET name = 'learning_event_038' WHERE name = 'learning_event';
DROP TABLE learning_event;
ALTER TABLE learning_event_038 RENAME TO learning_event;
CREATE INDEX learning_event_student ON learning_event(district_id, student_sourced_id, standard_code, occurred_at);
CREATE INDEX learning_event_statement ON learning_event(district_id, tool_id, statement_id);
CREATE TRIGGER learning_event_uncounted AFTER DELETE ON learning_event BEGIN
  UPDATE tool_day SET events = events - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;

CREATE TABLE quarantine_038 (
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
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv', 'lti')),
  statement_id TEXT,
  verb TEXT,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
INSERT INTO quarantine_038 SELECT id, district_id, tool_id, reason, actor_key, match_name,
  match_email, activity_id, standard_code, item_id, correct, score, duration_s, occurred_at,
  source, statement_id, verb, created_at FROM quarantine;
DROP TABLE quarantine;
ALTER TABLE quarantine_038 RENAME TO quarantine;
CREATE INDEX quarantine_district ON quarantine(district_id, tool_id);
CREATE INDEX quarantine_statement ON quarantine(district_id, tool_id, statement_id);
CREATE TRIGGER quarantine_uncounted AFTER DELETE ON quarantine BEGIN
  UPDATE tool_day SET quarantined = quarantined - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;
