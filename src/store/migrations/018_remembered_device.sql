-- 016: a family stays signed in on its own device (issue 11; docs/security.md
-- "Sessions"). Signing in with "Keep me signed in on this device" stores one
-- row here and gives the browser the token in the cookie eb_device; a request
-- without a session but with a valid token gets a new session. The token is
-- only in the cookie: the row keeps its BLAKE2b hash. A row goes when the
-- family or the school forgets the device, the account's password changes or
-- the account is disabled, the browser logs out, or it expires (90 days after
-- it was made; session_purge).
CREATE TABLE remembered_device (
  district_id INTEGER NOT NULL REFERENCES district(id),
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,  -- BLAKE2b-256 of the cookie's token
  label TEXT NOT NULL,              -- "Chrome on Android": to tell one's devices apart
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,    -- the last session it started
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX remembered_device_account ON remembered_device(account_id);
CREATE INDEX remembered_device_expiry ON remembered_device(expires_at);
