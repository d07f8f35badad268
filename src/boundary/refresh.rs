//! `/token/refresh` at the session boundary: the browser session's tokens refreshed at once,
//! or the tokens a refresh token buys, answered as any sign-in is (TOKEN_DELIVERY).

use axum::Json;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::response::{IntoResponse, Response};
use cognito_verifier::{AuthRejection, TokenError, bearer_token};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Asker, Boundary, Caller, Head, SignInBody, SignedIn, Touch, no_store, with_headers};
use crate::cognito::{CognitoErrorKind, Tokens};
use crate::error::ApiError;
use crate::input::{Username, check_text};
use crate::limits::ClientAddr;
use crate::vocab::Amr;

/// Cognito refresh tokens are about 2 KiB.
pub(super) const MAX_REFRESH_TOKEN: usize = 8 * 1024;

#[derive(Deserialize, Default)]
pub struct RefreshRequest {
    /// Absent: the browser session the cookie names is refreshed.
    refresh_token: Option<SecretString>,
    /// The user's username or alias; needed with a client secret when no access token is sent.
    username: Option<String>,
}

impl Boundary {
    /// `POST /token/refresh`: the browser session the cookie names, refreshed at once; or the
    /// tokens a refresh token buys, in the body or (a browser) traded for a session.
    pub async fn refresh(
        &self,
        head: Head<'_>,
        client: &ClientAddr,
        session_asked: bool,
        request: RefreshRequest,
    ) -> Result<Response, ApiError> {
        let started = tokio::time::Instant::now();
        let Some(refresh_token) = request.refresh_token else {
            // No token in the body and none as bearer: the browser session the cookie names.
            if !head.headers.contains_key(AUTHORIZATION) {
                let cookie = self.session_cookie(head.headers);
                if cookie.came() {
                    let caller = self.session(head, cookie, Touch::No).await?;
                    return self.refresh_session(caller).await;
                }
            }
            return Err(ApiError::invalid_field(
                "refresh_token",
                "`refresh_token` is required without a session cookie",
            ));
        };
        check_text(
            "refresh_token",
            refresh_token.expose_secret(),
            MAX_REFRESH_TOKEN,
        )?;
        // No per-username budget here: a refresh token can't be guessed, and counting by a name
        // anyone can send would let them lock its owner out of refreshing.
        let username = request.username.map(Username::parse).transpose()?;
        let result = self
            .refresh_tokens(head.headers, &refresh_token, username.as_ref())
            .await;
        match &result {
            // An unknown user costs one Cognito call and a known one two: wait out the floor.
            Err(ApiError::InvalidRefreshToken) => self.floor.wait_out(started).await,
            // With refresh-token rotation, Cognito hands out a new one.
            Ok(tokens) => self.signin.remember(tokens).await,
            Err(_) => {}
        }
        // A browser that still holds a refresh token trades it for a session (with TOKEN_DELIVERY
        // auto or session); how the user signed in is not known here.
        let asker = Asker {
            boundary: self,
            headers: head.headers,
            client,
            had_cookie: false,
            session_asked,
        };
        let (body, answer_headers) = asker
            .signed_in(
                result?,
                Some(refresh_token.expose_secret()),
                &Amr::default(),
            )
            .await?;
        Ok(with_headers(Json(body).into_response(), answer_headers))
    }

    /// Refreshes the tokens of the browser session, at once; the answer describes the session.
    async fn refresh_session(&self, caller: Caller) -> Result<Response, ApiError> {
        let session = caller.session.ok_or(ApiError::NoSession)?;
        let session = self.sessions.refresh_now(session).await?;
        self.sessions.touch(&session).await?;
        let view = self.sessions.view(&session).await;
        Ok(no_store(
            Json(SignInBody::signed_in(SignedIn::Session(view))).into_response(),
        ))
    }

    async fn refresh_tokens(
        &self,
        headers: &HeaderMap,
        refresh_token: &SecretString,
        username: Option<&Username>,
    ) -> Result<Tokens, ApiError> {
        let internal_username = if self.cognito.has_secret() {
            Some(self.internal_username(headers, username).await?)
        } else {
            None
        };
        let tokens = self
            .cognito
            .refresh(refresh_token, internal_username.as_deref())
            .await
            .map_err(|e| match e.kind {
                CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound => {
                    ApiError::InvalidRefreshToken
                }
                _ => e.into(),
            })?;
        // A session logged out here stays refused, even though its refresh token may still work
        // at Cognito (a logout that sent only the access token).
        if let Err(TokenError::Revoked) = self.verifier.verify_access(&tokens.access_token).await {
            return Err(ApiError::InvalidRefreshToken);
        }
        Ok(tokens)
    }

    /// SECRET_HASH for a refresh must be computed over the internal username. An access token
    /// (even an expired one) names it in its `username` claim; otherwise the given username or
    /// alias is resolved through Cognito.
    async fn internal_username(
        &self,
        headers: &HeaderMap,
        username: Option<&Username>,
    ) -> Result<String, ApiError> {
        if let Some(token) = bearer_token(headers) {
            let claims = self
                .verifier
                .identify_access(token)
                .await
                .map_err(|_| AuthRejection::InvalidToken)?;
            return Ok(claims.username.unwrap_or(claims.sub));
        }
        let Some(username) = username else {
            return Err(ApiError::invalid_field(
                "username",
                "`username` (or the access token as a bearer) is required to refresh with this app client",
            ));
        };
        self.cognito
            .internal_username(username.as_str())
            .await
            .map_err(|e| match e.kind {
                // The same answer as a bad refresh token: no account enumeration.
                CognitoErrorKind::UserNotFound => ApiError::InvalidRefreshToken,
                _ => e.into(),
            })
    }
}
