DROP INDEX reports_by_change;
