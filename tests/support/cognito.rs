//! Setting up the peer with the AWS API, as an operator would: pools, clients, users, groups.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFactorType, ExplicitAuthFlowsType, UsernameAttributeType,
    VerifiedAttributeType,
};

#[derive(Clone)]
pub struct UserPool {
    pub idp: Client,
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

pub fn admin_client(endpoint: &str) -> Client {
    admin_client_in(endpoint, "us-east-1")
}

/// An operator's client for pools in `region`.
pub fn admin_client_in(endpoint: &str, region: &'static str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    Client::from_conf(config)
}

pub const ADMIN_GROUP: &str = "admin";

impl UserPool {
    /// A fresh pool with a password policy, an `admin` group, and one app client.
    pub async fn create(endpoint: &str, with_secret: bool, email_as_username: bool) -> UserPool {
        UserPool::create_in(endpoint, "us-east-1", with_secret, email_as_username).await
    }

    /// The same, in `region`.
    pub async fn create_in(
        endpoint: &str,
        region: &'static str,
        with_secret: bool,
        email_as_username: bool,
    ) -> UserPool {
        let idp = admin_client_in(endpoint, region);
        let pool = idp
            .create_user_pool()
            .pool_name(format!("test-{}", uuid::Uuid::new_v4()))
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .set_username_attributes(email_as_username.then(|| vec![UsernameAttributeType::Email]))
            .send()
            .await
            .expect("create pool");
        let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
        let client = idp
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("cognito-bff")
            .generate_secret(with_secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .expect("create client");
        let client = client.user_pool_client().unwrap();
        idp.create_group()
            .user_pool_id(&pool_id)
            .group_name(ADMIN_GROUP)
            .send()
            .await
            .expect("create group");
        UserPool {
            client_id: client.client_id().unwrap().to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
            idp,
            pool_id,
        }
    }

    /// A confirmed user with a permanent password. In a pool that signs in by email, pass
    /// the email as `username`.
    pub async fn create_user(&self, username: &str, password: &str) {
        let email = if username.contains('@') {
            username.to_owned()
        } else {
            format!("{username}@example.com")
        };
        self.idp
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attr("email", &email))
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .expect("create user");
        self.idp
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("set password");
    }

    pub async fn add_to_group(&self, username: &str, group: &str) {
        self.idp
            .admin_add_user_to_group()
            .user_pool_id(&self.pool_id)
            .username(username)
            .group_name(group)
            .send()
            .await
            .expect("add to group");
    }

    /// A user who starts with a temporary password, as after an admin invite.
    pub async fn invite_user(&self, username: &str, temporary_password: &str) {
        self.idp
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .temporary_password(temporary_password)
            .user_attributes(attr("email", &format!("{username}@example.com")))
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .send()
            .await
            .expect("invite user");
    }

    /// Sets the app client's PreventUserExistenceErrors (ENABLED or LEGACY). The emulator
    /// merges the update into the client; real Cognito would reset what it does not name.
    pub async fn prevent_user_existence_errors(&self, enabled: bool) {
        use aws_sdk_cognitoidentityprovider::types::PreventUserExistenceErrorTypes as P;
        self.idp
            .update_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .prevent_user_existence_errors(if enabled { P::Enabled } else { P::Legacy })
            .send()
            .await
            .expect("update client");
    }

    /// Turns on refresh-token rotation for the app client, with a grace period in which a
    /// rotated-away token still works. The emulator merges the update into the client, as
    /// above.
    pub async fn rotate_refresh_tokens(&self, grace_seconds: i32) {
        use aws_sdk_cognitoidentityprovider::types::{FeatureType, RefreshTokenRotationType};
        let rotation = RefreshTokenRotationType::builder()
            .feature(FeatureType::Enabled)
            .retry_grace_period_seconds(grace_seconds)
            .build()
            .expect("a rotation setting");
        self.idp
            .update_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .refresh_token_rotation(rotation)
            .send()
            .await
            .expect("update client");
    }

    /// Turns on device tracking for the pool. `skip_mfa`: a remembered device signs in
    /// without MFA (ChallengeRequiredOnNewDevice); `on_prompt`: a device is remembered only
    /// when the user asks (DeviceOnlyRememberedOnUserPrompt). UpdateUserPool resets what it
    /// isn't given, so the pool's other settings are sent again.
    pub async fn track_devices(&self, skip_mfa: bool, on_prompt: bool) {
        use aws_sdk_cognitoidentityprovider::types::DeviceConfigurationType;
        let described = self
            .idp
            .describe_user_pool()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .expect("describe pool");
        let pool = described.user_pool().expect("a pool");
        self.idp
            .update_user_pool()
            .user_pool_id(&self.pool_id)
            .set_auto_verified_attributes(pool.auto_verified_attributes.clone())
            .device_configuration(
                DeviceConfigurationType::builder()
                    .challenge_required_on_new_device(skip_mfa)
                    .device_only_remembered_on_user_prompt(on_prompt)
                    .build(),
            )
            .send()
            .await
            .expect("update pool");
    }

    /// Lets the pool's users register passkeys and sign in with them: WEB_AUTHN among the
    /// first factors (beside PASSWORD) and ALLOW_USER_AUTH for the app client
    /// (`allow_first_factors`), and `relying_party_id` as the pool's
    /// WebAuthnConfiguration.RelyingPartyId. SetUserPoolMfaConfig clears the MFA
    /// configurations it isn't given, so the pool's are sent again.
    pub async fn allow_passkeys(&self, relying_party_id: &str) {
        use aws_sdk_cognitoidentityprovider::types::WebAuthnConfigurationType;
        self.allow_first_factors(&[AuthFactorType::Password, AuthFactorType::WebAuthn])
            .await;
        let mfa = self
            .idp
            .get_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .send()
            .await
            .expect("get the pool's MFA configuration");
        self.idp
            .set_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .set_mfa_configuration(mfa.mfa_configuration().cloned())
            .set_sms_mfa_configuration(mfa.sms_mfa_configuration().cloned())
            .set_software_token_mfa_configuration(mfa.software_token_mfa_configuration().cloned())
            .set_email_mfa_configuration(mfa.email_mfa_configuration().cloned())
            .web_authn_configuration(
                WebAuthnConfigurationType::builder()
                    .relying_party_id(relying_party_id)
                    .build(),
            )
            .send()
            .await
            .expect("set the pool's passkey configuration");
    }

    /// The user's passkeys as Cognito lists them to the user: their credential ids.
    pub async fn passkeys_of(&self, access_token: &str) -> Vec<String> {
        self.idp
            .list_web_authn_credentials()
            .access_token(access_token)
            .send()
            .await
            .expect("list passkeys")
            .credentials()
            .iter()
            .map(|c| c.credential_id().to_owned())
            .collect()
    }

    /// The user's devices as Cognito lists them: key and remembered status.
    pub async fn devices_of(&self, username: &str) -> Vec<(String, bool)> {
        let listed = self
            .idp
            .admin_list_devices()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .expect("list devices");
        listed
            .devices()
            .iter()
            .map(|device| {
                let remembered = device.device_attributes().iter().any(|a| {
                    a.name() == "dev:device_remembered_status" && a.value() == Some("remembered")
                });
                (device.device_key().unwrap().to_owned(), remembered)
            })
            .collect()
    }

    /// Cognito's view of a user: status and attributes.
    pub async fn admin_get_user(&self, username: &str) -> (String, Vec<(String, String)>) {
        let user = self
            .idp
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .expect("admin get user");
        let attributes = user
            .user_attributes()
            .iter()
            .map(|a| {
                (
                    a.name().to_owned(),
                    a.value().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        (
            user.user_status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            attributes,
        )
    }

    /// Whether Cognito accepts an access token (GetUser with it succeeds).
    pub async fn accepts_access_token(&self, access_token: &str) -> Result<String, String> {
        self.idp
            .get_user()
            .access_token(access_token)
            .send()
            .await
            .map(|out| out.username().to_owned())
            .map_err(|e| format!("{e:?}"))
    }
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}
