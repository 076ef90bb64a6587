-- 009: when a tool's CSV export arrived. A CSV row carries the vendor's date
-- of the activity, not when edbridge received it; each CSV import now leaves
-- an import_run row (kind 'csv') naming the tool, so the tool page's "last
-- received" is a receipt time for CSV data as it is for xAPI and Caliper.
ALTER TABLE import_run ADD COLUMN tool_id INTEGER;
CREATE INDEX import_run_tool ON import_run(district_id, tool_id, finished_at)
  WHERE tool_id IS NOT NULL;
