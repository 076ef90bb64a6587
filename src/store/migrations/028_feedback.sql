-- 028: formative feedback on a student's work in a standard, the student's
-- answers, and families' replies to the teacher (issue 13, h13-student;
-- docs/student_dashboard.md, docs/family_updates.md).

-- A teacher's feedback to one student on their work in one standard. Given
-- to a saved small group at once, it is one row per student (group_name
-- says which group), so that each student reads and answers their own.
-- share_family: the teacher chose to show it to the family too.
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sid TEXT NOT NULL,
  class_sid TEXT NOT NULL DEFAULT '',
  standard TEXT NOT NULL,
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
  share_family INTEGER NOT NULL DEFAULT 0 CHECK (share_family IN (0, 1)),
  group_name TEXT NOT NULL DEFAULT '',
  author_account_id INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_student ON feedback(district_id, student_sid, created_at);
CREATE INDEX feedback_class ON feedback(district_id, class_sid, created_at);

-- The short answer thread of one feedback: the student's answers (and the
-- teacher's, by_student 0), oldest first.
CREATE TABLE feedback_answer (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
  by_student INTEGER NOT NULL CHECK (by_student IN (0, 1)),
  author_account_id INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_answer_of ON feedback_answer(district_id, feedback_id, id);

-- A family's message to the teachers of one child, as written (lang: the
-- family's language, a tag of base/i18n), with its machine translation into
-- English (body_en, engine; NULL when none could be made: the teacher reads
-- it as written, with a line saying so). read_at: when a teacher of the
-- child first opened the student page after it came (NULL: new).
CREATE TABLE family_message (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  student_sid TEXT NOT NULL,
  author_account_id INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  lang TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 16),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 1000),
  body_en TEXT,
  engine TEXT CHECK (engine IS NULL OR engine IN ('apertium', 'libretranslate')),
  read_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX family_message_student ON family_message(district_id, student_sid, created_at);
