-- What the buyer typed with each request stays with that request: the contact
-- shows the latest details, an earlier lead what was sent with it. Empty for
-- leads stored before this migration (they show the contact's).
ALTER TABLE leads ADD COLUMN name TEXT;
ALTER TABLE leads ADD COLUMN company TEXT;
ALTER TABLE leads ADD COLUMN job_title TEXT;
ALTER TABLE leads ADD COLUMN phone TEXT;
ALTER TABLE leads ADD COLUMN country TEXT;
