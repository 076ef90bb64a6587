-- 024: sign-in links for families (issue 13; docs/security.md "Family
-- sign-in links", src/domain/family_link.h).
--
-- A link in an email, a text message or the QR code of a printed letter
-- signs a family in to one child's page once. Only the BLAKE2b hash of the
-- token is stored. The account is the guardian's family account (made on
-- first need from the roster's guardianship); student_sourced_id is the
-- child the link opens. used_at is set by the one statement that redeems it.
CREATE TABLE family_link (
  token_hash BLOB PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  student_sourced_id TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter', 'staff')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX family_link_account ON family_link(district_id, account_id);
CREATE INDEX family_link_expiry ON family_link(expires_at);
