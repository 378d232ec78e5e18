-- A named filter and sort of the lead list: a person's own, or shared with
-- the team. The query is the list's own query string.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    shared BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX saved_views_user ON saved_views (user_id);
