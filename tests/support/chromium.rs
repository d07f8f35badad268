//! Headless Chromium, driven through chromedriver (WebDriver) as a person would use a page:
//! typing into labelled fields, clicking buttons, reading what the page shows. Every answer
//! the page receives is read back from Chromium's network log, to prove no token reaches it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
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
/// How soon a step looks at the page again.
const LOOK_AGAIN: Duration = Duration::from_millis(50);

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
        let port = super::free_port();
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

    // Reading the page while it navigates (the pages' script sets `location.href` once an
    // answer comes) fails in ways that say nothing of the page a step waits for: chromedriver's
    // non-conforming "aborted by navigation", a stale element, a node of a document that went
    // away, a script whose document was replaced. So every read here waits for a document that
    // has finished loading (`document.readyState` is `complete`, so the script has run and
    // enabled the buttons), and a read that fails for any reason is tried again, on whatever
    // document is there by then, until the step's deadline; only then does the step fail, with
    // the last reason. Reads change nothing, so trying again is safe. Typing clears the field
    // first, so it too may be tried again; a click is tried again only when it can't have
    // happened (the element was stale or couldn't be clicked), so nothing is sent twice, and
    // one whose answer says the page navigated meanwhile was delivered: the next step looks
    // at where it led.

    /// Looks with `look` until it sees something, or the step's deadline passes: then the
    /// last reason it gave (`Ok(None)`: not there yet).
    async fn poll<T>(
        &self,
        mut look: impl AsyncFnMut() -> Result<Option<T>, String>,
    ) -> Result<T, String> {
        let deadline = tokio::time::Instant::now() + STEP_DEADLINE;
        loop {
            let reason = match look().await {
                Ok(Some(seen)) => return Ok(seen),
                Ok(None) => "not there".to_owned(),
                Err(reason) => reason,
            };
            if tokio::time::Instant::now() >= deadline {
                return Err(reason);
            }
            // Polls the page, as a person would look again.
            tokio::time::sleep(LOOK_AGAIN).await;
        }
    }

    /// Whether the page has finished loading; not while a new document is on its way in.
    async fn loaded(&self) -> Result<bool, String> {
        let state = self
            .client
            .execute("return document.readyState", vec![])
            .await
            .map_err(|e| e.to_string())?;
        Ok(state == "complete")
    }

    /// The element `locator` finds on a loaded page, if it is there now.
    async fn look(&self, locator: Locator<'_>) -> Result<Option<Element>, String> {
        if !self.loaded().await? {
            return Ok(None);
        }
        match self.client.find(locator).await {
            Ok(element) => Ok(Some(element)),
            Err(e) if e.is_no_such_element() => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Waits for the element `locator` finds on a loaded page.
    async fn find(&self, locator: Locator<'_>) -> Result<Element, String> {
        self.poll(async || self.look(locator).await).await
    }

    /// Does `act` on the element `locator` finds, again on a fresh find while the element
    /// was stale or couldn't take it (so `act` never happened), until the step's deadline. An
    /// answer that the page navigated while `act` ran means it happened.
    async fn act(
        &self,
        what: &str,
        locator: Locator<'_>,
        act: impl AsyncFn(Element) -> Result<(), CmdError>,
    ) {
        let deadline = tokio::time::Instant::now() + STEP_DEADLINE;
        loop {
            let element = self
                .find(locator)
                .await
                .unwrap_or_else(|e| panic!("no {what}: {e}"));
            match act(element).await {
                Ok(()) => return,
                Err(e) if navigated(&e) => return,
                Err(e)
                    if (e.is_stale_element_reference()
                        || e.is_element_not_interactable()
                        || matches!(&e, CmdError::Standard(w)
                            if w.error == fantoccini::error::ErrorStatus::ElementClickIntercepted))
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(LOOK_AGAIN).await;
                }
                Err(e) => panic!("{what}: {e}"),
            }
        }
    }

    /// The input labelled `label` (by its `<label for>`), as a person finds it.
    fn field_xpath(label: &str) -> String {
        format!(
            "//input[@id=//label[normalize-space(.)='{label}']/@for][not(ancestor::*[@hidden])]"
        )
    }

    /// Types `text` into the field labelled `label`, replacing what it held.
    pub async fn type_into(&self, label: &str, text: &str) {
        let xpath = Self::field_xpath(label);
        let deadline = tokio::time::Instant::now() + STEP_DEADLINE;
        loop {
            let field = self
                .find(Locator::XPath(&xpath))
                .await
                .unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"));
            // Cleared first: typing again after a failure leaves only `text`.
            let typed = match field.clear().await {
                Ok(()) => field.send_keys(text).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(LOOK_AGAIN).await;
                }
                Err(e) => panic!("typing into {label:?}: {e}"),
            }
        }
    }

    /// What the field labelled `label` holds.
    pub async fn value_of(&self, label: &str) -> String {
        let xpath = Self::field_xpath(label);
        self.poll(async || {
            let Some(field) = self.look(Locator::XPath(&xpath)).await? else {
                return Ok(None);
            };
            field.prop("value").await.map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"))
    }

    /// Clicks the visible, enabled button whose text is `text`.
    pub async fn click(&self, text: &str) {
        let xpath = format!(
            "//button[normalize-space(.)='{text}'][not(@disabled)][not(ancestor-or-self::*[@hidden])]"
        );
        self.act(
            &format!("button {text:?}"),
            Locator::XPath(&xpath),
            async |button| button.click().await,
        )
        .await;
    }

    /// Clicks the element `css` selects (one a person finds by where it is, not by its text).
    pub async fn click_at(&self, css: &str) {
        self.act(&format!("{css:?}"), Locator::Css(css), async |element| {
            element.click().await
        })
        .await;
    }

    pub async fn click_link(&self, text: &str) {
        self.act(
            &format!("link {text:?}"),
            Locator::LinkText(text),
            async |link| link.click().await,
        )
        .await;
    }

    /// Waits until the page's heading is `heading`, as the user reads it.
    pub async fn wait_for_heading(&self, heading: &str) {
        let xpath = format!("//h1[normalize-space(.)='{heading}']");
        if let Err(e) = self.find(Locator::XPath(&xpath)).await {
            let shown = self.text("h1").await;
            let status = self.text("#status").await;
            panic!("expected the page {heading:?}, shown {shown:?} ({status:?}): {e}");
        }
    }

    /// Waits until the element `css` shows `expected` (a part of its text).
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let seen = self
            .poll(async || {
                let shown = self.text(css).await;
                if shown.contains(expected) {
                    Ok(Some(()))
                } else {
                    Err(format!("shows {shown:?}"))
                }
            })
            .await;
        if let Err(shown) = seen {
            panic!("{css} {shown}, not {expected:?}");
        }
    }

    /// Waits until `script` (a function body that returns a value) gives `expected`.
    pub async fn wait_for_value(&self, script: &str, expected: Value) {
        let seen = self
            .poll(async || {
                let got = self.read(script).await;
                if got == expected {
                    Ok(Some(()))
                } else {
                    Err(format!("gives {got}"))
                }
            })
            .await;
        if let Err(got) = seen {
            panic!("{script} {got}, not {expected}");
        }
    }

    /// Waits until the element `css` shows some text, and gives it.
    pub async fn text_when_shown(&self, css: &str) -> String {
        self.poll(async || Ok(Some(self.text(css).await).filter(|shown| !shown.is_empty())))
            .await
            .unwrap_or_else(|e| panic!("{css} shows nothing: {e}"))
    }

    /// Waits until `css` selects `count` elements.
    pub async fn wait_for_count(&self, css: &str, count: usize) {
        let seen = self
            .poll(async || {
                if !self.loaded().await? {
                    return Ok(None);
                }
                let found = self
                    .client
                    .find_all(Locator::Css(css))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok((found.len() == count).then_some(()))
            })
            .await;
        if let Err(e) = seen {
            panic!("{css}: not {count} of them ({e})");
        }
    }

    /// The text an element shows, or "" when there is none (or none yet: the page is loading).
    pub async fn text(&self, css: &str) -> String {
        match self.look(Locator::Css(css)).await {
            Ok(Some(element)) => element.text().await.unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// What `script` (which must change nothing) returns on a loaded page.
    pub async fn read(&self, script: &str) -> Value {
        self.poll(async || {
            if !self.loaded().await? {
                return Ok(None);
            }
            self.client
                .execute(script, vec![])
                .await
                .map(Some)
                .map_err(|e| e.to_string())
        })
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits until the browser is at `url`, as a person would look at the address bar.
    pub async fn wait_for_url(&self, url: &str) {
        let at = self
            .poll(async || {
                let now = self.client.current_url().await.map_err(|e| e.to_string())?;
                Ok((now.as_str() == url).then_some(()))
            })
            .await;
        if let Err(e) = at {
            let now = self.client.current_url().await.map(|u| u.to_string());
            panic!("not at {url}, at {now:?} ({e})");
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
            .read(
                "const all = {cookie: document.cookie, local: {}, session: {}};\
                 for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); all.local[k] = localStorage.getItem(k); }\
                 for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i); all.session[k] = sessionStorage.getItem(k); }\
                 return all;",
            )
            .await;
        let cookie = reachable["cookie"].as_str().unwrap_or_default();
        assert!(
            !cookie.contains("cognito-bff-session")
                && !cookie.contains("cognito-bff-challenge")
                && !cookie.contains("cognito-bff-device"),
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
        // The service's answers, not a page's files (the built-in pages, an app's bundle).
        let api_answers = bodies
            .iter()
            .filter(|(url, _)| {
                let path = url.split(['?', '#']).next().unwrap_or_default();
                !path.contains("/ui/")
                    && !path.ends_with('/')
                    && ![".js", ".css", ".html", ".png", "config.json"]
                        .iter()
                        .any(|file| path.ends_with(file))
            })
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

    /// Gives the browser a passkey authenticator built in, as a phone's or a laptop's: one
    /// that keeps discoverable credentials and verifies the user (as a fingerprint would)
    /// without asking, through WebDriver's WebAuthn extension. Its id, for `passkeys_held`.
    pub async fn add_virtual_authenticator(&self) -> String {
        let added = self
            .client
            .issue_cmd(ChromeCommand::AddAuthenticator(json!({
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": true,
                "hasUserVerification": true,
                "isUserConsenting": true,
                "isUserVerified": true,
            })))
            .await
            .expect("a virtual authenticator");
        added.as_str().expect("the authenticator's id").to_owned()
    }

    /// The credentials (passkeys) the virtual authenticator `id` holds, as WebDriver lists
    /// them: `credentialId`, `rpId`, `userHandle`, `signCount`, ...
    pub async fn passkeys_held(&self, id: &str) -> Vec<Value> {
        let held = self
            .client
            .issue_cmd(ChromeCommand::Credentials(id.to_owned()))
            .await
            .expect("the authenticator's credentials");
        held.as_array().cloned().unwrap_or_default()
    }

    /// Whether the user passes the virtual authenticator `id`'s verification from now on (as
    /// a fingerprint that is, or isn't, recognised).
    pub async fn set_user_verified(&self, id: &str, verified: bool) {
        self.client
            .issue_cmd(ChromeCommand::UserVerified(id.to_owned(), verified))
            .await
            .expect("the authenticator's user verification set");
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// chromedriver's answer that the page navigated while a command ran ("aborted by navigation",
/// "Inspected target navigated or closed").
fn navigated(error: &CmdError) -> bool {
    let said = error.to_string();
    said.contains("by navigation") || said.contains("target navigated")
}

/// chromedriver's own commands: its logs, the DevTools Protocol, and the WebAuthn
/// extension's virtual authenticators.
#[derive(Debug)]
enum ChromeCommand {
    Log,
    Cdp(&'static str, Value),
    AddAuthenticator(Value),
    Credentials(String),
    UserVerified(String, bool),
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
            ChromeCommand::AddAuthenticator(_) => {
                base_url.join(&format!("session/{session}/webauthn/authenticator"))
            }
            ChromeCommand::Credentials(id) => base_url.join(&format!(
                "session/{session}/webauthn/authenticator/{id}/credentials"
            )),
            ChromeCommand::UserVerified(id, _) => {
                base_url.join(&format!("session/{session}/webauthn/authenticator/{id}/uv"))
            }
        }
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        let body = match self {
            ChromeCommand::Log => json!({"type": "performance"}),
            ChromeCommand::Cdp(cmd, params) => json!({"cmd": cmd, "params": params}),
            ChromeCommand::AddAuthenticator(options) => options.clone(),
            ChromeCommand::Credentials(_) => return (axum::http::Method::GET, None),
            ChromeCommand::UserVerified(_, verified) => json!({"isUserVerified": verified}),
        };
        (axum::http::Method::POST, Some(body.to_string()))
    }
}
