//! The token handler: `/api/{name}/…` forwarded to the upstream API named `name`
//! (API_UPSTREAMS) with the browser session's access token attached, so the browser calls
//! APIs without ever holding a token. Bodies stream both ways.
//!
//! Calls go out through hyper's pooled client directly: every browser call through a
//! signed-in page comes here, and a general-purpose client's request building (a URL parsed
//! again, its header map converted, a redirect policy) cost more than the forwarding itself.

mod deadline;
mod headers;
mod paths;

pub use paths::SafePath;

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, Request, Response};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::config::Upstream;
use crate::error::ApiError;
use deadline::Deadline;
use headers::{address_value, connection_listed, kept_for_the_session, not_returned, passed};
use paths::{relocated, target};

const BEARER: &[u8] = b"Bearer ";

/// Request bodies forwarded to an upstream are capped here; the upstream may cap lower.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// What the upstream gets of a browser's request.
pub struct Forward<'a> {
    pub upstream: &'a Upstream,
    /// The path after `/api/{name}`, as the browser sent it (still percent-encoded), and the
    /// query.
    pub path: SafePath<'a>,
    pub query: Option<&'a str>,
    pub method: Method,
    pub headers: &'a HeaderMap,
    pub body: Body,
    pub access_token: &'a str,
    /// The caller's identity, as `/verify` gives it to gateways: APIs behind a gateway read
    /// the same headers either way.
    pub identity: HeaderMap,
    pub client_ip: Option<IpAddr>,
    /// `https` or `http`: how the browser reached the service.
    pub proto: &'static str,
}

#[derive(Clone)]
pub struct Upstreams {
    client: Client<HttpsConnector<HttpConnector>, Body>,
    /// What `client` connects with, for a pool of another's own ([`Upstreams::with_own_pool`]).
    connector: HttpsConnector<HttpConnector>,
    /// The longest one call may take, the answer's body included.
    timeout: Duration,
    list: std::sync::Arc<[Upstream]>,
    /// The scheme and `host[:port]` of PUBLIC_ORIGIN, for `X-Forwarded-Proto` and
    /// `X-Forwarded-Host`: only what the operator said, never a `Host` a client sent.
    public: Option<(&'static str, HeaderValue)>,
}

impl Upstreams {
    pub fn new(
        list: Vec<Upstream>,
        timeout: Duration,
        public_origin: Option<&reqwest::Url>,
        base_path: &str,
    ) -> Result<Self, rustls::Error> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(timeout.min(Duration::from_secs(5))));
        http.set_nodelay(true);
        // `https://` as well as `http://` upstreams; the same roots reqwest trusts for the
        // service's other calls.
        http.enforce_http(false);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        // An upstream's redirect goes back to the browser: hyper's client follows none.
        let client = Client::builder(TokioExecutor::new()).build(https.clone());
        let public = public_origin.and_then(|origin| {
            let scheme = if origin.scheme() == "https" {
                "https"
            } else {
                "http"
            };
            let host = match origin.port() {
                Some(port) => format!("{}:{port}", origin.host_str()?),
                None => origin.host_str()?.to_owned(),
            };
            Some((scheme, HeaderValue::from_str(&host).ok()?))
        });
        Ok(Upstreams {
            client,
            connector: https,
            timeout,
            list: list.into_iter().map(|u| u.under(base_path)).collect(),
            public,
        })
    }

    /// The same upstreams through a pool of connections of their own: one per worker
    /// (`crate::workers`), so that a connection is only ever used, and woken, on the thread
    /// that opened it.
    pub fn with_own_pool(&self) -> Upstreams {
        Upstreams {
            client: Client::builder(TokioExecutor::new()).build(self.connector.clone()),
            ..self.clone()
        }
    }

    /// PUBLIC_ORIGIN's `host[:port]`, if set.
    fn public_host(&self) -> Option<&str> {
        self.public
            .as_ref()
            .and_then(|(_, host)| host.to_str().ok())
    }

    pub fn find(&self, name: &str) -> Option<&Upstream> {
        self.list.iter().find(|u| u.name == name)
    }

    /// Sends the request on and streams the answer back.
    pub async fn forward(&self, mut forward: Forward<'_>) -> Result<Response<Body>, ApiError> {
        let uri = target(forward.upstream, forward.path, forward.query).ok_or_else(|| {
            ApiError::invalid_field("path", "the path must stay below the upstream's own")
        })?;
        // A body announced as too large is refused before the upstream is called; one that
        // only turns out too large is cut off at the limit.
        let announced = forward
            .headers
            .get(header::CONTENT_LENGTH)
            .map(|v| v.to_str().ok().and_then(|v| v.parse::<u64>().ok()));
        let announced = match announced {
            Some(None) => return Err(ApiError::invalid_field("content-length", "not a length")),
            Some(Some(length)) if length > MAX_BODY as u64 => {
                return Err(ApiError::PayloadTooLarge { limit: MAX_BODY });
            }
            Some(Some(length)) => Some(length),
            None => None,
        };
        let mut headers = self.request_headers(&mut forward)?;
        headers.insert(header::HOST, forward.upstream.host.clone());
        // No body announced and none on its way: none goes on (a GET stays a plain GET).
        let body = if announced.is_some() || !axum::body::HttpBody::is_end_stream(&forward.body) {
            if let Some(length) = announced {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            }
            Body::new(http_body_util::Limited::new(forward.body, MAX_BODY))
        } else {
            Body::empty()
        };
        let mut request = Request::new(body);
        *request.method_mut() = forward.method;
        *request.uri_mut() = uri.clone();
        *request.headers_mut() = headers;
        // One timer for the whole call: it bounds the wait for the answer, then its body.
        let mut deadline = Box::pin(tokio::time::sleep(self.timeout));
        let answer = tokio::select! {
            answer = self.client.request(request) => {
                answer.map_err(|e| upstream_error(&forward.upstream.name, &e))?
            }
            () = deadline.as_mut() => {
                tracing::warn!(upstream = %forward.upstream.name, "an upstream API did not answer in time");
                return Err(ApiError::UpstreamTimeout);
            }
        };
        let (mut parts, body) = answer.into_parts();
        // Room for the upstream's headers, the few added below and the request id the layers
        // add, allocated once.
        let room = HeaderMap::with_capacity(parts.headers.len() + 8);
        let upstream_headers = std::mem::replace(&mut parts.headers, room);
        let listed = connection_listed(&upstream_headers);
        for (name, value) in &upstream_headers {
            let name_text = name.as_str();
            if not_returned(name)
                || name_text.starts_with("access-control-")
                || listed.iter().any(|l| l.eq_ignore_ascii_case(name_text))
            {
                continue;
            }
            parts.headers.append(name.clone(), value.clone());
        }
        if let Some(location) = parts.headers.remove(header::LOCATION)
            && let Some(location) = relocated(forward.upstream, &uri, self.public_host(), location)
        {
            parts.headers.insert(header::LOCATION, location);
        }
        kept_for_the_session(&mut parts.headers);
        // Whatever the upstream sends is shown on this service's origin: never as a page that
        // could run script here.
        parts.headers.insert(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("sandbox; default-src 'none'; frame-ancestors 'none'"),
        );
        parts.headers.insert(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        );
        // The answer's body must arrive by the same deadline; past it, the stream is cut.
        Ok(Response::from_parts(
            parts,
            Body::new(Deadline::new(body, deadline)),
        ))
    }
}

impl Upstreams {
    /// What the upstream gets: the browser's headers it may have, then what the service
    /// knows (the token, the identity, the client's address, the service's public origin).
    fn request_headers(&self, forward: &mut Forward<'_>) -> Result<HeaderMap, ApiError> {
        // The identity's own map, with room for the browser's headers and the service's own:
        // its names are not hashed again.
        let mut headers = std::mem::take(&mut forward.identity);
        headers.reserve(forward.headers.len() + 8);
        let listed = connection_listed(forward.headers);
        for (name, value) in forward.headers {
            // No browser header stands beside the identity (configuration refuses to pass
            // `x-auth-*` names on; this holds whatever it lets through).
            if passed(forward.upstream, name)
                && !name.as_str().starts_with("x-auth-")
                && !listed.iter().any(|l| l == name.as_str())
            {
                headers.append(name.clone(), value.clone());
            }
        }
        // Written once into the buffer the header keeps (a 1 KB token, on every call).
        let mut bearer = Vec::with_capacity(BEARER.len() + forward.access_token.len());
        bearer.extend_from_slice(BEARER);
        bearer.extend_from_slice(forward.access_token.as_bytes());
        let mut bearer = HeaderValue::from_maybe_shared(axum::body::Bytes::from(bearer))
            .map_err(|_| ApiError::NoSession)?;
        // Kept out of HTTP/2 header compression tables and of any header dump.
        bearer.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, bearer);
        if let Some(ip) = forward.client_ip
            && let Some(value) = address_value(ip)
        {
            headers.insert(HeaderName::from_static("x-forwarded-for"), value);
        }
        let proto = self
            .public
            .as_ref()
            .map_or(forward.proto, |(scheme, _)| scheme);
        headers.insert(
            HeaderName::from_static("x-forwarded-proto"),
            HeaderValue::from_static(proto),
        );
        if let Some((_, host)) = &self.public {
            headers.insert(HeaderName::from_static("x-forwarded-host"), host.clone());
        }
        headers.insert(
            HeaderName::from_static("x-forwarded-prefix"),
            forward.upstream.prefix.clone(),
        );
        Ok(headers)
    }
}

fn upstream_error(name: &str, error: &hyper_util::client::legacy::Error) -> ApiError {
    let causes = || std::iter::successors(std::error::Error::source(error), |e| e.source());
    if causes().any(|e| e.is::<http_body_util::LengthLimitError>()) {
        return ApiError::PayloadTooLarge { limit: MAX_BODY };
    }
    // The connector's own timeout (connecting took longer than allowed).
    if causes().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut)
    }) {
        tracing::warn!(upstream = %name, "an upstream API could not be reached in time");
        return ApiError::UpstreamTimeout;
    }
    // The URL may carry a path the user typed; the error's text is not logged.
    tracing::warn!(upstream = %name, connect = error.is_connect(), "an upstream API could not be reached");
    ApiError::UpstreamUnavailable
}
