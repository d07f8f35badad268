//! `/me`: the signed-in user's identity and attributes, typed both ways.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::cognito::{CodeDelivery, MfaSettings};
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller};
use crate::state::AppState;

#[derive(Serialize)]
pub struct Me {
    sub: String,
    username: Option<String>,
    groups: Vec<String>,
    scope: Option<String>,
    client_id: String,
    attributes: Map<String, Value>,
    /// The second factors turned on, and the preferred one.
    mfa: MfaSettings,
}

pub async fn get(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let user = state
        .cognito
        .get_user(&caller.token)
        .await
        .map_err(ApiError::token_refused)?;
    let claims = caller.claims;
    Ok(Json(Me {
        attributes: attributes::from_cognito(
            user.attributes
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        ),
        mfa: user.mfa,
        sub: claims.sub,
        username: claims.username,
        groups: claims.groups,
        scope: claims.scope,
        client_id: claims.client_id,
    }))
}

/// Attributes that receive the codes of a password reset (and may be sign-in aliases).
const RECOVERY_ATTRIBUTES: &[&str] = &["email", "phone_number"];

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
    // A new email or phone number is where codes to reset the password go next: a stolen
    // session must not be able to point them elsewhere.
    if request
        .attributes
        .keys()
        .any(|name| RECOVERY_ATTRIBUTES.contains(&name.as_str()))
    {
        caller.require_recent_sign_in(state.config.sessions.recent_sign_in)?;
    }
    let attributes = attributes::to_cognito(&request.attributes)?;
    state
        .config
        .cognito
        .writable_attributes
        .check(&attributes)?;
    let code_deliveries = state
        .cognito
        .update_user_attributes(&caller.token, attributes)
        .await
        .map_err(ApiError::token_refused)?;
    Ok(Json(UpdateResponse { code_deliveries }))
}
