-- What staff write to a buyer starts from a template per request kind;
-- admins edit them at /admin/templates.
CREATE TABLE mail_templates (
    kind TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id)
);
INSERT INTO mail_templates (kind, subject, body, updated_at) VALUES
('sample_request', 'Your sample of {{report_title}}',
'Dear {{buyer_name}},

thank you for your interest in {{report_title}}. Your sample is here:
{{sample_link}}

If it helps to walk through the scope or the methodology, reply to this mail
and I will set up a short call.

Best regards,
{{owner_name}}', 0),
('inquiry', 'Re: your inquiry about {{report_title}}',
'Dear {{buyer_name}},

thank you for your question about {{report_title}} ({{report_url}}).

[Answer here.]

Best regards,
{{owner_name}}', 0),
('discount', 'Re: your discount request for {{report_title}}',
'Dear {{buyer_name}},

thank you for your interest in the {{licence}} licence of {{report_title}}
for {{company}}.

[Offer here.]

Best regards,
{{owner_name}}', 0);

-- A mail staff write to a buyer: from the owner by name, threaded with the
-- lead's earlier messages (their Message-IDs, oldest first).
-- A mail may now bounce, or be held back (suppressed) after a bounce: SQLite
-- cannot change a CHECK constraint, so the table is rebuilt with it.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    lead_id BIGINT REFERENCES leads (id),
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    reply_to TEXT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead', 'bounced', 'suppressed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    from_name TEXT,
    thread TEXT
);
INSERT INTO outbox_new (id, lead_id, kind, to_addr, reply_to, subject, body_text, body_html,
    message_id, status, attempts, next_attempt_at, last_error, claimed_until, created_at, sent_at)
SELECT id, lead_id, kind, to_addr, reply_to, subject, body_text, body_html,
    message_id, status, attempts, next_attempt_at, last_error, claimed_until, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lead ON outbox (lead_id);

-- The first real contact stops the response clock; the buyer's reply waits
-- for an answer until staff write or log a contact.
ALTER TABLE leads ADD COLUMN buyer_replied_at BIGINT;
-- An address that bounced gets no automatic mail until the buyer asks again.
ALTER TABLE contacts ADD COLUMN mail_bounced_at BIGINT;

-- Every mail that came in: replies, auto-replies and bounces, matched to a
-- lead or waiting for an admin. A Message-ID is taken once, however many
-- ways the same mail arrives.
CREATE TABLE inbound_mail (
    id INTEGER PRIMARY KEY,
    received_at BIGINT NOT NULL,
    via TEXT NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    lead_id BIGINT REFERENCES leads (id),
    outbox_id BIGINT REFERENCES outbox (id),
    body_text TEXT NOT NULL,
    attachments TEXT NOT NULL,
    size BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbound_mail_message_id ON inbound_mail (message_id);
CREATE INDEX inbound_mail_state ON inbound_mail (state, received_at);
CREATE INDEX inbound_mail_lead ON inbound_mail (lead_id);
