DROP INDEX reports_by_industry;
ALTER TABLE reports DROP COLUMN industry;
