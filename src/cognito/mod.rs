//! The Cognito user-pool calls this service makes, with SECRET_HASH filled in wherever Cognito
//! takes it, grouped by family as the routes are: sign-in, sign-up, passwords, the user's own
//! calls, passkeys, and the service's admin calls. HTTP details stay out of here; Cognito
//! details stay out of the routes.

mod admin;
mod devices;
mod error;
mod passkeys;
mod password;
mod secret_hash;
mod signin;
mod signup;
pub mod srp;
mod types;
mod user;
pub use user::EmailMfaOn;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, VerifySoftwareTokenResponseType};
use secrecy::SecretString;

pub use devices::DeviceRecord;
pub use error::{CognitoError, CognitoErrorKind, PasskeyRefusal};
pub use passkeys::PasskeyRecord;
pub use secret_hash::secret_hash;
pub use signin::UserAuthStart;
pub use srp::SrpError;
pub use types::{
    AdminCreateUser, AuthStep, Challenge, CodeDelivery, CreatedUser, DeliveryMedium, EndUser,
    MetadataKeys, MfaMethod, MfaSettings, NewDevice, SignInFactor, SignUpResult, Tokens, UserView,
};

/// A user-pool app client: the SDK client plus the ids and secret every call needs.
#[derive(Clone)]
pub struct Cognito {
    client: Client,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<SecretString>,
    /// The app client's PreventUserExistenceErrors, as last read, and when.
    hides_users: Arc<Mutex<Option<(Instant, bool)>>>,
    /// When AdminUserGlobalSignOut was last refused for good (a missing permission, say):
    /// it is not asked again for a while, so each logout doesn't pay for a refusal.
    admin_sign_out_refused: Arc<Mutex<Option<Instant>>>,
    /// The pool's first factors for choice-based sign-in, as last read, and when.
    first_factors: Arc<Mutex<Option<FirstFactorsRead>>>,
}

/// The pool's first factors, by Cognito's names, and when they were read.
type FirstFactorsRead = (Instant, Vec<String>);

/// How long the app client's PreventUserExistenceErrors setting (and the pool's first factors)
/// is trusted before it is read
/// again.
const CLIENT_SETTINGS_TTL: Duration = Duration::from_secs(300);

impl Cognito {
    pub fn new(
        client: Client,
        user_pool_id: String,
        client_id: String,
        client_secret: Option<SecretString>,
    ) -> Self {
        Cognito {
            client,
            user_pool_id,
            client_id,
            client_secret,
            hides_users: Arc::default(),
            admin_sign_out_refused: Arc::default(),
            first_factors: Arc::default(),
        }
    }

    fn secret_hash_for(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }
}

/// Cognito answers a dead session with NotAuthorized ("Invalid session") and some emulators
/// with ResourceNotFound; either way the challenge is over.
fn session_refused(mut err: CognitoError) -> CognitoError {
    if matches!(err.kind, CognitoErrorKind::NotAuthorized)
        || matches!(&err.kind, CognitoErrorKind::Other(c) if c == "ResourceNotFoundException")
    {
        err.kind = CognitoErrorKind::SessionExpired;
    }
    err
}

/// Runs CPU-heavy SRP work on the blocking pool. A task that dies there (it can't, short of a
/// bug) counts as no usable randomness.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SrpError> + Send + 'static,
) -> Result<T, SrpError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(SrpError::Random))
}

fn no_field(operation: &'static str) -> CognitoError {
    CognitoError::new(
        operation,
        CognitoErrorKind::Other("IncompleteResponse".into()),
    )
}

/// VerifySoftwareToken may report a wrong code as a status rather than an error.
fn verified(
    operation: &'static str,
    status: Option<&VerifySoftwareTokenResponseType>,
) -> Result<(), CognitoError> {
    match status {
        Some(VerifySoftwareTokenResponseType::Success) => Ok(()),
        Some(_) => Err(CognitoError::new(operation, CognitoErrorKind::CodeMismatch)),
        None => Err(no_field(operation)),
    }
}

/// Operations whose success or refusal tells whether an account exists.
const ANSWERS_FOR_ANY_NAME: &[&str] = &["ForgotPassword", "ResendConfirmationCode", "AdminGetUser"];

/// Runs one Cognito call: names it on the request's log line, times it, counts its outcome,
/// and turns its error into a `CognitoError`.
async fn observe<T, E>(
    operation: &'static str,
    call: impl std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
) -> Result<T, CognitoError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    tracing::Span::current().record("cognito_operation", operation);
    let started = std::time::Instant::now();
    let result = call.await.map_err(|e| CognitoError::from_sdk(operation, e));
    let outcome = match &result {
        Ok(_) => "ok",
        Err(e) => e.kind.metric_outcome(),
    };
    // These answer for any name an anonymous caller sends: whether Cognito found an account
    // (or sent a code, which takes longer) is exactly what the service's answers hide, so
    // the metric hides it too: one outcome for any verdict, and no latency.
    if ANSWERS_FOR_ANY_NAME.contains(&operation) {
        let outcome = match outcome {
            "throttled" | "timeout" | "unavailable" => outcome,
            _ => "answered",
        };
        let labels = [("operation", operation), ("outcome", outcome)];
        metrics::counter!("cognito_requests_total", &labels).increment(1);
    } else {
        let labels = [("operation", operation), ("outcome", outcome)];
        metrics::counter!("cognito_requests_total", &labels).increment(1);
        metrics::histogram!("cognito_request_duration_seconds", &labels)
            .record(started.elapsed().as_secs_f64());
    }
    result
}

fn to_attribute_types(attributes: Vec<(String, String)>) -> Vec<AttributeType> {
    attributes
        .into_iter()
        .filter_map(|(name, value)| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .ok()
        })
        .collect()
}
