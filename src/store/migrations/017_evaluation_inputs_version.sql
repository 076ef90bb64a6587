-- 017: the version of each district's evaluation inputs (issue 11; docs/initiatives.md
-- "What's working is computed once per change"). What's working shows each
-- initiative's headline result, computed from these tables only (the list is
-- checked by tests/unit/test_web.c, whats_working_reads_only_versioned_tables,
-- which records every table the computation reads). Any INSERT, UPDATE or
-- DELETE of a row of them adds one to its district's version, by a trigger, in
-- the same transaction as the change, whoever makes it (the server, the command
-- line, an import, another process): a result computed from one snapshot
-- together with the version read in it is the result for that version, and a
-- new version cannot be read before the changed data can. The page keeps its
-- results by (district, school, version) and computes them again when the
-- version differs.
--
-- Not inputs: the mastery estimates (only the initiative page's by-standard
-- analysis reads them), learning events, sessions, the audit log - so the
-- cache survives the stream of learning events of a school day.

CREATE TABLE evaluation_inputs_version (
  district_id INTEGER PRIMARY KEY REFERENCES district(id),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO evaluation_inputs_version(district_id, version) SELECT id, 1 FROM district;
CREATE TRIGGER evaluation_inputs_version_district AFTER INSERT ON district BEGIN
  INSERT OR IGNORE INTO evaluation_inputs_version(district_id, version) VALUES (NEW.id, 1);
END;
CREATE TRIGGER evaluation_inputs_initiative_insert AFTER INSERT ON initiative BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_update AFTER UPDATE ON initiative BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_initiative_delete AFTER DELETE ON initiative BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_target_insert AFTER INSERT ON initiative_target BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_target_update AFTER UPDATE ON initiative_target BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_initiative_target_delete AFTER DELETE ON initiative_target BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_assignment_insert AFTER INSERT ON initiative_assignment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_assignment_update AFTER UPDATE ON initiative_assignment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_initiative_assignment_delete AFTER DELETE ON initiative_assignment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_use_insert AFTER INSERT ON initiative_use BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_initiative_use_update AFTER UPDATE ON initiative_use BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_initiative_use_delete AFTER DELETE ON initiative_use BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_assessment_insert AFTER INSERT ON assessment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_assessment_update AFTER UPDATE ON assessment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_assessment_delete AFTER DELETE ON assessment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_assessment_score_insert AFTER INSERT ON assessment_score BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_assessment_score_update AFTER UPDATE ON assessment_score BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_assessment_score_delete AFTER DELETE ON assessment_score BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_org_insert AFTER INSERT ON org BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_org_update AFTER UPDATE ON org BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_org_delete AFTER DELETE ON org BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_class_insert AFTER INSERT ON class BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_class_update AFTER UPDATE ON class BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_class_delete AFTER DELETE ON class BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_person_insert AFTER INSERT ON person BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_person_update AFTER UPDATE ON person BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_person_delete AFTER DELETE ON person BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_enrollment_insert AFTER INSERT ON enrollment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_enrollment_update AFTER UPDATE ON enrollment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_enrollment_delete AFTER DELETE ON enrollment BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_demographics_insert AFTER INSERT ON demographics BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_demographics_update AFTER UPDATE ON demographics BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_demographics_delete AFTER DELETE ON demographics BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
CREATE TRIGGER evaluation_inputs_tool_insert AFTER INSERT ON tool BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = NEW.district_id;
END;
CREATE TRIGGER evaluation_inputs_tool_update AFTER UPDATE ON tool BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id IN (OLD.district_id, NEW.district_id);
END;
CREATE TRIGGER evaluation_inputs_tool_delete AFTER DELETE ON tool BEGIN
  UPDATE evaluation_inputs_version SET version = version + 1 WHERE district_id = OLD.district_id;
END;
