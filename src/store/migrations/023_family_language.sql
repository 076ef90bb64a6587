-- 023: families in their own language (issue 13; docs/i18n.md,
-- docs/family_updates.md).

-- The language a family or student chose on its page, per account (the
-- account a family signs in with). Without a row, the roster decides (the
-- guardian's, else the child's metadata.homeLanguage), else English.
-- lang is a tag of a language we have a catalogue for (base/i18n.h).
CREATE TABLE family_language (
  district_id INTEGER NOT NULL REFERENCES district(id),
  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  lang TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 16),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, account_id)
) STRICT;

-- A teacher's note to the families of one student or one class for one week
-- (week: "2026-W47", ISO 8601). One note per scope and week: saving again
-- replaces it (and its translations).
CREATE TABLE teacher_note (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  scope_type TEXT NOT NULL CHECK (scope_type IN ('student', 'class')),
  scope_id TEXT NOT NULL,
  week TEXT NOT NULL CHECK (length(week) = 8),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
  author_account_id INTEGER NOT NULL,
  author_name TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (district_id, scope_type, scope_id, week)
) STRICT;

-- A note machine-translated into a family's language. engine: 'apertium'
-- (offline, Spanish) or 'libretranslate' (the district's endpoint).
CREATE TABLE teacher_note_translation (
  district_id INTEGER NOT NULL REFERENCES district(id),
  note_id INTEGER NOT NULL REFERENCES teacher_note(id) ON DELETE CASCADE,
  lang TEXT NOT NULL,
  body TEXT NOT NULL,
  engine TEXT NOT NULL CHECK (engine IN ('apertium', 'libretranslate')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (district_id, note_id, lang)
) STRICT;

-- The district's LibreTranslate-compatible endpoint (POST URL/translate),
-- its API key when it needs one, and how long one call may take. No row:
-- notes are translated only where an offline engine exists (Spanish).
-- `edbridge families translator` sets it.
CREATE TABLE district_translation (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  endpoint TEXT NOT NULL,
  api_key TEXT NOT NULL DEFAULT '',
  timeout_ms INTEGER NOT NULL DEFAULT 15000 CHECK (timeout_ms BETWEEN 100 AND 60000)
) STRICT;
