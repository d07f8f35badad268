-- Revocations name their user, so a replica keeps them grouped by user (the check on every
-- request is one lookup), and a confirmed sign-out everywhere can drop that user's earlier
-- sign-in revocations. Rows written before this column existed have no `sub`.
ALTER TABLE revocations ADD COLUMN sub TEXT;
-- For "sub:" rows, once Cognito has confirmed the sign-out everywhere: the user's sign-in
-- revocations recorded before this instant (milliseconds) are superseded by it.
ALTER TABLE revocations ADD COLUMN supersedes_before BIGINT;
CREATE INDEX revocations_sub ON revocations (sub);
