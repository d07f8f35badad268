//! `POST /admin/users`: the invite flow, for members of `ADMIN_GROUP` only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::attributes;
use crate::cognito::{AdminCreateUser, CreatedUser, DeliveryMedium};
use crate::error::ApiError;
use crate::extract::{Admin, ApiJson};
use crate::input::{MAX_PASSWORD, Username, check_text};
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

pub async fn create_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    let username = Username::parse(request.username)?;
    if let Some(password) = &request.temporary_password {
        check_text("temporary_password", password.expose_secret(), MAX_PASSWORD)?;
    }
    let attributes = attributes::to_cognito(&request.attributes)?;
    let created = state
        .cognito
        .admin_create_user(AdminCreateUser {
            username: username.as_str(),
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
