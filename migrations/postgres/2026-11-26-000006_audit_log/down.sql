DROP VIEW audit_trail;
ALTER TABLE users DROP COLUMN can_export;
DROP TABLE audit_log;
