-- 047: (issue 17, h17-admin) a saved CASE provider keeps its CA file for
-- re-import (docs/case.md), and Gradebook records that refer to a class,
-- a student or a line item the district does not have yet are kept
-- waiting instead of set aside for good (docs/gradebook.md): they are
-- linked, and become evidence, when the missing row arrives.

ALTER TABLE case_provider ADD COLUMN ca_file TEXT NOT NULL DEFAULT '';
ALTER TABLE case_provider ADD COLUMN fetched_at INTEGER;

-- NULL: linked; 'class': the line item's class is not in the roster yet.
ALTER TABLE gradebook_line_item ADD COLUMN waits_for TEXT;
ALTER TABLE gradebook_line_item ADD COLUMN waiting_since INTEGER;

-- NULL: linked (its evidence stored); 'lineItem' or 'student': what it
-- waits for (wait_reason says it in words).
ALTER TABLE gradebook_result ADD COLUMN waits_for TEXT;
ALTER TABLE gradebook_result ADD COLUMN wait_reason TEXT;
ALTER TABLE gradebook_result ADD COLUMN waiting_since INTEGER;
CREATE INDEX gradebook_result_waiting ON gradebook_result(district_id, waits_for);
