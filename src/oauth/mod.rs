//! Federated sign-in through the pool's managed login (Google, Apple, SAML and OIDC users),
//! with this service as the app client's confidential client: the authorization-code flow
//! with PKCE, run on the server (the browser-based-apps BCP's backend-for-frontend).
//!
//! `start` keeps a record of the flow (a random `state`, PKCE's `code_verifier`, a `nonce`,
//! where to go afterwards) under a new id for the browser's cookie, and says where to send the
//! browser: the pool's `/oauth2/authorize`. `finish` takes the callback: it claims the record
//! the cookie names (once: a second callback finds nothing), requires the `state` to be the
//! record's, trades the code for tokens with the client secret and the verifier, and checks
//! the ID token (the pool's signature, `iss`, `aud`, `nonce`, `exp`) and the access token.
//! What the tokens then become (a browser session) is the session boundary's business.

mod error;
mod store;
mod token;

pub use error::OAuthError;
pub use store::{Claimed, Flow, FlowStore};
pub use token::check as check_tokens;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

use cognito_verifier::Verifier;

use crate::cognito::Tokens;
use crate::input::InvalidInput;
use crate::vocab::{Amr, FlowId, OpaqueId};

/// How long a browser may spend at the provider: signing in there, a second factor, a
/// consent screen. The pool's authorization code itself lives five minutes.
pub const FLOW_TTL: Duration = Duration::from_secs(600);

/// The most flows under way at once (each a few hundred bytes, for FLOW_TTL at most).
const MAX_LIVE_FLOWS: i64 = 50_000;

/// The longest `code` read from a callback: Cognito's are UUIDs; other servers' a few
/// hundred characters.
const MAX_CODE: usize = 2048;

/// The longest `state` read: ours are 43 characters.
const MAX_STATE: usize = 256;

/// What the flow needs to know, checked at start-up.
#[derive(Clone)]
pub struct FederationSettings {
    /// The pool's domain, without a trailing slash.
    pub domain: String,
    pub client_id: String,
    /// `None`: a public client, which names itself in the token request's body.
    pub client_secret: Option<SecretString>,
    /// This service's callback, exactly as the app client lists it.
    pub redirect_url: String,
    pub scopes: Vec<String>,
    /// The providers `start` accepts by name.
    pub providers: Vec<String>,
    /// Where the pool's `/logout` sends the browser afterwards.
    pub logout_url: String,
    /// One call to the token endpoint, the answer included.
    pub timeout: Duration,
}

/// A flow just begun: the cookie's id, and where the browser goes.
pub struct Started {
    pub id: FlowId,
    pub authorize_url: String,
    pub max_age_seconds: i64,
}

/// A flow that ended in checked tokens.
pub struct Finished {
    pub tokens: Tokens,
    pub amr: Amr,
    pub return_to: String,
}

/// The flow, built once at start-up when COGNITO_DOMAIN is set.
pub struct Federation {
    settings: FederationSettings,
    store: FlowStore,
    http: reqwest::Client,
    verifier: Arc<Verifier>,
}

impl Federation {
    pub fn new(
        settings: FederationSettings,
        store: FlowStore,
        verifier: Arc<Verifier>,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(token::CONNECT_TIMEOUT)
            .timeout(settings.timeout)
            // The token endpoint answers; it never sends the service elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("cognito-bff/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Federation {
            settings,
            store,
            http,
            verifier,
        })
    }

    pub fn store(&self) -> &FlowStore {
        &self.store
    }

    /// The providers users may pick, by the pool's names for them.
    pub fn providers(&self) -> &[String] {
        &self.settings.providers
    }

    /// Begins a flow for `provider` (one of FEDERATED_PROVIDERS; none or empty: managed
    /// login's own page), to end at `return_to`, which the caller has checked.
    pub async fn start(
        &self,
        provider: Option<&str>,
        return_to: String,
    ) -> Result<Started, OAuthError> {
        let provider = match provider.filter(|p| !p.is_empty()) {
            None => None,
            Some(name) => Some(
                self.settings
                    .providers
                    .iter()
                    .find(|known| *known == name)
                    .ok_or(OAuthError::UnknownProvider)?
                    .as_str(),
            ),
        };
        let flow = Flow {
            state: random()?,
            verifier: random()?,
            nonce: random()?,
            return_to,
        };
        // Anyone can start a flow, a page's images for its visitors too: the table holds a
        // bounded number, and beyond it new ones wait until old ones expire.
        if self.store.live().await? >= MAX_LIVE_FLOWS {
            tracing::warn!("too many federated sign-ins under way; refusing new ones");
            return Err(OAuthError::Busy);
        }
        let id = FlowId::generate()?;
        self.store.insert(&id.hash(), &flow, FLOW_TTL).await?;
        Ok(Started {
            authorize_url: self.authorize_url(&flow, provider),
            id,
            max_age_seconds: FLOW_TTL.as_secs() as i64,
        })
    }

    /// `{COGNITO_DOMAIN}/oauth2/authorize` with everything the flow sends there.
    pub fn authorize_url(&self, flow: &Flow, provider: Option<&str>) -> String {
        let mut url = format!("{}/oauth2/authorize?", self.settings.domain);
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &self.settings.redirect_url)
            .append_pair("scope", &self.settings.scopes.join(" "))
            .append_pair("state", &flow.state)
            .append_pair("nonce", &flow.nonce)
            .append_pair("code_challenge", &code_challenge(&flow.verifier))
            .append_pair("code_challenge_method", "S256");
        if let Some(provider) = provider {
            query.append_pair("identity_provider", provider);
        }
        url.push_str(&query.finish());
        url
    }

    /// Ends the flow `id` names with the callback's query. The record is claimed first, so
    /// whatever the callback says, the flow is over. `None` for the id: no cookie came.
    pub async fn finish(
        &self,
        id: Option<&FlowId>,
        query: Option<&str>,
    ) -> Result<Finished, OAuthError> {
        let id = id.ok_or(OAuthError::StateInvalid)?;
        let flow = match self.store.claim(&id.hash()).await? {
            Claimed::Live(flow) => flow,
            Claimed::Gone => return Err(OAuthError::StateInvalid),
            Claimed::Unreadable => return Err(OAuthError::Unreadable),
        };
        let callback = Callback::parse(query.unwrap_or_default())?;
        // RFC 6749 §10.12: the state binds the answer to the browser that asked, errors too.
        match &callback.state {
            Some(state) if token::same(state, &flow.state) => {}
            _ => return Err(OAuthError::StateInvalid),
        }
        if let Some(error) = &callback.error {
            return Err(match known_error(error) {
                "access_denied" => OAuthError::Denied,
                other => {
                    tracing::info!(error = other, "the identity provider refused the sign-in");
                    OAuthError::Provider(other)
                }
            });
        }
        let code = callback
            .code
            .ok_or_else(|| InvalidInput::new("code", "the callback carries no `code`"))?;
        let tokens = token::exchange(&self.http, &self.settings, &code, &flow.verifier).await?;
        let federated = token::check(
            &self.verifier,
            &self.settings.client_id,
            &tokens,
            &flow.nonce,
        )
        .await?;
        Ok(Finished {
            tokens,
            amr: if federated {
                Amr::federated()
            } else {
                Amr::managed_login()
            },
            return_to: flow.return_to,
        })
    }

    /// `{COGNITO_DOMAIN}/logout?client_id=…&logout_uri=…`: ends the pool's managed-login
    /// session, then sends the browser to OAUTH_LOGOUT_URL.
    pub fn logout_url(&self) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("logout_uri", &self.settings.logout_url)
            .finish();
        format!("{}/logout?{query}", self.settings.domain)
    }
}

/// 32 bytes from the operating system's CSPRNG, base64url without padding: 43 characters,
/// which is also the shortest `code_verifier` RFC 7636 allows.
fn random() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// PKCE's S256 `code_challenge`: base64url(SHA-256(ASCII(code_verifier))).
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// An `error` from the callback as one of the names RFC 6749 (§4.1.2.1) and OpenID Connect
/// (§3.1.2.6) define, or `other`: never the provider's own text.
pub(crate) fn known_error(error: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
        "invalid_grant",
        "invalid_client",
        "unsupported_grant_type",
    ];
    KNOWN
        .iter()
        .find(|known| **known == error)
        .copied()
        .unwrap_or("other")
}

/// What a callback's query carries that the flow reads; anything else (`error_description`,
/// `error_uri`, `iss`) is ignored.
#[derive(Default)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

impl Callback {
    /// At most 16 parameters, each of ours once (RFC 6749 §3.1), each bounded.
    fn parse(query: &str) -> Result<Callback, InvalidInput> {
        let mut callback = Callback::default();
        for (count, (name, value)) in form_urlencoded::parse(query.as_bytes()).enumerate() {
            if count >= 16 {
                return Err(InvalidInput::new("query", "too many query parameters"));
            }
            let (slot, field, max) = match name.as_ref() {
                "code" => (&mut callback.code, "code", MAX_CODE),
                "state" => (&mut callback.state, "state", MAX_STATE),
                "error" => (&mut callback.error, "error", 64),
                _ => continue,
            };
            if slot.is_some() {
                return Err(InvalidInput::new(
                    field,
                    format!("`{field}` is given twice"),
                ));
            }
            crate::input::check_text(field, &value, max)?;
            *slot = Some(value.into_owned());
        }
        Ok(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn federation(providers: &[&str]) -> FederationSettings {
        FederationSettings {
            domain: "https://auth.example.com".into(),
            client_id: "client-1".into(),
            client_secret: Some(SecretString::from("s3cret")),
            redirect_url: "https://app.example.com/oauth/callback".into(),
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            providers: providers.iter().map(|p| (*p).to_owned()).collect(),
            logout_url: "https://app.example.com/signed-out".into(),
            timeout: Duration::from_secs(5),
        }
    }

    /// A `Federation` whose store and verifier are never reached by what the test calls.
    async fn built(providers: &[&str]) -> Federation {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .connect_lazy("sqlite::memory:")
            .unwrap();
        let cipher = Arc::new(crate::vocab::SessionCipher::new(&[7; 32], None));
        let verifier = Arc::new(Verifier::new(cognito_verifier::VerifierConfig::for_pool(
            "us-east-1_abc",
            vec!["client-1".into()],
        )));
        Federation::new(
            federation(providers),
            FlowStore::new(pool, cipher),
            verifier,
        )
        .unwrap()
    }

    fn query(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[tokio::test]
    async fn the_authorize_url_carries_everything_the_flow_sends() {
        let federation = built(&["Google"]).await;
        let flow = Flow {
            state: random().unwrap(),
            verifier: random().unwrap(),
            nonce: random().unwrap(),
            return_to: "https://app.example.com/".into(),
        };
        let url = federation.authorize_url(&flow, Some("Google"));
        assert!(
            url.starts_with("https://auth.example.com/oauth2/authorize?"),
            "{url}"
        );
        let pairs = query(&url);
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("client_id"), Some("client-1"));
        assert_eq!(
            get("redirect_uri"),
            Some("https://app.example.com/oauth/callback")
        );
        assert_eq!(get("scope"), Some("openid email profile"));
        assert_eq!(get("state"), Some(flow.state.as_str()));
        assert_eq!(get("nonce"), Some(flow.nonce.as_str()));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(
            get("code_challenge"),
            Some(code_challenge(&flow.verifier).as_str())
        );
        assert_eq!(get("identity_provider"), Some("Google"));
        // The verifier never leaves the service.
        assert!(!url.contains(&flow.verifier));
        assert_eq!(pairs.len(), 9);

        let own_page = federation.authorize_url(&flow, None);
        assert!(
            query(&own_page)
                .iter()
                .all(|(k, _)| k != "identity_provider")
        );
    }

    #[test]
    fn the_code_challenge_is_rfc_7636s_s256() {
        // RFC 7636, appendix B.
        assert_eq!(
            code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn states_verifiers_and_nonces_are_fresh_32_bytes() {
        let values: Vec<String> = (0..64).map(|_| random().unwrap()).collect();
        for value in &values {
            assert_eq!(value.len(), 43);
            assert_eq!(URL_SAFE_NO_PAD.decode(value).unwrap().len(), 32);
        }
        let distinct: std::collections::HashSet<_> = values.iter().collect();
        assert_eq!(distinct.len(), values.len());
    }

    #[tokio::test]
    async fn only_a_listed_provider_starts_a_flow() {
        let federation = built(&["Google"]).await;
        // Refused before anything is stored.
        assert!(matches!(
            federation
                .start(Some("google"), "https://app.example.com/".into())
                .await,
            Err(OAuthError::UnknownProvider)
        ));
        assert!(matches!(
            federation
                .start(Some("Evil"), "https://app.example.com/".into())
                .await,
            Err(OAuthError::UnknownProvider)
        ));
    }

    #[test]
    fn the_logout_url_is_the_pools_with_the_client_and_where_to_go() {
        let settings = federation(&[]);
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &settings.client_id)
            .append_pair("logout_uri", &settings.logout_url)
            .finish();
        let expected = format!("https://auth.example.com/logout?{query}");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let federation = runtime.block_on(built(&[]));
        assert_eq!(federation.logout_url(), expected);
        let pairs = self::query(&federation.logout_url());
        assert_eq!(
            pairs,
            [
                ("client_id".to_owned(), "client-1".to_owned()),
                (
                    "logout_uri".to_owned(),
                    "https://app.example.com/signed-out".to_owned()
                )
            ]
        );
    }

    #[test]
    fn a_callback_reads_each_of_its_parameters_once_and_bounded() {
        let read =
            Callback::parse("code=abc&state=xyz&iss=https%3A%2F%2Fa&error_description=%3Cb%3E")
                .unwrap();
        assert_eq!(read.code.as_deref(), Some("abc"));
        assert_eq!(read.state.as_deref(), Some("xyz"));
        assert!(read.error.is_none());
        for bad in [
            "state=a&state=b".to_owned(),
            "code=a&code=a".to_owned(),
            format!("code={}", "c".repeat(MAX_CODE + 1)),
            format!("state={}", "s".repeat(MAX_STATE + 1)),
            "error=%0a".to_owned(),
            "code=".to_owned(),
            (0..17)
                .map(|i| format!("p{i}=1"))
                .collect::<Vec<_>>()
                .join("&"),
        ] {
            assert!(Callback::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn provider_errors_are_named_by_the_rfc_never_by_the_provider() {
        assert_eq!(known_error("access_denied"), "access_denied");
        assert_eq!(known_error("server_error"), "server_error");
        assert_eq!(known_error("<script>alert(1)</script>"), "other");
        assert_eq!(known_error("Access_Denied"), "other");
    }
}
