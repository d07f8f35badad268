//! Graceful shutdown of the real binary: SIGTERM lets in-flight requests finish, within
//! SHUTDOWN_TIMEOUT, and the process exits 0.

mod support;

use std::sync::Arc;

use serde_json::{Value, json};
use support::binary::{Binary, Running, free_port};
use support::*;

struct Server {
    process: Running,
    base: String,
}

async fn serve(
    pool: &UserPool,
    proxy: &Proxy,
    shutdown_timeout: &str,
    dir: &std::path::Path,
) -> Server {
    let port = free_port();
    let mut process = Binary::serve(dir)
        .pool(pool, &proxy.endpoint)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("SHUTDOWN_TIMEOUT", shutdown_timeout)
        .env("LOGIN_FAILURE_FLOOR_MS", "0")
        .spawn();
    process.wait_for("listening", says("listening")).await;
    Server {
        process,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// Accepts a log line whose message starts with `message`.
fn says(message: &str) -> impl Fn(&Value) -> bool + '_ {
    move |event| {
        event["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(message))
    }
}

/// The admin's sign-in, sent now and answered whenever the server gets to it.
fn sign_in_in_background(
    server: &Server,
) -> tokio::task::JoinHandle<reqwest::Result<reqwest::Response>> {
    let url = format!("{}/login", server.base);
    tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .json(&json!({"username": ADMIN, "password": ADMIN_PASSWORD}))
            .send()
            .await
    })
}

async fn setup() -> (UserPool, Proxy, tempfile::TempDir) {
    let moto = Moto::shared();
    let pool = UserPool::create(&moto.endpoint, true, false).await;
    pool.create_user(ADMIN, ADMIN_PASSWORD).await;
    let proxy = Proxy::start(&moto.endpoint).await;
    (pool, proxy, tempfile::tempdir().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_an_in_flight_sign_in_finish_and_exits_zero() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "20", dir.path()).await;

    let cognito_released = Arc::new(tokio::sync::Semaphore::new(0));
    proxy.fail("InitiateAuth", Reply::Gate(cognito_released.clone()), 1);
    let login = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;

    server.process.sigterm().await;
    server
        .process
        .wait_for("shutdown signal received", says("shutdown signal received"))
        .await;
    cognito_released.add_permits(1);

    let response = login
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");
    let status = server.process.wait().await;
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_that_outlasts_the_shutdown_timeout_does_not_hold_the_process() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "1", dir.path()).await;
    proxy.fail("InitiateAuth", Reply::Hang, 1);
    let _stuck = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;

    server.process.sigterm().await;
    server
        .process
        .wait_for("shutdown timeout", says("shutdown timeout"))
        .await;
    let status = server.process.wait().await;
    assert_eq!(status.code(), Some(0));
}
