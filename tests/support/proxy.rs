//! A recording proxy in front of the peer: it shows what reached Cognito (the emulator checks
//! neither SECRET_HASH nor much else), and answers from a script where the test says so.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// What to answer a call with instead of forwarding it.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A success with this body, for what the emulator doesn't produce.
    Ok(Value),
    /// A Cognito error: HTTP status, error type and message, as Cognito would send them.
    Error {
        status: u16,
        code: &'static str,
        message: &'static str,
    },
    /// No answer at all, as from a Cognito that is too slow.
    Hang,
    /// Held until the semaphore has a permit, then forwarded: a Cognito as slow as the
    /// test wants, released exactly when it says.
    Gate(Arc<tokio::sync::Semaphore>),
}

/// The message of every scripted error, so a test can check it never reaches a client.
pub const SCRIPTED_MESSAGE: &str = "scripted by the test";

impl Reply {
    pub const SERVER_ERROR: Reply = Reply::error(500, "InternalErrorException");
    pub const THROTTLED: Reply = Reply::error(400, "TooManyRequestsException");

    pub const fn error(status: u16, code: &'static str) -> Reply {
        Reply::Error {
            status,
            code,
            message: SCRIPTED_MESSAGE,
        }
    }
}

#[derive(Default)]
struct Shared {
    /// Every call, in order: the operation and its JSON body.
    calls: Vec<(String, Value)>,
    /// Per operation, the replies scripted for its next calls, in order.
    script: HashMap<String, VecDeque<Reply>>,
    /// With nothing behind the proxy: the operations scripted, in the order they must come.
    /// A call out of that order is refused, so a test can't pass with the calls reordered.
    order: Option<VecDeque<String>>,
    /// The peer's response headers, per forwarded call.
    replies: Vec<(String, HeaderMap)>,
}

/// Wakes waiters whenever a call arrives or the peer answers one.
#[derive(Default)]
struct Arrivals(tokio::sync::Notify);

#[derive(Clone)]
struct ProxyState {
    /// `None`: nothing is forwarded, and a call with no reply scripted is refused.
    upstream: Option<String>,
    http: reqwest::Client,
    shared: Arc<Mutex<Shared>>,
    arrivals: Arc<Arrivals>,
}

/// The one Cognito test double: records every call, answers from a script per operation,
/// and forwards the rest to the emulator (or, with no emulator behind it, refuses them).
pub struct Proxy {
    pub endpoint: String,
    shared: Arc<Mutex<Shared>>,
    arrivals: Arc<Arrivals>,
}

impl Proxy {
    /// In front of the emulator at `upstream`.
    pub async fn start(upstream: &str) -> Proxy {
        Proxy::listen(Some(upstream.to_owned())).await
    }

    /// With nothing behind it: every call must be scripted. For what the emulator can't
    /// produce at all (other challenges, refusals between the calls of one step).
    pub async fn scripted() -> Proxy {
        Proxy::listen(None).await
    }

    async fn listen(upstream: Option<String>) -> Proxy {
        let shared = Arc::new(Mutex::new(Shared {
            order: upstream.is_none().then(VecDeque::new),
            ..Shared::default()
        }));
        let arrivals = Arc::new(Arrivals::default());
        let state = ProxyState {
            upstream,
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

    /// Answers the next call of `operation` not yet scripted with `reply`.
    pub fn then(&self, operation: &str, reply: Reply) {
        self.fail(operation, reply, 1);
    }

    /// Answers the next `times` calls of `operation` not yet scripted with `reply`. Replies
    /// queue up behind those scripted before; calls beyond them are forwarded.
    pub fn fail(&self, operation: &str, reply: Reply, times: usize) {
        let mut shared = self.shared.lock().unwrap();
        if let Some(order) = &mut shared.order {
            order.extend(std::iter::repeat_n(operation.to_owned(), times));
        }
        shared
            .script
            .entry(operation.to_owned())
            .or_default()
            .extend(std::iter::repeat_n(reply, times));
    }

    /// Asserts every scripted reply was asked for.
    #[track_caller]
    pub fn assert_script_used_up(&self) {
        let shared = self.shared.lock().unwrap();
        let left: Vec<_> = shared
            .script
            .iter()
            .filter(|(_, replies)| !replies.is_empty())
            .map(|(operation, replies)| (operation.clone(), replies.len()))
            .collect();
        assert!(left.is_empty(), "replies never asked for: {left:?}");
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

    /// Waits until the peer has answered `count` forwarded calls of `operation`.
    pub async fn wait_for_reply(&self, operation: &str, count: usize) {
        loop {
            let arrived = self.arrivals.0.notified();
            let mut arrived = std::pin::pin!(arrived);
            arrived.as_mut().enable();
            let replied = self
                .shared
                .lock()
                .unwrap()
                .replies
                .iter()
                .filter(|(op, _)| op == operation)
                .count();
            if replied >= count {
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

    /// The body of the `n`th call of any operation (from 0), checking it was `operation`.
    #[track_caller]
    pub fn call(&self, n: usize, operation: &str) -> Value {
        let operations = self.operations();
        let shared = self.shared.lock().unwrap();
        let (called, body) = shared
            .calls
            .get(n)
            .unwrap_or_else(|| panic!("no call #{n}; calls: {operations:?}"));
        assert_eq!(called, operation, "call #{n}: {operations:?}");
        body.clone()
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

    /// Every call so far, in order: the operation and its JSON body.
    pub fn all_calls(&self) -> Vec<(String, Value)> {
        self.shared.lock().unwrap().calls.clone()
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
}

fn cognito_json(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/x-amz-json-1.1")],
        body.to_string(),
    )
        .into_response()
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
    let scripted = {
        let mut shared = state.shared.lock().unwrap();
        if !operation.is_empty() {
            let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            shared.calls.push((operation.clone(), json));
            state.arrivals.0.notify_waiters();
        }
        match shared.order.as_mut().map(|order| order.front().cloned()) {
            // Scripted, but another operation was due first.
            Some(Some(due)) if due != operation => Err(due),
            Some(Some(_)) => {
                shared.order.as_mut().map(VecDeque::pop_front);
                Ok(shared
                    .script
                    .get_mut(&operation)
                    .and_then(VecDeque::pop_front))
            }
            _ => Ok(shared
                .script
                .get_mut(&operation)
                .and_then(VecDeque::pop_front)),
        }
    };
    let scripted = match scripted {
        Ok(scripted) => scripted,
        Err(due) => {
            let body = serde_json::json!({
                "__type": "UnexpectedOperation",
                "message": format!("the script expected {due}, not {operation}"),
            });
            return cognito_json(StatusCode::BAD_REQUEST, body);
        }
    };
    match scripted {
        Some(Reply::Error {
            status,
            code,
            message,
        }) => {
            let body = serde_json::json!({"__type": code, "message": message});
            return cognito_json(StatusCode::from_u16(status).unwrap(), body);
        }
        Some(Reply::Hang) => std::future::pending::<()>().await,
        Some(Reply::Gate(gate)) => {
            let _permit = gate.acquire().await;
        }
        Some(Reply::Ok(body)) => return cognito_json(StatusCode::OK, body),
        None => {}
    }
    let Some(upstream) = &state.upstream else {
        let body = serde_json::json!({
            "__type": "NoReplyScripted",
            "message": format!("no reply scripted for {operation}"),
        });
        return cognito_json(StatusCode::BAD_REQUEST, body);
    };
    let url = format!(
        "{}{}",
        upstream,
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
            state.arrivals.0.notify_waiters();
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
