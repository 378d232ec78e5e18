-- Free-text search over contacts: a trigram index answers LIKE '%…%' without
-- reading every contact. The expression is repeated exactly by the query
-- (src/db/contact_search.rs); chr(10) keeps a match inside one field.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contacts_search ON contacts USING gin (
    (lower(name) || chr(10) || email_normalized || chr(10) || lower(company)) gin_trgm_ops
);

-- The outbox is claimed in (next_attempt_at, id) order: the index gives it
-- without sorting the whole queue.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
