//! Every extractor the routes use, in one place: a handler that names one in its arguments
//! gets what it says, or the request is refused before the handler runs.
//!
//! - [`ApiJson`], [`OptionalJson`]: the body, as JSON.
//! - [`IpLimitedClient`]: the caller's address, counted against the per-IP limit.
//! - [`ClientIp`]: the caller's address, not counted.
//! - [`UserContext`]: what Cognito's threat protection learns of the caller.
//! - [`Caller`]: a verified access token (or a browser session's), counted against the
//!   per-user limit.
//! - [`RecentCaller`]: a [`Caller`] who signed in within RECENT_SIGN_IN_SECONDS.
//! - [`PathId`]: a route's one path parameter.
//! - [`PathCredentialId`]: a passkey's credential id in the path.
//! - [`SessionAsked`]: the request asks for a browser session (`X-Token-Delivery`).
//! - [`Admin`]: a verified access token of a member of ADMIN_GROUP.
//!
//! They are generic over the router's state (`FromRef`), so none of them depends on it.

mod bearer;
mod client;
mod context;
mod delivery;
mod json;
mod path;

pub use crate::boundary::Caller;
pub use bearer::{Admin, RecentCaller};
pub use client::{ClientIp, IpLimitedClient};
pub use context::{USER_CONTEXT_DATA, UserContext};
pub use delivery::SessionAsked;
pub use json::{ApiJson, BODY_LIMIT, OptionalJson, parse};
pub use path::{PathCredentialId, PathId};
