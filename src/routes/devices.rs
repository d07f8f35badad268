//! The signed-in user's devices, where the user pool tracks them: `GET /me/devices`,
//! `PATCH /me/devices/{key}` (remember it or not) and `DELETE /me/devices/{key}` (forget it).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::cognito::{CognitoError, CognitoErrorKind};
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller, PathId, RecentCaller};
use crate::state::AppState;
use crate::vocab::DeviceKey;

#[derive(Serialize)]
pub struct DeviceView {
    /// Cognito's key for the device: names it to `PATCH` and `DELETE`.
    key: String,
    /// What the device was called when it was confirmed: "Chrome on Linux".
    name: Option<String>,
    /// Later sign-ins from it may skip MFA, as the pool says.
    remembered: bool,
    /// The device this request is made from.
    current: bool,
    /// Seconds since the epoch.
    created_at: Option<i64>,
    last_used_at: Option<i64>,
}

#[derive(Serialize)]
pub struct DeviceList {
    devices: Vec<DeviceView>,
}

/// The caller's devices, the one this request comes from marked `current`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Json<DeviceList>, ApiError> {
    let current = state.boundary.current_device_key(&caller, &headers).await;
    let devices = state
        .cognito
        .list_devices(&caller.token)
        .await?
        .into_iter()
        .map(|device| DeviceView {
            current: current.as_deref() == Some(device.key.as_str()),
            key: device.key,
            name: device.name,
            remembered: device.remembered,
            created_at: device.created,
            last_used_at: device.last_used,
        })
        .collect();
    Ok(Json(DeviceList { devices }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceChange {
    remembered: bool,
}

/// Remembers one of the caller's devices, or stops remembering it. Remembering lets a device
/// skip MFA, so it needs a recent sign-in.
pub async fn update(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
    PathId(key): PathId,
    ApiJson(change): ApiJson<DeviceChange>,
) -> Result<StatusCode, ApiError> {
    let key = DeviceKey::parse(&key).ok_or(ApiError::NotFound)?;
    state
        .cognito
        .set_device_remembered(&caller.token, key.as_str(), change.remembered)
        .await
        .map_err(not_found)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgets one of the caller's devices at Cognito: it is no longer remembered, and its next
/// sign-in is a new device's. The device this request comes from is dropped here too, and a
/// browser's device cookie cleared.
pub async fn forget(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PathId(key): PathId,
) -> Result<Response, ApiError> {
    let key = DeviceKey::parse(&key).ok_or(ApiError::NotFound)?;
    state
        .cognito
        .forget_device(&caller.token, key.as_str())
        .await
        .map_err(not_found)?;
    let cleared = state.boundary.drop_device(&headers, key.as_str()).await;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(clear) = cleared {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, clear);
    }
    Ok(response)
}

/// A device that isn't the caller's (or doesn't exist) is answered as no such device.
fn not_found(e: CognitoError) -> ApiError {
    match &e.kind {
        CognitoErrorKind::Other(code) if code == "ResourceNotFoundException" => ApiError::NotFound,
        CognitoErrorKind::InvalidParameter => ApiError::NotFound,
        _ => e.into(),
    }
}
