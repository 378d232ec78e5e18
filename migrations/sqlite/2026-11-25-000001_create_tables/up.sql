-- Every table of the contract (DESIGN §7). Times are unix seconds (BIGINT) so the
-- same diesel types serve SQLite and PostgreSQL.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    published_on TEXT,
    market_size_start DOUBLE NOT NULL,
    market_size_end DOUBLE NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    cagr_percent DOUBLE NOT NULL,
    currency TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    email_normalized TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    phone TEXT,
    country TEXT NOT NULL,
    job_title TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    erased_at BIGINT
);

CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    report_id BIGINT NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL CHECK (kind IN ('sample_request', 'inquiry', 'discount')),
    status TEXT NOT NULL CHECK (status IN ('new', 'contacted', 'qualified', 'proposal', 'won', 'lost', 'spam')),
    message TEXT,
    licence TEXT CHECK (licence IN ('single', 'multi', 'enterprise')),
    budget TEXT,
    score INTEGER NOT NULL DEFAULT 0,
    spam_reason TEXT,
    assignee_id BIGINT REFERENCES users (id),
    consent_text_version TEXT NOT NULL,
    consent_at BIGINT NOT NULL,
    marketing_opt_in BOOLEAN NOT NULL DEFAULT 0,
    utm_source TEXT,
    utm_medium TEXT,
    utm_campaign TEXT,
    referrer TEXT,
    landing_path TEXT,
    form_token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    first_response_at BIGINT
);
-- The admin list filters by these, newest first.
CREATE INDEX leads_status_created ON leads (status, created_at);
CREATE INDEX leads_kind_created ON leads (kind, created_at);
CREATE INDEX leads_report_created ON leads (report_id, created_at);
CREATE INDEX leads_assignee_created ON leads (assignee_id, created_at);
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX leads_contact ON leads (contact_id);

CREATE TABLE lead_events (
    id INTEGER PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads (id),
    actor_user_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX lead_events_lead_created ON lead_events (lead_id, created_at);
CREATE INDEX lead_events_actor_created ON lead_events (actor_user_id, created_at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    lead_id BIGINT REFERENCES leads (id),
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    reply_to TEXT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lead ON outbox (lead_id);
