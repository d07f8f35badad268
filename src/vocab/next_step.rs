//! What the client does next, named as Amplify names its sign-in and sign-up steps, so a
//! frontend switches on one value whichever flow it is in.

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
    /// Not a step of signing in but a reason to: the user must prove who they are again.
    SignIn,
}

impl NextStep {
    /// The step for each challenge this service can carry; `None` for any other.
    pub fn for_challenge(challenge_name: &str) -> Option<NextStep> {
        Some(match challenge_name {
            "NEW_PASSWORD_REQUIRED" => NextStep::ConfirmSignInWithNewPasswordRequired,
            "SOFTWARE_TOKEN_MFA" => NextStep::ConfirmSignInWithTotpCode,
            "SMS_MFA" | "SMS_OTP" => NextStep::ConfirmSignInWithSmsCode,
            "EMAIL_OTP" => NextStep::ConfirmSignInWithEmailCode,
            "SELECT_MFA_TYPE" => NextStep::ContinueSignInWithMfaSelection,
            // TOTP is the set-up this service carries.
            "MFA_SETUP" => NextStep::ContinueSignInWithTotpSetup,
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
            NextStep::SignIn,
        ] {
            assert_eq!(
                serde_json::to_value(step).unwrap(),
                serde_json::Value::from(step.as_str())
            );
        }
        assert_eq!(
            NextStep::for_challenge("SMS_OTP"),
            Some(NextStep::ConfirmSignInWithSmsCode)
        );
        assert_eq!(NextStep::for_challenge("DEVICE_SRP_AUTH"), None);
    }
}
