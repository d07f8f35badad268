//! Stopping the real binary: the first SIGTERM drains (`/readyz` answers 503 while requests
//! are still served, each answer with `Connection: close`), then the listener closes,
//! in-flight requests get SHUTDOWN_TIMEOUT, and the process exits 0. A second signal ends
//! the drain early, and one more the requests. However the stop ends, the replica gives its
//! session cache lease back (here the database always answers in time).

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use support::binary::{Binary, Running};
use support::*;

struct Server {
    process: Running,
    /// host:port it listens on.
    addr: String,
    client: Client,
}

async fn serve(
    pool: &UserPool,
    proxy: &Proxy,
    drain: &str,
    shutdown_timeout: &str,
    dir: &std::path::Path,
) -> Server {
    let port = free_port();
    let mut process = Binary::serve(dir)
        .pool(pool, &proxy.endpoint)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("SHUTDOWN_DRAIN_SECONDS", drain)
        .env("SHUTDOWN_TIMEOUT", shutdown_timeout)
        .env("LOGIN_FAILURE_FLOOR_MS", "0")
        .spawn();
    process.wait_for("listening", says("listening")).await;
    let addr = format!("127.0.0.1:{port}");
    Server {
        process,
        client: Client::new(format!("http://{addr}")),
        addr,
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
fn sign_in_in_background(server: &Server) -> tokio::task::JoinHandle<reqwest::Result<Response>> {
    let client = server.client.clone();
    tokio::spawn(async move {
        let login = client
            .http
            .post(client.url("/login"))
            .json(&json!({"username": ADMIN, "password": ADMIN_PASSWORD}));
        // Some are never answered: the process exits first.
        client.try_send(login).await
    })
}

async fn setup() -> (UserPool, Proxy, tempfile::TempDir) {
    let moto = Moto::shared();
    let pool = UserPool::create(&moto.endpoint, true, false).await;
    pool.create_user(ADMIN, ADMIN_PASSWORD).await;
    let proxy = Proxy::start(&moto.endpoint).await;
    (pool, proxy, tempfile::tempdir().unwrap())
}

/// The messages this process logged, in order.
fn messages(server: &Server) -> Vec<String> {
    server
        .process
        .stdout()
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|event| event["message"].as_str().map(str::to_owned))
        .collect()
}

/// The messages this process logged, in order, once it has checked that none says the
/// listener could not refuse new connections before closing.
fn phases(server: &Server) -> Vec<String> {
    let phases = messages(server);
    assert!(
        !phases
            .iter()
            .any(|m| m.starts_with("cannot refuse new connections")),
        "{phases:#?}"
    );
    phases
}

/// The position of the first message starting with `prefix`, or a failure naming them all.
fn logged(phases: &[String], prefix: &str) -> usize {
    phases
        .iter()
        .position(|m| m.starts_with(prefix))
        .unwrap_or_else(|| panic!("no \"{prefix}\" among the logged messages: {phases:#?}"))
}

/// `/readyz` once it answers 200: the signing keys load just after the port opens.
async fn ready(server: &Server) -> Response {
    let deadline = tokio::time::Instant::now() + support::binary::WAIT;
    loop {
        let answer = server.client.get("/readyz").await;
        if answer.status == 200 {
            return answer;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not ready within {:?}: {}",
            support::binary::WAIT,
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How many replicas hold a session-cache lease in the store in `dir`: each running replica
/// holds one, renewed every second, and gives it back as it stops, so that a sign-out on
/// another replica need not wait for it to run out.
async fn leases(dir: &std::path::Path) -> i64 {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{Connection, Row};
    let options = SqliteConnectOptions::new()
        .filename(dir.join("cognito-bff.db"))
        .read_only(true);
    let mut store = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let count = sqlx::query("SELECT COUNT(*) AS n FROM session_replicas")
        .fetch_one(&mut store)
        .await
        .unwrap()
        .get("n");
    store.close().await.unwrap();
    count
}

fn connection(response: &Response) -> Option<&str> {
    response
        .headers
        .get("connection")
        .and_then(|v| v.to_str().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn on_sigterm_readyz_says_draining_while_sign_ins_are_still_served() {
    let (pool, proxy, dir) = setup().await;
    // A drain far longer than the test: only the second signal can end it.
    let mut server = serve(&pool, &proxy, "3600", "20", dir.path()).await;
    let ready = ready(&server).await;
    assert_eq!(connection(&ready), None, "keep-alive before the signal");

    server.process.sigterm().await;
    server
        .process
        .wait_for("the drain", says("shutdown signal received"))
        .await;

    // Load balancers are told to stop sending; the replica still answers everything.
    let ready = server.client.get("/readyz").await;
    assert_eq!(ready.status, 503);
    assert_eq!(connection(&ready), Some("close"));
    assert_eq!(ready.body["status"], "draining");
    assert_eq!(ready.body["checks"]["database"], "ok");

    let login = server.client.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(login.status, 200);
    assert_eq!(connection(&login), Some("close"), "no connection is reused");
    assert_eq!(login.body["status"], "authenticated");
    // The gateways' /verify and the token handler, which carry layers of their own, too.
    let verified = server
        .client
        .get_with_bearer("/verify", &login.access_token())
        .await;
    assert_eq!(verified.status, 200);
    assert_eq!(connection(&verified), Some("close"));
    let proxied = server.client.get("/api/orders/").await;
    proxied.assert_problem(401, "no_session");
    assert_eq!(connection(&proxied), Some("close"));
    let health = server.client.get("/healthz").await;
    assert_eq!(health.status, 200, "the process is alive while it drains");

    // The second signal cuts the drain short; the listener closes; the process exits 0.
    server.process.sigterm().await;
    let status = server.process.wait().await;
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    let signal = logged(&phases, "shutdown signal received");
    let cut = logged(&phases, "second shutdown signal");
    let closed = logged(&phases, "listener closed");
    let stopped = logged(&phases, "stopped");
    assert!(
        signal < cut && cut < closed && closed < stopped,
        "{phases:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_in_flight_when_the_signal_arrives_completes_after_the_listener_closes() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "1", "20", dir.path()).await;

    let cognito_released = Arc::new(tokio::sync::Semaphore::new(0));
    proxy.fail("InitiateAuth", Reply::Gate(cognito_released.clone()), 1);
    let login = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;

    server.process.sigterm().await;
    // The drain runs its course and the listener closes, with the sign-in still waiting.
    server
        .process
        .wait_for("the listener closing", says("listener closed"))
        .await;
    // Closed means closed: a new connection is refused (its SYN may first go unanswered
    // for a second, while the filter still stands).
    let late = tokio::time::timeout(
        support::binary::WAIT,
        tokio::net::TcpStream::connect(&server.addr),
    )
    .await
    .expect("a connection attempt after the close is answered");
    assert_eq!(
        late.map(|_| ()).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    cognito_released.add_permits(1);

    let response = login
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(response.status, 200);
    assert_eq!(connection(&response), Some("close"));
    assert_eq!(response.body["status"], "authenticated");
    let status = server.process.wait().await;
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    assert!(logged(&phases, "drain over") < logged(&phases, "listener closed"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_that_outlasts_the_drain_and_the_timeout_does_not_hold_the_process() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "1", "3", dir.path()).await;
    proxy.fail("InitiateAuth", Reply::Hang, 1);
    let _stuck = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;
    assert_eq!(leases(dir.path()).await, 1);

    let signalled = std::time::Instant::now();
    server.process.sigterm().await;
    let status = server.process.wait().await;
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    assert!(
        logged(&phases, "drain over") < logged(&phases, "listener closed")
            && logged(&phases, "listener closed") < logged(&phases, "shutdown timeout"),
        "{phases:#?}"
    );
    // One second of drain and three of timeout, each timed by the process itself; the
    // bound leaves room for a loaded machine but not for another phase.
    assert!(took >= Duration::from_secs(4), "exited after {took:?}");
    assert!(took < Duration::from_secs(10), "exited only after {took:?}");
    // The request it dropped did not keep its lease from going back.
    assert_eq!(leases(dir.path()).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_finishes_its_request_does_not_keep_the_lease_from_going_back() {
    use tokio::io::AsyncWriteExt;
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "0", "3", dir.path()).await;
    ready(&server).await;
    // Half a request: the server waits for the rest, as for any slow client.
    let mut slow = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    slow.write_all(b"GET /readyz HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    assert_eq!(leases(dir.path()).await, 1);

    let status = server.process.terminate().await;
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    assert!(
        logged(&phases, "listener closed") < logged(&phases, "shutdown timeout")
            && logged(&phases, "shutdown timeout") < logged(&phases, "stopped"),
        "{phases:#?}"
    );
    assert_eq!(leases(dir.path()).await, 0);
    drop(slow);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_more_signal_while_requests_finish_exits_at_once() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "0", "3600", dir.path()).await;
    proxy.fail("InitiateAuth", Reply::Hang, 1);
    let _stuck = sign_in_in_background(&server);
    proxy.wait_for("InitiateAuth", 1).await;
    assert_eq!(leases(dir.path()).await, 1);

    server.process.sigterm().await;
    server
        .process
        .wait_for("the listener closing", says("listener closed"))
        .await;
    server.process.sigterm().await;
    let status = server.process.wait().await;
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    assert!(logged(&phases, "listener closed") < logged(&phases, "another shutdown signal"));
    assert_eq!(leases(dir.path()).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_drain_the_first_signal_closes_the_listener_at_once() {
    let (pool, proxy, dir) = setup().await;
    let mut server = serve(&pool, &proxy, "0", "20", dir.path()).await;
    ready(&server).await;
    assert_eq!(leases(dir.path()).await, 1);
    let status = server.process.terminate().await;
    assert_eq!(status.code(), Some(0));
    let phases = phases(&server);
    assert!(logged(&phases, "shutdown signal received") < logged(&phases, "listener closed"));
    assert!(
        !phases.iter().any(|m| m.starts_with("drain over")),
        "{phases:#?}"
    );
    assert_eq!(leases(dir.path()).await, 0);
}
