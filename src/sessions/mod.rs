//! Browser sessions: the backend-for-frontend keeps a signed-in browser's Cognito tokens, and
//! the browser holds only an HttpOnly cookie naming the session. The service refreshes the
//! tokens itself, once per session across every replica, and attaches the access token where
//! one is needed.

mod cache;
mod device;
mod end;
mod ends;
mod error;
mod store;
mod stored;
mod view;

pub use error::SessionError;

pub use cache::SessionCache;
pub use device::device_label;
pub use ends::SessionEnds;
pub use store::{Found, NewSession, RefreshLease, SessionStore, TOUCH_EVERY};
pub use stored::{SessionTokens, StoredSession};
pub use view::{SessionSummary, SessionView};

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_verifier::{AccessClaims, Revocations, TokenError, VerifiedAccess, Verifier};
use secrecy::SecretString;

use crate::clock::now_seconds;
use crate::cognito::{Cognito, CognitoErrorKind, Tokens};
use crate::revocation::RevocationList;
use crate::vocab::Amr;
use crate::vocab::{IdHash, OpaqueId, SessionId};

/// An access token with less than this left is refreshed before it is used, so it does not
/// expire on its way to an API.
pub const REFRESH_MARGIN_SECONDS: i64 = 60;

/// How many sessions one user may hold; signing in once more ends the oldest.
pub const MAX_SESSIONS_PER_USER: i64 = 50;

/// How often a request waiting for another's refresh looks at the row again.
const REFRESH_POLL: Duration = Duration::from_millis(50);

/// A session found live for this request, with a usable access token.
#[derive(Debug)]
pub struct LiveSession {
    pub stored: StoredSession,
    /// The access token as the verifier's cache holds it: its claims, and what was derived
    /// from them for `/verify`.
    verified: Arc<VerifiedAccess>,
}

impl LiveSession {
    pub fn access_token(&self) -> &str {
        &self.stored.tokens.access_token
    }

    pub fn claims(&self) -> &AccessClaims {
        self.verified.claims()
    }

    pub fn verified(&self) -> &VerifiedAccess {
        &self.verified
    }
}

/// A session just started: its cookie value and what it holds.
pub struct Started {
    pub id: SessionId,
    pub max_age_seconds: i64,
    pub view: SessionView,
}

/// How long sessions last, and how long a change of id may wait for a refresh under way.
#[derive(Debug, Clone, Copy)]
pub struct SessionTimes {
    pub max_lifetime: Duration,
    pub idle_timeout: Duration,
    /// At most one Cognito refresh: the longest another request holds the session's lease.
    pub renew_wait: Duration,
    /// How long a refresh token lives: an ended session's sign-in stays refused that long
    /// unless Cognito confirms it revoked the token.
    pub refresh_token_validity: Duration,
}

/// What became of the session a request was made with, after a change of what the user can
/// do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionAfter {
    /// The same session under a new id: the old cookie names nothing now.
    Renewed,
    /// The session is over (it could not be given a new id in time, or ended meanwhile);
    /// the user signs in again.
    Ended,
}

/// A session's new id, or its end.
pub enum Renewal {
    Renewed { id: SessionId, max_age_seconds: i64 },
    Ended,
}

impl Renewal {
    pub fn after(&self) -> SessionAfter {
        match self {
            Renewal::Renewed { .. } => SessionAfter::Renewed,
            Renewal::Ended => SessionAfter::Ended,
        }
    }
}

#[derive(Clone)]
pub struct BrowserSessions {
    store: SessionStore,
    cognito: Cognito,
    verifier: Arc<Verifier>,
    revocations: Arc<RevocationList>,
    max_lifetime: Duration,
    idle_timeout: Duration,
    renew_wait: Duration,
    refresh_token_validity: Duration,
}

impl BrowserSessions {
    pub fn new(
        store: SessionStore,
        cognito: Cognito,
        verifier: Arc<Verifier>,
        revocations: Arc<RevocationList>,
        times: SessionTimes,
    ) -> Self {
        BrowserSessions {
            store,
            cognito,
            verifier,
            revocations,
            max_lifetime: times.max_lifetime,
            idle_timeout: times.idle_timeout,
            renew_wait: times.renew_wait,
            refresh_token_validity: times.refresh_token_validity,
        }
    }

    pub fn store(&self) -> &SessionStore {
        &self.store
    }

    /// Starts a session holding `tokens`, under a new id: a sign-in never reuses an id the
    /// browser had before (no fixation).
    pub async fn start(
        &self,
        tokens: &Tokens,
        refresh_token: Option<&str>,
        amr: &Amr,
        client_ip: &str,
        user_agent: &[u8],
        device_key: Option<&str>,
    ) -> Result<Started, SessionError> {
        // Tokens traded from a refresh token the caller held: a refresh, not a sign-in.
        let traded = refresh_token.is_some();
        let Some(refresh_token) = tokens.refresh_token.as_deref().or(refresh_token) else {
            // Cognito always returns one with a sign-in; without it the session would die with
            // its first access token.
            return Err(SessionError::Internal(
                "Cognito returned no refresh token for a session",
            ));
        };
        let claims = match self.verifier.verify_access(&tokens.access_token).await {
            Ok(claims) => claims,
            // Its sign-in was ended here meanwhile: as good as a refused refresh token.
            Err(TokenError::Revoked) => return Err(SessionError::InvalidRefreshToken),
            Err(e) => return Err(SessionError::NewTokenRefused(e.code())),
        };
        let id_claims = match &tokens.id_token {
            Some(id_token) => self.verifier.verify_id(id_token).await.ok(),
            None => None,
        };
        let id = SessionId::generate()?;
        let public_id = public_id()?;
        let stored_tokens = SessionTokens {
            access_token: tokens.access_token.clone(),
            id_token: tokens.id_token.clone(),
            refresh_token: refresh_token.to_owned(),
            device_key: device_key.map(str::to_owned),
            verified: Default::default(),
        };
        let auth_time = signed_in_at(
            id_claims.as_ref().and_then(|c| c.auth_time),
            claims.auth_time,
            traded,
            now_seconds(),
        );
        let username = claims
            .username
            .clone()
            .unwrap_or_else(|| claims.sub.clone());
        let user_agent = clean_user_agent(user_agent);
        self.store
            .insert(NewSession {
                id_hash: &id.hash(),
                public_id: &public_id,
                sub: &claims.sub,
                username: &username,
                tokens: &stored_tokens,
                access_expires_at: claims.exp,
                auth_time,
                amr: &amr.to_column(),
                lifetime: self.max_lifetime,
                client_ip,
                user_agent: &user_agent,
            })
            .await?;
        let oldest = self
            .store
            .beyond(&claims.sub, MAX_SESSIONS_PER_USER)
            .await?;
        for session in &oldest {
            self.end_unless_sharing(session, refresh_token).await?;
        }
        if !oldest.is_empty() {
            tracing::info!(sub = %claims.sub, ended = oldest.len(), "oldest browser sessions ended: too many");
        }
        let max_age_seconds = self.max_lifetime.as_secs() as i64;
        let now_ms = crate::clock::now_ms();
        let view = SessionView::new(
            &claims,
            id_claims.as_ref(),
            auth_time,
            amr.names(),
            now_ms,
            now_ms + max_age_seconds * 1000,
            now_ms,
            self.idle_timeout,
        );
        Ok(Started {
            id,
            max_age_seconds,
            view,
        })
    }

    /// The session `id` names, as stored, without refreshing anything.
    pub async fn stored(&self, id: &SessionId) -> Result<StoredSession, SessionError> {
        match self.store.find(&id.hash()).await? {
            Found::Live(stored) => Ok(*stored),
            Found::Gone => Err(SessionError::NoSession),
            Found::Unreadable => Err(SessionError::Unreadable),
        }
    }

    /// The live session `id` names, with an access token good for at least
    /// `REFRESH_MARGIN_SECONDS`; `NoSession` when it names no live session.
    pub async fn authenticate(&self, id: &SessionId) -> Result<LiveSession, SessionError> {
        let access_until = now_seconds() + REFRESH_MARGIN_SECONDS;
        let stored = match self.store.find_for_use(&id.hash(), access_until).await? {
            Found::Live(stored) => *stored,
            Found::Gone => return Err(SessionError::NoSession),
            Found::Unreadable => return Err(SessionError::Unreadable),
        };
        // The refresh path (a Cognito call) and the delete below are boxed: their futures are
        // large, and inline they would be copied on every request, most of which need
        // neither.
        let stored = if stored.access_expires_at - now_seconds() > REFRESH_MARGIN_SECONDS {
            stored
        } else {
            Box::pin(self.fresh(stored)).await?
        };
        let verified = match self.verified(&stored.tokens).await {
            Ok(verified) => verified,
            // Signed out elsewhere (a logout everywhere, or this sign-in ended on another
            // replica): the session is over.
            Err(TokenError::Revoked) => {
                Box::pin(self.store.delete(&stored.id_hash)).await?;
                return Err(SessionError::NoSession);
            }
            Err(e) => {
                tracing::warn!(
                    error = e.code(),
                    "a browser session's access token is refused"
                );
                return Err(SessionError::NoSession);
            }
        };
        Ok(LiveSession { stored, verified })
    }

    /// The session's access token as the verifier verifies it. The verification is kept with
    /// the tokens, which this replica's cache shares between requests, and checked again on
    /// each use (expiry, the signing key, revocation: what a token in the verifier's own cache
    /// is checked for) rather than the token looked up there. Kept only while that cache is on
    /// (TOKEN_CACHE_CAPACITY above 0): off, every use is the full check.
    async fn verified(&self, tokens: &SessionTokens) -> Result<Arc<VerifiedAccess>, TokenError> {
        if let Some(kept) = tokens.verified.get() {
            self.verifier.recheck_access(kept)?;
            return Ok(kept.clone());
        }
        let verified = self
            .verifier
            .verify_access_shared(&tokens.access_token)
            .await?;
        if self.verifier.caches() {
            tokens.verified.keep(verified.clone());
        }
        Ok(verified)
    }

    /// Restarts the session's idle timer.
    pub async fn touch(&self, session: &LiveSession) -> Result<(), SessionError> {
        Ok(self.store.touch(&session.stored).await?)
    }

    /// The session with tokens good for a while yet: refreshed here if they are about to
    /// expire, or by whichever request on any replica claimed the refresh first.
    async fn fresh(&self, mut stored: StoredSession) -> Result<StoredSession, SessionError> {
        if stored.access_expires_at - now_seconds() > REFRESH_MARGIN_SECONDS {
            return Ok(stored);
        }
        self.refuse_if_signed_out(&stored).await?;
        let deadline = tokio::time::Instant::now() + self.store.refresh_lease() + REFRESH_POLL;
        loop {
            if let Some(lease) = self
                .store
                .claim_refresh(&stored.id_hash, stored.version)
                .await?
            {
                return self.refresh(stored, lease).await;
            }
            // Another request is refreshing: wait for its result rather than refresh the same
            // token twice, which rotation would punish by ending the session.
            tokio::time::sleep(REFRESH_POLL).await;
            match self.store.find(&stored.id_hash).await? {
                Found::Live(now) if now.version != stored.version => return Ok(*now),
                Found::Live(now) => stored = *now,
                Found::Gone => return Err(SessionError::NoSession),
                Found::Unreadable => return Err(SessionError::Unreadable),
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(SessionError::Busy);
            }
        }
    }

    /// A session whose tokens were signed out here (a logout everywhere that Cognito has not
    /// confirmed yet, say) must not refresh its way past that: it ends.
    async fn refuse_if_signed_out(&self, stored: &StoredSession) -> Result<(), SessionError> {
        let Ok(claims) = self
            .verifier
            .identify_access(&stored.tokens.access_token)
            .await
        else {
            return Ok(());
        };
        if self.revocations.is_revoked(claims.identity()) {
            self.store.delete(&stored.id_hash).await?;
            return Err(SessionError::NoSession);
        }
        Ok(())
    }

    /// Refreshes the session's tokens at Cognito; the claim is held.
    async fn refresh(
        &self,
        stored: StoredSession,
        lease: RefreshLease,
    ) -> Result<StoredSession, SessionError> {
        let refresh_token = SecretString::from(stored.tokens.refresh_token.clone());
        let device_key = stored.tokens.device_key.as_deref();
        let tokens = match self.cognito.refresh(&refresh_token, device_key).await {
            Ok(tokens) => tokens,
            // Cognito refuses the refresh token (revoked, expired, rotated away, user gone):
            // the session is over.
            Err(e)
                if matches!(
                    e.kind,
                    CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound
                ) =>
            {
                tracing::info!(cognito.error = %e.kind, "a browser session's refresh was refused; session ended");
                self.store.delete(&stored.id_hash).await?;
                return Err(SessionError::NoSession);
            }
            Err(e) => {
                self.store.release_refresh(&stored.id_hash, lease).await?;
                // The old token may still do for this request.
                if stored.access_expires_at > now_seconds() {
                    tracing::warn!(cognito.error = %e.kind, "a browser session's refresh failed; using the current token");
                    return Ok(stored);
                }
                return Err(e.into());
            }
        };
        let checked = self.verifier.verify_access(&tokens.access_token).await;
        if let Err(TokenError::Revoked) = checked {
            // Signed out here (every token of the user issued until a moment): a refresh must
            // not bring the session back.
            self.store.delete(&stored.id_hash).await?;
            return Err(SessionError::NoSession);
        }
        let access_expires_at = now_seconds() + i64::from(tokens.expires_in);
        let refreshed = SessionTokens {
            access_token: tokens.access_token,
            id_token: tokens.id_token.or(stored.tokens.id_token.clone()),
            // With rotation Cognito hands out a new one; otherwise the old one lives on.
            refresh_token: tokens
                .refresh_token
                .unwrap_or_else(|| stored.tokens.refresh_token.clone()),
            device_key: stored.tokens.device_key.clone(),
            verified: Default::default(),
        };
        // Kept whatever the check said (the keys may be rotating): with rotation, the old
        // refresh token is spent now.
        if !self
            .store
            .store_refreshed(&stored.id_hash, lease, &refreshed, access_expires_at)
            .await?
        {
            // The lease ran out and another request refreshed, or the session ended: what
            // is stored now is what counts.
            tracing::warn!("a browser session's refresh outlasted its lease");
            return match self.store.find(&stored.id_hash).await? {
                Found::Live(now) => Ok(*now),
                Found::Gone => Err(SessionError::NoSession),
                Found::Unreadable => Err(SessionError::Unreadable),
            };
        }
        if let Err(e) = checked {
            tracing::warn!(error = e.code(), "a refreshed access token does not verify");
            return Err(SessionError::TokenRefused(e.code()));
        }
        Ok(StoredSession {
            tokens: Arc::new(refreshed),
            access_expires_at,
            version: stored.version + 1,
            ..stored
        })
    }

    /// A new id for the session after a change of what the user can do (a new password, MFA
    /// turned on or off): the old cookie stops working, so one captured before the change is
    /// worth nothing after it, whatever its holder did meanwhile.
    ///
    /// The row is moved under its lease, so a refresh on any replica (the thief's own, say)
    /// can neither slip in between nor keep the old id: the move waits for one under way.
    /// If the lease stays taken past `renew_wait`, or the row can't be moved, the session is
    /// ended instead; it never keeps its old id.
    ///
    /// `deadline` is when the request must have its answer: the wait ends before it, leaving
    /// time to end the session, which takes the database alone.
    pub async fn renew(
        &self,
        session: &LiveSession,
        deadline: tokio::time::Instant,
    ) -> Result<Renewal, SessionError> {
        let id_hash = &session.stored.id_hash;
        let deadline = deadline.min(tokio::time::Instant::now() + self.renew_wait);
        loop {
            if let Some(lease) = self.store.claim_lease(id_hash).await? {
                // Read under the lease: the tokens as a refresh just left them, if one did.
                let current = match self.store.find(id_hash).await? {
                    Found::Live(current) => *current,
                    Found::Gone => return Ok(Renewal::Ended),
                    // Sealed under a key this replica lacks (a key rotation under way): it
                    // can't be moved, so it goes.
                    Found::Unreadable => return self.drop_unreadable(id_hash).await,
                };
                let id = SessionId::generate()?;
                if self.store.move_to(&current, lease, &id.hash()).await? {
                    let left = (current.expires_at - crate::clock::now_ms()) / 1000;
                    return Ok(Renewal::Renewed {
                        id,
                        max_age_seconds: left.max(0),
                    });
                }
                // The lease ran out under a slow database and another request took the row.
            } else {
                match self.store.find(id_hash).await? {
                    Found::Live(_) => {}
                    Found::Gone => return Ok(Renewal::Ended),
                    Found::Unreadable => return self.drop_unreadable(id_hash).await,
                }
            }
            if tokio::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(REFRESH_POLL).await;
        }
        tracing::warn!("a browser session could not be given a new id in time; session ended");
        let current = match self.store.find(id_hash).await? {
            Found::Live(current) => *current,
            _ => session.stored.clone(),
        };
        // The database's part now; Cognito's after the answer, so the request's time
        // suffices.
        let (ended, seq) = self.end_here(&current).await?;
        self.store.told_everywhere(seq).await;
        if let Some(ended) = ended {
            self.revoke_in_background(vec![ended]);
        }
        Ok(Renewal::Ended)
    }

    async fn drop_unreadable(&self, id_hash: &IdHash) -> Result<Renewal, SessionError> {
        tracing::warn!(
            "a browser session sealed under another key was ended at a change of its id"
        );
        self.store.delete(id_hash).await?;
        Ok(Renewal::Ended)
    }

    /// Refreshes now, whatever the token's age (`POST /token/refresh` with the cookie).
    pub async fn refresh_now(&self, session: LiveSession) -> Result<LiveSession, SessionError> {
        let stored = session.stored;
        let stored = if let Some(lease) = self
            .store
            .claim_refresh(&stored.id_hash, stored.version)
            .await?
        {
            self.refresh(stored, lease).await?
        } else {
            // Another request is refreshing it this moment: its result is as fresh.
            self.fresh(StoredSession {
                access_expires_at: 0,
                ..stored
            })
            .await?
        };
        let verified = self
            .verifier
            .verify_access_shared(&stored.tokens.access_token)
            .await
            .map_err(|_| SessionError::NoSession)?;
        Ok(LiveSession { stored, verified })
    }

    /// What `GET /session` shows of a live session.
    pub async fn view(&self, session: &LiveSession) -> SessionView {
        let id_claims = match &session.stored.tokens.id_token {
            Some(token) => self.verifier.verify_id(token).await.ok(),
            None => None,
        };
        let stored = &session.stored;
        SessionView::new(
            session.claims(),
            id_claims.as_ref(),
            stored.auth_time,
            Amr::from_column(Some(&stored.amr)).names(),
            stored.created_at,
            stored.expires_at,
            stored.last_seen_at,
            self.idle_timeout,
        )
    }
}

/// When the user behind new tokens last proved who they are: as Cognito says, in the ID token
/// or else the access token (a refresh keeps it). Said nowhere: `now` for a sign-in that just
/// happened, but for tokens traded from a refresh token, whose holder proved nothing here,
/// never, so no recent sign-in is assumed.
fn signed_in_at(id_token: Option<i64>, access_token: Option<i64>, traded: bool, now: i64) -> i64 {
    match id_token.or(access_token) {
        Some(at) => at,
        None if traded => 0,
        None => now,
    }
}

/// What the user sees of a session and names to end it: 16 random bytes, unrelated to the
/// cookie.
fn public_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The user agent as kept with a session: printable text, at most 256 characters.
fn clean_user_agent(user_agent: &[u8]) -> String {
    String::from_utf8_lossy(user_agent)
        .chars()
        .filter(|c| !c.is_control())
        .take(256)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traded_refresh_token_never_counts_as_a_recent_sign_in_unless_cognito_says_so() {
        let now = 1_800_000_000;
        assert_eq!(signed_in_at(Some(10), Some(20), true, now), 10);
        assert_eq!(signed_in_at(None, Some(20), true, now), 20);
        assert_eq!(signed_in_at(None, None, true, now), 0);
        assert_eq!(signed_in_at(None, None, false, now), now);
    }
}
