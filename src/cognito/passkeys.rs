//! The signed-in user's passkeys, by access token: a registration begun
//! (StartWebAuthnRegistration) and completed (CompleteWebAuthnRegistration), the list
//! (ListWebAuthnCredentials) and one removed (DeleteWebAuthnCredential).
//!
//! WebAuthn's JSON crosses the SDK as a smithy `Document`. The SDK's serde support for it sits
//! behind an unstable compiler flag, so it is turned into `serde_json` here, both ways, by a
//! small conversion bounded in depth; neither side's type leaks.

use std::collections::HashMap;

use aws_smithy_types::{Document, Number};
use serde_json::{Map, Value};

use super::{Cognito, CognitoError, CognitoErrorKind, PasskeyRefusal, no_field, observe};

/// Cognito keeps 20 passkeys a user, one page's worth; the pages are followed this far at most.
const MAX_PAGES: usize = 5;
const PAGE: i32 = 20;
/// WebAuthn's JSON is a few levels deep; anything deeper than this is no WebAuthn.
const MAX_DEPTH: usize = 16;
/// Creation options larger than this (as JSON) are no options a browser should be handed.
/// Cognito's are well under 2 KiB, plus the passkeys to exclude: up to 20, each id up to 1023
/// bytes (1364 in base64url), so about 30 KiB at worst.
const MAX_OPTIONS_BYTES: usize = 40 * 1024;

/// One of the user's passkeys, as Cognito lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRecord {
    /// The credential id, base64url.
    pub id: String,
    /// Cognito's name for it ("automatically generated" from the authenticator).
    pub name: String,
    pub relying_party_id: String,
    /// `platform` or `cross-platform`, when the browser told.
    pub attachment: Option<String>,
    /// How the browser reaches the authenticator: `internal`, `usb`, `nfc`, `ble`, `hybrid`.
    pub transports: Vec<String>,
    /// Seconds since the epoch.
    pub created_at: i64,
}

impl Cognito {
    /// Begins registering a passkey for the signed-in user: the
    /// PublicKeyCredentialCreationOptionsJSON for the browser's `navigator.credentials.create`.
    /// Cognito's answer must be a JSON object of bounded size.
    pub async fn start_web_authn_registration(
        &self,
        access_token: &str,
    ) -> Result<Map<String, Value>, CognitoError> {
        const OPERATION: &str = "StartWebAuthnRegistration";
        let out = observe(
            OPERATION,
            self.client
                .start_web_authn_registration()
                .access_token(access_token)
                .send(),
        )
        .await
        .map_err(passkey_refusal)?;
        let options = match to_json(out.credential_creation_options, 0) {
            Some(Value::Object(options)) => options,
            _ => return Err(no_field(OPERATION)),
        };
        let size = serde_json::to_vec(&options).map_or(usize::MAX, |json| json.len());
        if size > MAX_OPTIONS_BYTES {
            return Err(no_field(OPERATION));
        }
        Ok(options)
    }

    /// Completes the registration with the browser's RegistrationResponseJSON, as the
    /// browser's `credential.toJSON()` gave it (its shape checked by the caller).
    pub async fn complete_web_authn_registration(
        &self,
        access_token: &str,
        credential: &Map<String, Value>,
    ) -> Result<(), CognitoError> {
        let credential = Document::Object(
            credential
                .iter()
                .map(|(name, value)| (name.clone(), to_document(value)))
                .collect(),
        );
        observe(
            "CompleteWebAuthnRegistration",
            self.client
                .complete_web_authn_registration()
                .access_token(access_token)
                .credential(credential)
                .send(),
        )
        .await
        .map_err(passkey_refusal)
        .map_err(|mut e| {
            // Here it means the registration itself failed Cognito's checks.
            if e.kind == CognitoErrorKind::InvalidParameter {
                e.kind = CognitoErrorKind::Passkey(PasskeyRefusal::Rejected);
            }
            e
        })?;
        Ok(())
    }

    /// The signed-in user's passkeys, every page of them (within reason).
    pub async fn list_web_authn_credentials(
        &self,
        access_token: &str,
    ) -> Result<Vec<PasskeyRecord>, CognitoError> {
        let mut passkeys = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let out = observe(
                "ListWebAuthnCredentials",
                self.client
                    .list_web_authn_credentials()
                    .access_token(access_token)
                    .max_results(PAGE)
                    .set_next_token(next.take())
                    .send(),
            )
            .await?;
            passkeys.extend(out.credentials().iter().map(|c| PasskeyRecord {
                id: c.credential_id().to_owned(),
                name: c.friendly_credential_name().to_owned(),
                relying_party_id: c.relying_party_id().to_owned(),
                attachment: c.authenticator_attachment().map(str::to_owned),
                transports: c.authenticator_transports().to_vec(),
                created_at: c.created_at().secs(),
            }));
            match out.next_token {
                Some(token) if !token.is_empty() => next = Some(token),
                _ => break,
            }
        }
        Ok(passkeys)
    }

    /// Removes one of the signed-in user's passkeys. One that isn't theirs is
    /// ResourceNotFoundException.
    pub async fn delete_web_authn_credential(
        &self,
        access_token: &str,
        credential_id: &str,
    ) -> Result<(), CognitoError> {
        observe(
            "DeleteWebAuthnCredential",
            self.client
                .delete_web_authn_credential()
                .access_token(access_token)
                .credential_id(credential_id)
                .send(),
        )
        .await?;
        Ok(())
    }
}

/// At a registration, LimitExceededException is the user's passkeys, not a rate: Cognito
/// throttles with TooManyRequestsException.
fn passkey_refusal(mut err: CognitoError) -> CognitoError {
    if err.kind == CognitoErrorKind::LimitExceeded {
        err.kind = CognitoErrorKind::Passkey(PasskeyRefusal::LimitReached);
    }
    err
}

/// A smithy document as JSON; `None` past `MAX_DEPTH` levels, or for a number JSON can't
/// hold (a float that isn't finite).
fn to_json(document: Document, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match document {
        Document::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(name, value)| Some((name, to_json(value, depth + 1)?)))
                .collect::<Option<Map<_, _>>>()?,
        ),
        Document::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| to_json(item, depth + 1))
                .collect::<Option<Vec<_>>>()?,
        ),
        Document::Number(Number::PosInt(n)) => Value::from(n),
        Document::Number(Number::NegInt(n)) => Value::from(n),
        Document::Number(Number::Float(f)) => Value::Number(serde_json::Number::from_f64(f)?),
        Document::String(s) => Value::String(s),
        Document::Bool(b) => Value::Bool(b),
        Document::Null => Value::Null,
    })
}

/// JSON as a smithy document. The JSON came through a parser with its own depth limit.
fn to_document(value: &Value) -> Document {
    match value {
        Value::Object(members) => Document::Object(
            members
                .iter()
                .map(|(name, value)| (name.clone(), to_document(value)))
                .collect::<HashMap<_, _>>(),
        ),
        Value::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Number::PosInt(u),
            (None, Some(i)) => Number::NegInt(i),
            // serde_json holds any other number as a finite f64.
            (None, None) => Number::Float(n.as_f64().unwrap_or_default()),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Bool(b) => Document::Bool(*b),
        Value::Null => Document::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_survives_the_round_trip_through_a_document() {
        let options = json!({
            "challenge": "3q2-7w",
            "timeout": 60000,
            "pubKeyCredParams": [{"alg": -7, "type": "public-key"}, {"alg": -257, "type": "public-key"}],
            "authenticatorSelection": {"requireResidentKey": true, "userVerification": "preferred"},
            "ratio": 0.5,
            "hints": null,
        });
        let document = to_document(&options);
        assert_eq!(to_json(document, 0), Some(options));
    }

    #[test]
    fn a_document_nested_too_deep_is_refused() {
        let mut document = Document::Null;
        for _ in 0..=MAX_DEPTH + 1 {
            document = Document::Array(vec![document]);
        }
        assert_eq!(to_json(document, 0), None);
        assert_eq!(to_json(Document::Number(Number::Float(f64::NAN)), 0), None);
    }
}
