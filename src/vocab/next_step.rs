//! What the client does next, named as Amplify names its sign-in and sign-up steps, so a
//! frontend switches on one value whichever flow it is in.

use std::collections::HashMap;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NextStep {
    Done,
    ConfirmSignUp,
    ResetPassword,
    ConfirmResetPasswordWithCode,
    ConfirmSignInWithNewPasswordRequired,
    ConfirmSignInWithTotpCode,
    ConfirmSignInWithSmsCode,
    ConfirmSignInWithEmailCode,
    ContinueSignInWithMfaSelection,
    ContinueSignInWithTotpSetup,
    ConfirmSignInWithCustomChallenge,
    /// Choice-based sign-in: pick one of `available_challenges`.
    ContinueSignInWithFirstFactorSelection,
    /// The password was picked as first factor: send it.
    ConfirmSignInWithPassword,
    /// A passkey: run the browser's ceremony with the options given, send its credential.
    ConfirmSignInWithPasskey,
    /// MFA set-up where the pool offers email only: send the address.
    ContinueSignInWithEmailSetup,
    /// MFA set-up where the pool offers TOTP and email: begin either.
    ContinueSignInWithMfaSetupSelection,
    /// Signed up and confirmed: finish the sign-in the confirmation began.
    CompleteAutoSignIn,
    /// Not a step of signing in but a reason to: the user must prove who they are again.
    SignIn,
}

impl NextStep {
    /// The step for each challenge this service can carry, given its parameters; `None` for
    /// any other.
    pub fn for_challenge(
        challenge_name: &str,
        parameters: &HashMap<String, String>,
    ) -> Option<NextStep> {
        Some(match challenge_name {
            "NEW_PASSWORD_REQUIRED" => NextStep::ConfirmSignInWithNewPasswordRequired,
            "SOFTWARE_TOKEN_MFA" => NextStep::ConfirmSignInWithTotpCode,
            "SMS_MFA" | "SMS_OTP" => NextStep::ConfirmSignInWithSmsCode,
            "EMAIL_OTP" => NextStep::ConfirmSignInWithEmailCode,
            "SELECT_MFA_TYPE" => NextStep::ContinueSignInWithMfaSelection,
            "SELECT_CHALLENGE" => NextStep::ContinueSignInWithFirstFactorSelection,
            "WEB_AUTHN" => NextStep::ConfirmSignInWithPasskey,
            // What may be set up is a list in one parameter (JSON text in Cognito, a looser
            // form elsewhere): the names are read, not the syntax.
            "MFA_SETUP" => {
                let can = parameters
                    .get("MFAS_CAN_SETUP")
                    .map(String::as_str)
                    .unwrap_or_default();
                match (
                    can.contains("SOFTWARE_TOKEN_MFA"),
                    can.contains("EMAIL_OTP"),
                ) {
                    (true, true) => NextStep::ContinueSignInWithMfaSetupSelection,
                    (false, true) => NextStep::ContinueSignInWithEmailSetup,
                    _ => NextStep::ContinueSignInWithTotpSetup,
                }
            }
            "CUSTOM_CHALLENGE" => NextStep::ConfirmSignInWithCustomChallenge,
            _ => return None,
        })
    }

    /// The name as it is sent.
    pub fn as_str(self) -> &'static str {
        match self {
            NextStep::Done => "DONE",
            NextStep::ConfirmSignUp => "CONFIRM_SIGN_UP",
            NextStep::ResetPassword => "RESET_PASSWORD",
            NextStep::ConfirmResetPasswordWithCode => "CONFIRM_RESET_PASSWORD_WITH_CODE",
            NextStep::ConfirmSignInWithNewPasswordRequired => {
                "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
            }
            NextStep::ConfirmSignInWithTotpCode => "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
            NextStep::ConfirmSignInWithSmsCode => "CONFIRM_SIGN_IN_WITH_SMS_CODE",
            NextStep::ConfirmSignInWithEmailCode => "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
            NextStep::ContinueSignInWithMfaSelection => "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
            NextStep::ContinueSignInWithTotpSetup => "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
            NextStep::ConfirmSignInWithCustomChallenge => "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
            NextStep::ContinueSignInWithFirstFactorSelection => {
                "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION"
            }
            NextStep::ConfirmSignInWithPassword => "CONFIRM_SIGN_IN_WITH_PASSWORD",
            NextStep::ConfirmSignInWithPasskey => "CONFIRM_SIGN_IN_WITH_PASSKEY",
            NextStep::ContinueSignInWithEmailSetup => "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP",
            NextStep::ContinueSignInWithMfaSetupSelection => {
                "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION"
            }
            NextStep::CompleteAutoSignIn => "COMPLETE_AUTO_SIGN_IN",
            NextStep::SignIn => "SIGN_IN",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_its_name() {
        for step in [
            NextStep::Done,
            NextStep::ConfirmSignUp,
            NextStep::ResetPassword,
            NextStep::ConfirmResetPasswordWithCode,
            NextStep::ConfirmSignInWithNewPasswordRequired,
            NextStep::ConfirmSignInWithTotpCode,
            NextStep::ConfirmSignInWithSmsCode,
            NextStep::ConfirmSignInWithEmailCode,
            NextStep::ContinueSignInWithMfaSelection,
            NextStep::ContinueSignInWithTotpSetup,
            NextStep::ConfirmSignInWithCustomChallenge,
            NextStep::ContinueSignInWithFirstFactorSelection,
            NextStep::ConfirmSignInWithPassword,
            NextStep::ConfirmSignInWithPasskey,
            NextStep::ContinueSignInWithEmailSetup,
            NextStep::ContinueSignInWithMfaSetupSelection,
            NextStep::CompleteAutoSignIn,
            NextStep::SignIn,
        ] {
            assert_eq!(
                serde_json::to_value(step).unwrap(),
                serde_json::Value::from(step.as_str())
            );
        }
        let none = HashMap::new();
        assert_eq!(
            NextStep::for_challenge("SMS_OTP", &none),
            Some(NextStep::ConfirmSignInWithSmsCode)
        );
        assert_eq!(NextStep::for_challenge("DEVICE_SRP_AUTH", &none), None);
    }

    #[test]
    fn mfa_setup_names_what_the_pool_offers() {
        let setup = |can: &str| {
            let parameters = HashMap::from([("MFAS_CAN_SETUP".to_owned(), can.to_owned())]);
            NextStep::for_challenge("MFA_SETUP", &parameters)
        };
        assert_eq!(
            setup(r#"["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]"#),
            Some(NextStep::ContinueSignInWithMfaSetupSelection)
        );
        assert_eq!(
            setup(r#"["EMAIL_OTP"]"#),
            Some(NextStep::ContinueSignInWithEmailSetup)
        );
        assert_eq!(
            setup("[u'SOFTWARE_TOKEN_MFA']"),
            Some(NextStep::ContinueSignInWithTotpSetup)
        );
        assert_eq!(
            NextStep::for_challenge("MFA_SETUP", &HashMap::new()),
            Some(NextStep::ContinueSignInWithTotpSetup)
        );
    }
}
