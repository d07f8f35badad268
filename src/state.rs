//! The state every handler can reach, built once at start-up.

use std::sync::Arc;

use sqlx::AnyPool;

use crate::auth::Verifier;
use crate::challenge::{ChallengeStore, CookieSettings};
use crate::cognito::Cognito;
use crate::config::Config;
use crate::limits::Limits;
use crate::revocation::{RefreshIndex, RevocationList};
use crate::signin::SignIn;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub cognito: Cognito,
    pub signin: SignIn,
    pub store: ChallengeStore,
    pub verifier: Arc<Verifier>,
    pub revocations: Arc<RevocationList>,
    pub refresh_tokens: Arc<RefreshIndex>,
    pub limits: Arc<Limits>,
    pub cookies: CookieSettings,
    pub db: AnyPool,
}
