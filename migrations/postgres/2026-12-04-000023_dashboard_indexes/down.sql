DROP INDEX leads_overdue_by_kind;
DROP INDEX leads_by_day;
CREATE INDEX leads_created ON leads (created_at);
