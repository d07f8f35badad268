//! How a sign-in starts: what `/login` was given (a password, a preferred first factor, or
//! neither), checked against the configured flow before anything reaches Cognito.

use secrecy::SecretString;

use crate::cognito::UserAuthStart;
use crate::input::InvalidInput;
use crate::vocab::{Amr, AuthFlow, FirstFactor};

/// A sign-in's first step, as the flow and the request decide it.
pub enum Start<'a> {
    /// USER_PASSWORD_AUTH.
    Password(&'a SecretString),
    /// USER_SRP_AUTH.
    Srp(&'a SecretString),
    /// USER_AUTH, in one of its ways.
    Choice(UserAuthStart<'a>),
}

impl<'a> Start<'a> {
    pub fn parse(
        flow: AuthFlow,
        password: Option<&'a SecretString>,
        preferred: Option<FirstFactor>,
    ) -> Result<Self, InvalidInput> {
        if flow != AuthFlow::UserAuth {
            if preferred.is_some() {
                return Err(InvalidInput::new(
                    "preferred_challenge",
                    "this service signs in with the password only (COGNITO_AUTH_FLOW is not \
                     USER_AUTH); send `password` without `preferred_challenge`",
                ));
            }
            let password = password.ok_or_else(|| required("password"))?;
            return Ok(match flow {
                AuthFlow::UserSrp => Start::Srp(password),
                _ => Start::Password(password),
            });
        }
        Ok(Start::Choice(match (preferred, password) {
            (None | Some(FirstFactor::Password), Some(password)) => {
                UserAuthStart::Password(password)
            }
            (Some(FirstFactor::PasswordSrp), Some(password)) => {
                UserAuthStart::PasswordSrp(password)
            }
            (Some(factor), None) if factor.is_password() => {
                return Err(InvalidInput::new(
                    "password",
                    format!(
                        "`password` is required with `preferred_challenge` {}",
                        factor.as_str()
                    ),
                ));
            }
            (Some(factor), Some(_)) => {
                return Err(InvalidInput::new(
                    "password",
                    format!(
                        "`password` is not taken with `preferred_challenge` {}",
                        factor.as_str()
                    ),
                ));
            }
            (Some(factor), None) => UserAuthStart::Preferred(factor.as_str()),
            (None, None) => UserAuthStart::Choose,
        }))
    }

    /// Whether this start sends the user a code (and so costs a message).
    pub fn sends_code(&self) -> bool {
        matches!(
            self,
            Start::Choice(UserAuthStart::Preferred("EMAIL_OTP" | "SMS_OTP"))
        )
    }

    /// Whether the first step sends the password (or its proof).
    pub fn proves_password(&self) -> bool {
        matches!(
            self,
            Start::Password(_)
                | Start::Srp(_)
                | Start::Choice(UserAuthStart::Password(_) | UserAuthStart::PasswordSrp(_))
        )
    }

    /// What the first step proves, once Cognito has taken it.
    pub fn amr(&self) -> Amr {
        if self.proves_password() {
            Amr::password()
        } else {
            Amr::default()
        }
    }
}

fn required(field: &str) -> InvalidInput {
    InvalidInput::new(field, format!("`{field}` is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_flows_take_a_password_and_nothing_else() {
        let password = SecretString::from("pw");
        assert!(matches!(
            Start::parse(AuthFlow::UserPassword, Some(&password), None),
            Ok(Start::Password(_))
        ));
        assert!(matches!(
            Start::parse(AuthFlow::UserSrp, Some(&password), None),
            Ok(Start::Srp(_))
        ));
        let refused = |flow, password, preferred| {
            Start::parse(flow, password, preferred)
                .err()
                .map(|e| e.field)
        };
        assert_eq!(
            refused(AuthFlow::UserPassword, None, None).as_deref(),
            Some("password")
        );
        assert_eq!(
            refused(
                AuthFlow::UserSrp,
                Some(&password),
                Some(FirstFactor::EmailOtp)
            )
            .as_deref(),
            Some("preferred_challenge")
        );
    }

    #[test]
    fn choice_based_sign_in_matches_the_password_to_the_factor() {
        let password = SecretString::from("pw");
        let start = |password, preferred| Start::parse(AuthFlow::UserAuth, password, preferred);
        assert!(matches!(
            start(Some(&password), None),
            Ok(Start::Choice(UserAuthStart::Password(_)))
        ));
        assert!(matches!(
            start(Some(&password), Some(FirstFactor::PasswordSrp)),
            Ok(Start::Choice(UserAuthStart::PasswordSrp(_)))
        ));
        assert!(matches!(
            start(None, Some(FirstFactor::EmailOtp)),
            Ok(Start::Choice(UserAuthStart::Preferred("EMAIL_OTP")))
        ));
        assert!(start(None, Some(FirstFactor::SmsOtp)).unwrap().sends_code());
        assert!(
            !start(None, Some(FirstFactor::WebAuthn))
                .unwrap()
                .sends_code()
        );
        assert!(matches!(
            start(None, None),
            Ok(Start::Choice(UserAuthStart::Choose))
        ));
        assert!(start(None, Some(FirstFactor::Password)).is_err());
        assert!(start(Some(&password), Some(FirstFactor::WebAuthn)).is_err());
        assert_eq!(start(None, None).unwrap().amr(), Amr::default());
        assert_eq!(start(Some(&password), None).unwrap().amr(), Amr::password());
    }
}
