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
    /// Lets the app client sign in by choice (ALLOW_USER_AUTH, beside the flows it has) and
    /// the pool offer `factors` as first factors.
    pub async fn allow_first_factors(&self, factors: &[AuthFactorType]) {
        let described = self
            .idp
            .describe_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .send()
            .await
            .expect("describe the app client");
        let mut flows = described
            .user_pool_client()
            .map(|c| c.explicit_auth_flows().to_vec())
            .unwrap_or_default();
        if !flows.contains(&ExplicitAuthFlowsType::AllowUserAuth) {
            flows.push(ExplicitAuthFlowsType::AllowUserAuth);
        }
        // The emulator merges a client update into the client; the list goes whole.
        self.idp
            .update_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .client_name("cognito-bff")
            .set_explicit_auth_flows(Some(flows))
            .send()
            .await
            .expect("allow USER_AUTH on the app client");
        // UpdateUserPool resets what it isn't sent, so the pool's settings that tests change
        // go again: verified attributes, the password policy, device tracking.
        let described = self
            .idp
            .describe_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .expect("describe the pool");
        let pool = described.user_pool().expect("a pool");
        self.idp
            .update_user_pool()
            .user_pool_id(&self.pool_id)
            .set_auto_verified_attributes(
                pool.auto_verified_attributes
                    .clone()
                    .or(Some(vec![VerifiedAttributeType::Email])),
            )
            .set_device_configuration(pool.device_configuration.clone())
            .policies(
                UserPoolPolicyType::builder()
                    .set_password_policy(pool.policies().and_then(|p| p.password_policy()).cloned())
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

/// The passkey assertion a WEB_AUTHN answer carried to Cognito: its CREDENTIAL, read as JSON.
#[track_caller]
pub fn passkey_sent(answer: &Value) -> Value {
    assert_eq!(answer["ChallengeName"], "WEB_AUTHN", "{answer}");
    serde_json::from_str(
        answer["ChallengeResponses"]["CREDENTIAL"]
            .as_str()
            .expect("the credential as JSON text"),
    )
    .unwrap()
}
