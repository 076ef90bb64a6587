-- 035: role-diverse teams with their meetings, decisions and action items
-- (issue 15, h15-teams; docs/teams.md).

-- A team works on an initiative, a school, or a grade of a school.
-- kind 'initiative': initiative_id set; 'school': school_sid (an org of
-- type school); 'grade': school_sid and grade (0..12, K = 0).
CREATE TABLE team (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind TEXT NOT NULL CHECK (kind IN ('initiative','school','grade')),
  initiative_id INTEGER REFERENCES initiative(id),
  school_sid TEXT,
  grade INTEGER CHECK (grade BETWEEN 0 AND 12),
  purpose TEXT NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  CHECK (kind <> 'initiative' OR initiative_id IS NOT NULL),
  CHECK (kind = 'initiative' OR school_sid IS NOT NULL),
  CHECK (kind <> 'grade' OR grade IS NOT NULL)
) STRICT;
CREATE INDEX team_district ON team(district_id, kind);
CREATE INDEX team_initiative ON team(district_id, initiative_id);

-- A member: an edbridge user of the district (account_id) with their role
-- on the team, or a family representative or outside partner by name only
-- (account_id NULL), with an email for reminders. Members without an
-- account never sign in through a team and never see student data.
-- connector: a coach or partner who links the team to classrooms.
CREATE TABLE team_member (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES account(id),
  name TEXT NOT NULL DEFAULT '' CHECK (length(name) <= 120),
  email TEXT NOT NULL DEFAULT '' CHECK (length(email) <= 254),
  team_role TEXT NOT NULL CHECK (team_role IN ('teacher','coach','principal','coordinator',
    'it','tech_champion','vendor_contact','admin','family_rep','partner')),
  connector INTEGER NOT NULL DEFAULT 0 CHECK (connector IN (0,1)),
  added_at INTEGER NOT NULL,
  CHECK ((account_id IS NULL) = (team_role IN ('family_rep','partner'))),
  CHECK (account_id IS NOT NULL OR length(name) >= 1),
  UNIQUE (team_id, account_id)
) STRICT;
CREATE INDEX team_member_account ON team_member(district_id, account_id);

-- A meeting: day and time in the district's zone (day YYYY-MM-DD, at
-- HH:MM) and starts_at (Unix seconds) for ordering.
CREATE TABLE meeting (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  at TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 600),
  place TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
  notes TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
  created_by INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_team ON meeting(district_id, team_id, starts_at);
CREATE INDEX meeting_day ON meeting(district_id, day);

CREATE TABLE meeting_agenda (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500)
) STRICT;
CREATE INDEX meeting_agenda_of ON meeting_agenda(meeting_id, position);

CREATE TABLE meeting_attendance (
  district_id INTEGER NOT NULL REFERENCES district(id),
  meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  member_id INTEGER NOT NULL REFERENCES team_member(id) ON DELETE CASCADE,
  present INTEGER NOT NULL CHECK (present IN (0,1)),
  PRIMARY KEY (meeting_id, member_id)
) STRICT, WITHOUT ROWID;

-- A decision of a meeting. When it is a status decision on an initiative,
-- initiative_id and initiative_status_id name the row that the initiatives
-- domain wrote (initiative_status, the one source of truth): the
-- initiative's history shows the meeting through this link.
CREATE TABLE meeting_decision (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  initiative_id INTEGER REFERENCES initiative(id),
  initiative_status_id INTEGER UNIQUE REFERENCES initiative_status(id),
  account_id INTEGER,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_decision_of ON meeting_decision(meeting_id);

-- An action item: owner a member of the meeting's team, due on or after
-- the meeting's day.
CREATE TABLE action_item (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  meeting_id INTEGER NOT NULL REFERENCES meeting(id) ON DELETE CASCADE,
  team_id INTEGER NOT NULL REFERENCES team(id) ON DELETE CASCADE,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  owner_member_id INTEGER NOT NULL REFERENCES team_member(id),
  due TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','dropped')),
  created_at INTEGER NOT NULL,
  closed_at INTEGER
) STRICT;
CREATE INDEX action_item_team ON action_item(district_id, team_id, status, due);
CREATE INDEX action_item_owner ON action_item(district_id, owner_member_id, status, due);
CREATE INDEX action_item_due ON action_item(district_id, status, due);

-- One reminder per item and day (the district's local day): the reminder
-- job inserts here first, so a second run the same day sends nothing.
CREATE TABLE action_item_reminder (
  district_id INTEGER NOT NULL REFERENCES district(id),
  item_id INTEGER NOT NULL REFERENCES action_item(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  address TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sent','failed','no_address')),
  at INTEGER NOT NULL,
  PRIMARY KEY (item_id, day)
) STRICT, WITHOUT ROWID;
