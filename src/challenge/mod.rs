//! Server-side sign-in challenges: the opaque id and the shared store (the cookie is in
//! `cookies`).

pub mod cipher;
pub mod id;
pub mod store;

pub use cipher::SessionCipher;
pub use id::{ChallengeId, IdHash};
pub use store::{Attempt, ChallengeStore, Claim, Lease, NewChallenge, Pending};
