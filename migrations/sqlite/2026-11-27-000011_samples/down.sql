DROP TABLE sample_deliveries;
DROP TABLE report_samples;
