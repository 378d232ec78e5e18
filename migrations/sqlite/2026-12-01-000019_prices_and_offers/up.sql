-- What a discount request asked about money (a table of its own: the leads
-- table is at diesel's 32-column limit). Amounts in the currency's minor units.
CREATE TABLE lead_prices (
    lead_id BIGINT PRIMARY KEY REFERENCES leads (id),
    currency TEXT NOT NULL,
    list_price_minor BIGINT,
    asked_price_minor BIGINT
);

-- Prices offered to buyers, each on its way from draft to accepted (see
-- domain::offer). The discount is kept as computed when proposed.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads (id),
    licence TEXT NOT NULL,
    currency TEXT NOT NULL,
    list_price_minor BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    discount_percent DOUBLE PRECISION NOT NULL,
    valid_until BIGINT NOT NULL,
    state TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    decided_by BIGINT REFERENCES users (id),
    decision_note TEXT,
    decided_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX offers_by_lead ON offers (lead_id);
CREATE INDEX offers_by_state ON offers (state);
