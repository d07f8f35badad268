//! Fuzzing every parser that reads client input: JSON bodies, attributes, cookies,
//! X-Forwarded-For, usernames, request ids and tokens. Whatever arrives, each answers with a
//! value or a clean error, never a panic, and what it accepts has the shape it promises.
//!
//! Each target runs generated cases for a bounded time (FUZZ_SECONDS each, 1 by default; the
//! test command sets more), and at least a few hundred cases however fast the machine. A
//! failure is shrunk to its smallest case by proptest before it is reported.

use std::fmt::Debug;
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, header};
use cognito_bff::attributes::{self, WritableAttributes};
use cognito_bff::cookies::CookieSettings;
use cognito_bff::limits::{ClientAddr, NameKey, TrustedProxies, parse_hop};
use cognito_bff::vocab::{ChallengeId, OpaqueId};
use cognito_verifier::{Verifier, VerifierConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::{Map, Value};

/// At least this many cases per target, however little time is left.
const MIN_CASES: u64 = 256;

/// Runs `test` on values drawn from `strategy` until the time budget is spent.
#[track_caller]
fn fuzz<S>(strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let seconds: f64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let mut cases = 0u64;
    while cases < MIN_CASES || Instant::now() < deadline {
        let case = strategy.new_tree(&mut runner).expect("a generated case");
        if let Err(failure) = runner.run_one(case, &test) {
            panic!("failed after {cases} cases: {failure}");
        }
        cases += 1;
    }
}

/// A verifier whose JWKS can't be reached: every token with a kid ends as UnknownKid.
fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let mut config = VerifierConfig::for_pool("us-east-1_prop", vec!["client".into()]);
        config.jwks_url = "http://127.0.0.1:9/jwks.json".into();
        Verifier::new(config)
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn attribute_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("updated_at".to_owned()),
        Just("birthdate".to_owned()),
        Just("email_verified".to_owned()),
        Just("email".to_owned()),
        Just("name".to_owned()),
        "custom:[a-z]{0,24}",
        ".{0,24}",
    ]
}

/// Base64url segments, dots, and the odd stray character: token-shaped noise.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{0,60}(\\.[A-Za-z0-9_=+/-]{0,60}){0,4}",
        ".{0,200}",
        // A real header with a kid, and junk after it.
        "[A-Za-z0-9_-]{0,80}"
            .prop_map(|rest| { format!("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.{rest}.{rest}") }),
    ]
}

/// An address as a proxy might write one: bare, with a port, bracketed, mapped, or not an
/// address at all.
fn hop() -> impl Strategy<Value = String> {
    let v4 = any::<[u8; 4]>().prop_map(|o| IpAddr::from(o).to_string());
    let v6 = any::<[u16; 8]>().prop_map(|s| IpAddr::from(s).to_string());
    prop_oneof![
        v4.clone(),
        (v4.clone(), any::<u16>()).prop_map(|(ip, port)| format!("{ip}:{port}")),
        v6.clone().prop_map(|ip| format!("[{ip}]")),
        (v6, any::<u16>()).prop_map(|(ip, port)| format!("[{ip}]:{port}")),
        v4.prop_map(|ip| format!("::ffff:{ip}")),
        Just("10.0.0.7".to_owned()),
        Just("unknown".to_owned()),
        "[^,]{0,80}",
    ]
}

#[test]
fn json_bodies_of_any_bytes_get_a_value_or_a_clean_error() {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        username: String,
        password: String,
        remember: Option<bool>,
    }
    let bytes = prop::collection::vec(any::<u8>(), 0..512);
    let documents = json_value().prop_map(|v| serde_json::to_vec(&v).unwrap());
    fuzz(prop_oneof![bytes, documents], |body| {
        if let Err(error) = cognito_bff::extract::parse::<Login>(&body) {
            match error {
                cognito_bff::error::ApiError::InvalidRequest { detail, .. } => {
                    prop_assert!(!detail.is_empty());
                    // A value sent in the body is never quoted back.
                    if let Ok(text) = std::str::from_utf8(&body) {
                        for secret in text.split('"').filter(|s| s.len() > 12) {
                            prop_assert!(!detail.contains(secret), "{detail}");
                        }
                    }
                }
                other => prop_assert!(false, "unexpected {other:?}"),
            }
        }
        Ok(())
    });
}

#[test]
fn attributes_convert_to_checked_strings_or_are_refused_by_name() {
    let entries = prop::collection::vec((attribute_name(), json_value()), 0..8);
    let writable = WritableAttributes::default();
    fuzz(entries, |entries| {
        let map: Map<String, Value> = entries.into_iter().collect();
        match attributes::to_cognito(&map) {
            Ok(converted) => {
                prop_assert_eq!(converted.len(), map.len());
                for (name, value) in &converted {
                    prop_assert!(map.contains_key(name));
                    prop_assert!(value.chars().count() <= 2048);
                    prop_assert!(!value.chars().any(char::is_control));
                    if name == "updated_at" {
                        prop_assert!(value.bytes().all(|b| b.is_ascii_digit()));
                    }
                }
                if let Err(attributes::AttributeError::NotWritable { attribute }) =
                    writable.check(&converted)
                {
                    prop_assert!(
                        attribute.ends_with("_verified") || attribute.starts_with("custom:")
                    );
                }
            }
            Err(attributes::AttributeError::Invalid { attribute, .. }) => {
                prop_assert!(map.contains_key(&attribute) || attribute == "attributes");
            }
            Err(attributes::AttributeError::Input(_)) => {
                prop_assert!(map.len() > 50);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
        Ok(())
    });
}

#[test]
fn converting_back_keeps_every_attribute() {
    fuzz(
        prop::collection::vec((".{0,16}", ".{0,16}"), 0..8),
        |entries| {
            let typed =
                attributes::from_cognito(entries.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            let names: std::collections::BTreeSet<_> =
                entries.iter().map(|(n, _)| n.as_str()).collect();
            prop_assert_eq!(typed.len(), names.len());
            Ok(())
        },
    );
}

#[test]
fn the_token_parser_refuses_noise_without_panicking() {
    fuzz(token_like(), |token| {
        prop_assert!(
            runtime()
                .block_on(verifier().verify_access(&token))
                .is_err()
        );
        prop_assert!(runtime().block_on(verifier().verify_id(&token)).is_err());
        Ok(())
    });
}

#[test]
fn cookie_headers_yield_at_most_one_challenge_id_of_its_own_shape() {
    let id = "[A-Za-z0-9_-]{43}";
    let pair = prop_oneof![
        id.prop_map(|v| format!("__Host-cognito-bff-challenge={v}")),
        id.prop_map(|v| format!("cognito-bff-challenge={v}")),
        "[ -~]{0,60}",
    ];
    let lines = prop::collection::vec(
        prop::collection::vec(pair, 0..4).prop_map(|pairs| pairs.join("; ")),
        0..3,
    );
    fuzz((lines, any::<bool>()), |(lines, secure)| {
        let mut headers = HeaderMap::new();
        for line in &lines {
            if let Ok(value) = HeaderValue::from_str(line) {
                headers.append(header::COOKIE, value);
            }
        }
        if let Ok(Some(id)) = CookieSettings::challenge(secure).read::<ChallengeId>(&headers) {
            prop_assert_eq!(id.expose().len(), 43);
            prop_assert!(lines.iter().any(|l| l.contains(id.expose())));
        }
        Ok(())
    });
}

#[test]
fn challenge_ids_parse_only_in_their_own_shape() {
    fuzz(".{0,64}", |value| {
        if let Some(id) = ChallengeId::parse(&value) {
            prop_assert_eq!(id.expose(), value.as_str());
            prop_assert_eq!(value.len(), 43);
        }
        Ok(())
    });
}

#[test]
fn forwarded_for_never_makes_a_trusted_proxy_the_client_of_an_untrusted_hop() {
    let proxies = TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap()]);
    let peers = prop_oneof![
        Just("10.0.0.1"),
        Just("203.0.113.9"),
        Just("::ffff:10.0.0.2")
    ];
    let headers = prop_oneof![
        prop::collection::vec(hop(), 0..6).prop_map(|hops| hops.join(",")),
        ".{0,200}",
    ];
    fuzz((peers, headers), |(peer, header)| {
        let peer: IpAddr = peer.parse().unwrap();
        let client = proxies.client(peer, Some(&header));
        if !proxies.is_trusted(peer) {
            prop_assert_eq!(client, ClientAddr::Ip(peer.to_canonical()));
            return Ok(());
        }
        let hops: Vec<&str> = header
            .split(',')
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        match client {
            ClientAddr::Named(name) => {
                prop_assert!(name.chars().count() <= 64);
                prop_assert!(hops.iter().any(|h| h.starts_with(name.as_str())));
            }
            ClientAddr::Ip(ip) if proxies.is_trusted(ip) => {
                // Only when every hop is a trusted proxy.
                prop_assert!(
                    hops.iter()
                        .all(|h| parse_hop(h).is_some_and(|ip| proxies.is_trusted(ip)))
                );
            }
            ClientAddr::Ip(ip) => {
                prop_assert!(hops.iter().any(|h| parse_hop(h) == Some(ip)));
                prop_assert!(ip.to_canonical() == ip, "mapped addresses are unwrapped");
            }
        }
        Ok(())
    });
}

#[test]
fn usernames_fold_the_same_however_they_are_cased() {
    fuzz(".{0,40}", |name| {
        let key = NameKey::of(&name);
        prop_assert_eq!(key, NameKey::of(&name.to_lowercase()));
        prop_assert_eq!(key, NameKey::of(&format!("  {name}\u{3000}")));
        Ok(())
    });
}

#[test]
fn accepted_request_ids_are_always_valid_header_values() {
    fuzz(prop::collection::vec(any::<u8>(), 0..200), |bytes| {
        if cognito_bff::request_id::is_acceptable(&bytes) {
            prop_assert!(HeaderValue::from_bytes(&bytes).is_ok());
            prop_assert!(bytes.len() <= 128);
            prop_assert!(!bytes.is_empty());
        }
        Ok(())
    });
}
