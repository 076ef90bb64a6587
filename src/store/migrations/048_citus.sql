-- 048: ready for Citus (issue 18, h18-citus; docs/scale.md "Ready for
-- Citus"). Citus co-locates a district's rows only through the distribution
-- column, so the tables that held a district's rows without district_id get
-- it (filled from their parent; every INSERT names it from now on), and the
-- upserts whose conflict target now includes district_id get a unique index
-- that matches it here (on PostgreSQL, pg/048_citus.sql makes every key of a
-- distributed table include district_id instead).
ALTER TABLE group_set_group ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_group SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_group.set_id);
ALTER TABLE group_set_member ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_member SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_member.set_id);
ALTER TABLE group_set_snapshot ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_snapshot SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_snapshot.set_id);
ALTER TABLE sso_login ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE sso_login SET district_id =
  (SELECT p.district_id FROM sso_provider p WHERE p.id = sso_login.provider_id);
ALTER TABLE sso_identity ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE sso_identity SET district_id =
  (SELECT p.district_id FROM sso_provider p WHERE p.id = sso_identity.provider_id);

CREATE UNIQUE INDEX tool_support_citus
  ON tool_support(district_id, tool_id, school_sourced_id);
CREATE UNIQUE INDEX meeting_attendance_citus
  ON meeting_attendance(district_id, meeting_id, member_id);
CREATE UNIQUE INDEX training_followup_citus
  ON training_followup(district_id, training_id, account_id);
CREATE UNIQUE INDEX observation_rating_citus
  ON observation_rating(district_id, observation_id, indicator);
CREATE UNIQUE INDEX sso_identity_citus
  ON sso_identity(district_id, provider_id, subject);
