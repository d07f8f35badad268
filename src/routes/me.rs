//! `/me`: the signed-in user's identity and attributes, typed both ways.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::auth::{AccessClaims, AuthRejection, Verifier, bearer_token};
use crate::cognito::{CodeDelivery, CognitoError, CognitoErrorKind};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// A verified caller together with its raw access token, for Cognito calls made on its behalf.
/// Each one counts against the user's RATE_LIMIT_PER_USER: a loop of calls on one token must
/// not run up SMS bills or the account's Cognito quota.
pub struct Caller {
    pub claims: AccessClaims,
    pub token: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(&parts.headers).ok_or(AuthRejection::MissingToken)?;
        let verifier: &Arc<Verifier> = &state.verifier;
        let claims = verifier
            .verify_access(token)
            .await
            .map_err(|_| AuthRejection::InvalidToken)?;
        let sign_in = claims.origin_jti.as_deref().or(claims.jti.as_deref());
        state.limits.check_user(&claims.sub, sign_in)?;
        Ok(Caller {
            claims,
            token: token.to_owned(),
        })
    }
}

impl Caller {
    /// The user's name as the token gives it (Cognito's internal username), or its `sub`.
    pub fn name(&self) -> &str {
        self.claims.username.as_deref().unwrap_or(&self.claims.sub)
    }
}

/// Cognito refusing the token itself (signed out everywhere, user deleted) is the caller's
/// token being invalid, not a Cognito failure.
pub(super) fn token_refused(err: CognitoError) -> ApiError {
    match err.kind {
        CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound => {
            AuthRejection::InvalidToken.into()
        }
        _ => err.into(),
    }
}

#[derive(Serialize)]
pub struct Me {
    sub: String,
    username: Option<String>,
    groups: Vec<String>,
    scope: Option<String>,
    client_id: String,
    attributes: Map<String, Value>,
}

pub async fn get(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let attributes = state
        .cognito
        .get_user(&caller.token)
        .await
        .map_err(token_refused)?;
    let claims = caller.claims;
    Ok(Json(Me {
        attributes: attributes::from_cognito(
            attributes.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        ),
        sub: claims.sub,
        username: claims.username,
        groups: claims.groups,
        scope: claims.scope,
        client_id: claims.client_id,
    }))
}

#[derive(Deserialize)]
pub struct UpdateRequest {
    attributes: Map<String, Value>,
}

#[derive(Serialize)]
pub struct UpdateResponse {
    /// Where verification codes went, for a changed email or phone number.
    code_deliveries: Vec<CodeDelivery>,
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<UpdateRequest>,
) -> Result<Json<UpdateResponse>, ApiError> {
    if request.attributes.is_empty() {
        return Err(ApiError::invalid_field(
            "attributes",
            "`attributes` must name at least one attribute",
        ));
    }
    let attributes = attributes::to_cognito(&request.attributes)?;
    state.config.writable_attributes.check(&attributes)?;
    let code_deliveries = state
        .cognito
        .update_user_attributes(&caller.token, attributes)
        .await
        .map_err(token_refused)?;
    Ok(Json(UpdateResponse { code_deliveries }))
}
