-- 041: standards frameworks imported as CASE packages (issue 17, h17-case;
-- docs/case.md). The CCSS-M catalog stays compiled in (framework "ccss");
-- these tables hold every other framework a district imports, and the
-- crosswalk that makes evidence tagged with one of its items count for the
-- matching CCSS standard.

-- One CFDocument. identifier is the package's own (stable across exports,
-- so a re-import updates in place). case_format: '1.0' for a CASE 1.0/1.1
-- package, 'draft' for OpenSALT's pre-1.0 exports.
CREATE TABLE framework (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  identifier TEXT NOT NULL CHECK (length(identifier) BETWEEN 1 AND 1024),
  uri TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 1000),
  creator TEXT NOT NULL DEFAULT '',
  publisher TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  adoption_status TEXT NOT NULL DEFAULT '',
  last_change TEXT NOT NULL DEFAULT '',
  case_format TEXT NOT NULL CHECK (case_format IN ('1.0','draft')),
  source TEXT NOT NULL DEFAULT '',
  items INTEGER NOT NULL DEFAULT 0,
  associations INTEGER NOT NULL DEFAULT 0,
  imported_at INTEGER NOT NULL,
  imported_by INTEGER,
  UNIQUE (district_id, identifier)
) STRICT;

-- One CFItem. parent: the identifier of the isChildOf parent item, NULL
-- when it hangs from the document (or has no parent at all: an orphan).
-- grades: educationLevel joined with ',' ("KG", "03", "09,10,11,12").
-- seq: order in the package (sibling order when sequenceNumber is absent).
CREATE TABLE framework_item (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  framework_id INTEGER NOT NULL REFERENCES framework(id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  uri TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL DEFAULT '',
  statement TEXT NOT NULL,
  abbreviated TEXT NOT NULL DEFAULT '',
  item_type TEXT NOT NULL DEFAULT '',
  grades TEXT NOT NULL DEFAULT '',
  list_enum TEXT NOT NULL DEFAULT '',
  parent TEXT,
  seq INTEGER NOT NULL,
  UNIQUE (district_id, framework_id, identifier)
) STRICT;
CREATE INDEX framework_item_parent ON framework_item(district_id, framework_id, parent, seq);

-- One CFAssociation, kept whatever its type. origin/dest: identifiers;
-- dest_uri and dest_title as sent (an outside node is known only by them).
-- inside: 1 when both ends are items (or the document) of the package.
CREATE TABLE framework_assoc (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  framework_id INTEGER NOT NULL REFERENCES framework(id) ON DELETE CASCADE,
  identifier TEXT NOT NULL,
  kind TEXT NOT NULL,
  origin TEXT NOT NULL,
  dest TEXT NOT NULL,
  dest_uri TEXT NOT NULL DEFAULT '',
  dest_title TEXT NOT NULL DEFAULT '',
  seq INTEGER,
  inside INTEGER NOT NULL CHECK (inside IN (0,1)),
  UNIQUE (district_id, framework_id, identifier)
) STRICT;
CREATE INDEX framework_assoc_origin ON framework_assoc(district_id, kind, origin);

-- The crosswalk, rebuilt for the whole district after every import: each
-- way of naming an item (identifier, URI, code, the UUIDv5 of a URL
-- identifier) -> a CCSS code it counts for. via: 'self' (the item is a CCSS
-- standard), 'exactMatchOf' or 'isRelatedTo'. rank orders the answers
-- (self, then exact matches, then related).
CREATE TABLE framework_ccss (
  district_id INTEGER NOT NULL REFERENCES district(id),
  key TEXT NOT NULL,
  ccss_code TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('self','exactMatchOf','isRelatedTo')),
  rank INTEGER NOT NULL,
  framework_id INTEGER NOT NULL REFERENCES framework(id) ON DELETE CASCADE,
  item_identifier TEXT NOT NULL,
  PRIMARY KEY (district_id, key, ccss_code)
) STRICT;
CREATE INDEX framework_ccss_item ON framework_ccss(district_id, framework_id, item_identifier);

-- The district's primary framework: mastery, groups and the standards
-- pages speak its codes. No row (or framework_id NULL) = the CCSS.
CREATE TABLE framework_primary (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  framework_id INTEGER REFERENCES framework(id) ON DELETE SET NULL,
  chosen_by INTEGER,
  chosen_at INTEGER NOT NULL
) STRICT;

-- A CASE provider saved for re-import: the package URL and, for OAuth 2.0
-- client credentials, the token URL, client id and the secret sealed by
-- domain/vault (never stored in the clear).
CREATE TABLE case_provider (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  package_url TEXT NOT NULL CHECK (length(package_url) BETWEEN 1 AND 2048),
  token_url TEXT NOT NULL DEFAULT '',
  client_id TEXT NOT NULL DEFAULT '',
  client_secret_sealed TEXT,
  framework_id INTEGER REFERENCES framework(id) ON DELETE SET NULL,
  saved_at INTEGER NOT NULL,
  UNIQUE (district_id, package_url)
) STRICT;
