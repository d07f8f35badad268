//! Probes: `/healthz` says the process is alive, `/readyz` whether it can serve.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::state::AppState;

#[derive(Serialize)]
pub struct Health {
    status: &'static str,
}

pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Serialize)]
pub struct Readiness {
    status: &'static str,
    checks: Checks,
}

#[derive(Serialize)]
pub struct Checks {
    database: &'static str,
    jwks: &'static str,
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = sqlx::query("SELECT 1").execute(&state.db).await.is_ok();
    let jwks = state.verifier.keys().is_loaded();
    let checks = Checks {
        database: if database { "ok" } else { "unavailable" },
        jwks: if jwks { "ok" } else { "not_loaded" },
    };
    // A stopping replica still serves, but load balancers should send it nothing new.
    if state.draining.is_on() {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                status: "draining",
                checks,
            }),
        )
    } else if database && jwks {
        (
            StatusCode::OK,
            Json(Readiness {
                status: "ready",
                checks,
            }),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                status: "not_ready",
                checks,
            }),
        )
    }
}

/// Prometheus text exposition of this process's metrics. The store sizes are read at scrape
/// time, so they are never stale.
pub async fn metrics(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    if let Ok(pending) = state.store.count().await {
        crate::prometheus::store_sizes(pending, state.revocations.len());
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::prometheus::handle().render(),
    )
}

/// The API contract, as shipped with this build.
pub async fn openapi(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/yaml")],
        contract(&state.config.http.base_path),
    )
}

const CONTRACT: &str = include_str!("../../openapi.yaml");
const LOCAL_SERVER: &str = "servers:\n  - url: http://localhost:8080\n    description: Local development (scripts/dev.sh)\n";

/// The contract as served: under BASE_PATH, its one server is that path, on whatever origin
/// the document was fetched from.
fn contract(base: &str) -> std::borrow::Cow<'static, str> {
    if base.is_empty() {
        return CONTRACT.into();
    }
    CONTRACT
        .replacen(
            LOCAL_SERVER,
            &format!("servers:\n  - url: {base}\n    description: This service, below BASE_PATH\n"),
            1,
        )
        .into()
}

#[cfg(test)]
mod contract_tests {
    #[test]
    fn under_a_base_path_the_contract_names_it_as_its_server() {
        assert!(super::CONTRACT.contains(super::LOCAL_SERVER));
        let served = super::contract("/auth");
        assert!(served.contains("servers:\n  - url: /auth\n"));
        assert!(!served.contains("localhost:8080"));
        assert_eq!(super::contract(""), super::CONTRACT);
    }
}
