//! Headless Chromium, driven through chromedriver (WebDriver) as a person would use a page:
//! typing into labelled fields, clicking buttons, reading what the page shows. Every answer
//! the page receives is read back from Chromium's network log, to prove no token reaches it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// What parsing a URL can fail with, as fantoccini's command trait names it.
type UrlParseError = <reqwest::Url as std::str::FromStr>::Err;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a page may take to show what a step leads to.
const STEP_DEADLINE: Duration = Duration::from_secs(15);

/// Where screenshots go: under the build directory.
pub fn screenshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots")
}

/// One browser (its own profile, so its own cookie jar) on its own chromedriver.
pub struct Chromium {
    pub client: Client,
    _driver: Child,
}

impl Chromium {
    /// A desktop-sized window; `accept_language` as the browser's language setting.
    pub async fn start(accept_language: &str) -> Chromium {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(binary).exists(),
                "{binary} is needed for this test: install the Debian packages chromium and chromium-driver"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--window-size=1280,900",
                    format!("--lang={accept_language}"),
                ],
                "prefs": {"intl.accept_languages": accept_language},
            }),
        );
        capabilities.insert(
            "goog:loggingPrefs".into(),
            json!({"performance": "ALL", "browser": "ALL"}),
        );
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver says nothing when it is ready: connect until it answers, with a
        // deadline.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) => {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "chromedriver did not start: {e}"
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        Chromium {
            client,
            _driver: driver,
        }
    }

    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("navigates");
    }

    /// The input labelled `label` (by its `<label for>`), as a person finds it.
    pub async fn field(&self, label: &str) -> fantoccini::elements::Element {
        let xpath = format!(
            "//input[@id=//label[normalize-space(.)='{label}']/@for][not(ancestor::*[@hidden])]"
        );
        self.client
            .wait()
            .at_most(STEP_DEADLINE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"))
    }

    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the visible button whose text is `text`.
    pub async fn click(&self, text: &str) {
        let xpath =
            format!("//button[normalize-space(.)='{text}'][not(ancestor-or-self::*[@hidden])]");
        let button = self
            .client
            .wait()
            .at_most(STEP_DEADLINE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?}: {e}"));
        button.click().await.unwrap();
    }

    pub async fn click_link(&self, text: &str) {
        self.client
            .wait()
            .at_most(STEP_DEADLINE)
            .for_element(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Waits until the page's heading is `heading`, as the user reads it.
    pub async fn wait_for_heading(&self, heading: &str) {
        let xpath = format!("//h1[normalize-space(.)='{heading}']");
        if let Err(e) = self
            .client
            .wait()
            .at_most(STEP_DEADLINE)
            .for_element(Locator::XPath(&xpath))
            .await
        {
            let shown = self.text("h1").await;
            let status = self.text("#status").await;
            panic!("expected the page {heading:?}, shown {shown:?} ({status:?}): {e}");
        }
    }

    /// Waits until the element `css` shows `expected` (a part of its text).
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let deadline = tokio::time::Instant::now() + STEP_DEADLINE;
        loop {
            let shown = self.text(css).await;
            if shown.contains(expected) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} shows {shown:?}, not {expected:?}"
            );
            // Polls what the page shows, as a person would look again.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The text an element shows, or "" when there is none.
    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Saves the page at desktop and phone width, `name-desktop.png` and `name-phone.png`.
    pub async fn screenshots(&self, name: &str) {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        for (size, (width, height)) in [("desktop", (1280, 900)), ("phone", (390, 844))] {
            self.client.set_window_size(width, height).await.unwrap();
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{size}.png")), png).unwrap();
        }
        self.client.set_window_size(1280, 900).await.unwrap();
    }

    /// Saves the whole page, past the window's bottom, at desktop width: `name-full.png`.
    pub async fn full_page_screenshot(&self, name: &str) {
        use base64::Engine;
        let metrics = self
            .client
            .issue_cmd(ChromeCommand::Cdp("Page.getLayoutMetrics", json!({})))
            .await
            .unwrap();
        let size = &metrics["cssContentSize"];
        let shot = self
            .client
            .issue_cmd(ChromeCommand::Cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
                }),
            ))
            .await
            .unwrap();
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}-full.png")), png).unwrap();
    }

    /// Asserts that nothing a page script can reach holds a token: `document.cookie` shows no
    /// session, web storage holds none of `tokens` (the ones the service holds for the user)
    /// nor anything shaped like a JWT, and no answer the page received carried one; at least
    /// one answer of the service's API must have been read back.
    pub async fn assert_no_token_reachable(&self, tokens: &[String]) {
        let reachable = self
            .client
            .execute(
                "const all = {cookie: document.cookie, local: {}, session: {}};\
                 for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); all.local[k] = localStorage.getItem(k); }\
                 for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i); all.session[k] = sessionStorage.getItem(k); }\
                 return all;",
                vec![],
            )
            .await
            .unwrap();
        let cookie = reachable["cookie"].as_str().unwrap_or_default();
        assert!(
            !cookie.contains("cognito-bff-session") && !cookie.contains("cognito-bff-challenge"),
            "document.cookie shows {cookie:?}"
        );
        let storage = reachable.to_string();
        assert!(
            !storage.contains("eyJ"),
            "a token in web storage: {storage}"
        );
        assert!(!tokens.is_empty(), "no tokens to look for");
        for token in tokens {
            assert!(
                !storage.contains(token.as_str()),
                "a held token in web storage"
            );
        }
        let (_, bodies) = self.answers().await;
        let api_answers = bodies
            .iter()
            .filter(|(url, _)| !url.contains("/ui/"))
            .count();
        assert!(api_answers > 0, "no answer of the API was read back");
        for (url, body) in &bodies {
            assert!(!body.contains("eyJ"), "a token in the answer from {url}");
            for token in tokens {
                assert!(
                    !body.contains(token.as_str()),
                    "a held token in the answer from {url}"
                );
            }
        }
    }

    /// Every answer the page received since the last call: how many, and the bodies still
    /// held, by URL.
    async fn answers(&self) -> (usize, Vec<(String, String)>) {
        let log = self
            .client
            .issue_cmd(ChromeCommand::Log)
            .await
            .expect("the performance log");
        let mut seen = 0;
        let mut bodies = Vec::new();
        for entry in log.as_array().into_iter().flatten() {
            let Some(message) = entry["message"]
                .as_str()
                .and_then(|m| serde_json::from_str::<Value>(m).ok())
            else {
                continue;
            };
            let message = &message["message"];
            if message["method"] != "Network.responseReceived" {
                continue;
            }
            seen += 1;
            let url = message["params"]["response"]["url"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let headers = message["params"]["response"]["headers"].to_string();
            assert!(!headers.contains("eyJ"), "a token in a header from {url}");
            let request_id = message["params"]["requestId"].clone();
            if let Ok(body) = self
                .client
                .issue_cmd(ChromeCommand::Cdp(
                    "Network.getResponseBody",
                    json!({"requestId": request_id}),
                ))
                .await
                && let Some(text) = body["body"].as_str()
            {
                bodies.push((url, text.to_owned()));
            }
        }
        (seen, bodies)
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// chromedriver's own commands: its logs, and the DevTools Protocol.
#[derive(Debug)]
enum ChromeCommand {
    Log,
    Cdp(&'static str, Value),
}

impl WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(
        &self,
        base_url: &reqwest::Url,
        session_id: Option<&str>,
    ) -> Result<reqwest::Url, UrlParseError> {
        let session = session_id.unwrap_or_default();
        match self {
            ChromeCommand::Log => base_url.join(&format!("session/{session}/se/log")),
            ChromeCommand::Cdp(..) => base_url.join(&format!("session/{session}/goog/cdp/execute")),
        }
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        let body = match self {
            ChromeCommand::Log => json!({"type": "performance"}),
            ChromeCommand::Cdp(cmd, params) => json!({"cmd": cmd, "params": params}),
        };
        (axum::http::Method::POST, Some(body.to_string()))
    }
}
