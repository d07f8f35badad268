-- The name the user typed at sign-in (an email, say), kept to label authenticator entries set
-- up during the sign-in; `username` holds Cognito's internal name. Rows written before this
-- column existed fall back to `username`.
ALTER TABLE challenges ADD COLUMN login_name TEXT;
