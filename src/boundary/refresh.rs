//! `/token/refresh` at the session boundary: the browser session's tokens refreshed at once,
//! or the tokens a refresh token buys, answered as any sign-in is (TOKEN_DELIVERY).

use axum::Json;
use axum::http::header::AUTHORIZATION;
use axum::response::{IntoResponse, Response};
use cognito_verifier::TokenError;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{Asker, Boundary, Caller, Head, SignInBody, SignedIn, Touch, no_store, with_headers};
use crate::cognito::{CognitoErrorKind, Tokens};
use crate::devices::DeviceAfter;
use crate::error::ApiError;
use crate::input::check_text;
use crate::limits::ClientAddr;
use crate::vocab::Amr;

/// Cognito refresh tokens are about 2 KiB.
pub(super) const MAX_REFRESH_TOKEN: usize = 8 * 1024;

#[derive(Deserialize, Default)]
pub struct RefreshRequest {
    /// Absent: the browser session the cookie names is refreshed. (A `username` field, which
    /// a refresh once needed with a client secret, is ignored.)
    refresh_token: Option<SecretString>,
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
        // No per-username budget here: a refresh token can't be guessed, and nothing names a
        // user, so nothing anyone sends can lock an owner out of refreshing.
        // Where the pool tracks devices, Cognito refreshes only for the device the sign-in was
        // issued to: the one `Device-Handle` (or the device cookie) names.
        let device = self
            .devices
            .find(self.device_id(head.headers).as_ref())
            .await;
        let device_key = device.as_ref().map(|d| d.key().to_owned());
        let result = self
            .refresh_tokens(&refresh_token, device_key.as_deref())
            .await;
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
                device_key.map(|key| DeviceAfter {
                    key,
                    id: None,
                    new: false,
                }),
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

    /// New tokens for an app's refresh token. With rotation they carry a new refresh token,
    /// recorded as the next link of the sent one's chain.
    async fn refresh_tokens(
        &self,
        refresh_token: &SecretString,
        device_key: Option<&str>,
    ) -> Result<Tokens, ApiError> {
        let tokens = self
            .cognito
            .refresh(refresh_token, device_key)
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
        if let Some(rotated) = &tokens.refresh_token
            && let Err(e) = self
                .refresh_tokens
                .remember_rotated(
                    rotated,
                    &tokens.access_token,
                    refresh_token.expose_secret(),
                    self.config.tokens.refresh_token_validity,
                )
                .await
        {
            // The tokens are the app's all the same; a logout by this token then relies on
            // Cognito alone.
            tracing::warn!(error = %e, "cannot record a rotated refresh token's sign-in");
        }
        Ok(tokens)
    }
}
