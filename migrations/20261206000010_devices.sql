-- Devices this service confirmed with Cognito for its users, where the pool tracks devices.
-- A browser holds only an opaque cookie naming the row (an app, a Device-Handle); the row is
-- found by the SHA-256 of it. Cognito's device key and group key, the secret that proves the
-- device and whom it belongs to are sealed with SESSION_ENCRYPTION_KEY as one JSON document.
CREATE TABLE devices (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    sealed       TEXT NOT NULL,
    -- Milliseconds since the epoch.
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    -- DEVICE_LIFETIME_DAYS after it was confirmed; purged after that.
    expires_at   BIGINT NOT NULL
);

CREATE INDEX devices_expires_at ON devices (expires_at);
