-- The sample PDF of each report, every version kept: a link sent with one
-- version keeps serving it after a new file is imported. Stored in the
-- database so every instance serves the same bytes.
CREATE TABLE report_samples (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id),
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_samples_report ON report_samples (report_id, id);

-- Each link mailed to a buyer for a sample: its version, expiry and use.
CREATE TABLE sample_deliveries (
    id INTEGER PRIMARY KEY,
    lead_id BIGINT NOT NULL REFERENCES leads (id),
    sample_id BIGINT NOT NULL REFERENCES report_samples (id),
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    downloads INTEGER NOT NULL DEFAULT 0,
    first_download_at BIGINT,
    last_download_at BIGINT
);
CREATE INDEX sample_deliveries_lead ON sample_deliveries (lead_id);
