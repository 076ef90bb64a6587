-- 040: xAPI statement attachments (issue 17, h17-lrsstmt; docs/xapi.md
-- "Attachments"): the raw bytes of the attachments that came as parts of a
-- multipart/mixed POST or PUT, one row per distinct SHA-2 per (district,
-- tool), however many statements name it. Statements keep their attachment
-- objects in their JSON; a GET with attachments=true finds the bytes here by
-- the objects' sha2. fileUrl-only attachments have no row.
CREATE TABLE xapi_attachment (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL REFERENCES tool(id) ON DELETE CASCADE,
  sha2 TEXT NOT NULL CHECK (length(sha2) IN (56, 64, 96, 128)), -- lower-case hex
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  stored_ms INTEGER NOT NULL,
  PRIMARY KEY (district_id, tool_id, sha2)
) STRICT;
