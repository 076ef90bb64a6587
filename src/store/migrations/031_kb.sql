-- 031: the knowledge base of known fixes per tool, and what readers said of
-- each article (issue 14, h14-kb; docs/support.md "Knowledge base").

-- One article: a known problem of one tool (symptom) and its fix in steps.
-- audience: 'everyone' (families and students read it too) or 'staff'.
-- Drafts are seen by the writers alone (IT staff, tech champions,
-- coordinators, district admins).
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
CREATE VIRTUAL TABLE kb_fts USING fts5(
  title, symptom, fix, content='kb_article', content_rowid='id',
  tokenize='porter unicode61 remove_diacritics 2');

CREATE TRIGGER kb_article_ai AFTER INSERT ON kb_article BEGIN
  INSERT INTO kb_fts(rowid, title, symptom, fix)
    VALUES (NEW.id, NEW.title, NEW.symptom, NEW.fix);
END;
CREATE TRIGGER kb_article_ad AFTER DELETE ON kb_article BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title, symptom, fix)
    VALUES ('delete', OLD.id, OLD.title, OLD.symptom, OLD.fix);
END;
CREATE TRIGGER kb_article_au AFTER UPDATE OF title, symptom, fix ON kb_article BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, title, symptom, fix)
    VALUES ('delete', OLD.id, OLD.title, OLD.symptom, OLD.fix);
  INSERT INTO kb_fts(rowid, title, symptom, fix)
    VALUES (NEW.id, NEW.title, NEW.symptom, NEW.fix);
END;

-- One reader's word on one article, once per person per article (a later
-- mark replaces the earlier one): helped 1 "this fixed it", 0 "this didn't
-- help". deflected 1: marked from the new-ticket form, the reporter found
-- the fix there and filed no ticket (counted in the support reports).
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
