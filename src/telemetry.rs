//! Logging: JSON lines by default, one per request, on stdout.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{FilterExt, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// Internals that log request and response bodies at debug or trace are capped at info, so no
/// filter a operator sets can make them print a password or a token.
const CAPS: &[&str] = &[
    "aws_smithy_runtime=info",
    "aws_smithy_runtime_api=info",
    "aws_smithy_http_client=info",
    "aws_sdk_cognitoidentityprovider=info",
    // Logs each signed request, with its body when LOG_SIGNABLE_BODY is set.
    "aws_sigv4=info",
    "aws_runtime=info",
    "aws_smithy_types=info",
    "aws_config=warn",
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "rustls=info",
    "reqwest=info",
    "sqlx=warn",
];

/// The operator's filter from RUST_LOG (info when unset or unreadable).
fn requested() -> EnvFilter {
    let requested = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    EnvFilter::try_new(requested).unwrap_or_else(|_| EnvFilter::new("info"))
}

/// The caps, as a filter applied after the operator's: whatever RUST_LOG says, span filters
/// (`[request]=trace`) and module paths included, a capped crate logs no finer than its cap.
fn caps() -> Targets {
    CAPS.iter()
        .filter_map(|cap| {
            let (target, level) = cap.split_once('=')?;
            Some((target, level.parse::<LevelFilter>().ok()?))
        })
        .fold(
            Targets::new().with_default(LevelFilter::TRACE),
            |targets, (target, level)| targets.with_target(target, level),
        )
}

/// Installs the global subscriber writing to `writer`. Returns false if one was already set.
pub fn init<W>(format: LogFormat, writer: W) -> bool
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = requested().and(caps());
    let layer = tracing_subscriber::fmt::layer().with_writer(writer);
    match format {
        LogFormat::Json => tracing_subscriber::registry()
            .with(
                layer
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_filter(filter),
            )
            .try_init()
            .is_ok(),
        LogFormat::Pretty => tracing_subscriber::registry()
            .with(layer.pretty().with_filter(filter))
            .try_init()
            .is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_below_any_requested_level() {
        let caps = caps();
        let would_log = |target: &str, level: tracing::Level| caps.would_enable(target, &level);
        assert!(!would_log(
            "aws_smithy_runtime::client::orchestrator",
            tracing::Level::DEBUG
        ));
        assert!(would_log("aws_smithy_runtime", tracing::Level::INFO));
        assert!(!would_log("hyper_util::client", tracing::Level::TRACE));
        assert!(!would_log("sqlx::query", tracing::Level::INFO));
        assert!(would_log("cognito_bff::routes", tracing::Level::TRACE));
    }
}
