DROP TABLE inbound_mail;
ALTER TABLE contacts DROP COLUMN mail_bounced_at;
ALTER TABLE leads DROP COLUMN buyer_replied_at;
UPDATE outbox SET status = 'sent' WHERE status IN ('bounced', 'suppressed');
ALTER TABLE outbox DROP COLUMN thread;
ALTER TABLE outbox DROP COLUMN from_name;
DROP TABLE mail_templates;
