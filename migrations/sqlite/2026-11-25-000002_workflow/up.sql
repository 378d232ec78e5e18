-- Owners: routing rules (country → sales user) and the round-robin cursor.
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    country TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

-- One row: how many leads round-robin has handed out. Incremented inside the
-- lead's transaction, so concurrent submits take consecutive turns.
CREATE TABLE assignment_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    turns BIGINT NOT NULL
);
INSERT INTO assignment_cursor (id, turns) VALUES (1, 0);

-- Repeat interest: contacts of the same company domain.
ALTER TABLE contacts ADD COLUMN email_domain TEXT NOT NULL DEFAULT '';
UPDATE contacts SET email_domain = substr(email_normalized, instr(email_normalized, '@') + 1);
CREATE INDEX contacts_email_domain ON contacts (email_domain);

-- At most one escalation mail per lead and recipient, however many workers look.
CREATE UNIQUE INDEX outbox_escalation_once ON outbox (lead_id, to_addr) WHERE kind = 'escalation';

-- The overdue sweep looks for new leads by age.
CREATE INDEX leads_status_kind_created ON leads (status, kind, created_at);
