-- 025: delivering the weekly family update (issue 13; docs/family_updates.md
-- "Delivery", src/domain/outbox.h, family_contact.h, delivery.h).

-- Per district: how messages leave (SMTP, the text-message provider), when
-- (quiet hours, the weekly send day and hour, local time) and the address
-- families use. Secrets (smtp_password, sms_token) are never shown back nor
-- logged. smtp_url: smtps://host[:port] or smtp://host[:port] with STARTTLS
-- required; smtp_plain_loopback allows plain smtp:// to a loopback address
-- (a test server) and nothing else. Times are minutes after local midnight;
-- send_day 1 (Monday) .. 7 (Sunday). country_code: the digits a national
-- phone number is given (E.164, "1" for the United States).
CREATE TABLE district_delivery (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  smtp_url TEXT NOT NULL DEFAULT '',
  smtp_user TEXT NOT NULL DEFAULT '',
  smtp_password TEXT NOT NULL DEFAULT '',
  smtp_plain_loopback INTEGER NOT NULL DEFAULT 0 CHECK (smtp_plain_loopback IN (0, 1)),
  mail_from TEXT NOT NULL DEFAULT '',
  mail_from_name TEXT NOT NULL DEFAULT '',
  reply_to TEXT NOT NULL DEFAULT '',
  sms_base_url TEXT NOT NULL DEFAULT '',
  sms_account TEXT NOT NULL DEFAULT '',
  sms_token TEXT NOT NULL DEFAULT '',
  sms_from TEXT NOT NULL DEFAULT '',
  quiet_start INTEGER NOT NULL DEFAULT 1200 CHECK (quiet_start BETWEEN 0 AND 1439),
  quiet_end INTEGER NOT NULL DEFAULT 480 CHECK (quiet_end BETWEEN 0 AND 1439),
  country_code TEXT NOT NULL DEFAULT '1' CHECK (length(country_code) BETWEEN 1 AND 3),
  public_url TEXT NOT NULL DEFAULT '',
  send_day INTEGER NOT NULL DEFAULT 5 CHECK (send_day BETWEEN 1 AND 7),
  send_hour INTEGER NOT NULL DEFAULT 16 CHECK (send_hour BETWEEN 0 AND 23),
  updated_at INTEGER NOT NULL
) STRICT;

-- A family's opt-out of one channel, with its source. address: the email or
-- E.164 number it was about when it is bound to one ('bounce', 'sms STOP'):
-- it then stops only while the roster still gives that address; '' stops
-- the channel whatever the address.
CREATE TABLE family_opt_out (
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
  source TEXT NOT NULL CHECK (source IN ('sms STOP', 'family page', 'staff', 'bounce')),
  address TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, guardian_sourced_id, channel)
) STRICT, WITHOUT ROWID;

-- A family that asked for paper gets a letter even with an email or phone.
CREATE TABLE family_paper (
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, guardian_sourced_id)
) STRICT, WITHOUT ROWID;

-- One row per family (guardian) and week, written when the week is queued:
-- the denominator of reach, the family's school (its first child's) and
-- language, its children (comma-separated sourcedIds), and what was wrong
-- with its contacts (problems: short words, no contact data; '' none).
-- unreachable: not even a letter can be made (no child in a school).
CREATE TABLE outbox_family (
  district_id INTEGER NOT NULL REFERENCES district(id),
  week TEXT NOT NULL CHECK (length(week) = 8),
  guardian_sourced_id TEXT NOT NULL,
  school_sourced_id TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL,
  lang_fallback INTEGER NOT NULL DEFAULT 0,
  students TEXT NOT NULL DEFAULT '',
  problems TEXT NOT NULL DEFAULT '',
  unreachable INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, week, guardian_sourced_id)
) STRICT, WITHOUT ROWID;

-- The outbox: one message per family x week x channel (UNIQUE: queueing a
-- week again adds nothing). The message itself is rendered when it is sent
-- (with fresh sign-in links: no live token is ever stored). address: the
-- email or E.164 number at queue time ('' for a letter). provider_id: the
-- provider's id of an accepted message, recorded before it is marked sent:
-- a 'sending' row whose lease ran out goes back to 'retry' unless it has
-- one (then it was accepted and is 'sent').
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  week TEXT NOT NULL CHECK (length(week) = 8),
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retry', 'failed',
    'bounced', 'skipped')),
  address TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  provider_id TEXT,
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (district_id, guardian_sourced_id, week, channel)
) STRICT;
CREATE INDEX outbox_due ON outbox(district_id, channel, status, next_attempt_at);
CREATE INDEX outbox_week ON outbox(district_id, week, channel);

-- The List-Unsubscribe link of an email: a random token (hash stored, as
-- family_link) that opts one family out of one channel; usable again (a
-- second click changes nothing) until it expires.
CREATE TABLE family_unsubscribe (
  token_hash BLOB PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX family_unsubscribe_expiry ON family_unsubscribe(expires_at);
