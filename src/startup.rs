//! Building and running the application: the SDK client, the database, the router and the
//! background tasks, from a validated `Config`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cognitoidentityprovider::config::Region;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::{Request, Response};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::{Verifier, VerifierConfig};
use crate::challenge::{ChallengeStore, CookieSettings, SessionCipher};
use crate::cognito::Cognito;
use crate::config::Config;
use crate::error::ApiError;
use crate::json::BODY_LIMIT;
use crate::limits::Limits;
use crate::revocation::{RefreshIndex, RevocationList};
use crate::signin::{SignIn, SignInSettings};
use crate::state::AppState;
use crate::{db, prometheus, request_id, routes};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Database(#[source] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
}

const PURGE_INTERVAL: Duration = Duration::from_secs(60);

impl Application {
    /// Opens the database, applies migrations, binds the port and starts background tasks.
    /// Bind to port 0 to get a free port; `local_addr` tells which.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Before anything records a metric.
        prometheus::handle();
        let pool = db::connect(&config.database.url, config.database.max_connections)
            .await
            .map_err(StartupError::Database)?;
        db::migrate(&pool, config.database.backend).await?;

        let cognito = Cognito::new(
            cognito_client(&config).await,
            config.user_pool_id.clone(),
            config.client_id.clone(),
            config.client_secret.clone(),
        );
        // The lease must outlast the Cognito calls of one step with their retries, which the
        // SDK bounds by the operation timeout: two in a row for a TOTP set-up answer.
        let (key, previous_key) = session_keys(&config);
        let store = ChallengeStore::new(
            pool.clone(),
            2 * config.cognito_timeout + Duration::from_secs(5),
            Arc::new(SessionCipher::new(&key, previous_key.as_ref())),
        );
        let refresh_tokens = Arc::new(RefreshIndex::new(pool.clone(), &key, previous_key.as_ref()));
        let revocations = RevocationList::new(pool.clone(), config.database.backend);
        // A replica that starts must know every live revocation before it serves.
        revocations.sync().await.map_err(StartupError::Database)?;
        let verifier = Arc::new(
            Verifier::new(VerifierConfig {
                jwks_url: config.jwks_url.clone(),
                issuer: config.issuer.clone(),
                client_ids: config.accepted_client_ids.clone(),
                leeway: config.jwt_leeway,
                cache_capacity: config.token_cache_capacity,
            })
            .with_revocations(revocations.clone()),
        );
        let limits = Arc::new(Limits::new(config.limits, config.trusted_proxies.clone()));
        let state = AppState {
            signin: SignIn::new(
                cognito.clone(),
                store.clone(),
                SignInSettings {
                    ttl: config.challenge_ttl,
                    failure_floor: config.login_failure_floor,
                    flow: config.auth_flow,
                    refresh_lifetime: config.refresh_token_validity,
                },
                limits.clone(),
                refresh_tokens.clone(),
            ),
            limits,
            refresh_tokens: refresh_tokens.clone(),
            store: store.clone(),
            cookies: CookieSettings {
                secure: config.cookie_secure,
            },
            config: Arc::new(config.clone()),
            cognito,
            verifier: verifier.clone(),
            revocations: revocations.clone(),
            db: pool,
        };
        tokio::spawn(load_keys(verifier, config.jwks_refresh));
        tokio::spawn(metrics_upkeep());
        tokio::spawn(purge_expired(store, revocations.clone(), refresh_tokens));
        tokio::spawn(revocations.follow(
            db::normalize_url(&config.database.url),
            config.revocation_sync,
        ));

        if !config.cookie_secure {
            tracing::warn!(
                "COOKIE_SECURE=false: the challenge cookie has no Secure flag or __Host- prefix, \
                 so anything that can serve plain http on this host or a sibling domain can plant \
                 one; for local development only"
            );
        }
        let listener = bind(config.listen_addr).await?;
        let metrics_listener = match config.metrics_addr {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        Ok(Application {
            listener,
            metrics_listener,
            router: app(state.clone()),
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Where `/metrics` is served, when it is.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .map(|l| l.local_addr().expect("a bound listener has an address"))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        if let Some(listener) = self.metrics_listener {
            let metrics = axum::serve(listener, routes::metrics_router(self.state.clone()))
                .with_graceful_shutdown(stopped(stopping.clone()));
            tokio::spawn(async move {
                if let Err(e) = metrics.await {
                    tracing::error!(error = %e, "the metrics listener failed");
                }
            });
        }
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stopped(stopping))
        .await
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

/// The key that seals stored Cognito sessions and keys the refresh-token index, and the one
/// before the last rotation. Without a configured key (allowed on SQLite only) a random one
/// lives as long as the process.
fn session_keys(config: &Config) -> ([u8; 32], Option<[u8; 32]>) {
    use secrecy::ExposeSecret;
    let key = |secret: &Option<secrecy::SecretString>| {
        secret
            .as_ref()
            .and_then(|s| crate::config::decode_key(s.expose_secret()))
    };
    match key(&config.session_encryption_key) {
        Some(current) => (current, key(&config.session_encryption_key_previous)),
        None => {
            tracing::warn!(
                "SESSION_ENCRYPTION_KEY is not set: using a random key, so pending sign-in \
                 challenges won't survive a restart"
            );
            let mut random = [0u8; 32];
            getrandom::fill(&mut random).expect("the OS random source works");
            (random, None)
        }
    }
}

async fn cognito_client(config: &Config) -> aws_sdk_cognitoidentityprovider::Client {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_timeout(config.cognito_timeout)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(config.cognito_max_attempts));
    if let Some(endpoint) = &config.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    aws_sdk_cognitoidentityprovider::Client::new(&loader.load().await)
}

/// The router with every cross-cutting layer.
pub fn app(state: AppState) -> Router {
    let layers = ServiceBuilder::new()
        .layer(SetSensitiveHeadersLayer::new([
            AUTHORIZATION,
            COOKIE,
            SET_COOKIE,
        ]))
        .layer(tower::util::MapRequestLayer::new(
            request_id::drop_unacceptable::<axum::body::Body>,
        ))
        .layer(SetRequestIdLayer::new(
            request_id::HEADER,
            request_id::MakeUuid,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response)
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(request_id::HEADER))
        .layer(axum::middleware::from_fn(request_id::scope))
        .layer(axum::middleware::from_fn(prometheus::track_requests))
        .layer(CatchPanicLayer::custom(|_panic| {
            ApiError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let verifier = state.verifier.clone();
    let request_timeout = state.config.request_timeout;
    let cors = cors(&state.config.allowed_origins);
    routes::router()
        .with_state(state)
        .layer(axum::middleware::from_fn(move |request, next| {
            time_limit(request_timeout, request, next)
        }))
        .layer(axum::Extension(verifier.clone()))
        .layer(layers)
        .layer(cors)
        // Merged after the layers above, so the gateways' hot path skips them.
        .merge(routes::verify::router(verifier))
}

use axum::response::IntoResponse;

/// Answers 504 when a request as a whole takes longer than `limit`. Cognito calls have their
/// own, shorter timeout, so this catches only what nothing else bounds.
async fn time_limit(
    limit: Duration,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

/// CORS for the configured browser origins, with credentials; none configured, no CORS
/// headers at all (and never `*` with credentials).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, HeaderValue, Method, header};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    if origins.is_empty() {
        return CorsLayer::new();
    }
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            request_id::HEADER,
        ])
        .expose_headers([
            request_id::HEADER,
            header::RETRY_AFTER,
            HeaderName::from_static("www-authenticate"),
        ])
        .max_age(Duration::from_secs(600))
}

/// One span per request: the matched route and a known method, never the raw URI, a
/// made-up method or any header but the (checked) request id.
fn request_span<B>(request: &Request<B>) -> Span {
    let route = prometheus::route_label(request);
    let id = request
        .headers()
        .get(&request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %id,
        method = prometheus::method_label(request.method()),
        route = %route,
        cognito_operation = tracing::field::Empty,
    )
}

fn log_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request finished"
    );
}

/// Without a scraper, histogram samples would pile up between scrapes; upkeep folds them.
async fn metrics_upkeep() {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        prometheus::handle().run_upkeep();
    }
}

/// Loads the pool's keys, retrying with backoff until they arrive, then refreshes them on a
/// schedule so keys removed upstream stop being trusted.
async fn load_keys(verifier: Arc<Verifier>, every: Duration) {
    let mut delay = Duration::from_millis(250);
    loop {
        match verifier.keys().refresh().await {
            Ok(_) => break,
            Err(e) => {
                tracing::warn!(error = %e, url = verifier.keys().url(), "cannot load the JWKS yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }
    let mut schedule = tokio::time::interval(every);
    schedule.tick().await;
    loop {
        schedule.tick().await;
        if let Err(e) = verifier.keys().refresh().await {
            tracing::warn!(error = %e, "JWKS refresh failed; keeping the cached keys");
        }
    }
}

async fn purge_expired(
    store: ChallengeStore,
    revocations: Arc<RevocationList>,
    refresh_tokens: Arc<RefreshIndex>,
) {
    let mut every = tokio::time::interval(PURGE_INTERVAL);
    loop {
        every.tick().await;
        if let Err(e) = refresh_tokens.purge_expired().await {
            tracing::warn!(error = %e, "purging expired refresh-token records failed");
        }
        match store.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "expired challenges purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired challenges failed"),
        }
        match revocations.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "expired revocations purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired revocations failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test(start_paused = true)]
    async fn a_request_past_the_time_limit_gets_a_504_problem() {
        let app = Router::new()
            .route("/", get(std::future::pending::<&'static str>))
            .layer(axum::middleware::from_fn(|request, next| {
                time_limit(Duration::from_secs(30), request, next)
            }));
        let response = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            response.headers()[axum::http::header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
