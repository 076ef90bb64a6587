-- 045: the xAPI query rule for StatementRefs (issue 17, h17-lrsstrict;
-- docs/xapi.md "Queries"): a statement whose object is a StatementRef
-- matches the agent, verb, activity and registration filters when the
-- statement it targets does. target_id keeps that target (voiding statements
-- included, whose voids_id it repeats); statements stored before this
-- migration keep it only for voiding statements (their other StatementRefs
-- are inside json alone).
ALTER TABLE xapi_statement ADD COLUMN target_id TEXT;
UPDATE xapi_statement SET target_id = voids_id WHERE voids_id IS NOT NULL;
