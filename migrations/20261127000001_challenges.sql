-- Pending sign-in challenges. The client holds only an opaque cookie; the row is found by the
-- SHA-256 of that cookie, so a database leak yields no usable cookie.
CREATE TABLE challenges (
    id_hash        TEXT PRIMARY KEY NOT NULL,
    session        TEXT NOT NULL,
    username       TEXT NOT NULL,
    challenge_name TEXT NOT NULL,
    attempts       BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    -- While a request is talking to Cognito about this challenge, no other request may use it.
    leased_until   BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX challenges_expires_at ON challenges (expires_at);
