//! A passkey registration as a browser's `credential.toJSON()` gives it
//! (RegistrationResponseJSON), checked for WebAuthn's JSON shape before it goes to
//! CompleteWebAuthnRegistration. The attestation is Cognito's to verify; what is checked here
//! is that the shape is right, so a malformed one is the client's `invalid_request` naming the
//! member at fault, not Cognito's refusal. Members WebAuthn may add later pass through as
//! sent; the body limit bounds their size.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::InvalidInput;
use crate::vocab::CredentialId;

/// The most transports a credential may name (WebAuthn knows five), and their longest name.
const MAX_TRANSPORTS: usize = 8;
const MAX_NAME: usize = 32;

/// A RegistrationResponseJSON: `id` and `rawId` the same base64url credential id, `type`
/// `public-key`, and a `response` with base64url `clientDataJSON` and `attestationObject`.
#[derive(Debug, Clone)]
pub struct RegistrationCredential {
    id: CredentialId,
    json: Map<String, Value>,
}

impl RegistrationCredential {
    /// `field` names where the credential came, for the problem: `credential`.
    pub fn parse(field: &str, value: Value) -> Result<Self, InvalidInput> {
        let (id, credential) = frame(field, value)?;
        let response = object(field, &credential, "response")?;
        let at = format!("{field}.response");
        base64url(&at, response, "clientDataJSON")?;
        base64url(&at, response, "attestationObject")?;
        if let Some(transports) = response.get("transports") {
            let named = format!("{at}.transports");
            let list = transports
                .as_array()
                .filter(|list| list.len() <= MAX_TRANSPORTS)
                .ok_or_else(|| {
                    InvalidInput::new(
                        &named,
                        format!("`{named}` must be a list of at most {MAX_TRANSPORTS} names"),
                    )
                })?;
            if !list.iter().all(|t| t.as_str().is_some_and(name)) {
                return Err(InvalidInput::new(
                    &named,
                    format!("`{named}` must list transport names"),
                ));
            }
        }
        Ok(RegistrationCredential {
            id,
            json: credential,
        })
    }

    /// The credential's id.
    pub fn id(&self) -> &CredentialId {
        &self.id
    }

    pub fn as_json(&self) -> &Map<String, Value> {
        &self.json
    }
}

/// The credential's frame: an object, its `id` and `rawId`, `type`, and the optional
/// `authenticatorAttachment` and `clientExtensionResults`.
fn frame(field: &str, value: Value) -> Result<(CredentialId, Map<String, Value>), InvalidInput> {
    let Value::Object(credential) = value else {
        return Err(InvalidInput::new(
            field,
            format!("`{field}` must be the browser's credential as a JSON object"),
        ));
    };
    let id = credential
        .get("id")
        .and_then(Value::as_str)
        .and_then(CredentialId::parse)
        .ok_or_else(|| {
            let named = format!("{field}.id");
            InvalidInput::new(
                &named,
                format!(
                    "`{named}` must be a credential id: base64url without padding, at most {} characters",
                    CredentialId::MAX_CHARS
                ),
            )
        })?;
    if credential.get("rawId").and_then(Value::as_str) != Some(id.as_str()) {
        let named = format!("{field}.rawId");
        return Err(InvalidInput::new(
            &named,
            format!("`{named}` must be the same as `{field}.id`"),
        ));
    }
    if credential.get("type").and_then(Value::as_str) != Some("public-key") {
        let named = format!("{field}.type");
        return Err(InvalidInput::new(
            &named,
            format!("`{named}` must be \"public-key\""),
        ));
    }
    if let Some(attachment) = credential.get("authenticatorAttachment")
        && !(attachment.is_null() || attachment.as_str().is_some_and(name))
    {
        let named = format!("{field}.authenticatorAttachment");
        return Err(InvalidInput::new(
            &named,
            format!("`{named}` must be an attachment's name"),
        ));
    }
    if let Some(results) = credential.get("clientExtensionResults")
        && !results.is_object()
    {
        let named = format!("{field}.clientExtensionResults");
        return Err(InvalidInput::new(
            &named,
            format!("`{named}` must be an object"),
        ));
    }
    Ok((id, credential))
}

fn object<'a>(
    field: &str,
    parent: &'a Map<String, Value>,
    member: &str,
) -> Result<&'a Map<String, Value>, InvalidInput> {
    parent
        .get(member)
        .and_then(Value::as_object)
        .ok_or_else(|| {
            let named = format!("{field}.{member}");
            InvalidInput::new(&named, format!("`{named}` must be an object"))
        })
}

/// A member that must be non-empty base64url without padding, as WebAuthn's JSON encodes
/// bytes.
fn base64url(at: &str, parent: &Map<String, Value>, member: &str) -> Result<(), InvalidInput> {
    let fits = parent
        .get(member)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .is_some_and(|text| URL_SAFE_NO_PAD.decode(text).is_ok());
    if fits {
        Ok(())
    } else {
        let named = format!("{at}.{member}");
        Err(InvalidInput::new(
            &named,
            format!("`{named}` must be base64url without padding"),
        ))
    }
}

/// A WebAuthn enumeration's value (`internal`, `cross-platform`, …): short, lowercase ASCII.
fn name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_NAME
        && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn registration() -> Value {
        json!({
            "id": "AQIDBA",
            "rawId": "AQIDBA",
            "type": "public-key",
            "response": {
                "clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0",
                "attestationObject": "o2NmbXRkbm9uZQ",
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })
    }

    fn refused(value: Value) -> String {
        RegistrationCredential::parse("credential", value)
            .expect_err("refused")
            .field
    }

    #[test]
    fn a_browsers_registration_passes_as_sent() {
        let parsed = RegistrationCredential::parse("credential", registration()).unwrap();
        assert_eq!(parsed.id().as_str(), "AQIDBA");
        assert_eq!(Value::Object(parsed.as_json().clone()), registration());
    }

    #[test]
    fn each_malformed_member_is_named() {
        let mut cases = Vec::new();
        let mut with = |pointer: &str, value: Value| {
            let mut credential = registration();
            *credential.pointer_mut(pointer).unwrap() = value;
            cases.push(credential);
        };
        with("/id", json!("not base64!"));
        with("/rawId", json!("BQYHCA"));
        with("/type", json!("password"));
        with("/response", json!("text"));
        with("/response/clientDataJSON", json!(""));
        with("/response/attestationObject", json!("o2Nm=="));
        with("/response/transports", json!(["INTERNAL"]));
        with("/authenticatorAttachment", json!(7));
        with("/clientExtensionResults", json!([]));
        let fields: Vec<String> = cases.into_iter().map(refused).collect();
        assert_eq!(
            fields,
            [
                "credential.id",
                "credential.rawId",
                "credential.type",
                "credential.response",
                "credential.response.clientDataJSON",
                "credential.response.attestationObject",
                "credential.response.transports",
                "credential.authenticatorAttachment",
                "credential.clientExtensionResults",
            ]
        );
        assert_eq!(refused(json!("a string")), "credential");
        let mut no_attestation = registration();
        no_attestation["response"]
            .as_object_mut()
            .unwrap()
            .remove("attestationObject");
        assert_eq!(
            refused(no_attestation),
            "credential.response.attestationObject"
        );
    }
}
