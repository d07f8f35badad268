//! Another service checking the access tokens cognito-bff hands out, with the verifier alone
//! (no AWS SDK, no database):
//!
//! ```sh
//! cargo run -p cognito-verifier --example protected_service -- <user-pool-id> <client-id>
//! curl -H "Authorization: Bearer $ACCESS_TOKEN" http://127.0.0.1:3000/orders
//! ```
//!
//! For a local emulator, set `COGNITO_JWKS_URL` to its JWKS (the issuer stays the AWS form).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use cognito_verifier::{AuthUser, RequireAccessTokenLayer, Verifier, VerifierConfig};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(pool_id), Some(client_id)) = (args.next(), args.next()) else {
        eprintln!("usage: protected_service <user-pool-id> <client-id>");
        std::process::exit(2);
    };
    let mut config = VerifierConfig::for_pool(&pool_id, vec![client_id]);
    if let Ok(url) = std::env::var("COGNITO_JWKS_URL") {
        config.jwks_url = url;
    }
    let verifier = Arc::new(Verifier::new(config));
    // Load the keys up front; an unknown kid also triggers a (rate-limited) fetch.
    if let Err(e) = verifier.keys().refresh().await {
        eprintln!("warning: JWKS not loaded yet: {e}");
    }

    let app = Router::new()
        .route("/orders", get(orders))
        .layer(RequireAccessTokenLayer::new(verifier));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await
}

/// Only runs for a valid access token; the claims are already verified.
async fn orders(AuthUser(claims): AuthUser) -> String {
    format!(
        "orders of {} (groups: {})\n",
        claims.username.as_deref().unwrap_or(&claims.sub),
        claims.groups.join(",")
    )
}
