//! The Cognito user-pool calls this service makes, with SECRET_HASH filled in wherever Cognito
//! takes it. HTTP details stay out of here; Cognito details stay out of the routes.

mod error;
mod secret_hash;
pub mod srp;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType,
    CodeDeliveryDetailsType, DeliveryMediumType, MessageActionType, PreventUserExistenceErrorTypes,
    SoftwareTokenMfaSettingsType, VerifySoftwareTokenResponseType,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

pub use error::{CognitoError, CognitoErrorKind};
pub use secret_hash::secret_hash;
pub use srp::SrpError;

/// A user-pool app client: the SDK client plus the ids and secret every call needs.
#[derive(Clone)]
pub struct Cognito {
    client: Client,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<SecretString>,
    /// The app client's PreventUserExistenceErrors, as last read, and when.
    hides_users: Arc<Mutex<Option<(Instant, bool)>>>,
    /// When AdminUserGlobalSignOut was last refused for good (a missing permission, say):
    /// it is not asked again for a while, so each logout doesn't pay for a refusal.
    admin_sign_out_refused: Arc<Mutex<Option<Instant>>>,
}

/// How long the app client's PreventUserExistenceErrors setting is trusted before it is read
/// again.
const CLIENT_SETTINGS_TTL: Duration = Duration::from_secs(300);

/// Where Cognito sent a confirmation code, as Cognito reports it (the destination is masked).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CodeDelivery {
    pub medium: Option<String>,
    pub destination: Option<String>,
}

impl From<&CodeDeliveryDetailsType> for CodeDelivery {
    fn from(details: &CodeDeliveryDetailsType) -> Self {
        CodeDelivery {
            medium: details.delivery_medium().map(|m| m.as_str().to_owned()),
            destination: details.destination().map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SignUpResult {
    pub user_sub: String,
    pub confirmed: bool,
    pub code_delivery: Option<CodeDelivery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryMedium {
    Email,
    Sms,
}

pub struct AdminCreateUser<'a> {
    pub username: &'a str,
    pub attributes: Vec<(String, String)>,
    pub temporary_password: Option<&'a SecretString>,
    pub delivery: Vec<DeliveryMedium>,
    pub suppress_message: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreatedUser {
    pub username: String,
    pub sub: Option<String>,
    pub status: Option<String>,
}

/// Tokens as Cognito issued them. `Debug` is redacted so they can't reach a log by accident.
#[derive(Clone, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// A challenge Cognito wants answered before it issues tokens.
#[derive(Debug)]
pub struct Challenge {
    pub name: String,
    pub session: SecretString,
    pub parameters: HashMap<String, String>,
}

/// The outcome of a sign-in step.
#[derive(Debug)]
pub enum AuthStep {
    Tokens(Tokens),
    Challenge(Challenge),
}

impl Cognito {
    pub fn new(
        client: Client,
        user_pool_id: String,
        client_id: String,
        client_secret: Option<SecretString>,
    ) -> Self {
        Cognito {
            client,
            user_pool_id,
            client_id,
            client_secret,
            hides_users: Arc::default(),
            admin_sign_out_refused: Arc::default(),
        }
    }

    fn secret_hash_for(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }

    pub async fn sign_up(
        &self,
        username: &str,
        password: &SecretString,
        attributes: Vec<(String, String)>,
    ) -> Result<SignUpResult, CognitoError> {
        let out = observe(
            "SignUp",
            self.client
                .sign_up()
                .client_id(&self.client_id)
                .username(username)
                .password(password.expose_secret())
                .set_user_attributes(Some(to_attribute_types(attributes)))
                .set_secret_hash(self.secret_hash_for(username))
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
    ) -> Result<(), CognitoError> {
        observe(
            "ConfirmSignUp",
            self.client
                .confirm_sign_up()
                .client_id(&self.client_id)
                .username(username)
                .confirmation_code(code.expose_secret())
                .set_secret_hash(self.secret_hash_for(username))
                .send(),
        )
        .await?;
        Ok(())
    }

    pub async fn resend_confirmation_code(
        &self,
        username: &str,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = observe(
            "ResendConfirmationCode",
            self.client
                .resend_confirmation_code()
                .client_id(&self.client_id)
                .username(username)
                .set_secret_hash(self.secret_hash_for(username))
                .send(),
        )
        .await?;
        Ok(out.code_delivery_details().map(CodeDelivery::from))
    }

    pub async fn admin_create_user(
        &self,
        request: AdminCreateUser<'_>,
    ) -> Result<CreatedUser, CognitoError> {
        let mediums = request
            .delivery
            .iter()
            .map(|m| match m {
                DeliveryMedium::Email => DeliveryMediumType::Email,
                DeliveryMedium::Sms => DeliveryMediumType::Sms,
            })
            .collect::<Vec<_>>();
        let call = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(request.username)
            .set_user_attributes(Some(to_attribute_types(request.attributes)))
            .set_temporary_password(
                request
                    .temporary_password
                    .map(|p| p.expose_secret().to_owned()),
            )
            .set_desired_delivery_mediums((!mediums.is_empty()).then_some(mediums))
            .set_message_action(
                request
                    .suppress_message
                    .then_some(MessageActionType::Suppress),
            )
            .send();
        let out = observe("AdminCreateUser", call).await?;
        let user = out.user();
        Ok(CreatedUser {
            username: user
                .and_then(|u| u.username())
                .unwrap_or(request.username)
                .to_owned(),
            sub: user.and_then(|u| {
                u.attributes()
                    .iter()
                    .find(|a| a.name() == "sub")
                    .and_then(|a| a.value())
                    .map(str::to_owned)
            }),
            status: user
                .and_then(|u| u.user_status())
                .map(|s| s.as_str().to_owned()),
        })
    }

    /// The signed-in user's attributes, by access token.
    pub async fn get_user(
        &self,
        access_token: &str,
    ) -> Result<Vec<(String, String)>, CognitoError> {
        let out = observe(
            "GetUser",
            self.client.get_user().access_token(access_token).send(),
        )
        .await?;
        Ok(out
            .user_attributes()
            .iter()
            .map(|a| {
                (
                    a.name().to_owned(),
                    a.value().unwrap_or_default().to_owned(),
                )
            })
            .collect())
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

    /// Password sign-in (`USER_PASSWORD_AUTH`): the password goes to Cognito.
    pub async fn initiate_password_auth(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<AuthStep, CognitoError> {
        let mut parameters = HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("PASSWORD".to_owned(), password.expose_secret().to_owned()),
        ]);
        if let Some(hash) = self.secret_hash_for(username) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        self.initiate(AuthFlowType::UserPasswordAuth, parameters)
            .await
    }

    /// SRP sign-in (`USER_SRP_AUTH`): InitiateAuth with SRP_A, then the PASSWORD_VERIFIER
    /// answer computed here, so only a proof of the password reaches Cognito. Returns whatever
    /// follows: tokens or the next challenge.
    pub async fn initiate_srp_auth(
        &self,
        username: &str,
        password: &SecretString,
    ) -> Result<AuthStep, CognitoError> {
        let invalid = |operation: &'static str| {
            move |e: SrpError| {
                tracing::warn!(error = %e, "cannot take part in SRP");
                CognitoError::new(
                    operation,
                    CognitoErrorKind::Other("InvalidSrpChallenge".into()),
                )
            }
        };
        // The big-number work (three 3072-bit exponentiations) runs off the async workers.
        let srp = blocking(srp::SrpClient::generate)
            .await
            .map_err(invalid("InitiateAuth"))?;
        let mut parameters = HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("SRP_A".to_owned(), srp.public_hex()),
        ]);
        if let Some(hash) = self.secret_hash_for(username) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        let challenge = match self.initiate(AuthFlowType::UserSrpAuth, parameters).await? {
            AuthStep::Challenge(c) if c.name == "PASSWORD_VERIFIER" => c,
            other => return Ok(other),
        };
        let parameter = |name: &'static str| {
            challenge
                .parameters
                .get(name)
                .cloned()
                .ok_or(SrpError::Missing(name))
                .map_err(invalid("RespondToAuthChallenge"))
        };
        let user_id = parameter("USER_ID_FOR_SRP")?;
        let (salt, srp_b, secret_block) = (
            parameter("SALT")?,
            parameter("SRP_B")?,
            parameter("SECRET_BLOCK")?,
        );
        let (pool_id, password, proof_user) =
            (self.user_pool_id.clone(), password.clone(), user_id.clone());
        let claim = blocking(move || {
            srp.password_claim(
                &pool_id,
                password.expose_secret(),
                &srp::VerifierChallenge {
                    user_id_for_srp: &proof_user,
                    salt_hex: &salt,
                    srp_b_hex: &srp_b,
                    secret_block: &secret_block,
                },
                time::OffsetDateTime::now_utc(),
            )
        })
        .await
        .map_err(invalid("RespondToAuthChallenge"))?;
        let responses = HashMap::from([
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), claim.secret_block),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), claim.signature),
            ("TIMESTAMP".to_owned(), claim.timestamp),
        ]);
        // The answer names the internal username (USERNAME); the proof is over
        // USER_ID_FOR_SRP, which need not be the same.
        let internal = challenge.parameters.get("USERNAME").unwrap_or(&user_id);
        // A refused proof is a wrong password (NotAuthorized), not a dead session.
        let step = self
            .respond("PASSWORD_VERIFIER", internal, &challenge.session, responses)
            .await?;
        Ok(match step {
            // Later answers must name the same user; a challenge that doesn't say who (as
            // SOFTWARE_TOKEN_MFA doesn't) gets the name PASSWORD_VERIFIER gave.
            AuthStep::Challenge(mut next) => {
                if !next.parameters.contains_key("USER_ID_FOR_SRP") {
                    next.parameters
                        .entry("USERNAME".to_owned())
                        .or_insert_with(|| internal.clone());
                }
                AuthStep::Challenge(next)
            }
            tokens => tokens,
        })
    }

    async fn initiate(
        &self,
        flow: AuthFlowType,
        parameters: HashMap<String, String>,
    ) -> Result<AuthStep, CognitoError> {
        let out = observe(
            "InitiateAuth",
            self.client
                .initiate_auth()
                .auth_flow(flow)
                .client_id(&self.client_id)
                .set_auth_parameters(Some(parameters))
                .send(),
        )
        .await?;
        auth_step(
            "InitiateAuth",
            out.challenge_name,
            out.session,
            out.challenge_parameters,
            out.authentication_result,
        )
    }

    /// New tokens for a refresh token (`REFRESH_TOKEN_AUTH`). With a client secret, Cognito
    /// wants SECRET_HASH over the user's internal username (its `sub` in pools that sign in by
    /// email or phone), not the alias typed at sign-in.
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
        internal_username: Option<&str>,
    ) -> Result<Tokens, CognitoError> {
        let mut parameters = HashMap::from([(
            "REFRESH_TOKEN".to_owned(),
            refresh_token.expose_secret().to_owned(),
        )]);
        if let Some(hash) = internal_username.and_then(|u| self.secret_hash_for(u)) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        let out = observe(
            "InitiateAuth",
            self.client
                .initiate_auth()
                .auth_flow(AuthFlowType::RefreshTokenAuth)
                .client_id(&self.client_id)
                .set_auth_parameters(Some(parameters))
                .send(),
        )
        .await?;
        match auth_step(
            "InitiateAuth",
            out.challenge_name,
            out.session,
            out.challenge_parameters,
            out.authentication_result,
        )? {
            AuthStep::Tokens(tokens) => Ok(tokens),
            AuthStep::Challenge(_) => Err(CognitoError::new(
                "InitiateAuth",
                CognitoErrorKind::Other("ChallengeOnRefresh".into()),
            )),
        }
    }

    /// Whether the app client has a secret, so calls need SECRET_HASH.
    pub fn has_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// The internal username behind a username or alias (email, phone).
    pub async fn internal_username(&self, username: &str) -> Result<String, CognitoError> {
        let out = observe(
            "AdminGetUser",
            self.client
                .admin_get_user()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .send(),
        )
        .await?;
        Ok(out.username().to_owned())
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

    /// Signs the user `sub` out on every device with the service's own credentials, for
    /// when the user's access token can't be used. `username` is Cognito's name for the
    /// user; it is checked to still belong to `sub` (a name can be given to a new account
    /// once the old one is deleted). After a refusal that isn't transient, the call is not
    /// made again for a few minutes.
    pub async fn admin_user_global_sign_out(
        &self,
        sub: &str,
        username: &str,
    ) -> Result<(), CognitoError> {
        const REFUSED_FOR: Duration = Duration::from_secs(300);
        let refused = *self
            .admin_sign_out_refused
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if refused.is_some_and(|at| at.elapsed() < REFUSED_FOR) {
            return Err(CognitoError::new(
                "AdminUserGlobalSignOut",
                CognitoErrorKind::Other("RecentlyRefused".into()),
            ));
        }
        let result = async {
            if self.sub_of(username).await?.as_deref() != Some(sub) {
                return Err(CognitoError::new(
                    "AdminGetUser",
                    CognitoErrorKind::UserNotFound,
                ));
            }
            observe(
                "AdminUserGlobalSignOut",
                self.client
                    .admin_user_global_sign_out()
                    .user_pool_id(&self.user_pool_id)
                    .username(username)
                    .send(),
            )
            .await
            .map(|_| ())
        }
        .await;
        if let Err(e) = &result
            && !e.kind.is_transient()
            && e.kind != CognitoErrorKind::UserNotFound
        {
            *self
                .admin_sign_out_refused
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        }
        result
    }

    /// The `sub` of the user Cognito knows as `username`.
    async fn sub_of(&self, username: &str) -> Result<Option<String>, CognitoError> {
        let out = observe(
            "AdminGetUser",
            self.client
                .admin_get_user()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .send(),
        )
        .await?;
        Ok(out
            .user_attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .map(str::to_owned))
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

    /// Answers a challenge. `username` must be the one Cognito named in the challenge.
    pub async fn respond_to_challenge(
        &self,
        challenge_name: &str,
        username: &str,
        session: &SecretString,
        responses: HashMap<String, String>,
    ) -> Result<AuthStep, CognitoError> {
        self.respond(challenge_name, username, session, responses)
            .await
            .map_err(session_refused)
    }

    async fn respond(
        &self,
        challenge_name: &str,
        username: &str,
        session: &SecretString,
        mut responses: HashMap<String, String>,
    ) -> Result<AuthStep, CognitoError> {
        // These come from the server, never from the client.
        responses.insert("USERNAME".into(), username.to_owned());
        responses.remove("SECRET_HASH");
        if let Some(hash) = self.secret_hash_for(username) {
            responses.insert("SECRET_HASH".into(), hash);
        }
        let call = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(ChallengeNameType::from(challenge_name))
            .session(session.expose_secret())
            .set_challenge_responses(Some(responses))
            .send();
        let out = observe("RespondToAuthChallenge", call).await?;
        auth_step(
            "RespondToAuthChallenge",
            out.challenge_name,
            out.session,
            out.challenge_parameters,
            out.authentication_result,
        )
    }

    /// Starts TOTP set-up inside a sign-in (MFA_SETUP). Returns the shared secret and the
    /// session that continues the sign-in.
    pub async fn associate_software_token_in_sign_in(
        &self,
        session: &SecretString,
    ) -> Result<(SecretString, SecretString), CognitoError> {
        let out = observe(
            "AssociateSoftwareToken",
            self.client
                .associate_software_token()
                .session(session.expose_secret())
                .send(),
        )
        .await
        .map_err(session_refused)?;
        let secret = out
            .secret_code
            .ok_or_else(|| no_field("AssociateSoftwareToken"))?;
        // Cognito returns a new session; keep the old one if it doesn't.
        let session = out
            .session
            .map(SecretString::from)
            .unwrap_or_else(|| session.clone());
        Ok((SecretString::from(secret), session))
    }

    /// Checks the first TOTP code inside a sign-in; returns the session for MFA_SETUP's answer.
    pub async fn verify_software_token_in_sign_in(
        &self,
        session: &SecretString,
        code: &str,
    ) -> Result<SecretString, CognitoError> {
        let out = observe(
            "VerifySoftwareToken",
            self.client
                .verify_software_token()
                .session(session.expose_secret())
                .user_code(code)
                .send(),
        )
        .await
        .map_err(session_refused)?;
        verified("VerifySoftwareToken", out.status.as_ref())?;
        Ok(out
            .session
            .map(SecretString::from)
            .unwrap_or_else(|| session.clone()))
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

    /// Sends a password-reset code. Cognito reports where it went, or (when the app client
    /// prevents user-existence errors) where it would have gone for an unknown user.
    pub async fn forgot_password(
        &self,
        username: &str,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = observe(
            "ForgotPassword",
            self.client
                .forgot_password()
                .client_id(&self.client_id)
                .username(username)
                .set_secret_hash(self.secret_hash_for(username))
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

    /// Whether the app client hides whether users exist (PreventUserExistenceErrors), read
    /// from Cognito at most every few minutes. When it can't be read the answer is no, the
    /// side that reveals less.
    pub async fn hides_user_existence(&self) -> bool {
        let cached = *self.hides_users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((read_at, hides)) = cached
            && read_at.elapsed() < CLIENT_SETTINGS_TTL
        {
            return hides;
        }
        match self.prevents_user_existence_errors().await {
            Ok(hides) => {
                *self.hides_users.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), hides));
                hides
            }
            Err(e) => {
                tracing::warn!(
                    cognito.error = %e.kind,
                    "cannot read the app client's PreventUserExistenceErrors; assuming it is off"
                );
                // Kept like a real answer, so a missing permission costs one call and one
                // warning every few minutes, not one per request.
                *self.hides_users.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), false));
                false
            }
        }
    }

    async fn prevents_user_existence_errors(&self) -> Result<bool, CognitoError> {
        let out = observe(
            "DescribeUserPoolClient",
            self.client
                .describe_user_pool_client()
                .user_pool_id(&self.user_pool_id)
                .client_id(&self.client_id)
                .send(),
        )
        .await?;
        Ok(out
            .user_pool_client()
            .and_then(|c| c.prevent_user_existence_errors())
            == Some(&PreventUserExistenceErrorTypes::Enabled))
    }
}

/// Cognito answers a dead session with NotAuthorized ("Invalid session") and some emulators
/// with ResourceNotFound; either way the challenge is over.
fn session_refused(mut err: CognitoError) -> CognitoError {
    if matches!(err.kind, CognitoErrorKind::NotAuthorized)
        || matches!(&err.kind, CognitoErrorKind::Other(c) if c == "ResourceNotFoundException")
    {
        err.kind = CognitoErrorKind::SessionExpired;
    }
    err
}

/// Runs CPU-heavy SRP work on the blocking pool. A task that dies there (it can't, short of a
/// bug) counts as no usable randomness.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SrpError> + Send + 'static,
) -> Result<T, SrpError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(SrpError::Random))
}

fn no_field(operation: &'static str) -> CognitoError {
    CognitoError::new(
        operation,
        CognitoErrorKind::Other("IncompleteResponse".into()),
    )
}

/// VerifySoftwareToken may report a wrong code as a status rather than an error.
fn verified(
    operation: &'static str,
    status: Option<&VerifySoftwareTokenResponseType>,
) -> Result<(), CognitoError> {
    match status {
        Some(VerifySoftwareTokenResponseType::Success) => Ok(()),
        Some(_) => Err(CognitoError::new(operation, CognitoErrorKind::CodeMismatch)),
        None => Err(no_field(operation)),
    }
}

/// Operations whose success or refusal tells whether an account exists.
const ANSWERS_FOR_ANY_NAME: &[&str] = &["ForgotPassword", "ResendConfirmationCode", "AdminGetUser"];

/// Runs one Cognito call: names it on the request's log line, times it, counts its outcome,
/// and turns its error into a `CognitoError`.
async fn observe<T, E>(
    operation: &'static str,
    call: impl std::future::Future<Output = Result<T, SdkError<E, HttpResponse>>>,
) -> Result<T, CognitoError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    tracing::Span::current().record("cognito_operation", operation);
    let started = std::time::Instant::now();
    let result = call.await.map_err(|e| CognitoError::from_sdk(operation, e));
    let outcome = match &result {
        Ok(_) => "ok",
        Err(e) => e.kind.metric_outcome(),
    };
    // These answer for any name an anonymous caller sends: whether Cognito found an account
    // (or sent a code, which takes longer) is exactly what the service's answers hide, so
    // the metric hides it too: one outcome for any verdict, and no latency.
    if ANSWERS_FOR_ANY_NAME.contains(&operation) {
        let outcome = match outcome {
            "throttled" | "timeout" | "unavailable" => outcome,
            _ => "answered",
        };
        crate::prometheus::cognito_call_count(operation, outcome);
    } else {
        crate::prometheus::cognito_call(operation, outcome, started.elapsed());
    }
    result
}

fn to_attribute_types(attributes: Vec<(String, String)>) -> Vec<AttributeType> {
    attributes
        .into_iter()
        .filter_map(|(name, value)| {
            AttributeType::builder()
                .name(name)
                .value(value)
                .build()
                .ok()
        })
        .collect()
}

fn auth_step(
    operation: &'static str,
    challenge_name: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: Option<HashMap<String, String>>,
    result: Option<AuthenticationResultType>,
) -> Result<AuthStep, CognitoError> {
    if let Some(result) = result {
        let access_token = result.access_token.ok_or_else(|| {
            CognitoError::new(operation, CognitoErrorKind::Other("NoAccessToken".into()))
        })?;
        return Ok(AuthStep::Tokens(Tokens {
            access_token,
            id_token: result.id_token,
            refresh_token: result.refresh_token,
            expires_in: result.expires_in,
            token_type: result.token_type.unwrap_or_else(|| "Bearer".into()),
        }));
    }
    match (challenge_name, session) {
        (Some(name), Some(session)) => Ok(AuthStep::Challenge(Challenge {
            name: name.as_str().to_owned(),
            session: SecretString::from(session),
            parameters: parameters.unwrap_or_default(),
        })),
        _ => Err(CognitoError::new(
            operation,
            CognitoErrorKind::Other("NoTokensNorChallenge".into()),
        )),
    }
}
