-- 049: nothing on SQLite. On PostgreSQL (pg/049_roster_bulk.sql) the roster
-- tables' evaluation-inputs triggers skip their per-row bump inside a bulk
-- roster import, which bumps the version once.
SELECT 1;
