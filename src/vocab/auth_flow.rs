//! How a sign-in starts (COGNITO_AUTH_FLOW), and the first factors of choice-based sign-in.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    /// `USER_PASSWORD_AUTH`: the password goes to Cognito.
    UserPassword,
    /// `USER_SRP_AUTH`: the SRP exchange runs here, so only a proof of the password leaves.
    UserSrp,
    /// `USER_AUTH`: choice-based sign-in; the user proves who they are with a password, a
    /// one-time code or a passkey, as the pool allows.
    UserAuth,
}

/// A first factor of choice-based sign-in, by Cognito's challenge name. Both password
/// challenges need the password; the service runs SRP for `PASSWORD_SRP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum FirstFactor {
    #[serde(rename = "PASSWORD")]
    Password,
    #[serde(rename = "PASSWORD_SRP")]
    PasswordSrp,
    #[serde(rename = "EMAIL_OTP")]
    EmailOtp,
    #[serde(rename = "SMS_OTP")]
    SmsOtp,
    #[serde(rename = "WEB_AUTHN")]
    WebAuthn,
}

impl FirstFactor {
    pub const ALL: [FirstFactor; 5] = [
        FirstFactor::Password,
        FirstFactor::PasswordSrp,
        FirstFactor::EmailOtp,
        FirstFactor::SmsOtp,
        FirstFactor::WebAuthn,
    ];

    /// Cognito's name, which is also the name clients send.
    pub fn as_str(self) -> &'static str {
        match self {
            FirstFactor::Password => "PASSWORD",
            FirstFactor::PasswordSrp => "PASSWORD_SRP",
            FirstFactor::EmailOtp => "EMAIL_OTP",
            FirstFactor::SmsOtp => "SMS_OTP",
            FirstFactor::WebAuthn => "WEB_AUTHN",
        }
    }

    pub fn parse(name: &str) -> Option<FirstFactor> {
        FirstFactor::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// Whether the factor is the password (either way of proving it).
    pub fn is_password(self) -> bool {
        matches!(self, FirstFactor::Password | FirstFactor::PasswordSrp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_factors_parse_their_own_names_only() {
        for factor in FirstFactor::ALL {
            assert_eq!(FirstFactor::parse(factor.as_str()), Some(factor));
            assert_eq!(
                serde_json::to_value(factor).unwrap(),
                serde_json::Value::from(factor.as_str())
            );
        }
        assert_eq!(FirstFactor::parse("password"), None);
        assert_eq!(FirstFactor::parse("SOFTWARE_TOKEN_MFA"), None);
    }
}
