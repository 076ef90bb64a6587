-- 039: the xAPI document resources (issue 17, h17-lrsdoc; docs/xapi.md
-- "Document resources"): State, Activity Profile and Agent Profile documents,
-- one table for the three, scoped by (district, tool) like statements.
--
-- kind: 1 state (activity_id + agent_key [+ registration] + doc_id = stateId),
--       2 activity profile (activity_id + doc_id = profileId),
--       3 agent profile (agent_key + doc_id = profileId).
-- The parts a kind does not use are '' (not NULL), so that the key is one
-- plain unique constraint on both SQLite and PostgreSQL. agent_key is the
-- agent's inverse functional identifier as ingest/xapi_map.h's
-- xapi_agent_key writes it ("mbox:mailto:a@b", "account:<homePage> <name>").
-- content is the document byte for byte; etag the quoted lower-case hex
-- SHA-1 of content; updated_ms when it was last stored (Unix ms: the
-- Last-Modified header and the `since` of id lists).
CREATE TABLE xapi_document (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3)),
  activity_id TEXT NOT NULL CHECK (length(activity_id) <= 2048),
  agent_key TEXT NOT NULL CHECK (length(agent_key) <= 2048),
  registration TEXT NOT NULL CHECK (length(registration) IN (0, 36)),
  doc_id TEXT NOT NULL CHECK (length(doc_id) BETWEEN 1 AND 2048),
  content_type TEXT NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
  content BLOB NOT NULL,
  etag TEXT NOT NULL CHECK (length(etag) = 42),
  updated_ms INTEGER NOT NULL,
  UNIQUE (district_id, tool_id, kind, activity_id, agent_key, registration, doc_id)
) STRICT;
