-- 048 on PostgreSQL: as the shared 048_citus.sql, the tables that held a
-- district's rows without district_id get it (filled from their parent, then
-- required). The keys of every distributed table are made to include
-- district_id by pg/citus_keys.sql, which the store runs after the numbered
-- migrations (docs/scale.md "Ready for Citus"): no unique index is added here.
ALTER TABLE group_set_group ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_group SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_group.set_id);
ALTER TABLE group_set_group ALTER COLUMN district_id SET NOT NULL;
ALTER TABLE group_set_member ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_member SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_member.set_id);
ALTER TABLE group_set_member ALTER COLUMN district_id SET NOT NULL;
ALTER TABLE group_set_snapshot ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE group_set_snapshot SET district_id =
  (SELECT g.district_id FROM group_set g WHERE g.id = group_set_snapshot.set_id);
ALTER TABLE group_set_snapshot ALTER COLUMN district_id SET NOT NULL;
ALTER TABLE sso_login ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE sso_login SET district_id =
  (SELECT p.district_id FROM sso_provider p WHERE p.id = sso_login.provider_id);
ALTER TABLE sso_login ALTER COLUMN district_id SET NOT NULL;
ALTER TABLE sso_identity ADD COLUMN district_id INTEGER REFERENCES district(id);
UPDATE sso_identity SET district_id =
  (SELECT p.district_id FROM sso_provider p WHERE p.id = sso_identity.provider_id);
ALTER TABLE sso_identity ALTER COLUMN district_id SET NOT NULL;
