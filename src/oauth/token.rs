//! The pool's token endpoint: the authorization code traded for tokens by the confidential
//! client (RFC 6749 §4.1.3, PKCE's `code_verifier`), in bounded time and size; then the ID
//! token and the access token checked before anyone is signed in.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use cognito_verifier::Verifier;

use super::{FederationSettings, OAuthError};
use crate::cognito::Tokens;

/// The largest token answer read: Cognito's three tokens are a few KiB together.
const MAX_ANSWER: usize = 64 * 1024;

/// A connection to the pool's domain that isn't made by then won't be.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    id_token: Option<String>,
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    token_type: Option<String>,
}

#[derive(Deserialize)]
struct Refusal {
    error: Option<String>,
}

/// Trades `code` for the pool's tokens at `{COGNITO_DOMAIN}/oauth2/token`.
pub(super) async fn exchange(
    http: &reqwest::Client,
    settings: &FederationSettings,
    code: &str,
    verifier: &str,
) -> Result<Tokens, OAuthError> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", settings.redirect_url.as_str()),
        ("code_verifier", verifier),
    ];
    let mut request = http
        .post(format!("{}/oauth2/token", settings.domain))
        .header("accept", "application/json");
    request = match &settings.client_secret {
        // RFC 6749 §2.3.1: the id and the secret form-encoded, then HTTP Basic.
        Some(secret) => {
            let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect();
            let (id, secret): (String, String) =
                (encode(&settings.client_id), encode(secret.expose_secret()));
            request.basic_auth(id, Some(secret))
        }
        // A public client names itself in the body; PKCE is then its only proof.
        None => {
            form.push(("client_id", settings.client_id.as_str()));
            request
        }
    };
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let response = request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let bytes = bounded(response).await?;
    if status.is_success() {
        let answer: Answer = serde_json::from_slice(&bytes).map_err(|_| {
            tracing::warn!(
                "the pool's token endpoint answered something that isn't a token answer"
            );
            OAuthError::Unavailable
        })?;
        return Ok(Tokens {
            new_device: None,
            access_token: answer.access_token,
            id_token: answer.id_token,
            refresh_token: answer.refresh_token,
            expires_in: answer
                .expires_in
                .and_then(|s| i32::try_from(s).ok())
                .unwrap_or(3600),
            token_type: answer.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        });
    }
    let error = serde_json::from_slice::<Refusal>(&bytes)
        .ok()
        .and_then(|r| r.error)
        .unwrap_or_default();
    match (status.as_u16(), error.as_str()) {
        (_, "invalid_grant") => Err(OAuthError::CodeRejected),
        (_, "invalid_client" | "unauthorized_client") | (401, _) => {
            tracing::warn!(
                "the pool's token endpoint refused this service as a client: check \
                 COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET and the app client's OAuth settings"
            );
            Err(OAuthError::ClientRefused)
        }
        (status, _) => {
            tracing::warn!(
                status,
                error = super::known_error(&error),
                "the pool's token endpoint refused the exchange"
            );
            Err(OAuthError::Unavailable)
        }
    }
}

/// The answer's body, at most `MAX_ANSWER` bytes of it.
async fn bounded(mut response: reqwest::Response) -> Result<Vec<u8>, OAuthError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER as u64)
    {
        tracing::warn!("the pool's token endpoint answered with too large a body");
        return Err(OAuthError::Unavailable);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_ANSWER {
            tracing::warn!("the pool's token endpoint answered with too large a body");
            return Err(OAuthError::Unavailable);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn unreachable(error: reqwest::Error) -> OAuthError {
    if error.is_timeout() {
        tracing::warn!("the pool's token endpoint did not answer in time");
        OAuthError::Timeout
    } else {
        // Without the URL: the error's text would carry nothing secret, but keep it short.
        tracing::warn!(error = %error.without_url(), "the pool's token endpoint can't be reached");
        OAuthError::Unavailable
    }
}

/// The tokens belong to this sign-in: the ID token is the pool's (signature by its JWKS,
/// `iss`, `exp`, `token_use`), issued to this app client alone (`aud`), for this flow
/// (`nonce`); the access token passes the verifier every route uses, for the same client and
/// the same user; and there is a refresh token for the session to live by.
pub async fn check(
    verifier: &Verifier,
    client_id: &str,
    tokens: &Tokens,
    nonce: &str,
) -> Result<bool, OAuthError> {
    let id_token = tokens
        .id_token
        .as_deref()
        .ok_or(OAuthError::TokenInvalid("id_token_missing"))?;
    let id = verifier
        .verify_id(id_token)
        .await
        .map_err(|e| OAuthError::TokenInvalid(e.code()))?;
    // The verifier accepts ALLOWED_CLIENT_IDS too; a code flow's token is for this client.
    if id.aud != client_id {
        return Err(OAuthError::TokenInvalid("token_audience"));
    }
    let echoed = id
        .other
        .get("nonce")
        .and_then(|v| v.as_str())
        .ok_or(OAuthError::TokenInvalid("token_nonce"))?;
    if !same(echoed, nonce) {
        return Err(OAuthError::TokenInvalid("token_nonce"));
    }
    let access = verifier
        .verify_access(&tokens.access_token)
        .await
        .map_err(|e| OAuthError::TokenInvalid(e.code()))?;
    if access.client_id != client_id {
        return Err(OAuthError::TokenInvalid("token_client"));
    }
    if access.sub != id.sub {
        return Err(OAuthError::TokenInvalid("token_subject"));
    }
    if tokens.refresh_token.is_none() {
        // A session lives by its refresh token; the app client must allow the code grant's.
        return Err(OAuthError::TokenInvalid("refresh_token_missing"));
    }
    // Cognito names the identity provider a federated user came through in `identities`; a
    // user of the pool's own directory who signed in at managed login has none.
    Ok(id
        .other
        .get("identities")
        .and_then(|v| v.as_array())
        .is_some_and(|list| !list.is_empty()))
}

/// Equal, in time that depends on neither value: their digests are compared whole.
pub(super) fn same(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_is_equality() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert!(!same("", "a"));
    }
}
