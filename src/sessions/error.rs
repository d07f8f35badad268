//! How keeping a browser session can fail, in the sessions' own words; the edge answers each
//! as a problem.

use crate::cognito::CognitoError;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The id names no live session: never one, ended, expired, or signed out.
    #[error("no live session; sign in")]
    NoSession,
    /// Another request holds the session's refresh lease past the wait.
    #[error("the session's tokens are being refreshed by another request; try again")]
    Busy,
    /// Sealed under a key this replica lacks.
    #[error("the session can't be read by this server right now; try again")]
    Unreadable,
    /// Tokens traded from a refresh token whose sign-in was ended here.
    #[error("the refresh token is not valid; sign in again")]
    InvalidRefreshToken,
    /// A refreshed access token the verifier refuses (its code says why): the caller's
    /// token is no good.
    #[error("a refreshed access token does not verify: {0}")]
    TokenRefused(&'static str),
    /// A sign-in's access token the verifier refuses: the service, not the caller, is at
    /// fault.
    #[error("a new sign-in's access token does not verify: {0}")]
    NewTokenRefused(&'static str),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("no randomness for a session id")]
    Random(#[from] getrandom::Error),
    #[error("{0}")]
    Internal(&'static str),
}
