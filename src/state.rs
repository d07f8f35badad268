//! The state every handler can reach, built once at start-up.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::AnyPool;

use crate::auth::Verifier;
use crate::challenge::CookieSettings;
use crate::cognito::Cognito;
use crate::config::Config;
use crate::signin::SignIn;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub cognito: Cognito,
    pub signin: SignIn,
    pub verifier: Arc<Verifier>,
    pub cookies: CookieSettings,
    pub db: AnyPool,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}
