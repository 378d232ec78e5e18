ALTER TABLE users DROP COLUMN alerted_at;
DROP TABLE login_throttles;
