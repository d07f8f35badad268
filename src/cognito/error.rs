//! Cognito's errors, turned once into a domain error at the SDK boundary.

use std::fmt;

use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::RequestId;

/// What went wrong, as far as callers of this service need to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CognitoErrorKind {
    NotAuthorized,
    UserNotFound,
    UserNotConfirmed,
    PasswordResetRequired,
    UsernameExists,
    AliasExists,
    InvalidPassword,
    InvalidParameter,
    CodeMismatch,
    ExpiredCode,
    TooManyRequests,
    LimitExceeded,
    TooManyFailedAttempts,
    /// The challenge session is unknown to Cognito (expired or already used).
    SessionExpired,
    /// Email MFA can't be turned on: the user pool offers none (no email MFA configuration,
    /// or a feature plan without it).
    EmailMfaUnavailable,
    /// Email MFA can't be turned on: the user has no email address to send codes to.
    NoEmailAddress,
    /// Email MFA asked for on an address the user hasn't proved they read.
    EmailUnverified,
    /// No answer in time.
    Timeout,
    /// Cognito could not be reached, or answered with a server fault.
    Unavailable,
    /// A passkey call refused for a reason of its own.
    Passkey(PasskeyRefusal),
    /// Anything else; the string is Cognito's error code, for logs.
    Other(String),
}

/// Why Cognito refused a passkey call (the `WebAuthn*` errors, and the generic ones that mean
/// something particular there); each is its own problem at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyRefusal {
    /// The pool doesn't allow `WEB_AUTHN` as a first factor (WebAuthnNotEnabledException).
    NotEnabled,
    /// The pool has no relying party: no WebAuthnConfiguration RelyingPartyId and no domain
    /// (WebAuthnConfigurationMissingException).
    NotConfigured,
    /// No registration waits for this credential: none started, expired, already answered,
    /// or the credential answers another challenge (WebAuthnChallengeNotFoundException).
    RegistrationNotFound,
    /// The registration was started through another app client
    /// (WebAuthnClientMismatchException).
    ClientMismatch,
    /// The credential was made on a page whose origin the relying party id doesn't cover
    /// (WebAuthnOriginNotAllowedException).
    OriginNotAllowed,
    /// The authenticator's relying party isn't the pool's
    /// (WebAuthnRelyingPartyMismatchException).
    RelyingPartyMismatch,
    /// An algorithm or attestation Cognito doesn't take
    /// (WebAuthnCredentialNotSupportedException).
    NotSupported,
    /// The registration failed Cognito's checks, or the passkey is registered already
    /// (InvalidParameterException at CompleteWebAuthnRegistration).
    Rejected,
    /// The user has as many passkeys as Cognito keeps (LimitExceededException at
    /// StartWebAuthnRegistration and CompleteWebAuthnRegistration).
    LimitReached,
}

impl fmt::Display for CognitoErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CognitoErrorKind::Other(code) if !code.is_empty() => f.write_str(code),
            CognitoErrorKind::Other(_) => f.write_str("Unknown"),
            kind => write!(f, "{kind:?}"),
        }
    }
}

impl CognitoErrorKind {
    /// Cognito never judged the request: it was unreachable, slow, throttled, or failed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CognitoErrorKind::Timeout
                | CognitoErrorKind::Unavailable
                | CognitoErrorKind::TooManyRequests
        )
    }

    /// Cognito certainly did nothing: it was unreachable or throttled the call. A timeout may
    /// have done its work (sent a code, say) before the answer was lost.
    pub fn sent_nothing(&self) -> bool {
        matches!(
            self,
            CognitoErrorKind::Unavailable | CognitoErrorKind::TooManyRequests
        )
    }

    /// Cognito has no such thing as the request names: for a sign-in that named a device,
    /// the device is gone (forgotten, or its user recreated).
    pub fn is_not_found(&self) -> bool {
        matches!(self, CognitoErrorKind::Other(code) if code == "ResourceNotFoundException")
    }

    /// The outcome as a metric label, from a fixed set. Every answer Cognito gives about a
    /// request it judged (a missing user, a wrong password or code, an unconfirmed account, a
    /// taken name, a lockout) is one `refused`, so a scrape can't tell which accounts exist.
    pub fn metric_outcome(&self) -> &'static str {
        use CognitoErrorKind as K;
        match self {
            K::TooManyRequests => "throttled",
            K::Timeout => "timeout",
            K::Unavailable => "unavailable",
            K::Other(_) => "error",
            K::Passkey(_)
            | K::NotAuthorized
            | K::UserNotFound
            | K::UserNotConfirmed
            | K::PasswordResetRequired
            | K::UsernameExists
            | K::AliasExists
            | K::InvalidPassword
            | K::InvalidParameter
            | K::CodeMismatch
            | K::ExpiredCode
            | K::LimitExceeded
            | K::TooManyFailedAttempts
            | K::SessionExpired
            | K::EmailMfaUnavailable
            | K::NoEmailAddress
            | K::EmailUnverified => "refused",
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            // A refresh token rotated away is as dead as a revoked one.
            "NotAuthorizedException" | "RefreshTokenReuseException" => {
                CognitoErrorKind::NotAuthorized
            }
            "UserNotFoundException" => CognitoErrorKind::UserNotFound,
            "UserNotConfirmedException" => CognitoErrorKind::UserNotConfirmed,
            "PasswordResetRequiredException" => CognitoErrorKind::PasswordResetRequired,
            "UsernameExistsException" => CognitoErrorKind::UsernameExists,
            "AliasExistsException" => CognitoErrorKind::AliasExists,
            "InvalidPasswordException" => CognitoErrorKind::InvalidPassword,
            "InvalidParameterException" => CognitoErrorKind::InvalidParameter,
            // A wrong TOTP code while enabling the authenticator is a wrong code like any other.
            "CodeMismatchException" | "EnableSoftwareTokenMFAException" => {
                CognitoErrorKind::CodeMismatch
            }
            // The user asked for an MFA method that isn't set up: a request to fix.
            "SoftwareTokenMFANotFoundException" | "MFAMethodNotFoundException" => {
                CognitoErrorKind::InvalidParameter
            }
            "ExpiredCodeException" => CognitoErrorKind::ExpiredCode,
            "TooManyRequestsException" | "ThrottlingException" => CognitoErrorKind::TooManyRequests,
            "LimitExceededException" => CognitoErrorKind::LimitExceeded,
            "TooManyFailedAttemptsException" => CognitoErrorKind::TooManyFailedAttempts,
            "InternalErrorException" | "ServiceUnavailable" | "ServiceUnavailableException" => {
                CognitoErrorKind::Unavailable
            }
            "WebAuthnNotEnabledException" => CognitoErrorKind::Passkey(PasskeyRefusal::NotEnabled),
            "WebAuthnConfigurationMissingException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::NotConfigured)
            }
            "WebAuthnChallengeNotFoundException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::RegistrationNotFound)
            }
            "WebAuthnClientMismatchException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::ClientMismatch)
            }
            "WebAuthnOriginNotAllowedException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::OriginNotAllowed)
            }
            "WebAuthnRelyingPartyMismatchException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::RelyingPartyMismatch)
            }
            "WebAuthnCredentialNotSupportedException" => {
                CognitoErrorKind::Passkey(PasskeyRefusal::NotSupported)
            }
            other => CognitoErrorKind::Other(other.to_owned()),
        }
    }
}

/// A failed Cognito call. `message` is Cognito's own reason, which never echoes submitted
/// secrets; it is shown to the client only for errors the user can act on.
#[derive(Debug, Clone, thiserror::Error)]
#[error("Cognito {operation} failed: {kind}")]
pub struct CognitoError {
    pub operation: &'static str,
    pub kind: CognitoErrorKind,
    pub message: Option<String>,
    pub request_id: Option<String>,
}

impl CognitoError {
    pub fn new(operation: &'static str, kind: CognitoErrorKind) -> Self {
        CognitoError {
            operation,
            kind,
            message: None,
            request_id: None,
        }
    }

    /// Classifies any operation's `SdkError`.
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let request_id = err.request_id().map(str::to_owned);
        let kind = match &err {
            SdkError::TimeoutError(_) => CognitoErrorKind::Timeout,
            SdkError::DispatchFailure(failure) if failure.is_timeout() => CognitoErrorKind::Timeout,
            SdkError::DispatchFailure(_) => CognitoErrorKind::Unavailable,
            SdkError::ResponseError(_) => CognitoErrorKind::Unavailable,
            SdkError::ServiceError(ctx) => {
                let status = ctx.raw().status().as_u16();
                match err.code() {
                    Some(code) => {
                        let kind = CognitoErrorKind::from_code(code);
                        // A 5xx with an unrecognised code is a fault on Cognito's side.
                        if matches!(kind, CognitoErrorKind::Other(_)) && status >= 500 {
                            CognitoErrorKind::Unavailable
                        } else {
                            kind
                        }
                    }
                    None if status >= 500 => CognitoErrorKind::Unavailable,
                    None => CognitoErrorKind::Other(String::new()),
                }
            }
            _ => CognitoErrorKind::Other(String::new()),
        };
        if matches!(
            kind,
            CognitoErrorKind::Other(_) | CognitoErrorKind::Unavailable
        ) {
            // Full context for operators; the SDK's error display carries no request payload.
            tracing::debug!(
                cognito.operation = operation,
                error = %aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&err),
                "cognito error detail"
            );
        }
        CognitoError {
            operation,
            message: err.message().map(str::to_owned),
            kind,
            request_id,
        }
    }

    /// What the client may read.
    pub fn public_detail(&self) -> String {
        use CognitoErrorKind as K;
        let passes_reason = matches!(
            self.kind,
            K::InvalidPassword
                | K::InvalidParameter
                | K::CodeMismatch
                | K::ExpiredCode
                | K::UsernameExists
                | K::AliasExists
                | K::NotAuthorized
                | K::LimitExceeded
                | K::TooManyFailedAttempts
        );
        // A passkey refusal's reason would quote the credential's own clientDataJSON (its
        // origin, say), which the caller wrote: the fixed sentence says enough.
        if passes_reason && let Some(message) = self.message.as_deref().filter(|m| !m.is_empty()) {
            return truncate(message, 300);
        }
        match &self.kind {
            K::UserNotConfirmed => "The user has not confirmed the sign-up yet.".into(),
            K::PasswordResetRequired => "The user must reset the password.".into(),
            K::UserNotFound => "No such user.".into(),
            K::TooManyRequests => "Too many requests; try again later.".into(),
            K::SessionExpired => {
                "The sign-in challenge has expired or was already answered; sign in again.".into()
            }
            K::EmailMfaUnavailable => "The user pool does not offer email MFA: it needs an \
                                       email MFA configuration, with MFA optional or on."
                .into(),
            K::NoEmailAddress => {
                "The account has no email address to send codes to; add one first.".into()
            }
            K::EmailUnverified => "The account's email address is not verified; verify it \
                                   first, so the codes reach the user."
                .into(),
            K::Timeout => "Cognito did not answer in time.".into(),
            K::Unavailable => "Cognito is unavailable; try again later.".into(),
            K::Other(_) => "Cognito answered with an unexpected error.".into(),
            K::Passkey(refusal) => refusal.sentence().into(),
            kind => format!("Cognito refused the request ({kind})."),
        }
    }
}

impl PasskeyRefusal {
    /// What the client reads when Cognito gave no reason of use.
    fn sentence(self) -> &'static str {
        use PasskeyRefusal as P;
        match self {
            P::NotEnabled => "The user pool does not allow passkeys.",
            P::NotConfigured => {
                "The user pool has no passkey relying party (WebAuthnConfiguration or a domain)."
            }
            P::RegistrationNotFound => {
                "No passkey registration waits for this credential (none started, expired, \
                 already answered, or another challenge); start again with POST /me/passkeys."
            }
            P::ClientMismatch => {
                "The passkey registration was started through another app client; start again."
            }
            P::OriginNotAllowed => {
                "The passkey was made on a page the relying party doesn't cover."
            }
            P::RelyingPartyMismatch => "The passkey is not for the user pool's relying party.",
            P::NotSupported => "The passkey's algorithm or attestation is not supported.",
            P::Rejected => "Cognito refused the passkey registration.",
            P::LimitReached => "The user has as many passkeys as the user pool keeps.",
        }
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_cognito_codes() {
        assert_eq!(
            CognitoErrorKind::from_code("NotAuthorizedException"),
            CognitoErrorKind::NotAuthorized
        );
        assert_eq!(
            CognitoErrorKind::from_code("ExpiredCodeException"),
            CognitoErrorKind::ExpiredCode
        );
        assert_eq!(
            CognitoErrorKind::from_code("TooManyFailedAttemptsException"),
            CognitoErrorKind::TooManyFailedAttempts
        );
        assert_eq!(
            CognitoErrorKind::from_code("EnableSoftwareTokenMFAException"),
            CognitoErrorKind::CodeMismatch
        );
        assert_eq!(
            CognitoErrorKind::from_code("WebAuthnOriginNotAllowedException"),
            CognitoErrorKind::Passkey(PasskeyRefusal::OriginNotAllowed)
        );
        assert_eq!(
            CognitoErrorKind::from_code("Weird"),
            CognitoErrorKind::Other("Weird".into())
        );
    }

    #[test]
    fn hides_reasons_of_unexpected_errors() {
        let mut err = CognitoError::new("InitiateAuth", CognitoErrorKind::Other("X".into()));
        err.message = Some("internal stack trace".into());
        assert!(!err.public_detail().contains("stack"));
    }
}
