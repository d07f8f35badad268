//! The ceiling for `benches/load.sh`: the same axum and tokio as cognito-bff, answering every
//! request with an empty 200 and checking nothing. Whatever `/verify` costs above this (with
//! `--workers`, below) is the price of the service's own work. It sets TCP_NODELAY on its
//! connections and uses the service's allocator, as the service does.
//!
//! `/echo` answers as `/verify` does, checking nothing: the request's `Authorization` handed
//! back, five `x-auth-*` headers and an `x-request-id` of the sizes `/verify` gives the
//! benchmarks' tokens (`benches/sessions.sh`). What `/verify` costs above that is the price of
//! its own work; what that costs above the empty 200 is the price of its answer.
//!
//! With `--workers`, it serves as cognito-bff does, on one single-threaded runtime per CPU
//! (`cognito_bff::workers`); without, as `axum::serve` does, on tokio's shared runtime: the
//! bare axum handler the benchmarks' goals are measured against.
//!
//! Usage: bare_ceiling [--workers] [ADDR]   (default 127.0.0.1:0; prints the bound address)

use axum::Router;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::routing::any;
use axum::serve::ListenerExt;
use cognito_bff::workers::Workers;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let on_workers = args
        .iter()
        .position(|a| a == "--workers")
        .map(|at| args.remove(at));
    let addr = args.pop().unwrap_or_else(|| "127.0.0.1:0".into());
    let mut listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("{}", listener.local_addr()?);
    let app = Router::new()
        .route("/", any(ok))
        .route("/echo", any(echo))
        .route("/{*path}", any(ok));
    if on_workers.is_some() {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut workers = Workers::start(cpus, || app.clone())?;
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        workers.take_from(&mut listener, stop).await;
        return Ok(());
    }
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

/// What `/verify` adds to the token for the benchmarks' tokens: the identity (a UUID `sub`, a
/// username of a prefix and six digits, one group, Cognito's scope, a client id of 26
/// characters) and a request id.
const IDENTITY: [(&str, &str); 6] = [
    ("x-auth-sub", "7c9e6679-7425-40de-944b-e07fc1f90ae7"),
    ("x-auth-username", "load-004242"),
    ("x-auth-groups", "admins"),
    ("x-auth-scope", "aws.cognito.signin.user.admin"),
    ("x-auth-client-id", "5n2rc3l1kq0gq7mvd0h3sft4ab"),
    ("x-request-id", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
];

async fn echo(headers: HeaderMap) -> (StatusCode, HeaderMap) {
    let mut answer = HeaderMap::with_capacity(IDENTITY.len() + 1);
    if let Some(authorization) = headers.get(AUTHORIZATION) {
        answer.insert(AUTHORIZATION, authorization.clone());
    }
    for (name, value) in IDENTITY {
        answer.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    (StatusCode::OK, answer)
}
