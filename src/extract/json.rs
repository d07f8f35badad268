//! `ApiJson<T>` and `OptionalJson<T>`: JSON bodies whose every rejection is a problem+json
//! `ApiError` naming the field, and which never echo submitted values (they may be passwords).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Request bodies are small JSON documents; anything larger is refused with 413.
pub const BODY_LIMIT: usize = 16 * 1024;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_type(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let body = read_body(request, state).await?;
        parse(&body).map(ApiJson)
    }
}

/// `OptionalJson<T>`: like `ApiJson`, but a request without a body reads as `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json_type(request.headers());
        let body = read_body(request, state).await?;
        if body.is_empty() {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&body).map(OptionalJson)
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit: BODY_LIMIT }
            } else {
                ApiError::InvalidRequest {
                    detail: "the request body could not be read".into(),
                    field: None,
                }
            }
        })
}

/// `application/json`, optionally with parameters such as `charset`.
fn is_json_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            return ApiError::InvalidRequest {
                detail: format!(
                    "the body is not valid JSON (line {}, column {})",
                    inner.line(),
                    inner.column()
                ),
                field: None,
            };
        }
        let message = inner.to_string();
        let parent = (path != ".").then_some(path);
        let detail = describe_data_error(&message, parent.as_deref());
        let field = match missing_field_name(&message) {
            Some(name) => Some(match parent {
                Some(parent) => format!("{parent}.{name}"),
                None => name,
            }),
            None => parent,
        };
        ApiError::InvalidRequest { detail, field }
    })
}

/// serde's messages quote the offending value ("invalid type: string \"hunter2\", expected
/// a boolean"); keep only what was expected, or the missing field's name.
fn describe_data_error(message: &str, field: Option<&str>) -> String {
    if let Some(name) = missing_field_name(message) {
        let at = field.map(|f| format!("{f}.{name}")).unwrap_or(name);
        return format!("`{at}` is required");
    }
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, rest)| rest.split(" at line ").next().unwrap_or(rest).to_owned());
    let subject = field
        .map(|f| format!("`{f}`"))
        .unwrap_or_else(|| "the body".into());
    match expected {
        Some(expected) => format!("{subject} has the wrong type or value; expected {expected}"),
        None if message.starts_with("unknown field") => format!("{subject} is not a known field"),
        None => format!("{subject} has the wrong type or value"),
    }
}

fn missing_field_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        username: String,
        password: String,
        remember: Option<bool>,
    }

    fn error_of(body: &str) -> (String, Option<String>) {
        match parse::<Login>(body.as_bytes()) {
            Err(ApiError::InvalidRequest { detail, field }) => (detail, field),
            other => panic!("expected invalid request, got {other:?}"),
        }
    }

    #[test]
    fn names_the_missing_field() {
        let (detail, field) = error_of(r#"{"username":"a"}"#);
        assert_eq!(field.as_deref(), Some("password"));
        assert!(detail.contains("`password` is required"), "{detail}");
    }

    #[test]
    fn names_the_mistyped_field_without_echoing_its_value() {
        let (detail, field) = error_of(r#"{"username":"a","password":"p","remember":"hunter2"}"#);
        assert_eq!(field.as_deref(), Some("remember"));
        assert!(!detail.contains("hunter2"), "{detail}");
        assert!(detail.contains("expected a boolean"), "{detail}");
    }

    #[test]
    fn reports_syntax_errors_by_position() {
        let (detail, field) = error_of(r#"{"username":"#);
        assert_eq!(field, None);
        assert!(detail.contains("not valid JSON"), "{detail}");
    }
}
