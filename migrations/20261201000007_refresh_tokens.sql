-- The sign-in each refresh token handed out belongs to, so a logout that sends only the
-- refresh token can refuse that sign-in's access tokens at once. The token is kept only as an
-- HMAC under a key derived from SESSION_ENCRYPTION_KEY.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    sub         TEXT NOT NULL,
    -- Cognito's name for the user (the access token's `username`), for admin calls.
    username    TEXT NOT NULL,
    origin_jti  TEXT NOT NULL,
    -- Seconds since the epoch: when the refresh token stops working anyway.
    expires_at  BIGINT NOT NULL
);

CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
