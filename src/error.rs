//! The one error type of the HTTP API, and its mapping to RFC 9457 problem+json.
//!
//! Every failure a client can see is a variant here; everything else becomes an opaque 500
//! whose cause goes to the log only. Messages never carry passwords, codes, tokens, sessions,
//! cookie values or the client secret: variants hold only names and Cognito's own reasons.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use cognito_verifier::AuthRejection;
use cognito_verifier::problem::Problem;

use crate::attributes::AttributeError;
use crate::cognito::{CognitoError, CognitoErrorKind, PasskeyRefusal};
use crate::input::InvalidInput;
use crate::limits::Limited;
use crate::oauth::OAuthError;
use crate::sessions::SessionError;
use crate::signin::SignInError;
use crate::vocab::NextStep;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    InvalidRequest {
        detail: String,
        field: Option<String>,
    },
    #[error("attribute `{attribute}`: {reason}")]
    InvalidAttribute { attribute: String, reason: String },
    #[error("attribute `{attribute}` can't be set here")]
    AttributeNotWritable { attribute: String },
    #[error("more than one challenge cookie arrived; sign in again")]
    DuplicateChallengeCookie,
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    #[error("no such route")]
    NotFound,
    #[error("method not allowed on this route")]
    MethodNotAllowed,

    #[error("incorrect username or password")]
    InvalidCredentials,
    #[error("the refresh token is not valid; sign in again")]
    InvalidRefreshToken,
    #[error("too many requests; try again in {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("requests from this origin are not allowed")]
    OriginNotAllowed,
    #[error("the request took too long")]
    RequestTimeout,
    #[error(transparent)]
    Auth(#[from] AuthRejection),
    #[error("the caller is not allowed to do this")]
    Forbidden,
    #[error("no live session; sign in")]
    NoSession,
    #[error("this change needs a recent sign-in; sign in again, then repeat it")]
    RecentSignInRequired,
    #[error(
        "a request made with the session cookie that changes state must carry the header `X-CSRF: 1`"
    )]
    CsrfHeaderRequired,
    #[error("the session's tokens are being refreshed by another request; try again")]
    SessionBusy,
    #[error("the upstream API did not answer in time")]
    UpstreamTimeout,
    #[error("the upstream API could not be reached")]
    UpstreamUnavailable,

    #[error("the sign-in challenge has expired or was already answered; sign in again")]
    ChallengeExpired,
    #[error("the pending challenge is {pending}, not {given}")]
    ChallengeMismatch { pending: String, given: String },
    #[error("this challenge is being answered by another request")]
    ChallengeInProgress,
    #[error("the pending challenge can't be read by this server right now; try again")]
    ChallengeUnreadable,
    #[error("Cognito asked for a challenge this service does not handle: {name}")]
    UnsupportedChallenge { name: String },
    #[error("the current password is incorrect")]
    IncorrectPassword,
    #[error(
        "this account signs in through an identity provider, which keeps its password; change it there"
    )]
    FederatedUser,

    #[error(
        "this sign-in with an identity provider has expired, was already used, or was not started in this browser; start again"
    )]
    OAuthStateInvalid,
    #[error("the sign-in was cancelled or refused at the identity provider")]
    OAuthDenied,
    #[error("the identity provider could not sign the user in; try again later")]
    OAuthProviderError,
    #[error(
        "the authorization code was refused: it was already used, has expired, or belongs to another sign-in; start again"
    )]
    OAuthCodeInvalid,
    #[error(
        "the tokens from the identity provider did not pass the checks; the sign-in was refused"
    )]
    OAuthTokenInvalid,
    #[error("the pool's sign-in domain could not be reached; try again later")]
    OAuthUnavailable,
    #[error("the pool's sign-in domain did not answer in time; try again")]
    OAuthTimeout,
    #[error("too many sign-ins are under way; try again in a few minutes")]
    OAuthBusy,

    #[error("{0}")]
    Cognito(#[from] CognitoError),

    #[error("the database is unavailable")]
    DatabaseUnavailable,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl ApiError {
    pub fn invalid_field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        ApiError::InvalidRequest {
            field: Some(field.into()),
            detail: detail.into(),
        }
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(err))
    }

    /// For calls made with the caller's own access token: Cognito refusing the token (or not
    /// knowing its user any more) is the caller's token being no good, answered as a 401.
    pub fn token_refused(err: CognitoError) -> Self {
        match err.kind {
            CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound => {
                AuthRejection::InvalidToken.into()
            }
            _ => err.into(),
        }
    }

    /// Status, stable machine code and short title for each variant.
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use CognitoErrorKind as K;
        match self {
            ApiError::InvalidRequest { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid request",
            ),
            ApiError::InvalidAttribute { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_attribute",
                "Invalid attribute",
            ),
            ApiError::AttributeNotWritable { .. } => (
                StatusCode::BAD_REQUEST,
                "attribute_not_writable",
                "Attribute not writable",
            ),
            ApiError::DuplicateChallengeCookie => (
                StatusCode::BAD_REQUEST,
                "duplicate_cookie",
                "Duplicate cookie",
            ),
            ApiError::PayloadTooLarge { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "Not found"),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
            ),
            ApiError::InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "Invalid credentials",
            ),
            ApiError::Auth(rejection) => rejection.parts(),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "Too many requests",
            ),
            ApiError::OriginNotAllowed => {
                (StatusCode::FORBIDDEN, "origin_not_allowed", "Forbidden")
            }
            ApiError::RequestTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "request_timeout",
                "Request timeout",
            ),
            ApiError::InvalidRefreshToken => (
                StatusCode::UNAUTHORIZED,
                "invalid_refresh_token",
                "Invalid refresh token",
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::NoSession => (StatusCode::UNAUTHORIZED, "no_session", "Not signed in"),
            ApiError::RecentSignInRequired => (
                StatusCode::FORBIDDEN,
                "recent_sign_in_required",
                "Recent sign-in required",
            ),
            ApiError::CsrfHeaderRequired => {
                (StatusCode::FORBIDDEN, "csrf_header_required", "Forbidden")
            }
            ApiError::SessionBusy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "session_busy",
                "Service unavailable",
            ),
            ApiError::UpstreamTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "upstream_timeout",
                "Upstream timed out",
            ),
            ApiError::UpstreamUnavailable => (
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "Upstream unavailable",
            ),
            ApiError::ChallengeExpired => (
                StatusCode::UNAUTHORIZED,
                "challenge_expired",
                "Challenge expired",
            ),
            ApiError::ChallengeMismatch { .. } => (
                StatusCode::CONFLICT,
                "challenge_mismatch",
                "Challenge mismatch",
            ),
            ApiError::ChallengeInProgress => (
                StatusCode::CONFLICT,
                "challenge_in_progress",
                "Challenge in progress",
            ),
            ApiError::ChallengeUnreadable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "challenge_unavailable",
                "Service unavailable",
            ),
            ApiError::UnsupportedChallenge { .. } => (
                StatusCode::BAD_GATEWAY,
                "unsupported_challenge",
                "Unsupported challenge",
            ),
            ApiError::IncorrectPassword => (
                StatusCode::BAD_REQUEST,
                "incorrect_password",
                "Incorrect password",
            ),
            ApiError::FederatedUser => (
                StatusCode::CONFLICT,
                "federated_user",
                "Signs in through an identity provider",
            ),
            ApiError::OAuthStateInvalid => (
                StatusCode::BAD_REQUEST,
                "oauth_state_invalid",
                "Sign-in not recognised",
            ),
            ApiError::OAuthDenied => (
                StatusCode::FORBIDDEN,
                "oauth_access_denied",
                "Sign-in cancelled",
            ),
            ApiError::OAuthProviderError => (
                StatusCode::BAD_GATEWAY,
                "oauth_provider_error",
                "Identity provider error",
            ),
            ApiError::OAuthCodeInvalid => (
                StatusCode::BAD_REQUEST,
                "oauth_code_invalid",
                "Authorization code refused",
            ),
            ApiError::OAuthTokenInvalid => (
                StatusCode::BAD_GATEWAY,
                "oauth_token_invalid",
                "Tokens refused",
            ),
            ApiError::OAuthUnavailable => (
                StatusCode::BAD_GATEWAY,
                "oauth_unavailable",
                "Sign-in domain unavailable",
            ),
            ApiError::OAuthTimeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "oauth_timeout",
                "Sign-in domain timed out",
            ),
            ApiError::DatabaseUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "Service unavailable",
            ),
            ApiError::OAuthBusy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "oauth_busy",
                "Too many sign-ins under way",
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Internal server error",
            ),
            ApiError::Cognito(e) => match &e.kind {
                K::NotAuthorized => (StatusCode::FORBIDDEN, "not_authorized", "Not authorized"),
                K::UserNotFound => (StatusCode::NOT_FOUND, "user_not_found", "User not found"),
                K::UserNotConfirmed => (
                    StatusCode::FORBIDDEN,
                    "user_not_confirmed",
                    "User not confirmed",
                ),
                K::PasswordResetRequired => (
                    StatusCode::FORBIDDEN,
                    "password_reset_required",
                    "Password reset required",
                ),
                K::UsernameExists => (
                    StatusCode::CONFLICT,
                    "username_exists",
                    "Username already exists",
                ),
                K::AliasExists => (StatusCode::CONFLICT, "alias_exists", "Alias already exists"),
                K::InvalidPassword => (
                    StatusCode::BAD_REQUEST,
                    "invalid_password",
                    "Invalid password",
                ),
                K::InvalidParameter => (
                    StatusCode::BAD_REQUEST,
                    "invalid_parameter",
                    "Invalid parameter",
                ),
                K::CodeMismatch => (StatusCode::BAD_REQUEST, "code_mismatch", "Code mismatch"),
                K::ExpiredCode => (StatusCode::BAD_REQUEST, "code_expired", "Code expired"),
                K::TooManyRequests | K::LimitExceeded | K::TooManyFailedAttempts => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_requests",
                    "Too many requests",
                ),
                K::SessionExpired => (
                    StatusCode::UNAUTHORIZED,
                    "challenge_expired",
                    "Challenge expired",
                ),
                K::EmailMfaUnavailable => (
                    StatusCode::CONFLICT,
                    "email_mfa_unavailable",
                    "Email MFA unavailable",
                ),
                K::NoEmailAddress => (StatusCode::CONFLICT, "email_required", "Email required"),
                K::EmailUnverified => (
                    StatusCode::CONFLICT,
                    "email_unverified",
                    "Email not verified",
                ),
                K::Timeout => (
                    StatusCode::GATEWAY_TIMEOUT,
                    "cognito_timeout",
                    "Cognito timed out",
                ),
                K::Unavailable => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "cognito_unavailable",
                    "Cognito unavailable",
                ),
                K::Passkey(refusal) => passkey_parts(*refusal),
                K::Other(_) => (StatusCode::BAD_GATEWAY, "cognito_error", "Cognito error"),
            },
        }
    }

    /// The text a client may see. Cognito's own reason is passed on where it helps the user
    /// fix the request; for the rest a fixed sentence stands in.
    fn detail(&self) -> String {
        match self {
            ApiError::Cognito(e) => e.public_detail(),
            other => other.to_string(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } => Some((*retry_after).max(1)),
            ApiError::Cognito(e) => match e.kind {
                CognitoErrorKind::TooManyRequests => Some(5),
                CognitoErrorKind::LimitExceeded | CognitoErrorKind::TooManyFailedAttempts => {
                    Some(60)
                }
                CognitoErrorKind::Unavailable => Some(5),
                _ => None,
            },
            ApiError::DatabaseUnavailable | ApiError::ChallengeUnreadable => Some(5),
            ApiError::SessionBusy => Some(1),
            _ => None,
        }
    }

    /// Where the client should go next when an error is really a step of signing in.
    fn next_step(&self) -> Option<NextStep> {
        match self {
            ApiError::Cognito(e) => match e.kind {
                CognitoErrorKind::UserNotConfirmed => Some(NextStep::ConfirmSignUp),
                CognitoErrorKind::PasswordResetRequired => Some(NextStep::ResetPassword),
                _ => None,
            },
            ApiError::RecentSignInRequired => Some(NextStep::SignIn),
            _ => None,
        }
    }
}

/// Cognito's passkey refusals: what the pool allows (403), how it is configured (503, for the
/// operator), where the registration stands (409), and what is wrong with the passkey (400).
fn passkey_parts(refusal: PasskeyRefusal) -> (StatusCode, &'static str, &'static str) {
    use PasskeyRefusal as P;
    match refusal {
        P::NotEnabled => (
            StatusCode::FORBIDDEN,
            "passkeys_not_enabled",
            "Passkeys not enabled",
        ),
        P::NotConfigured => (
            StatusCode::SERVICE_UNAVAILABLE,
            "passkeys_not_configured",
            "Passkeys not configured",
        ),
        P::RegistrationNotFound => (
            StatusCode::CONFLICT,
            "passkey_registration_not_found",
            "No passkey registration",
        ),
        P::ClientMismatch => (
            StatusCode::CONFLICT,
            "passkey_client_mismatch",
            "Passkey registration of another client",
        ),
        P::LimitReached => (
            StatusCode::CONFLICT,
            "passkey_limit_reached",
            "Too many passkeys",
        ),
        P::OriginNotAllowed => (
            StatusCode::BAD_REQUEST,
            "passkey_origin_not_allowed",
            "Passkey origin not allowed",
        ),
        P::RelyingPartyMismatch => (
            StatusCode::BAD_REQUEST,
            "passkey_relying_party_mismatch",
            "Passkey relying party mismatch",
        ),
        P::NotSupported => (
            StatusCode::BAD_REQUEST,
            "passkey_not_supported",
            "Passkey not supported",
        ),
        P::Rejected => (
            StatusCode::BAD_REQUEST,
            "passkey_rejected",
            "Passkey rejected",
        ),
    }
}

impl ApiError {
    /// The refusal as a small page, for a browser that navigated here (the federated
    /// sign-in's routes): the same status, code and fixed sentence as the problem+json, and a
    /// link to start again. Nothing in it comes from the request.
    pub fn into_page(self, back: Option<&str>) -> Response {
        let (status, code, title) = self.parts();
        let detail = escape_html(&self.detail());
        let link = back
            .map(|href| format!("<p><a href=\"{}\">Sign in again</a></p>", escape_html(href)))
            .unwrap_or_default();
        let title = escape_html(title);
        // Logged as the problem+json would be.
        let logged = self.into_response();
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title></head><body><main><h1>{title}</h1><p>{detail}</p>\
             <p><small>Code: <code>{code}</code></small></p>{link}</main></body></html>"
        );
        let mut page = (status, html).into_response();
        let headers = page.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(retry) = logged.headers().get(header::RETRY_AFTER) {
            headers.insert(header::RETRY_AFTER, retry.clone());
        }
        page
    }
}

/// Text made safe inside HTML, attribute values included.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = self.parts();
        match &self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
            }
            ApiError::UnsupportedChallenge { name } => {
                tracing::warn!(challenge = %name, "cognito asked for an unsupported challenge");
            }
            ApiError::Cognito(e) if status.is_server_error() => {
                tracing::warn!(
                    cognito.operation = e.operation,
                    cognito.error = %e.kind,
                    cognito.request_id = e.request_id.as_deref().unwrap_or(""),
                    "cognito call failed"
                );
            }
            ApiError::Cognito(e) => {
                tracing::info!(
                    cognito.operation = e.operation,
                    cognito.error = %e.kind,
                    "cognito refused the request"
                );
            }
            _ => {}
        }
        if let ApiError::Auth(rejection) = self {
            return rejection.into_response();
        }
        let mut problem = Problem::new(status, code, title, self.detail());
        problem.next_step = self.next_step().map(NextStep::as_str);
        match &self {
            ApiError::InvalidRequest { field, .. } => problem.field = field.clone(),
            ApiError::IncorrectPassword => problem.field = Some("previous_password".into()),
            ApiError::InvalidAttribute { attribute, .. }
            | ApiError::AttributeNotWritable { attribute } => {
                problem.attribute = Some(attribute.clone())
            }
            ApiError::Cognito(e) if status.is_server_error() => {
                problem.cognito_request_id = e.request_id.clone()
            }
            _ => {}
        }
        let mut response = problem.into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                tracing::warn!(error = %err, "database unavailable");
                ApiError::DatabaseUnavailable
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<InvalidInput> for ApiError {
    fn from(err: InvalidInput) -> Self {
        ApiError::InvalidRequest {
            field: Some(err.field),
            detail: err.detail,
        }
    }
}

impl From<AttributeError> for ApiError {
    fn from(err: AttributeError) -> Self {
        match err {
            AttributeError::Input(input) => input.into(),
            AttributeError::Invalid { attribute, reason } => {
                ApiError::InvalidAttribute { attribute, reason }
            }
            AttributeError::NotWritable { attribute } => {
                ApiError::AttributeNotWritable { attribute }
            }
        }
    }
}

impl From<Limited> for ApiError {
    fn from(limited: Limited) -> Self {
        match limited {
            Limited::Spent { retry_after } => ApiError::RateLimited { retry_after },
            // The budgets that stop guessing refuse rather than not count.
            Limited::Unavailable => ApiError::DatabaseUnavailable,
        }
    }
}

impl From<SignInError> for ApiError {
    fn from(err: SignInError) -> Self {
        match err {
            SignInError::InvalidCredentials => ApiError::InvalidCredentials,
            SignInError::DuplicateChallengeCookie => ApiError::DuplicateChallengeCookie,
            SignInError::ChallengeExpired | SignInError::DeviceNotProven => {
                ApiError::ChallengeExpired
            }
            SignInError::ChallengeMismatch { pending, given } => {
                ApiError::ChallengeMismatch { pending, given }
            }
            SignInError::ChallengeInProgress => ApiError::ChallengeInProgress,
            SignInError::ChallengeUnreadable => ApiError::ChallengeUnreadable,
            SignInError::UnsupportedChallenge { name } => ApiError::UnsupportedChallenge { name },
            SignInError::Input(e) => e.into(),
            SignInError::Attribute(e) => e.into(),
            SignInError::Limited(e) => e.into(),
            SignInError::Cognito(e) => e.into(),
            SignInError::Database(e) => e.into(),
            SignInError::Random(e) => ApiError::internal(e),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(err: SessionError) -> Self {
        match err {
            SessionError::NoSession => ApiError::NoSession,
            SessionError::Busy => ApiError::SessionBusy,
            SessionError::Unreadable => ApiError::ChallengeUnreadable,
            SessionError::InvalidRefreshToken => ApiError::InvalidRefreshToken,
            SessionError::TokenRefused(_) => AuthRejection::InvalidToken.into(),
            SessionError::NewTokenRefused(code) => ApiError::internal(std::io::Error::other(code)),
            SessionError::Cognito(e) => e.into(),
            SessionError::Database(e) => e.into(),
            SessionError::Random(e) => ApiError::internal(e),
            SessionError::Internal(what) => ApiError::internal(std::io::Error::other(what)),
        }
    }
}

impl From<OAuthError> for ApiError {
    fn from(err: OAuthError) -> Self {
        match err {
            OAuthError::UnknownProvider => ApiError::invalid_field(
                "provider",
                "`provider` must be one of the identity providers this service offers",
            ),
            // The record is gone either way: starting again is all that helps.
            OAuthError::StateInvalid | OAuthError::Unreadable => ApiError::OAuthStateInvalid,
            OAuthError::Denied => ApiError::OAuthDenied,
            OAuthError::Provider(_) => ApiError::OAuthProviderError,
            OAuthError::CodeRejected => ApiError::OAuthCodeInvalid,
            OAuthError::TokenInvalid(check) => {
                tracing::warn!(check, "federated sign-in refused: a token failed a check");
                ApiError::OAuthTokenInvalid
            }
            OAuthError::ClientRefused | OAuthError::Unavailable => ApiError::OAuthUnavailable,
            OAuthError::Timeout => ApiError::OAuthTimeout,
            OAuthError::Busy => ApiError::OAuthBusy,
            OAuthError::Input(e) => e.into(),
            OAuthError::Database(e) => e.into(),
            OAuthError::Random(e) => ApiError::internal(e),
        }
    }
}
