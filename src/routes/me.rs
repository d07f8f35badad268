//! `/me`: the signed-in user's identity and attributes, typed both ways, with how they can
//! sign in.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::cognito::{CodeDelivery, MfaSettings, SignInFactor};
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
    /// The ways the user can sign in, as GetUserAuthFactors lists them; `null` when Cognito
    /// could not be asked this time.
    sign_in_factors: Option<Vec<SignInFactor>>,
}

/// The profile comes from GetUser and the sign-in factors from GetUserAuthFactors, asked at
/// once. GetUser failing fails the request; GetUserAuthFactors failing alone leaves
/// `sign_in_factors` null, so a page can still show the profile and the MFA settings.
pub async fn get(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    let (user, factors) = tokio::join!(
        state.cognito.get_user(&caller.token),
        state.cognito.get_user_auth_factors(&caller.token),
    );
    let user = user.map_err(ApiError::token_refused)?;
    let sign_in_factors = factors
        .inspect_err(|e| {
            tracing::warn!(
                cognito.operation = e.operation,
                cognito.error = %e.kind,
                "the user's sign-in factors are left out of /me"
            );
        })
        .ok();
    let claims = caller.claims;
    Ok(Json(Me {
        attributes: attributes::from_cognito(
            user.attributes
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        ),
        mfa: user.mfa,
        sign_in_factors,
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
