//! The command line as an operator meets it: the real binary, run with nothing in its
//! environment but PATH and the variables each test sets, so the developer's own settings
//! can't leak in.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::support::free_port;

const BIN: &str = env!("CARGO_BIN_EXE_cognito-bff");

/// How long a started server may take to say it is listening.
const START_DEADLINE: Duration = Duration::from_secs(60);
/// How long a stopped server may take to exit.
const STOP_DEADLINE: Duration = Duration::from_secs(30);
/// How long a one-shot command may run.
const RUN_DEADLINE: Duration = Duration::from_secs(60);

/// Every environment variable in src/config/cli.rs.
const VARIABLES: &[&str] = &[
    "COGNITO_USER_POOL_ID",
    "COGNITO_CLIENT_ID",
    "COGNITO_CLIENT_SECRET",
    "AWS_REGION",
    "COGNITO_ENDPOINT",
    "COGNITO_JWKS_URL",
    "COGNITO_ISSUER",
    "DATABASE_URL",
    "DATABASE_MAX_CONNECTIONS",
    "LISTEN_ADDR",
    "COOKIE_SECURE",
    "ADMIN_GROUP",
    "LOG_FORMAT",
    "CHALLENGE_TTL_SECONDS",
    "COGNITO_TIMEOUT_SECONDS",
    "COGNITO_MAX_ATTEMPTS",
    "METRICS_ADDR",
    "ALLOW_INSECURE_COOKIES",
    "RATE_LIMIT_PER_IP",
    "RATE_LIMIT_PER_USERNAME",
    "RATE_LIMIT_MESSAGES_PER_USERNAME",
    "RATE_LIMIT_MFA_FAILURES_PER_USER",
    "RATE_LIMIT_PER_USER",
    "WRITABLE_ATTRIBUTES",
    "TRUSTED_PROXIES",
    "VERIFY_SESSION_GATEWAYS",
    "TOKEN_DELIVERY",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_MAX_LIFETIME",
    "SESSION_SAME_SITE",
    "API_UPSTREAMS",
    "API_UPSTREAM_TIMEOUT_SECONDS",
    "API_FORWARD_HEADERS",
    "PUBLIC_ORIGIN",
    "UI",
    "UI_RETURN_URLS",
    "UI_PRODUCT_NAME",
    "UI_BRAND_COLOR",
    "UI_LOGO_URL",
    "COGNITO_DOMAIN",
    "OAUTH_REDIRECT_URL",
    "OAUTH_SCOPES",
    "FEDERATED_PROVIDERS",
    "OAUTH_LOGOUT_URL",
];

/// The binary with an empty environment except PATH, run in `dir`.
fn command(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.env_clear().current_dir(dir).args(args);
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(env.iter().copied());
    command
}

/// Runs the binary to completion in a fresh empty directory.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = TempDir::new().unwrap();
    run_in(dir.path(), args, env)
}

/// Runs the binary to completion in `dir`. A process still running after `RUN_DEADLINE` (say,
/// a `serve` that should have refused its configuration) is killed and fails the test.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = command(dir, args, env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let (done, finished) = mpsc::channel();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = done.clone();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        let _ = out.send((1, bytes));
    });
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        let _ = done.send((2, bytes));
    });
    // Both pipes close when the process exits.
    let deadline = Instant::now() + RUN_DEADLINE;
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match finished.recv_timeout(left) {
            Ok((1, bytes)) => stdout = bytes,
            Ok((_, bytes)) => stderr = bytes,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`cognito-bff {}` still ran after {RUN_DEADLINE:?}",
                    args.join(" ")
                );
            }
        }
    }
    let status = child.wait().expect("wait for the binary");
    Output {
        status,
        stdout,
        stderr,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The settings `serve` needs, with a Cognito endpoint where nothing listens so no test
/// reaches AWS.
fn serve_env(dead_endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("COGNITO_USER_POOL_ID", "us-east-1_CliTest".into()),
        ("COGNITO_CLIENT_ID", "cli-test-client".into()),
        ("COGNITO_ENDPOINT", dead_endpoint.into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("COOKIE_SECURE", "false".into()),
        // No metrics listener: servers started side by side would want one port.
        ("METRICS_ADDR", String::new()),
    ]
}

/// `serve` with a valid configuration except for `overrides`; returns the process output.
fn serve_with(overrides: &[(&str, &str)]) -> Output {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let mut env: Vec<(&str, String)> = serve_env(&endpoint);
    env.push(("LISTEN_ADDR", "127.0.0.1:0".into()));
    for (name, value) in overrides {
        env.retain(|(n, _)| n != name);
        env.push((name, (*value).to_owned()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    run(&["serve"], &env)
}

/// Asserts a configuration error: exit code 2, nothing on stdout, and exactly one line on
/// stderr naming `variable`.
#[track_caller]
fn assert_config_error(output: &Output, variable: &str) -> String {
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2; stdout: {stdout:?}, stderr: {stderr:?}"
    );
    assert_eq!(stdout, "", "nothing belongs on stdout");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected exactly one line: {stderr:?}");
    assert!(
        lines[0].contains(variable),
        "the error does not name {variable}: {stderr:?}"
    );
    stderr
}

#[test]
fn serve_without_a_pool_id_names_the_variable_and_exits_2() {
    let output = run(&["serve"], &[("COGNITO_CLIENT_ID", "client")]);
    assert_config_error(&output, "COGNITO_USER_POOL_ID");
}

#[test]
fn serve_with_an_invalid_listen_addr_names_the_variable() {
    assert_config_error(&serve_with(&[("LISTEN_ADDR", "nowhere")]), "LISTEN_ADDR");
    assert_config_error(&serve_with(&[("LISTEN_ADDR", "127.0.0.1")]), "LISTEN_ADDR");
}

#[test]
fn serve_with_an_invalid_cookie_secure_names_the_variable() {
    assert_config_error(&serve_with(&[("COOKIE_SECURE", "maybe")]), "COOKIE_SECURE");
}

#[test]
fn serve_with_an_invalid_log_format_names_the_variable() {
    assert_config_error(&serve_with(&[("LOG_FORMAT", "xml")]), "LOG_FORMAT");
}

#[test]
fn serve_with_an_unsupported_database_url_names_the_variable_but_not_the_password() {
    let output = serve_with(&[("DATABASE_URL", "mysql://u:hunter2@h/db")]);
    let stderr = assert_config_error(&output, "DATABASE_URL");
    assert!(
        !stderr.contains("hunter2"),
        "the password was echoed: {stderr:?}"
    );
}

#[test]
fn migrate_with_an_unsupported_database_url_names_the_variable_but_not_the_password() {
    let output = run(&["migrate"], &[("DATABASE_URL", "mysql://u:hunter2@h/db")]);
    let stderr = assert_config_error(&output, "DATABASE_URL");
    assert!(
        !stderr.contains("hunter2"),
        "the password was echoed: {stderr:?}"
    );
}

#[test]
fn serve_with_an_unreachable_postgres_fails_without_echoing_the_password() {
    let url = format!("postgres://u:hunter2@127.0.0.1:{}/db", free_port());
    let output = serve_with(&[
        ("DATABASE_URL", &url),
        (
            "SESSION_ENCRYPTION_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        ),
    ]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "serve started without its database; stderr: {stderr:?}"
    );
    assert!(!stderr.is_empty(), "the failure is not explained on stderr");
    assert!(
        !stdout.contains("hunter2") && !stderr.contains("hunter2"),
        "the password was echoed; stdout: {stdout:?}, stderr: {stderr:?}"
    );
}

#[test]
fn insecure_cookies_off_loopback_are_refused_unless_allowed_outright() {
    let refused = serve_with(&[("LISTEN_ADDR", "0.0.0.0:0")]);
    let stderr = assert_config_error(&refused, "COOKIE_SECURE");
    assert!(stderr.contains("ALLOW_INSECURE_COOKIES"), "{stderr}");
}

#[test]
fn postgres_without_a_shared_session_key_is_refused() {
    let url = format!("postgres://u:hunter2@127.0.0.1:{}/db", free_port());
    let stderr = assert_config_error(
        &serve_with(&[("DATABASE_URL", &url)]),
        "SESSION_ENCRYPTION_KEY",
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn serve_with_an_invalid_metrics_addr_or_attribute_list_names_the_variable() {
    assert_config_error(
        &serve_with(&[("METRICS_ADDR", "everywhere")]),
        "METRICS_ADDR",
    );
    assert_config_error(
        &serve_with(&[("WRITABLE_ATTRIBUTES", "name,shoe_size")]),
        "WRITABLE_ATTRIBUTES",
    );
}

#[test]
fn serve_refuses_to_pass_a_header_that_vouches_for_the_caller_and_names_the_variable() {
    let stderr = assert_config_error(
        &serve_with(&[
            ("API_UPSTREAMS", "orders=http://127.0.0.1:9"),
            ("API_FORWARD_HEADERS", "orders:X-Forwarded-Host"),
        ]),
        "API_FORWARD_HEADERS",
    );
    assert!(stderr.contains("x-forwarded-host"), "{stderr}");
    assert_config_error(
        &serve_with(&[("PUBLIC_ORIGIN", "https://app.example.com/path")]),
        "PUBLIC_ORIGIN",
    );
}

#[test]
fn help_lists_every_variable_without_printing_their_values() {
    let secret = "some-secret-value";
    for args in [&["--help"][..], &["serve", "--help"][..]] {
        let output = run(args, &[("COGNITO_CLIENT_SECRET", secret)]);
        let stdout = text(&output.stdout);
        let stderr = text(&output.stderr);
        assert!(output.status.success(), "{args:?} failed: {stderr:?}");
        for variable in VARIABLES {
            assert!(
                stdout.contains(variable),
                "{args:?} does not mention {variable}:\n{stdout}"
            );
        }
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{args:?} printed the client secret:\n{stdout}{stderr}"
        );
    }
}

#[test]
fn migrate_creates_the_default_database_in_an_empty_directory_and_can_run_twice() {
    let dir = TempDir::new().unwrap();
    let database = dir.path().join("cognito-bff.db");
    for run_number in 1..=2 {
        let output = run_in(dir.path(), &["migrate"], &[]);
        assert!(
            output.status.success(),
            "migrate run {run_number} failed: {:?}; stderr: {:?}",
            output.status,
            text(&output.stderr)
        );
        assert!(
            database.is_file(),
            "run {run_number} did not create {}",
            database.display()
        );
    }
    let header = std::fs::read(&database).unwrap();
    assert!(
        header.starts_with(b"SQLite format 3\0"),
        "cognito-bff.db is not a SQLite database"
    );
}

#[test]
fn healthcheck_fails_when_nothing_listens() {
    let addr = format!("127.0.0.1:{}", free_port());
    let output = run(&["healthcheck"], &[("LISTEN_ADDR", &addr)]);
    assert!(
        !output.status.success(),
        "healthcheck passed with nothing listening on {addr}"
    );
    assert_ne!(output.status.code(), Some(0));
}

#[test]
fn healthcheck_with_an_invalid_listen_addr_names_the_variable() {
    let output = run(&["healthcheck"], &[("LISTEN_ADDR", "nowhere")]);
    assert_config_error(&output, "LISTEN_ADDR");
}

/// A `serve` child process, killed if the test ends before stopping it.
struct Server {
    child: Child,
    /// Lines of stdout after the "listening" line, until the process closes it.
    rest: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `serve` and waits, by reading its stdout, until it logs "listening".
    fn start(dir: &Path, env: &[(&str, &str)]) -> Server {
        let mut child = command(dir, &["serve"], env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let stdout = child.stdout.take().unwrap();
        let (lines, rest) = mpsc::channel();
        // Keeps draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Server { child, rest };
        let deadline = Instant::now() + START_DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.rest.recv_timeout(left) {
                Ok(line) => {
                    let listening = serde_json::from_str::<serde_json::Value>(&line)
                        .is_ok_and(|v| v["message"] == "listening");
                    seen.push(line);
                    if listening {
                        return server;
                    }
                }
                Err(e) => panic!("serve did not log \"listening\" ({e}); stdout so far: {seen:#?}"),
            }
        }
    }

    /// Sends SIGTERM and returns the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
        // stdout closes when the process exits.
        let deadline = Instant::now() + STOP_DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rest.recv_timeout(left) {
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("serve did not exit within {STOP_DEADLINE:?} of SIGTERM")
                }
            }
        }
        self.child.wait().expect("wait for serve")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn healthcheck_passes_against_a_running_server() {
    let dir = TempDir::new().unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let mut env: Vec<(&str, String)> = serve_env(&endpoint);
    env.push(("LISTEN_ADDR", listen.clone()));
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let server = Server::start(dir.path(), &env);

    let output = run(&["healthcheck"], &[("LISTEN_ADDR", &listen)]);
    assert!(
        output.status.success(),
        "healthcheck failed against {listen}: {:?}; stderr: {:?}",
        output.status,
        text(&output.stderr)
    );
    // As in a container, where serve and healthcheck share LISTEN_ADDR=0.0.0.0:<port>:
    // the unspecified address means "this host".
    let unspecified = format!("0.0.0.0:{port}");
    let output = run(&["healthcheck"], &[("LISTEN_ADDR", &unspecified)]);
    assert!(
        output.status.success(),
        "healthcheck failed for {unspecified}: {:?}; stderr: {:?}",
        output.status,
        text(&output.stderr)
    );

    let status = server.terminate();
    assert!(
        status.success(),
        "serve exited with {status:?} after SIGTERM"
    );
    assert!(dir.path().join("cognito-bff.db").is_file());

    let output = run(&["healthcheck"], &[("LISTEN_ADDR", &listen)]);
    assert!(
        !output.status.success(),
        "healthcheck passed after the server stopped"
    );
}
