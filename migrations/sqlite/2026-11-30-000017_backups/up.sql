-- Backups taken, by the command or the server's daily run. A daily run
-- claims its day first (the unique day), so of several instances one takes it.
CREATE TABLE backups (
    id INTEGER PRIMARY KEY,
    -- YYYY-MM-DD of a scheduled run; NULL for one taken by the command.
    day TEXT UNIQUE,
    -- Empty while the claimed run is still copying.
    file TEXT NOT NULL,
    taken_at BIGINT NOT NULL
);
