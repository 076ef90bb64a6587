-- 003: learning data in: xAPI statements, Caliper events, learning events,
-- the quarantine of what could not be matched, and the activity -> standard map.
--
-- tool_id names the sending tool (its credentials). The tools table belongs to
-- a later migration, so tool_id is a plain INTEGER here without a foreign key;
-- the migration that adds tools may add the reference by rebuilding the tables.

-- One row per stored xAPI statement, scoped by (district, tool): a tool reads
-- only its own statements. seq orders statements by storage and drives paging.
-- Only what queries filter on is a column; the actor, object and timestamp
-- live in json (and the actor/object keys in xapi_statement_ref), which keeps
-- the row small: rows pack more to a page and a batch writes fewer pages.
CREATE TABLE xapi_statement (
  seq INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  id TEXT NOT NULL,              -- statement UUID, lower case
  json TEXT NOT NULL,            -- statement as sent plus id/stored/timestamp/authority/version
  content_hash BLOB NOT NULL CHECK (length(content_hash) = 32),
                                 -- SHA-256 of the canonical content (without stored/authority/version)
  stored_ms INTEGER NOT NULL,    -- `stored`, Unix milliseconds
  voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
  voids_id TEXT,                 -- for a voiding statement: the id it voids
  verb TEXT NOT NULL,
  registration TEXT,
  UNIQUE (district_id, tool_id, id)
) STRICT;
CREATE INDEX xapi_statement_voids ON xapi_statement(district_id, tool_id, voids_id)
  WHERE voids_id IS NOT NULL;
-- The verb filter scans within the tool's rows: no index, to keep ingest fast.

-- Agents and activities a statement mentions, for the agent/activity filters.
-- related = 0: the actor or object itself; 1: only with related_agents /
-- related_activities (instructor, team, group members, context activities,
-- substatement). The authority is always the sending tool and is not indexed.
CREATE TABLE xapi_statement_ref (
  district_id INTEGER NOT NULL,
  tool_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('agent', 'activity')),
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,           -- xapi_statement.seq (statements are never deleted)
  related INTEGER NOT NULL CHECK (related IN (0, 1)),
  PRIMARY KEY (district_id, tool_id, kind, key, seq, related)
) STRICT, WITHOUT ROWID;

-- Caliper events as received (every valid event is kept, mapped or not).
CREATE TABLE caliper_event (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  id TEXT NOT NULL,              -- urn:uuid:...
  type TEXT NOT NULL,
  action TEXT NOT NULL,
  event_time TEXT NOT NULL,
  json TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id, id)
) STRICT, WITHOUT ROWID;

-- What the mastery model reads: one row per piece of learning evidence or use.
-- id: AUTOINCREMENT, so an id is never reused after a delete (voiding): ids
-- grow in commit order, and the mastery refit applies the events stored
-- while it was fitting as those above the largest id it read.
CREATE TABLE learning_event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  student_sourced_id TEXT,       -- roster person (role student); NULL never stored here today
  actor_key TEXT NOT NULL,
  activity_id TEXT,
  standard_code TEXT,            -- CCSS code or NULL for usage without a standard
  item_id TEXT,
  correct INTEGER CHECK (correct IN (0, 1)),
  score REAL CHECK (score BETWEEN 0 AND 1),
  duration_s REAL,
  occurred_at INTEGER NOT NULL,  -- Unix seconds
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv')),
  statement_id TEXT,             -- xAPI statement id or Caliper event id
  verb TEXT                      -- xAPI verb id or Caliper Type/Action
) STRICT;
CREATE INDEX learning_event_student ON learning_event(district_id, student_sourced_id, standard_code, occurred_at);
CREATE INDEX learning_event_statement ON learning_event(district_id, tool_id, statement_id);

-- Events kept aside because the actor or the activity could not be matched.
-- They carry everything needed to become a learning_event on re-match.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  actor_key TEXT NOT NULL,
  match_name TEXT,               -- candidate sourcedId / username
  match_email TEXT,              -- candidate email
  activity_id TEXT,
  standard_code TEXT,
  item_id TEXT,
  correct INTEGER CHECK (correct IN (0, 1)),
  score REAL CHECK (score BETWEEN 0 AND 1),
  duration_s REAL,
  occurred_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('xapi', 'caliper', 'csv')),
  statement_id TEXT,
  verb TEXT,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE INDEX quarantine_district ON quarantine(district_id, tool_id);
CREATE INDEX quarantine_statement ON quarantine(district_id, tool_id, statement_id);

-- Coordinator-maintained mapping of a tool's activity ids to standards.
CREATE TABLE activity_map (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  activity_id TEXT NOT NULL,
  standard_code TEXT NOT NULL,
  PRIMARY KEY (district_id, tool_id, activity_id)
) STRICT, WITHOUT ROWID;

-- Learner matching looks e-mail addresses up case-insensitively.
CREATE INDEX person_email_nocase ON person(district_id, email COLLATE NOCASE);
