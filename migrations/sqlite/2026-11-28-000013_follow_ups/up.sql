-- What keeps a deal moving: the next step on a lead and when it is due. A
-- reminder goes to the owner once per due time, and to the sales inbox once
-- it is late by the grace period; `reminded_for` / `escalated_for` hold the
-- due time each was sent for. A table of its own: most leads have none.
CREATE TABLE follow_ups (
    lead_id BIGINT PRIMARY KEY REFERENCES leads (id),
    due_at BIGINT NOT NULL,
    action TEXT NOT NULL,
    set_by BIGINT REFERENCES users (id),
    set_at BIGINT NOT NULL,
    reminded_for BIGINT,
    escalated_for BIGINT
);
CREATE INDEX follow_ups_due ON follow_ups (due_at);
CREATE INDEX leads_buyer_replied ON leads (buyer_replied_at) WHERE buyer_replied_at IS NOT NULL;
