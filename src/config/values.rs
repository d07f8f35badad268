//! The shapes a setting's value may take (numbers in their range, lists, URLs, networks,
//! keys), each checked into a typed value or a `ConfigError` naming the variable.

use super::ranges::RANGES;
use super::{SessionKey, SessionKeys};

/// A setting that stops start-up: the variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

pub(super) fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

pub(super) fn required(
    variable: &'static str,
    value: &Option<String>,
) -> Result<String, ConfigError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_owned()),
        _ => Err(bad(variable, "is required but not set")),
    }
}

pub(super) fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The non-empty items of a comma-separated setting.
pub(super) fn list(value: &Option<String>) -> impl Iterator<Item = String> + '_ {
    value
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
}

pub(super) fn bool_setting(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(bad(
            variable,
            format!("must be true or false, not {other:?}"),
        )),
    }
}

/// A numeric setting in the range `RANGES` gives it.
pub(super) fn number<T: TryFrom<u64>>(
    variable: &'static str,
    value: &str,
) -> Result<T, ConfigError> {
    let range = RANGES
        .iter()
        .find(|r| r.variable == variable)
        .unwrap_or_else(|| panic!("{variable} has no range in RANGES"));
    match value.trim().parse::<u64>() {
        Ok(n) if (range.min..=range.max).contains(&n) => {
            T::try_from(n).map_err(|_| bad(variable, format!("must be at most {}", range.max)))
        }
        _ => Err(bad(
            variable,
            format!(
                "must be a whole number from {} to {}, not {value:?}",
                range.min, range.max
            ),
        )),
    }
}

/// Comma-separated CIDRs, or bare addresses.
pub(super) fn networks(
    variable: &'static str,
    value: &Option<String>,
) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list(value)
        .map(|cidr| {
            cidr.parse::<ipnet::IpNet>()
                .or_else(|_| cidr.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    bad(
                        variable,
                        format!("{cidr:?} is not a CIDR such as 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

/// An origin: `scheme://host[:port]`, http(s), nothing after it.
pub(super) fn origin_url(
    variable: &'static str,
    origin: &str,
) -> Result<reqwest::Url, ConfigError> {
    match reqwest::Url::parse(origin) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.username().is_empty()
                && url.password().is_none()
                && url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none() =>
        {
            Ok(url)
        }
        _ => Err(bad(
            variable,
            format!("{origin:?} is not an origin such as https://app.example.com"),
        )),
    }
}

pub(super) fn http_url(variable: &'static str, value: String) -> Result<String, ConfigError> {
    match reqwest::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(value.trim_end_matches('/').to_owned())
        }
        _ => Err(bad(variable, "must be an http(s) URL")),
    }
}

/// A host a browser reaches over plain http without anyone between: an emulator on this
/// machine.
fn loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(host) if host.eq_ignore_ascii_case("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// COGNITO_DOMAIN: an https origin (http only for a loopback emulator), a trailing slash
/// allowed, nothing after it. Returned without the slash.
pub(super) fn oauth_domain(value: &str) -> Result<String, ConfigError> {
    let url = reqwest::Url::parse(value.trim()).ok().filter(|url| {
        (url.scheme() == "https" || (url.scheme() == "http" && loopback(url)))
            && url.host().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
    });
    match url {
        Some(url) => Ok(url.as_str().trim_end_matches('/').to_owned()),
        None => Err(bad(
            "COGNITO_DOMAIN",
            "must be an https URL with nothing after the host, such as \
             https://auth.example.com (http only for localhost)",
        )),
    }
}

/// OAUTH_REDIRECT_URL and OAUTH_LOGOUT_URL: absolute URLs the app client lists, https (http
/// only on loopback), no user info or fragment; the callback's query would be the pool's.
pub(super) fn oauth_url(variable: &'static str, value: &str) -> Result<reqwest::Url, ConfigError> {
    reqwest::Url::parse(value.trim())
        .ok()
        .filter(|url| {
            (url.scheme() == "https" || (url.scheme() == "http" && loopback(url)))
                && url.host().is_some()
                && url.username().is_empty()
                && url.password().is_none()
                && url.query().is_none()
                && url.fragment().is_none()
        })
        .ok_or_else(|| {
            bad(
                variable,
                "must be an absolute https URL without a query (http only for localhost)",
            )
        })
}

/// OAUTH_SCOPES: space-separated scope tokens (RFC 6749 §3.3), `openid` among them; without
/// the setting, `openid email profile`.
pub(super) fn oauth_scopes(value: Option<&str>) -> Result<Vec<String>, ConfigError> {
    const MOST: usize = 25;
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(["openid", "email", "profile"].map(str::to_owned).to_vec());
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split_ascii_whitespace() {
        // RFC 6749: %x21 / %x23-5B / %x5D-7E; Cognito's custom scopes are at most 256.
        let token = scope.len() <= 256
            && scope
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
        if !token {
            return Err(bad(
                "OAUTH_SCOPES",
                format!("{scope:?} is not a scope: printable ASCII without quotes or backslashes"),
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    if !scopes.iter().any(|s| s == "openid") {
        return Err(bad(
            "OAUTH_SCOPES",
            "must include openid: the sign-in is proved by the ID token",
        ));
    }
    if scopes.len() > MOST {
        return Err(bad("OAUTH_SCOPES", format!("at most {MOST} scopes")));
    }
    Ok(scopes)
}

/// FEDERATED_PROVIDERS: the pool's names for its identity providers, 1 to 32 of letters,
/// digits, `.`, `_` and `-` each, at most 16 of them, none twice.
pub(super) fn federated_providers(value: &Option<String>) -> Result<Vec<String>, ConfigError> {
    const MOST: usize = 16;
    let mut providers: Vec<String> = Vec::new();
    for name in list(value) {
        let fits = name.len() <= 32
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !fits {
            return Err(bad(
                "FEDERATED_PROVIDERS",
                format!("{name:?} is not a provider name: 1 to 32 of A-Z, a-z, 0-9, ., _ and -"),
            ));
        }
        if providers.contains(&name) {
            return Err(bad("FEDERATED_PROVIDERS", format!("{name} is named twice")));
        }
        providers.push(name);
    }
    if providers.len() > MOST {
        return Err(bad(
            "FEDERATED_PROVIDERS",
            format!("at most {MOST} providers"),
        ));
    }
    Ok(providers)
}

/// The issuer goes into otpauth URIs and authenticator apps' lists; a colon would split the
/// URI's label.
pub(super) fn totp_issuer(value: &str) -> Result<String, ConfigError> {
    let issuer = value.trim();
    if issuer.is_empty() || issuer.chars().count() > 64 {
        return Err(bad("TOTP_ISSUER", "must be 1 to 64 characters"));
    }
    if issuer.contains(':') || issuer.chars().any(char::is_control) {
        return Err(bad(
            "TOTP_ISSUER",
            "must not contain a colon or control characters",
        ));
    }
    Ok(issuer.to_owned())
}

/// A 32-byte key given as base64 (standard or URL-safe alphabet, padded or not).
pub(super) fn decode_key(text: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = text.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
}

pub(super) fn encryption_key(
    variable: &'static str,
    value: &Option<String>,
) -> Result<Option<SessionKey>, ConfigError> {
    match optional(value).map(|text| decode_key(&text)) {
        None => Ok(None),
        Some(Some(bytes)) => Ok(Some(SessionKey::new(bytes))),
        // The value is a secret: never echoed.
        Some(_) => Err(bad(
            variable,
            "must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)",
        )),
    }
}

/// The current key and the previous one, which needs a current one beside it.
pub(super) fn session_keys(
    current: Option<SessionKey>,
    previous: Option<SessionKey>,
) -> Result<Option<SessionKeys>, ConfigError> {
    match (current, previous) {
        (Some(current), previous) => Ok(Some(SessionKeys { current, previous })),
        (None, None) => Ok(None),
        (None, Some(_)) => Err(bad(
            "SESSION_ENCRYPTION_KEY_PREVIOUS",
            "needs SESSION_ENCRYPTION_KEY to be set too",
        )),
    }
}

/// The region prefix of a pool id. Lengths are not checked: emulators issue longer ids.
pub(super) fn pool_region(pool_id: &str) -> Option<&str> {
    let (region, id) = pool_id.split_once('_')?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    (region_ok && id_ok).then_some(region)
}

/// BASE_PATH: `/` and one or more segments of letters, digits, `-`, `.`, `_` and `~`, no
/// `.` or `..` segment and no trailing `/`, at most 128 characters. Empty or `/`: the root.
pub(super) fn base_path(value: Option<&str>) -> Result<String, ConfigError> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() || value == "/" {
        return Ok(String::new());
    }
    let valid = value.len() <= 128
        && value.starts_with('/')
        && value[1..].split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        });
    if valid {
        Ok(value.to_owned())
    } else {
        Err(bad(
            "BASE_PATH",
            format!("{value:?} is not a path such as /auth (segments of letters, digits, - . _ ~)"),
        ))
    }
}

#[cfg(test)]
mod base_path_tests {
    use super::base_path;

    #[test]
    fn a_base_path_is_a_plain_path_or_the_root() {
        assert_eq!(base_path(None).unwrap(), "");
        assert_eq!(base_path(Some(" / ")).unwrap(), "");
        assert_eq!(base_path(Some("/auth")).unwrap(), "/auth");
        assert_eq!(base_path(Some("/a.b/c_d~e-1")).unwrap(), "/a.b/c_d~e-1");
        let long = format!("/{}", "a".repeat(128));
        for bad in [
            "auth", "/auth/", "/a//b", "/a/../b", "/a/./b", "/a b", "/a?b", "/%2e", "/a\\b", &long,
        ] {
            let problem = base_path(Some(bad)).expect_err(bad);
            assert_eq!(problem.variable, "BASE_PATH", "{bad}");
        }
    }
}
