-- 036: OpenID Connect single sign-on (issue 16, h16-sso; docs/sso.md).

-- A district's sign-in provider. slug names it in /sso/{slug}/start and is
-- unique across the deployment (the route carries no district). The client
-- secret is sealed with the vault (domain/vault.h), never stored plain.
-- ca_file: a PEM file of the CAs to trust for this provider only (tests and
-- private CAs; empty: the system's). The discovery document and the key set
-- are cached here with the time they were fetched.
CREATE TABLE sso_provider (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 40),
  preset TEXT NOT NULL CHECK (preset IN ('google','microsoft','clever','classlink','generic')),
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
  issuer TEXT NOT NULL CHECK (length(issuer) BETWEEN 8 AND 500),
  client_id TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
  client_secret_sealed TEXT,
  ca_file TEXT NOT NULL DEFAULT '' CHECK (length(ca_file) <= 500),
  match_by TEXT NOT NULL DEFAULT 'email' CHECK (match_by IN ('email','username')),
  discovery_json TEXT,
  discovery_at INTEGER,
  jwks_json TEXT,
  jwks_at INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE INDEX sso_provider_district ON sso_provider(district_id);

-- One sign-in under way: the state (its BLAKE2b), the nonce and the PKCE
-- verifier, kept server-side; used once, 10 minutes at most.
CREATE TABLE sso_login (
  state_hash BLOB PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES sso_provider(id) ON DELETE CASCADE,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sso_login_expiry ON sso_login(expires_at);

-- A provider's subject tied to an account after its first roster match;
-- used first at the next sign-in.
CREATE TABLE sso_identity (
  provider_id INTEGER NOT NULL REFERENCES sso_provider(id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  PRIMARY KEY (provider_id, subject)
) STRICT, WITHOUT ROWID;
CREATE INDEX sso_identity_account ON sso_identity(account_id);
