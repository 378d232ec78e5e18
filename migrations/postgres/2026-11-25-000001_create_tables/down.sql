DROP TABLE outbox;
DROP TABLE lead_events;
DROP TABLE leads;
DROP TABLE contacts;
DROP TABLE users;
DROP TABLE reports;
