-- Tokens refused before their exp: a sign-in session (by origin_jti or jti, after a logout)
-- or every token of a user issued before a moment (after a global sign-out).
CREATE TABLE revocations (
    -- "jti:<origin_jti or jti>" or "sub:<sub>"
    id          TEXT PRIMARY KEY NOT NULL,
    -- For "sub:" rows: tokens issued (iat, in seconds) before this are refused.
    not_before  BIGINT NOT NULL DEFAULT 0,
    -- Seconds since the epoch after which no token it covers can still be valid.
    expires_at  BIGINT NOT NULL,
    -- Milliseconds since the epoch; replicas pick up rows newer than what they have seen.
    revoked_at  BIGINT NOT NULL
);

CREATE INDEX revocations_revoked_at ON revocations (revoked_at);
CREATE INDEX revocations_expires_at ON revocations (expires_at);
