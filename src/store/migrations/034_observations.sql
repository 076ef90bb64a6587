-- 034: classroom observations of student discourse (issue 15, h15-obs;
-- docs/observations.md): the observation itself, its live tally in timed
-- segments, rubric ratings per indicator with evidence notes tagged to
-- indicators, and the teacher's share list. The protocol (dimensions,
-- indicators, levels) is a static table in src/domain/observation.c with
-- stable keys; these tables store the keys.

-- One visit. observer_id, teacher_id: accounts of the district; class_sid:
-- the roster class observed. started_at: when the visit began (Unix seconds);
-- closed_at: NULL while the tally is open. cycle_id: a coaching cycle
-- (migration 033) or NULL; initiative_id: the initiative being observed or
-- NULL. focus: what the teacher asked the observer to look at.
CREATE TABLE observation (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  observer_id INTEGER NOT NULL,
  teacher_id INTEGER NOT NULL,
  class_sid TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  closed_at INTEGER,
  cycle_id INTEGER,
  initiative_id INTEGER,
  focus TEXT NOT NULL DEFAULT '' CHECK (length(focus) <= 500),
  notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 8000),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX observation_class ON observation(district_id, class_sid, started_at);
CREATE INDEX observation_teacher ON observation(district_id, teacher_id, started_at);
CREATE INDEX observation_observer ON observation(district_id, observer_id, started_at);
CREATE INDEX observation_cycle ON observation(district_id, cycle_id) WHERE cycle_id IS NOT NULL;

-- Timed segments, numbered from 1 in the order the observer started them.
CREATE TABLE observation_segment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  observation_id INTEGER NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
  n INTEGER NOT NULL CHECK (n BETWEEN 1 AND 99),
  started_at INTEGER NOT NULL,
  PRIMARY KEY (observation_id, n)
) STRICT, WITHOUT ROWID;

-- One tally mark: kind talk (who spoke: teacher, student, student_student),
-- move (a talk move) or question (a question's level); code: a key of the
-- protocol's tally table; who: a group or seat label, '' for none; at: Unix
-- milliseconds.
CREATE TABLE observation_mark (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  observation_id INTEGER NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
  segment INTEGER NOT NULL CHECK (segment BETWEEN 1 AND 99),
  kind TEXT NOT NULL CHECK (kind IN ('talk', 'move', 'question')),
  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
  who TEXT NOT NULL DEFAULT '' CHECK (length(who) <= 40),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX observation_mark_obs ON observation_mark(observation_id, id);

-- A rating of one indicator, 1..4 (the protocol's levels).
CREATE TABLE observation_rating (
  district_id INTEGER NOT NULL REFERENCES district(id),
  observation_id INTEGER NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
  indicator TEXT NOT NULL CHECK (length(indicator) BETWEEN 1 AND 40),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  rated_at INTEGER NOT NULL,
  PRIMARY KEY (observation_id, indicator)
) STRICT, WITHOUT ROWID;

-- An evidence note (what was seen or heard), tagged to one indicator.
CREATE TABLE observation_evidence (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  observation_id INTEGER NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
  indicator TEXT NOT NULL CHECK (length(indicator) BETWEEN 1 AND 40),
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX observation_evidence_obs ON observation_evidence(observation_id, indicator);

-- Whom the teacher shares an observation's notes and ratings with.
CREATE TABLE observation_share (
  district_id INTEGER NOT NULL REFERENCES district(id),
  observation_id INTEGER NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  shared_by INTEGER NOT NULL,
  shared_at INTEGER NOT NULL,
  PRIMARY KEY (observation_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX observation_share_account ON observation_share(district_id, account_id);
