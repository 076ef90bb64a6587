-- 049 on PostgreSQL: the evaluation-inputs version triggers of the roster
-- tables (017) skip their row-by-row bump while the transaction has set
-- edbridge.roster_bulk (SET LOCAL: the OneRoster import, which bumps the
-- district's version once itself). Each bump updates the district's one
-- version row: a roster import of N rows in one transaction made N versions of
-- that row, each update slower than the last (a 5,000-student import spent
-- most of its time there). SQLite's triggers are unchanged (049's shared file):
-- an update in place costs it nothing.
DROP TRIGGER evaluation_inputs_org_insert ON org;
CREATE TRIGGER evaluation_inputs_org_insert AFTER INSERT ON org
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
DROP TRIGGER evaluation_inputs_org_update ON org;
CREATE TRIGGER evaluation_inputs_org_update AFTER UPDATE ON org
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
DROP TRIGGER evaluation_inputs_org_delete ON org;
CREATE TRIGGER evaluation_inputs_org_delete AFTER DELETE ON org
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
DROP TRIGGER evaluation_inputs_class_insert ON class;
CREATE TRIGGER evaluation_inputs_class_insert AFTER INSERT ON class
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
DROP TRIGGER evaluation_inputs_class_update ON class;
CREATE TRIGGER evaluation_inputs_class_update AFTER UPDATE ON class
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
DROP TRIGGER evaluation_inputs_class_delete ON class;
CREATE TRIGGER evaluation_inputs_class_delete AFTER DELETE ON class
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
DROP TRIGGER evaluation_inputs_person_insert ON person;
CREATE TRIGGER evaluation_inputs_person_insert AFTER INSERT ON person
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
DROP TRIGGER evaluation_inputs_person_update ON person;
CREATE TRIGGER evaluation_inputs_person_update AFTER UPDATE ON person
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
DROP TRIGGER evaluation_inputs_person_delete ON person;
CREATE TRIGGER evaluation_inputs_person_delete AFTER DELETE ON person
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
DROP TRIGGER evaluation_inputs_enrollment_insert ON enrollment;
CREATE TRIGGER evaluation_inputs_enrollment_insert AFTER INSERT ON enrollment
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
DROP TRIGGER evaluation_inputs_enrollment_update ON enrollment;
CREATE TRIGGER evaluation_inputs_enrollment_update AFTER UPDATE ON enrollment
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
DROP TRIGGER evaluation_inputs_enrollment_delete ON enrollment;
CREATE TRIGGER evaluation_inputs_enrollment_delete AFTER DELETE ON enrollment
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
DROP TRIGGER evaluation_inputs_demographics_insert ON demographics;
CREATE TRIGGER evaluation_inputs_demographics_insert AFTER INSERT ON demographics
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
DROP TRIGGER evaluation_inputs_demographics_update ON demographics;
CREATE TRIGGER evaluation_inputs_demographics_update AFTER UPDATE ON demographics
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
DROP TRIGGER evaluation_inputs_demographics_delete ON demographics;
CREATE TRIGGER evaluation_inputs_demographics_delete AFTER DELETE ON demographics
  WHEN coalesce(current_setting('edbridge.roster_bulk', true), '') <> 'on' BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
