CREATE UNIQUE INDEX outbox_escalation_once ON outbox (lead_id, to_addr) WHERE kind = 'escalation';
DROP INDEX lead_events_escalated_once;
DELETE FROM lead_events WHERE kind = 'escalated';
