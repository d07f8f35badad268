//! Server-side sign-in challenges: the opaque id, its cookie, and the shared store.

pub mod cipher;
pub mod cookie;
pub mod id;
pub mod store;

pub use cipher::SessionCipher;
pub use cookie::{CookieSettings, DuplicateCookie};
pub use id::{ChallengeId, IdHash};
pub use store::{Attempt, ChallengeStore, Claim, Lease, NewChallenge, Pending};
