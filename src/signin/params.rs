//! The parameters of a challenge, both ways: which of Cognito's a client may see (decoded
//! where Cognito sends JSON as text), and the client's answers checked and turned into
//! Cognito's strings before they can cost an attempt.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::SignInError;
use crate::attributes;
use crate::attributes::AttributeError;
use crate::cognito::{CognitoError, CognitoErrorKind};
use crate::input::InvalidInput;
use crate::totp::check_totp_code;

/// The most a passkey's answer may take: an assertion is a few hundred bytes, and the body
/// is 16 KiB at most anyway.
const MAX_WEBAUTHN_JSON: usize = 12 * 1024;

/// The most a WEB_AUTHN challenge's options may take: they list the user's passkeys
/// (`allowCredentials`), up to Cognito's 20, each id up to 1023 bytes (1364 in base64url).
pub const MAX_REQUEST_OPTIONS: usize = 40 * 1024;

/// Challenge parameters that only the server may see: SRP material and Cognito's internal name
/// for the user.
const PRIVATE_PARAMETERS: &[&str] = &[
    "SECRET_BLOCK",
    "SRP_B",
    "SALT",
    "USER_ID_FOR_SRP",
    "USERNAME",
    "DEVICE_KEY",
];

/// Parameters Cognito sends as JSON inside a string; the client gets them decoded.
const JSON_PARAMETERS: &[&str] = &[
    "requiredAttributes",
    "MFAS_CAN_SETUP",
    "MFAS_CAN_CHOOSE",
    "CREDENTIAL_REQUEST_OPTIONS",
];

/// The challenge parameters a client may see. Cognito encodes some as JSON text; those are
/// decoded, and the user's current attributes come back typed. A passkey's request options
/// that aren't what a browser can take make the step unusable.
pub fn public_parameters(
    parameters: &HashMap<String, String>,
) -> Result<Map<String, Value>, SignInError> {
    if let Some(options) = parameters.get("CREDENTIAL_REQUEST_OPTIONS") {
        check_request_options(options)?;
    }
    Ok(parameters
        .iter()
        .filter(|(name, _)| !PRIVATE_PARAMETERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let decoded = match name.as_str() {
                "userAttributes" => serde_json::from_str::<Map<String, Value>>(value)
                    .map(|attrs| {
                        Value::Object(attributes::from_cognito(
                            attrs
                                .iter()
                                .filter_map(|(k, v)| v.as_str().map(|v| (k.as_str(), v))),
                        ))
                    })
                    .unwrap_or_else(|_| value.clone().into()),
                name if JSON_PARAMETERS.contains(&name) => {
                    serde_json::from_str::<Value>(value).unwrap_or_else(|_| value.clone().into())
                }
                _ => value.clone().into(),
            };
            (name.clone(), decoded)
        })
        .collect())
}

/// A WEB_AUTHN challenge's options: a JSON object of bounded size with a `challenge`.
fn check_request_options(options: &str) -> Result<(), CognitoError> {
    let usable = options.len() <= MAX_REQUEST_OPTIONS
        && serde_json::from_str::<Map<String, Value>>(options)
            .is_ok_and(|o| o.get("challenge").is_some_and(Value::is_string));
    if usable {
        return Ok(());
    }
    Err(CognitoError::new(
        "RespondToAuthChallenge",
        CognitoErrorKind::Other("MalformedCredentialRequestOptions".into()),
    ))
}

/// A passkey's answer (`CREDENTIAL`): the browser's credential as JSON, an object or its
/// text, shaped as WebAuthn's AuthenticationResponseJSON and of bounded size, sent on as
/// text.
fn credential(value: &Value) -> Result<String, InvalidInput> {
    const FIELD: &str = "responses.CREDENTIAL";
    let bad = |detail: &str| InvalidInput::new(FIELD, format!("`{FIELD}` {detail}"));
    let parsed;
    let object = match value {
        Value::Object(object) => object,
        Value::String(text) if text.len() <= MAX_WEBAUTHN_JSON => {
            parsed = serde_json::from_str::<Map<String, Value>>(text)
                .map_err(|_| bad("must be the credential's JSON object"))?;
            &parsed
        }
        Value::String(_) => return Err(bad("is too long")),
        _ => return Err(bad("must be the credential's JSON object")),
    };
    let text = |map: &Map<String, Value>, name: &str| {
        map.get(name)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty() && s.len() <= MAX_WEBAUTHN_JSON)
    };
    let response = object.get("response").and_then(Value::as_object);
    let shaped = text(object, "id")
        && text(object, "rawId")
        && object.get("type").and_then(Value::as_str) == Some("public-key")
        && response.is_some_and(|r| {
            text(r, "clientDataJSON") && text(r, "authenticatorData") && text(r, "signature")
        });
    if !shaped {
        return Err(bad(
            "must be a passkey's answer: `id`, `rawId`, `type` \"public-key\" and `response` \
             with `clientDataJSON`, `authenticatorData` and `signature`",
        ));
    }
    let text = serde_json::to_string(object).map_err(|_| bad("cannot be read"))?;
    if text.len() > MAX_WEBAUTHN_JSON {
        return Err(bad("is too long"));
    }
    Ok(text)
}

/// Turns the client's JSON answers into Cognito's string map. Attributes a challenge asks for
/// (`userAttributes.*`) get the same typed conversion as sign-up; everything else must be text.
pub fn challenge_responses(
    responses: &Map<String, Value>,
) -> Result<HashMap<String, String>, AttributeError> {
    responses
        .iter()
        .map(|(name, value)| {
            let text = if let Some(attribute) = name.strip_prefix("userAttributes.") {
                let mut single = Map::new();
                single.insert(attribute.to_owned(), value.clone());
                attributes::to_cognito(&single)?
                    .pop()
                    .map(|(_, v)| v)
                    .unwrap_or_default()
            } else if name == "CREDENTIAL" {
                credential(value)?
            } else {
                match value {
                    Value::String(s) => {
                        check_answer(name, s)?;
                        s.clone()
                    }
                    _ => {
                        return Err(InvalidInput::new(
                            format!("responses.{name}"),
                            format!("`responses.{name}` must be a string"),
                        )
                        .into());
                    }
                }
            };
            Ok((name.clone(), text))
        })
        .collect()
}

/// Checks one answer before it can cost an attempt: TOTP codes are six digits, other codes
/// and passwords have Cognito's lengths, and nothing may be empty or hold control characters.
fn check_answer(name: &str, value: &str) -> Result<(), InvalidInput> {
    let field = format!("responses.{name}");
    if matches!(name, "TOTP_CODE" | "SOFTWARE_TOKEN_MFA_CODE") {
        return check_totp_code(&field, value);
    }
    let max_chars = match name {
        "NEW_PASSWORD" => 256,
        code if code.ends_with("_CODE") => 64,
        // ANSWER and whatever a custom challenge's triggers expect.
        _ => 2048,
    };
    let problem = if value.is_empty() {
        "must not be empty".to_owned()
    } else if value.chars().count() > max_chars {
        format!("must be at most {max_chars} characters")
    } else if value.chars().any(char::is_control) {
        "must not contain control characters".to_owned()
    } else {
        return Ok(());
    };
    Err(InvalidInput::new(
        field.clone(),
        format!("`{field}` {problem}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hides_srp_material_and_decodes_attribute_lists() {
        let parameters = HashMap::from([
            ("SECRET_BLOCK".to_owned(), "opaque".to_owned()),
            ("SRP_B".to_owned(), "abc".to_owned()),
            ("USER_ID_FOR_SRP".to_owned(), "internal-id".to_owned()),
            (
                "requiredAttributes".to_owned(),
                r#"["userAttributes.name"]"#.to_owned(),
            ),
            (
                "userAttributes".to_owned(),
                r#"{"email":"a@example.com","email_verified":"true"}"#.to_owned(),
            ),
        ]);
        let public = Value::Object(public_parameters(&parameters).unwrap());
        assert_eq!(
            public,
            json!({
                "requiredAttributes": ["userAttributes.name"],
                "userAttributes": {"email": "a@example.com", "email_verified": true}
            })
        );
    }

    #[test]
    fn answers_are_checked_before_they_can_cost_an_attempt() {
        let field_of = |responses: serde_json::Value| match challenge_responses(
            responses.as_object().unwrap(),
        ) {
            Err(AttributeError::Input(InvalidInput { field, .. })) => Some(field),
            other => panic!("expected invalid request, got {other:?}"),
        };
        let long = "x".repeat(257);
        for (responses, field) in [
            (json!({"NEW_PASSWORD": ""}), "responses.NEW_PASSWORD"),
            (json!({"NEW_PASSWORD": long}), "responses.NEW_PASSWORD"),
            (json!({"SMS_MFA_CODE": "12\n34"}), "responses.SMS_MFA_CODE"),
            (
                json!({"EMAIL_OTP_CODE": "1".repeat(65)}),
                "responses.EMAIL_OTP_CODE",
            ),
            (
                json!({"SOFTWARE_TOKEN_MFA_CODE": "12345"}),
                "responses.SOFTWARE_TOKEN_MFA_CODE",
            ),
            (json!({"TOTP_CODE": "12a456"}), "responses.TOTP_CODE"),
            (json!({"ANSWER": "y".repeat(2049)}), "responses.ANSWER"),
        ] {
            assert_eq!(field_of(responses).as_deref(), Some(field));
        }
        let fine = json!({
            "NEW_PASSWORD": "N3w-Passw0rd!",
            "SOFTWARE_TOKEN_MFA_CODE": "012345",
            "SMS_MFA_CODE": "12345678",
            "ANSWER": "blue",
        });
        assert_eq!(
            challenge_responses(fine.as_object().unwrap())
                .unwrap()
                .len(),
            4
        );
    }

    #[test]
    fn types_required_attributes_and_refuses_non_text_answers() {
        let responses =
            json!({"NEW_PASSWORD": "N3w-Passw0rd!", "userAttributes.updated_at": 1700000000});
        let converted = challenge_responses(responses.as_object().unwrap()).unwrap();
        assert_eq!(converted["userAttributes.updated_at"], "1700000000");

        let bad = json!({"NEW_PASSWORD": 12345});
        match challenge_responses(bad.as_object().unwrap()) {
            Err(AttributeError::Input(InvalidInput { field, .. })) => {
                assert_eq!(field, "responses.NEW_PASSWORD")
            }
            other => panic!("expected invalid request, got {other:?}"),
        }
    }

    #[test]
    fn a_passkey_answer_is_the_credential_object_sent_on_as_text() {
        let credential = json!({
            "id": "AAEC", "rawId": "AAEC", "type": "public-key",
            "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "MEQ"},
            "clientExtensionResults": {}
        });
        for given in [credential.clone(), Value::from(credential.to_string())] {
            let converted =
                challenge_responses(json!({ "CREDENTIAL": given }).as_object().unwrap()).unwrap();
            let sent: Value = serde_json::from_str(&converted["CREDENTIAL"]).unwrap();
            assert_eq!(sent, credential);
        }
        let mut wrong_type = credential.clone();
        wrong_type["type"] = "password".into();
        let mut no_signature = credential.clone();
        no_signature["response"]
            .as_object_mut()
            .unwrap()
            .remove("signature");
        let mut huge = credential.clone();
        huge["clientExtensionResults"] = json!({"x": "y".repeat(MAX_WEBAUTHN_JSON)});
        for bad in [
            wrong_type,
            no_signature,
            huge,
            json!("{not json"),
            json!(["a"]),
            json!(7),
        ] {
            match challenge_responses(json!({ "CREDENTIAL": bad }).as_object().unwrap()) {
                Err(AttributeError::Input(InvalidInput { field, .. })) => {
                    assert_eq!(field, "responses.CREDENTIAL")
                }
                other => panic!("expected invalid request, got {other:?}"),
            }
        }
    }

    #[test]
    fn passkey_options_reach_the_client_as_an_object_or_not_at_all() {
        let options =
            |text: String| HashMap::from([("CREDENTIAL_REQUEST_OPTIONS".to_owned(), text)]);
        let fine = public_parameters(&options(
            r#"{"challenge":"abc","rpId":"localhost","allowCredentials":[]}"#.into(),
        ))
        .unwrap();
        assert_eq!(fine["CREDENTIAL_REQUEST_OPTIONS"]["rpId"], "localhost");
        // A user with Cognito's most passkeys, each with the longest id, still signs in.
        let most: Vec<Value> = (0..20)
            .map(|_| json!({"type": "public-key", "id": "A".repeat(1364), "transports": ["internal", "hybrid"]}))
            .collect();
        let options_text =
            json!({"challenge": "abc", "rpId": "localhost", "allowCredentials": most}).to_string();
        assert!(public_parameters(&options(options_text)).is_ok());
        for bad in [
            "not json".to_owned(),
            r#"{"rpId":"localhost"}"#.to_owned(),
            format!(r#"{{"challenge":"{}"}}"#, "a".repeat(MAX_REQUEST_OPTIONS)),
        ] {
            assert!(matches!(
                public_parameters(&options(bad)),
                Err(SignInError::Cognito(_))
            ));
        }
    }
}
