-- 019: the next best intervention (issue 12; docs/recommendations.md).
--
-- rec_effect: the district's own evidence per tool, kept by the refresh
-- (recommend_refresh: after every refit, nightly and by `edbridge fit`) from
-- the evaluation engine's results of each tool's initiative: the whole
-- sample (standard '', subgroup ''), its grade subgroups (standard '',
-- subgroup 'grade N') and its standards (standard CODE, subgroup ''). tau is
-- a spread (DerSimonian-Laird): on the whole-sample row between the tool's
-- standards, on a grade row between its grades, 0 on a standard's row. Only results the privacy rule lets be
-- shown (10 or more students in each group) are kept. Replaced whole per
-- district by each refresh; never read by the simulator's scoring.
CREATE TABLE rec_effect (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  standard TEXT NOT NULL,
  subgroup TEXT NOT NULL,
  initiative_id INTEGER NOT NULL,
  g REAL NOT NULL,
  lo REAL NOT NULL,
  hi REAL NOT NULL,
  n_t INTEGER NOT NULL,
  n_c INTEGER NOT NULL,
  p REAL NOT NULL,
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  tau REAL NOT NULL,
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id, standard, subgroup)
) STRICT, WITHOUT ROWID;

-- Which tools' learning data touch which standards (students and events),
-- kept by the same refresh so a page never scans learning_event.
CREATE TABLE rec_tool_standard (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  standard TEXT NOT NULL,
  students INTEGER NOT NULL,
  events INTEGER NOT NULL,
  PRIMARY KEY (district_id, standard, tool_id)
) STRICT, WITHOUT ROWID;

-- A followed recommendation, marked done by a member of staff: what was
-- done for which student on which standard, with the student's P(mastered)
-- at the time (NULL: no estimate then). The refresh compares the later
-- growth of followed students with that of comparable students (docs).
CREATE TABLE rec_done (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sourced_id TEXT NOT NULL,
  standard TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('tool', 'strategy', 'plan')),
  tool_id INTEGER,
  strategy_id TEXT,
  plan_id INTEGER,
  p_before REAL,
  account_id INTEGER NOT NULL,
  done_at INTEGER NOT NULL,
  CHECK ((source = 'tool') = (tool_id IS NOT NULL)),
  CHECK ((source = 'strategy') = (strategy_id IS NOT NULL)),
  CHECK ((source = 'plan') = (plan_id IS NOT NULL))
) STRICT;
CREATE INDEX rec_done_student ON rec_done(district_id, student_sourced_id, standard);
CREATE INDEX rec_done_option ON rec_done(district_id, source, standard);

-- What the followed-recommendation comparison found per option and standard
-- (source 'strategy' with strategy_id, or 'tool' with tool_id), kept by the
-- refresh; shown as the strategy's local evidence.
CREATE TABLE rec_followed_effect (
  district_id INTEGER NOT NULL REFERENCES district(id),
  source TEXT NOT NULL CHECK (source IN ('tool', 'strategy')),
  option_id TEXT NOT NULL,
  standard TEXT NOT NULL,
  g REAL NOT NULL,
  lo REAL NOT NULL,
  hi REAL NOT NULL,
  n_t INTEGER NOT NULL,
  n_c INTEGER NOT NULL,
  p REAL NOT NULL,
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  computed_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, source, option_id, standard)
) STRICT, WITHOUT ROWID;

-- When each district's evidence was last refreshed (Unix s).
CREATE TABLE rec_refresh (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  at INTEGER NOT NULL
) STRICT;
