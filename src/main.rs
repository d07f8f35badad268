//! The `cognito-bff` command: serve, migrate, or check the health of a running server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use cognito_bff::config::{Cli, Command, ConfigError, Settings};
use cognito_bff::shutdown::{self, Cut, Signals};
use cognito_bff::startup::Application;
use cognito_bff::{db, telemetry};

/// Every request allocates: headers, bodies, a session's fields. See Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::read();
    // A panic's message could quote data; report only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "panic");
        eprintln!("panic at {location}");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(cli));
    // Whatever a blocking task still runs (a name lookup for a database connection a cut
    // stop gave up on) does not hold the exit past the stop's bound.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

fn config_error(e: ConfigError) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

async fn run(cli: Cli) -> ExitCode {
    let settings = cli.settings;
    match cli.command {
        Command::Serve => serve(&settings).await,
        Command::Migrate => migrate(&settings).await,
        Command::Healthcheck => healthcheck(&settings).await,
    }
}

async fn serve(settings: &Settings) -> ExitCode {
    let format = match settings.log_format() {
        Ok(format) => format,
        Err(e) => return config_error(e),
    };
    let config = match settings.config() {
        Ok(config) => config,
        Err(e) => return config_error(e),
    };
    telemetry::init(format, std::io::stdout);
    // Before the port opens: a signal that comes during start-up is kept, not fatal.
    let mut signals = Signals::listen();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(addr) = app.metrics_addr() {
        tracing::info!(%addr, "metrics listening");
    }
    tracing::info!(addr = %app.local_addr(), "listening");
    let http = &app.state().config.http;
    let (drain, grace) = (http.shutdown_drain, http.shutdown_timeout);
    let draining = app.state().draining.clone();
    let (closing, close_requested) = tokio::sync::oneshot::channel::<Signals>();
    // Once the listener starts closing, in-flight requests get `grace`, or until one more
    // signal.
    let cut = async move {
        let Ok(mut signals) = close_requested.await else {
            return std::future::pending().await;
        };
        tokio::select! {
            () = tokio::time::sleep(grace) => Cut::Timeout(grace),
            () = signals.next() => Cut::Signal,
        }
    };
    let server = app.run_until(
        async move {
            shutdown::drain(&mut signals, &draining, drain).await;
            let _ = closing.send(signals);
        },
        cut,
    );
    match server.await {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server failed");
            ExitCode::FAILURE
        }
    }
}

async fn migrate(settings: &Settings) -> ExitCode {
    let database = match settings.database() {
        Ok(database) => database,
        Err(e) => return config_error(e),
    };
    let result = async {
        let pool = db::connect(&database.url, 1)
            .await
            .map_err(|e| e.to_string())?;
        db::migrate(&pool).await.map_err(|e| e.to_string())
    }
    .await;
    match result {
        Ok(()) => {
            println!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot apply migrations: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Asks the local server's `/healthz`, for container health checks in images without curl.
async fn healthcheck(settings: &Settings) -> ExitCode {
    let addr = match settings.listen_addr() {
        Ok(addr) => addr,
        Err(e) => return config_error(e),
    };
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let url = format!("http://{}/healthz", SocketAddr::new(ip, addr.port()));
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
    {
        Ok(client) => client,
        Err(_) => return ExitCode::FAILURE,
    };
    match client.get(&url).send().await {
        Ok(response) if response.status().is_success() => ExitCode::SUCCESS,
        Ok(response) => {
            eprintln!("unhealthy: {url} answered {}", response.status());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("unhealthy: {url}: {e}");
            ExitCode::FAILURE
        }
    }
}
