//! The Cognito peer: a moto server started by the tests, one per test process unless a test
//! needs its own.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub struct Moto {
    pub endpoint: String,
    pub port: u16,
    process: Mutex<Option<(Child, ChildStdin)>>,
}

pub fn python() -> PathBuf {
    if let Ok(path) = std::env::var("MOTO_PYTHON") {
        return PathBuf::from(path);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the Cognito emulator is not installed: run ./scripts/test.sh, which installs \
         tests/requirements.txt into .venv (or set MOTO_PYTHON)"
    );
    venv
}

impl Moto {
    /// The moto server shared by every test in this process.
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(|| Moto::start_on(0))
    }

    /// A moto server of the test's own, on `port` (0: any free port).
    pub fn start_on(port: u16) -> Moto {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/moto_server.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            // Check TOTP codes as Cognito does, so a wrong code is refused.
            .env("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the moto server");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read the moto port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("moto did not report its port: {line:?}"));
        Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            process: Mutex::new(Some((child, stdin))),
        }
    }

    /// Seeds the emulator's random ids: the same calls after the same seed get the same ids,
    /// so a restarted emulator can be given back the pool a running service knows.
    pub async fn seed(&self, seed: u64) {
        let response = reqwest::Client::new()
            .post(format!("{}/moto-api/seed?a={seed}", self.endpoint))
            .send()
            .await
            .expect("seed the emulator");
        assert!(response.status().is_success());
    }

    /// Stops the server (its state is lost), as if Cognito went away.
    pub fn stop(&self) {
        if let Some((mut child, stdin)) = self.process.lock().unwrap().take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
