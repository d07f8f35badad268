//! Self sign-up calls: SignUp, ConfirmSignUp, ResendConfirmationCode.

use secrecy::{ExposeSecret, SecretString};

use super::{
    CodeDelivery, Cognito, CognitoError, EndUser, SignUpResult, observe, to_attribute_types,
};

impl Cognito {
    /// SignUp; without a password where the pool lets users sign in by a code.
    pub async fn sign_up(
        &self,
        username: &str,
        password: Option<&SecretString>,
        attributes: Vec<(String, String)>,
        end_user: &EndUser,
    ) -> Result<SignUpResult, CognitoError> {
        let out = observe(
            "SignUp",
            self.client
                .sign_up()
                .client_id(&self.client_id)
                .username(username)
                .set_password(password.map(|p| p.expose_secret().to_owned()))
                .set_user_attributes(Some(to_attribute_types(attributes)))
                .set_secret_hash(self.secret_hash_for(username))
                .set_user_context_data(end_user.context_data())
                .set_client_metadata(end_user.metadata())
                .send(),
        )
        .await?;
        Ok(SignUpResult {
            user_sub: out.user_sub().to_owned(),
            confirmed: out.user_confirmed(),
            code_delivery: out.code_delivery_details().map(CodeDelivery::from),
        })
    }

    pub async fn confirm_sign_up(
        &self,
        username: &str,
        code: &SecretString,
        end_user: &EndUser,
    ) -> Result<Option<SecretString>, CognitoError> {
        let out = observe(
            "ConfirmSignUp",
            self.client
                .confirm_sign_up()
                .client_id(&self.client_id)
                .username(username)
                .confirmation_code(code.expose_secret())
                .set_secret_hash(self.secret_hash_for(username))
                .set_user_context_data(end_user.context_data())
                .set_client_metadata(end_user.metadata())
                .send(),
        )
        .await?;
        // Where the app client allows choice-based sign-in, Cognito answers a Session that
        // signs the user in once (USER_AUTH with it), without asking again.
        Ok(out.session.map(SecretString::from))
    }

    pub async fn resend_confirmation_code(
        &self,
        username: &str,
        end_user: &EndUser,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = observe(
            "ResendConfirmationCode",
            self.client
                .resend_confirmation_code()
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
}
