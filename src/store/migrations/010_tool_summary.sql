-- 010: what each tool has sent, kept current so that a tool's page reads a
-- few summary rows instead of scanning its events (a tool of a large district
-- sends millions: 5 M learning events took ~3 s to count, distinct students
-- and days included). Inserts are tallied in memory by activity.c and added
-- once per transaction (src/domain/activity.c, "tallies": a trigger per
-- inserted row cost ~7 us of the ~50 us a stored statement takes); deletes
-- (voiding, re-match), which are rare, are counted by the triggers below,
-- whichever code path makes them.

-- Learning events and quarantined events per day they occurred (UTC).
CREATE TABLE tool_day (
  district_id INTEGER NOT NULL,
  tool_id INTEGER NOT NULL,
  day INTEGER NOT NULL,            -- occurred_at / 86400
  events INTEGER NOT NULL,
  quarantined INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id, day)
) STRICT, WITHOUT ROWID;

-- Roster students the tool's data was ever matched to (a voided statement
-- does not take its student back out).
CREATE TABLE tool_student (
  district_id INTEGER NOT NULL,
  tool_id INTEGER NOT NULL,
  student_sourced_id TEXT NOT NULL,
  PRIMARY KEY (district_id, tool_id, student_sourced_id)
) STRICT, WITHOUT ROWID;

-- Statements and Caliper events received, and the newest receipt (Unix s) of
-- a statement, an event or a quarantined event.
CREATE TABLE tool_total (
  district_id INTEGER NOT NULL,
  tool_id INTEGER NOT NULL,
  statements INTEGER NOT NULL,
  caliper_events INTEGER NOT NULL,
  last_received INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER learning_event_uncounted AFTER DELETE ON learning_event BEGIN
  UPDATE tool_day SET events = events - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;

CREATE TRIGGER quarantine_uncounted AFTER DELETE ON quarantine BEGIN
  UPDATE tool_day SET quarantined = quarantined - 1
    WHERE district_id = OLD.district_id AND tool_id = OLD.tool_id
      AND day = OLD.occurred_at / 86400;
END;

-- what was there before this migration
INSERT INTO tool_day
  SELECT district_id, tool_id, day, sum(e), sum(q) FROM (
    SELECT district_id, tool_id, occurred_at / 86400 AS day, 1 AS e, 0 AS q FROM learning_event
    UNION ALL
    SELECT district_id, tool_id, occurred_at / 86400, 0, 1 FROM quarantine)
  GROUP BY district_id, tool_id, day;
INSERT INTO tool_student
  SELECT DISTINCT district_id, tool_id, student_sourced_id FROM learning_event
  WHERE student_sourced_id IS NOT NULL;
INSERT INTO tool_total
  SELECT district_id, tool_id, sum(s), sum(c), max(t) FROM (
    SELECT district_id, tool_id, 1 AS s, 0 AS c, stored_ms / 1000 AS t FROM xapi_statement
    UNION ALL
    SELECT district_id, tool_id, 0, 1, received_at FROM caliper_event
    UNION ALL
    SELECT district_id, tool_id, 0, 0, created_at FROM quarantine)
  GROUP BY district_id, tool_id;
