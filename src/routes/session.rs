//! Keeping and ending a signed-in session: `/token/refresh` and `/logout`, with tokens or with
//! the browser session cookie.

use axum::Json;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use cognito_verifier::{AccessClaims, AuthRejection, TokenError, bearer_token};

use super::answers::{Asker, SignInBody, SignedIn, no_store, with_headers};
use crate::boundary::csrf::check_csrf;
use crate::browser::LiveSession;
use crate::clock::now_seconds;
use crate::cognito::{CognitoErrorKind, Tokens};
use crate::error::ApiError;
use crate::extract::{IpLimitedClient, OptionalJson, SessionAsked};
use crate::input::{Username, check_text};
use crate::revocation::{MAX_ACCESS_TOKEN_LIFETIME, MAX_REVOKED_SIGN_INS_PER_USER};
use crate::state::AppState;
use crate::vocab::Amr;

/// Cognito refresh tokens are about 2 KiB.
const MAX_REFRESH_TOKEN: usize = 8 * 1024;

#[derive(Deserialize, Default)]
pub struct RefreshRequest {
    /// Absent: the browser session the cookie names is refreshed.
    refresh_token: Option<SecretString>,
    /// The user's username or alias; needed with a client secret when no access token is sent.
    username: Option<String>,
}

pub async fn refresh(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    SessionAsked(session_asked): SessionAsked,
    method: Method,
    headers: HeaderMap,
    OptionalJson(request): OptionalJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    let Some(refresh_token) = request.refresh_token else {
        // No token in the body and none as bearer: the browser session the cookie names.
        if !headers.contains_key(AUTHORIZATION) && state.sessions.has_cookie(&headers) {
            check_csrf(
                &method,
                &headers,
                &state.config.http,
                caller.via_trusted_proxy,
            )?;
            if let Some(session) = state.sessions.authenticate(&headers).await? {
                return refresh_session(&state, session).await;
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
    let result = refresh_tokens(&state, &headers, &refresh_token, username.as_ref()).await;
    match &result {
        // An unknown user costs one Cognito call and a known one two: wait out the floor.
        Err(ApiError::InvalidRefreshToken) => state.floor.wait_out(started).await,
        // With refresh-token rotation, Cognito hands out a new one.
        Ok(tokens) => state.signin.remember(tokens).await,
        Err(_) => {}
    }
    // A browser that still holds a refresh token trades it for a session (with TOKEN_DELIVERY
    // auto or session); how the user signed in is not known here.
    let asker = Asker {
        state: &state,
        headers: &headers,
        client: &caller.client,
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
async fn refresh_session(state: &AppState, session: LiveSession) -> Result<Response, ApiError> {
    let session = state.sessions.refresh_now(session).await?;
    state.sessions.touch(&session).await?;
    let view = state.sessions.view(&session).await;
    Ok(no_store(
        Json(SignInBody::signed_in(SignedIn::Session(view))).into_response(),
    ))
}

async fn refresh_tokens(
    state: &AppState,
    headers: &HeaderMap,
    refresh_token: &SecretString,
    username: Option<&Username>,
) -> Result<Tokens, ApiError> {
    let internal_username = if state.cognito.has_secret() {
        Some(internal_username(state, headers, username).await?)
    } else {
        None
    };
    let tokens = state
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
    if let Err(TokenError::Revoked) = state.verifier.verify_access(&tokens.access_token).await {
        return Err(ApiError::InvalidRefreshToken);
    }
    Ok(tokens)
}

/// SECRET_HASH for a refresh must be computed over the internal username. An access token
/// (even an expired one) names it in its `username` claim; otherwise the given username or
/// alias is resolved through Cognito.
async fn internal_username(
    state: &AppState,
    headers: &HeaderMap,
    username: Option<&Username>,
) -> Result<String, ApiError> {
    if let Some(token) = bearer_token(headers) {
        let claims = state
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
    state
        .cognito
        .internal_username(username.as_str())
        .await
        .map_err(|e| match e.kind {
            // The same answer as a bad refresh token: no account enumeration.
            CognitoErrorKind::UserNotFound => ApiError::InvalidRefreshToken,
            _ => e.into(),
        })
}

#[derive(Deserialize, Default)]
pub struct LogoutRequest {
    refresh_token: Option<SecretString>,
    #[serde(default)]
    everywhere: bool,
}

/// One sign-in session to refuse: its user and its `origin_jti` (or a lone token's `jti`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Session {
    sub: String,
    id: String,
}

pub async fn logout(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    method: Method,
    headers: HeaderMap,
    OptionalJson(request): OptionalJson<LogoutRequest>,
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
    if !headers.contains_key(AUTHORIZATION)
        && request.refresh_token.is_none()
        && state.sessions.has_cookie(&headers)
    {
        check_csrf(
            &method,
            &headers,
            &state.config.http,
            caller.via_trusted_proxy,
        )?;
        if request.everywhere {
            // Cognito's GlobalSignOut needs a live access token: the session's, refreshed
            // if need be.
            match state.sessions.authenticate(&headers).await {
                Ok(Some(session)) => {
                    logout_everywhere(&state, session.access_token()).await?;
                }
                Ok(None) | Err(ApiError::NoSession) => {
                    match state.sessions.stored(&headers).await {
                        // A live row whose token can't be verified just now (the keys out of
                        // reach, say): the user is signed out all the same.
                        Ok(Some(session)) => {
                            logout_everywhere_by_service(&state, &session.sub, &session.username)
                                .await?;
                        }
                        // Nobody to sign out: saying "done" would tell the user every device is
                        // signed out when none was.
                        Ok(None) | Err(ApiError::NoSession) => {
                            let mut refused = ApiError::NoSession.into_response();
                            refused
                                .headers_mut()
                                .insert(SET_COOKIE, state.sessions.cookies.clear());
                            return Ok(refused);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            }
        } else {
            // Ended as it is stored: ending a session needs no fresh token.
            match state.sessions.stored(&headers).await {
                Ok(Some(session)) => state.sessions.end(&session).await?,
                Ok(None) | Err(ApiError::NoSession) => {}
                Err(e) => return Err(e),
            }
        }
        // Over now, or already: the cookie is cleared either way.
        return Ok(cleared(&state));
    }
    if request.everywhere {
        let token = bearer_token(&headers).ok_or(AuthRejection::MissingToken)?;
        return Ok(logout_everywhere(&state, token).await?.into_response());
    }
    Ok(logout_tokens(&state, &headers, request)
        .await?
        .into_response())
}

/// 204, with the session cookie cleared.
fn cleared(state: &AppState) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, state.sessions.cookies.clear());
    no_store(response)
}

/// Logout by tokens: the bearer access token's sign-in, the refresh token's, or both.
async fn logout_tokens(
    state: &AppState,
    headers: &HeaderMap,
    request: LogoutRequest,
) -> Result<StatusCode, ApiError> {
    let caller = match bearer_token(headers) {
        // An expired access token still names the session to end.
        Some(token) => Some((
            state
                .verifier
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
        Some(token) => state.refresh_tokens.find(token.expose_secret()).await?,
        None => None,
    };
    // Who may be signed out everywhere instead, past the bound: a user proven by a live
    // access token, or by a refresh token issued here, and only one user per request.
    let user = match (&caller, &issued_to) {
        (Some((claims, token)), issued_to)
            if issued_to.as_ref().is_none_or(|o| o.sub == claims.sub)
                && state.verifier.verify_access(token).await.is_ok() =>
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
    if let Some((sub, username)) = &user
        && state.revocations.sessions_of(sub).await? >= MAX_REVOKED_SIGN_INS_PER_USER
        && sign_out_everywhere_by_admin(state, sub, username).await?
    {
        if let Some((_, token)) = &caller {
            state.verifier.forget(token);
        }
        if let Some(refresh_token) = &request.refresh_token {
            state
                .refresh_tokens
                .forget(refresh_token.expose_secret())
                .await?;
        }
        return Ok(StatusCode::NO_CONTENT);
    }
    // The sign-ins to end here at once, on every replica. Until Cognito confirms a refresh
    // token is dead, its sign-in stays refused as long as the token could mint new ones.
    let refresh_lifetime = state.config.tokens.refresh_token_validity.as_secs() as i64;
    if let Some((claims, token)) = &caller {
        if let Some(session) = session_of(claims) {
            let expires_at = claims.exp.max(now_seconds() + refresh_lifetime);
            state
                .revocations
                .revoke_session(&session.sub, &session.id, expires_at)
                .await?;
        }
        state.verifier.forget(token);
    }
    let Some(refresh_token) = &request.refresh_token else {
        return Ok(StatusCode::NO_CONTENT);
    };
    if let Some(origin) = &issued_to {
        state
            .revocations
            .revoke_session(&origin.sub, &origin.origin_jti, origin.expires_at)
            .await?;
    }
    match state.cognito.revoke_token(refresh_token).await {
        // Cognito mints nothing more from that sign-in: its revocation need only outlive
        // the access tokens already out.
        Ok(()) => {
            if let Some(origin) = issued_to {
                state
                    .revocations
                    .revoke_session(
                        &origin.sub,
                        &origin.origin_jti,
                        now_seconds() + MAX_ACCESS_TOKEN_LIFETIME,
                    )
                    .await?;
                state
                    .refresh_tokens
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
async fn logout_everywhere(state: &AppState, token: &str) -> Result<StatusCode, ApiError> {
    // Cognito's GlobalSignOut needs a live access token, so an expired one is refused here,
    // before anything is recorded.
    let claims = state
        .verifier
        .verify_access(token)
        .await
        .map_err(|_| AuthRejection::InvalidToken)?;
    let username = claims.username.as_deref().unwrap_or(&claims.sub);
    sign_out_user(state, &claims.sub, username, Some(token)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs a user out everywhere without a usable access token (a browser session whose token
/// can't be verified just now): as `logout_everywhere`, with the service's own credentials.
async fn logout_everywhere_by_service(
    state: &AppState,
    sub: &str,
    username: &str,
) -> Result<(), ApiError> {
    sign_out_user(state, sub, username, None).await
}

/// Ends every session of a user: every token of theirs issued until now is refused here at
/// once, on every replica, even if Cognito is unreachable; their browser sessions go; then
/// Cognito ends every refresh token, by GlobalSignOut with `token` or, without one or when
/// Cognito no longer takes it, by AdminUserGlobalSignOut.
async fn sign_out_user(
    state: &AppState,
    sub: &str,
    username: &str,
    token: Option<&str>,
) -> Result<(), ApiError> {
    // Not counted against RATE_LIMIT_PER_USER: a thief looping calls on a stolen token must
    // not keep its owner from signing everyone out. The per-IP limit still applies.
    let sign_out = state
        .revocations
        .revoke_user(sub, now_seconds() + MAX_ACCESS_TOKEN_LIFETIME)
        .await?;
    if let Some(token) = token {
        state.verifier.forget(token);
    }
    // Before Cognito is asked: if it can't be reached, no browser session may refresh its
    // way past the sign-out.
    state.sessions.forget_user(sub).await?;
    let global = match token {
        Some(token) => Some(state.cognito.global_sign_out(token).await),
        None => None,
    };
    let confirmed = match global {
        Some(Ok(())) => true,
        Some(Err(e)) if e.kind != CognitoErrorKind::NotAuthorized => return Err(e.into()),
        // No token, or Cognito no longer takes it (its session was revoked, or the user
        // signed out elsewhere): the service's own credentials can still end every session.
        _ => match state
            .cognito
            .admin_user_global_sign_out(sub, username)
            .await
        {
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
    if confirmed && let Err(e) = state.revocations.confirm_sign_out(sub, sign_out).await {
        tracing::warn!(error = %e, "cannot confirm the sign-out in the revocation list");
    }
    tracing::info!(%sub, "signed out everywhere");
    Ok(())
}

/// Signs a user out everywhere with the service's own credentials, then records it, for a
/// logout that would otherwise add one revocation too many. Returns false when Cognito
/// refused (the role may lack `cognito-idp:AdminUserGlobalSignOut`); the logout then ends
/// just its own sign-in.
async fn sign_out_everywhere_by_admin(
    state: &AppState,
    sub: &str,
    username: &str,
) -> Result<bool, ApiError> {
    let began = state.revocations.begin_sign_out().await?;
    match state
        .cognito
        .admin_user_global_sign_out(sub, username)
        .await
    {
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
    state
        .revocations
        .revoke_user(sub, now_seconds() + MAX_ACCESS_TOKEN_LIFETIME)
        .await?;
    state.revocations.confirm_sign_out(sub, began).await?;
    tracing::info!(%sub, "too many revoked sign-ins: signed out everywhere instead");
    Ok(true)
}

/// The sign-in session an access token belongs to.
fn session_of(claims: &AccessClaims) -> Option<Session> {
    let id = claims.origin_jti.as_deref().or(claims.jti.as_deref())?;
    Some(Session {
        sub: claims.sub.clone(),
        id: id.to_owned(),
    })
}
