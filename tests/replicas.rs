//! Two replicas of the real binary behind a real nginx doing plain round robin, sharing one
//! Postgres database and one SESSION_ENCRYPTION_KEY, as the README tells operators to run it:
//! a challenge issued by one replica is answered by the other, many sign-ins at once all
//! succeed, a replica stopped with SIGTERM leaves its pending challenges to the survivor, and
//! the budgets that stop password and code guessing are spent across both.
//!
//! Each replica talks to the shared emulator through a recording proxy of its own, and logs
//! JSON lines that carry the `x-request-id` each request was sent with, so the tests can tell
//! which replica answered what. nginx must be installed (Debian: `nginx-light`).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;
use serde_json::{Value, json};
// WAIT: how long any one awaited event (a log line, a process exit, nginx listening) may take.
use support::binary::{Binary, Log, Running, WAIT};
use support::*;
use tokio::task::JoinSet;
use tokio::time::Instant;

const TEMPORARY_PASSWORD: &str = "Temp-Passw0rd!";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";

// ---------------------------------------------------------------------------------------------
// The replicas: the real binary, `serve`, each with its own recording proxy to the emulator.

struct Replica {
    /// Its lines in the shared log carry its name.
    server: Running,
    /// host:port it listens on, from its "listening" line.
    addr: String,
    proxy: Proxy,
}

impl Replica {
    /// Listens on `listen`; port 0 picks a free one, which the "listening" line names.
    /// `env` comes last, over the defaults.
    async fn start(
        name: &'static str,
        listen: &str,
        pool: &UserPool,
        database_url: &str,
        dir: &Path,
        log: &Log,
        env: &[(&'static str, String)],
    ) -> Replica {
        let proxy = Proxy::start(&Moto::shared().endpoint).await;
        let mut binary = Binary::serve(dir)
            .pool(pool, &proxy.endpoint)
            .env("LISTEN_ADDR", listen)
            .env("DATABASE_URL", database_url)
            .env("DATABASE_MAX_CONNECTIONS", "5")
            .env("SESSION_ENCRYPTION_KEY", SESSION_KEY)
            .env("TRUSTED_PROXIES", "127.0.0.1/32")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("RATE_LIMIT_PER_IP", "0")
            .env("RATE_LIMIT_PER_USERNAME", "0")
            .env("LOGIN_FAILURE_FLOOR_MS", "0")
            // Long enough for nginx to move on; short enough for many rounds.
            .env("SHUTDOWN_DRAIN_SECONDS", "1")
            .log(log, name);
        for (variable, value) in env {
            binary = binary.env(variable, value);
        }
        let mut server = binary.spawn();
        let listening = server
            .wait_for(&format!("replica {name} listening"), |event| {
                event["message"] == "listening"
            })
            .await;
        let addr = listening["addr"]
            .as_str()
            .unwrap_or_else(|| panic!("replica {name}'s \"listening\" line has no addr"))
            .to_owned();
        Replica {
            server,
            addr,
            proxy,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// nginx: a round-robin load balancer in front of the replicas, from a config of the test's own.

struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
    base: String,
}

fn nginx_binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "nginx is not on PATH (nor in /usr/sbin): these tests run the replicas behind \
                 a real nginx; install it first with `apt-get install -y nginx-light`"
            )
        })
}

fn nginx_config(dir: &Path, port: u16, upstreams: &[&str]) -> String {
    let d = dir.display();
    let servers: String = upstreams
        .iter()
        .map(|addr| format!("        server {addr} max_fails=1 fail_timeout=1s;\n"))
        .collect();
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
error_log {d}/error.log info;
pid {d}/nginx.pid;

events {{
    worker_connections 1024;
}}

http {{
    log_format upstreams '$http_x_request_id $status upstream=$upstream_addr '
                         'upstream_status=$upstream_status';
    access_log {d}/access.log upstreams;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;

    # Plain round robin, a new upstream connection per request: no stickiness of any kind.
    # A replica that refused a connection gets none for a second, then is tried again.
    upstream replicas {{
{servers}    }}

    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://replicas;
            proxy_set_header Host $host;
            # The client's X-Forwarded-For, then the address nginx saw: the replicas trust
            # nginx (127.0.0.1) and take the hop before it, so a test client can speak for
            # many addresses.
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            # A replica that is gone is skipped, and the request goes to the next one.
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 1s;
        }}
    }}
}}
"#
    )
}

impl Nginx {
    async fn start(binary: &Path, upstreams: &[&str]) -> Nginx {
        let dir = tempfile::tempdir().expect("a temporary directory for nginx");
        // The port is picked free and then handed to nginx, so another process may take it
        // in between: then nginx can't bind, and it is started again on another port.
        for _ in 0..5 {
            let port = free_port();
            let config = dir.path().join("nginx.conf");
            std::fs::write(&config, nginx_config(dir.path(), port, upstreams))
                .expect("write nginx.conf");
            let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
            let mut child = std::process::Command::new(binary)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
            // nginx says nothing when it is ready: poll its port, with a deadline.
            let deadline = Instant::now() + WAIT;
            loop {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Nginx {
                        child,
                        base: format!("http://127.0.0.1:{port}"),
                        dir,
                    };
                }
                if let Some(status) = child.try_wait().unwrap() {
                    let errors = Self::errors(dir.path());
                    if errors.contains("Address already in use") {
                        break;
                    }
                    panic!("nginx exited ({status}) before listening:\n{errors}");
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "nginx did not listen on port {port} within {WAIT:?}:\n{}",
                        Self::errors(dir.path())
                    );
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        panic!("nginx found no free port in five tries");
    }

    fn errors(dir: &Path) -> String {
        ["stderr.log", "error.log"]
            .iter()
            .map(|name| std::fs::read_to_string(dir.join(name)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// nginx's access log: one line per request, for failure messages.
    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The whole set-up, and a client that goes through nginx.

/// Clients' way in: nginx's address. Cheap to clone for concurrent clients.
#[derive(Clone)]
struct Front {
    client: Client,
}

struct Cluster {
    replicas: Vec<Replica>,
    nginx: Nginx,
    front: Front,
    /// What the replicas logged, each line tagged with the replica's name.
    log: Log,
    /// Settings every replica starts with, over the defaults.
    env: Vec<(&'static str, String)>,
    // Dropped last: the database outlives the processes that use it.
    dir: tempfile::TempDir,
    db: TestDatabase,
}

/// A request through nginx, tagged with a request id of its own.
struct Call<'a> {
    path: &'a str,
    request_id: String,
    body: Value,
    cookie: Option<String>,
    bearer: Option<String>,
    /// The client's address, sent as X-Forwarded-For; nginx's own view (127.0.0.1) if none.
    from: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn new(path: &'a str, request_id: String, body: Value) -> Self {
        Call {
            path,
            request_id,
            body,
            cookie: None,
            bearer: None,
            from: None,
        }
    }
}

fn request_id(label: &str) -> String {
    format!("{label}-{}", uuid::Uuid::new_v4().simple())
}

impl Front {
    async fn send(&self, call: Call<'_>) -> Response {
        let client = &self.client;
        let mut request = match &call.bearer {
            Some(token) => client.with_bearer(reqwest::Method::POST, call.path, token),
            None => client.http.post(client.url(call.path)),
        }
        .header("x-request-id", &call.request_id)
        .json(&call.body);
        if let Some(cookie) = &call.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(address) = call.from {
            request = request.header("x-forwarded-for", address);
        }
        client.send(request).await
    }

    async fn login(&self, username: &str, password: &str, request_id: String) -> Response {
        self.send(Call::new(
            "/login",
            request_id,
            json!({"username": username, "password": password}),
        ))
        .await
    }

    async fn answer_new_password(&self, cookie: String, request_id: String) -> Response {
        self.send(Call {
            cookie: Some(cookie),
            ..Call::new(
                "/challenge",
                request_id,
                json!({"challenge": "NEW_PASSWORD_REQUIRED",
                       "responses": {"NEW_PASSWORD": NEW_PASSWORD}}),
            )
        })
        .await
    }
}

impl std::ops::Deref for Cluster {
    type Target = Front;

    fn deref(&self) -> &Front {
        &self.front
    }
}

impl Cluster {
    async fn start(pool: &UserPool) -> Cluster {
        Cluster::start_with(pool, &[]).await
    }

    /// Replicas started with `env` over the defaults.
    async fn start_with(pool: &UserPool, env: &[(&'static str, &str)]) -> Cluster {
        let env: Vec<(&'static str, String)> =
            env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        let nginx = nginx_binary();
        let db = TestDatabase::create().await;
        assert!(
            db.is_postgres(),
            "replicas share a Postgres database: set TEST_DATABASE_URL (e.g. \
             postgres://postgres@127.0.0.1:5432/test) and run the ignored tests"
        );
        let dir = tempfile::tempdir().unwrap();
        let log = Log::default();
        let mut replicas = Vec::new();
        for name in ["a", "b"] {
            replicas.push(
                Replica::start(name, "127.0.0.1:0", pool, &db.url, dir.path(), &log, &env).await,
            );
        }
        let upstreams: Vec<&str> = replicas.iter().map(|r| r.addr.as_str()).collect();
        let nginx = Nginx::start(&nginx, &upstreams).await;
        Cluster {
            front: Front {
                client: Client::new(nginx.base.clone()),
            },
            replicas,
            nginx,
            log,
            env,
            dir,
            db,
        }
    }

    fn replica(&self, name: &str) -> &Replica {
        self.replicas.iter().find(|r| r.server.tag == name).unwrap()
    }

    /// The replica that answered `request_id`, checked against the status the client got.
    async fn answered_by(&self, request_id: &str, answer: &Response) -> &'static str {
        let (replica, status) = self
            .log
            .wait(&format!("request {request_id} finished"), |log| {
                log.lines.iter().find_map(|line| {
                    let event = &line.event;
                    (event["message"] == "request finished"
                        && event["span"]["request_id"] == request_id)
                        .then(|| (line.tag, event["status"].as_u64().unwrap_or(0) as u16))
                })
            })
            .await;
        assert_eq!(
            status, answer.status,
            "replica {replica} logged another status for {request_id}"
        );
        // The request id came back through nginx too.
        assert_eq!(
            answer
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            Some(request_id)
        );
        replica
    }

    /// The Cognito usernames in `operation` calls that reached `replica`'s proxy.
    fn cognito_users(&self, replica: &str, operation: &str) -> Vec<String> {
        self.replica(replica)
            .proxy
            .calls(operation)
            .iter()
            .filter_map(|call| {
                call["AuthParameters"]["USERNAME"]
                    .as_str()
                    .or(call["ChallengeResponses"]["USERNAME"].as_str())
                    .map(str::to_owned)
            })
            .collect()
    }
}

fn assert_challenged(answer: &Response, who: &str) {
    assert_eq!(answer.status, 200, "login of {who}: {answer:?}");
    assert_eq!(
        answer.body["status"], "challenge",
        "login of {who}: {answer:?}"
    );
    assert_eq!(
        answer.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{answer:?}"
    );
}

fn assert_authenticated(answer: &Response, who: &str) {
    assert_eq!(answer.status, 200, "challenge of {who}: {answer:?}");
    assert_eq!(
        answer.body["status"], "authenticated",
        "challenge of {who}: {answer:?}"
    );
}

// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn a_challenge_issued_by_one_replica_is_answered_by_the_other() {
    let pool = UserPool::create(&Moto::shared().endpoint, true, false).await;
    pool.invite_user("ines", TEMPORARY_PASSWORD).await;
    let cluster = Cluster::start(&pool).await;

    let login_id = request_id("login-ines");
    let login = cluster
        .login("ines", TEMPORARY_PASSWORD, login_id.clone())
        .await;
    assert_challenged(&login, "ines");
    let issuer = cluster.answered_by(&login_id, &login).await;

    // nginx alternates: the next request goes to the other replica.
    let answer_id = request_id("challenge-ines");
    let answer = cluster
        .answer_new_password(login.cookie(), answer_id.clone())
        .await;
    assert_authenticated(&answer, "ines");
    let finisher = cluster.answered_by(&answer_id, &answer).await;
    assert_ne!(
        issuer,
        finisher,
        "nginx sent the login and the challenge to the same replica ({issuer}); round robin \
         should have alternated. nginx access log:\n{}",
        cluster.nginx.access_log()
    );

    // Cognito saw the same: InitiateAuth from one replica, RespondToAuthChallenge from the
    // other, each through that replica's own proxy.
    assert_eq!(cluster.cognito_users(issuer, "InitiateAuth"), ["ines"]);
    assert!(
        cluster
            .cognito_users(issuer, "RespondToAuthChallenge")
            .is_empty()
    );
    assert!(cluster.cognito_users(finisher, "InitiateAuth").is_empty());
    assert_eq!(
        cluster.cognito_users(finisher, "RespondToAuthChallenge"),
        ["ines"]
    );
    let respond = &cluster
        .replica(finisher)
        .proxy
        .calls("RespondToAuthChallenge")[0];
    assert_eq!(respond["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert!(
        respond["Session"].as_str().is_some_and(|s| !s.is_empty()),
        "the other replica sent the stored Cognito session: {respond}"
    );

    assert_eq!(
        pool.accepts_access_token(&answer.access_token()).await,
        Ok("ines".to_owned())
    );
    assert_eq!(pool.admin_get_user("ines").await.0, "CONFIRMED");
}

/// Which replica answered each step of one flow.
#[derive(Debug)]
struct Flow {
    user: String,
    invite: &'static str,
    login: &'static str,
    challenge: &'static str,
}

async fn full_flow(cluster: Arc<Cluster>, pool: Arc<UserPool>, admin: String, i: usize) -> Flow {
    let user = format!("flow-{i:02}");
    let invite_id = request_id(&format!("invite-{user}"));
    let invited = cluster
        .send(Call {
            bearer: Some(admin),
            ..Call::new(
                "/admin/users",
                invite_id.clone(),
                json!({
                    "username": user,
                    "attributes": {"email": format!("{user}@example.com")},
                    "temporary_password": TEMPORARY_PASSWORD,
                    "suppress_message": true
                }),
            )
        })
        .await;
    assert_eq!(invited.status, 201, "invite of {user}: {invited:?}");

    let login_id = request_id(&format!("login-{user}"));
    let login = cluster
        .login(&user, TEMPORARY_PASSWORD, login_id.clone())
        .await;
    assert_challenged(&login, &user);

    let answer_id = request_id(&format!("challenge-{user}"));
    let answer = cluster
        .answer_new_password(login.cookie(), answer_id.clone())
        .await;
    assert_authenticated(&answer, &user);
    assert_eq!(
        pool.accepts_access_token(&answer.access_token()).await,
        Ok(user.clone()),
        "Cognito refuses the access token of {user}"
    );
    Flow {
        invite: cluster.answered_by(&invite_id, &invited).await,
        login: cluster.answered_by(&login_id, &login).await,
        challenge: cluster.answered_by(&answer_id, &answer).await,
        user,
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn twenty_four_concurrent_sign_ins_through_the_balancer_all_succeed() {
    const FLOWS: usize = 24;
    let pool = Arc::new(UserPool::create(&Moto::shared().endpoint, true, false).await);
    pool.create_user(ADMIN, ADMIN_PASSWORD).await;
    pool.add_to_group(ADMIN, support::cognito::ADMIN_GROUP)
        .await;
    let cluster = Arc::new(Cluster::start(&pool).await);
    let admin = cluster
        .login(ADMIN, ADMIN_PASSWORD, request_id("login-admin"))
        .await;
    assert_eq!(admin.status, 200, "admin login: {admin:?}");
    let admin = admin.access_token();

    let mut flows = JoinSet::new();
    for i in 0..FLOWS {
        flows.spawn(full_flow(cluster.clone(), pool.clone(), admin.clone(), i));
    }
    let mut done = Vec::new();
    let mut failures = Vec::new();
    while let Some(result) = flows.join_next().await {
        match result {
            Ok(flow) => done.push(flow),
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {FLOWS} sign-in flows failed:\n{}\nnginx access log:\n{}",
        failures.len(),
        failures.join("\n"),
        cluster.nginx.access_log()
    );
    assert_eq!(done.len(), FLOWS);

    // Both replicas took part in every step, and challenges crossed between them.
    let mut served: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for flow in &done {
        *served.entry(("invite", flow.invite)).or_default() += 1;
        *served.entry(("login", flow.login)).or_default() += 1;
        *served.entry(("challenge", flow.challenge)).or_default() += 1;
    }
    for step in ["invite", "login", "challenge"] {
        for replica in ["a", "b"] {
            assert!(
                served.contains_key(&(step, replica)),
                "replica {replica} answered no {step}: {served:?}"
            );
        }
    }
    let crossed = done.iter().filter(|f| f.login != f.challenge).count();
    assert!(
        crossed > 0,
        "no challenge was answered by another replica than its login: {done:?}"
    );
    // What each replica's proxy saw matches what its logs say it answered.
    for replica in ["a", "b"] {
        let logins = done.iter().filter(|f| f.login == replica).count();
        let challenges = done.iter().filter(|f| f.challenge == replica).count();
        let initiated = cluster.cognito_users(replica, "InitiateAuth");
        assert_eq!(
            initiated.iter().filter(|u| u.starts_with("flow-")).count(),
            logins,
            "replica {replica}"
        );
        assert_eq!(
            cluster
                .cognito_users(replica, "RespondToAuthChallenge")
                .len(),
            challenges,
            "replica {replica}"
        );
    }
    for flow in &done {
        assert_eq!(pool.admin_get_user(&flow.user).await.0, "CONFIRMED");
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn challenges_pending_on_a_replica_stopped_by_sigterm_finish_on_the_other() {
    const PENDING: usize = 10;
    let pool = Arc::new(UserPool::create(&Moto::shared().endpoint, true, false).await);
    let users: Vec<String> = (0..PENDING).map(|i| format!("pending-{i:02}")).collect();
    for user in &users {
        pool.invite_user(user, TEMPORARY_PASSWORD).await;
    }
    let mut cluster = Cluster::start(&pool).await;

    // Ten sign-ins at once, each left at its NEW_PASSWORD_REQUIRED challenge.
    let mut logins = JoinSet::new();
    let shared = Arc::new(cluster);
    for user in users.clone() {
        let cluster = shared.clone();
        logins.spawn(async move {
            let id = request_id(&format!("login-{user}"));
            let login = cluster.login(&user, TEMPORARY_PASSWORD, id.clone()).await;
            assert_challenged(&login, &user);
            let issuer = cluster.answered_by(&id, &login).await;
            (user, login.cookie(), issuer)
        });
    }
    let pending: Vec<(String, String, &'static str)> = logins.join_all().await;
    cluster = Arc::into_inner(shared).expect("no task holds the cluster any more");
    let issued_by_a = pending.iter().filter(|(_, _, by)| *by == "a").count();
    assert!(
        issued_by_a > 0,
        "replica a issued none of the pending challenges, so stopping it proves nothing: \
         {pending:?}"
    );

    // Replica a stops with challenges of its own pending, and exits cleanly.
    let replica_a = cluster.replicas.iter_mut().find(|r| r.server.tag == "a");
    let replica_a = &mut replica_a.unwrap().server;
    let code = replica_a.terminate().await.code();
    assert_eq!(code, Some(0), "replica a's exit status after SIGTERM");
    replica_a
        .wait_for("replica a stopped", |event| event["message"] == "stopped")
        .await;

    // Every pending challenge, whoever issued it, is finished through nginx by replica b.
    let cluster = Arc::new(cluster);
    let mut answers = JoinSet::new();
    for (user, cookie, issuer) in pending {
        let cluster = cluster.clone();
        let pool = pool.clone();
        answers.spawn(async move {
            let id = request_id(&format!("challenge-{user}"));
            let answer = cluster.answer_new_password(cookie, id.clone()).await;
            assert_authenticated(&answer, &format!("{user} (issued by replica {issuer})"));
            assert_eq!(
                cluster.answered_by(&id, &answer).await,
                "b",
                "the challenge of {user} was answered by a stopped replica"
            );
            assert_eq!(
                pool.accepts_access_token(&answer.access_token()).await,
                Ok(user.clone())
            );
            user
        });
    }
    let mut finished = answers.join_all().await;
    finished.sort();
    assert_eq!(finished, users);

    // Cognito heard every answer from replica b, none from the stopped replica.
    assert!(
        cluster
            .cognito_users("a", "RespondToAuthChallenge")
            .is_empty()
    );
    let mut answered_by_b = cluster.cognito_users("b", "RespondToAuthChallenge");
    answered_by_b.sort();
    assert_eq!(answered_by_b, users);
    assert_eq!(
        cluster.cognito_users("a", "InitiateAuth").len(),
        issued_by_a,
        "replica a's proxy saw its logins"
    );
}

// ---------------------------------------------------------------------------------------------
// A replica stopped under load: its drain keeps every client's request whole.

/// Clients signing in through nginx without pause: each flow invites a new user, logs in to
/// the NEW_PASSWORD_REQUIRED challenge and answers it. Every answer is kept.
struct SignInLoad {
    /// Flows finished so far, for the test to wait on.
    finished: tokio::sync::watch::Receiver<usize>,
    /// Set once the test has seen the stopping replica's signal line: requests sent after
    /// it can only reach that replica if it still serves while draining.
    signalled: Arc<std::sync::atomic::AtomicBool>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    clients: JoinSet<Vec<Sent>>,
}

/// One request of the load and its answer.
#[derive(Debug)]
struct Sent {
    request_id: String,
    user: String,
    step: &'static str,
    after_signal: bool,
    answer: Response,
}

impl SignInLoad {
    fn start(front: &Front, pool: &Arc<UserPool>, clients: usize, round: usize) -> SignInLoad {
        use std::sync::atomic::{AtomicBool, Ordering};
        let (count, finished) = tokio::sync::watch::channel(0usize);
        let count = Arc::new(count);
        let signalled = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let mut set = JoinSet::new();
        for client in 0..clients {
            let (front, pool, count) = (front.clone(), pool.clone(), count.clone());
            let (signalled, stop) = (signalled.clone(), stop.clone());
            set.spawn(async move {
                let mut sent = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let user = format!("drain-{round}-{client}-{n}");
                    pool.invite_user(&user, TEMPORARY_PASSWORD).await;
                    let id = request_id(&format!("login-{user}"));
                    let after_signal = signalled.load(Ordering::SeqCst);
                    let login = front.login(&user, TEMPORARY_PASSWORD, id.clone()).await;
                    let challenged = login.status == 200 && login.body["status"] == "challenge";
                    let cookie = challenged.then(|| login.cookie());
                    sent.push(Sent {
                        request_id: id,
                        user: user.clone(),
                        step: "login",
                        after_signal,
                        answer: login,
                    });
                    let Some(cookie) = cookie else { break };
                    let id = request_id(&format!("challenge-{user}"));
                    let after_signal = signalled.load(Ordering::SeqCst);
                    let answer = front.answer_new_password(cookie, id.clone()).await;
                    let done = answer.status == 200 && answer.body["status"] == "authenticated";
                    sent.push(Sent {
                        request_id: id,
                        user,
                        step: "challenge",
                        after_signal,
                        answer,
                    });
                    if !done {
                        break;
                    }
                    count.send_modify(|finished| *finished += 1);
                }
                sent
            });
        }
        SignInLoad {
            finished,
            signalled,
            stop,
            clients: set,
        }
    }

    /// Waits until `more` flows have finished from now on.
    async fn wait_for_flows(&mut self, more: usize, what: &str) {
        let target = *self.finished.borrow() + more;
        tokio::time::timeout(WAIT, self.finished.wait_for(|n| *n >= target))
            .await
            .unwrap_or_else(|_| panic!("{more} more sign-in flows did not finish {what}"))
            .expect("the clients are running");
    }

    async fn stop(self) -> Vec<Sent> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.clients
            .join_all()
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn sign_ins_through_the_balancer_all_succeed_while_a_replica_drains_and_stops() {
    const ROUNDS: usize = 10;
    const CLIENTS: usize = 4;
    let pool = Arc::new(UserPool::create(&Moto::shared().endpoint, true, false).await);
    let mut cluster = Cluster::start(&pool).await;
    let db_url = cluster.db.url.clone();
    let dir = cluster.dir.path().to_owned();
    // Replica b is stopped and started again on its own address, round after round.
    let b_addr = cluster.replica("b").addr.clone();

    for round in 0..ROUNDS {
        let stopping: &'static str = if round == 0 {
            "b"
        } else {
            Box::leak(format!("b{round}").into_boxed_str())
        };
        let mut load = SignInLoad::start(&cluster.front, &pool, CLIENTS, round);
        // nginx sends replica b traffic again (it refused connections the round before).
        cluster
            .log
            .wait(&format!("replica {stopping} serving"), |log| {
                log.lines
                    .iter()
                    .any(|l| l.tag == stopping && l.event["message"] == "request finished")
                    .then_some(())
            })
            .await;

        let replica = cluster
            .replicas
            .iter_mut()
            .find(|r| r.server.tag == stopping)
            .unwrap();
        replica.server.sigterm().await;
        replica
            .server
            .wait_for("the drain", |e| {
                e["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("shutdown signal received"))
            })
            .await;
        load.signalled
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let status = replica.server.wait().await;
        assert_eq!(status.code(), Some(0), "replica {stopping} exit status");
        // Sign-ins go on after it is gone, then the round's load ends.
        load.wait_for_flows(CLIENTS, "after the replica stopped")
            .await;
        let sent = load.stop().await;

        // Every request answered 200, and every challenge was finished.
        let failed: Vec<&Sent> = sent.iter().filter(|s| s.answer.status != 200).collect();
        assert!(
            failed.is_empty(),
            "round {round}: {} of {} requests failed: {failed:#?}\nnginx access log:\n{}",
            failed.len(),
            sent.len(),
            cluster.nginx.access_log()
        );
        let logins = sent.iter().filter(|s| s.step == "login").count();
        let finished = sent
            .iter()
            .filter(|s| s.step == "challenge" && s.answer.body["status"] == "authenticated")
            .count();
        assert_eq!(
            finished, logins,
            "round {round}: a challenge was left pending"
        );
        for s in sent.iter().filter(|s| s.step == "challenge") {
            assert_eq!(
                s.answer.body["status"], "authenticated",
                "{} of {}",
                s.step, s.user
            );
        }

        // The drain served: a request sent once the signal was logged reached replica b.
        let mut served_while_draining = 0;
        for s in sent.iter().filter(|s| s.after_signal) {
            if cluster.answered_by(&s.request_id, &s.answer).await == stopping {
                served_while_draining += 1;
            }
        }
        assert!(
            served_while_draining > 0,
            "round {round}: replica {stopping} answered nothing after its signal"
        );

        // Replica b again, on the same address nginx knows, for the next round.
        let next: &'static str = Box::leak(format!("b{}", round + 1).into_boxed_str());
        let restarted = Replica::start(
            next,
            &b_addr,
            &pool,
            &db_url,
            &dir,
            &cluster.log,
            &cluster.env,
        )
        .await;
        let index = cluster
            .replicas
            .iter()
            .position(|r| r.server.tag == stopping)
            .unwrap();
        cluster.replicas[index] = restarted;
    }
}

// ---------------------------------------------------------------------------------------------
// Limits across replicas: a budget that guards an account is one budget, whichever replica
// counts against it, and it outlives the replica that counted.

const PASSWORD: &str = "Corr3ct-Passw0rd!";
const WRONG_PASSWORD: &str = "Wr0ng-Passw0rd!";
/// Where the account's owner signs in from.
const HOME: &str = "198.51.100.7";
/// Where the guesses come from.
const ATTACKERS: [&str; 4] = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];

impl Cluster {
    /// `call` as sent by a client at `from`; the answer, and the replica that gave it.
    async fn send_from(&self, from: &str, call: Call<'_>) -> (Response, &'static str) {
        let id = call.request_id.clone();
        let answer = self
            .send(Call {
                from: Some(from),
                ..call
            })
            .await;
        let by = self.answered_by(&id, &answer).await;
        (answer, by)
    }

    async fn login_from(
        &self,
        from: &str,
        username: &str,
        password: &str,
    ) -> (Response, &'static str) {
        let body = json!({"username": username, "password": password});
        self.send_from(
            from,
            Call::new("/login", request_id(&format!("login-{username}")), body),
        )
        .await
    }

    async fn answer_totp_from(
        &self,
        from: &str,
        cookie: &str,
        code: &str,
    ) -> (Response, &'static str) {
        let body = json!({"challenge": "SOFTWARE_TOKEN_MFA",
                          "responses": {"SOFTWARE_TOKEN_MFA_CODE": code}});
        let call = Call {
            cookie: Some(cookie.to_owned()),
            ..Call::new("/challenge", request_id("totp"), body)
        };
        self.send_from(from, call).await
    }

    /// Sets up TOTP for `username` (signed in from `HOME`) as its owner would; the secret.
    async fn turn_on_totp(&self, username: &str) -> String {
        let (login, _) = self.login_from(HOME, username, PASSWORD).await;
        assert_authenticated(&login, username);
        let token = login.access_token();
        let setup = self
            .send(Call {
                bearer: Some(token.clone()),
                ..Call::new("/mfa/totp/setup", request_id("totp-setup"), json!({}))
            })
            .await;
        assert_eq!(setup.status, 200, "TOTP set-up of {username}: {setup:?}");
        let secret = support::mfa::secret_of(&setup);
        let code = support::mfa::totp_code(&secret).await;
        let verified = self
            .send(Call {
                bearer: Some(token),
                ..Call::new(
                    "/mfa/totp/verify",
                    request_id("totp-verify"),
                    json!({"code": code}),
                )
            })
            .await;
        assert_eq!(verified.status, 200, "TOTP of {username}: {verified:?}");
        secret
    }

    /// How many `operation` calls for `username` reached Cognito through the replicas now
    /// running.
    fn reached_cognito(&self, operation: &str, username: &str) -> usize {
        self.replicas
            .iter()
            .map(|r| {
                self.cognito_users(r.server.tag, operation)
                    .iter()
                    .filter(|u| *u == username)
                    .count()
            })
            .sum()
    }
}

fn assert_refused(answer: &Response, what: &str) {
    assert_eq!(
        (answer.status, answer.body["code"].as_str()),
        (429, Some("rate_limited")),
        "{what}: {answer:?}"
    );
    assert!(
        answer.headers.contains_key("retry-after"),
        "{what} says when to come back: {answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn a_usernames_failure_budget_is_spent_across_both_replicas_and_outlives_a_restart() {
    let pool = UserPool::create(&Moto::shared().endpoint, true, false).await;
    pool.create_user("ines", PASSWORD).await;
    pool.create_user("jon", PASSWORD).await;
    // Two failures a minute per name, one of them from any one address.
    let mut cluster = Cluster::start_with(&pool, &[("RATE_LIMIT_PER_USERNAME", "2")]).await;

    // Ines signs in from home: her address is now one she signs in from.
    let (home, _) = cluster.login_from(HOME, "ines", PASSWORD).await;
    assert_authenticated(&home, "ines");

    // One address guesses once, on one replica; its next guess is refused by the other.
    let (guess, first) = cluster
        .login_from(ATTACKERS[0], "ines", WRONG_PASSWORD)
        .await;
    guess.assert_problem(401, "invalid_credentials");
    let (refused, second) = cluster
        .login_from(ATTACKERS[0], "ines", WRONG_PASSWORD)
        .await;
    assert_ne!(first, second, "nginx alternates between the replicas");
    assert_refused(&refused, "the second guess from one address");

    // Another address has a share of its own; its guess spends the name's budget.
    let (guess, _) = cluster
        .login_from(ATTACKERS[1], "ines", WRONG_PASSWORD)
        .await;
    guess.assert_problem(401, "invalid_credentials");

    // From now on every other address is refused for that name, by both replicas.
    let mut refusing = BTreeSet::new();
    for _ in 0..2 {
        let (refused, by) = cluster
            .login_from(ATTACKERS[2], "ines", WRONG_PASSWORD)
            .await;
        assert_refused(&refused, "a guess once the name's budget is spent");
        refusing.insert(by);
    }
    assert_eq!(refusing, BTreeSet::from(["a", "b"]));

    // Ines at home is not locked out by them, whichever replica answers.
    let mut answering = BTreeSet::new();
    for _ in 0..2 {
        let (home, by) = cluster.login_from(HOME, "ines", PASSWORD).await;
        assert_authenticated(&home, "ines at home");
        answering.insert(by);
    }
    assert_eq!(answering, BTreeSet::from(["a", "b"]));

    // Nor is anyone else: Jon, from the address that is refused for Ines, signs in, and his
    // own wrong password is judged.
    let (jon, _) = cluster.login_from(ATTACKERS[2], "jon", PASSWORD).await;
    assert_authenticated(&jon, "jon");
    let (jon, _) = cluster
        .login_from(ATTACKERS[2], "jon", WRONG_PASSWORD)
        .await;
    jon.assert_problem(401, "invalid_credentials");

    // Cognito judged Ines's three sign-ins at home and the two guesses it was let see.
    assert_eq!(cluster.reached_cognito("InitiateAuth", "ines"), 5);

    // Replica a stops and starts again: asked directly, it remembers the spent budget.
    let index = cluster
        .replicas
        .iter()
        .position(|r| r.server.tag == "a")
        .unwrap();
    let a_addr = cluster.replicas[index].addr.clone();
    let code = cluster.replicas[index].server.terminate().await.code();
    assert_eq!(code, Some(0), "replica a's exit status after SIGTERM");
    let restarted = Replica::start(
        "a-again",
        &a_addr,
        &pool,
        &cluster.db.url,
        cluster.dir.path(),
        &cluster.log,
        &cluster.env,
    )
    .await;
    cluster.replicas[index] = restarted;
    let direct = Client::new(format!("http://{a_addr}"));
    let refused = direct
        .send(
            direct
                .http
                .post(direct.url("/login"))
                .header("x-forwarded-for", ATTACKERS[3])
                .json(&json!({"username": "ines", "password": WRONG_PASSWORD})),
        )
        .await;
    assert_refused(&refused, "a guess at the restarted replica");
    assert!(
        cluster.cognito_users("a-again", "InitiateAuth").is_empty(),
        "the refused guess never reached Cognito"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Postgres (TEST_DATABASE_URL) and nginx"]
async fn wrong_totp_codes_of_one_user_are_counted_across_both_replicas() {
    let pool = UserPool::create(&Moto::shared().endpoint, true, false).await;
    pool.enable_totp_mfa(UserPoolMfaType::Optional).await;
    pool.create_user("ana", PASSWORD).await;
    pool.create_user("jon", PASSWORD).await;
    // Two wrong codes an hour per user, one of them from any one address.
    let cluster = Cluster::start_with(&pool, &[("RATE_LIMIT_MFA_FAILURES_PER_USER", "2")]).await;
    let ana = cluster.turn_on_totp("ana").await;
    let jon = cluster.turn_on_totp("jon").await;
    let wrong = |secret: &str| {
        let secret = secret.to_owned();
        async move { support::mfa::wrong_totp_code(&secret).await }
    };

    // Someone with Ana's password reaches her code challenge, and guesses once.
    let (login, _) = cluster.login_from(ATTACKERS[0], "ana", PASSWORD).await;
    assert_eq!(login.body["challenge"], "SOFTWARE_TOKEN_MFA", "{login:?}");
    let stolen = login.cookie();
    let (guess, first) = cluster
        .answer_totp_from(ATTACKERS[0], &stolen, &wrong(&ana).await)
        .await;
    guess.assert_problem(400, "code_mismatch");
    // The next guess goes to the other replica, which knows of the first.
    let (refused, second) = cluster
        .answer_totp_from(ATTACKERS[0], &stolen, &wrong(&ana).await)
        .await;
    assert_ne!(first, second, "nginx alternates between the replicas");
    assert_refused(&refused, "a second wrong code from one address");

    // A second address guesses once: Ana's budget is spent.
    let (login, _) = cluster.login_from(ATTACKERS[1], "ana", PASSWORD).await;
    let (guess, _) = cluster
        .answer_totp_from(ATTACKERS[1], &login.cookie(), &wrong(&ana).await)
        .await;
    guess.assert_problem(400, "code_mismatch");

    // A third is refused by both replicas, even with a new sign-in.
    let (login, _) = cluster.login_from(ATTACKERS[2], "ana", PASSWORD).await;
    let cookie = login.cookie();
    let mut refusing = BTreeSet::new();
    for _ in 0..2 {
        let (refused, by) = cluster
            .answer_totp_from(ATTACKERS[2], &cookie, &wrong(&ana).await)
            .await;
        assert_refused(&refused, "a wrong code once the user's budget is spent");
        refusing.insert(by);
    }
    assert_eq!(refusing, BTreeSet::from(["a", "b"]));

    // Jon's codes are his own: his right one signs him in, his wrong one is judged.
    let (login, _) = cluster.login_from(ATTACKERS[2], "jon", PASSWORD).await;
    let (done, _) = cluster
        .answer_totp_from(
            ATTACKERS[2],
            &login.cookie(),
            &support::mfa::totp_code(&jon).await,
        )
        .await;
    assert_authenticated(&done, "jon");
    let (login, _) = cluster.login_from(ATTACKERS[2], "jon", PASSWORD).await;
    let (guess, _) = cluster
        .answer_totp_from(ATTACKERS[2], &login.cookie(), &wrong(&jon).await)
        .await;
    guess.assert_problem(400, "code_mismatch");

    // Ana, at home, still signs in with her code.
    let (login, _) = cluster.login_from(HOME, "ana", PASSWORD).await;
    let (done, _) = cluster
        .answer_totp_from(HOME, &login.cookie(), &support::mfa::totp_code(&ana).await)
        .await;
    assert_authenticated(&done, "ana at home");

    // Cognito judged Ana's two wrong codes that were let through and her right one.
    let judged: usize = ["a", "b"]
        .iter()
        .map(|replica| {
            cluster
                .replica(replica)
                .proxy
                .calls("RespondToAuthChallenge")
                .iter()
                .filter(|call| call["ChallengeResponses"]["USERNAME"] == "ana")
                .count()
        })
        .sum();
    assert_eq!(judged, 3);
}
