-- Citus's rules for the keys of distributed tables (docs/scale.md "Ready for
-- Citus"), applied by the store after the numbered migrations each time one
-- was applied (src/store/db_pg.c), so that a table a later migration adds
-- follows them too. Run as it is (not translated); idempotent: it touches
-- only keys that do not include district_id yet.
--
-- A distributed table is one with a district_id column. On each:
--  1. a foreign key to another distributed table that names district_id on
--     neither side is dropped (kept in eb_citus_fk) ...
--  2. a primary key or unique constraint without district_id gets it first:
--     UNIQUE (slug) becomes UNIQUE (district_id, slug), same name;
--  3. a unique index without it likewise (expressions, collations and a
--     partial index's WHERE kept);
--  4. ... and put back with district_id on both sides: FOREIGN KEY
--     (district_id, set_id) REFERENCES group_set(district_id, id), same name
--     and actions (ON DELETE SET NULL sets only the original columns).
-- Foreign keys to the reference tables (district) are left as they are.
DO $eb$
DECLARE
	r record;
	cols text;
BEGIN
	CREATE TEMP TABLE eb_citus_fk(tbl regclass, name text, def text) ON COMMIT DROP;
	FOR r IN
		SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'district_id'
		JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attname = 'district_id'
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		  AND NOT a.attnum = ANY (c.conkey) AND NOT b.attnum = ANY (c.confkey)
	LOOP
		INSERT INTO eb_citus_fk VALUES (r.tbl, r.conname, r.def);
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
	END LOOP;

	FOR r IN
		SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'district_id'
		WHERE c.contype IN ('p', 'u') AND c.connamespace = current_schema()::regnamespace
		  AND NOT a.attnum = ANY (c.conkey)
	LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s', r.tbl,
			       r.conname, r.conname, regexp_replace(r.def, '\(', '(district_id, '));
	END LOOP;

	FOR r IN
		SELECT i.indexrelid::regclass AS idx, pg_get_indexdef(i.indexrelid) AS def
		FROM pg_index i
		JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = 'district_id'
		WHERE i.indisunique AND t.relnamespace = current_schema()::regnamespace
		  AND NOT a.attnum = ANY (i.indkey::int2[])
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
	LOOP
		EXECUTE format('DROP INDEX %s', r.idx);
		EXECUTE regexp_replace(r.def, ' USING (\w+) \(', ' USING \1 (district_id, ');
	END LOOP;

	FOR r IN SELECT * FROM eb_citus_fk LOOP
		cols := substring(r.def FROM '^FOREIGN KEY \(([^)]*)\)');
		EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.name,
			       regexp_replace(regexp_replace(regexp_replace(r.def,
				'^FOREIGN KEY \(', 'FOREIGN KEY (district_id, '),
				'REFERENCES ([^(]+)\(', 'REFERENCES \1(district_id, '),
				'ON DELETE SET NULL', 'ON DELETE SET NULL (' || cols || ')'));
	END LOOP;
END
$eb$;
