//! Sign-in calls: InitiateAuth (password, SRP, refresh), challenge answers, and the TOTP
//! set-up that runs inside a sign-in under its session.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType,
};
use secrecy::{ExposeSecret, SecretString};

use super::srp::{self, SrpError};
use super::{
    AuthStep, Challenge, Cognito, CognitoError, CognitoErrorKind, EndUser, NewDevice, Tokens,
    blocking, no_field, observe, session_refused, verified,
};

impl Cognito {
    /// Password sign-in (`USER_PASSWORD_AUTH`): the password goes to Cognito.
    pub async fn initiate_password_auth(
        &self,
        username: &str,
        password: &SecretString,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        let mut parameters = HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("PASSWORD".to_owned(), password.expose_secret().to_owned()),
        ]);
        if let Some(hash) = self.secret_hash_for(username) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        self.initiate(AuthFlowType::UserPasswordAuth, parameters, None, end_user)
            .await
    }

    /// SRP sign-in (`USER_SRP_AUTH`): InitiateAuth with SRP_A, then the PASSWORD_VERIFIER
    /// answer computed here, so only a proof of the password reaches Cognito. Returns whatever
    /// follows: tokens or the next challenge.
    pub async fn initiate_srp_auth(
        &self,
        username: &str,
        password: &SecretString,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        let srp = new_srp("InitiateAuth").await?;
        let mut parameters = HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("SRP_A".to_owned(), srp.public_hex()),
        ]);
        if let Some(hash) = self.secret_hash_for(username) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        let step = self
            .initiate(AuthFlowType::UserSrpAuth, parameters, None, end_user)
            .await?;
        self.prove_password(srp, password, step, end_user).await
    }

    /// Choice-based sign-in (`USER_AUTH`): straight to the factor named, or SELECT_CHALLENGE
    /// with the factors the user may pick. PASSWORD_SRP runs SRP here, as `USER_SRP_AUTH` does.
    pub async fn initiate_user_auth(
        &self,
        username: &str,
        start: UserAuthStart<'_>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        let mut parameters = HashMap::from([("USERNAME".to_owned(), username.to_owned())]);
        if let Some(hash) = self.secret_hash_for(username) {
            parameters.insert("SECRET_HASH".into(), hash);
        }
        let mut session = None;
        let mut srp = None;
        let mut preferred = |name: &str| {
            parameters.insert("PREFERRED_CHALLENGE".into(), name.to_owned());
        };
        match start {
            UserAuthStart::Password(password) => {
                preferred("PASSWORD");
                parameters.insert("PASSWORD".into(), password.expose_secret().to_owned());
            }
            UserAuthStart::PasswordSrp(password) => {
                preferred("PASSWORD_SRP");
                let client = new_srp("InitiateAuth").await?;
                parameters.insert("SRP_A".into(), client.public_hex());
                srp = Some((client, password));
            }
            UserAuthStart::Preferred(name) => preferred(name),
            UserAuthStart::Choose => {}
            UserAuthStart::AfterSignUp(confirmed) => session = Some(confirmed),
        }
        let step = self
            .initiate(AuthFlowType::UserAuth, parameters, session, end_user)
            .await?;
        match srp {
            Some((client, password)) => self.prove_password(client, password, step, end_user).await,
            None => Ok(step),
        }
    }

    /// SELECT_CHALLENGE answered with the password (PASSWORD), or with SRP run here
    /// (PASSWORD_SRP). Cognito's refusals as it gave them: NotAuthorized is a wrong password.
    pub async fn answer_with_password(
        &self,
        username: &str,
        session: &SecretString,
        password: &SecretString,
        srp: bool,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        if !srp {
            let responses = HashMap::from([
                ("ANSWER".to_owned(), "PASSWORD".to_owned()),
                ("PASSWORD".to_owned(), password.expose_secret().to_owned()),
            ]);
            return self
                .send_answer("SELECT_CHALLENGE", username, session, responses, end_user)
                .await;
        }
        let client = new_srp("RespondToAuthChallenge").await?;
        let responses = HashMap::from([
            ("ANSWER".to_owned(), "PASSWORD_SRP".to_owned()),
            ("SRP_A".to_owned(), client.public_hex()),
        ]);
        let step = self
            .send_answer("SELECT_CHALLENGE", username, session, responses, end_user)
            .await?;
        self.prove_password(client, password, step, end_user).await
    }

    /// Answers PASSWORD_VERIFIER, where that is the step, with the SRP proof of `password`;
    /// any other step is returned as it is.
    async fn prove_password(
        &self,
        srp: srp::SrpClient,
        password: &SecretString,
        step: AuthStep,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        let challenge = match step {
            AuthStep::Challenge(c) if c.name == "PASSWORD_VERIFIER" => c,
            other => return Ok(other),
        };
        let parameter = |name: &'static str| {
            challenge
                .parameters
                .get(name)
                .cloned()
                .ok_or(SrpError::Missing(name))
                .map_err(srp_failed("RespondToAuthChallenge"))
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
        .map_err(srp_failed("RespondToAuthChallenge"))?;
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
            .answer_password_verifier(internal, &challenge.session, responses, end_user)
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
        session: Option<&SecretString>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        let mut parameters = parameters;
        if let Some(device_key) = &end_user.device_key {
            parameters.insert("DEVICE_KEY".into(), device_key.clone());
        }
        let out = observe(
            "InitiateAuth",
            self.client
                .initiate_auth()
                .auth_flow(flow)
                .client_id(&self.client_id)
                .set_auth_parameters(Some(parameters))
                .set_session(session.map(|s| s.expose_secret().to_owned()))
                .set_user_context_data(end_user.context_data())
                .set_client_metadata(end_user.metadata())
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
        .map(|step| with_available(step, out.available_challenges))
    }

    /// New tokens for a refresh token, by GetTokensFromRefreshToken, which works whether the
    /// app client rotates refresh tokens or not (REFRESH_TOKEN_AUTH is refused where it
    /// does). With rotation the answer carries the new refresh token, and the one sent stops
    /// working after the client's grace period. A confidential client sends its secret
    /// itself here, not a SECRET_HASH, so no username is needed.
    /// `device_key` names the device the sign-in was issued to, where the pool tracks devices:
    /// Cognito refuses the refresh without it.
    pub async fn refresh(
        &self,
        refresh_token: &SecretString,
        device_key: Option<&str>,
    ) -> Result<Tokens, CognitoError> {
        const OPERATION: &str = "GetTokensFromRefreshToken";
        let out = observe(
            OPERATION,
            self.client
                .get_tokens_from_refresh_token()
                .client_id(&self.client_id)
                .refresh_token(refresh_token.expose_secret())
                .set_client_secret(
                    self.client_secret
                        .as_ref()
                        .map(|secret| secret.expose_secret().to_owned()),
                )
                .set_device_key(device_key.map(str::to_owned))
                .send(),
        )
        .await
        .map_err(|mut e| {
            // A device that is gone makes the refresh token it was issued to as dead as a
            // revoked one.
            if e.kind.is_not_found() {
                e.kind = CognitoErrorKind::NotAuthorized;
            }
            e
        })?;
        match auth_step(OPERATION, None, None, None, out.authentication_result)? {
            AuthStep::Tokens(tokens) => Ok(tokens),
            AuthStep::Challenge(_) => Err(CognitoError::new(
                OPERATION,
                CognitoErrorKind::Other("ChallengeOnRefresh".into()),
            )),
        }
    }

    /// Answers a challenge. `username` must be the one Cognito named in the challenge. A
    /// refusal of the session itself (NotAuthorized) means the session is dead: the challenge
    /// is over (`SessionExpired`).
    pub async fn answer_challenge(
        &self,
        challenge_name: &str,
        username: &str,
        session: &SecretString,
        responses: HashMap<String, String>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        self.send_answer(challenge_name, username, session, responses, end_user)
            .await
            .map_err(session_refused)
    }

    /// PASSWORD_VERIFIER's answer, the SRP proof: here NotAuthorized means the proof was
    /// wrong, that is, a wrong password.
    async fn answer_password_verifier(
        &self,
        username: &str,
        session: &SecretString,
        responses: HashMap<String, String>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        self.send_answer("PASSWORD_VERIFIER", username, session, responses, end_user)
            .await
    }

    /// RespondToAuthChallenge as it is, Cognito's refusals as it gave them.
    pub(super) async fn send_answer(
        &self,
        challenge_name: &str,
        username: &str,
        session: &SecretString,
        mut responses: HashMap<String, String>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        // These come from the server, never from the client.
        responses.insert("USERNAME".into(), username.to_owned());
        responses.remove("SECRET_HASH");
        if let Some(hash) = self.secret_hash_for(username) {
            responses.insert("SECRET_HASH".into(), hash);
        }
        if let Some(device_key) = &end_user.device_key {
            responses
                .entry("DEVICE_KEY".into())
                .or_insert_with(|| device_key.clone());
        }
        let call = self
            .client
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(ChallengeNameType::from(challenge_name))
            .session(session.expose_secret())
            .set_challenge_responses(Some(responses))
            .set_user_context_data(end_user.context_data())
            .set_client_metadata(end_user.metadata())
            .send();
        let out = observe("RespondToAuthChallenge", call).await?;
        auth_step(
            "RespondToAuthChallenge",
            out.challenge_name,
            out.session,
            out.challenge_parameters,
            out.authentication_result,
        )
        .map(|step| with_available(step, out.available_challenges))
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
}

/// How a choice-based sign-in (`USER_AUTH`) starts.
#[derive(Clone, Copy)]
pub enum UserAuthStart<'a> {
    /// PASSWORD, the password sent with it.
    Password(&'a SecretString),
    /// PASSWORD_SRP: SRP runs here.
    PasswordSrp(&'a SecretString),
    /// A passwordless factor by Cognito's name: EMAIL_OTP, SMS_OTP or WEB_AUTHN.
    Preferred(&'static str),
    /// No preference: SELECT_CHALLENGE, with what the user may pick.
    Choose,
    /// The Session ConfirmSignUp answered, which signs the user in.
    AfterSignUp(&'a SecretString),
}

/// A fresh SRP client; the big-number work (three 3072-bit exponentiations) runs off the async
/// workers.
async fn new_srp(operation: &'static str) -> Result<srp::SrpClient, CognitoError> {
    blocking(srp::SrpClient::generate)
        .await
        .map_err(srp_failed(operation))
}

fn srp_failed(operation: &'static str) -> impl Fn(SrpError) -> CognitoError {
    move |e: SrpError| {
        tracing::warn!(error = %e, "cannot take part in SRP");
        CognitoError::new(
            operation,
            CognitoErrorKind::Other("InvalidSrpChallenge".into()),
        )
    }
}

/// Adds SELECT_CHALLENGE's factors (a member of the answer, not a parameter) to its step.
fn with_available(
    step: AuthStep,
    available: Option<Vec<aws_sdk_cognitoidentityprovider::types::ChallengeNameType>>,
) -> AuthStep {
    match step {
        AuthStep::Challenge(mut challenge) => {
            challenge.available = available
                .unwrap_or_default()
                .iter()
                .map(|name| name.as_str().to_owned())
                .collect();
            AuthStep::Challenge(challenge)
        }
        tokens => tokens,
    }
}

pub(super) fn auth_step(
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
        let new_device = result.new_device_metadata.and_then(|meta| {
            Some(NewDevice {
                key: meta.device_key?,
                group_key: meta.device_group_key?,
            })
        });
        return Ok(AuthStep::Tokens(Tokens {
            new_device,
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
            available: Vec::new(),
        })),
        _ => Err(CognitoError::new(
            operation,
            CognitoErrorKind::Other("NoTokensNorChallenge".into()),
        )),
    }
}
