//! Logging: JSON lines by default, one per request, on stdout.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

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

fn filter() -> EnvFilter {
    let requested = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    let mut filter =
        EnvFilter::try_new(without_capped(&requested)).unwrap_or_else(|_| EnvFilter::new("info"));
    for cap in CAPS {
        if let Ok(directive) = cap.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// Drops requested directives aimed at a capped crate or any module in it: in an EnvFilter
/// the most specific directive wins, so `aws_smithy_runtime::client=trace` would otherwise
/// slip under the cap on `aws_smithy_runtime`.
fn without_capped(requested: &str) -> String {
    let capped_crates: Vec<&str> = CAPS.iter().filter_map(|c| c.split('=').next()).collect();
    requested
        .split(',')
        .filter(|directive| {
            let target = directive
                .split(['=', '['])
                .next()
                .unwrap_or_default()
                .trim();
            !capped_crates
                .iter()
                .any(|krate| target == *krate || target.starts_with(&format!("{krate}::")))
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Installs the global subscriber writing to `writer`. Returns false if one was already set.
pub fn init<W>(format: LogFormat, writer: W) -> bool
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(writer);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
            .is_ok(),
        LogFormat::Pretty => builder.pretty().try_init().is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_below_a_cap_are_dropped_and_others_kept() {
        assert_eq!(
            without_capped("debug,aws_smithy_runtime::client=trace,hyper=trace,cognito_bff=trace"),
            "debug,cognito_bff=trace"
        );
        assert_eq!(without_capped("trace"), "trace");
    }
}
