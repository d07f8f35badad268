-- Browser sessions: the service keeps a signed-in browser's Cognito tokens, and the browser
-- holds only an opaque cookie. The row is found by the SHA-256 of that cookie, and the tokens
-- are sealed with SESSION_ENCRYPTION_KEY, so a copy of the database signs nobody in.
CREATE TABLE browser_sessions (
    id_hash              TEXT PRIMARY KEY NOT NULL,
    -- What the user sees of a session (GET /sessions) and names to end it; never the cookie.
    public_id            TEXT NOT NULL UNIQUE,
    sub                  TEXT NOT NULL,
    -- Cognito's name for the user, for SECRET_HASH on a refresh.
    username             TEXT NOT NULL,
    -- The access, ID and refresh tokens, sealed as one JSON document.
    tokens               TEXT NOT NULL,
    -- Seconds since the epoch: when the sealed access token expires.
    access_expires_at    BIGINT NOT NULL,
    -- Seconds since the epoch: when the user last proved who they are.
    auth_time            BIGINT NOT NULL,
    -- How they proved it (RFC 8176 values, space-separated).
    amr                  TEXT NOT NULL,
    -- Milliseconds since the epoch.
    created_at           BIGINT NOT NULL,
    last_seen_at         BIGINT NOT NULL,
    -- The absolute end, whatever the activity.
    expires_at           BIGINT NOT NULL,
    client_ip            TEXT NOT NULL,
    user_agent           TEXT NOT NULL,
    -- While one request refreshes the tokens, no other request on any replica does.
    refresh_leased_until BIGINT NOT NULL DEFAULT 0,
    -- Bumped on every refresh, so a waiting request sees that the tokens changed.
    version              BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX browser_sessions_sub ON browser_sessions (sub);
CREATE INDEX browser_sessions_expires_at ON browser_sessions (expires_at);

-- How the user has proved themselves so far in a pending sign-in (RFC 8176 values,
-- space-separated), carried to the session it ends in. Rows from before count as a password.
ALTER TABLE challenges ADD COLUMN amr TEXT;
