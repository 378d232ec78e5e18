-- Integrations: the CRM's webhook endpoints, their deliveries (an outbox of
-- their own, written in the same transaction as the lead event that causes
-- them) and the API's bearer tokens.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- The event types it wants, space-separated ("lead.created mail.dead").
    events TEXT NOT NULL,
    -- "standard" (Standard Webhooks JSON) or "chat" (Slack / Teams text).
    format TEXT NOT NULL,
    -- whsec_<base64>: needed in clear to sign each delivery.
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- Why it was switched off by the system (410, a day of failures).
    disabled_reason TEXT,
    -- The first failure of the current run of failures.
    failing_since BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    lead_id BIGINT REFERENCES leads (id),
    -- The Standard Webhooks message id: the same on every attempt.
    message_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT,
    response_code INTEGER,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at, id);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_lead ON webhook_deliveries (lead_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- "read" or "read_write".
    scope TEXT NOT NULL,
    -- SHA-256 of the token (256 random bits: a slow hash adds nothing).
    token_hash TEXT NOT NULL UNIQUE,
    -- The token's first characters, to tell tokens apart on the page.
    prefix TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
