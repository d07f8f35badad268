//! How a sign-in step can fail, in the flow's own words; the edge answers each as a problem.

use crate::attributes::AttributeError;
use crate::cognito::CognitoError;
use crate::input::InvalidInput;
use crate::limits::Limited;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// The account is missing or the password wrong: never told apart.
    #[error("incorrect username or password")]
    InvalidCredentials,
    #[error("more than one challenge cookie arrived; sign in again")]
    DuplicateChallengeCookie,
    #[error("the sign-in challenge has expired or was already answered; sign in again")]
    ChallengeExpired,
    #[error("the pending challenge is {pending}, not {given}")]
    ChallengeMismatch { pending: String, given: String },
    #[error("this challenge is being answered by another request")]
    ChallengeInProgress,
    #[error("the pending challenge can't be read by this server right now; try again")]
    ChallengeUnreadable,
    /// Cognito refused the device a sign-in named (its proof, or the device is gone): the
    /// device is dropped, and the sign-in starts over as from a new one.
    #[error("the remembered device could not be proven; sign in again")]
    DeviceNotProven,
    #[error("Cognito asked for a challenge this service does not handle: {name}")]
    UnsupportedChallenge { name: String },
    #[error(transparent)]
    Input(#[from] InvalidInput),
    #[error(transparent)]
    Attribute(#[from] AttributeError),
    #[error(transparent)]
    Limited(#[from] Limited),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("no randomness for a challenge id")]
    Random(#[from] getrandom::Error),
}
