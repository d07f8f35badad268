//! A recording proxy in front of the peer: it shows what reached Cognito (the emulator checks
//! neither SECRET_HASH nor much else) and can make Cognito fail on cue.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// What to answer instead of forwarding.
#[derive(Clone, Debug)]
pub enum Fault {
    /// A Cognito error: HTTP status and error type, as Cognito would send them.
    Error { status: u16, code: &'static str },
    /// No answer at all, as from a Cognito that is too slow.
    Hang,
    /// A canned success, for the few calls the emulator does not implement.
    Reply(serde_json::Value),
    /// Held until the semaphore has a permit, then forwarded: a Cognito as slow as the
    /// test wants, released exactly when it says.
    Gate(Arc<tokio::sync::Semaphore>),
}

impl Fault {
    pub const SERVER_ERROR: Fault = Fault::Error {
        status: 500,
        code: "InternalErrorException",
    };
    pub const THROTTLED: Fault = Fault::Error {
        status: 400,
        code: "TooManyRequestsException",
    };

    pub fn error(status: u16, code: &'static str) -> Fault {
        Fault::Error { status, code }
    }
}

#[derive(Default)]
struct Shared {
    calls: Vec<(String, Value)>,
    faults: HashMap<String, (Fault, usize)>,
    /// The peer's response headers, per forwarded call.
    replies: Vec<(String, HeaderMap)>,
}

/// Wakes waiters whenever a call arrives.
#[derive(Default)]
struct Arrivals(tokio::sync::Notify);

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    shared: Arc<Mutex<Shared>>,
    arrivals: Arc<Arrivals>,
}

pub struct Proxy {
    pub endpoint: String,
    shared: Arc<Mutex<Shared>>,
    arrivals: Arc<Arrivals>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let arrivals = Arc::new(Arrivals::default());
        let state = ProxyState {
            upstream: upstream.to_owned(),
            http: reqwest::Client::new(),
            shared: shared.clone(),
            arrivals: arrivals.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Proxy {
            endpoint,
            shared,
            arrivals,
        }
    }

    /// Waits until `count` calls of `operation` have arrived (forwarded or held).
    pub async fn wait_for(&self, operation: &str, count: usize) {
        loop {
            let arrived = self.arrivals.0.notified();
            let mut arrived = std::pin::pin!(arrived);
            // Registered before the check, so an arrival in between is not missed.
            arrived.as_mut().enable();
            if self.calls(operation).len() >= count {
                return;
            }
            arrived.await;
        }
    }

    /// The JSON bodies of every call of `operation` (e.g. "InitiateAuth") so far.
    pub fn calls(&self, operation: &str) -> Vec<Value> {
        self.shared
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|(op, _)| op == operation)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// The value of response header `name` on every forwarded reply to `operation` that had it.
    pub fn reply_headers(&self, operation: &str, name: &str) -> Vec<String> {
        self.shared
            .lock()
            .unwrap()
            .replies
            .iter()
            .filter(|(op, _)| op == operation)
            .filter_map(|(_, headers)| headers.get(name)?.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// Every Cognito operation called so far, in order.
    pub fn operations(&self) -> Vec<String> {
        self.shared
            .lock()
            .unwrap()
            .calls
            .iter()
            .map(|(op, _)| op.clone())
            .collect()
    }

    /// Answers the next `times` calls of `operation` with `fault` instead of forwarding them.
    pub fn fail(&self, operation: &str, fault: Fault, times: usize) {
        self.shared
            .lock()
            .unwrap()
            .faults
            .insert(operation.to_owned(), (fault, times));
    }
}

async fn forward(
    State(state): State<ProxyState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or("")
        .to_owned();
    let fault = {
        let mut shared = state.shared.lock().unwrap();
        if !operation.is_empty() {
            let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            shared.calls.push((operation.clone(), json));
            state.arrivals.0.notify_waiters();
        }
        match shared.faults.get_mut(&operation) {
            Some((fault, times)) if *times > 0 => {
                *times -= 1;
                Some(fault.clone())
            }
            _ => None,
        }
    };
    match fault {
        Some(Fault::Error { status, code }) => {
            let body = serde_json::json!({"__type": code, "message": "injected by the test proxy"});
            return (
                StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/x-amz-json-1.1")],
                body.to_string(),
            )
                .into_response();
        }
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(Fault::Gate(gate)) => {
            let _permit = gate.acquire().await;
        }
        Some(Fault::Reply(body)) => {
            return (
                StatusCode::OK,
                [("content-type", "application/x-amz-json-1.1")],
                body.to_string(),
            )
                .into_response();
        }
        None => {}
    }
    let url = format!(
        "{}{}",
        state.upstream,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = state.http.request(method, url).body(body);
    for (name, value) in headers.iter() {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(upstream) => {
            let status = upstream.status();
            let content_type = upstream
                .headers()
                .get("content-type")
                .cloned()
                .unwrap_or_else(|| "application/json".parse().unwrap());
            state
                .shared
                .lock()
                .unwrap()
                .replies
                .push((operation, upstream.headers().clone()));
            let bytes = upstream.bytes().await.unwrap_or_default();
            (
                status,
                [("content-type", content_type)],
                cognito_shape(bytes),
            )
                .into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// Cognito's ChallengeParameters are all strings, lists among them travelling as JSON text
/// (MFAS_CAN_SETUP = `["SOFTWARE_TOKEN_MFA"]`). The emulator writes MFAS_CAN_SETUP as Python
/// prints a list (`['SOFTWARE_TOKEN_MFA']`), which isn't JSON; only that is reshaped, so the
/// service sees what Cognito would send.
fn cognito_shape(bytes: Bytes) -> Bytes {
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return bytes;
    };
    let Some(Value::String(text)) = json
        .get_mut("ChallengeParameters")
        .and_then(|p| p.get_mut("MFAS_CAN_SETUP"))
    else {
        return bytes;
    };
    if !text.starts_with("['") {
        return bytes;
    }
    *text = text.replace('\'', "\"");
    Bytes::from(json.to_string())
}
