-- One row /healthz writes on every check: a database that answers reads but
-- cannot take writes (locked past the busy timeout, disk full) is not healthy.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    checked_at BIGINT NOT NULL
);
INSERT INTO health_probe (id, checked_at) VALUES (1, 0);
