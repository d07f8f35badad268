//! `POST /admin/users`: the invite flow, for members of `ADMIN_GROUP` only.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{MAX_PASSWORD, MAX_USERNAME, check_text};
use crate::attributes;
use crate::auth::{AccessClaims, AuthUser};
use crate::cognito::{AdminCreateUser, CreatedUser, DeliveryMedium};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateUserRequest {
    username: String,
    #[serde(default)]
    attributes: Map<String, Value>,
    temporary_password: Option<SecretString>,
    #[serde(default)]
    delivery: Vec<Medium>,
    #[serde(default)]
    suppress_message: bool,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "UPPERCASE")]
enum Medium {
    Email,
    Sms,
}

/// A caller whose access token is valid and who is in `ADMIN_GROUP`. Checked before the body
/// is read: a public route calling an admin API would let anyone create users and send mail.
pub struct Admin(AccessClaims);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AuthUser(claims) = AuthUser::from_request_parts(parts, state).await?;
        if !claims.groups.iter().any(|g| *g == state.config.admin_group) {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(claims))
    }
}

pub async fn create_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    check_text("username", &request.username, MAX_USERNAME)?;
    if let Some(password) = &request.temporary_password {
        check_text("temporary_password", password.expose_secret(), MAX_PASSWORD)?;
    }
    let attributes = attributes::to_cognito(&request.attributes)?;
    let created = state
        .cognito
        .admin_create_user(AdminCreateUser {
            username: &request.username,
            attributes,
            temporary_password: request.temporary_password.as_ref(),
            delivery: request
                .delivery
                .iter()
                .map(|m| match m {
                    Medium::Email => DeliveryMedium::Email,
                    Medium::Sms => DeliveryMedium::Sms,
                })
                .collect(),
            suppress_message: request.suppress_message,
        })
        .await?;
    tracing::info!(by = %caller.sub, "user invited");
    Ok((StatusCode::CREATED, Json(created)))
}
