-- 013: how many students an audit entry is about. Bulk views and exports of
-- student data (a class roster, a class's mastery grid and its CSV or Excel
-- file, a standard's district picture) and refused attempts on a student or a
-- class record write it (audit_record_students, src/domain/audit.h); NULL for
-- the entries that are not about a set of students (logins, account changes).
ALTER TABLE audit_log ADD COLUMN students INTEGER;
