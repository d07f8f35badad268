//! The write half of the session boundary, for signing out, in all its forms: this device's
//! session by its cookie, every session of the user, a sign-in by its refresh token or access
//! token, and one session ended from the user's list. Each takes effect here at once, on every
//! replica, before Cognito is told.

use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cognito_verifier::{AccessClaims, AuthRejection, bearer_token};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::refresh::MAX_REFRESH_TOKEN;
use super::{Boundary, Caller, Head, Touch, no_store};
use crate::clock::now_seconds;
use crate::cognito::CognitoErrorKind;
use crate::error::ApiError;
use crate::input::check_text;
use crate::revocation::{MAX_ACCESS_TOKEN_LIFETIME, MAX_REVOKED_SIGN_INS_PER_USER};

#[derive(Deserialize, Default)]
pub struct LogoutRequest {
    refresh_token: Option<SecretString>,
    #[serde(default)]
    everywhere: bool,
}

/// The answer to a federated session's logout: the browser goes on to the pool's
/// `/logout`, which ends managed login's own session and sends it to OAUTH_LOGOUT_URL.
#[derive(serde::Serialize)]
struct FederatedLogout {
    logout_url: String,
}

/// One sign-in session to refuse: its user and its `origin_jti` (or a lone token's `jti`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Session {
    sub: String,
    id: String,
}

impl Boundary {
    /// `POST /logout`: with no token sent, the browser session the cookie names (this device,
    /// or with `everywhere` every session of the user); else the bearer access token's sign-in,
    /// the refresh token's, or both, or with `everywhere` every sign-in of the token's user.
    pub async fn logout(
        &self,
        head: Head<'_>,
        request: LogoutRequest,
    ) -> Result<Response, ApiError> {
        // Everything is checked before anything is revoked.
        if let Some(refresh_token) = &request.refresh_token {
            check_text(
                "refresh_token",
                refresh_token.expose_secret(),
                MAX_REFRESH_TOKEN,
            )?;
        }
        // No token sent: the browser session the cookie names, if any.
        let cookie = self.session_cookie(head.headers);
        if !head.headers.contains_key(AUTHORIZATION)
            && request.refresh_token.is_none()
            && cookie.came()
        {
            // A federated session also ends at the pool's domain, where managed login keeps
            // a cookie of its own: the answer says where to send the browser.
            let mut federated = false;
            if request.everywhere {
                // Cognito's GlobalSignOut needs a live access token: the session's, refreshed
                // if need be. The CSRF rules come first, in either read.
                match self.session(head, cookie, Touch::No).await {
                    Ok(caller) => {
                        federated = caller
                            .session
                            .as_ref()
                            .is_some_and(|s| s.stored.at_managed_login());
                        self.logout_everywhere(&caller.token).await?;
                    }
                    Err(ApiError::NoSession) => {
                        let cookie = self.session_cookie(head.headers);
                        match self.stored_session(head, &cookie).await? {
                            // A live row whose token can't be verified just now (the keys out
                            // of reach, say): the user is signed out all the same.
                            Some(session) => {
                                federated = session.at_managed_login();
                                self.sign_out_user(&session.sub, &session.username, None)
                                    .await?;
                            }
                            // Nobody to sign out: saying "done" would tell the user every
                            // device is signed out when none was.
                            None => {
                                let mut refused = ApiError::NoSession.into_response();
                                refused
                                    .headers_mut()
                                    .insert(SET_COOKIE, self.session_cookies.clear());
                                return Ok(refused);
                            }
                        }
                    }
                    Err(e) => return Err(e),
                }
            } else if let Some(session) = self.stored_session(head, &cookie).await? {
                // Ended as it is stored: ending a session needs no fresh token.
                federated = session.at_managed_login();
                self.sessions.end(&session).await?;
            }
            // Over now, or already: the cookie is cleared either way.
            let answer = match self.federation.as_ref().filter(|_| federated) {
                Some(federation) => axum::Json(FederatedLogout {
                    logout_url: federation.logout_url(),
                })
                .into_response(),
                None => StatusCode::NO_CONTENT.into_response(),
            };
            return Ok(self.cleared(answer));
        }
        if request.everywhere {
            let token = bearer_token(head.headers).ok_or(AuthRejection::MissingToken)?;
            return Ok(self.logout_everywhere(token).await?.into_response());
        }
        Ok(self
            .logout_tokens(head.headers, request)
            .await?
            .into_response())
    }

    /// `DELETE /sessions/{id}`: ends one of the caller's sessions, by the id the list shows; its
    /// tokens stop working at once on every replica. Ending the one in use clears its cookie.
    pub async fn end_listed(&self, caller: &Caller, public_id: &str) -> Result<Response, ApiError> {
        let session = self
            .sessions
            .find_public(&caller.claims.sub, public_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        self.sessions.end(&session).await?;
        let response = StatusCode::NO_CONTENT.into_response();
        let current = caller
            .session
            .as_ref()
            .is_some_and(|current| current.stored.id_hash == session.id_hash);
        Ok(if current {
            self.cleared(response)
        } else {
            response
        })
    }

    /// `DELETE /sessions`: ends every session of the caller but the one the request is made
    /// with; returns how many.
    pub async fn end_others(&self, caller: &Caller) -> Result<usize, ApiError> {
        let keep = caller.session.as_ref().map(|s| &s.stored.id_hash);
        Ok(self.sessions.end_others(&caller.claims.sub, keep).await?)
    }

    /// `response`, with the session cookie cleared; never cached.
    fn cleared(&self, mut response: Response) -> Response {
        response
            .headers_mut()
            .insert(SET_COOKIE, self.session_cookies.clear());
        no_store(response)
    }

    /// Logout by tokens: the bearer access token's sign-in, the refresh token's, or both.
    async fn logout_tokens(
        &self,
        headers: &HeaderMap,
        request: LogoutRequest,
    ) -> Result<StatusCode, ApiError> {
        let caller = match bearer_token(headers) {
            // An expired access token still names the session to end.
            Some(token) => Some((
                self.verifier
                    .identify_access(token)
                    .await
                    .map_err(|_| AuthRejection::InvalidToken)?,
                token,
            )),
            None => None,
        };
        if caller.is_none() && request.refresh_token.is_none() {
            return Err(ApiError::invalid_field(
                "refresh_token",
                "send the refresh token, a bearer access token, or both",
            ));
        }
        // The sign-in the refresh token was issued to, when it was issued here.
        let issued_to = match &request.refresh_token {
            Some(token) => self.refresh_tokens.find(token.expose_secret()).await?,
            None => None,
        };
        // Who may be signed out everywhere instead, past the bound: a user proven by a live
        // access token, or by a refresh token issued here, and only one user per request.
        let user = match (&caller, &issued_to) {
            (Some((claims, token)), issued_to)
                if issued_to.as_ref().is_none_or(|o| o.sub == claims.sub)
                    && self.verifier.verify_access(token).await.is_ok() =>
            {
                Some((
                    claims.sub.clone(),
                    claims
                        .username
                        .clone()
                        .unwrap_or_else(|| claims.sub.clone()),
                ))
            }
            (None, Some(origin)) => Some((origin.sub.clone(), origin.username.clone())),
            _ => None,
        };
        // A refresh token that rotation replaced: whoever holds its successor may not be the
        // one signing out (a copy that was refreshed elsewhere), and Cognito's RevokeToken of
        // the old token need not end the new one. Every session of the user ends instead.
        let replaced = issued_to.as_ref().is_some_and(|origin| origin.replaced);
        if let Some((sub, username)) = &user
            && (replaced
                || self.revocations.sessions_of(sub).await? >= MAX_REVOKED_SIGN_INS_PER_USER)
            && self.sign_out_everywhere_by_admin(sub, username).await?
        {
            if let Some((_, token)) = &caller {
                self.verifier.forget(token);
            }
            if let Some(refresh_token) = &request.refresh_token {
                self.refresh_tokens
                    .forget(refresh_token.expose_secret())
                    .await?;
            }
            return Ok(StatusCode::NO_CONTENT);
        }
        // The sign-ins to end here at once, on every replica. Until Cognito confirms a refresh
        // token is dead, its sign-in stays refused as long as the token could mint new ones.
        let refresh_lifetime = self.config.tokens.refresh_token_validity.as_secs() as i64;
        if let Some((claims, token)) = &caller {
            if let Some(session) = session_of(claims) {
                let expires_at = claims.exp.max(now_seconds() + refresh_lifetime);
                self.revocations
                    .revoke_session(&session.sub, &session.id, expires_at)
                    .await?;
            }
            self.verifier.forget(token);
        }
        let Some(refresh_token) = &request.refresh_token else {
            return Ok(StatusCode::NO_CONTENT);
        };
        // Every sign-in of the token's rotation chain: the newest token ends them all.
        if let Some(origin) = &issued_to {
            for sign_in in origin.sign_ins() {
                self.revocations
                    .revoke_session(&origin.sub, sign_in, origin.expires_at)
                    .await?;
            }
        }
        match self.cognito.revoke_token(refresh_token).await {
            // Cognito mints nothing more from that sign-in: its revocation need only outlive
            // the access tokens already out. Not for a replaced token: its successor may live.
            Ok(()) => {
                if let Some(origin) = issued_to.filter(|origin| !origin.replaced) {
                    for sign_in in origin.sign_ins() {
                        self.revocations
                            .revoke_session(
                                &origin.sub,
                                sign_in,
                                now_seconds() + MAX_ACCESS_TOKEN_LIFETIME,
                            )
                            .await?;
                    }
                    self.refresh_tokens
                        .forget(refresh_token.expose_secret())
                        .await?;
                }
            }
            // An unknown token, or revocation not enabled for the app client: the sign-in stays
            // refused here for as long as the token could live.
            Err(e) if !e.kind.is_transient() => {
                tracing::info!(cognito.error = %e.kind, "refresh token not revoked");
            }
            Err(e) => return Err(e.into()),
        }
        Ok(StatusCode::NO_CONTENT)
    }

    /// Ends every session of the token's user: refused here at once, on every replica, even if
    /// Cognito is unreachable; then Cognito ends every refresh token, and the user's browser
    /// sessions go.
    async fn logout_everywhere(&self, token: &str) -> Result<StatusCode, ApiError> {
        // Cognito's GlobalSignOut needs a live access token, so an expired one is refused here,
        // before anything is recorded.
        let claims = self
            .verifier
            .verify_access(token)
            .await
            .map_err(|_| AuthRejection::InvalidToken)?;
        let username = claims.username.as_deref().unwrap_or(&claims.sub);
        self.sign_out_user(&claims.sub, username, Some(token))
            .await?;
        Ok(StatusCode::NO_CONTENT)
    }

    /// Ends every session of a user: every token of theirs issued until now is refused here at
    /// once, on every replica, even if Cognito is unreachable; their browser sessions go; then
    /// Cognito ends every refresh token, by GlobalSignOut with `token` or, without one or when
    /// Cognito no longer takes it, by AdminUserGlobalSignOut.
    async fn sign_out_user(
        &self,
        sub: &str,
        username: &str,
        token: Option<&str>,
    ) -> Result<(), ApiError> {
        // Not counted against RATE_LIMIT_PER_USER: a thief looping calls on a stolen token must
        // not keep its owner from signing everyone out. The per-IP limit still applies.
        let sign_out = self
            .revocations
            .revoke_user(sub, now_seconds() + MAX_ACCESS_TOKEN_LIFETIME)
            .await?;
        if let Some(token) = token {
            self.verifier.forget(token);
        }
        // Before Cognito is asked: if it can't be reached, no browser session may refresh its
        // way past the sign-out.
        self.sessions.forget_user(sub).await?;
        let global = match token {
            Some(token) => Some(self.cognito.global_sign_out(token).await),
            None => None,
        };
        let confirmed = match global {
            Some(Ok(())) => true,
            Some(Err(e)) if e.kind != CognitoErrorKind::NotAuthorized => return Err(e.into()),
            // No token, or Cognito no longer takes it (its session was revoked, or the user
            // signed out elsewhere): the service's own credentials can still end every session.
            _ => match self.cognito.admin_user_global_sign_out(sub, username).await {
                Ok(()) => true,
                Err(admin) => {
                    // Every token of the user issued until now is refused here all the same, so
                    // the sign-out holds; sessions started at Cognito since may live on.
                    tracing::warn!(
                        cognito.admin_error = %admin.kind,
                        "Cognito did not end the sessions (neither GlobalSignOut nor \
                         AdminUserGlobalSignOut); tokens issued until now are refused here"
                    );
                    false
                }
            },
        };
        if confirmed && let Err(e) = self.revocations.confirm_sign_out(sub, sign_out).await {
            tracing::warn!(error = %e, "cannot confirm the sign-out in the revocation list");
        }
        tracing::info!(%sub, "signed out everywhere");
        Ok(())
    }

    /// Signs a user out everywhere with the service's own credentials, then records it, for a
    /// logout that would otherwise add one revocation too many, or one with a refresh token
    /// that rotation replaced. Returns false when Cognito refused (the role may lack
    /// `cognito-idp:AdminUserGlobalSignOut`); the logout then ends just its own sign-in.
    async fn sign_out_everywhere_by_admin(
        &self,
        sub: &str,
        username: &str,
    ) -> Result<bool, ApiError> {
        let began = self.revocations.begin_sign_out().await?;
        match self.cognito.admin_user_global_sign_out(sub, username).await {
            Ok(()) => {}
            Err(e) if e.kind.is_transient() => return Err(e.into()),
            Err(e) => {
                tracing::warn!(
                    cognito.error = %e.kind,
                    "too many revoked sign-ins for one user, and AdminUserGlobalSignOut failed; \
                     revoking just this one"
                );
                return Ok(false);
            }
        }
        self.revocations
            .revoke_user(sub, now_seconds() + MAX_ACCESS_TOKEN_LIFETIME)
            .await?;
        self.revocations.confirm_sign_out(sub, began).await?;
        tracing::info!(%sub, "too many revoked sign-ins: signed out everywhere instead");
        Ok(true)
    }
}

/// The sign-in session an access token belongs to.
fn session_of(claims: &AccessClaims) -> Option<Session> {
    let id = claims.origin_jti.as_deref().or(claims.jti.as_deref())?;
    Some(Session {
        sub: claims.sub.clone(),
        id: id.to_owned(),
    })
}
