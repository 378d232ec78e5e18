-- The desk's queue tabs are counted on every list page, from indexes alone:
-- a user's leads by status ("Mine" and its status tabs), the leads never
-- contacted in age order with their status and kind ("Overdue": counted and
-- listed newest first from the same index), and the buyers' replies
-- waiting, with their status ("Buyer replied").
CREATE INDEX leads_assignee_status_created ON leads (assignee_id, status, created_at);
CREATE INDEX leads_awaiting_first_response ON leads (first_response_at, created_at, status, kind);
DROP INDEX leads_buyer_replied;
CREATE INDEX leads_buyer_replied ON leads (buyer_replied_at, status) WHERE buyer_replied_at IS NOT NULL;
