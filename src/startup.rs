//! Building and running the application: the SDK client, the database, the router and the
//! background tasks, from a validated `Config`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cognitoidentityprovider::config::Region;
use axum::Router;
use cognito_verifier::{Verifier, VerifierConfig};
use tokio::net::TcpListener;

use crate::boundary::Boundary;
use crate::challenge::ChallengeStore;
use crate::cognito::Cognito;
use crate::config::{Config, SessionKey, SessionKeys};
use crate::cookies::CookieSettings;
use crate::db::Backend;
use crate::devices::{DeviceStore, Devices};
use crate::error::ApiError;
use crate::failure_floor::FailureFloor;
use crate::limits::{LimitStore, Limits};
use crate::oauth::{Federation, FederationSettings, FlowStore};
use crate::revocation::{RefreshIndex, RevocationList};
use crate::sessions::{BrowserSessions, SessionStore, SessionTimes};
use crate::shutdown::{self, Cut, Draining, DrainingListener};
use crate::signin::{SignIn, SignInSettings};
use crate::state::{AppState, TokenHandler};
use crate::upstreams::Upstreams;
use crate::vocab::TokenDelivery;
use crate::vocab::{AuthFlow, SessionCipher};
use crate::workers::Workers;
use crate::{db, layers, prometheus, routes};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database: {0}")]
    Database(#[source] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot set up the client for upstream APIs: {0}")]
    Upstreams(#[source] rustls::Error),
    #[error("cannot set up the client for the pool's domain: {0}")]
    Federation(#[source] reqwest::Error),
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
    /// Built with the rest, so that a mistake in the route table stops the start.
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
        db::migrate(&pool).await?;

        let cognito = Cognito::new(
            cognito_client(&config).await,
            config.cognito.user_pool_id.clone(),
            config.cognito.client_id.clone(),
            config.cognito.client_secret.clone(),
        );
        let keys = session_keys(config.challenges.keys.clone());
        let previous = keys.previous.as_ref().map(SessionKey::bytes);
        // The lease must outlast the Cognito calls of one step with their retries, which the
        // SDK bounds by the operation timeout: two in a row for a TOTP set-up answer.
        let cipher = Arc::new(SessionCipher::new(keys.current.bytes(), previous));
        let store = ChallengeStore::new(
            pool.clone(),
            2 * config.cognito.timeout + Duration::from_secs(5),
            cipher.clone(),
        );
        let refresh_tokens = Arc::new(RefreshIndex::new(
            pool.clone(),
            keys.current.bytes(),
            previous,
        ));
        let revocations = RevocationList::new(pool.clone(), config.database.backend);
        // A replica that starts must know every live revocation before it serves.
        revocations.sync().await.map_err(StartupError::Database)?;
        let tokens = &config.tokens;
        let verifier = Arc::new(
            Verifier::new(VerifierConfig {
                jwks_url: tokens.jwks_url.clone(),
                issuer: tokens.issuer.clone(),
                client_ids: tokens.accepted_client_ids.clone(),
                leeway: tokens.leeway,
                cache_capacity: tokens.cache_capacity,
            })
            .with_revocations(revocations.clone()),
        );
        let limit_store = Arc::new(LimitStore::new(pool.clone(), config.database.backend));
        // Replicas share one Postgres and must share the budgets that guard accounts; a
        // SQLite file is one replica, which counts faster in memory.
        let limits = Arc::new(match config.database.backend {
            Backend::Postgres => Limits::shared(
                config.limits.rates,
                config.limits.trusted_proxies.clone(),
                limit_store.clone(),
            ),
            Backend::Sqlite => {
                Limits::new(config.limits.rates, config.limits.trusted_proxies.clone())
            }
        });
        let floor = FailureFloor::new(config.limits.failure_floor);
        let sessions = BrowserSessions::new(
            SessionStore::new(
                pool.clone(),
                config.database.backend,
                cipher.clone(),
                config.sessions.idle_timeout,
                // One refresh call, retries included.
                config.cognito.timeout + Duration::from_secs(5),
                config.sessions.cache_capacity,
            ),
            cognito.clone(),
            verifier.clone(),
            revocations.clone(),
            SessionTimes {
                max_lifetime: config.sessions.max_lifetime,
                idle_timeout: config.sessions.idle_timeout,
                // A refresh under way ends within one Cognito call; with the call that changed
                // the password before it, the request still ends within REQUEST_TIMEOUT_SECONDS.
                renew_wait: config.cognito.timeout + Duration::from_secs(1),
                refresh_token_validity: config.tokens.refresh_token_validity,
            },
        );
        // Sessions are served from memory only under a lease taken here.
        sessions
            .store()
            .ends()
            .start()
            .await
            .map_err(StartupError::Database)?;
        let upstreams = Upstreams::new(
            config.api.upstreams.clone(),
            config.api.timeout,
            config.api.public_origin.as_ref(),
            &config.http.base_path,
        )
        .map_err(StartupError::Upstreams)?;
        let devices = Devices::new(
            DeviceStore::new(pool.clone(), cipher.clone()),
            cognito.clone(),
            config.sessions.device_lifetime,
        );
        let signin = SignIn::new(
            cognito.clone(),
            store.clone(),
            SignInSettings {
                ttl: config.challenges.ttl,
                floor,
                flow: config.cognito.auth_flow,
                refresh_lifetime: tokens.refresh_token_validity,
            },
            limits.clone(),
            refresh_tokens.clone(),
            devices.clone(),
        );
        let flows = FlowStore::new(pool.clone(), cipher.clone());
        let federation = match &config.oauth {
            Some(oauth) => Some(Arc::new(
                Federation::new(
                    FederationSettings {
                        domain: oauth.domain.clone(),
                        client_id: config.cognito.client_id.clone(),
                        client_secret: config.cognito.client_secret.clone(),
                        redirect_url: oauth.redirect_url.clone(),
                        scopes: oauth.scopes.clone(),
                        providers: oauth.providers.clone(),
                        logout_url: oauth.logout_url.clone(),
                        timeout: config.cognito.timeout,
                    },
                    flows.clone(),
                    verifier.clone(),
                )
                .map_err(StartupError::Federation)?,
            )),
            None => None,
        };
        let shared_config = Arc::new(config.clone());
        let boundary = Arc::new(Boundary {
            config: shared_config.clone(),
            sessions: sessions.clone(),
            verifier: verifier.clone(),
            cognito: cognito.clone(),
            revocations: revocations.clone(),
            refresh_tokens: refresh_tokens.clone(),
            session_cookies: CookieSettings::session(
                config.http.cookie_secure,
                config.sessions.same_site_lax,
            )
            .under(&config.http.base_path),
            challenge_cookies: CookieSettings::challenge(config.http.cookie_secure)
                .under(&config.http.base_path),
            devices: devices.clone(),
            device_cookies: CookieSettings::device(config.http.cookie_secure)
                .under(&config.http.base_path),
            federation,
            flow_cookies: CookieSettings::flow(config.http.cookie_secure)
                .under(&config.http.base_path),
        });
        let state = AppState {
            upstreams,
            sessions: sessions.clone(),
            boundary,
            signin,
            floor,
            limits,
            refresh_tokens: refresh_tokens.clone(),
            store: store.clone(),
            cognito,
            verifier: verifier.clone(),
            revocations: revocations.clone(),
            db: pool,
            draining: Draining::default(),
            config: shared_config,
        };
        tokio::spawn(load_keys(verifier, tokens.jwks_refresh));
        if config.cognito.auth_flow == AuthFlow::UserAuth {
            tokio::spawn(warn_unless_users_hidden(state.cognito.clone()));
        }
        tokio::spawn(metrics_upkeep());
        tokio::spawn(forget_expired_tokens(state.verifier.clone()));
        tokio::spawn(purge_expired(
            store,
            sessions.store().clone(),
            revocations.clone(),
            refresh_tokens,
            devices.store().clone(),
            flows,
            limit_store,
        ));
        tokio::spawn(
            sessions
                .store()
                .ends()
                .clone()
                .follow(db::normalize_url(&config.database.url)),
        );
        tokio::spawn(revocations.follow(
            db::normalize_url(&config.database.url),
            tokens.revocation_sync,
        ));

        if !config.http.cookie_secure {
            tracing::warn!(
                "COOKIE_SECURE=false: the challenge and session cookies have no Secure flag or __Host- prefix, \
                 so anything that can serve plain http on this host or a sibling domain can plant \
                 one; for local development only"
            );
        }
        if config.sessions.delivery == TokenDelivery::Auto
            && !config.limits.trusted_proxies.is_empty()
        {
            tracing::warn!(
                "TOKEN_DELIVERY=auto behind a proxy: a CDN or proxy that strips Origin and \
                 Sec-Fetch-Site makes a browser's sign-in look like an app's, and its answer \
                 carries tokens. The built-in pages always ask for a session; if no app needs \
                 tokens in answers, set TOKEN_DELIVERY=session"
            );
        }
        let listener = bind(config.http.listen_addr).await?;
        let metrics_listener = match config.http.metrics_addr {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        Ok(Application {
            listener,
            metrics_listener,
            router: router(state.clone()),
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

    /// Serves until `close` resolves, then closes the listener without resetting what the
    /// kernel had queued for it (see `shutdown`), and finishes in-flight requests, or stops
    /// waiting for them once `cut` resolves. Either way it then gives the session cache's
    /// lease back, and returns.
    pub async fn run_until(
        self,
        close: impl Future<Output = ()> + Send + 'static,
        cut: impl Future<Output = Cut>,
    ) -> std::io::Result<()> {
        let (start_closing, closing) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            close.await;
            let _ = start_closing.send(true);
        });
        let (listener_closed, closed) = tokio::sync::oneshot::channel();
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let _ = closed.await;
            let _ = stop.send(true);
        });
        let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        if let Some(listener) = self.metrics_listener {
            let metrics = axum::serve(listener, routes::metrics().with_state(self.state.clone()))
                .with_graceful_shutdown(stopped(stopping.clone()));
            tokio::spawn(async move {
                if let Err(e) = metrics.await {
                    tracing::error!(error = %e, "the metrics listener failed");
                }
            });
        }
        let limit = self.state.config.http.shutdown_timeout;
        let mut listener = DrainingListener::new(self.listener, closing, listener_closed, limit);
        let mut workers = Workers::start(self.state.config.http.workers, || {
            front(&self.state, self.router.clone())
        })?;
        let ends = self.state.sessions.store().ends();
        let drained = AtomicBool::new(false);
        let served = async {
            workers.take_from(&mut listener, stopped(stopping)).await;
            drop(listener);
            workers.finish(shutdown::first_request(limit)).await;
            drained.store(true, Ordering::Relaxed);
            // Served its last request: no end need wait for this replica's lease to run out.
            ends.release().await;
        };
        tokio::select! {
            () = served => {}
            cut = cut => {
                match (drained.load(Ordering::Relaxed), cut) {
                    (false, Cut::Timeout(grace)) => tracing::warn!(
                        seconds = grace.as_secs(),
                        "shutdown timeout: in-flight requests dropped"
                    ),
                    (false, Cut::Signal) => {
                        tracing::warn!("another shutdown signal: in-flight requests dropped");
                    }
                    (true, _) => tracing::warn!(
                        "shutdown cut short while giving the session cache's lease back"
                    ),
                }
                // Requests still under way go with the workers. Until then they read
                // sessions from the database: the lease goes back with the cache's trust.
                // A client that holds its connection open (a request trickled in, an HTTP/2
                // PING left unanswered) must not make other replicas' sign-outs wait out the
                // lease as well; the database gets a moment, not more.
                if tokio::time::timeout(RELEASE_AFTER_CUT, ends.release()).await.is_err() {
                    tracing::warn!("the session cache's lease was not given back in time");
                }
            }
        }
        // The workers, and whatever they still run, go only now: a database connection that
        // one of them opened is driven by its runtime, the release's included.
        drop(workers);
        Ok(())
    }
}

/// How long a stop whose in-flight requests were cut short waits to give its session-cache
/// lease back: with the runtime's own last 100 ms (`main`), a second.
const RELEASE_AFTER_CUT: Duration = Duration::from_millis(900);

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

/// The configured keys, or, without one (allowed on SQLite only), a random key that lives as
/// long as the process.
fn session_keys(configured: Option<SessionKeys>) -> SessionKeys {
    configured.unwrap_or_else(|| {
        tracing::warn!(
            "SESSION_ENCRYPTION_KEY is not set: using a random key, so pending sign-in \
             challenges won't survive a restart"
        );
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).expect("the OS random source works");
        SessionKeys {
            current: SessionKey::new(random),
            previous: None,
        }
    })
}

async fn cognito_client(config: &Config) -> aws_sdk_cognitoidentityprovider::Client {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(config.cognito.region.clone()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_timeout(config.cognito.timeout)
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(config.cognito.max_attempts));
    if let Some(endpoint) = &config.cognito.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    aws_sdk_cognitoidentityprovider::Client::new(&loader.load().await)
}

/// What the service answers: `/verify` and the token handler in front of `router` (see
/// [`routes::Front`]). Builds no route table, so it can't fail once [`router`] has been built.
/// Built once for each worker (`crate::workers`), each with its own pool of upstream
/// connections.
fn front(
    state: &AppState,
    router: Router,
) -> routes::Front<impl layers::Endpoint + use<>, impl layers::Endpoint + use<>> {
    let verify = layers::lean(routes::verify(state.boundary.clone()), &state.draining);
    let token_handler = layers::token_handler(
        routes::token_handler(TokenHandler {
            boundary: state.boundary.clone(),
            upstreams: Arc::new(state.upstreams.with_own_pool()),
            limits: state.limits.clone(),
        }),
        &state.config.http,
        &state.draining,
    );
    routes::Front::new(&state.config.http.base_path, verify, token_handler, router)
}

/// The API routes with their layers; under BASE_PATH, below it, with the probes at the root
/// too.
fn router(state: AppState) -> Router {
    let http = state.config.http.clone();
    let draining = state.draining.clone();
    let routes = if state.config.ui.enabled {
        routes::api().merge(crate::ui::routes())
    } else {
        routes::api()
    };
    let probes = routes::probes().with_state(state.clone());
    let service =
        layers::closing_when_draining(layers::api(routes.with_state(state), &http), &draining);
    // Under BASE_PATH, everything is below it but the probes, which the platform asks at the
    // root (they answer below it too).
    if http.base_path.is_empty() {
        service
    } else {
        let outer = Router::new()
            .merge(layers::catching_panics(probes))
            .fallback(|| async { ApiError::NotFound })
            .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
        // Layered before the nest, so the nested routes keep their own layer alone.
        layers::closing_when_draining(outer, &draining).nest(&http.base_path, service)
    }
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

/// Tokens past their `exp` and the leeway leave the verified-token cache within
/// `PURGE_INTERVAL`, used or not. On a blocking thread: the sweep reads every entry, each
/// shard's under its write lock (hits on that shard wait; a shard holds a few thousand).
async fn forget_expired_tokens(verifier: Arc<Verifier>) {
    let mut every = tokio::time::interval(PURGE_INTERVAL);
    // A sweep that overran its minute is not run again at once to catch up.
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let verifier = verifier.clone();
        match tokio::task::spawn_blocking(move || verifier.forget_expired()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(
                forgotten = n,
                "expired tokens left the verified-token cache"
            ),
            Err(e) => tracing::warn!(error = %e, "sweeping the verified-token cache failed"),
        }
    }
}

async fn purge_expired(
    store: ChallengeStore,
    sessions: SessionStore,
    revocations: Arc<RevocationList>,
    refresh_tokens: Arc<RefreshIndex>,
    devices: DeviceStore,
    flows: FlowStore,
    limits: Arc<LimitStore>,
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
        match sessions.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "ended browser sessions purged"),
            Err(e) => tracing::warn!(error = %e, "purging ended browser sessions failed"),
        }
        match flows.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "abandoned federated sign-ins purged"),
            Err(e) => tracing::warn!(error = %e, "purging abandoned federated sign-ins failed"),
        }
        match devices.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "expired devices purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired devices failed"),
        }
        match limits.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "idle rate-limit budgets purged"),
            Err(e) => tracing::warn!(error = %e, "purging rate-limit budgets failed"),
        }
        match revocations.purge_expired().await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(purged = n, "expired revocations purged"),
            Err(e) => tracing::warn!(error = %e, "purging expired revocations failed"),
        }
    }
}

/// Choice-based sign-in shows whether a name has an account unless the app client prevents
/// user-existence errors (a code start, a selection); say so once at start-up.
async fn warn_unless_users_hidden(cognito: Cognito) {
    if !cognito.hides_user_existence().await {
        tracing::warn!(
            "COGNITO_AUTH_FLOW=USER_AUTH on an app client without PreventUserExistenceErrors: \
             code sign-in tells which names have accounts; turn the setting on"
        );
    }
}
