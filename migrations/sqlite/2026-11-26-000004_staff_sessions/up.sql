-- Staff sessions held server-side: the cookie carries a random id whose
-- SHA-256 is stored here, so logout, a password change or a disabled account
-- ends a session for every instance, whatever copy of the cookie exists.
CREATE TABLE staff_sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    user_agent TEXT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id, ended_at);
