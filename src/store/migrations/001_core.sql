-- 001: tenants, roster (OneRoster 1.1/1.2), accounts, sessions, audit.
-- Every table carries district_id; roster rows reference each other by the
-- OneRoster sourcedId within the district, so bulk and delta files apply as given.

CREATE TABLE district (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  -- mastery level thresholds (probability of mastery), per district
  level_approaching REAL NOT NULL DEFAULT 0.40,
  level_proficient REAL NOT NULL DEFAULT 0.70,
  level_mastered REAL NOT NULL DEFAULT 0.90
) STRICT;

CREATE TABLE org (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  name TEXT NOT NULL,
  type TEXT NOT NULL,            -- department school district local state national
  identifier TEXT,
  parent_sourced_id TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE academic_session (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  title TEXT NOT NULL,
  type TEXT NOT NULL,            -- gradingPeriod semester schoolYear term
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  parent_sourced_id TEXT,
  school_year TEXT NOT NULL,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE course (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  school_year_sourced_id TEXT,
  title TEXT NOT NULL,
  course_code TEXT,
  grades TEXT,
  org_sourced_id TEXT NOT NULL,
  subjects TEXT,
  subject_codes TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE class (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  title TEXT NOT NULL,
  grades TEXT,
  course_sourced_id TEXT NOT NULL,
  class_code TEXT,
  class_type TEXT NOT NULL,      -- homeroom scheduled
  location TEXT,
  school_sourced_id TEXT NOT NULL,
  term_sourced_ids TEXT NOT NULL,
  subjects TEXT,
  subject_codes TEXT,
  periods TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX class_school ON class(district_id, school_sourced_id);

-- OneRoster users.csv: students, teachers, guardians, administrators ...
CREATE TABLE person (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  enabled_user INTEGER NOT NULL DEFAULT 1,
  org_sourced_ids TEXT NOT NULL, -- comma-separated, as in the file
  role TEXT NOT NULL,            -- primary role (1.1 role column, 1.2 primary role)
  username TEXT,
  user_ids TEXT,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  middle_name TEXT,
  identifier TEXT,
  email TEXT,
  sms TEXT,
  phone TEXT,
  agent_sourced_ids TEXT,
  grades TEXT,
  preferred_first_name TEXT,
  home_language TEXT,            -- metadata.homeLanguage (BCP 47), for families
  home_internet INTEGER,         -- metadata.homeInternet: 1 yes, 0 no, NULL unknown
  english_learner INTEGER,       -- metadata.englishLearner
  disability INTEGER,            -- metadata.disability (IEP/504)
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX person_by_role ON person(district_id, role);
CREATE INDEX person_username ON person(district_id, username);
CREATE INDEX person_email ON person(district_id, email);

-- OneRoster 1.2 roles.csv (and 1.1 roles implied by users.csv)
CREATE TABLE person_role (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  person_sourced_id TEXT NOT NULL,
  role_type TEXT NOT NULL,       -- primary secondary
  role TEXT NOT NULL,
  org_sourced_id TEXT NOT NULL,
  user_profile_sourced_id TEXT,
  begin_date TEXT,
  end_date TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX person_role_person ON person_role(district_id, person_sourced_id);

CREATE TABLE enrollment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  class_sourced_id TEXT NOT NULL,
  school_sourced_id TEXT NOT NULL,
  user_sourced_id TEXT NOT NULL,
  role TEXT NOT NULL,            -- student teacher parent guardian administrator proctor ...
  is_primary INTEGER,
  begin_date TEXT,
  end_date TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX enrollment_class ON enrollment(district_id, class_sourced_id, role);
CREATE INDEX enrollment_user ON enrollment(district_id, user_sourced_id);

CREATE TABLE demographics (
  district_id INTEGER NOT NULL REFERENCES district(id),
  sourced_id TEXT NOT NULL,      -- the person's sourcedId
  status TEXT NOT NULL DEFAULT 'active',
  date_last_modified TEXT,
  birth_date TEXT,
  sex TEXT,
  american_indian_or_alaska_native INTEGER,
  asian INTEGER,
  black_or_african_american INTEGER,
  native_hawaiian_or_other_pacific_islander INTEGER,
  white INTEGER,
  two_or_more_races INTEGER,
  hispanic_or_latino INTEGER,
  country_of_birth_code TEXT,
  state_of_birth_abbreviation TEXT,
  city_of_birth TEXT,
  public_school_residence_status TEXT,
  PRIMARY KEY (district_id, sourced_id)
) STRICT, WITHOUT ROWID;

-- guardian -> student links, from agentSourcedIds and parent/guardian roles
CREATE TABLE guardianship (
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  student_sourced_id TEXT NOT NULL,
  PRIMARY KEY (district_id, guardian_sourced_id, student_sourced_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX guardianship_student ON guardianship(district_id, student_sourced_id);

CREATE TABLE import_run (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,            -- oneroster ...
  source TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  ok INTEGER NOT NULL,
  summary TEXT NOT NULL          -- counts per file, or the first errors
) STRICT;

-- People who log in. A login may be linked to a roster person.
CREATE TABLE account (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  password_hash TEXT,            -- Argon2id encoded string (libsodium); NULL: code-only login
  person_sourced_id TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE INDEX account_person ON account(district_id, person_sourced_id);

CREATE TABLE account_role (
  district_id INTEGER NOT NULL REFERENCES district(id),
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('district_admin','coordinator','principal','coach',
    'teacher','tech_champion','it_staff','vendor_contact','guardian','student')),
  scope_type TEXT NOT NULL CHECK (scope_type IN ('district','school','class','person')),
  scope_id TEXT NOT NULL,        -- district id, or the org/class/person sourcedId
  -- every column is in the key, in declaration order: SQLite 3.40's
  -- integrity_check misreports NOT NULL columns of WITHOUT ROWID tables whose
  -- key does not lead the column list
  PRIMARY KEY (district_id, account_id, role, scope_type, scope_id)
) STRICT, WITHOUT ROWID;

-- One-time access codes that a school prints for families.
CREATE TABLE access_code (
  district_id INTEGER NOT NULL REFERENCES district(id),
  code_hash BLOB PRIMARY KEY,    -- BLAKE2b of the code; the code itself is never stored
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE session (
  token_hash BLOB PRIMARY KEY,   -- BLAKE2b of the cookie token
  district_id INTEGER NOT NULL REFERENCES district(id),
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX session_account ON session(account_id);

CREATE TABLE audit_log (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  account_id INTEGER,            -- NULL for the command line / system
  actor TEXT NOT NULL,           -- login or 'cli'
  action TEXT NOT NULL,          -- view, create, update, delete, import, login ...
  subject_type TEXT NOT NULL,    -- student, account, roster ...
  subject_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_subject ON audit_log(district_id, subject_type, subject_id);
CREATE INDEX audit_at ON audit_log(district_id, at);
