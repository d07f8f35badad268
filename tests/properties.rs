//! Property tests over untrusted input: whatever arrives, the parsers answer with a value or a
//! clean error and never panic. proptest runs a few hundred generated cases per property on
//! every test run (PROPTEST_CASES raises it for a longer hunt).

use std::sync::OnceLock;

use cognito_bff::attributes;
use cognito_bff::auth::{Verifier, VerifierConfig};
use cognito_bff::challenge::ChallengeId;
use proptest::prelude::*;
use serde_json::{Map, Value};

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

proptest! {
    #[test]
    fn attribute_conversion_never_panics_and_yields_only_strings_it_accepted(
        entries in prop::collection::vec((attribute_name(), json_value()), 0..8)
    ) {
        let map: Map<String, Value> = entries.into_iter().collect();
        if let Ok(converted) = attributes::to_cognito(&map) {
            prop_assert_eq!(converted.len(), map.len());
            for (name, value) in &converted {
                prop_assert!(map.contains_key(name));
                prop_assert!(value.chars().count() <= 2048);
                if name == "updated_at" {
                    prop_assert!(value.bytes().all(|b| b.is_ascii_digit()));
                }
            }
        }
    }

    #[test]
    fn converting_back_keeps_every_attribute(
        entries in prop::collection::vec((".{0,16}", ".{0,16}"), 0..8)
    ) {
        let typed = attributes::from_cognito(entries.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let names: std::collections::BTreeSet<_> = entries.iter().map(|(n, _)| n.as_str()).collect();
        prop_assert_eq!(typed.len(), names.len());
    }

    #[test]
    fn the_token_parser_refuses_noise_without_panicking(token in token_like()) {
        let result = runtime().block_on(verifier().verify_access(&token));
        prop_assert!(result.is_err());
        let result = runtime().block_on(verifier().verify_id(&token));
        prop_assert!(result.is_err());
    }

    #[test]
    fn request_bodies_of_any_bytes_get_a_value_or_a_clean_error(
        body in prop::collection::vec(any::<u8>(), 0..256)
    ) {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Login {
            username: String,
            password: String,
        }
        if let Err(cognito_bff::error::ApiError::InvalidRequest { detail, .. }) =
            cognito_bff::json::parse::<Login>(&body)
        {
            prop_assert!(!detail.is_empty());
        }
    }

    #[test]
    fn challenge_cookies_parse_only_in_their_own_shape(value in ".{0,64}") {
        if let Some(id) = ChallengeId::parse(&value) {
            prop_assert_eq!(id.expose(), value.as_str());
            prop_assert_eq!(value.len(), 43);
        }
    }
}
