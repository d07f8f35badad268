//! Calls the user makes with its own access token (attributes, sign-in factors, TOTP and
//! email MFA, sign-out everywhere), and revoking its refresh token.

use aws_sdk_cognitoidentityprovider::types::{EmailMfaSettingsType, SoftwareTokenMfaSettingsType};
use secrecy::{ExposeSecret, SecretString};

use super::{
    CodeDelivery, Cognito, CognitoError, CognitoErrorKind, MfaMethod, MfaSettings, SignInFactor,
    UserView, no_field, observe, to_attribute_types, verified,
};

impl Cognito {
    /// The signed-in user's attributes and MFA settings, by access token.
    pub async fn get_user(&self, access_token: &str) -> Result<UserView, CognitoError> {
        let out = observe(
            "GetUser",
            self.client.get_user().access_token(access_token).send(),
        )
        .await?;
        Ok(UserView {
            attributes: out
                .user_attributes()
                .iter()
                .map(|a| {
                    (
                        a.name().to_owned(),
                        a.value().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
            mfa: MfaSettings {
                enabled: out
                    .user_mfa_setting_list()
                    .iter()
                    .filter_map(|name| MfaMethod::from_cognito(name))
                    .collect(),
                preferred: out
                    .preferred_mfa_setting()
                    .and_then(MfaMethod::from_cognito),
            },
        })
    }

    /// The ways the signed-in user can sign in (GetUserAuthFactors'
    /// `ConfiguredUserAuthFactors`), in Cognito's order, each once; TOTP and names this
    /// service doesn't know are left out.
    pub async fn get_user_auth_factors(
        &self,
        access_token: &str,
    ) -> Result<Vec<SignInFactor>, CognitoError> {
        let out = observe(
            "GetUserAuthFactors",
            self.client
                .get_user_auth_factors()
                .access_token(access_token)
                .send(),
        )
        .await?;
        let mut factors = Vec::new();
        for factor in out
            .configured_user_auth_factors()
            .iter()
            .filter_map(|f| SignInFactor::from_cognito(f.as_str()))
        {
            if !factors.contains(&factor) {
                factors.push(factor);
            }
        }
        Ok(factors)
    }

    /// Changes the signed-in user's attributes; returns where verification codes went (a
    /// changed email or phone number must be verified again).
    pub async fn update_user_attributes(
        &self,
        access_token: &str,
        attributes: Vec<(String, String)>,
    ) -> Result<Vec<CodeDelivery>, CognitoError> {
        let out = observe(
            "UpdateUserAttributes",
            self.client
                .update_user_attributes()
                .access_token(access_token)
                .set_user_attributes(Some(to_attribute_types(attributes)))
                .send(),
        )
        .await?;
        Ok(out
            .code_delivery_details_list()
            .iter()
            .map(CodeDelivery::from)
            .collect())
    }

    /// Starts TOTP set-up for a signed-in user; returns the shared secret.
    pub async fn associate_software_token(
        &self,
        access_token: &str,
    ) -> Result<SecretString, CognitoError> {
        let out = observe(
            "AssociateSoftwareToken",
            self.client
                .associate_software_token()
                .access_token(access_token)
                .send(),
        )
        .await?;
        out.secret_code
            .map(SecretString::from)
            .ok_or_else(|| no_field("AssociateSoftwareToken"))
    }

    /// Checks a signed-in user's first TOTP code.
    pub async fn verify_software_token(
        &self,
        access_token: &str,
        code: &str,
    ) -> Result<(), CognitoError> {
        let out = observe(
            "VerifySoftwareToken",
            self.client
                .verify_software_token()
                .access_token(access_token)
                .user_code(code)
                .send(),
        )
        .await?;
        verified("VerifySoftwareToken", out.status.as_ref())
    }

    /// Turns TOTP on as the preferred MFA, or off.
    pub async fn set_totp_mfa(
        &self,
        access_token: &str,
        enabled: bool,
    ) -> Result<(), CognitoError> {
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled)
            .build();
        observe(
            "SetUserMFAPreference",
            self.client
                .set_user_mfa_preference()
                .access_token(access_token)
                .software_token_mfa_settings(settings)
                .send(),
        )
        .await?;
        Ok(())
    }

    /// Turns email MFA on. Only for a verified address (codes to an address the user never
    /// proved they read would lock them out), and preferred as asked, else only when no
    /// other MFA is preferred: a stronger authenticator is never demoted by default.
    pub async fn enable_email_mfa(
        &self,
        access_token: &str,
        preferred: Option<bool>,
    ) -> Result<EmailMfaOn, CognitoError> {
        let user = self.get_user(access_token).await?;
        let attribute = |name: &str| {
            user.attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let refused = |kind| CognitoError::new("SetUserMFAPreference", kind);
        if attribute("email").is_none_or(str::is_empty) {
            return Err(refused(CognitoErrorKind::NoEmailAddress));
        }
        if attribute("email_verified") != Some("true") {
            return Err(refused(CognitoErrorKind::EmailUnverified));
        }
        let other_preferred = user.mfa.preferred.filter(|m| *m != MfaMethod::Email);
        let preferred = preferred.unwrap_or(other_preferred.is_none());
        self.set_email_mfa(access_token, true, preferred)
            .await
            .map_err(|e| {
                let unavailable = match &e.kind {
                    CognitoErrorKind::InvalidParameter => true,
                    CognitoErrorKind::Other(code) => matches!(
                        code.as_str(),
                        "OperationNotEnabledException" | "FeatureUnavailableInTierException"
                    ),
                    _ => false,
                };
                if unavailable {
                    CognitoError {
                        kind: CognitoErrorKind::EmailMfaUnavailable,
                        ..e
                    }
                } else {
                    e
                }
            })?;
        Ok(EmailMfaOn {
            preferred,
            demoted: preferred && other_preferred.is_some(),
        })
    }

    /// SetUserMFAPreference's email settings, as they are.
    pub async fn set_email_mfa(
        &self,
        access_token: &str,
        enabled: bool,
        preferred: bool,
    ) -> Result<(), CognitoError> {
        let settings = EmailMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled && preferred)
            .build();
        observe(
            "SetUserMFAPreference",
            self.client
                .set_user_mfa_preference()
                .access_token(access_token)
                .email_mfa_settings(settings)
                .send(),
        )
        .await?;
        Ok(())
    }

    /// Signs the user out on every device: all refresh tokens stop working.
    pub async fn global_sign_out(&self, access_token: &str) -> Result<(), CognitoError> {
        observe(
            "GlobalSignOut",
            self.client
                .global_sign_out()
                .access_token(access_token)
                .send(),
        )
        .await?;
        Ok(())
    }

    /// Revokes a refresh token and the access tokens issued from it.
    pub async fn revoke_token(&self, refresh_token: &SecretString) -> Result<(), CognitoError> {
        let call = self
            .client
            .revoke_token()
            .token(refresh_token.expose_secret())
            .client_id(&self.client_id)
            .set_client_secret(
                self.client_secret
                    .as_ref()
                    .map(|s| s.expose_secret().to_owned()),
            )
            .send();
        observe("RevokeToken", call).await?;
        Ok(())
    }
}

/// Email MFA turned on: whether it is now preferred, and whether that took the place of
/// another preferred MFA.
#[derive(Debug, Clone, Copy)]
pub struct EmailMfaOn {
    pub preferred: bool,
    pub demoted: bool,
}
