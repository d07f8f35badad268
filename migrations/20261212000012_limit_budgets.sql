-- The per-username and per-user limits, shared by every replica (used on Postgres; a single
-- SQLite replica counts in memory). One row per budget key: what is counted, a folded
-- username or a user as a digest (never the name itself), and a client address. `tat` is
-- the budget's "theoretical arrival time" (GCRA) in milliseconds of the database's clock:
-- the budget is full again once the clock passes it, so a row older than that says nothing
-- and is purged.
CREATE TABLE limit_budgets (
    key TEXT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL
);

CREATE INDEX limit_budgets_tat ON limit_budgets (tat);

-- (username, client address) pairs that completed a sign-in lately, by digest: such an
-- address is not held up by the name's shared failure budget, only by its own share.
CREATE TABLE limit_familiar (
    key        TEXT PRIMARY KEY NOT NULL,
    -- Milliseconds of the database's clock.
    expires_at BIGINT NOT NULL
);

CREATE INDEX limit_familiar_expires_at ON limit_familiar (expires_at);
