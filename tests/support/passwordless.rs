//! Choice-based sign-in on the peer, set up as an operator would: an app client that allows
//! USER_AUTH, a pool that offers the first factors asked for, and the one-time codes the
//! emulator "sends" (it keeps them for tests instead).

use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, ExplicitAuthFlowsType, SignInPolicyType, UserPoolPolicyType,
    VerifiedAttributeType,
};
use serde_json::Value;

use super::cognito::{UserPool, attr};
use super::moto::Moto;

impl UserPool {
    /// Lets the app client sign in by choice (ALLOW_USER_AUTH, beside the password flows) and
    /// the pool offer `factors` as first factors.
    pub async fn allow_first_factors(&self, factors: &[AuthFactorType]) {
        self.idp
            .update_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .client_name("cognito-bff")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
            .send()
            .await
            .expect("allow USER_AUTH on the app client");
        // UpdateUserPool resets what it isn't sent, so the verified email goes again.
        self.idp
            .update_user_pool()
            .user_pool_id(&self.pool_id)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .policies(
                UserPoolPolicyType::builder()
                    .sign_in_policy(
                        SignInPolicyType::builder()
                            .set_allowed_first_auth_factors(Some(factors.to_vec()))
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("set the pool's first factors");
    }

    /// Marks the user's email verified, as a code to it needs.
    pub async fn verify_email(&self, username: &str) {
        self.idp
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attr("email_verified", "true"))
            .send()
            .await
            .expect("verify the user's email");
    }

    /// Gives the user a verified phone number, as a texted code needs.
    pub async fn verify_phone(&self, username: &str, phone_number: &str) {
        self.idp
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attr("phone_number", phone_number))
            .user_attributes(attr("phone_number_verified", "true"))
            .send()
            .await
            .expect("give the user a verified phone number");
    }

    /// The newest code the emulator sent the user named for `purpose` (EMAIL_OTP, SMS_OTP or
    /// EMAIL_MFA) in this pool.
    pub async fn code_sent(&self, username: &str, purpose: &str) -> String {
        let sent: Vec<Value> = reqwest::Client::new()
            .get(format!("{}/emulator/codes", Moto::shared().endpoint))
            .query(&[
                ("username", username),
                ("userPoolId", &self.pool_id),
                ("purpose", purpose),
            ])
            .send()
            .await
            .expect("the emulator answers")
            .json()
            .await
            .expect("a JSON list of codes");
        sent.last()
            .and_then(|code| code["code"].as_str())
            .unwrap_or_else(|| panic!("a {purpose} code for {username}: {sent:?}"))
            .to_owned()
    }
}
