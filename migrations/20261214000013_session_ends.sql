-- Ended browser sessions, told to every replica's in-memory session cache. Ends are
-- numbered by the counter's one row, updated in the transaction that ends the session, so
-- numbers follow commit order. `id_hash` names one session; `sub`, every session of a user.
-- `ended_at` is in milliseconds of the database's clock; rows are purged after an hour.
CREATE TABLE session_end_counter (
    one INTEGER PRIMARY KEY NOT NULL CHECK (one = 1),
    seq BIGINT NOT NULL
);

INSERT INTO session_end_counter (one, seq) VALUES (1, 0);

CREATE TABLE session_ends (
    seq      BIGINT PRIMARY KEY NOT NULL,
    id_hash  TEXT,
    sub      TEXT,
    ended_at BIGINT NOT NULL
);

CREATE INDEX session_ends_ended_at ON session_ends (ended_at);

-- Each replica with a session cache: the newest end it has applied, and until when (the
-- database's clock, milliseconds) it may serve from its cache. A replica ending a session
-- waits for every replica whose lease runs to have heard of it.
CREATE TABLE session_replicas (
    id          TEXT PRIMARY KEY NOT NULL,
    heard       BIGINT NOT NULL,
    lease_until BIGINT NOT NULL
);
