//! `OAuthError`: how a federated sign-in can fail. None of them carries what the provider or
//! the pool wrote: a provider's `error_description` is never shown, and its `error` only as
//! one of the names RFC 6749 defines, for the log.

use crate::input::InvalidInput;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// `provider` is not one of FEDERATED_PROVIDERS.
    #[error("unknown identity provider")]
    UnknownProvider,
    /// No flow cookie, a flow unknown, expired or already used, or a `state` that isn't the
    /// flow's: the callback doesn't belong to a sign-in this browser started.
    #[error("no federated sign-in under way matches this callback")]
    StateInvalid,
    /// The flow was sealed under a key this process doesn't have.
    #[error("the federated sign-in's record can't be read")]
    Unreadable,
    /// The provider (or the user, there) said no: `error=access_denied`.
    #[error("the identity provider refused the sign-in")]
    Denied,
    /// Any other `error` the callback brought, by its RFC 6749 name (or `other`).
    #[error("the identity provider answered {0}")]
    Provider(&'static str),
    /// The token endpoint refused the code: already used, expired, or issued for another
    /// sign-in (the PKCE verifier doesn't match).
    #[error("the authorization code was refused")]
    CodeRejected,
    /// The token endpoint refused this service as a client: a misconfiguration.
    #[error("the pool's token endpoint refused the client")]
    ClientRefused,
    /// A token that failed a check, by the check's name.
    #[error("a token failed the check {0}")]
    TokenInvalid(&'static str),
    /// The pool's domain could not be reached, or answered with something unreadable.
    #[error("the pool's domain is unavailable")]
    Unavailable,
    #[error("the pool's domain did not answer in time")]
    Timeout,
    /// As many flows are under way as the table holds.
    #[error("too many federated sign-ins under way")]
    Busy,
    #[error(transparent)]
    Input(#[from] InvalidInput),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("no randomness: {0}")]
    Random(#[from] getrandom::Error),
}
