//! The Cognito user-pool calls this service makes, with SECRET_HASH filled in wherever Cognito
//! takes it. HTTP details stay out of here; Cognito details stay out of the routes.

mod error;
mod secret_hash;

use std::collections::HashMap;
use std::fmt;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType,
    CodeDeliveryDetailsType, DeliveryMediumType, MessageActionType,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

pub use error::{CognitoError, CognitoErrorKind};
pub use secret_hash::secret_hash;

/// A user-pool app client: the SDK client plus the ids and secret every call needs.
#[derive(Clone)]
pub struct Cognito {
    client: Client,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<SecretString>,
}

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

    /// Password sign-in (`USER_PASSWORD_AUTH`).
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
        let out = observe(
            "InitiateAuth",
            self.client
                .initiate_auth()
                .auth_flow(AuthFlowType::UserPasswordAuth)
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
        let out = observe("RespondToAuthChallenge", call)
            .await
            .map_err(|mut err| {
                // Cognito answers a dead session with NotAuthorized ("Invalid session") and
                // some emulators with ResourceNotFound; either way the challenge is over.
                if matches!(err.kind, CognitoErrorKind::NotAuthorized)
                    || matches!(&err.kind, CognitoErrorKind::Other(c) if c == "ResourceNotFoundException")
                {
                    err.kind = CognitoErrorKind::SessionExpired;
                }
                err
            })?;
        auth_step(
            "RespondToAuthChallenge",
            out.challenge_name,
            out.session,
            out.challenge_parameters,
            out.authentication_result,
        )
    }
}

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
        Ok(_) => "ok".to_owned(),
        Err(e) => e.kind.to_string(),
    };
    crate::prometheus::cognito_call(operation, &outcome, started.elapsed());
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
