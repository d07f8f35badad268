//! Graceful shutdown of the real binary: SIGTERM lets in-flight requests finish, within
//! SHUTDOWN_TIMEOUT, and the process exits 0.

mod support;

use std::process::Stdio;
use std::sync::Arc;

use serde_json::json;
use support::*;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

struct Server {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn serve(
    pool: &Pool,
    proxy: &Proxy,
    shutdown_timeout: &str,
    dir: &std::path::Path,
) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-bff"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("COGNITO_USER_POOL_ID", &pool.pool_id)
        .env("COGNITO_CLIENT_ID", &pool.client_id)
        .env(
            "COGNITO_CLIENT_SECRET",
            pool.client_secret.as_deref().unwrap(),
        )
        .env("COGNITO_ENDPOINT", &proxy.endpoint)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("COOKIE_SECURE", "false")
        .env("SHUTDOWN_TIMEOUT", shutdown_timeout)
        .env("LOGIN_FAILURE_FLOOR_MS", "0")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the binary");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    wait_for_line(&mut lines, "listening").await;
    Server {
        child,
        lines,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// Reads log lines until one carries `message`; fails if the output ends first.
async fn wait_for_line(lines: &mut Lines<BufReader<ChildStdout>>, message: &str) -> String {
    let wanted = format!("\"message\":\"{message}");
    while let Some(line) = lines.next_line().await.expect("read the log") {
        if line.contains(&wanted) {
            return line;
        }
    }
    panic!("the server's output ended before {message:?}");
}

async fn terminate(server: &Server) {
    let pid = server.child.id().expect("running").to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
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

async fn setup() -> (Pool, Proxy, tempfile::TempDir) {
    let moto = Moto::shared();
    let pool = Pool::create(&moto.endpoint, true, false).await;
    pool.create_user(ADMIN, ADMIN_PASSWORD).await;
    let proxy = Proxy::start(&moto.endpoint).await;
    (pool, proxy, tempfile::tempdir().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_an_in_flight_sign_in_finish_and_exits_zero() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "20", dir.path()).await;

    let cognito_released = Arc::new(tokio::sync::Semaphore::new(0));
    proxy.fail("InitiateAuth", Fault::Gate(cognito_released.clone()), 1);
    let login = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;

    terminate(&server).await;
    wait_for_line(&mut server.lines, "shutdown signal received").await;
    cognito_released.add_permits(1);

    let response = login
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "authenticated");
    let status = server.child.wait().await.unwrap();
    assert_eq!(status.code(), Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_that_outlasts_the_shutdown_timeout_does_not_hold_the_process() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "1", dir.path()).await;
    proxy.fail("InitiateAuth", Fault::Hang, 1);
    let _stuck = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;

    terminate(&server).await;
    wait_for_line(&mut server.lines, "shutdown timeout").await;
    let status = server.child.wait().await.unwrap();
    assert_eq!(status.code(), Some(0));
}
