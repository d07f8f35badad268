-- Federated sign-ins under way at the pool's domain (GET /oauth/start until /oauth/callback).
-- The browser holds only an opaque cookie naming the row; the row is found by the SHA-256 of
-- it. The state, the PKCE code_verifier, the nonce and where to send the user afterwards are
-- sealed with SESSION_ENCRYPTION_KEY as one JSON document, bound to that hash. A row is used
-- once: the callback deletes it as it reads it.
CREATE TABLE oauth_flows (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    sealed     TEXT NOT NULL,
    -- Milliseconds since the epoch.
    created_at BIGINT NOT NULL,
    -- A few minutes after it was created; purged after that.
    expires_at BIGINT NOT NULL
);

CREATE INDEX oauth_flows_expires_at ON oauth_flows (expires_at);
