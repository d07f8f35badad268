-- Set once the first TOTP code of an MFA_SETUP challenge has been accepted (VerifySoftwareToken)
-- and `session` holds the session Cognito returned for the MFA_SETUP answer, so a retry after
-- a transient failure answers MFA_SETUP without checking the code again.
ALTER TABLE challenges ADD COLUMN totp_verified BIGINT NOT NULL DEFAULT 0;
