DROP TABLE catalogue_version;
DROP TABLE report_segments;
ALTER TABLE reports DROP COLUMN search_text;
