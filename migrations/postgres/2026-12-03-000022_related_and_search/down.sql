DROP TABLE catalogue_version;
DROP TABLE report_segments;
DROP TABLE report_search;
