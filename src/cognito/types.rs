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

/// Tokens as Cognito issued them. `Debug` is redacted so they can't reach a log by accident.
#[derive(Clone, Serialize)]
pub struct Tokens {
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

/// A challenge Cognito wants answered before it issues tokens.
#[derive(Debug)]
pub struct Challenge {
    pub name: String,
    pub session: SecretString,
    pub parameters: HashMap<String, String>,
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
}

impl EndUser {
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
