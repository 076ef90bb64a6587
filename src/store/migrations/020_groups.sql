-- 020: a teacher's small groups of a class for a unit (issue 12;
-- src/domain/groups.c, docs/groups.md). Each save is a new set, so the
-- history stays and "what changed since" compares with the latest one.

CREATE TABLE group_set (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  class_sourced_id TEXT NOT NULL,
  unit TEXT NOT NULL,              -- struct groups_unit.key: "5.NF.A", "5:NF", "5"
  saved_at INTEGER NOT NULL,       -- Unix seconds
  saved_by INTEGER,                -- account id; NULL from the command line
  min_size INTEGER NOT NULL CHECK (min_size BETWEEN 2 AND 12),
  max_size INTEGER NOT NULL CHECK (max_size BETWEEN min_size AND 12),
  max_groups INTEGER NOT NULL CHECK (max_groups BETWEEN 1 AND 6)
) STRICT;
CREATE INDEX group_set_class ON group_set(district_id, class_sourced_id, saved_at);

CREATE TABLE group_set_group (
  set_id INTEGER NOT NULL REFERENCES group_set(id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position BETWEEN 1 AND 6),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  focus TEXT NOT NULL,             -- canonical CCSS-M code
  PRIMARY KEY (set_id, position)
) STRICT, WITHOUT ROWID;

-- A student is in at most one group of a set.
CREATE TABLE group_set_member (
  set_id INTEGER NOT NULL REFERENCES group_set(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (set_id, student_sourced_id),
  FOREIGN KEY (set_id, position) REFERENCES group_set_group(set_id, position)
) STRICT, WITHOUT ROWID;

-- Every student of the class with an estimate on a group's focus when the
-- set was saved: who moved up since, who is new to the need.
CREATE TABLE group_set_snapshot (
  set_id INTEGER NOT NULL REFERENCES group_set(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  student_sourced_id TEXT NOT NULL,
  p REAL NOT NULL CHECK (p BETWEEN 0 AND 1),
  measured INTEGER NOT NULL CHECK (measured IN (0, 1)),
  PRIMARY KEY (set_id, position, student_sourced_id)
) STRICT, WITHOUT ROWID;
