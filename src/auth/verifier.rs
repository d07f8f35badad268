//! Access-token checks. Every check is explicit, and the algorithm is pinned to RS256 by us,
//! never taken from the token.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::jwks::KeySet;

/// Cognito's tokens are around 1 KiB; anything this large is not one.
const MAX_TOKEN_LEN: usize = 8 * 1024;

pub struct VerifierConfig {
    pub jwks_url: String,
    /// Exactly the `iss` Cognito writes: `https://cognito-idp.{region}.amazonaws.com/{pool}`.
    pub issuer: String,
    /// App clients whose access tokens are accepted.
    pub client_ids: Vec<String>,
}

/// Why a token was refused. Logged at debug; clients only ever see `invalid_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token too large")]
    TooLarge,
    #[error("malformed token")]
    Malformed,
    #[error("algorithm not allowed")]
    Algorithm,
    #[error("critical header present")]
    CriticalHeader,
    #[error("missing kid")]
    MissingKid,
    #[error("unknown kid")]
    UnknownKid,
    #[error("bad signature")]
    Signature,
    #[error("expired")]
    Expired,
    #[error("not yet valid")]
    NotYetValid,
    #[error("missing or malformed claim")]
    Claims,
    #[error("wrong issuer")]
    Issuer,
    #[error("wrong token_use")]
    TokenUse,
    #[error("wrong client")]
    Client,
}

impl TokenError {
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::TooLarge => "token_too_large",
            TokenError::Malformed => "token_malformed",
            TokenError::Algorithm => "token_algorithm",
            TokenError::CriticalHeader => "token_crit",
            TokenError::MissingKid => "token_missing_kid",
            TokenError::UnknownKid => "token_unknown_kid",
            TokenError::Signature => "token_signature",
            TokenError::Expired => "token_expired",
            TokenError::NotYetValid => "token_not_yet_valid",
            TokenError::Claims => "token_claims",
            TokenError::Issuer => "token_issuer",
            TokenError::TokenUse => "token_use",
            TokenError::Client => "token_client",
        }
    }
}

/// The verified claims of a Cognito access token.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub scope: Option<String>,
    pub client_id: String,
    pub token_use: String,
    pub exp: i64,
    #[serde(default)]
    pub jti: Option<String>,
    #[serde(default)]
    pub origin_jti: Option<String>,
}

#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

pub struct Verifier {
    keys: KeySet,
    validation: Validation,
    client_ids: HashSet<String>,
}

impl Verifier {
    pub fn new(config: VerifierConfig) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[config.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 0;
        validation.validate_nbf = true;
        // Cognito access tokens carry `client_id` instead of `aud`; that is checked below.
        validation.validate_aud = false;
        Verifier {
            keys: KeySet::new(config.jwks_url),
            validation,
            client_ids: config.client_ids.into_iter().collect(),
        }
    }

    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Verifies a Cognito access token and returns its claims.
    pub async fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let result = self.verify_access_inner(token).await;
        if let Err(e) = &result {
            tracing::debug!(reason = e.code(), "token refused");
        }
        result
    }

    async fn verify_access_inner(&self, token: &str) -> Result<AccessClaims, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::TooLarge);
        }
        let mut segments = token.split('.');
        let (Some(header), Some(_), Some(_), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(TokenError::Malformed);
        };
        let header: RawHeader = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(TokenError::Malformed)?;
        if header.alg.as_deref() != Some("RS256") {
            return Err(TokenError::Algorithm);
        }
        if header.crit.is_some() {
            return Err(TokenError::CriticalHeader);
        }
        let kid = header.kid.ok_or(TokenError::MissingKid)?;
        let key = self.keys.get(&kid).await.ok_or(TokenError::UnknownKid)?;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &self.validation)
            .map_err(|e| classify(e.kind()))?;
        let claims = data.claims;
        if claims.token_use != "access" {
            return Err(TokenError::TokenUse);
        }
        if !self.client_ids.contains(&claims.client_id) {
            return Err(TokenError::Client);
        }
        Ok(claims)
    }
}

fn classify(kind: &jsonwebtoken::errors::ErrorKind) -> TokenError {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidSignature => TokenError::Signature,
        K::ExpiredSignature => TokenError::Expired,
        K::ImmatureSignature => TokenError::NotYetValid,
        K::InvalidIssuer => TokenError::Issuer,
        K::InvalidAlgorithm | K::InvalidAlgorithmName | K::MissingAlgorithm => {
            TokenError::Algorithm
        }
        K::MissingRequiredClaim(_) | K::InvalidClaimFormat(_) | K::Json(_) => TokenError::Claims,
        _ => TokenError::Malformed,
    }
}
