-- A refresh token handed out by rotation names the sign-ins of the tokens it replaced, so a
-- logout with the newest token refuses the access tokens of the whole chain. Space-separated
-- `origin_jti`s; empty where Cognito kept one `origin_jti` for the chain.
ALTER TABLE refresh_tokens ADD COLUMN earlier_origins TEXT NOT NULL DEFAULT '';
-- Seconds since the epoch when rotation replaced the token (0: it is the newest). A logout
-- with a replaced token can't tell who holds its successor.
ALTER TABLE refresh_tokens ADD COLUMN replaced_at BIGINT NOT NULL DEFAULT 0;
