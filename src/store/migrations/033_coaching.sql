-- 033: coaching cycles tied to class data (issue 15, h15-cycles;
-- docs/coaching.md): the cycle (a coach, one or more teachers, one or more
-- classes, the phase), its dated entries with notes, action steps with an
-- owner and a due date, resources, goals tied to the class's mastery or to
-- an observation indicator with the progress points drawn as the cycle
-- runs, and the list of people the teacher shares the notes with.
-- Days are "YYYY-MM-DD" in the district's zone.

-- One cycle. school_sourced_id: the school of its first class (the
-- principal's and the coordinator's views by school). phase: identify,
-- learn, improve while it runs; completed or stopped when over (ended_on
-- set then).
CREATE TABLE coaching_cycle (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  coach_account_id INTEGER NOT NULL REFERENCES account(id),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  school_sourced_id TEXT NOT NULL,
  phase TEXT NOT NULL DEFAULT 'identify'
    CHECK (phase IN ('identify', 'learn', 'improve', 'completed', 'stopped')),
  started_on TEXT NOT NULL CHECK (length(started_on) = 10),
  ended_on TEXT CHECK (ended_on IS NULL OR length(ended_on) = 10),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX coaching_cycle_coach ON coaching_cycle(district_id, coach_account_id, phase);
CREATE INDEX coaching_cycle_school ON coaching_cycle(district_id, school_sourced_id, phase);

-- The teachers of a cycle (one, or a team).
CREATE TABLE coaching_teacher (
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES account(id),
  PRIMARY KEY (cycle_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX coaching_teacher_account ON coaching_teacher(district_id, account_id);

-- The classes of a cycle (roster sourcedIds).
CREATE TABLE coaching_class (
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  class_sourced_id TEXT NOT NULL,
  PRIMARY KEY (cycle_id, class_sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX coaching_class_class ON coaching_class(district_id, class_sourced_id);

-- A dated entry of a phase: kickoff (with a look at the class's data), goal
-- setting, strategy, modeling, co-teaching, practice, observation, debrief,
-- reflection. An entry on a day after today is a planned meeting; at: the
-- time of day "HH:MM" or '' when none.
CREATE TABLE coaching_entry (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('kickoff', 'goal_setting', 'strategy', 'modeling',
    'co_teaching', 'practice', 'observation', 'debrief', 'reflection')),
  on_day TEXT NOT NULL CHECK (length(on_day) = 10),
  at TEXT NOT NULL DEFAULT '' CHECK (length(at) IN (0, 5)),
  notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 8000),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX coaching_entry_cycle ON coaching_entry(cycle_id, on_day);
CREATE INDEX coaching_entry_day ON coaching_entry(district_id, on_day);

-- An action step: its owner is the coach or one of the cycle's teachers;
-- due on or after the cycle's start; done_on set when done.
CREATE TABLE coaching_step (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
  owner_account_id INTEGER NOT NULL REFERENCES account(id),
  due_on TEXT NOT NULL CHECK (length(due_on) = 10),
  done_on TEXT CHECK (done_on IS NULL OR length(done_on) = 10),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX coaching_step_cycle ON coaching_step(cycle_id, due_on);

-- A resource: a tool of the inventory (ref: the tool id), a strategy of
-- the library (ref: its id), a knowledge-base article (ref: its id) or a
-- web address (ref: the http(s) URL). title: the words shown.
CREATE TABLE coaching_resource (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('tool', 'strategy', 'kb', 'url')),
  ref TEXT NOT NULL CHECK (length(ref) BETWEEN 1 AND 500),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX coaching_resource_cycle ON coaching_resource(cycle_id);

-- A goal. students: the share (percent, 1..100) of the class's students
-- secure on every named standard (comma-separated canonical codes) by
-- target_on. practice: an observation indicator (domain/observation.h key)
-- reaching target by target_on. start_value: the value when the goal was
-- set (-1: no data then). off_grade 1: a standard the class's grade does
-- not study, stored after the warning was confirmed.
CREATE TABLE coaching_goal (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('students', 'practice')),
  class_sourced_id TEXT NOT NULL DEFAULT '',
  standards TEXT NOT NULL DEFAULT '' CHECK (length(standards) <= 400),
  indicator TEXT NOT NULL DEFAULT '' CHECK (length(indicator) <= 64),
  target REAL NOT NULL,
  target_on TEXT NOT NULL CHECK (length(target_on) = 10),
  start_value REAL NOT NULL,
  start_on TEXT NOT NULL CHECK (length(start_on) = 10),
  off_grade INTEGER NOT NULL DEFAULT 0 CHECK (off_grade IN (0, 1)),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK (kind <> 'students' OR (class_sourced_id <> '' AND standards <> ''
    AND target BETWEEN 1 AND 100)),
  CHECK (kind <> 'practice' OR indicator <> '')
) STRICT;
CREATE INDEX coaching_goal_cycle ON coaching_goal(cycle_id);

-- A goal's progress as the cycle runs: one value per day it was read
-- (the latest reading of the day wins); students: how many it counts.
CREATE TABLE coaching_goal_point (
  district_id INTEGER NOT NULL REFERENCES district(id),
  goal_id INTEGER NOT NULL REFERENCES coaching_goal(id) ON DELETE CASCADE,
  on_day TEXT NOT NULL,
  value REAL NOT NULL,
  students INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (goal_id, on_day)
) STRICT, WITHOUT ROWID;

-- Whom a cycle's teacher shares the notes with (a principal, a
-- coordinator, another coach...). Coaching is not evaluation: without a
-- share, only the coach and the cycle's teachers read the notes.
CREATE TABLE coaching_share (
  district_id INTEGER NOT NULL REFERENCES district(id),
  cycle_id INTEGER NOT NULL REFERENCES coaching_cycle(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES account(id),
  shared_by INTEGER NOT NULL,
  shared_at INTEGER NOT NULL,
  PRIMARY KEY (cycle_id, account_id)
) STRICT, WITHOUT ROWID;
