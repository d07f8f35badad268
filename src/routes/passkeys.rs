//! The signed-in user's passkeys: `POST /me/passkeys` begins a registration (the options for
//! the browser's `navigator.credentials.create`), `POST /me/passkeys/complete` ends it with the
//! browser's credential, `GET /me/passkeys` lists them, `DELETE /me/passkeys/{id}` removes one.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::boundary::AfterChange;
use crate::cognito::{CognitoError, CognitoErrorKind, PasskeyRecord};
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller, PathCredentialId, RecentCaller};
use crate::input::passkey::RegistrationCredential;
use crate::state::AppState;

#[derive(Serialize)]
pub struct Started {
    /// PublicKeyCredentialCreationOptionsJSON, as Cognito made it.
    creation_options: Map<String, Value>,
}

/// A new passkey is a new way into the account: only after a recent sign-in.
pub async fn start(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
) -> Result<Json<Started>, ApiError> {
    let creation_options = state
        .cognito
        .start_web_authn_registration(&caller.token)
        .await
        .map_err(ApiError::token_refused)?;
    Ok(Json(Started { creation_options }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// The browser's RegistrationResponseJSON (`credential.toJSON()`).
    credential: Value,
}

/// A new way in: the session it came from gets a new id, as after any change of factors, and
/// the event is logged (without the credential) for whoever audits the account later.
pub async fn complete(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
    ApiJson(request): ApiJson<CompleteRequest>,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    let credential = RegistrationCredential::parse("credential", request.credential)?;
    state
        .cognito
        .complete_web_authn_registration(&caller.token, credential.as_json())
        .await
        .map_err(ApiError::token_refused)?;
    tracing::info!("a passkey was registered");
    let after = AfterChange::apply(&state.boundary, &caller, false, started).await?;
    Ok(after.answer(&state.boundary, object(json!({"registered": true}))))
}

#[derive(Serialize)]
pub struct PasskeyView {
    /// The credential id, base64url: names it to `DELETE`.
    id: String,
    name: String,
    relying_party_id: String,
    /// `platform` or `cross-platform`, when the browser told.
    #[serde(skip_serializing_if = "Option::is_none")]
    attachment: Option<String>,
    transports: Vec<String>,
    /// Seconds since the epoch.
    created_at: i64,
}

impl From<PasskeyRecord> for PasskeyView {
    fn from(passkey: PasskeyRecord) -> Self {
        PasskeyView {
            id: passkey.id,
            name: passkey.name,
            relying_party_id: passkey.relying_party_id,
            attachment: passkey.attachment,
            transports: passkey.transports,
            created_at: passkey.created_at,
        }
    }
}

#[derive(Serialize)]
pub struct PasskeyList {
    passkeys: Vec<PasskeyView>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PasskeyList>, ApiError> {
    let passkeys = state
        .cognito
        .list_web_authn_credentials(&caller.token)
        .await
        .map_err(ApiError::token_refused)?
        .into_iter()
        .map(PasskeyView::from)
        .collect();
    Ok(Json(PasskeyList { passkeys }))
}

/// Removing a passkey takes a way in away from the user: only after a recent sign-in, so a
/// session left open can't lock the owner out of a passwordless account.
/// Whoever signed in with the passkey removed is signed out of the user's other browser
/// sessions, as when MFA is turned off: a user removes a passkey they don't recognise.
pub async fn remove(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
    PathCredentialId(id): PathCredentialId,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    state
        .cognito
        .delete_web_authn_credential(&caller.token, id.as_str())
        .await
        .map_err(not_found)?;
    tracing::info!("a passkey was removed");
    let after = AfterChange::apply(&state.boundary, &caller, true, started).await?;
    Ok(after.answer(&state.boundary, object(json!({"removed": true}))))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A passkey that isn't the caller's (or doesn't exist) is answered as no such passkey.
fn not_found(e: CognitoError) -> ApiError {
    match &e.kind {
        kind if kind.is_not_found() => ApiError::NotFound,
        CognitoErrorKind::InvalidParameter => ApiError::NotFound,
        _ => ApiError::token_refused(e),
    }
}
