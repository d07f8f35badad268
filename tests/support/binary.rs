//! The real binary, `cognito-bff serve`, as a child process: its stdout (JSON log lines) is
//! followed into a log the test can wait on, and it is stopped with SIGTERM as an operator's
//! supervisor would stop it.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::UserPool;

/// How long an awaited event (a log line, the exit after SIGTERM) may take unless told.
pub const WAIT: Duration = Duration::from_secs(30);

/// One line a process wrote to stdout.
pub struct Line {
    /// Which process wrote it, when several share a log.
    pub tag: &'static str,
    /// As written.
    pub text: String,
    /// The line parsed as JSON, or the text as a JSON string when it is not JSON.
    pub event: Value,
}

#[derive(Default)]
pub struct Lines {
    pub lines: Vec<Line>,
    /// The tags whose stdout has ended.
    pub ended: Vec<&'static str>,
}

/// The stdout lines of one or more processes, in the order they arrived.
#[derive(Clone, Default)]
pub struct Log {
    lines: Arc<Mutex<Lines>>,
    arrived: Arc<Notify>,
}

impl Log {
    /// Reads `stdout` into the log until it ends. Read continuously, so that the process
    /// never blocks on a full pipe.
    fn follow(&self, tag: &'static str, stdout: ChildStdout) {
        let log = self.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(text)) = lines.next_line().await {
                let event =
                    serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
                log.lines
                    .lock()
                    .unwrap()
                    .lines
                    .push(Line { tag, text, event });
                log.arrived.notify_waiters();
            }
            log.lines.lock().unwrap().ended.push(tag);
            log.arrived.notify_waiters();
        });
    }

    /// Runs `find` over the log each time it grows until it finds something; `None` when
    /// nothing is found within `within`.
    pub async fn watch<T>(
        &self,
        within: Duration,
        mut find: impl FnMut(&Lines) -> Option<T>,
    ) -> Option<T> {
        let deadline = Instant::now() + within;
        loop {
            let arrived = self.arrived.notified();
            let mut arrived = std::pin::pin!(arrived);
            // Registered before looking, so a line arriving in between is not missed.
            arrived.as_mut().enable();
            if let Some(found) = find(&self.lines.lock().unwrap()) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return None;
            }
        }
    }

    /// `watch` within `WAIT`, failing with the log so far when nothing shows `what`.
    pub async fn wait<T>(&self, what: &str, find: impl FnMut(&Lines) -> Option<T>) -> T {
        match self.watch(WAIT, find).await {
            Some(found) => found,
            None => panic!(
                "no log line shows {what} after {WAIT:?}; logged:\n{}",
                self.dump()
            ),
        }
    }

    /// Every line, tagged with its writer, for failure messages.
    pub fn dump(&self) -> String {
        self.lines
            .lock()
            .unwrap()
            .lines
            .iter()
            .map(|line| format!("[{}] {}", line.tag, line.text))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `serve`, configured but not yet started.
pub struct Binary {
    command: Command,
    tag: &'static str,
    log: Log,
}

impl Binary {
    /// `serve` in `dir` with the environment every run needs, and nothing else: the test's
    /// own environment is cleared so that a developer's AWS_* or COGNITO_* cannot leak in.
    /// Logs are JSON lines, the default LOG_FORMAT.
    pub fn serve(dir: &Path) -> Binary {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cognito-bff"));
        command.arg("serve").current_dir(dir).env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command
            // Port 0: the "listening" line says which port it got, without a race.
            .env("LISTEN_ADDR", "127.0.0.1:0")
            // Tests speak plain HTTP.
            .env("COOKIE_SECURE", "false")
            // Stop at once; the tests of the drain set their own.
            .env("SHUTDOWN_DRAIN_SECONDS", "0")
            // Its own free port, so that servers started side by side never collide.
            .env("METRICS_ADDR", "127.0.0.1:0")
            // The emulator accepts any keys; no instance metadata lookups.
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        Binary {
            command,
            tag: "serve",
            log: Log::default(),
        }
    }

    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(name, value);
        self
    }

    /// The pool's ids and secret, and the Cognito endpoint to reach it at.
    pub fn pool(self, pool: &UserPool, endpoint: &str) -> Self {
        let secret = pool.client_secret.as_deref();
        self.env("COGNITO_USER_POOL_ID", &pool.pool_id)
            .env("COGNITO_CLIENT_ID", &pool.client_id)
            .env(
                "COGNITO_CLIENT_SECRET",
                secret.expect("the client has a secret"),
            )
            .env("COGNITO_ENDPOINT", endpoint)
    }

    /// Follows stdout into `log`, which other processes may share, its lines tagged `tag`.
    pub fn log(mut self, log: &Log, tag: &'static str) -> Self {
        self.log = log.clone();
        self.tag = tag;
        self
    }

    /// Keeps stderr, for `Running::stderr`, instead of discarding it.
    pub fn capture_stderr(mut self) -> Self {
        self.command.stderr(Stdio::piped());
        self
    }

    pub fn spawn(mut self) -> Running {
        let mut child = self.command.spawn().expect("start the cognito-bff binary");
        self.log
            .follow(self.tag, child.stdout.take().expect("piped stdout"));
        // Read from the start, like stdout, so that a full pipe never blocks the process.
        let stderr = child.stderr.take().map(|mut stderr| {
            tokio::spawn(async move {
                let mut bytes = Vec::new();
                let _ = stderr.read_to_end(&mut bytes).await;
                String::from_utf8_lossy(&bytes).into_owned()
            })
        });
        Running {
            tag: self.tag,
            child,
            log: self.log,
            stderr,
        }
    }
}

/// A started `serve`. Killed if dropped while still running.
pub struct Running {
    pub tag: &'static str,
    child: Child,
    log: Log,
    stderr: Option<JoinHandle<String>>,
}

impl Running {
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The process's resident memory now, in KiB, as the kernel counts it.
    pub fn rss_kib(&self) -> u64 {
        let pid = self.child.id().expect("the process is running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// This process's stdout lines so far, as written.
    pub fn stdout(&self) -> Vec<String> {
        let lines = self.log.lines.lock().unwrap();
        let mine = lines.lines.iter().filter(|line| line.tag == self.tag);
        mine.map(|line| line.text.clone()).collect()
    }

    /// The first of this process's log lines that `is` accepts, waiting up to `WAIT` for it.
    pub async fn wait_for(&mut self, what: &str, is: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_within(WAIT, what, is).await
    }

    /// The same within `within`; fails, with everything the process wrote, if its output
    /// ends or time runs out first.
    pub async fn wait_for_within(
        &mut self,
        within: Duration,
        what: &str,
        is: impl Fn(&Value) -> bool,
    ) -> Value {
        let tag = self.tag;
        let found = self
            .log
            .watch(within, |log| {
                let mine = log.lines.iter().filter(|line| line.tag == tag);
                match mine.map(|line| &line.event).find(|event| is(event)) {
                    Some(event) => Some(Ok(event.clone())),
                    None if log.ended.contains(&tag) => Some(Err("its output ended")),
                    None => None,
                }
            })
            .await
            .unwrap_or(Err("timed out"));
        match found {
            Ok(event) => event,
            Err(why) => {
                let failure = self
                    .failure(&format!("no log line shows {what} ({why})"))
                    .await;
                panic!("{failure}")
            }
        }
    }

    /// Sends SIGTERM, as a supervisor stopping the service would.
    pub async fn sigterm(&self) {
        let pid = self.child.id().expect("the process is running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
    }

    /// Waits up to `WAIT` for the process to exit and its stdout to end, so that the log is
    /// complete when this returns.
    pub async fn wait(&mut self) -> ExitStatus {
        let (tag, log) = (self.tag, self.log.clone());
        let exit = tokio::time::timeout(WAIT, async {
            log.watch(WAIT, |log| log.ended.contains(&tag).then_some(()))
                .await;
            self.child.wait().await.expect("wait for the process")
        })
        .await;
        match exit {
            Ok(status) => status,
            Err(_) => {
                let failure = self.failure(&format!("still runs {WAIT:?} later")).await;
                panic!("{failure}")
            }
        }
    }

    /// `sigterm`, then `wait`.
    pub async fn terminate(&mut self) -> ExitStatus {
        self.sigterm().await;
        self.wait().await
    }

    /// All of stderr, once the process has exited. Needs `capture_stderr`.
    pub async fn stderr(&mut self) -> String {
        let reader = self
            .stderr
            .take()
            .expect("stderr is captured, and taken once");
        reader.await.expect("stderr is read")
    }

    /// Kills the process and describes the failure with everything it wrote.
    async fn failure(&mut self, message: &str) -> String {
        let _ = self.child.start_kill();
        let stderr = if self.stderr.is_some() {
            format!("\nstderr:\n{}", self.stderr().await)
        } else {
            String::new()
        };
        let tag = self.tag;
        format!("{tag}: {message}; logged:\n{}{stderr}", self.log.dump())
    }
}
