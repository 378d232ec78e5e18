DROP INDEX leads_buyer_replied;
CREATE INDEX leads_buyer_replied ON leads (buyer_replied_at) WHERE buyer_replied_at IS NOT NULL;
DROP INDEX leads_awaiting_first_response;
DROP INDEX leads_assignee_status_created;
