//! Checking the settings once, at start-up, into the typed `Config`. Every error is one line
//! naming the variable and what is wrong with it, and never echoes a secret.

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::SecretString;

use super::UiConfig;
use super::cli::Settings;
use super::values::{
    ConfigError, bad, base_path, bool_setting, encryption_key, federated_providers, http_url, list,
    networks, number, oauth_domain, oauth_scopes, oauth_url, optional, origin_url, pool_region,
    required, session_keys, totp_issuer,
};
use super::{
    ApiConfig, ChallengeConfig, CognitoConfig, Config, DatabaseConfig, HttpConfig, LimitsConfig,
    LogFormat, OAuthConfig, SessionConfig, TokenConfig,
};
use crate::attributes::WritableAttributes;
use crate::cognito::MetadataKeys;
use crate::db::Backend;
use crate::limits::LimitSettings;
use crate::vocab::AuthFlow;
use crate::vocab::TokenDelivery;

impl Settings {
    pub fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self.log_format.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(LogFormat::Json),
            "pretty" => Ok(LogFormat::Pretty),
            other => Err(bad(
                "LOG_FORMAT",
                format!("must be json or pretty, not {other:?}"),
            )),
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen_addr.trim().parse().map_err(|_| {
            bad(
                "LISTEN_ADDR",
                format!(
                    "must be an address such as 0.0.0.0:8080, not {:?}",
                    self.listen_addr
                ),
            )
        })
    }

    /// METRICS_ADDR, or `None` when it is empty.
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        let text = self.metrics_addr.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            bad(
                "METRICS_ADDR",
                format!("must be an address such as 127.0.0.1:9090, or empty, not {text:?}"),
            )
        })
    }

    pub fn database(&self) -> Result<DatabaseConfig, ConfigError> {
        let url = optional(&self.database_url).unwrap_or_else(|| "sqlite://cognito-bff.db".into());
        // The URL may hold a password, so it is never echoed.
        let backend = Backend::of_url(&url)
            .ok_or_else(|| bad("DATABASE_URL", "must start with sqlite:// or postgres://"))?;
        let max_connections = number("DATABASE_MAX_CONNECTIONS", &self.database_max_connections)?;
        Ok(DatabaseConfig {
            url,
            backend,
            max_connections,
        })
    }

    /// Checks every setting `serve` needs.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let user_pool_id = required("COGNITO_USER_POOL_ID", &self.cognito_user_pool_id)?;
        let pool_region = pool_region(&user_pool_id).ok_or_else(|| {
            bad(
                "COGNITO_USER_POOL_ID",
                format!("must look like <region>_<id>, such as eu-west-1_AbC123xyz, not {user_pool_id:?}"),
            )
        })?;
        let client_id = required("COGNITO_CLIENT_ID", &self.cognito_client_id)?;
        let region = optional(&self.aws_region).unwrap_or_else(|| pool_region.to_owned());
        let endpoint = optional(&self.cognito_endpoint)
            .map(|url| http_url("COGNITO_ENDPOINT", url))
            .transpose()?;
        let jwks_url = match optional(&self.cognito_jwks_url) {
            Some(url) => http_url("COGNITO_JWKS_URL", url)?,
            None => {
                let base = endpoint
                    .clone()
                    .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com"));
                format!("{base}/{user_pool_id}/.well-known/jwks.json")
            }
        };
        // Emulators too write the AWS form of the issuer, so it never follows COGNITO_ENDPOINT.
        let issuer = optional(&self.cognito_issuer).unwrap_or_else(|| {
            format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
        });
        let mut accepted_client_ids = vec![client_id.clone()];
        for id in optional(&self.allowed_client_ids)
            .iter()
            .flat_map(|ids| ids.split(','))
        {
            let id = id.trim();
            if !id.is_empty() && !accepted_client_ids.iter().any(|known| known == id) {
                accepted_client_ids.push(id.to_owned());
            }
        }
        let keys = session_keys(
            encryption_key("SESSION_ENCRYPTION_KEY", &self.session_encryption_key)?,
            encryption_key(
                "SESSION_ENCRYPTION_KEY_PREVIOUS",
                &self.session_encryption_key_previous,
            )?,
        )?;
        let allowed_origins = list(&self.allowed_origins)
            .map(|origin| {
                let origin = origin.trim_end_matches('/').to_owned();
                origin_url("ALLOWED_ORIGINS", &origin).map(|_| origin)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let trusted_proxies = networks("TRUSTED_PROXIES", &self.trusted_proxies)?;
        let session_gateways = networks("VERIFY_SESSION_GATEWAYS", &self.verify_session_gateways)?;
        let cognito_timeout = Duration::from_secs(number(
            "COGNITO_TIMEOUT_SECONDS",
            &self.cognito_timeout_seconds,
        )?);
        let request_timeout = Duration::from_secs(number(
            "REQUEST_TIMEOUT_SECONDS",
            &self.request_timeout_seconds,
        )?);
        // A request cut off mid-call to Cognito could spend a challenge's session and lose
        // the answer; the whole request must outlast the two Cognito calls some steps make in
        // a row (an SRP sign-in, a TOTP set-up answer) and the store's work.
        if request_timeout <= 2 * cognito_timeout + Duration::from_secs(5) {
            return Err(bad(
                "REQUEST_TIMEOUT_SECONDS",
                format!(
                    "must be more than 2 × COGNITO_TIMEOUT_SECONDS + 5 ({} s)",
                    2 * cognito_timeout.as_secs() + 5
                ),
            ));
        }
        let database = self.database()?;
        // Replicas that each pick a random key can't open each other's challenges.
        if database.backend == Backend::Postgres && keys.is_none() {
            return Err(bad(
                "SESSION_ENCRYPTION_KEY",
                "is required with a Postgres DATABASE_URL: every replica must share one key",
            ));
        }
        let listen_addr = self.listen_addr()?;
        let cookie_secure = bool_setting("COOKIE_SECURE", &self.cookie_secure)?;
        let allow_insecure_cookies =
            bool_setting("ALLOW_INSECURE_COOKIES", &self.allow_insecure_cookies)?;
        // Without `Secure` the cookie loses its `__Host-` prefix, so any plain-http service or
        // sibling subdomain on the network could plant one for a victim.
        if !cookie_secure && !listen_addr.ip().is_loopback() && !allow_insecure_cookies {
            return Err(bad(
                "COOKIE_SECURE",
                "false is only allowed on a loopback LISTEN_ADDR, unless ALLOW_INSECURE_COOKIES=true",
            ));
        }
        let sessions = self.sessions()?;
        let ui = self.ui()?;
        // The pages' own requests would get tokens in their answers, where page script reads
        // them: the pages need sessions.
        if ui.enabled && sessions.delivery == TokenDelivery::Body {
            return Err(bad(
                "UI",
                "the sign-in pages need browser sessions: set UI=off with TOKEN_DELIVERY=body",
            ));
        }
        let refresh_token_validity = Duration::from_secs(
            86_400
                * number::<u64>(
                    "REFRESH_TOKEN_VALIDITY_DAYS",
                    &self.refresh_token_validity_days,
                )?,
        );
        // A session that outlived its refresh token could only end in a refused refresh.
        if sessions.max_lifetime > refresh_token_validity {
            return Err(bad(
                "SESSION_MAX_LIFETIME",
                "must not exceed REFRESH_TOKEN_VALIDITY_DAYS: a session can't outlive its refresh token",
            ));
        }
        let oauth = self.oauth()?;
        Ok(Config {
            ui,
            oauth,
            api: self.api()?,
            sessions,
            cognito: CognitoConfig {
                client_secret: optional(&self.cognito_client_secret).map(SecretString::from),
                region,
                endpoint,
                timeout: cognito_timeout,
                max_attempts: number("COGNITO_MAX_ATTEMPTS", &self.cognito_max_attempts)?,
                auth_flow: match self.cognito_auth_flow.trim() {
                    "USER_PASSWORD_AUTH" => AuthFlow::UserPassword,
                    "USER_SRP_AUTH" => AuthFlow::UserSrp,
                    "USER_AUTH" => AuthFlow::UserAuth,
                    other => {
                        return Err(bad(
                            "COGNITO_AUTH_FLOW",
                            format!(
                                "must be USER_PASSWORD_AUTH, USER_SRP_AUTH or USER_AUTH, not {other:?}"
                            ),
                        ));
                    }
                },
                admin_group: required("ADMIN_GROUP", &Some(self.admin_group.clone()))?,
                writable_attributes: match optional(&self.writable_attributes) {
                    None => WritableAttributes::default(),
                    Some(list) => WritableAttributes::parse(&list)
                        .map_err(|problem| bad("WRITABLE_ATTRIBUTES", problem))?,
                },
                totp_issuer: totp_issuer(&self.totp_issuer)?,
                client_metadata_keys: MetadataKeys::parse(
                    self.client_metadata_keys.as_deref().unwrap_or_default(),
                )
                .map_err(|problem| bad("CLIENT_METADATA_KEYS", problem))?,
                user_pool_id,
                client_id,
            },
            tokens: TokenConfig {
                jwks_url,
                issuer,
                accepted_client_ids,
                leeway: Duration::from_secs(number(
                    "JWT_LEEWAY_SECONDS",
                    &self.jwt_leeway_seconds,
                )?),
                jwks_refresh: Duration::from_secs(number(
                    "JWKS_REFRESH_SECONDS",
                    &self.jwks_refresh_seconds,
                )?),
                cache_capacity: number("TOKEN_CACHE_CAPACITY", &self.token_cache_capacity)?,
                revocation_sync: Duration::from_secs(number(
                    "REVOCATION_SYNC_SECONDS",
                    &self.revocation_sync_seconds,
                )?),
                refresh_token_validity,
            },
            limits: LimitsConfig {
                rates: LimitSettings {
                    per_ip: number("RATE_LIMIT_PER_IP", &self.rate_limit_per_ip)?,
                    failures_per_username: number(
                        "RATE_LIMIT_PER_USERNAME",
                        &self.rate_limit_per_username,
                    )?,
                    messages_per_username: number(
                        "RATE_LIMIT_MESSAGES_PER_USERNAME",
                        &self.rate_limit_messages_per_username,
                    )?,
                    mfa_failures_per_user: number(
                        "RATE_LIMIT_MFA_FAILURES_PER_USER",
                        &self.rate_limit_mfa_failures_per_user,
                    )?,
                    per_user: number("RATE_LIMIT_PER_USER", &self.rate_limit_per_user)?,
                },
                failure_floor: Duration::from_millis(number(
                    "LOGIN_FAILURE_FLOOR_MS",
                    &self.login_failure_floor_ms,
                )?),
                trusted_proxies,
            },
            http: HttpConfig {
                listen_addr,
                metrics_addr: self.metrics_addr()?,
                request_timeout,
                workers: match number("HTTP_WORKERS", &self.http_workers)? {
                    0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                    n => n,
                },
                shutdown_drain: Duration::from_secs(number(
                    "SHUTDOWN_DRAIN_SECONDS",
                    &self.shutdown_drain_seconds,
                )?),
                shutdown_timeout: Duration::from_secs(number(
                    "SHUTDOWN_TIMEOUT",
                    &self.shutdown_timeout,
                )?),
                allowed_origins,
                cookie_secure,
                base_path: base_path(self.base_path.as_deref())?,
                session_gateways,
            },
            challenges: ChallengeConfig {
                ttl: Duration::from_secs(number(
                    "CHALLENGE_TTL_SECONDS",
                    &self.challenge_ttl_seconds,
                )?),
                keys,
            },
            database,
        })
    }
}

impl Settings {
    fn api(&self) -> Result<ApiConfig, ConfigError> {
        let mut upstreams = match &self.api_upstreams {
            Some(list) => {
                super::upstreams::parse(list).map_err(|problem| bad("API_UPSTREAMS", problem))?
            }
            None => Vec::new(),
        };
        if let Some(list) = &self.api_forward_headers {
            super::upstreams::add_forward_headers(&mut upstreams, list)
                .map_err(|problem| bad("API_FORWARD_HEADERS", problem))?;
        }
        Ok(ApiConfig {
            upstreams,
            timeout: Duration::from_secs(number(
                "API_UPSTREAM_TIMEOUT_SECONDS",
                &self.api_upstream_timeout_seconds,
            )?),
            public_origin: optional(&self.public_origin)
                .map(|origin| origin_url("PUBLIC_ORIGIN", origin.trim_end_matches('/')))
                .transpose()?,
        })
    }

    fn ui(&self) -> Result<UiConfig, ConfigError> {
        let enabled = match self.ui.trim().to_ascii_lowercase().as_str() {
            "on" | "true" => true,
            "off" | "false" => false,
            other => return Err(bad("UI", format!("must be on or off, not {other:?}"))),
        };
        let mut return_urls = Vec::new();
        for item in list(&self.ui_return_urls) {
            match reqwest::Url::parse(&item) {
                Ok(url)
                    if matches!(url.scheme(), "http" | "https")
                        && url.host().is_some()
                        && url.username().is_empty()
                        && url.password().is_none() =>
                {
                    return_urls.push(url)
                }
                _ => {
                    return Err(bad(
                        "UI_RETURN_URLS",
                        "each must be an absolute http(s) URL without user info",
                    ));
                }
            }
        }
        let product_name = self.ui_product_name.trim().to_owned();
        if product_name.is_empty()
            || product_name.chars().count() > 64
            || product_name.chars().any(char::is_control)
        {
            return Err(bad(
                "UI_PRODUCT_NAME",
                "must be 1 to 64 characters without control characters",
            ));
        }
        let color = self.ui_brand_color.trim();
        let hex = color.strip_prefix('#').unwrap_or("");
        if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("UI_BRAND_COLOR", "must be #rgb or #rrggbb"));
        }
        let logo_url = match optional(&self.ui_logo_url) {
            None => None,
            Some(path)
                if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') =>
            {
                Some(path)
            }
            Some(url) => match reqwest::Url::parse(&url) {
                Ok(parsed) if parsed.scheme() == "https" && parsed.host().is_some() => Some(url),
                _ => {
                    return Err(bad(
                        "UI_LOGO_URL",
                        "must be an https URL or a path on this service",
                    ));
                }
            },
        };
        Ok(UiConfig {
            enabled,
            return_urls,
            product_name,
            brand_color: color.to_owned(),
            logo_url,
        })
    }

    /// COGNITO_DOMAIN and what goes with it. Without the domain the flow is off, and any of
    /// the others set is refused: an operator who set them meant the flow to be on.
    fn oauth(&self) -> Result<Option<OAuthConfig>, ConfigError> {
        let Some(domain) = optional(&self.cognito_domain) else {
            for (variable, value) in [
                ("OAUTH_REDIRECT_URL", &self.oauth_redirect_url),
                ("OAUTH_SCOPES", &self.oauth_scopes),
                ("FEDERATED_PROVIDERS", &self.federated_providers),
                ("OAUTH_LOGOUT_URL", &self.oauth_logout_url),
            ] {
                if optional(value).is_some() {
                    return Err(bad(variable, "needs COGNITO_DOMAIN to be set too"));
                }
            }
            return Ok(None);
        };
        let domain = oauth_domain(&domain)?;
        let redirect_url = required("OAUTH_REDIRECT_URL", &self.oauth_redirect_url)?;
        let redirect_url = oauth_url("OAUTH_REDIRECT_URL", &redirect_url)?;
        if !redirect_url.path().ends_with("/oauth/callback") {
            return Err(bad(
                "OAUTH_REDIRECT_URL",
                "must be this service's /oauth/callback, e.g. https://app.example.com/oauth/callback",
            ));
        }
        // Under BASE_PATH the callback is below it too; a root one would send the code to a
        // path of the app's.
        let base = base_path(self.base_path.as_deref())?;
        if !base.is_empty() && redirect_url.path() != format!("{base}/oauth/callback") {
            return Err(bad(
                "OAUTH_REDIRECT_URL",
                format!("must be this service's {base}/oauth/callback, below BASE_PATH"),
            ));
        }
        let logout_url = required("OAUTH_LOGOUT_URL", &self.oauth_logout_url)?;
        let logout_url = oauth_url("OAUTH_LOGOUT_URL", &logout_url)?;
        Ok(Some(OAuthConfig {
            domain,
            redirect_url: redirect_url.to_string(),
            scopes: oauth_scopes(self.oauth_scopes.as_deref())?,
            providers: federated_providers(&self.federated_providers)?,
            logout_url: logout_url.to_string(),
        }))
    }

    fn sessions(&self) -> Result<SessionConfig, ConfigError> {
        let delivery = match self.token_delivery.trim().to_ascii_lowercase().as_str() {
            "auto" => TokenDelivery::Auto,
            "session" => TokenDelivery::Session,
            "body" => TokenDelivery::Body,
            other => {
                return Err(bad(
                    "TOKEN_DELIVERY",
                    format!("must be auto, session or body, not {other:?}"),
                ));
            }
        };
        let lax = match self.session_same_site.trim().to_ascii_lowercase().as_str() {
            "strict" => false,
            "lax" => true,
            other => {
                return Err(bad(
                    "SESSION_SAME_SITE",
                    format!("must be strict or lax, not {other:?}"),
                ));
            }
        };
        let idle_timeout =
            Duration::from_secs(number("SESSION_IDLE_TIMEOUT", &self.session_idle_timeout)?);
        let max_lifetime =
            Duration::from_secs(number("SESSION_MAX_LIFETIME", &self.session_max_lifetime)?);
        if idle_timeout > max_lifetime {
            return Err(bad(
                "SESSION_IDLE_TIMEOUT",
                "must not exceed SESSION_MAX_LIFETIME",
            ));
        }
        Ok(SessionConfig {
            delivery,
            idle_timeout,
            max_lifetime,
            same_site_lax: lax,
            recent_sign_in: Duration::from_secs(number(
                "RECENT_SIGN_IN_SECONDS",
                &self.recent_sign_in_seconds,
            )?),
            cache_capacity: number("SESSION_CACHE_CAPACITY", &self.session_cache_capacity)?,
            device_lifetime: Duration::from_secs(
                number::<u64>("DEVICE_LIFETIME_DAYS", &self.device_lifetime_days)? * 86_400,
            ),
            end_others_on_change: bool_setting(
                "END_OTHER_SESSIONS_ON_CHANGE",
                &self.end_other_sessions_on_change,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Cli;
    use clap::Parser;

    /// The least a `serve` needs: a pool and a client.
    const BASE: [&str; 4] = [
        "--cognito-user-pool-id",
        "eu-west-1_A",
        "--cognito-client-id",
        "c",
    ];

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["cognito-bff", "serve"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("parses").settings
    }

    #[test]
    fn derives_region_jwks_and_issuer_from_the_pool() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_AbC123xyz",
            "--cognito-client-id",
            "client",
        ])
        .config()
        .unwrap();
        assert_eq!(config.cognito.region, "eu-west-1");
        assert_eq!(
            config.tokens.jwks_url,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/jwks.json"
        );
        assert_eq!(
            config.tokens.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz"
        );
        assert!(config.http.cookie_secure);
        assert_eq!(config.tokens.accepted_client_ids, vec!["client".to_owned()]);
        assert_eq!(config.challenges.ttl, Duration::from_secs(180));
    }

    #[test]
    fn session_settings_are_checked_and_never_outlive_the_refresh_token() {
        let base = BASE;
        let config = settings(&base).config().unwrap();
        assert_eq!(config.sessions.delivery, TokenDelivery::Auto);
        assert_eq!(config.sessions.idle_timeout, Duration::from_secs(1800));
        assert_eq!(config.sessions.max_lifetime, Duration::from_secs(43_200));
        assert!(!config.sessions.same_site_lax);
        for (flags, expected) in [
            (
                &["--token-delivery", "cookies"][..],
                "TOKEN_DELIVERY: must be auto, session or body",
            ),
            (
                &["--session-same-site", "none"],
                "SESSION_SAME_SITE: must be strict or lax",
            ),
            (
                &["--session-idle-timeout", "59"],
                "SESSION_IDLE_TIMEOUT: must be a whole number from 60",
            ),
            (
                &["--session-max-lifetime", "2592001"],
                "SESSION_MAX_LIFETIME: must not exceed REFRESH_TOKEN_VALIDITY_DAYS",
            ),
            (
                &[
                    "--session-idle-timeout",
                    "7200",
                    "--session-max-lifetime",
                    "3600",
                ],
                "SESSION_IDLE_TIMEOUT: must not exceed SESSION_MAX_LIFETIME",
            ),
        ] {
            let mut args = base.to_vec();
            args.extend_from_slice(flags);
            let error = settings(&args).config().unwrap_err().to_string();
            assert!(error.starts_with(expected), "{flags:?}: {error}");
        }
        let longer = [
            "--session-max-lifetime",
            "5184000",
            "--refresh-token-validity-days",
            "60",
            "--token-delivery",
            "Session",
        ];
        let mut args = base.to_vec();
        args.extend_from_slice(&longer);
        let config = settings(&args).config().unwrap();
        assert_eq!(config.sessions.delivery, TokenDelivery::Session);
    }

    #[test]
    fn the_sign_in_pages_need_sessions_and_a_sound_theme() {
        let base = BASE;
        for (flags, expected) in [
            (
                &["--token-delivery", "body"][..],
                "UI: the sign-in pages need browser sessions",
            ),
            (&["--ui", "maybe"], "UI: must be on or off"),
            (
                &["--ui-brand-color", "red;}"],
                "UI_BRAND_COLOR: must be #rgb",
            ),
            (
                &["--ui-logo-url", "http://cdn.example.com/l.png"],
                "UI_LOGO_URL: must be an https URL",
            ),
            (&["--ui-logo-url", "/\\evil.example/l.png"], "UI_LOGO_URL"),
            (
                &["--ui-return-urls", "/relative"],
                "UI_RETURN_URLS: each must be an absolute",
            ),
        ] {
            let mut args = base.to_vec();
            args.extend_from_slice(flags);
            let error = settings(&args).config().unwrap_err().to_string();
            assert!(error.starts_with(expected), "{flags:?}: {error}");
        }
        let mut args = base.to_vec();
        args.extend_from_slice(&["--token-delivery", "body", "--ui", "off"]);
        assert!(!settings(&args).config().unwrap().ui.enabled);
    }

    const OAUTH: [&str; 6] = [
        "--cognito-domain",
        "https://auth.example.com/",
        "--oauth-redirect-url",
        "https://app.example.com/oauth/callback",
        "--oauth-logout-url",
        "https://app.example.com/signed-out",
    ];

    #[test]
    fn under_a_base_path_the_callback_must_be_below_it() {
        let on = [&BASE[..], &OAUTH[..], &["--base-path", "/auth"]].concat();
        let refused = settings(&on).config().expect_err("a callback at the root");
        assert_eq!(refused.variable, "OAUTH_REDIRECT_URL");
        let mut below = on.clone();
        below[BASE.len() + 3] = "https://app.example.com/auth/oauth/callback";
        let oauth = settings(&below).config().unwrap().oauth.expect("on");
        assert_eq!(
            oauth.redirect_url,
            "https://app.example.com/auth/oauth/callback"
        );
        assert_eq!(settings(&below).config().unwrap().http.base_path, "/auth");
    }

    #[test]
    fn federated_sign_in_is_off_without_a_domain_and_checked_with_one() {
        assert!(settings(&BASE).config().unwrap().oauth.is_none());
        let on = [&BASE[..], &OAUTH[..]].concat();
        let oauth = settings(&on).config().unwrap().oauth.expect("on");
        assert_eq!(oauth.domain, "https://auth.example.com");
        assert_eq!(oauth.redirect_url, "https://app.example.com/oauth/callback");
        assert_eq!(oauth.logout_url, "https://app.example.com/signed-out");
        assert_eq!(oauth.scopes, ["openid", "email", "profile"]);
        assert!(oauth.providers.is_empty());

        let more = [
            &on[..],
            &[
                "--oauth-scopes",
                "openid  phone openid aws.cognito.signin.user.admin",
                "--federated-providers",
                "Google, SignInWithApple,Acme-SAML",
            ],
        ]
        .concat();
        let oauth = settings(&more).config().unwrap().oauth.unwrap();
        assert_eq!(
            oauth.scopes,
            ["openid", "phone", "aws.cognito.signin.user.admin"]
        );
        assert_eq!(oauth.providers, ["Google", "SignInWithApple", "Acme-SAML"]);

        // A local emulator may be plain http; nothing else may.
        let local = [
            "--cognito-domain",
            "http://127.0.0.1:9000",
            "--oauth-redirect-url",
            "http://localhost:8080/oauth/callback",
            "--oauth-logout-url",
            "http://[::1]:8080/",
        ];
        let local = [&BASE[..], &local[..]].concat();
        assert_eq!(
            settings(&local).config().unwrap().oauth.unwrap().domain,
            "http://127.0.0.1:9000"
        );
    }

    #[test]
    fn federated_settings_name_what_is_wrong() {
        let eleven: Vec<String> = (0..17).map(|i| format!("P{i}")).collect();
        let eleven = eleven.join(",");
        let long = "A".repeat(33);
        for (flags, expected) in [
            (
                &[
                    "--oauth-redirect-url",
                    "https://app.example.com/oauth/callback",
                ][..],
                "OAUTH_REDIRECT_URL: needs COGNITO_DOMAIN",
            ),
            (
                &["--federated-providers", "Google"],
                "FEDERATED_PROVIDERS: needs COGNITO_DOMAIN",
            ),
            (
                &["--oauth-scopes", "openid"],
                "OAUTH_SCOPES: needs COGNITO_DOMAIN",
            ),
            (
                &["--oauth-logout-url", "https://app.example.com/"],
                "OAUTH_LOGOUT_URL: needs COGNITO_DOMAIN",
            ),
            (
                &["--cognito-domain", "https://auth.example.com"],
                "OAUTH_REDIRECT_URL: is required",
            ),
            (
                &[
                    "--cognito-domain",
                    "https://auth.example.com",
                    "--oauth-redirect-url",
                    "https://app.example.com/oauth/callback",
                ],
                "OAUTH_LOGOUT_URL: is required",
            ),
        ] {
            let args = [&BASE[..], flags].concat();
            let error = settings(&args).config().unwrap_err().to_string();
            assert!(error.starts_with(expected), "{flags:?}: {error}");
        }
        for (flags, variable) in [
            (
                &["--cognito-domain", "http://auth.example.com"][..],
                "COGNITO_DOMAIN",
            ),
            (
                &["--cognito-domain", "https://auth.example.com/x"],
                "COGNITO_DOMAIN",
            ),
            (
                &["--cognito-domain", "https://u:p@auth.example.com"],
                "COGNITO_DOMAIN",
            ),
            (&["--cognito-domain", "auth.example.com"], "COGNITO_DOMAIN"),
            (
                &["--oauth-redirect-url", "https://app.example.com/callback"],
                "OAUTH_REDIRECT_URL",
            ),
            (
                &[
                    "--oauth-redirect-url",
                    "http://app.example.com/oauth/callback",
                ],
                "OAUTH_REDIRECT_URL",
            ),
            (
                &[
                    "--oauth-redirect-url",
                    "https://app.example.com/oauth/callback?x=1",
                ],
                "OAUTH_REDIRECT_URL",
            ),
            (&["--oauth-logout-url", "/signed-out"], "OAUTH_LOGOUT_URL"),
            (&["--oauth-scopes", "email profile"], "OAUTH_SCOPES"),
            (&["--oauth-scopes", "openid \"bad\""], "OAUTH_SCOPES"),
            (
                &["--federated-providers", "Google,Google"],
                "FEDERATED_PROVIDERS",
            ),
            (
                &["--federated-providers", "Acme SAML"],
                "FEDERATED_PROVIDERS",
            ),
            (&["--federated-providers", &long], "FEDERATED_PROVIDERS"),
            (&["--federated-providers", &eleven], "FEDERATED_PROVIDERS"),
        ] {
            // The flag given replaces the one in OAUTH.
            let mut args = BASE.to_vec();
            for pair in OAUTH.chunks(2).filter(|pair| pair[0] != flags[0]) {
                args.extend_from_slice(pair);
            }
            args.extend_from_slice(flags);
            let error = settings(&args).config().unwrap_err();
            assert_eq!(error.variable, variable, "{flags:?}: {error}");
        }
    }

    #[test]
    fn names_the_auth_flow_and_totp_issuer_it_refuses() {
        let base = BASE;
        let config = settings(&base).config().unwrap();
        assert_eq!(config.cognito.auth_flow, AuthFlow::UserPassword);
        assert_eq!(config.cognito.totp_issuer, "cognito-bff");

        let srp = [&base[..], &["--cognito-auth-flow", "USER_SRP_AUTH"]].concat();
        assert_eq!(
            settings(&srp).config().unwrap().cognito.auth_flow,
            AuthFlow::UserSrp
        );
        let choice = [&base[..], &["--cognito-auth-flow", "USER_AUTH"]].concat();
        assert_eq!(
            settings(&choice).config().unwrap().cognito.auth_flow,
            AuthFlow::UserAuth
        );

        let wrong = [&base[..], &["--cognito-auth-flow", "ADMIN_NO_SRP_AUTH"]].concat();
        let err = settings(&wrong).config().expect_err("refused");
        assert_eq!(err.variable, "COGNITO_AUTH_FLOW");

        let colon = [&base[..], &["--totp-issuer", "Acme: Staging"]].concat();
        let err = settings(&colon).config().expect_err("refused");
        assert_eq!(err.variable, "TOTP_ISSUER");
    }

    #[test]
    fn an_endpoint_moves_the_jwks_but_not_the_issuer() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "us-east-1_0123456789abcdef0123456789abcdef",
            "--cognito-client-id",
            "client",
            "--cognito-endpoint",
            "http://127.0.0.1:5000/",
        ])
        .config()
        .unwrap();
        assert_eq!(
            config.tokens.jwks_url,
            "http://127.0.0.1:5000/us-east-1_0123456789abcdef0123456789abcdef/.well-known/jwks.json"
        );
        assert!(
            config
                .tokens
                .issuer
                .starts_with("https://cognito-idp.us-east-1.amazonaws.com/")
        );
    }

    #[test]
    fn more_clients_can_be_accepted() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "web",
            "--allowed-client-ids",
            " mobile, ,service,web",
        ])
        .config()
        .unwrap();
        assert_eq!(
            config.tokens.accepted_client_ids,
            ["web", "mobile", "service"]
        );
    }

    #[test]
    fn origins_and_proxies_are_checked() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let mut args = base.to_vec();
        args.extend([
            "--allowed-origins",
            "https://app.example.com/, http://localhost:3000",
            "--trusted-proxies",
            "10.0.0.0/8, 192.168.1.1",
        ]);
        let config = settings(&args).config().unwrap();
        assert_eq!(
            config.http.allowed_origins,
            ["https://app.example.com", "http://localhost:3000"]
        );
        assert_eq!(config.limits.trusted_proxies.len(), 2);
        assert!(config.http.session_gateways.is_empty(), "off unless set");
        args.extend(["--verify-session-gateways", "10.1.0.0/16, ::1"]);
        let config = settings(&args).config().unwrap();
        assert_eq!(config.http.session_gateways.len(), 2);

        for (flag, value, variable) in [
            (
                "--allowed-origins",
                "https://app.example.com/login",
                "ALLOWED_ORIGINS",
            ),
            ("--allowed-origins", "*", "ALLOWED_ORIGINS"),
            ("--trusted-proxies", "10.0.0.0/33", "TRUSTED_PROXIES"),
            (
                "--verify-session-gateways",
                "gateway.internal",
                "VERIFY_SESSION_GATEWAYS",
            ),
        ] {
            let mut args = base.to_vec();
            args.extend([flag, value]);
            assert_eq!(settings(&args).config().unwrap_err().variable, variable);
        }
    }

    #[test]
    fn the_public_origin_and_forwarded_headers_are_checked() {
        let config = settings(&BASE).config().unwrap();
        assert!(config.api.public_origin.is_none());
        let given = [
            &BASE[..],
            &[
                "--public-origin",
                "https://app.example.com:8443/",
                "--api-upstreams",
                "orders=http://orders",
                "--api-forward-headers",
                "orders:x-tenant",
            ],
        ]
        .concat();
        let config = settings(&given).config().unwrap();
        assert_eq!(
            config.api.public_origin.unwrap().as_str(),
            "https://app.example.com:8443/"
        );
        for (flags, variable) in [
            (&["--public-origin", "app.example.com"][..], "PUBLIC_ORIGIN"),
            (
                &["--public-origin", "https://app.example.com/app"],
                "PUBLIC_ORIGIN",
            ),
            (
                &["--public-origin", "ftp://app.example.com"],
                "PUBLIC_ORIGIN",
            ),
            (
                &["--api-forward-headers", "orders:x-tenant"],
                "API_FORWARD_HEADERS",
            ),
            (
                &[
                    "--api-upstreams",
                    "orders=http://orders",
                    "--api-forward-headers",
                    "orders:cookie",
                ],
                "API_FORWARD_HEADERS",
            ),
        ] {
            let args = [&BASE[..], flags].concat();
            let error = settings(&args).config().unwrap_err();
            assert_eq!(error.variable, variable, "{flags:?}: {error}");
        }
    }

    #[test]
    fn client_metadata_keys_are_checked_names() {
        let with = |keys: &str| {
            let mut args = BASE.to_vec();
            args.extend(["--client-metadata-keys", keys]);
            settings(&args).config()
        };
        let config = with("tenant, campaign").unwrap();
        assert_eq!(
            config.cognito.client_metadata_keys,
            MetadataKeys::parse("tenant,campaign").unwrap()
        );
        assert_eq!(with("a b").unwrap_err().variable, "CLIENT_METADATA_KEYS");
        assert_eq!(
            settings(&BASE)
                .config()
                .unwrap()
                .cognito
                .client_metadata_keys,
            MetadataKeys::default()
        );
    }

    #[test]
    fn errors_name_the_variable() {
        let err = settings(&[]).config().unwrap_err();
        assert_eq!(err.variable, "COGNITO_USER_POOL_ID");
        let err = settings(&[
            "--cognito-user-pool-id",
            "nonsense",
            "--cognito-client-id",
            "c",
        ])
        .config()
        .unwrap_err();
        assert_eq!(err.variable, "COGNITO_USER_POOL_ID");
        let err = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cookie-secure",
            "maybe",
        ])
        .config()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "COOKIE_SECURE: must be true or false, not \"maybe\""
        );
    }

    #[test]
    fn encryption_keys_must_be_32_bytes_and_are_never_echoed() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let good = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let mut args = base.to_vec();
        args.extend(["--session-encryption-key", good]);
        let config = settings(&args).config().unwrap();
        let keys = config.challenges.keys.expect("keys");
        assert_eq!(keys.current.bytes()[31], 31);
        assert!(keys.previous.is_none());

        let mut args = base.to_vec();
        args.extend(["--session-encryption-key", "c2hvcnQtYnV0LXNlY3JldA=="]);
        let err = settings(&args).config().unwrap_err();
        assert_eq!(err.variable, "SESSION_ENCRYPTION_KEY");
        assert!(!err.to_string().contains("c2hvcnQ"));

        let mut args = base.to_vec();
        args.extend(["--session-encryption-key-previous", good]);
        assert_eq!(
            settings(&args).config().unwrap_err().variable,
            "SESSION_ENCRYPTION_KEY_PREVIOUS"
        );
    }

    #[test]
    fn the_request_timeout_must_outlast_a_cognito_call() {
        let err = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cognito-timeout-seconds",
            "10",
            "--request-timeout-seconds",
            "25",
        ])
        .config()
        .unwrap_err();
        assert_eq!(err.variable, "REQUEST_TIMEOUT_SECONDS");
    }

    #[test]
    fn insecure_cookies_need_loopback_or_an_explicit_allowance() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cookie-secure",
            "false",
        ];
        let on = |listen: &str, allow: &str| {
            let args = [
                &base[..],
                &["--listen-addr", listen, "--allow-insecure-cookies", allow],
            ]
            .concat();
            settings(&args).config()
        };
        assert!(on("127.0.0.1:8080", "false").is_ok());
        assert!(on("[::1]:8080", "false").is_ok());
        assert_eq!(
            on("0.0.0.0:8080", "false").unwrap_err().variable,
            "COOKIE_SECURE"
        );
        assert!(on("0.0.0.0:8080", "true").is_ok());
    }

    #[test]
    fn postgres_needs_a_key_shared_by_every_replica() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--database-url",
            "postgres://db/cognito",
        ];
        assert_eq!(
            settings(&base).config().unwrap_err().variable,
            "SESSION_ENCRYPTION_KEY"
        );
        let keyed = [
            &base[..],
            &[
                "--session-encryption-key",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ],
        ]
        .concat();
        assert!(settings(&keyed).config().is_ok());
    }

    #[test]
    fn metrics_listen_apart_unless_turned_off() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let config = settings(&base).config().unwrap();
        assert_eq!(
            config.http.metrics_addr,
            Some("127.0.0.1:9090".parse().unwrap())
        );
        let off = [&base[..], &["--metrics-addr", ""]].concat();
        assert_eq!(settings(&off).config().unwrap().http.metrics_addr, None);
        let bad = [&base[..], &["--metrics-addr", "9090"]].concat();
        assert_eq!(
            settings(&bad).config().unwrap_err().variable,
            "METRICS_ADDR"
        );
    }

    #[test]
    fn never_echoes_the_database_url() {
        let err = settings(&["--database-url", "mysql://user:hunter2@db/x"])
            .database()
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}
