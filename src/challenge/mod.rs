//! Server-side sign-in challenges: the shared store (the id is in `vocab::id`, the cookie in
//! `cookies`).

pub mod store;

pub use store::{Attempt, ChallengeStore, Claim, Lease, NewChallenge, Pending};
