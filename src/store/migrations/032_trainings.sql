-- 032: trainings per tool or initiative, with IT in the room, their seats
-- (registered, waiting, attended) and the attendees' three-question
-- follow-up (issue 14, h14-train; docs/trainings.md).

-- One session. starts_at in Unix seconds (shown in the district's zone);
-- place or online_url (at least one); it_account_id: the IT person who
-- attends (NULL: nobody from IT yet, which /trainings flags); materials:
-- links, one per line.
CREATE TABLE training (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  tool_id INTEGER,
  initiative_id INTEGER,
  starts_at INTEGER NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 600),
  place TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 200),
  online_url TEXT NOT NULL DEFAULT '' CHECK (length(online_url) <= 500),
  trainer TEXT NOT NULL CHECK (length(trainer) BETWEEN 1 AND 120),
  it_account_id INTEGER,
  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  materials TEXT NOT NULL DEFAULT '' CHECK (length(materials) <= 4000),
  created_by INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK (place <> '' OR online_url <> '')
) STRICT;
CREATE INDEX training_when ON training(district_id, starts_at);
CREATE INDEX training_tool ON training(district_id, tool_id, starts_at);

-- A person's seat: registered (waiting 0) or on the waiting list (waiting
-- 1, in order of registered_at); attended set by the trainer or a
-- coordinator. registered_by: who registered them (themselves or staff).
CREATE TABLE training_seat (
  district_id INTEGER NOT NULL REFERENCES district(id),
  training_id INTEGER NOT NULL REFERENCES training(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting IN (0, 1)),
  attended INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0, 1)),
  registered_by INTEGER NOT NULL,
  registered_at INTEGER NOT NULL,
  PRIMARY KEY (training_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX training_seat_account ON training_seat(district_id, account_id);

-- An attendee's follow-up: "I can use it in class tomorrow" (1-5), "What
-- will you try?", "What do you still need?". One per attendee and session.
CREATE TABLE training_followup (
  district_id INTEGER NOT NULL REFERENCES district(id),
  training_id INTEGER NOT NULL REFERENCES training(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  ready INTEGER NOT NULL CHECK (ready BETWEEN 1 AND 5),
  will_try TEXT NOT NULL DEFAULT '' CHECK (length(will_try) <= 1000),
  still_need TEXT NOT NULL DEFAULT '' CHECK (length(still_need) <= 1000),
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (training_id, account_id)
) STRICT, WITHOUT ROWID;
