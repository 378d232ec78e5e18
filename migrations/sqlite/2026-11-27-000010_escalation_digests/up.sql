-- Overdue leads are reported in digests (one mail for many leads), so the mark
-- that a lead was escalated is its 'escalated' event: at most one per lead,
-- however many instances sweep at once. Leads escalated by the per-lead mails
-- before this are marked from those mails, so no digest reports them again.
INSERT INTO lead_events (lead_id, actor_user_id, kind, detail, created_at)
SELECT lead_id, NULL, 'escalated', '{"late_seconds":0,"owner":null}', MIN(created_at)
FROM outbox
WHERE kind = 'escalation' AND lead_id IS NOT NULL
GROUP BY lead_id;

CREATE UNIQUE INDEX lead_events_escalated_once ON lead_events (lead_id) WHERE kind = 'escalated';

DROP INDEX outbox_escalation_once;
