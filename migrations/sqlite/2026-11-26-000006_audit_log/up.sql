-- The desk's own actions (logins, users, routing, exports, erasures) with who
-- did them. Lead actions stay in lead_events, written with their actor in the
-- same transaction; the audit_trail view shows both as one list, so nothing a
-- buyer wrote is copied into a second table that erasure would have to find.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    created_at BIGINT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (created_at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, created_at);

-- Who may export leads as CSV: admins always, sales users when an admin allows.
ALTER TABLE users ADD COLUMN can_export BOOLEAN NOT NULL DEFAULT FALSE;

CREATE VIEW audit_trail AS
    SELECT 'desk' AS source, id, created_at, actor_user_id, action,
           CAST(NULL AS BIGINT) AS lead_id, target, detail
    FROM audit_log
    UNION ALL
    SELECT 'lead' AS source, id, created_at, actor_user_id, kind AS action,
           lead_id, '' AS target, detail
    FROM lead_events
    WHERE actor_user_id IS NOT NULL;
