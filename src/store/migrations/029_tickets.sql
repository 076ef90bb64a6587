-- 029: support tickets for the district's tools (issue 14, h14-tickets;
-- docs/support.md, src/domain/ticket.h). A problem with a classroom app is
-- routed along the support matrix: the school's tech champion, then district
-- IT, then the vendor, each tier with response and resolution targets by
-- priority (SLA), escalating by itself when a target passes.

-- One ticket (an incident when duplicates were merged into it).
--   tool_id 0: no tool (a device or something general); device_id NULL when
--   none (no SQL foreign key: the domain checks it against the device table).
--   reporter_*: who filed it (their role as they filed, their own words for
--   the browser, summarised from the User-Agent); the other reporters of a
--   merged incident are in ticket_reporter (the filer is there too).
--   health_*: the tool's data health when it was filed (domain/ticket.h
--   ticket_health): last data received (Unix seconds, 0 never), quarantined
--   events in the last 7 days, credential state ('active', 'revoked',
--   'none').
--   tier: who holds it now; assignee_id the person in that tier who took it
--   (NULL: the tier as a group, or the vendor's help-desk email).
--   SLA clock: tier_since is when the current tier took it; response_due is
--   NULL once that tier answered; resolve_due NULL once resolved; next_due
--   is the earlier of the two while the clock runs (NULL while paused,
--   resolved, closed or past every tier: the sweep's partial index);
--   paused_at is set while waiting on the reporter, paused_s sums pauses.
--   sla_breached: the vendor tier's target passed (nowhere further to go).
CREATE TABLE ticket (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  tool_id INTEGER NOT NULL DEFAULT 0,
  school_sid TEXT NOT NULL DEFAULT '',
  class_sid TEXT NOT NULL DEFAULT '',
  device_id INTEGER,
  reporter_id INTEGER NOT NULL,
  reporter_role TEXT NOT NULL,
  reporter_name TEXT NOT NULL,
  share_with_vendor INTEGER NOT NULL DEFAULT 0 CHECK (share_with_vendor IN (0, 1)),
  browser TEXT NOT NULL DEFAULT '',
  health_last_received INTEGER NOT NULL DEFAULT 0,
  health_quarantined INTEGER NOT NULL DEFAULT 0,
  health_credential TEXT NOT NULL DEFAULT 'none'
    CHECK (health_credential IN ('active', 'revoked', 'none')),
  title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
  priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'waiting_on_reporter',
    'escalated', 'resolved', 'closed')),
  tier TEXT NOT NULL CHECK (tier IN ('champion', 'it', 'vendor')),
  assignee_id INTEGER,
  vendor_email TEXT NOT NULL DEFAULT '',
  tier_since INTEGER NOT NULL,
  response_due INTEGER,
  resolve_due INTEGER,
  next_due INTEGER,
  first_response_at INTEGER,
  resolved_at INTEGER,
  paused_at INTEGER,
  paused_s INTEGER NOT NULL DEFAULT 0,
  sla_breached INTEGER NOT NULL DEFAULT 0 CHECK (sla_breached IN (0, 1)),
  merged_into INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- the lists: a district's tickets newest first, by status, tool, school,
-- device, assignee; the sweep: due clocks of every district
CREATE INDEX ticket_district ON ticket(district_id, id);
CREATE INDEX ticket_open ON ticket(district_id, status, id);
CREATE INDEX ticket_tool ON ticket(district_id, tool_id, id);
CREATE INDEX ticket_school ON ticket(district_id, school_sid, id);
CREATE INDEX ticket_device ON ticket(district_id, device_id, id) WHERE device_id IS NOT NULL;
CREATE INDEX ticket_due ON ticket(next_due) WHERE next_due IS NOT NULL;
CREATE INDEX ticket_dup ON ticket(district_id, tool_id, school_sid, created_at)
  WHERE merged_into IS NULL;

-- The reporters of a ticket: the filer, those who joined it ("is it
-- this?") and those of duplicates merged into it. share_with_vendor: this
-- reporter chose to show their name and class to the vendor.
CREATE TABLE ticket_reporter (
  district_id INTEGER NOT NULL REFERENCES district(id),
  ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  class_sid TEXT NOT NULL DEFAULT '',
  share_with_vendor INTEGER NOT NULL DEFAULT 0 CHECK (share_with_vendor IN (0, 1)),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_reporter_account ON ticket_reporter(district_id, account_id, ticket_id);

-- Comments: public (the reporters read them) or internal (staff of the
-- district only; never reporters nor vendors).
CREATE TABLE ticket_comment (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  author_id INTEGER,
  author_name TEXT NOT NULL,
  author_role TEXT NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_comment_of ON ticket_comment(district_id, ticket_id, id);

-- Attachments, in the database (a backup holds them; no files to lose):
-- at most TICKET_ATTACH_MAX bytes each, of a type told by magic bytes.
CREATE TABLE ticket_attachment (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  filename TEXT NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'application/pdf',
    'text/plain')),
  size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 5242880),
  data BLOB NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
  uploaded_by INTEGER,
  uploader_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ticket_attachment_of ON ticket_attachment(district_id, ticket_id, id);

-- Status history: every change of status, tier, assignee or merge, by whom
-- (account_id NULL and actor 'sla' for the sweep).
CREATE TABLE ticket_event (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  account_id INTEGER,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('filed', 'status', 'tier', 'assign', 'merge', 'join',
    'breach')),
  from_value TEXT NOT NULL DEFAULT '',
  to_value TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX ticket_event_of ON ticket_event(district_id, ticket_id, id);

-- A district's own SLA targets (minutes), over the defaults in code
-- (ticket.h ticket_sla_default) for the tier x priority pairs it names.
CREATE TABLE ticket_sla (
  district_id INTEGER NOT NULL REFERENCES district(id),
  tier TEXT NOT NULL CHECK (tier IN ('champion', 'it', 'vendor')),
  priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  respond_min INTEGER NOT NULL CHECK (respond_min > 0),
  resolve_min INTEGER NOT NULL CHECK (resolve_min >= respond_min),
  PRIMARY KEY (district_id, tier, priority)
) STRICT, WITHOUT ROWID;

-- Email notifications waiting to be sent (the sweep sends them with the
-- district's delivery settings, domain/delivery.h and smtp.h). A sender
-- claims a row ('sending', claimed_at) before it sends, so that two sweeps
-- (serve's thread and the command) never send one twice; a claim older
-- than 10 minutes (a crash) goes back to 'queued'.
CREATE TABLE ticket_notice (
  id INTEGER PRIMARY KEY,
  district_id INTEGER NOT NULL REFERENCES district(id),
  ticket_id INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent',
    'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_at INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  sent_at INTEGER
) STRICT;
CREATE INDEX ticket_notice_due ON ticket_notice(district_id, id) WHERE status = 'queued';
CREATE INDEX ticket_notice_claimed ON ticket_notice(claimed_at) WHERE status = 'sending';
