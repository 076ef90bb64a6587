-- 022: common assessments by standard (issue 12): a benchmark or common
-- assessment the district builds for a window (fall, winter, spring, or a
-- unit), its items (each on one standard, with its points and, for multiple
-- choice, its choices and key) and the item results per student.
-- domain/assessments.c owns these tables; docs/assessments.md describes them.

CREATE TABLE common_assessment (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  name TEXT NOT NULL,
  season TEXT NOT NULL CHECK (season IN ('fall', 'winter', 'spring', 'unit')),
  opens TEXT NOT NULL,           -- YYYY-MM-DD, the window's first day
  closes TEXT NOT NULL,          -- YYYY-MM-DD, its last day (>= opens)
  created_by INTEGER,            -- account id; NULL from the command line
  created_at INTEGER NOT NULL,   -- Unix seconds
  CHECK (closes >= opens),
  UNIQUE (district_id, name)
) STRICT;

-- One item. choices: the letters of a multiple-choice item in order ("ABCD"),
-- answer_key one of them; both NULL for an item scored in points (a short
-- answer or a task marked by hand), worth `points` at most.
CREATE TABLE common_item (
  district_id INTEGER NOT NULL REFERENCES district(id),
  assessment_id INTEGER NOT NULL REFERENCES common_assessment(id) ON DELETE CASCADE,
  number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 200),
  standard_code TEXT NOT NULL,   -- canonical CCSS-M code of the catalog
  points REAL NOT NULL CHECK (points > 0 AND points <= 100),
  choices TEXT,
  answer_key TEXT,
  CHECK ((choices IS NULL) = (answer_key IS NULL)),
  CHECK (answer_key IS NULL OR instr(choices, answer_key) > 0),
  PRIMARY KEY (district_id, assessment_id, number)
) STRICT, WITHOUT ROWID;

-- One student's result on one item. response: the letter chosen on a
-- multiple-choice item ('' when left blank), NULL on a points item; points:
-- what the answer earned (0..the item's points).
CREATE TABLE common_response (
  district_id INTEGER NOT NULL REFERENCES district(id),
  assessment_id INTEGER NOT NULL,
  student_sourced_id TEXT NOT NULL,
  item_number INTEGER NOT NULL,
  response TEXT,
  points REAL NOT NULL CHECK (points >= 0),
  taken_on TEXT NOT NULL,        -- YYYY-MM-DD
  PRIMARY KEY (district_id, assessment_id, student_sourced_id, item_number),
  FOREIGN KEY (district_id, assessment_id, item_number)
    REFERENCES common_item(district_id, assessment_id, number) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
