DROP INDEX leads_by_day;
CREATE INDEX leads_by_day ON leads (created_at, kind, status, report_id, first_response_at);
