//! The ceiling for `benches/load.sh`: the same axum and tokio as cognito-bff on a
//! multi-threaded runtime, answering every request with an empty 200 and checking nothing.
//! Whatever `/verify` costs above this is the price of the service's own work. It sets
//! TCP_NODELAY on its connections and uses the service's allocator, as the service does.
//!
//! Usage: bare_ceiling [ADDR]   (default 127.0.0.1:0; prints the bound address on stdout)

use axum::Router;
use axum::http::StatusCode;
use axum::routing::any;
use axum::serve::ListenerExt;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("{}", listener.local_addr()?);
    let app = Router::new().route("/", any(ok)).route("/{*path}", any(ok));
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

async fn ok() -> StatusCode {
    StatusCode::OK
}
