-- 011: sign-in hardening (issue 9, items 1-5; docs/security.md "Logging in").
-- edbridge: foreign_keys off
-- (the marker above makes the runner apply this file with foreign keys off and
-- check them before COMMIT: the account table is rebuilt, SQLite's documented
-- way to change a column constraint, and a DROP TABLE with foreign keys on
-- would cascade into roles, sessions and access codes.)
--
-- 1. A login is unique within its district, no longer across the deployment:
--    a district administrator could tell that a login existed in another
--    district ("login already taken").
-- 2. Each account counts the failed password checks since its last success
--    (all addresses together) and locks itself at a limit; an unlock code that
--    an administrator issues, with the right password, lifts the lock.

CREATE TABLE account_new (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL COLLATE NOCASE,
  display_name TEXT NOT NULL,
  password_hash TEXT,            -- Argon2id encoded string (libsodium); NULL: code-only login
  person_sourced_id TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL DEFAULT (unixepoch()),
  failed_logins INTEGER NOT NULL DEFAULT 0,  -- password checks that failed since the last success
  locked_at INTEGER,             -- set when failed_logins reached the lock limit
  unlock_hash BLOB,              -- BLAKE2b of the unlock code an administrator issued
  unlock_expires_at INTEGER,
  UNIQUE (district_id, login)
) STRICT;
INSERT INTO account_new(district_id, id, login, display_name, password_hash, person_sourced_id,
                        disabled, created_at)
  SELECT district_id, id, login, display_name, password_hash, person_sourced_id, disabled,
         created_at FROM account;
DROP TABLE account;
ALTER TABLE account_new RENAME TO account;
CREATE INDEX account_person ON account(district_id, person_sourced_id);
-- sign-in without a district (a one-district deployment, or a login used in one district only)
CREATE INDEX account_login ON account(login);

-- Sign-in throttles: one row per thing counted (an account and a client
-- address, an address, a typed login of no account and an address, an access
-- code's first characters). Rows are never evicted to make room: they go when
-- their window or their forgetting time has passed (session_purge).
CREATE TABLE login_throttle (
  key BLOB PRIMARY KEY,          -- BLAKE2b-128 of the kind and what is counted
  failures INTEGER NOT NULL,     -- attempts counted (a success gives its attempt back)
  window_start INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL, -- no attempt before this time (unix seconds)
  last_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL    -- the row is forgotten after this time
) STRICT, WITHOUT ROWID;
CREATE INDEX login_throttle_expiry ON login_throttle(expires_at);
