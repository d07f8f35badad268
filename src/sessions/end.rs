//! Ending browser sessions: one, all of a user's but one, the oldest past the bound. Each is
//! over here, on every replica, at once; Cognito revokes its refresh token after.

use secrecy::SecretString;
use tracing::Instrument;

use super::{BrowserSessions, SessionError, SessionSummary, StoredSession};
use crate::clock::now_seconds;
use crate::revocation::{MAX_ACCESS_TOKEN_LIFETIME, MAX_REVOKED_SIGN_INS_PER_USER};
use crate::vocab::IdHash;

impl BrowserSessions {
    /// Ends one session: the row goes, its access tokens are refused at once on every
    /// replica, and its refresh token is revoked at Cognito.
    pub async fn end(&self, stored: &StoredSession) -> Result<(), SessionError> {
        let (ended, seq) = self.end_here(stored).await?;
        self.store.told_everywhere(seq).await;
        if let Some(ended) = ended {
            self.revoke_at_cognito(ended).await;
        }
        Ok(())
    }

    /// The part of ending a session that is this service's own: the row goes, and its sign-in
    /// is refused on every replica for as long as its refresh token could mint tokens, until
    /// Cognito confirms the token is revoked. `None` when the session was already gone. With
    /// it, the end the other replicas must hear of before the answer: the caller waits
    /// (`SessionStore::told_everywhere`), once for however many it ends.
    ///
    /// Should anything fail once the row is gone, the replicas are told before the error
    /// goes up: an error answer must not come before the end reached them either.
    pub(super) async fn end_here(
        &self,
        stored: &StoredSession,
    ) -> Result<(Option<Ended>, i64), SessionError> {
        let (existed, seq) = self.store.delete_recorded(&stored.id_hash).await?;
        if !existed {
            return Ok((None, seq));
        }
        match self.refuse_sign_in(stored).await {
            Ok(sign_in) => Ok((
                Some(Ended {
                    sub: stored.sub.to_string(),
                    sign_in,
                    refresh_token: SecretString::from(stored.tokens.refresh_token.clone()),
                }),
                seq,
            )),
            Err(e) => {
                self.store.told_everywhere(seq).await;
                Err(e)
            }
        }
    }

    /// Refuses the ended session's sign-in on every replica; the sign-in, if recorded.
    async fn refuse_sign_in(&self, stored: &StoredSession) -> Result<Option<String>, SessionError> {
        let identity = self
            .verifier
            .identify_access(&stored.tokens.access_token)
            .await
            .ok();
        let sign_in = identity
            .as_ref()
            .and_then(|c| c.origin_jti.clone().or_else(|| c.jti.clone()));
        // The access token went no further than this service and the APIs it called for the
        // browser; refusing it here stops it at once at `/verify` and on every replica. Past
        // the bound on one user's entries, none is added: the token lives at most until its
        // `exp`, and a wider entry would end the user's other sessions too.
        let sign_in = match sign_in {
            Some(id)
                if self.revocations.sessions_of(&stored.sub).await?
                    < MAX_REVOKED_SIGN_INS_PER_USER =>
            {
                let until = now_seconds()
                    + (self.refresh_token_validity.as_secs() as i64).max(MAX_ACCESS_TOKEN_LIFETIME);
                self.revocations
                    .revoke_session(&stored.sub, &id, until)
                    .await?;
                Some(id)
            }
            _ => None,
        };
        self.verifier.forget(&stored.tokens.access_token);
        Ok(sign_in)
    }

    /// Cognito revokes the refresh token; then the sign-in's entry need only outlive the
    /// access tokens already out.
    async fn revoke_at_cognito(&self, ended: Ended) {
        match self.cognito.revoke_token(&ended.refresh_token).await {
            Ok(()) => {
                if let Some(id) = &ended.sign_in
                    && let Err(e) = self
                        .revocations
                        .revoke_session(&ended.sub, id, now_seconds() + MAX_ACCESS_TOKEN_LIFETIME)
                        .await
                {
                    tracing::info!(error = %e, "a revoked sign-in's entry keeps its longer expiry");
                }
            }
            // The token was only ever in the deleted row, and its sign-in stays refused here
            // for as long as it could live.
            Err(e) => {
                tracing::warn!(cognito.error = %e.kind, "a browser session's refresh token was not revoked at Cognito");
            }
        }
    }

    /// Asks Cognito to revoke ended sessions' refresh tokens after the answer has gone: each
    /// is already refused here, so the answer need not wait for a slow Cognito.
    pub(super) fn revoke_in_background(&self, ended: Vec<Ended>) {
        if ended.is_empty() {
            return;
        }
        let sessions = self.clone();
        tokio::spawn(
            async move {
                for ended in ended {
                    sessions.revoke_at_cognito(ended).await;
                }
            }
            .instrument(tracing::Span::current()),
        );
    }

    /// Ends `session`, unless it holds `refresh_token` too (the same refresh token traded for
    /// a session twice): then its row just goes, and the sign-in they share lives on.
    pub async fn end_unless_sharing(
        &self,
        session: &StoredSession,
        refresh_token: &str,
    ) -> Result<(), SessionError> {
        if session.tokens.refresh_token == refresh_token {
            self.store.delete(&session.id_hash).await?;
            return Ok(());
        }
        self.end(session).await
    }

    /// Deletes every session of a user (after a sign-out everywhere, which already ended
    /// their tokens).
    pub async fn forget_user(&self, sub: &str) -> Result<u64, SessionError> {
        Ok(self.store.delete_user(sub).await?)
    }

    /// A user's live sessions, `current` marked.
    pub async fn list(
        &self,
        sub: &str,
        current: Option<&IdHash>,
    ) -> Result<Vec<SessionSummary>, SessionError> {
        let sessions = self.store.of_user(sub).await?;
        Ok(sessions
            .iter()
            .map(|s| SessionSummary::new(s, current == Some(&s.id_hash), self.idle_timeout))
            .collect())
    }

    /// A user's session by its public id.
    pub async fn find_public(
        &self,
        sub: &str,
        public_id: &str,
    ) -> Result<Option<StoredSession>, SessionError> {
        Ok(self.store.of_user_by_public_id(sub, public_id).await?)
    }

    /// Ends every session of a user but `keep`; returns how many. Each is over here, on every
    /// replica, before this returns; Cognito is asked to revoke their refresh tokens after, in
    /// the background, so a slow Cognito can't hold the answer past its time limit.
    pub async fn end_others(
        &self,
        sub: &str,
        keep: Option<&IdHash>,
    ) -> Result<usize, SessionError> {
        let others: Vec<StoredSession> = self
            .store
            .of_user(sub)
            .await?
            .into_iter()
            .filter(|s| Some(&s.id_hash) != keep)
            .collect();
        let mut ended = Vec::with_capacity(others.len());
        let mut newest = 0;
        for session in &others {
            match self.end_here(session).await {
                Ok((one, seq)) => {
                    ended.extend(one);
                    newest = newest.max(seq);
                }
                Err(e) => {
                    // Those ended so far are told before the error goes up.
                    self.store.told_everywhere(newest).await;
                    return Err(e);
                }
            }
        }
        // Once for all of them: the replicas hear of ends in order.
        self.store.told_everywhere(newest).await;
        let count = ended.len();
        self.revoke_in_background(ended);
        Ok(count)
    }
}

/// A session ended here, what Cognito is still to hear of it.
pub(super) struct Ended {
    sub: String,
    /// Its sign-in, when an entry was recorded for it.
    sign_in: Option<String>,
    refresh_token: SecretString,
}
