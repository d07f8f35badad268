//! The state every handler can reach, built once at start-up. Extractors take the parts they
//! need through `FromRef`, so they don't depend on this type.

use std::sync::Arc;

use axum::extract::FromRef;
use cognito_verifier::Verifier;
use sqlx::AnyPool;

use crate::boundary::Boundary;
use crate::challenge::ChallengeStore;
use crate::cognito::Cognito;
use crate::config::Config;
use crate::failure_floor::FailureFloor;
use crate::limits::Limits;
use crate::revocation::{RefreshIndex, RevocationList};
use crate::sessions::BrowserSessions;
use crate::shutdown::Draining;
use crate::signin::SignIn;
use crate::upstreams::Upstreams;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub config: Arc<Config>,
    pub cognito: Cognito,
    pub signin: SignIn,
    pub sessions: BrowserSessions,
    /// The session boundary: every signed-in request is read there, every sign-in ends there.
    pub boundary: Arc<Boundary>,
    pub upstreams: Upstreams,
    pub store: ChallengeStore,
    pub verifier: Arc<Verifier>,
    pub revocations: Arc<RevocationList>,
    pub refresh_tokens: Arc<RefreshIndex>,
    pub limits: Arc<Limits>,
    pub floor: FailureFloor,
    pub db: AnyPool,
    /// Set on the first shutdown signal; `/readyz` and every answer read it.
    pub draining: Draining,
}

/// What the token handler (`/api/{name}/…`) needs, and no more: every browser call to an API
/// comes through it, and each call clones its state (three pointers here).
#[derive(Clone, FromRef)]
pub struct TokenHandler {
    pub boundary: Arc<Boundary>,
    pub upstreams: Arc<Upstreams>,
    /// Who the client is, behind TRUSTED_PROXIES (`ClientIp`).
    pub limits: Arc<Limits>,
}
