//! Password calls: ForgotPassword and ConfirmForgotPassword for a forgotten one,
//! ChangePassword with the user's access token.

use secrecy::{ExposeSecret, SecretString};

use super::{CodeDelivery, Cognito, CognitoError, EndUser, observe};

impl Cognito {
    /// Sends a password-reset code. Cognito reports where it went, or (when the app client
    /// prevents user-existence errors) where it would have gone for an unknown user.
    pub async fn forgot_password(
        &self,
        username: &str,
        end_user: &EndUser,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = observe(
            "ForgotPassword",
            self.client
                .forgot_password()
                .client_id(&self.client_id)
                .username(username)
                .set_secret_hash(self.secret_hash_for(username))
                .set_user_context_data(end_user.context_data())
                .set_client_metadata(end_user.metadata())
                .send(),
        )
        .await?;
        Ok(out.code_delivery_details().map(CodeDelivery::from))
    }

    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &SecretString,
        new_password: &SecretString,
        end_user: &EndUser,
    ) -> Result<(), CognitoError> {
        observe(
            "ConfirmForgotPassword",
            self.client
                .confirm_forgot_password()
                .client_id(&self.client_id)
                .username(username)
                .confirmation_code(code.expose_secret())
                .password(new_password.expose_secret())
                .set_secret_hash(self.secret_hash_for(username))
                .set_user_context_data(end_user.context_data())
                .set_client_metadata(end_user.metadata())
                .send(),
        )
        .await?;
        Ok(())
    }

    pub async fn change_password(
        &self,
        access_token: &str,
        previous: &SecretString,
        proposed: &SecretString,
    ) -> Result<(), CognitoError> {
        observe(
            "ChangePassword",
            self.client
                .change_password()
                .access_token(access_token)
                .previous_password(previous.expose_secret())
                .proposed_password(proposed.expose_secret())
                .send(),
        )
        .await?;
        Ok(())
    }
}
