//! The OpenID Connect peer that stands in for the pool's domain (tests/oidc-peer): Cognito's
//! paths and claims, PKCE and the client secret required, a code good once, the user's
//! Cancel, and Cognito's logout. Its tokens pass the service's own verifier.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_verifier::TokenError;
use reqwest::Url;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::oidc::{OidcPeer, Visit};

const CLIENT_ID: &str = "peer-test-client";
const CLIENT_SECRET: &str = "peer-test-secret";
// Never contacted: the peer's redirects are read, not followed, past the peer.
const CALLBACK: &str = "http://127.0.0.1:1/oauth/callback";
const SIGNED_OUT: &str = "http://127.0.0.1:1/signed-out";

fn start() -> OidcPeer {
    OidcPeer::start(CLIENT_ID, CLIENT_SECRET, &[CALLBACK], &[SIGNED_OUT])
}

/// One authorization request as a client makes it: its state, nonce and PKCE verifier.
struct Request {
    state: String,
    nonce: String,
    verifier: String,
}

fn random() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Request {
    fn new() -> Request {
        Request {
            state: random(),
            nonce: random(),
            verifier: random(),
        }
    }

    fn url(&self, peer: &OidcPeer, identity_provider: Option<&str>) -> String {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()));
        let mut url = Url::parse(&peer.url("/oauth2/authorize")).unwrap();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", CLIENT_ID)
            .append_pair("redirect_uri", CALLBACK)
            .append_pair("scope", "openid email profile")
            .append_pair("state", &self.state)
            .append_pair("nonce", &self.nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(provider) = identity_provider {
            url.query_pairs_mut()
                .append_pair("identity_provider", provider);
        }
        url.into()
    }
}

fn query(url: &str) -> BTreeMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// The callback's `code`, after checking the redirect is to the callback with our state.
fn code(callback: &str, request: &Request) -> String {
    assert!(callback.starts_with(&format!("{CALLBACK}?")), "{callback}");
    let query = query(callback);
    assert_eq!(query["state"], request.state, "{callback}");
    query["code"].clone()
}

/// `POST /oauth2/token` with the client secret in HTTP Basic, as the service sends it.
async fn exchange(peer: &OidcPeer, code: &str, verifier: &str) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(peer.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

fn part(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn discovery_names_cognitos_paths_and_the_jwks_holds_two_public_rs256_keys() {
    let peer = start();
    let http = reqwest::Client::new();

    let discovery: Value = http
        .get(peer.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], peer.issuer());
    let base = &peer.base_url;
    assert_eq!(
        discovery["authorization_endpoint"],
        format!("{base}/oauth2/authorize")
    );
    assert_eq!(discovery["token_endpoint"], format!("{base}/oauth2/token"));
    assert_eq!(
        discovery["userinfo_endpoint"],
        format!("{base}/oauth2/userInfo")
    );
    assert_eq!(discovery["jwks_uri"], peer.jwks_url());
    assert_eq!(
        discovery["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(discovery["response_types_supported"], json!(["code"]));

    let jwks: Value = http
        .get(peer.jwks_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{jwks}");
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["alg"], "RS256");
        // Public halves only.
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(private).is_none(), "{key}");
        }
    }
    assert_ne!(keys[0]["kid"], keys[1]["kid"]);
    let verifier = peer.verifier();
    assert_eq!(verifier.keys().refresh().await.unwrap(), 2);
}

#[tokio::test]
async fn a_federated_sign_in_gives_tokens_with_cognitos_claims_that_the_verifier_accepts() {
    let peer = start();
    let request = Request::new();
    let url = request.url(&peer, Some("Google"));

    // The login page says which provider the client asked for.
    let browser = peer.browser();
    let page = browser.visit(&url).await.login_page();
    assert_eq!(page.identity_provider.as_deref(), Some("Google"));
    let callback = browser.submit(&page, &[("username", "alice")]).await.left();
    let first = code(&callback, &request);

    let (status, tokens) = exchange(&peer, &first, &request.verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert!(
        tokens["refresh_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let id_token = tokens["id_token"].as_str().unwrap();
    let access_token = tokens["access_token"].as_str().unwrap();

    let verifier = peer.verifier();
    let id = verifier
        .verify_id(id_token)
        .await
        .expect("a valid ID token");
    assert_eq!(id.aud, CLIENT_ID);
    assert_eq!(id.token_use, "id");
    assert_eq!(id.username.as_deref(), Some("Google_alice"));
    assert_eq!(id.email.as_deref(), Some("alice@example.com"));
    assert!(id.auth_time.is_some());
    assert_eq!(id.other["nonce"], request.nonce.as_str());
    let identities = id.other["identities"].as_array().expect("identities");
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0]["providerName"], "Google");
    assert_eq!(identities[0]["providerType"], "Google");
    assert_eq!(identities[0]["userId"], "alice");

    let access = verifier
        .verify_access(access_token)
        .await
        .expect("a valid access token");
    assert_eq!(access.sub, id.sub);
    assert_eq!(access.client_id, CLIENT_ID);
    assert_eq!(access.token_use, "access");
    assert_eq!(access.username.as_deref(), Some("Google_alice"));
    assert_eq!(access.scope.as_deref(), Some("openid email profile"));
    assert_eq!(access.auth_time, id.auth_time);
    assert!(access.groups.is_empty());
    assert!(access.jti.is_some());
    assert!(access.origin_jti.is_some());
    // One sign-in: both tokens descend from it.
    assert_eq!(access.origin_jti, id.origin_jti);
    // As Cognito's: no audience on the access token, and the header names only its key.
    let payload = part(access_token, 1);
    assert!(payload.get("aud").is_none(), "{payload}");
    let header = part(access_token, 0);
    assert_eq!(header, json!({"alg": "RS256", "kid": header["kid"]}));
    assert_ne!(header["kid"], part(id_token, 0)["kid"]);

    // The ID token's audience is no access token's client, nor the other way round.
    assert_eq!(
        verifier.verify_access(id_token).await.unwrap_err(),
        TokenError::TokenUse
    );
    assert_eq!(
        verifier.verify_id(access_token).await.unwrap_err(),
        TokenError::TokenUse
    );

    // The same user signs in again with the same `sub`.
    let again = Request::new();
    let callback = peer
        .sign_in(&again.url(&peer, Some("Google")), "alice")
        .await;
    let (_, tokens) = exchange(&peer, &code(&callback, &again), &again.verifier).await;
    let second = verifier
        .verify_id(tokens["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(second.sub, id.sub);
    assert_ne!(second.origin_jti, id.origin_jti);

    let requests = peer.token_requests().await;
    assert!(
        requests
            .iter()
            .all(|r| r.client_auth == "basic" && r.status == 200),
        "{requests:?}"
    );
    let asked = peer.authorizations().await;
    assert_eq!(asked[0]["identity_provider"], "Google");
    assert_eq!(asked[0]["code_challenge_method"], "S256");
}

#[tokio::test]
async fn without_an_identity_provider_the_user_is_the_pools_own() {
    let peer = start();
    let request = Request::new();
    let page = peer
        .browser()
        .visit(&request.url(&peer, None))
        .await
        .login_page();
    assert_eq!(page.identity_provider, None);

    let callback = peer
        .browser()
        .sign_in_with(
            &request.url(&peer, None),
            &[
                ("username", "bob"),
                ("email", "bob@example.org"),
                ("groups", "admin, staff"),
            ],
        )
        .await;
    let (_, tokens) = exchange(&peer, &code(&callback, &request), &request.verifier).await;
    let verifier = peer.verifier();
    let id = verifier
        .verify_id(tokens["id_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(id.username.as_deref(), Some("bob"));
    assert_eq!(id.email.as_deref(), Some("bob@example.org"));
    assert!(id.other.get("identities").is_none());
    let access = verifier
        .verify_access(tokens["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(access.groups, ["admin", "staff"]);
}

#[tokio::test]
async fn a_code_is_good_once() {
    let peer = start();
    let request = Request::new();
    let callback = peer.sign_in(&request.url(&peer, None), "carol").await;
    let code = code(&callback, &request);

    let (status, _) = exchange(&peer, &code, &request.verifier).await;
    assert_eq!(status, 200);
    let (status, body) = exchange(&peer, &code, &request.verifier).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn the_token_endpoint_wants_the_right_verifier_and_the_client_secret() {
    let peer = start();
    let request = Request::new();
    let callback = peer.sign_in(&request.url(&peer, None), "dave").await;
    let code = code(&callback, &request);

    let (status, body) = exchange(&peer, &code, &random()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");

    // Refused without using the code up: with the right verifier it still works, once.
    let (status, body) = exchange(&peer, &code, &request.verifier).await;
    assert_eq!(status, 200, "{body}");

    let wrong_secret = reqwest::Client::new()
        .post(peer.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some("not-the-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &request.verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), 401);
    let body: Value = wrong_secret.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let outcomes: Vec<_> = peer
        .token_requests()
        .await
        .into_iter()
        .map(|r| (r.status, r.error))
        .collect();
    assert_eq!(
        outcomes,
        [
            (400, Some("invalid_grant".into())),
            (200, None),
            (401, Some("invalid_client".into()))
        ]
    );
}

#[tokio::test]
async fn an_authorization_request_without_pkce_is_sent_back_refused() {
    let peer = start();
    let request = Request::new();
    let mut url = Url::parse(&request.url(&peer, None)).unwrap();
    let without: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(name, _)| !name.starts_with("code_challenge"))
        .collect();
    url.query_pairs_mut().clear().extend_pairs(without);

    let callback = peer.browser().visit(url.as_str()).await.left();
    let query = query(&callback);
    assert_eq!(query["error"], "invalid_request", "{callback}");
    assert_eq!(query["state"], request.state);

    // An unregistered callback is never redirected to.
    let elsewhere = request
        .url(&peer, None)
        .replace("oauth%2Fcallback", "elsewhere");
    match peer.browser().visit(&elsewhere).await {
        Visit::Page { status, body } => {
            assert_eq!(status, 400);
            assert!(body.contains("redirect_uri"), "{body}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn cancel_on_the_login_page_answers_access_denied() {
    let peer = start();
    let request = Request::new();

    let callback = peer.cancel(&request.url(&peer, Some("SAML-Corp"))).await;
    assert!(callback.starts_with(&format!("{CALLBACK}?")), "{callback}");
    let query = query(&callback);
    assert_eq!(query["error"], "access_denied");
    assert!(query.contains_key("error_description"), "{callback}");
    assert_eq!(query["state"], request.state);
    assert!(!query.contains_key("code"));
    let sign_ins = peer.sign_ins().await;
    assert_eq!(sign_ins[0]["outcome"], "cancelled");
    assert_eq!(sign_ins[0]["identity_provider"], "SAML-Corp");
}

#[tokio::test]
async fn logout_ends_the_managed_login_session_and_returns_to_a_registered_uri() {
    let peer = start();
    let browser = peer.browser();
    browser
        .sign_in(&Request::new().url(&peer, Some("Google")), "erin")
        .await;

    // The session is remembered: no login page the second time.
    let request = Request::new();
    let callback = browser
        .visit(&request.url(&peer, Some("Google")))
        .await
        .left();
    code(&callback, &request);

    let mut logout = Url::parse(&peer.url("/logout")).unwrap();
    logout
        .query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("logout_uri", SIGNED_OUT);
    assert_eq!(browser.visit(logout.as_str()).await.left(), SIGNED_OUT);

    // Signed out: the login page again.
    browser
        .visit(&Request::new().url(&peer, Some("Google")))
        .await
        .login_page();

    // A sign-out URL the client didn't register is refused, not redirected to.
    let mut foreign = Url::parse(&peer.url("/logout")).unwrap();
    foreign
        .query_pairs_mut()
        .append_pair("client_id", CLIENT_ID)
        .append_pair("logout_uri", "https://evil.example/");
    match browser.visit(foreign.as_str()).await {
        Visit::Page { status, .. } => assert_eq!(status, 400),
        other => panic!("{other:?}"),
    }

    let logouts = peer.logouts().await;
    assert_eq!(logouts.len(), 2, "{logouts:?}");
    assert_eq!(logouts[0].client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(logouts[0].logout_uri.as_deref(), Some(SIGNED_OUT));
    assert_eq!(logouts[0].outcome, "redirected");
    assert!(logouts[0].signed_out);
    assert_eq!(logouts[1].outcome, "refused");
}

#[tokio::test]
async fn userinfo_and_refresh_answer_for_the_peers_tokens() {
    let peer = start();
    let request = Request::new();
    let callback = peer
        .sign_in(&request.url(&peer, Some("Google")), "frank")
        .await;
    let (_, tokens) = exchange(&peer, &code(&callback, &request), &request.verifier).await;
    let http = reqwest::Client::new();

    let info: Value = http
        .get(peer.url("/oauth2/userInfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["username"], "Google_frank");
    assert_eq!(info["email"], "frank@example.com");
    let with_id_token = http
        .get(peer.url("/oauth2/userInfo"))
        .bearer_auth(tokens["id_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(with_id_token.status(), 401);

    let refreshed: Value = http
        .post(peer.url("/oauth2/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // As Cognito: new ID and access tokens, and the client keeps its refresh token.
    assert!(refreshed.get("refresh_token").is_none(), "{refreshed}");
    let verifier = peer.verifier();
    let before = verifier
        .verify_access(tokens["access_token"].as_str().unwrap())
        .await
        .unwrap();
    let after = verifier
        .verify_access(refreshed["access_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(after.origin_jti, before.origin_jti);
    assert_ne!(after.jti, before.jti);
    assert_eq!(after.auth_time, before.auth_time);
}

#[tokio::test]
async fn the_next_tokens_can_be_tampered_with_for_the_attack_tests() {
    let peer = start();
    let verifier = peer.verifier();

    let request = Request::new();
    let callback = peer.sign_in(&request.url(&peer, None), "grace").await;
    peer.tamper_next_tokens(json!({
        "id_token": {"claims": {"nonce": "not-the-nonce", "aud": "another-client"}}
    }))
    .await;
    let (_, tokens) = exchange(&peer, &code(&callback, &request), &request.verifier).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(part(id_token, 1)["nonce"], "not-the-nonce");
    assert_eq!(
        verifier.verify_id(id_token).await.unwrap_err(),
        TokenError::Client
    );
    // Once only: the access token of that answer is as issued, and so are the next tokens.
    verifier
        .verify_access(tokens["access_token"].as_str().unwrap())
        .await
        .unwrap();

    let request = Request::new();
    let callback = peer.sign_in(&request.url(&peer, None), "grace").await;
    peer.tamper_next_tokens(json!({"id_token": {"foreign_key": true}}))
        .await;
    let (_, tokens) = exchange(&peer, &code(&callback, &request), &request.verifier).await;
    assert_eq!(
        verifier
            .verify_id(tokens["id_token"].as_str().unwrap())
            .await
            .unwrap_err(),
        TokenError::Signature
    );
}
