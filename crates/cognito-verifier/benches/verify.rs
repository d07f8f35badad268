//! Verifying one Cognito-shaped RS256 access token, with its signing key already cached:
//! every check including the RSA signature (`cache_capacity: 0`), against the same token
//! answered from the verified-token cache (a lookup by the token, then the expiry, key and
//! revocation checks): with a copy of the claims (`verify_access`) and without
//! (`verify_access_shared`, as cognito-bff's `/verify` calls it).
//!
//! The key pair in `benches/fixtures/` was made for this benchmark only. Its JWKS is served
//! by a small axum server on 127.0.0.1, because the verifier only loads keys over HTTP.
//!
//! Run: `cargo bench -p cognito-verifier --bench verify`

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use cognito_verifier::{Verifier, VerifierConfig};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::{Algorithm, EncodingKey, Header};

const POOL: &str = "us-east-1_bench0pool";
const CLIENT_ID: &str = "benchclient0123456789abcdef";
const KID: &str = "bench-key";
const PRIVATE_KEY_DER: &[u8] = include_bytes!("fixtures/bench-key.der");
const PUBLIC_JWK: &str = include_str!("fixtures/bench-key.jwk.json");

fn issuer() -> String {
    let region = POOL.split('_').next().unwrap_or_default();
    format!("https://cognito-idp.{region}.amazonaws.com/{POOL}")
}

/// An access token with the claims Cognito writes, about the size of a real one.
fn access_token() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    let claims = serde_json::json!({
        "sub": "6a1b5f0e-3c2d-4e8f-9a7b-1c2d3e4f5a6b",
        "cognito:groups": ["admin"],
        "iss": issuer(),
        "version": 2,
        "client_id": CLIENT_ID,
        "origin_jti": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "event_id": "9e8d7c6b-5a49-4837-a261-5f4e3d2c1b0a",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now,
        // Far enough ahead that no run outlives it; the cache keeps an entry until `exp`.
        "exp": now + 6 * 3600,
        "iat": now,
        "jti": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "username": "admin",
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.into());
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_der(PRIVATE_KEY_DER),
    )
    .expect("the fixture key signs")
}

/// Serves the fixture JWKS on a free loopback port and returns its URL. The server runs on
/// `runtime`, and only while something is being driven with `block_on`.
fn serve_jwks(runtime: &tokio::runtime::Runtime) -> String {
    let jwk: serde_json::Value = serde_json::from_str(PUBLIC_JWK).expect("the fixture JWK parses");
    let jwks = serde_json::json!({ "keys": [jwk] }).to_string();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port is free");
        let addr = listener.local_addr().expect("bound");
        let app = Router::new().route(
            &format!("/{POOL}/.well-known/jwks.json"),
            get(move || async move { jwks }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/{POOL}/.well-known/jwks.json")
    })
}

fn verifier(runtime: &tokio::runtime::Runtime, jwks_url: &str, cache_capacity: u64) -> Verifier {
    let verifier = Verifier::new(VerifierConfig {
        jwks_url: jwks_url.to_owned(),
        issuer: issuer(),
        client_ids: vec![CLIENT_ID.into()],
        leeway: Duration::ZERO,
        cache_capacity,
    });
    let keys = runtime
        .block_on(verifier.keys().refresh())
        .expect("the JWKS loads");
    assert_eq!(keys, 1);
    verifier
}

/// Polls a future once. With its key cached, verification never waits on anything, so this
/// measures the verifier alone, without an executor's overhead.
fn ready<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("verification waited although the key is cached"),
    }
}

fn bench_verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime starts");
    let jwks_url = serve_jwks(&runtime);
    let token = access_token();
    let uncached = verifier(&runtime, &jwks_url, 0);
    let cached = verifier(&runtime, &jwks_url, 10_000);
    // Both paths must succeed, or the figures would time a refusal.
    for verifier in [&uncached, &cached] {
        let claims = ready(verifier.verify_access(&token)).expect("the token verifies");
        assert_eq!(claims.client_id, CLIENT_ID);
    }

    let mut group = c.benchmark_group("verify_access");
    group.bench_function("cache_off_rsa", |b| {
        b.iter(|| ready(uncached.verify_access(black_box(&token))).expect("verifies"))
    });
    group.bench_function("cache_on_hit", |b| {
        b.iter(|| ready(cached.verify_access(black_box(&token))).expect("verifies"))
    });
    group.bench_function("cache_on_hit_shared", |b| {
        b.iter(|| ready(cached.verify_access_shared(black_box(&token))).expect("verifies"))
    });
    group.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
