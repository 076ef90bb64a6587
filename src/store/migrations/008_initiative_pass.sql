-- 008: a stored cut score on an initiative's outcome assessment. When set,
-- the evaluation also treats the outcome as pass/fail (pass = score >=
-- pass_score) and reports the Cox index (docs/initiatives.md). NULL: none.
ALTER TABLE initiative ADD COLUMN pass_score REAL;
