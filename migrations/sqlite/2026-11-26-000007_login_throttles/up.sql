-- Failed logins counted per (account, address) and per address, so an
-- attacker elsewhere cannot lock the owner out: `key` names the pair (a hash
-- of the typed address, never the address itself) or the address.
CREATE TABLE login_throttles (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    blocked_until BIGINT,
    last_failure_at BIGINT NOT NULL
);
-- When the owner was mailed about failed logins from many addresses; cleared
-- by their next login, so one attack gives one mail.
ALTER TABLE users ADD COLUMN alerted_at BIGINT;
