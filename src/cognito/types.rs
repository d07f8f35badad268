//! What the Cognito calls take and give, free of the SDK's types.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_cognitoidentityprovider::types::{CodeDeliveryDetailsType, UserContextDataType};
use secrecy::SecretString;
use serde::Serialize;

/// Where Cognito sent a confirmation code, as Cognito reports it (the destination is masked).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeDelivery {
    pub medium: Option<String>,
    pub destination: Option<String>,
}

impl From<&CodeDeliveryDetailsType> for CodeDelivery {
    fn from(details: &CodeDeliveryDetailsType) -> Self {
        CodeDelivery {
            medium: details.delivery_medium().map(|m| m.as_str().to_owned()),
            destination: details.destination().map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SignUpResult {
    pub user_sub: String,
    pub confirmed: bool,
    pub code_delivery: Option<CodeDelivery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryMedium {
    Email,
    Sms,
}

pub struct AdminCreateUser<'a> {
    pub username: &'a str,
    pub attributes: Vec<(String, String)>,
    pub temporary_password: Option<&'a SecretString>,
    pub delivery: Vec<DeliveryMedium>,
    pub suppress_message: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreatedUser {
    pub username: String,
    pub sub: Option<String>,
    pub status: Option<String>,
}

/// A second factor, named as Amplify's `fetchMFAPreference` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MfaMethod {
    Totp,
    Sms,
    Email,
}

impl MfaMethod {
    /// Cognito's name for it (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`); `None` for any
    /// other.
    pub fn from_cognito(name: &str) -> Option<Self> {
        match name {
            "SOFTWARE_TOKEN_MFA" => Some(MfaMethod::Totp),
            "SMS_MFA" => Some(MfaMethod::Sms),
            "EMAIL_OTP" => Some(MfaMethod::Email),
            _ => None,
        }
    }
}

/// The second factors a user has turned on, and the one Cognito asks for first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MfaSettings {
    pub enabled: Vec<MfaMethod>,
    pub preferred: Option<MfaMethod>,
}

/// A way the user can sign in, as GetUserAuthFactors lists it (`ConfiguredUserAuthFactors`),
/// in Cognito's names. TOTP (`SOFTWARE_TOKEN`) is a second factor only, told by
/// [`MfaSettings`], so it is not one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignInFactor {
    Password,
    EmailOtp,
    SmsOtp,
    WebAuthn,
}

impl SignInFactor {
    /// Cognito's name for it (`PASSWORD`, `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`); `None` for any
    /// other.
    pub fn from_cognito(name: &str) -> Option<Self> {
        match name {
            "PASSWORD" => Some(SignInFactor::Password),
            "EMAIL_OTP" => Some(SignInFactor::EmailOtp),
            "SMS_OTP" => Some(SignInFactor::SmsOtp),
            "WEB_AUTHN" => Some(SignInFactor::WebAuthn),
            _ => None,
        }
    }
}

/// The signed-in user as GetUser tells it.
#[derive(Debug, Clone)]
pub struct UserView {
    pub attributes: Vec<(String, String)>,
    pub mfa: MfaSettings,
}

/// Tokens as Cognito issued them. `Debug` is redacted so they can't reach a log by accident.
#[derive(Clone, Serialize)]
pub struct Tokens {
    /// The device Cognito tracks this sign-in on, to be confirmed (only where the pool
    /// tracks devices, and only for a device it doesn't know yet). Never sent to a client.
    #[serde(skip)]
    pub new_device: Option<NewDevice>,
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// A sign-in's `NewDeviceMetadata`.
#[derive(Clone)]
pub struct NewDevice {
    pub key: String,
    pub group_key: String,
}

/// A challenge Cognito wants answered before it issues tokens.
#[derive(Debug)]
pub struct Challenge {
    pub name: String,
    pub session: SecretString,
    pub parameters: HashMap<String, String>,
    /// SELECT_CHALLENGE only: the first factors the user may pick.
    pub available: Vec<String>,
}

/// The outcome of a sign-in step.
#[derive(Debug)]
pub enum AuthStep {
    Tokens(Tokens),
    Challenge(Challenge),
}

/// What Cognito's threat protection learns of the person behind a call: the client's address
/// (`UserContextData.IpAddress`) and what the browser's collector gathered
/// (`UserContextData.EncodedData`). Cognito uses them only when the app client has
/// `EnablePropagateAdditionalUserContextData`. No `Debug`: it is what a client sent.
#[derive(Clone, Default)]
pub struct EndUser {
    pub ip_address: Option<String>,
    pub encoded_data: Option<String>,
    /// `ClientMetadata` for the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS
    /// lists.
    pub client_metadata: HashMap<String, String>,
    /// The device the person signs in from, where the pool tracks devices and this service
    /// confirmed one for them: `DEVICE_KEY` on each sign-in call.
    pub device_key: Option<String>,
}

impl EndUser {
    /// The same person, with what the client sent as `client_metadata`, kept as `keys` say.
    pub fn with_metadata(
        mut self,
        sent: Option<&serde_json::Map<String, serde_json::Value>>,
        keys: &MetadataKeys,
    ) -> EndUser {
        self.client_metadata = keys.keep(sent);
        self
    }

    pub(super) fn metadata(&self) -> Option<HashMap<String, String>> {
        (!self.client_metadata.is_empty()).then(|| self.client_metadata.clone())
    }

    pub(super) fn context_data(&self) -> Option<UserContextDataType> {
        if self.ip_address.is_none() && self.encoded_data.is_none() {
            return None;
        }
        Some(
            UserContextDataType::builder()
                .set_ip_address(self.ip_address.clone())
                .set_encoded_data(self.encoded_data.clone())
                .build(),
        )
    }
}

/// CLIENT_METADATA_KEYS: the `client_metadata` keys a client may pass on to the pool's Lambda
/// triggers. Everything else a client sends there is dropped, unread and unlogged: a trigger
/// may trust what arrives, so only what the operator named arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetadataKeys(Vec<String>);

impl MetadataKeys {
    /// Names are 1 to 64 of `A-Z`, `a-z`, `0-9`, `_`, `-`, `.` and `:`.
    pub const MAX_KEY: usize = 64;
    /// At most this many keys; each value at most [`MetadataKeys::MAX_VALUE`] characters.
    pub const MAX_KEYS: usize = 16;
    pub const MAX_VALUE: usize = 256;

    /// A comma-separated list of key names.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut keys: Vec<String> = Vec::new();
        for key in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let valid = key.len() <= Self::MAX_KEY
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
            if !valid {
                return Err(format!(
                    "{key:?} is not a key: 1 to {} of A-Z, a-z, 0-9, _, -, . and :",
                    Self::MAX_KEY
                ));
            }
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
        }
        if keys.len() > Self::MAX_KEYS {
            return Err(format!("at most {} keys", Self::MAX_KEYS));
        }
        Ok(MetadataKeys(keys))
    }

    /// The listed keys `sent` has, with text values of at most `MAX_VALUE` characters and no
    /// control characters; the rest is dropped.
    pub fn keep(
        &self,
        sent: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> HashMap<String, String> {
        let Some(sent) = sent else {
            return HashMap::new();
        };
        self.0
            .iter()
            .filter_map(|key| {
                let value = sent.get(key)?.as_str()?;
                let fits = value.chars().count() <= Self::MAX_VALUE
                    && !value.chars().any(char::is_control);
                fits.then(|| (key.clone(), value.to_owned()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_listed_keys_with_short_text_values_pass() {
        let keys = MetadataKeys::parse(" tenant, campaign.id ,tenant").unwrap();
        let sent = json!({
            "tenant": "acme",
            "campaign.id": "x".repeat(257),
            "role": "admin",
        });
        let kept = keys.keep(sent.as_object());
        assert_eq!(
            kept,
            HashMap::from([("tenant".to_owned(), "acme".to_owned())])
        );
        let not_text = json!({"tenant": 7});
        assert!(keys.keep(not_text.as_object()).is_empty());
        assert!(MetadataKeys::default().keep(sent.as_object()).is_empty());
    }

    #[test]
    fn key_names_are_checked() {
        assert!(MetadataKeys::parse("a b").is_err());
        assert!(MetadataKeys::parse(&"k".repeat(65)).is_err());
        let many: Vec<String> = (0..17).map(|i| format!("k{i}")).collect();
        assert!(MetadataKeys::parse(&many.join(",")).is_err());
        assert_eq!(MetadataKeys::parse("").unwrap(), MetadataKeys::default());
    }
}
