-- 021: intervention plans (MTSS tiers 2 and 3) with their check-ins, and
-- personalized learning plans (issue 12; domain/plans.c, domain/learning_plans.c).
--
-- Dates are days since 1970-01-01 (UTC), as INTEGER: the aim line, the
-- overdue check-ins and the usage window are day arithmetic.

-- 1. An intervention plan: its students (plan_student), focus standards
--    (plan_standard), the intervention (a tool of the inventory, a strategy in
--    words with an optional library id, or both), who owns it, how much, from
--    when to when, how progress is measured, the goal and the aim line (from
--    baseline at the start to goal at the end, in percent of the measure).
CREATE TABLE plan (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  school_sourced_id TEXT NOT NULL,      -- the school of its students (one school per plan)
  tier INTEGER NOT NULL CHECK (tier IN (2, 3)),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  tool_id INTEGER,                      -- NULL: no tool (a strategy only)
  strategy TEXT NOT NULL DEFAULT '',    -- the teacher-led strategy in words ('' none)
  strategy_id TEXT,                     -- the strategy library's id, when it came from it
  owner_id INTEGER NOT NULL REFERENCES account(id),
  sessions_per_week INTEGER NOT NULL CHECK (sessions_per_week BETWEEN 1 AND 10),
  minutes_per_session INTEGER NOT NULL CHECK (minutes_per_session BETWEEN 5 AND 120),
  start_day INTEGER NOT NULL,
  end_day INTEGER NOT NULL CHECK (end_day > start_day),
  measure TEXT NOT NULL CHECK (measure IN ('mastery', 'tool', 'assessment')),
  measure_tool_id INTEGER,              -- measure 'tool': the tool whose scores are read
  measure_assessment_id INTEGER,        -- measure 'assessment': the assessment
  baseline REAL NOT NULL CHECK (baseline BETWEEN 0 AND 100),
  goal REAL NOT NULL CHECK (goal BETWEEN 0 AND 100),
  goal_text TEXT NOT NULL,
  checkin_every_days INTEGER NOT NULL CHECK (checkin_every_days BETWEEN 7 AND 60),
  next_checkin_day INTEGER NOT NULL,
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_school ON plan(district_id, school_sourced_id, status);
CREATE INDEX plan_owner ON plan(district_id, owner_id, status);

CREATE TABLE plan_student (
  district_id INTEGER NOT NULL REFERENCES district(id),
  plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  PRIMARY KEY (district_id, plan_id, student_sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_student_of ON plan_student(district_id, student_sourced_id);

CREATE TABLE plan_standard (
  district_id INTEGER NOT NULL REFERENCES district(id),
  plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
  standard_code TEXT NOT NULL,
  PRIMARY KEY (district_id, plan_id, standard_code)
) STRICT, WITHOUT ROWID;

-- 2. Check-ins: the decision taken and a note, with what the decision rules
--    saw then (kept, since the data behind them moves).
CREATE TABLE plan_checkin (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  plan_id INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  account_id INTEGER,
  decision TEXT NOT NULL CHECK (decision IN ('continue', 'intensify', 'change', 'exit')),
  suggested TEXT NOT NULL CHECK (suggested IN ('continue', 'intensify', 'change', 'exit')),
  note TEXT NOT NULL DEFAULT '',
  below_aim INTEGER NOT NULL CHECK (below_aim IN (0, 1)),
  minutes_share REAL                    -- delivered / planned; NULL: not known
) STRICT;
CREATE INDEX plan_checkin_of ON plan_checkin(district_id, plan_id, id);

-- 3. Personalized learning plans: a student's goals (standards, set by a
--    teacher or by the student), pathways (a tool or an activity towards a
--    goal) and the student's own reflection. A goal is reached when the
--    standard is mastered: that is read from the mastery estimates, never
--    stored here. removed_at: a goal taken off the plan.
CREATE TABLE learning_goal (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  standard_code TEXT NOT NULL,
  set_by TEXT NOT NULL CHECK (set_by IN ('teacher', 'student')),
  note TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  removed_at INTEGER
) STRICT;
CREATE INDEX learning_goal_of ON learning_goal(district_id, student_sourced_id);

CREATE TABLE learning_pathway (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  goal_id INTEGER NOT NULL REFERENCES learning_goal(id) ON DELETE CASCADE,
  tool_id INTEGER,                      -- NULL: an activity without a tool
  title TEXT NOT NULL,
  what TEXT NOT NULL DEFAULT '',
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX learning_pathway_of ON learning_pathway(district_id, goal_id);

CREATE TABLE learning_reflection (
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  text TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, student_sourced_id)
) STRICT, WITHOUT ROWID;
