-- 046: items of a district framework that count for no CCSS standard get
-- mastery of their own (issue 17, h17-fwmastery; docs/case.md "Items
-- without a Common Core match"). Rebuilt with the crosswalk after every
-- import: each way of naming such an item (identifier, URI, code, the
-- UUIDv5 of a URL identifier) -> its own mastery key, "case:" followed by
-- its identifier (or that UUIDv5 when the identifier is not a short token).
CREATE TABLE framework_own (
  district_id INTEGER NOT NULL REFERENCES district(id),
  key TEXT NOT NULL,
  own_code TEXT NOT NULL,
  framework_id INTEGER NOT NULL REFERENCES framework(id) ON DELETE CASCADE,
  item_identifier TEXT NOT NULL,
  PRIMARY KEY (district_id, key, own_code)
) STRICT;
CREATE INDEX framework_own_code ON framework_own(district_id, own_code);
