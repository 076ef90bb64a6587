-- 026: text messages (issue 13; docs/family_updates.md "Text messages",
-- src/domain/sms.h).

-- What a text message costs: the segments of the message rendered for an
-- 'sms' row (GSM-7 or UCS-2, domain/sms_text.h), written when it is
-- rendered for sending; the provider bills each. NULL for other channels.
-- delivered_at: when the provider's status callback said "delivered".
ALTER TABLE outbox ADD COLUMN segments INTEGER;
ALTER TABLE outbox ADD COLUMN sms_encoding TEXT CHECK (sms_encoding IN ('gsm7', 'ucs2'));
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
-- the status callback finds its row by the provider's id
CREATE INDEX outbox_provider ON outbox(district_id, provider_id) WHERE provider_id IS NOT NULL;

-- A family's text to the school that was not a keyword (STOP, HELP, START
-- in our ten languages): kept for the school, never logged. provider_id
-- (the provider's MessageSid) makes a webhook delivered twice store once.
-- The family's number is not kept: the guardian is.
CREATE TABLE sms_reply (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  guardian_sourced_id TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (district_id, provider_id, guardian_sourced_id)
) STRICT;
CREATE INDEX sms_reply_guardian ON sms_reply(district_id, guardian_sourced_id, received_at);
