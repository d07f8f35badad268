//! The service's vocabulary: the words every layer shares, in modules that import nothing of
//! the service, so anything may use them without pulling the rest in.

pub mod amr;
pub mod auth_flow;
pub mod delivery;
pub mod id;
pub mod next_step;
pub mod seal;

pub use amr::Amr;
pub use auth_flow::{AuthFlow, FirstFactor};
pub use delivery::{Delivery, TokenDelivery};
pub use id::{ChallengeId, CredentialId, DeviceId, DeviceKey, FlowId, IdHash, OpaqueId, SessionId};
pub use next_step::NextStep;
pub use seal::SessionCipher;
