-- 031 on PostgreSQL (translated like the shared file): the knowledge base's
-- tables as src/store/migrations/031_kb.sql defines them. SQLite's FTS5
-- index (kb_fts and the triggers that keep it) has no translation: here the
-- articles carry a generated tsvector with a GIN index instead, which the
-- PostgreSQL form of the knowledge-base search will read (docs/scale.md: the
-- search itself does not run on PostgreSQL yet).

CREATE TABLE kb_article (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL,
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  symptom TEXT NOT NULL CHECK (length(symptom) BETWEEN 1 AND 2000),
  fix TEXT NOT NULL CHECK (length(fix) BETWEEN 1 AND 8000),
  audience TEXT NOT NULL CHECK (audience IN ('everyone', 'staff')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
  author_account_id INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX kb_article_tool ON kb_article(district_id, tool_id, status);

-- Full-text search over title, symptom and fix (SQLite FTS5, in Debian's
-- libsqlite3), kept in step with kb_article by the triggers below.
ALTER TABLE kb_article ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', symptom), 'B') ||
  setweight(to_tsvector('english', fix), 'C')) STORED;
CREATE INDEX kb_article_search ON kb_article USING gin(search);

CREATE TABLE kb_mark (
  district_id INTEGER NOT NULL REFERENCES district(id),
  article_id INTEGER NOT NULL REFERENCES kb_article(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  helped INTEGER NOT NULL CHECK (helped IN (0, 1)),
  deflected INTEGER NOT NULL DEFAULT 0 CHECK (deflected IN (0, 1)),
  tool_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (district_id, article_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX kb_mark_tool ON kb_mark(district_id, tool_id, at);
