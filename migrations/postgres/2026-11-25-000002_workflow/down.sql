DROP INDEX leads_status_kind_created;
DROP INDEX outbox_escalation_once;
DROP INDEX contacts_email_domain;
ALTER TABLE contacts DROP COLUMN email_domain;
DROP TABLE assignment_cursor;
DROP TABLE routing_rules;
