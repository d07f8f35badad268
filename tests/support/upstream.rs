//! A stand-in for an upstream API behind the token handler: it records every request it gets
//! and echoes what a browser may see of it (never the `Authorization` header).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// One request as the upstream received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct EchoUpstream {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl EchoUpstream {
    pub async fn start() -> EchoUpstream {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = received.clone();
        let app = Router::new()
            .fallback(
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    let log = log.clone();
                    async move { echo(log, method, uri, headers, body).await }
                },
            )
            .layer(axum::extract::DefaultBodyLimit::disable());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        EchoUpstream { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn echo(
    log: Arc<Mutex<Vec<Received>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    log.lock().unwrap().push(Received {
        method: method.clone(),
        uri: uri.clone(),
        headers: headers.clone(),
        body: body.clone(),
    });
    match uri.path() {
        // Never answers: the service's timeout for this upstream must.
        "/slow" => std::future::pending().await,
        // Answers with the headers the query names, e.g. `?cache-control=max-age%3D600`, so a
        // test says what the upstream answers (under any prefix).
        path if path.ends_with("/answer") => {
            let mut answer = "answered".into_response();
            for (name, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
                answer.headers_mut().append(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    axum::http::HeaderValue::from_str(&value).unwrap(),
                );
            }
            if answer.headers().contains_key("location") {
                *answer.status_mut() = axum::http::StatusCode::FOUND;
            }
            answer
        }
        "/sets-a-cookie" => (
            [
                (
                    "set-cookie",
                    "__Host-cognito-bff-session=planted; Path=/; Secure",
                ),
                ("authorization", "Bearer echoed"),
                ("access-control-allow-origin", "*"),
                ("x-upstream", "echo"),
            ],
            "cookie set",
        )
            .into_response(),
        _ => axum::Json(json!({
            "method": method.as_str(),
            "path": uri.path(),
            "query": uri.query(),
            "body_length": body.len(),
            "body": String::from_utf8_lossy(&body[..body.len().min(1024)]),
            "had_bearer": headers
                .get("authorization")
                .is_some_and(|v| v.as_bytes().starts_with(b"Bearer ")),
        }))
        .into_response(),
    }
}
