//! The sign-in loop: password login, then as many challenges as Cognito asks for, with every
//! Cognito `Session` kept on the server behind a single-use cookie.

mod choice;
mod error;
mod params;
mod start;

pub use choice::AUTO_SIGN_IN;
pub use error::SignInError;
pub use start::Start;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::attributes::AttributeError;
use crate::challenge::{Attempt, ChallengeStore, Claim, Lease, NewChallenge, Pending};
use crate::cognito::{
    AuthStep, Challenge, Cognito, CognitoError, CognitoErrorKind, EndUser, Tokens,
};
use crate::devices::{DeviceAfter, Devices, SignInDevice, device_outcome};
use crate::failure_floor::FailureFloor;
use crate::input::Username;
use crate::limits::{ClientAddr, Limits, Reservation};
use crate::revocation::RefreshIndex;
use crate::vocab::{Amr, AuthFlow, ChallengeId, FirstFactor, IdHash, NextStep, OpaqueId};

use params::{challenge_responses, public_parameters};

/// How many wrong answers one challenge tolerates before it is dropped.
pub const MAX_ATTEMPTS: i64 = 5;

/// What a sign-in step gives the client.
#[derive(Debug)]
pub enum Outcome {
    /// Signed in: the tokens, how the user proved who they are, and the device the tokens
    /// are tracked on where the pool tracks devices.
    Authenticated {
        tokens: Tokens,
        amr: Amr,
        device: Option<DeviceAfter>,
    },
    Challenge {
        name: String,
        next_step: NextStep,
        parameters: Map<String, Value>,
        /// SELECT_CHALLENGE: the first factors the user may pick.
        available: Vec<String>,
        /// A first factor was picked (a code or a passkey): another means starting over.
        first_factor: bool,
        id: ChallengeId,
        max_age_seconds: i64,
    },
}

/// A refused sign-in step, and whether it ended the pending challenge (the client's cookie is
/// then dead and may be cleared).
#[derive(Debug)]
pub struct StepError {
    pub error: SignInError,
    pub ended: bool,
}

impl StepError {
    pub fn ended(error: SignInError) -> Self {
        StepError { error, ended: true }
    }
}

impl<E: Into<SignInError>> From<E> for StepError {
    fn from(error: E) -> Self {
        let error = error.into();
        let ended = matches!(error, SignInError::ChallengeExpired);
        StepError { error, ended }
    }
}

/// What became of a challenge step: issued, answered, retry, exhausted, expired, in_progress,
/// mismatch, unreadable, unsupported or unavailable.
fn challenge_outcome(outcome: &'static str) {
    metrics::counter!("challenge_outcomes_total", "outcome" => outcome).increment(1);
}

/// TOTP set-up begun inside a sign-in: the shared secret, the account name to label it with,
/// and the MFA_SETUP challenge (under a fresh cookie) that the first code answers.
#[derive(Debug)]
pub struct TotpSetup {
    pub secret: SecretString,
    pub account: String,
    pub outcome: Outcome,
}

#[derive(Clone)]
pub struct SignIn {
    cognito: Cognito,
    store: ChallengeStore,
    ttl: Duration,
    floor: FailureFloor,
    flow: AuthFlow,
    limits: Arc<Limits>,
    refresh_tokens: Arc<RefreshIndex>,
    refresh_lifetime: Duration,
    devices: Devices,
}

/// Who a stored challenge belongs to: Cognito's name for the user and the name typed at login.
struct Names<'a> {
    username: &'a str,
    login_name: &'a str,
}

/// What a sign-in needs besides Cognito and the challenge store.
pub struct SignInSettings {
    /// How long a challenge stays answerable.
    pub ttl: Duration,
    /// The least time a refused sign-in takes.
    pub floor: FailureFloor,
    pub flow: AuthFlow,
    /// How long refresh tokens live (REFRESH_TOKEN_VALIDITY_DAYS).
    pub refresh_lifetime: Duration,
}

impl SignIn {
    pub fn new(
        cognito: Cognito,
        store: ChallengeStore,
        settings: SignInSettings,
        limits: Arc<Limits>,
        refresh_tokens: Arc<RefreshIndex>,
        devices: Devices,
    ) -> Self {
        SignIn {
            cognito,
            store,
            ttl: settings.ttl,
            floor: settings.floor,
            flow: settings.flow,
            limits,
            refresh_tokens,
            refresh_lifetime: settings.refresh_lifetime,
            devices,
        }
    }

    /// How a sign-in starts.
    pub fn flow(&self) -> AuthFlow {
        self.flow
    }

    /// The first factors a user may pick: the pool's, under choice-based sign-in (the
    /// password once, however it is proved); the password alone otherwise.
    pub async fn first_factors(&self) -> Vec<FirstFactor> {
        if self.flow != AuthFlow::UserAuth {
            return vec![FirstFactor::Password];
        }
        let mut factors: Vec<FirstFactor> = self
            .cognito
            .first_factors()
            .await
            .iter()
            .filter_map(|name| FirstFactor::parse(name))
            .filter(|f| *f != FirstFactor::PasswordSrp)
            .collect();
        factors.dedup();
        factors
    }

    /// Notes which sign-in a refresh token belongs to, so a logout that sends only the
    /// refresh token can refuse its access tokens here. The tokens are the user's even if
    /// this fails; such a logout then relies on Cognito alone.
    pub async fn remember(&self, tokens: &Tokens) {
        let Some(refresh_token) = &tokens.refresh_token else {
            return;
        };
        if let Err(e) = self
            .refresh_tokens
            .remember(refresh_token, &tokens.access_token, self.refresh_lifetime)
            .await
        {
            tracing::warn!(error = %e, "cannot record a refresh token's sign-in");
        }
    }

    /// A sign-in by `client`, started as `start` says, counted against the username's
    /// failure budget: whatever Cognito judged (a wrong password, no such account, an account
    /// not confirmed) keeps its place, the same for every account; only a request Cognito
    /// never judged gives it back. A start that mails or texts a code also spends the
    /// username's message budget, kept unless Cognito never answered.
    pub async fn login(
        &self,
        username: &Username,
        start: &Start<'_>,
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, SignInError> {
        let attempt = self.limits.attempt(username, client).await?;
        let message = match start.sends_code() {
            true => match self.limits.sign_in_code(username, client).await {
                Ok(message) => Some(message),
                Err(limited) => {
                    attempt.give_back().await;
                    return Err(limited.into());
                }
            },
            false => None,
        };
        let mut result = self
            .initiate(username.as_str(), start, client, end_user, device)
            .await;
        // Cognito refused the device named (its proof, or the device is gone; it was dropped
        // here): the same sign-in, as from a new device. Still one attempt.
        if let Err(SignInError::DeviceNotProven) = result {
            let fresh = SignInDevice {
                known: None,
                remember: device.remember,
                name: device.name.clone(),
            };
            result = self
                .initiate(username.as_str(), start, client, end_user, &fresh)
                .await;
        }
        let judged = match &result {
            Ok(_) => false,
            Err(SignInError::InvalidCredentials) => true,
            Err(SignInError::Cognito(cognito)) => !cognito.kind.is_transient(),
            Err(_) => false,
        };
        if !judged {
            attempt.give_back().await;
        }
        if let (Some(message), Err(SignInError::Cognito(e))) = (message, &result)
            && e.kind.sent_nothing()
        {
            message.give_back().await;
        }
        result
    }

    /// InitiateAuth by the configured flow; a refusal that could tell whether the account
    /// exists takes at least the floor.
    async fn initiate(
        &self,
        username: &str,
        start: &Start<'_>,
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, SignInError> {
        let started = tokio::time::Instant::now();
        let end_user = &from_device(end_user, device, username);
        let step = match start {
            Start::Password(password) => {
                self.cognito
                    .initiate_password_auth(username, password, end_user)
                    .await
            }
            Start::Srp(password) => {
                self.cognito
                    .initiate_srp_auth(username, password, end_user)
                    .await
            }
            Start::Choice(choice) => {
                self.cognito
                    .initiate_user_auth(username, *choice, end_user)
                    .await
            }
        };
        match step {
            // The password went and Cognito offers a choice instead: it didn't take a
            // password for this name (none set, or no such user behind a decoy). Refused as
            // a wrong password, so the answer shows nothing about the account.
            Ok(AuthStep::Challenge(challenge))
                if start.proves_password() && challenge.name == "SELECT_CHALLENGE" =>
            {
                self.floor.wait_out(started).await;
                Err(SignInError::InvalidCredentials)
            }
            Ok(step) => {
                let names = Names {
                    username,
                    login_name: username,
                };
                self.outcome(names, step, client, start.amr(), end_user, device)
                    .await
            }
            // Cognito doesn't have the device named (forgotten elsewhere, or its user
            // recreated): dropped here, and the caller signs in again as from a new device.
            Err(e) if end_user.device_key.is_some() && e.kind.is_not_found() => {
                if let Some(gone) = device.serving(username) {
                    self.devices.forget(gone).await;
                }
                device_outcome("gone");
                Err(SignInError::DeviceNotProven)
            }
            // The same answer whether the account is missing or the password wrong, so the
            // response can't be used to find out which accounts exist; and no sooner than the
            // floor, since Cognito finds a missing account faster than it checks a password.
            Err(e)
                if matches!(
                    e.kind,
                    CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound
                ) =>
            {
                self.floor.wait_out(started).await;
                Err(SignInError::InvalidCredentials)
            }
            // These name the next step (and so show the account exists, as sign-up's 409
            // does anyway); they wait out the floor too, so timing adds nothing.
            Err(e)
                if matches!(
                    e.kind,
                    CognitoErrorKind::UserNotConfirmed | CognitoErrorKind::PasswordResetRequired
                ) =>
            {
                self.floor.wait_out(started).await;
                Err(e.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Answers the pending challenge named by the cookie, for `client`.
    pub async fn respond(
        &self,
        id: Option<ChallengeId>,
        expected_challenge: Option<&str>,
        responses: &Map<String, Value>,
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, StepError> {
        let mut responses = challenge_responses(responses)?;
        // The service names the device itself, never the client.
        responses.remove("DEVICE_KEY");
        let (id_hash, pending) = self.claim(id, expected_challenge).await?;
        let end_user = &from_device(end_user, device, names(&pending).login_name);
        match pending.challenge_name.as_str() {
            "SELECT_CHALLENGE" => {
                let chosen = choice::Chosen {
                    id_hash,
                    pending,
                    responses,
                };
                return self.choose(chosen, client, end_user, device).await;
            }
            choice::AUTO_SIGN_IN => {
                return self
                    .auto_sign_in(id_hash, pending, client, end_user, device)
                    .await;
            }
            _ => {}
        }
        let attempt = match self.admissible(&pending, &responses, client).await {
            Ok(attempt) => attempt,
            Err(refused) => {
                self.store.release(&id_hash, pending.lease).await?;
                return Err(refused.into());
            }
        };
        // MFA_SETUP answered with the first TOTP code: Cognito checks the code first
        // (VerifySoftwareToken), then takes MFA_SETUP's answer under the session that returns.
        let totp_code = (pending.challenge_name == "MFA_SETUP")
            .then(|| responses.remove("TOTP_CODE"))
            .flatten();
        let mut amr = pending.amr.clone();
        amr.answered(&pending.challenge_name, totp_code.is_some());
        let result = match totp_code {
            // A retry after the code was accepted: Cognito has moved on to MFA_SETUP's answer.
            Some(_) if pending.totp_verified => {
                self.cognito
                    .answer_challenge(
                        "MFA_SETUP",
                        &pending.username,
                        &pending.session,
                        responses,
                        end_user,
                    )
                    .await
            }
            Some(code) => {
                let session = match self
                    .cognito
                    .verify_software_token_in_sign_in(&pending.session, &code)
                    .await
                {
                    Ok(session) => session,
                    Err(e) => return Err(self.fail(&id_hash, &pending, Some(attempt), e).await),
                };
                // Kept before MFA_SETUP is answered: if that answer fails, a retry must present
                // the session the code earned, not the spent one, and skip the code.
                self.store
                    .record_totp_verified(&id_hash, pending.lease, &session)
                    .await?;
                self.cognito
                    .answer_challenge(
                        "MFA_SETUP",
                        &pending.username,
                        &session,
                        responses,
                        end_user,
                    )
                    .await
            }
            None => {
                self.cognito
                    .answer_challenge(
                        &pending.challenge_name,
                        &pending.username,
                        &pending.session,
                        responses,
                        end_user,
                    )
                    .await
            }
        };
        match result {
            Ok(step) => {
                // Cognito has spent the session: the tokens or next step are the user's even if
                // the row can't be deleted now (it expires, and a replay would be refused by
                // Cognito).
                if let Err(e) = self.store.consume(&id_hash).await {
                    tracing::warn!(error = %e, "cannot delete an answered challenge");
                }
                challenge_outcome("answered");
                attempt.give_back().await;
                self.outcome(names(&pending), step, client, amr, end_user, device)
                    .await
                    .map_err(StepError::ended)
            }
            Err(e) => Err(self.fail(&id_hash, &pending, Some(attempt), e).await),
        }
    }

    /// What must hold before a claimed challenge's answer goes to Cognito: attributes only
    /// where Cognito asked for them, and guesses left. A first factor's code (nothing proved
    /// yet) counts against the username's failure budget, as a password does; a code after a
    /// first factor against the user's MFA budget. Anyone can start a code sign-in for any
    /// name, so its wrong codes must not spend the hourly MFA budget the owner's own
    /// sign-ins need.
    async fn admissible(
        &self,
        pending: &Pending,
        responses: &HashMap<String, String>,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, SignInError> {
        if let Some(name) = responses.keys().find(|name| {
            name.starts_with("userAttributes.") && !pending.required_attributes.contains(name)
        }) {
            return Err(AttributeError::NotWritable {
                attribute: name.trim_start_matches("userAttributes.").to_owned(),
            }
            .into());
        }
        let login_name = pending.login_name.as_deref().unwrap_or(&pending.username);
        if pending.amr.is_empty() {
            let username = Username::parse(login_name.to_owned())?;
            return Ok(self.limits.attempt(&username, client).await?);
        }
        Ok(self
            .limits
            .mfa_attempt(&pending.username, login_name, client)
            .await?)
    }

    /// MFA_SETUP met during sign-in: asks Cognito for a TOTP secret under the challenge's
    /// session. The challenge continues under a fresh cookie, since the session changed.
    pub async fn start_totp_setup(&self, id: Option<ChallengeId>) -> Result<TotpSetup, StepError> {
        let (id_hash, pending) = self.claim(id, Some("MFA_SETUP")).await?;
        let (secret, session) = match self
            .cognito
            .associate_software_token_in_sign_in(&pending.session)
            .await
        {
            Ok(answer) => answer,
            Err(e) => return Err(self.fail(&id_hash, &pending, None, e).await),
        };
        let next = Challenge {
            name: pending.challenge_name.clone(),
            session,
            parameters: HashMap::new(),
            available: Vec::new(),
        };
        let outcome = self
            .store_challenge(
                names(&pending),
                next,
                Some((&id_hash, pending.lease)),
                &pending.amr,
                None,
            )
            .await;
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                if let Err(release) = self.store.release(&id_hash, pending.lease).await {
                    tracing::warn!(error = %release, "cannot release a challenge");
                }
                return Err(e.into());
            }
        };
        Ok(TotpSetup {
            secret,
            account: names(&pending).login_name.to_owned(),
            outcome,
        })
    }

    /// Claims the challenge the cookie names, checking it is the one the client expects.
    async fn claim(
        &self,
        id: Option<ChallengeId>,
        expected_challenge: Option<&str>,
    ) -> Result<(IdHash, Pending), SignInError> {
        let id_hash = id.ok_or(SignInError::ChallengeExpired)?.hash();
        let pending = match self.store.claim(&id_hash).await? {
            Claim::Claimed(pending) => pending,
            Claim::Busy => {
                challenge_outcome("in_progress");
                return Err(SignInError::ChallengeInProgress);
            }
            Claim::Gone => {
                challenge_outcome("expired");
                return Err(SignInError::ChallengeExpired);
            }
            Claim::Unreadable => {
                challenge_outcome("unreadable");
                return Err(SignInError::ChallengeUnreadable);
            }
        };
        if let Some(given) = expected_challenge
            && given != pending.challenge_name
        {
            self.store.release(&id_hash, pending.lease).await?;
            challenge_outcome("mismatch");
            return Err(SignInError::ChallengeMismatch {
                pending: pending.challenge_name,
                given: given.to_owned(),
            });
        }
        Ok((id_hash, pending))
    }

    /// Settles a step Cognito refused and says what the client sees. A wrong code also
    /// keeps its place in the user's MFA budget, across challenges: a new sign-in buys no
    /// new guesses. Any other refusal gives the attempt back.
    async fn fail(
        &self,
        id_hash: &IdHash,
        pending: &Pending,
        attempt: Option<Reservation<'_>>,
        error: CognitoError,
    ) -> StepError {
        if let Some(attempt) = attempt
            && !matches!(
                error.kind,
                CognitoErrorKind::CodeMismatch | CognitoErrorKind::ExpiredCode
            )
        {
            attempt.give_back().await;
        }
        match self
            .settle_failure(id_hash, pending.lease, &error.kind)
            .await
        {
            Ok(ended) => StepError {
                ended,
                error: match error.kind {
                    CognitoErrorKind::SessionExpired => SignInError::ChallengeExpired,
                    _ => error.into(),
                },
            },
            Err(e) => e.into(),
        }
    }

    /// Decides what a failed answer does to the stored challenge. Returns whether the
    /// challenge is over.
    async fn settle_failure(
        &self,
        id_hash: &IdHash,
        lease: Lease,
        kind: &CognitoErrorKind,
    ) -> Result<bool, SignInError> {
        use CognitoErrorKind as K;
        Ok(match kind {
            // Cognito judged the answer wrong and lets the user try again.
            K::InvalidPassword | K::InvalidParameter | K::CodeMismatch | K::ExpiredCode => {
                match self
                    .store
                    .record_failed_attempt(id_hash, lease, MAX_ATTEMPTS)
                    .await?
                {
                    Attempt::Usable => {
                        challenge_outcome("retry");
                        false
                    }
                    Attempt::Exhausted => {
                        challenge_outcome("exhausted");
                        true
                    }
                    // Another request holds it now; it lives on.
                    Attempt::LeaseLost => false,
                }
            }
            // The session is dead at Cognito, or Cognito says stop.
            K::SessionExpired
            | K::NotAuthorized
            | K::UserNotFound
            | K::TooManyFailedAttempts
            | K::PasswordResetRequired
            | K::UserNotConfirmed
            // A passkey refused for a reason of its own (an origin, a relying party): no
            // retry of the same sign-in will do better.
            | K::Passkey(_) => {
                self.store.consume(id_hash).await?;
                challenge_outcome("expired");
                true
            }
            // Cognito never judged the answer (unreachable, slow, throttled, or an error we
            // don't know): the user may retry with the same cookie.
            _ => {
                self.store.release(id_hash, lease).await?;
                challenge_outcome("unavailable");
                false
            }
        })
    }

    async fn outcome(
        &self,
        names: Names<'_>,
        step: AuthStep,
        client: &ClientAddr,
        amr: Amr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, SignInError> {
        let named = end_user
            .device_key
            .is_some()
            .then(|| device.serving(names.login_name))
            .flatten();
        let step = match step {
            // A remembered device: the service proves it, and what follows (tokens, or MFA
            // where the pool doesn't let a remembered device skip it) goes on as usual.
            AuthStep::Challenge(challenge) if challenge.name == "DEVICE_SRP_AUTH" => {
                let Some(known) = named else {
                    challenge_outcome("unsupported");
                    return Err(SignInError::UnsupportedChallenge {
                        name: challenge.name,
                    });
                };
                let username = challenge
                    .parameters
                    .get("USERNAME")
                    .map_or(names.username, String::as_str);
                match self
                    .cognito
                    .answer_device_challenge(
                        username,
                        &challenge.session,
                        known.secrets(),
                        end_user,
                    )
                    .await
                {
                    Ok(step) => {
                        device_outcome("proved");
                        step
                    }
                    Err(e)
                        if matches!(e.kind, CognitoErrorKind::NotAuthorized)
                            || e.kind.is_not_found() =>
                    {
                        device_outcome("proof_refused");
                        tracing::warn!("Cognito refused a remembered device's proof; dropped");
                        self.devices.forget(known).await;
                        return Err(SignInError::DeviceNotProven);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            step => step,
        };
        match step {
            AuthStep::Tokens(tokens) => {
                // Signed in from here: the address is familiar for that name from now on.
                self.limits.signed_in(names.login_name, client).await;
                self.remember(&tokens).await;
                let device = self
                    .devices
                    .settle(&tokens, device, named, names.username, names.login_name)
                    .await;
                Ok(Outcome::Authenticated {
                    tokens,
                    amr,
                    device,
                })
            }
            AuthStep::Challenge(challenge) => {
                self.store_challenge(names, challenge, None, &amr, None)
                    .await
            }
        }
    }

    /// Stores the next challenge under a new id: a new row, or in place of the claimed one.
    /// `step` names the next step where the challenge's name doesn't say it.
    async fn store_challenge(
        &self,
        names: Names<'_>,
        challenge: Challenge,
        replacing: Option<(&IdHash, Lease)>,
        amr: &Amr,
        step: Option<NextStep>,
    ) -> Result<Outcome, SignInError> {
        // A challenge the client couldn't act on is refused before anything is stored.
        let Some(next_step) =
            step.or_else(|| NextStep::for_challenge(&challenge.name, &challenge.parameters))
        else {
            challenge_outcome("unsupported");
            return Err(SignInError::UnsupportedChallenge {
                name: challenge.name,
            });
        };
        let parameters = public_parameters(&challenge.parameters)?;
        // Later answers must name the user as Cognito knows it, not the alias typed at login:
        // most challenges say so in USER_ID_FOR_SRP, custom ones in USERNAME.
        let username = ["USER_ID_FOR_SRP", "USERNAME"]
            .iter()
            .find_map(|name| challenge.parameters.get(*name))
            .map(String::as_str)
            .unwrap_or(names.username);
        let id = ChallengeId::generate()?;
        let new = NewChallenge {
            id_hash: &id.hash(),
            session: &challenge.session,
            username,
            login_name: names.login_name,
            challenge_name: &challenge.name,
            required_attributes: challenge
                .parameters
                .get("requiredAttributes")
                .map(String::as_str),
            amr,
            ttl: self.ttl,
        };
        let expires_at_ms = match replacing {
            None => self.store.insert(new).await?,
            // The lease ran out and another request holds the challenge now.
            Some((old, lease)) => self
                .store
                .replace(old, lease, new)
                .await?
                .ok_or(SignInError::ChallengeInProgress)?,
        };
        challenge_outcome("issued");
        let remaining_ms = expires_at_ms - crate::clock::now_ms();
        // A code or a passkey picked as the first factor: Cognito won't switch inside this
        // sign-in.
        let first_factor = amr.is_empty()
            && matches!(
                challenge.name.as_str(),
                "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN"
            );
        Ok(Outcome::Challenge {
            parameters,
            next_step,
            available: challenge.available,
            first_factor,
            name: challenge.name,
            id,
            max_age_seconds: remaining_ms.div_euclid(1000).max(0),
        })
    }
}

/// The person's context, naming the known device when it is the one of whoever signs in as
/// `name`.
fn from_device(end_user: &EndUser, device: &SignInDevice, name: &str) -> EndUser {
    EndUser {
        device_key: device.serving(name).map(|d| d.key().to_owned()),
        ..end_user.clone()
    }
}

fn names(pending: &Pending) -> Names<'_> {
    Names {
        username: &pending.username,
        login_name: pending.login_name.as_deref().unwrap_or(&pending.username),
    }
}
