-- Catalogue search reads one lower-cased text per report (title and summary,
-- written at import) instead of lower-casing two columns per row and word.
-- A narrow table of its own: columns added to reports come after the ~20 KB
-- document, and reading past it costs more than the search itself.
CREATE TABLE report_search (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    words TEXT NOT NULL
);
INSERT INTO report_search (report_id, words)
SELECT id, lower(title || ' ' || summary) FROM reports;

-- A report's segment entries, lower-cased, so related reports can be ranked
-- by the segments they share. Written by the report import only.
CREATE TABLE report_segments (
    report_id BIGINT NOT NULL REFERENCES reports (id),
    segment TEXT NOT NULL,
    PRIMARY KEY (report_id, segment)
);
CREATE INDEX report_segments_by_segment ON report_segments (segment, report_id);
INSERT OR IGNORE INTO report_segments (report_id, segment)
SELECT r.id, lower(trim(e.value))
FROM reports r, json_each(r.content, '$.segmentations') s, json_each(s.value, '$.entries') e
WHERE lower(trim(e.value)) NOT IN ('other', 'others', '');

-- Counts changes to the catalogue: a cached report page lists related
-- reports, so any import makes every cached page due for a new drawing.
-- (The newest updated_at cannot say so: an import in the same second as
-- the drawing would go unnoticed.)
CREATE TABLE catalogue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 1);
