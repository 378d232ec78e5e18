-- The report's industry (its display name; pages use its slug), for the
-- catalogue's filter, the industry pages and related reports.
ALTER TABLE reports ADD COLUMN industry TEXT;
CREATE INDEX reports_by_industry ON reports (industry, updated_at);
