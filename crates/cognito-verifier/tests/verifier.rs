//! The token verifier (`cognito_verifier`) through its public API, against a local JWKS
//! server the tests control: keys can be swapped, the server counts fetches, and it can be
//! told to fail or be stopped. The RSA keys are fixtures (`tests/fixtures/`), never real ones.

use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_verifier::jwks::JwksError;
use cognito_verifier::verifier::MAX_TOKEN_LEN;
use cognito_verifier::{
    AuthRejection, AuthUser, RequireAccessTokenLayer, Revocations, TokenError, TokenIdentity,
    VerifiedAccess, Verifier, VerifierConfig, bearer_token,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::{Barrier, oneshot};
use tokio::task::JoinHandle;
use tower::ServiceExt;

const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
const CLIENT: &str = "client-one";
const OTHER_CLIENT: &str = "client-two";
const SUB: &str = "8f3c2a1e-0000-4000-8000-000000000001";
const JWKS_PATH: &str = "/.well-known/jwks.json";

// ---------------------------------------------------------------------------------------------
// Keys

/// A fixture keypair: the PKCS#1 private key (DER), its public PEM, and its JWK `n`/`e`.
struct TestKey {
    der: &'static [u8],
    public_pem: &'static str,
    jwk: &'static str,
}

const KEY_1: TestKey = TestKey {
    der: include_bytes!("fixtures/signing-key-1.der"),
    public_pem: include_str!("fixtures/signing-key-1.pub.pem"),
    jwk: include_str!("fixtures/signing-key-1.jwk.json"),
};

const KEY_2: TestKey = TestKey {
    der: include_bytes!("fixtures/signing-key-2.der"),
    public_pem: include_str!("fixtures/signing-key-2.pub.pem"),
    jwk: include_str!("fixtures/signing-key-2.jwk.json"),
};

impl TestKey {
    fn encoding(&self) -> EncodingKey {
        EncodingKey::from_rsa_der(self.der)
    }

    /// The public key as a JWKS entry, the way Cognito publishes it.
    fn public_jwk(&self, kid: &str) -> Value {
        let mut jwk: Value = serde_json::from_str(self.jwk).expect("fixture JWK is JSON");
        jwk["kid"] = json!(kid);
        jwk["alg"] = json!("RS256");
        jwk["use"] = json!("sig");
        jwk
    }

    /// The JWK modulus exactly as published (base64url).
    fn modulus(&self) -> String {
        self.public_jwk("")["n"].as_str().unwrap().to_owned()
    }
}

fn jwks(keys: &[(&TestKey, &str)]) -> String {
    let keys: Vec<Value> = keys.iter().map(|(key, kid)| key.public_jwk(kid)).collect();
    json!({ "keys": keys }).to_string()
}

/// A JWKS of exactly `len` bytes holding the given keys, padded with an entry the parser
/// skips.
fn jwks_of_len(keys: &[(&TestKey, &str)], len: usize) -> String {
    let mut entries: Vec<Value> = keys.iter().map(|(key, kid)| key.public_jwk(kid)).collect();
    entries.push(json!({ "kty": "oct", "pad": "" }));
    let base = json!({ "keys": entries }).to_string().len();
    assert!(len >= base, "{len} is too small for the keys");
    entries.last_mut().unwrap()["pad"] = json!("x".repeat(len - base));
    let body = json!({ "keys": entries }).to_string();
    assert_eq!(body.len(), len);
    body
}

// ---------------------------------------------------------------------------------------------
// The JWKS server

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// 200 with a Content-Length.
    Serve,
    /// 200, chunked, no Content-Length.
    Chunked,
    /// 500.
    Fail,
}

struct ServerState {
    body: Mutex<String>,
    mode: Mutex<Mode>,
    hits: AtomicUsize,
}

struct JwksServer {
    url: String,
    state: Arc<ServerState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl JwksServer {
    async fn start(body: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(ServerState {
            body: Mutex::new(body),
            mode: Mutex::new(Mode::Serve),
            hits: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route(JWKS_PATH, get(serve_jwks))
            .with_state(state.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("JWKS server");
        });
        JwksServer {
            url: format!("http://{addr}{JWKS_PATH}"),
            state,
            shutdown: Some(shutdown),
            task: Some(task),
        }
    }

    fn set_jwks(&self, body: String) {
        *self.state.body.lock().unwrap() = body;
    }

    fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// Requests received so far, whatever they were answered with.
    fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Stops accepting, closes idle connections, and returns once the server is gone.
    async fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("JWKS server task");
        }
    }
}

async fn serve_jwks(State(state): State<Arc<ServerState>>) -> Response {
    state.hits.fetch_add(1, Ordering::SeqCst);
    let body = state.body.lock().unwrap().clone();
    let mode = *state.mode.lock().unwrap();
    let json = [(header::CONTENT_TYPE, "application/json")];
    match mode {
        Mode::Serve => (json, body).into_response(),
        Mode::Chunked => {
            (json, Body::from_stream(Body::from(body).into_data_stream())).into_response()
        }
        Mode::Fail => (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// Verifiers

fn config(server: &JwksServer) -> VerifierConfig {
    VerifierConfig {
        jwks_url: server.url.clone(),
        issuer: ISSUER.to_owned(),
        client_ids: vec![CLIENT.to_owned()],
        leeway: Duration::ZERO,
        cache_capacity: 0,
    }
}

async fn loaded(config: VerifierConfig) -> Verifier {
    let verifier = Verifier::new(config);
    verifier
        .keys()
        .refresh()
        .await
        .expect("the initial JWKS load");
    verifier
}

/// A JWKS server publishing key 1 as `k1`, and a verifier that has loaded it.
async fn setup() -> (JwksServer, Verifier) {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = loaded(config(&server)).await;
    assert_eq!(server.hits(), 1);
    (server, verifier)
}

// ---------------------------------------------------------------------------------------------
// Tokens

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn access_claims() -> Value {
    json!({
        "iss": ISSUER,
        "sub": SUB,
        "client_id": CLIENT,
        "token_use": "access",
        "exp": now() + 3600,
        "iat": now(),
        "jti": "jti-0001",
        "origin_jti": "origin-0001",
        "username": "alice",
        "cognito:groups": ["admins", "readers"],
        "scope": "aws.cognito.signin.user.admin",
    })
}

fn id_claims() -> Value {
    json!({
        "iss": ISSUER,
        "sub": SUB,
        "aud": CLIENT,
        "token_use": "id",
        "exp": now() + 3600,
        "cognito:username": "alice",
    })
}

/// `claims` with some fields changed (`Value::Null` removes the field).
fn with(mut claims: Value, changes: Value) -> Value {
    let object = claims.as_object_mut().unwrap();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            object.remove(name);
        } else {
            object.insert(name.clone(), value.clone());
        }
    }
    claims
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RS256 with `jsonwebtoken::encode`, the way Cognito signs.
fn sign(key: &TestKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding()).expect("sign")
}

/// Any header, any claims, signed with `alg` over exactly what is sent.
fn sign_raw(header: &Value, claims: &Value, key: &EncodingKey, alg: Algorithm) -> String {
    let message = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, alg).expect("sign");
    format!("{message}.{signature}")
}

fn access_token() -> String {
    sign(&KEY_1, "k1", &access_claims())
}

fn id_token() -> String {
    sign(&KEY_1, "k1", &id_claims())
}

fn segments(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

/// A kid nobody has published.
fn random_kid(i: usize) -> String {
    format!("forged-{i}-{:016x}", RandomState::new().hash_one(i))
}

/// Runs every case through `verify_access` and reports all the ones that went wrong.
async fn expect_access(verifier: &Verifier, cases: Vec<(&str, String, TokenError)>) {
    let mut failures = Vec::new();
    for (name, token, want) in cases {
        match verifier.verify_access(&token).await {
            Err(got) if got == want => {}
            Err(got) => failures.push(format!(
                "{name}: expected {want:?}, got {got:?} ({})",
                got.code()
            )),
            Ok(_) => failures.push(format!("{name}: expected {want:?}, but it was accepted")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Valid tokens and token_use

#[tokio::test]
async fn a_valid_access_token_passes_and_its_claims_come_back() {
    let (_server, verifier) = setup().await;
    let claims = verifier.verify_access(&access_token()).await.unwrap();
    assert_eq!(claims.sub, SUB);
    assert_eq!(claims.client_id, CLIENT);
    assert_eq!(claims.token_use, "access");
    assert_eq!(claims.username.as_deref(), Some("alice"));
    assert_eq!(claims.groups, ["admins", "readers"]);
    assert_eq!(
        claims.scope.as_deref(),
        Some("aws.cognito.signin.user.admin")
    );
    assert_eq!(claims.jti.as_deref(), Some("jti-0001"));
    assert_eq!(claims.origin_jti.as_deref(), Some("origin-0001"));
    assert!(claims.exp > now());
    assert_eq!(claims.nbf, None);
}

#[tokio::test]
async fn a_valid_id_token_passes_verify_id() {
    let (_server, verifier) = setup().await;
    let claims = verifier.verify_id(&id_token()).await.unwrap();
    assert_eq!(claims.sub, SUB);
    assert_eq!(claims.aud, CLIENT);
    assert_eq!(claims.token_use, "id");
    assert_eq!(claims.username.as_deref(), Some("alice"));
}

#[tokio::test]
async fn an_access_token_fails_verify_id() {
    let (_server, verifier) = setup().await;
    assert_eq!(
        verifier.verify_id(&access_token()).await.unwrap_err(),
        TokenError::TokenUse
    );
}

#[tokio::test]
async fn an_id_token_fails_verify_access() {
    let (_server, verifier) = setup().await;
    assert_eq!(
        verifier.verify_access(&id_token()).await.unwrap_err(),
        TokenError::TokenUse
    );
}

#[tokio::test]
async fn a_wrong_token_use_is_refused_even_when_every_other_field_fits() {
    let (_server, verifier) = setup().await;
    let access_as_id = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "token_use": "id" })),
    );
    assert_eq!(
        verifier.verify_access(&access_as_id).await.unwrap_err(),
        TokenError::TokenUse
    );
    let id_as_access = sign(
        &KEY_1,
        "k1",
        &with(id_claims(), json!({ "token_use": "access" })),
    );
    assert_eq!(
        verifier.verify_id(&id_as_access).await.unwrap_err(),
        TokenError::TokenUse
    );
}

// ---------------------------------------------------------------------------------------------
// Header: algorithm, kid, crit, jku/jwk

#[tokio::test]
async fn algorithms_other_than_rs256_are_refused() {
    let (_server, verifier) = setup().await;
    let claims = access_claims();
    let payload = b64(claims.to_string());
    let none_header = b64(json!({ "alg": "none", "kid": "k1" }).to_string());
    let rs256_signature = segments(&access_token())[2].clone();
    let hs256 = |secret: &[u8]| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(secret)).unwrap()
    };
    let rsa = |alg: Algorithm| {
        let mut header = Header::new(alg);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(&header, &claims, &KEY_1.encoding()).unwrap()
    };
    let modulus_bytes = URL_SAFE_NO_PAD.decode(KEY_1.modulus()).unwrap();
    let raw = |header: Value| sign_raw(&header, &claims, &KEY_1.encoding(), Algorithm::RS256);

    expect_access(
        &verifier,
        vec![
            (
                "alg none, empty signature",
                format!("{none_header}.{payload}."),
                TokenError::Algorithm,
            ),
            (
                "alg none, non-empty signature",
                format!("{none_header}.{payload}.{rs256_signature}"),
                TokenError::Algorithm,
            ),
            (
                "alg None, empty signature",
                format!(
                    "{}.{payload}.",
                    b64(json!({ "alg": "None", "kid": "k1" }).to_string())
                ),
                TokenError::Algorithm,
            ),
            (
                "HS256 keyed with the public key PEM",
                hs256(KEY_1.public_pem.as_bytes()),
                TokenError::Algorithm,
            ),
            (
                "HS256 keyed with the JWK modulus (base64url text)",
                hs256(KEY_1.modulus().as_bytes()),
                TokenError::Algorithm,
            ),
            (
                "HS256 keyed with the JWK modulus (raw bytes)",
                hs256(&modulus_bytes),
                TokenError::Algorithm,
            ),
            ("PS256", rsa(Algorithm::PS256), TokenError::Algorithm),
            ("RS384", rsa(Algorithm::RS384), TokenError::Algorithm),
            ("RS512", rsa(Algorithm::RS512), TokenError::Algorithm),
            (
                "lower-case rs256",
                raw(json!({ "alg": "rs256", "kid": "k1" })),
                TokenError::Algorithm,
            ),
            ("no alg", raw(json!({ "kid": "k1" })), TokenError::Algorithm),
        ],
    )
    .await;
    // The genuine token still passes on the same verifier.
    verifier.verify_access(&access_token()).await.unwrap();
}

#[tokio::test]
async fn an_unknown_kid_is_refused() {
    let (_server, verifier) = setup().await;
    let token = sign(&KEY_1, "not-published", &access_claims());
    assert_eq!(
        verifier.verify_access(&token).await.unwrap_err(),
        TokenError::UnknownKid
    );
}

#[tokio::test]
async fn a_missing_kid_is_refused() {
    let (_server, verifier) = setup().await;
    let token = sign_raw(
        &json!({ "alg": "RS256", "typ": "JWT" }),
        &access_claims(),
        &KEY_1.encoding(),
        Algorithm::RS256,
    );
    assert_eq!(
        verifier.verify_access(&token).await.unwrap_err(),
        TokenError::MissingKid
    );
}

#[tokio::test]
async fn jku_x5u_and_embedded_jwk_headers_are_ignored() {
    let (server, verifier) = setup().await;
    // The attacker publishes their own key (key 2) under the pool's kid and under their own.
    let attacker = JwksServer::start(jwks(&[(&KEY_2, "k1"), (&KEY_2, "attacker")])).await;
    let attacker_jwk = KEY_2.public_jwk("k1");
    let forge = |header: Value| {
        sign_raw(
            &header,
            &access_claims(),
            &KEY_2.encoding(),
            Algorithm::RS256,
        )
    };

    expect_access(
        &verifier,
        vec![
            (
                "jku to the attacker's JWKS, pool kid",
                forge(json!({ "alg": "RS256", "kid": "k1", "jku": attacker.url })),
                TokenError::Signature,
            ),
            (
                "x5u to the attacker's server, pool kid",
                forge(json!({ "alg": "RS256", "kid": "k1", "x5u": attacker.url })),
                TokenError::Signature,
            ),
            (
                "embedded jwk, pool kid",
                forge(json!({ "alg": "RS256", "kid": "k1", "jwk": attacker_jwk })),
                TokenError::Signature,
            ),
            (
                "jku to the attacker's JWKS, attacker kid",
                forge(json!({ "alg": "RS256", "kid": "attacker", "jku": attacker.url })),
                TokenError::UnknownKid,
            ),
            (
                "embedded jwk, attacker kid",
                forge(json!({
                    "alg": "RS256",
                    "kid": "attacker",
                    "jwk": KEY_2.public_jwk("attacker"),
                })),
                TokenError::UnknownKid,
            ),
        ],
    )
    .await;
    assert_eq!(
        attacker.hits(),
        0,
        "the verifier fetched from a URL in the token"
    );
    // The only fetch beyond the initial load is the one unknown-kid refetch, from the pool.
    assert!(
        server.hits() <= 2,
        "pool JWKS fetched {} times",
        server.hits()
    );
}

#[tokio::test]
async fn a_crit_header_is_refused() {
    let (_server, verifier) = setup().await;
    let token = sign_raw(
        &json!({ "alg": "RS256", "kid": "k1", "crit": ["x-custom"], "x-custom": "1" }),
        &access_claims(),
        &KEY_1.encoding(),
        Algorithm::RS256,
    );
    assert_eq!(
        verifier.verify_access(&token).await.unwrap_err(),
        TokenError::CriticalHeader
    );
    let empty = sign_raw(
        &json!({ "alg": "RS256", "kid": "k1", "crit": [] }),
        &access_claims(),
        &KEY_1.encoding(),
        Algorithm::RS256,
    );
    assert_eq!(
        verifier.verify_access(&empty).await.unwrap_err(),
        TokenError::CriticalHeader
    );
}

// ---------------------------------------------------------------------------------------------
// Time and claim formats

#[tokio::test]
async fn claim_formats_and_times_are_checked() {
    let (_server, verifier) = setup().await;
    let token = |changes: Value| sign(&KEY_1, "k1", &with(access_claims(), changes));
    let exp = (now() + 3600).to_string();
    let nbf = (now() - 60).to_string();
    expect_access(
        &verifier,
        vec![
            (
                "missing exp",
                token(json!({ "exp": null })),
                TokenError::Claims,
            ),
            (
                "exp as a string",
                token(json!({ "exp": exp })),
                TokenError::Claims,
            ),
            (
                "nbf as a string",
                token(json!({ "nbf": nbf })),
                TokenError::Claims,
            ),
            (
                "missing sub",
                token(json!({ "sub": null })),
                TokenError::Claims,
            ),
            (
                "expired 30 s ago",
                token(json!({ "exp": now() - 30 })),
                TokenError::Expired,
            ),
            (
                "nbf 60 s ahead",
                token(json!({ "nbf": now() + 60 })),
                TokenError::NotYetValid,
            ),
        ],
    )
    .await;
    // A past nbf is fine.
    verifier
        .verify_access(&token(json!({ "nbf": now() - 60 })))
        .await
        .unwrap();
}

#[tokio::test]
async fn id_tokens_get_the_same_time_and_format_checks() {
    let (_server, verifier) = setup().await;
    let token = |changes: Value| sign(&KEY_1, "k1", &with(id_claims(), changes));
    let cases = [
        (json!({ "exp": null }), TokenError::Claims),
        (json!({ "exp": "9999999999" }), TokenError::Claims),
        (json!({ "nbf": "0" }), TokenError::Claims),
        (json!({ "exp": now() - 30 }), TokenError::Expired),
        (json!({ "nbf": now() + 60 }), TokenError::NotYetValid),
    ];
    for (changes, want) in cases {
        assert_eq!(
            verifier
                .verify_id(&token(changes.clone()))
                .await
                .unwrap_err(),
            want,
            "{changes}"
        );
    }
}

#[tokio::test]
async fn leeway_covers_small_clock_skew_only() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = loaded(VerifierConfig {
        leeway: Duration::from_secs(60),
        ..config(&server)
    })
    .await;
    let token = |changes: Value| sign(&KEY_1, "k1", &with(access_claims(), changes));

    verifier
        .verify_access(&token(json!({ "exp": now() - 30 })))
        .await
        .expect("expired 30 s ago, within 60 s of leeway");
    verifier
        .verify_access(&token(json!({ "nbf": now() + 30 })))
        .await
        .expect("valid in 30 s, within 60 s of leeway");
    expect_access(
        &verifier,
        vec![
            (
                "expired 120 s ago",
                token(json!({ "exp": now() - 120 })),
                TokenError::Expired,
            ),
            (
                "valid in 120 s",
                token(json!({ "nbf": now() + 120 })),
                TokenError::NotYetValid,
            ),
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Signature and shape

#[tokio::test]
async fn tampering_breaks_the_signature() {
    let (_server, verifier) = setup().await;
    let genuine = segments(&access_token());

    let promoted = with(access_claims(), json!({ "cognito:groups": ["root"] }));
    let tampered_payload = format!(
        "{}.{}.{}",
        genuine[0],
        b64(promoted.to_string()),
        genuine[2]
    );

    let mut signature = URL_SAFE_NO_PAD.decode(&genuine[2]).unwrap();
    signature[17] ^= 0x01;
    let tampered_signature = format!("{}.{}.{}", genuine[0], genuine[1], b64(&signature));

    // Signed by key 2 but claiming key 1's kid.
    let wrong_key = sign(&KEY_2, "k1", &access_claims());

    expect_access(
        &verifier,
        vec![
            ("tampered payload", tampered_payload, TokenError::Signature),
            (
                "tampered signature",
                tampered_signature,
                TokenError::Signature,
            ),
            ("signed by another key", wrong_key, TokenError::Signature),
        ],
    )
    .await;
}

#[tokio::test]
async fn malformed_and_oversized_tokens_are_refused() {
    let (_server, verifier) = setup().await;
    let genuine = segments(&access_token());
    let [header, payload, signature] = [&genuine[0], &genuine[1], &genuine[2]];
    let padded = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "pad": "x".repeat(MAX_TOKEN_LEN) })),
    );
    assert!(padded.len() > MAX_TOKEN_LEN);
    let bad_payload = {
        let message = format!("{header}.{payload}*!");
        let signature =
            jsonwebtoken::crypto::sign(message.as_bytes(), &KEY_1.encoding(), Algorithm::RS256)
                .unwrap();
        format!("{message}.{signature}")
    };

    expect_access(
        &verifier,
        vec![
            ("empty", String::new(), TokenError::Malformed),
            (
                "two segments",
                format!("{header}.{payload}"),
                TokenError::Malformed,
            ),
            (
                "four segments",
                format!("{header}.{payload}.{signature}.{signature}"),
                TokenError::Malformed,
            ),
            (
                "bad base64 in the header",
                format!("{header}*!.{payload}.{signature}"),
                TokenError::Malformed,
            ),
            (
                "padded base64 in the header",
                format!("{header}==.{payload}.{signature}"),
                TokenError::Malformed,
            ),
            (
                "header is not JSON",
                format!("{}.{payload}.{signature}", b64("not json")),
                TokenError::Malformed,
            ),
            (
                "bad base64 in a correctly signed payload",
                bad_payload,
                TokenError::Malformed,
            ),
            ("a signed token over 8 KiB", padded, TokenError::TooLarge),
            (
                "garbage over 8 KiB",
                "a".repeat(MAX_TOKEN_LEN + 1),
                TokenError::TooLarge,
            ),
        ],
    )
    .await;
    assert_eq!(
        verifier
            .verify_id(&"a".repeat(MAX_TOKEN_LEN + 1))
            .await
            .unwrap_err(),
        TokenError::TooLarge
    );
}

// ---------------------------------------------------------------------------------------------
// Issuer and clients

#[tokio::test]
async fn issuer_and_client_are_checked() {
    let (_server, verifier) = setup().await;
    let access = |changes: Value| sign(&KEY_1, "k1", &with(access_claims(), changes));
    expect_access(
        &verifier,
        vec![
            (
                "another pool",
                access(json!({
                    "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"
                })),
                TokenError::Issuer,
            ),
            (
                "trailing slash",
                access(json!({ "iss": format!("{ISSUER}/") })),
                TokenError::Issuer,
            ),
            (
                "another region",
                access(json!({
                    "iss": "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_TestPool"
                })),
                TokenError::Issuer,
            ),
            (
                "unknown client_id",
                access(json!({ "client_id": OTHER_CLIENT })),
                TokenError::Client,
            ),
        ],
    )
    .await;

    let wrong_aud = sign(
        &KEY_1,
        "k1",
        &with(id_claims(), json!({ "aud": OTHER_CLIENT })),
    );
    assert_eq!(
        verifier.verify_id(&wrong_aud).await.unwrap_err(),
        TokenError::Client
    );
    let wrong_iss = sign(
        &KEY_1,
        "k1",
        &with(id_claims(), json!({ "iss": format!("{ISSUER}x") })),
    );
    assert_eq!(
        verifier.verify_id(&wrong_iss).await.unwrap_err(),
        TokenError::Issuer
    );
}

#[tokio::test]
async fn a_second_client_is_accepted_when_listed() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = loaded(VerifierConfig {
        client_ids: vec![CLIENT.to_owned(), OTHER_CLIENT.to_owned()],
        ..config(&server)
    })
    .await;
    for client in [CLIENT, OTHER_CLIENT] {
        let access = sign(
            &KEY_1,
            "k1",
            &with(access_claims(), json!({ "client_id": client })),
        );
        assert_eq!(
            verifier.verify_access(&access).await.unwrap().client_id,
            client
        );
        let id = sign(&KEY_1, "k1", &with(id_claims(), json!({ "aud": client })));
        assert_eq!(verifier.verify_id(&id).await.unwrap().aud, client);
    }
    let third = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "client_id": "client-three" })),
    );
    assert_eq!(
        verifier.verify_access(&third).await.unwrap_err(),
        TokenError::Client
    );
}

// ---------------------------------------------------------------------------------------------
// The JWKS cache

#[tokio::test]
async fn a_rotated_key_is_fetched_once_when_its_first_token_arrives() {
    let (server, verifier) = setup().await;
    let k2_token = sign(&KEY_2, "k2", &access_claims());
    assert!(verifier.keys().cached("k2").is_none());

    // Cognito publishes the new key before signing with it.
    server.set_jwks(jwks(&[(&KEY_1, "k1"), (&KEY_2, "k2")]));
    let before = server.hits();
    let claims = verifier
        .verify_access(&k2_token)
        .await
        .expect("the first k2 token triggers a refetch and passes");
    assert_eq!(claims.sub, SUB);
    assert_eq!(server.hits(), before + 1);

    // Both keys are now cached: no further fetches.
    verifier.verify_access(&k2_token).await.unwrap();
    verifier.verify_access(&access_token()).await.unwrap();
    assert_eq!(server.hits(), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_unknown_kids_costs_at_most_one_fetch() {
    let (server, verifier) = setup().await;
    let verifier = Arc::new(verifier);
    let initial = server.hits();

    const FLOOD: usize = 200;
    let barrier = Arc::new(Barrier::new(FLOOD));
    let tasks: Vec<_> = (0..FLOOD)
        .map(|i| {
            let token = sign(&KEY_2, &random_kid(i), &access_claims());
            let verifier = verifier.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                verifier.verify_access(&token).await.map(|_| ())
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), Err(TokenError::UnknownKid));
    }
    let extra = server.hits() - initial;
    assert!(extra <= 1, "{extra} fetches beyond the initial load");
    verifier.verify_access(&access_token()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_misses_on_a_cold_cache_share_one_fetch() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = Arc::new(Verifier::new(config(&server)));
    assert!(!verifier.keys().is_loaded());

    const FLOOD: usize = 200;
    let barrier = Arc::new(Barrier::new(FLOOD));
    let tasks: Vec<_> = (0..FLOOD)
        .map(|i| {
            // Every tenth request carries a genuine token; the rest forged kids.
            let token = if i % 10 == 0 {
                access_token()
            } else {
                sign(&KEY_2, &random_kid(i), &access_claims())
            };
            let verifier = verifier.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                (i, verifier.verify_access(&token).await.map(|_| ()))
            })
        })
        .collect();
    for task in tasks {
        let (i, result) = task.await.unwrap();
        let want = if i % 10 == 0 {
            Ok(())
        } else {
            Err(TokenError::UnknownKid)
        };
        assert_eq!(result, want, "request {i}");
    }
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn cached_keys_outlive_a_jwks_outage() {
    let (mut server, verifier) = setup().await;

    server.set_mode(Mode::Fail);
    verifier.verify_access(&access_token()).await.unwrap();
    let error = verifier.keys().refresh().await.unwrap_err();
    assert!(matches!(error, JwksError::Status(500)), "{error:?}");
    verifier.verify_access(&access_token()).await.unwrap();
    verifier.verify_id(&id_token()).await.unwrap();

    server.stop().await;
    let error = verifier.keys().refresh().await.unwrap_err();
    assert!(matches!(error, JwksError::Fetch(_)), "{error:?}");
    assert!(verifier.keys().is_loaded());
    verifier.verify_access(&access_token()).await.unwrap();
    // Unknown kids are still refused cleanly while the JWKS is unreachable.
    assert_eq!(
        verifier
            .verify_access(&sign(&KEY_2, "k2", &access_claims()))
            .await
            .unwrap_err(),
        TokenError::UnknownKid
    );
}

#[tokio::test]
async fn a_jwks_over_64_kib_is_refused_and_the_old_keys_stay() {
    const LIMIT: usize = 64 * 1024;
    for mode in [Mode::Serve, Mode::Chunked] {
        let (server, verifier) = setup().await;
        server.set_mode(mode);

        server.set_jwks(jwks_of_len(&[(&KEY_2, "k2")], LIMIT + 1));
        let error = verifier.keys().refresh().await.unwrap_err();
        assert!(matches!(error, JwksError::TooLarge), "{mode:?}: {error:?}");
        assert!(verifier.keys().cached("k1").is_some(), "{mode:?}");
        assert!(verifier.keys().cached("k2").is_none(), "{mode:?}");
        verifier.verify_access(&access_token()).await.unwrap();

        // Exactly at the limit is still a JWKS.
        server.set_jwks(jwks_of_len(&[(&KEY_1, "k1"), (&KEY_2, "k2")], LIMIT));
        assert_eq!(verifier.keys().refresh().await.unwrap(), 2, "{mode:?}");
        assert!(verifier.keys().cached("k2").is_some(), "{mode:?}");
    }
}

#[tokio::test]
async fn an_unusable_jwks_leaves_the_old_keys_in_place() {
    let (server, verifier) = setup().await;

    server.set_jwks("<html>not json</html>".to_owned());
    let error = verifier.keys().refresh().await.unwrap_err();
    assert!(matches!(error, JwksError::Json(_)), "{error:?}");

    server.set_jwks(json!({ "keys": [] }).to_string());
    let error = verifier.keys().refresh().await.unwrap_err();
    assert!(matches!(error, JwksError::NoKeys), "{error:?}");

    // Keys without a kid, or that are not RSA, are not usable either.
    let mut no_kid = KEY_2.public_jwk("k2");
    no_kid.as_object_mut().unwrap().remove("kid");
    server.set_jwks(
        json!({ "keys": [no_kid, { "kty": "oct", "kid": "h", "k": "c2VjcmV0" }] }).to_string(),
    );
    let error = verifier.keys().refresh().await.unwrap_err();
    assert!(matches!(error, JwksError::NoKeys), "{error:?}");

    assert!(verifier.keys().cached("k1").is_some());
    verifier.verify_access(&access_token()).await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// Revocation and the verified-token cache

/// Revoked `jti`s and `origin_jti`s, changeable while the verifier runs.
#[derive(Default)]
struct RevokedIds(Mutex<HashSet<String>>);

impl RevokedIds {
    fn revoke(&self, id: &str) {
        self.0.lock().unwrap().insert(id.to_owned());
    }
}

impl Revocations for RevokedIds {
    fn is_revoked(&self, token: TokenIdentity<'_>) -> bool {
        let revoked = self.0.lock().unwrap();
        [token.jti, token.origin_jti]
            .into_iter()
            .flatten()
            .any(|id| revoked.contains(id))
    }
}

#[tokio::test]
async fn revoking_the_sign_in_refuses_an_already_cached_token() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let revoked = Arc::new(RevokedIds::default());
    let verifier = loaded(VerifierConfig {
        cache_capacity: 100,
        ..config(&server)
    })
    .await
    .with_revocations(revoked.clone());

    let token = access_token();
    let other_sign_in = sign(
        &KEY_1,
        "k1",
        &with(
            access_claims(),
            json!({ "jti": "jti-0002", "origin_jti": "origin-0002" }),
        ),
    );
    verifier.verify_access(&token).await.unwrap();
    verifier.verify_access(&token).await.unwrap();
    verifier.verify_access(&other_sign_in).await.unwrap();

    revoked.revoke("origin-0001");
    assert_eq!(
        verifier.verify_access(&token).await.unwrap_err(),
        TokenError::Revoked
    );
    verifier.verify_access(&other_sign_in).await.unwrap();

    // Revoking by jti works as well, cached or not.
    revoked.revoke("jti-0002");
    assert_eq!(
        verifier.verify_access(&other_sign_in).await.unwrap_err(),
        TokenError::Revoked
    );
    let id = sign(
        &KEY_1,
        "k1",
        &with(id_claims(), json!({ "origin_jti": "origin-0001" })),
    );
    assert_eq!(
        verifier.verify_id(&id).await.unwrap_err(),
        TokenError::Revoked
    );
}

/// A verifier with the verified-token cache on, refusing what `revoked` names.
async fn caching(server: &JwksServer, revoked: Arc<RevokedIds>) -> Verifier {
    loaded(VerifierConfig {
        cache_capacity: 100,
        ..config(server)
    })
    .await
    .with_revocations(revoked)
}

/// What a caller keeps with a cached token: here, headers built from the claims, as
/// cognito-bff's `/verify` keeps its identity headers. Counts how often it is built.
fn headers_of(
    built: &AtomicUsize,
) -> impl FnOnce(&cognito_verifier::AccessClaims) -> axum::http::HeaderMap {
    move |claims| {
        built.fetch_add(1, Ordering::SeqCst);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-auth-sub", HeaderValue::from_str(&claims.sub).unwrap());
        headers
    }
}

#[tokio::test]
async fn a_cached_token_keeps_what_was_derived_and_is_refused_at_once_when_revoked() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let revoked = Arc::new(RevokedIds::default());
    let verifier = caching(&server, revoked.clone()).await;
    let token = access_token();
    let built = AtomicUsize::new(0);

    let first = verifier.verify_access_shared(&token).await.unwrap();
    let headers = first.derived(headers_of(&built)).unwrap().clone();
    assert_eq!(headers["x-auth-sub"], SUB);
    let again = verifier.verify_access_shared(&token).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "the cache hands out its entry");
    assert_eq!(again.derived(headers_of(&built)).unwrap(), &headers);
    assert_eq!(built.load(Ordering::SeqCst), 1, "built once per token");

    // Revoked while its headers sit in the cache: refused on the very next request, and so
    // is the verification a caller kept.
    assert_eq!(verifier.recheck_access(&first), Ok(()));
    revoked.revoke("origin-0001");
    assert_eq!(
        verifier.verify_access_shared(&token).await.unwrap_err(),
        TokenError::Revoked
    );
    assert_eq!(verifier.recheck_access(&first), Err(TokenError::Revoked));
    assert_eq!(
        verifier.verify_access(&token).await.unwrap_err(),
        TokenError::Revoked
    );
}

#[tokio::test]
async fn a_cached_token_is_refused_once_its_signing_key_leaves_the_jwks() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let token = access_token();
    let first = verifier.verify_access_shared(&token).await.unwrap();
    assert!(Arc::ptr_eq(
        &first,
        &verifier.verify_access_shared(&token).await.unwrap()
    ));

    // The pool rotated its key away: the cached entry no longer answers, nor a kept one.
    assert_eq!(verifier.recheck_access(&first), Ok(()));
    server.set_jwks(jwks(&[(&KEY_2, "k2")]));
    verifier.keys().refresh().await.unwrap();
    assert_eq!(
        verifier.verify_access_shared(&token).await.unwrap_err(),
        TokenError::UnknownKid
    );
    assert_eq!(verifier.recheck_access(&first), Err(TokenError::UnknownKid));
}

#[tokio::test]
async fn a_key_rotated_in_leaves_cached_tokens_alone_and_one_rotated_out_refuses_them() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let token = access_token();
    let first = verifier.verify_access_shared(&token).await.unwrap();
    let removals = verifier.keys().removals();

    // A new key joins and the old one stays: nothing left the set, the same entry answers.
    server.set_jwks(jwks(&[(&KEY_1, "k1"), (&KEY_2, "k2")]));
    verifier.keys().refresh().await.unwrap();
    assert_eq!(verifier.keys().removals(), removals);
    let again = verifier.verify_access_shared(&token).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again));

    // The old key leaves: counted, and the token it signed is refused though cached.
    server.set_jwks(jwks(&[(&KEY_2, "k2")]));
    verifier.keys().refresh().await.unwrap();
    let moved = verifier.keys().removals();
    assert_ne!(moved, removals);
    assert_eq!(
        verifier.verify_access_shared(&token).await.unwrap_err(),
        TokenError::UnknownKid
    );

    // The rotation undone: the cached token passes again, its key looked up once more.
    server.set_jwks(jwks(&[(&KEY_1, "k1"), (&KEY_2, "k2")]));
    verifier.keys().refresh().await.unwrap();
    assert_eq!(verifier.keys().removals(), moved);
    let back = verifier.verify_access_shared(&token).await.unwrap();
    assert!(Arc::ptr_eq(&first, &back));
}

#[tokio::test]
async fn a_kid_published_again_for_another_key_refuses_the_tokens_the_old_key_signed() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let old = access_token();
    verifier.verify_access_shared(&old).await.unwrap();
    let removals = verifier.keys().removals();

    // The same JWKS again: nothing moves, the key held is kept, and the cached token still
    // passes.
    let key = verifier.keys().cached("k1").unwrap();
    verifier.keys().refresh().await.unwrap();
    assert_eq!(verifier.keys().removals(), removals);
    assert!(Arc::ptr_eq(&key, &verifier.keys().cached("k1").unwrap()));
    verifier.verify_access_shared(&old).await.unwrap();

    // A modulus written with a leading zero is another key to the signature check: fresh
    // tokens fail on it, and so does the cached one.
    let mut padded = KEY_1.public_jwk("k1");
    let mut modulus = vec![0u8];
    modulus.extend(URL_SAFE_NO_PAD.decode(KEY_1.modulus()).unwrap());
    padded["n"] = json!(URL_SAFE_NO_PAD.encode(modulus));
    server.set_jwks(json!({ "keys": [padded] }).to_string());
    verifier.keys().refresh().await.unwrap();
    let fresh = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "jti": "fresh" })),
    );
    assert_eq!(
        verifier.verify_access_shared(&fresh).await.unwrap_err(),
        TokenError::Signature
    );
    assert_eq!(
        verifier.verify_access_shared(&old).await.unwrap_err(),
        TokenError::UnknownKid
    );
    let removals = verifier.keys().removals();

    // `k1` now names another key: the token the first one signed is refused though cached,
    // and one the new key signed passes.
    server.set_jwks(jwks(&[(&KEY_2, "k1")]));
    verifier.keys().refresh().await.unwrap();
    assert_ne!(verifier.keys().removals(), removals);
    assert_eq!(
        verifier.verify_access_shared(&old).await.unwrap_err(),
        TokenError::UnknownKid
    );
    let new = sign(&KEY_2, "k1", &access_claims());
    verifier.verify_access_shared(&new).await.unwrap();
    // Uncached, the old token fails on its signature, as it always did.
    verifier.forget(&old);
    assert_eq!(
        verifier.verify_access_shared(&old).await.unwrap_err(),
        TokenError::Signature
    );
}

#[tokio::test]
async fn a_forgotten_token_is_verified_and_its_headers_built_afresh() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let token = access_token();
    let built = AtomicUsize::new(0);

    let first = verifier.verify_access_shared(&token).await.unwrap();
    first.derived(headers_of(&built)).unwrap();
    verifier.forget(&token);
    let second = verifier.verify_access_shared(&token).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &second));
    second.derived(headers_of(&built)).unwrap();
    assert_eq!(built.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_cached_token_is_refused_once_it_expires() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let token = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "exp": now() + 1 })),
    );
    let built = AtomicUsize::new(0);
    let verified = verifier.verify_access_shared(&token).await.unwrap();
    verified.derived(headers_of(&built)).unwrap();
    verifier.verify_access_shared(&token).await.unwrap();

    // Past `exp` (whole seconds): refused, whether the entry is still there or gone.
    while now() <= verified.claims().exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        verifier.verify_access_shared(&token).await.unwrap_err(),
        TokenError::Expired
    );
    assert_eq!(verifier.recheck_access(&verified), Err(TokenError::Expired));
}

#[tokio::test]
async fn expired_tokens_leave_the_cache_and_live_ones_stay() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let expiring = |jti: &str| {
        sign(
            &KEY_1,
            "k1",
            &with(access_claims(), json!({ "exp": now() + 1, "jti": jti })),
        )
    };
    let (used_again, left) = (expiring("jti-used"), expiring("jti-left"));
    let live = sign(&KEY_1, "k1", &access_claims());
    let mut exp = 0;
    for token in [&used_again, &left] {
        exp = exp.max(
            verifier
                .verify_access_shared(token)
                .await
                .unwrap()
                .claims()
                .exp,
        );
    }
    let kept = verifier.verify_access_shared(&live).await.unwrap();
    assert_eq!(verifier.forget_expired(), 0, "nothing has expired yet");

    // Past `exp` (whole seconds). One expired token comes again: refused, and gone from the
    // cache then. The sweep takes the other, and only it.
    while now() <= exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        verifier
            .verify_access_shared(&used_again)
            .await
            .unwrap_err(),
        TokenError::Expired
    );
    assert_eq!(verifier.forget_expired(), 1);
    assert_eq!(verifier.forget_expired(), 0);
    let again = verifier.verify_access_shared(&live).await.unwrap();
    assert!(Arc::ptr_eq(&kept, &again), "the live token's entry stays");
    assert_eq!(
        verifier.verify_access_shared(&left).await.unwrap_err(),
        TokenError::Expired
    );
}

#[tokio::test]
async fn a_cache_of_any_capacity_is_built_without_taking_it_up_front() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = loaded(VerifierConfig {
        cache_capacity: u64::MAX,
        ..config(&server)
    })
    .await;
    let token = access_token();
    let first = verifier.verify_access_shared(&token).await.unwrap();
    let again = verifier.verify_access_shared(&token).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "the cache hands out its entry");
}

#[tokio::test]
async fn the_cache_answers_only_for_the_very_same_token() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let verifier = caching(&server, Arc::default()).await;
    let token = access_token();
    verifier.verify_access_shared(&token).await.unwrap();

    // The cached token with one character of its signature changed, or cut short.
    let mut altered = token.clone().into_bytes();
    let last = altered.len() - 2;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    assert_eq!(
        verifier.verify_access_shared(&altered).await.unwrap_err(),
        TokenError::Signature
    );
    assert!(
        verifier
            .verify_access_shared(&token[..token.len() - 1])
            .await
            .is_err()
    );
    // The same signature under another payload: the cache hashes a token by its tail, and
    // this one's tail is the cached token's own.
    let (head, signature) = token.rsplit_once('.').unwrap();
    let (header, payload) = head.split_once('.').unwrap();
    let other_payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"someone-else","token_use":"access"}"#);
    assert_ne!(payload, other_payload);
    let forged = format!("{header}.{other_payload}.{signature}");
    assert!(verifier.verify_access_shared(&forged).await.is_err());
    verifier.verify_access_shared(&token).await.unwrap();
}

/// What `verify_bearer_shared` must answer for a request: the bearer token read as text, then
/// verified.
async fn read_as_text(
    verifier: &Verifier,
    headers: &axum::http::HeaderMap,
) -> Result<Arc<VerifiedAccess>, AuthRejection> {
    let token = bearer_token(headers).ok_or(AuthRejection::MissingToken)?;
    verifier
        .verify_access_shared(token)
        .await
        .map_err(|_| AuthRejection::InvalidToken)
}

#[tokio::test]
async fn a_cached_token_read_from_the_header_gets_the_answer_its_text_gets() {
    let server = JwksServer::start(jwks(&[(&KEY_1, "k1")])).await;
    let revoked = Arc::new(RevokedIds::default());
    let verifier = caching(&server, revoked.clone()).await;
    let token = access_token();
    let cached = verifier.verify_access_shared(&token).await.unwrap();

    // Schemes, spaces and bytes around the cached token that a header can hold: the lookup by
    // the header's bytes must neither answer for what the text refuses nor refuse what it
    // answers.
    let values: Vec<Vec<u8>> = [
        format!("Bearer {token}"),
        format!("bearer {token}"),
        format!("BEARER   {token} \t "),
        format!("Bearer\t{token}"),
        format!("Basic {token}"),
        format!("Bearer{token}"),
        format!("Bearer {token}x"),
        format!("Bearer  x{token}"),
        format!("Bearer {}", &token[1..]),
        "Bearer ".to_owned(),
        "Bearer  \t".to_owned(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .chain([
        [b"Bearer ".as_slice(), token.as_bytes(), b"\x80"].concat(),
        [b"Bearer \x80".as_slice(), token.as_bytes()].concat(),
        [b"Bearer\x80 ".as_slice(), token.as_bytes()].concat(),
        [b"B\xe9arer ".as_slice(), token.as_bytes()].concat(),
    ])
    .collect();
    let mut answered = 0;
    for revoke in [false, true] {
        if revoke {
            revoked.revoke("origin-0001");
        }
        for value in &values {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_bytes(value).unwrap(),
            );
            let expected = read_as_text(&verifier, &headers).await;
            let got = verifier.verify_bearer_shared(&headers).await;
            let shown = String::from_utf8_lossy(value);
            match (&expected, &got) {
                (Ok(expected), Ok(got)) => {
                    assert!(Arc::ptr_eq(expected, got), "{shown}");
                    assert!(Arc::ptr_eq(&cached, got), "{shown}: from the cache");
                    answered += 1;
                }
                (expected, got) => {
                    assert_eq!(expected.as_ref().err(), got.as_ref().err(), "{shown}")
                }
            }
        }
    }
    assert_eq!(
        answered, 3,
        "three spellings of the token, before it was revoked"
    );
    // Without any Authorization at all.
    assert_eq!(
        verifier
            .verify_bearer_shared(&axum::http::HeaderMap::new())
            .await
            .unwrap_err(),
        AuthRejection::MissingToken
    );
}

#[tokio::test]
async fn without_the_cache_each_verification_stands_alone() {
    let (_server, verifier) = setup().await;
    let token = access_token();
    let built = AtomicUsize::new(0);
    let first = verifier.verify_access_shared(&token).await.unwrap();
    let second = verifier.verify_access_shared(&token).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &second));
    first.derived(headers_of(&built)).unwrap();
    second.derived(headers_of(&built)).unwrap();
    assert_eq!(built.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// The tower layer

async fn call(app: &Router, authorization: Option<&str>) -> (StatusCode, Option<String>, Value) {
    let mut request = Request::get("/me");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|v| v.to_str().unwrap().to_owned());
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap();
    let body = if status.is_success() {
        json!(String::from_utf8(body.to_vec()).unwrap())
    } else {
        assert_eq!(
            content_type,
            Some(HeaderValue::from_static("application/problem+json"))
        );
        serde_json::from_slice(&body).unwrap()
    };
    (status, challenge, body)
}

#[tokio::test]
async fn the_layer_admits_valid_access_tokens_and_answers_401_otherwise() {
    let (_server, verifier) = setup().await;
    let verifier = Arc::new(verifier);
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    let app: Router = Router::new()
        .route(
            "/me",
            get(move |AuthUser(claims): AuthUser| async move {
                counter.fetch_add(1, Ordering::SeqCst);
                claims.sub
            }),
        )
        .layer(RequireAccessTokenLayer::new(verifier.clone()))
        .with_state(verifier);

    let token = access_token();
    let (status, challenge, body) = call(&app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(challenge, None);
    assert_eq!(body, json!(SUB));
    let (status, _, _) = call(&app, Some(&format!("bearer {token}"))).await;
    assert_eq!(status, StatusCode::OK, "the scheme is case-insensitive");
    assert_eq!(handled.load(Ordering::SeqCst), 2);

    let expired = sign(
        &KEY_1,
        "k1",
        &with(access_claims(), json!({ "exp": now() - 30 })),
    );
    for bad in [
        "Bearer not.a.token".to_owned(),
        format!("Bearer {expired}"),
        format!("Bearer {}", id_token()),
    ] {
        let (status, challenge, body) = call(&app, Some(&bad)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(
            challenge.as_deref(),
            Some("Bearer error=\"invalid_token\""),
            "{bad}"
        );
        assert_eq!(body["status"], 401);
        assert_eq!(body["code"], "invalid_token");
    }

    for missing in [
        None,
        Some("Basic YWxpY2U6cGFzcw=="),
        Some("Bearer "),
        Some(token.as_str()),
    ] {
        let (status, challenge, body) = call(&app, missing).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{missing:?}");
        assert_eq!(challenge.as_deref(), Some("Bearer"), "{missing:?}");
        assert_eq!(body["code"], "missing_token");
    }
    assert_eq!(
        handled.load(Ordering::SeqCst),
        2,
        "the handler ran for a refused request"
    );
}
