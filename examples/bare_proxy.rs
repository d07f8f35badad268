//! The token handler's floor for `benches/sessions.sh`: the same axum, tokio and hyper client
//! as cognito-bff, forwarding every request to one upstream with a fixed `Authorization`
//! attached and streaming the answer back, and doing nothing else (no session, no header
//! rules, no limits, no metrics). Whatever `/api/…` costs above this (with `--workers`,
//! below) is the price of the service's own work.
//!
//! With `--workers`, it serves as cognito-bff does, on one single-threaded runtime per CPU
//! (`cognito_bff::workers`), each with its own pool of upstream connections; without, as
//! `axum::serve` does, on tokio's shared runtime with one pool.
//!
//! Usage: bare_proxy [--workers] UPSTREAM TOKEN [ADDR]   (default 127.0.0.1:0; prints the
//! bound address)

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::serve::ListenerExt;
use cognito_bff::workers::Workers;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone)]
struct Proxy {
    client: Client<HttpConnector, Body>,
    upstream: String,
    authorization: HeaderValue,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let on_workers = args
        .iter()
        .position(|a| a == "--workers")
        .map(|at| args.remove(at));
    let mut args = args.into_iter();
    let (Some(upstream), Some(token)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_proxy [--workers] UPSTREAM TOKEN [ADDR]");
        std::process::exit(2);
    };
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    let proxy = Proxy {
        client: Client::builder(TokioExecutor::new()).build(http.clone()),
        upstream: upstream.trim_end_matches('/').to_owned(),
        authorization: HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(std::io::Error::other)?,
    };
    let mut listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("{}", listener.local_addr()?);
    let app = |proxy: Proxy| {
        Router::new()
            .route("/", any(forward))
            .route("/{*path}", any(forward))
            .with_state(proxy)
    };
    if on_workers.is_some() {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Each worker with a pool of its own, as the service's.
        let mut workers = Workers::start(cpus, || {
            app(Proxy {
                client: Client::builder(TokioExecutor::new()).build(http.clone()),
                ..proxy.clone()
            })
        })?;
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        workers.take_from(&mut listener, stop).await;
        return Ok(());
    }
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = app(proxy);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

async fn forward(State(proxy): State<Proxy>, mut request: Request) -> Response {
    let path = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let Ok(uri) = format!("{}{path}", proxy.upstream).parse::<Uri>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *request.uri_mut() = uri;
    request
        .headers_mut()
        .insert(AUTHORIZATION, proxy.authorization.clone());
    match proxy.client.request(request).await {
        Ok(answer) => answer.map(Body::new),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}
