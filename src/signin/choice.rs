//! Choice-based sign-in after `/login`: SELECT_CHALLENGE answered with the factor the user
//! picked, and the sign-in a confirmed sign-up finishes (AUTO_SIGN_IN).

use std::collections::HashMap;

use secrecy::SecretString;

use super::{Names, Outcome, SignIn, SignInError, StepError, challenge_outcome, names};
use crate::challenge::Pending;
use crate::cognito::{Challenge, CognitoErrorKind, EndUser, UserAuthStart};
use crate::devices::SignInDevice;
use crate::input::{InvalidInput, Username};
use crate::limits::ClientAddr;
use crate::vocab::{Amr, FirstFactor, IdHash, NextStep};

/// The stored step between a confirmed sign-up and the sign-in it earned. Not a Cognito
/// challenge: it holds ConfirmSignUp's Session, which InitiateAuth (USER_AUTH) spends.
pub const AUTO_SIGN_IN: &str = "AUTO_SIGN_IN";

/// A claimed SELECT_CHALLENGE and the client's answer to it.
pub(super) struct Chosen {
    pub id_hash: IdHash,
    pub pending: Pending,
    pub responses: HashMap<String, String>,
}

impl SignIn {
    /// Keeps ConfirmSignUp's Session behind a challenge cookie or handle, for
    /// `POST /signup/auto-sign-in` to spend.
    pub async fn after_sign_up(
        &self,
        username: &Username,
        session: SecretString,
    ) -> Result<Outcome, SignInError> {
        let names = Names {
            username: username.as_str(),
            login_name: username.as_str(),
        };
        let challenge = Challenge {
            name: AUTO_SIGN_IN.to_owned(),
            session,
            parameters: HashMap::new(),
            available: Vec::new(),
        };
        self.store_challenge(
            names,
            challenge,
            None,
            &Amr::default(),
            Some(NextStep::CompleteAutoSignIn),
        )
        .await
    }

    /// SELECT_CHALLENGE answered: `ANSWER` names the factor (PASSWORD when only a password
    /// came). A password factor without the password asks for it, sending nothing to
    /// Cognito; the password, when it comes, counts against the username's failure budget as
    /// at `/login`. A code factor spends the username's sign-in code budget.
    pub(super) async fn choose(
        &self,
        chosen: Chosen,
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, StepError> {
        let Chosen {
            id_hash,
            pending,
            mut responses,
        } = chosen;
        let factor = match picked(&mut responses) {
            Ok(factor) => factor,
            Err(refused) => {
                self.store.release(&id_hash, pending.lease).await?;
                return Err(refused.into());
            }
        };
        let login_name = names(&pending).login_name.to_owned();
        // Parsed when the sign-in began, so it parses again.
        let username = Username::parse(login_name.clone())?;
        if factor.is_password() {
            let Some(password) = responses.remove("PASSWORD").map(SecretString::from) else {
                let challenge = Challenge {
                    name: pending.challenge_name.clone(),
                    session: pending.session.clone(),
                    parameters: HashMap::from([("ANSWER".to_owned(), factor.as_str().to_owned())]),
                    available: Vec::new(),
                };
                return self
                    .store_challenge(
                        names(&pending),
                        challenge,
                        Some((&id_hash, pending.lease)),
                        &pending.amr,
                        Some(NextStep::ConfirmSignInWithPassword),
                    )
                    .await
                    .map_err(StepError::from);
            };
            return self
                .answer_password(
                    (id_hash, pending),
                    (&username, &password, factor),
                    client,
                    end_user,
                    device,
                )
                .await;
        }
        let message = match factor {
            FirstFactor::EmailOtp | FirstFactor::SmsOtp => {
                match self.limits.sign_in_code(&username, client).await {
                    Ok(message) => Some(message),
                    Err(limited) => {
                        self.store.release(&id_hash, pending.lease).await?;
                        return Err(SignInError::from(limited).into());
                    }
                }
            }
            _ => None,
        };
        let answer = HashMap::from([("ANSWER".to_owned(), factor.as_str().to_owned())]);
        let result = self
            .cognito
            .answer_challenge(
                &pending.challenge_name,
                &pending.username,
                &pending.session,
                answer,
                end_user,
            )
            .await;
        match result {
            Ok(step) => {
                self.spent(&id_hash).await;
                self.outcome(
                    names(&pending),
                    step,
                    client,
                    pending.amr.clone(),
                    end_user,
                    device,
                )
                .await
                .map_err(StepError::ended)
            }
            Err(e) => {
                if let Some(message) = message
                    && e.kind.sent_nothing()
                {
                    message.give_back().await;
                }
                Err(self.fail(&id_hash, &pending, None, e).await)
            }
        }
    }

    /// The password for a SELECT_CHALLENGE: PASSWORD sends it, PASSWORD_SRP proves it.
    async fn answer_password(
        &self,
        (id_hash, pending): (IdHash, Pending),
        (username, password, factor): (&Username, &SecretString, FirstFactor),
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, StepError> {
        let attempt = match self.limits.attempt(username, client).await {
            Ok(attempt) => attempt,
            Err(limited) => {
                self.store.release(&id_hash, pending.lease).await?;
                return Err(SignInError::from(limited).into());
            }
        };
        let started = tokio::time::Instant::now();
        let result = self
            .cognito
            .answer_with_password(
                &pending.username,
                &pending.session,
                password,
                factor == FirstFactor::PasswordSrp,
                end_user,
            )
            .await;
        match result {
            Ok(step) => {
                self.spent(&id_hash).await;
                attempt.give_back().await;
                let mut amr = pending.amr.clone();
                amr.answered(factor.as_str(), false);
                self.outcome(names(&pending), step, client, amr, end_user, device)
                    .await
                    .map_err(StepError::ended)
            }
            // Cognito never judged it: the challenge lives on.
            Err(e) if e.kind.is_transient() => {
                attempt.give_back().await;
                self.store.release(&id_hash, pending.lease).await?;
                challenge_outcome("unavailable");
                Err(SignInError::from(e).into())
            }
            // A refused password ends this sign-in at Cognito; the answer is the same as
            // /login's for a wrong password or a missing account, and no sooner.
            Err(e)
                if matches!(
                    e.kind,
                    CognitoErrorKind::NotAuthorized | CognitoErrorKind::UserNotFound
                ) =>
            {
                self.spent(&id_hash).await;
                challenge_outcome("expired");
                self.floor.wait_out(started).await;
                Err(StepError::ended(SignInError::InvalidCredentials))
            }
            // Judged otherwise: kept, as at /login; the account's state waits out the
            // floor too, so timing adds nothing.
            Err(e) => {
                self.spent(&id_hash).await;
                challenge_outcome("expired");
                if matches!(
                    e.kind,
                    CognitoErrorKind::UserNotConfirmed | CognitoErrorKind::PasswordResetRequired
                ) {
                    self.floor.wait_out(started).await;
                }
                Err(StepError::ended(e.into()))
            }
        }
    }

    /// Spends ConfirmSignUp's Session: InitiateAuth (USER_AUTH) with it signs the user in.
    pub(super) async fn auto_sign_in(
        &self,
        id_hash: IdHash,
        pending: Pending,
        client: &ClientAddr,
        end_user: &EndUser,
        device: &SignInDevice,
    ) -> Result<Outcome, StepError> {
        let result = self
            .cognito
            .initiate_user_auth(
                &pending.username,
                UserAuthStart::AfterSignUp(&pending.session),
                end_user,
            )
            .await;
        match result {
            Ok(step) => {
                self.spent(&id_hash).await;
                challenge_outcome("answered");
                let mut amr = pending.amr.clone();
                amr.answered(AUTO_SIGN_IN, false);
                self.outcome(names(&pending), step, client, amr, end_user, device)
                    .await
                    .map_err(StepError::ended)
            }
            Err(e) if e.kind.is_transient() => {
                self.store.release(&id_hash, pending.lease).await?;
                challenge_outcome("unavailable");
                Err(SignInError::from(e).into())
            }
            // Used, expired, or refused: the user signs in the usual way.
            Err(e) => {
                self.spent(&id_hash).await;
                challenge_outcome("expired");
                Err(StepError::ended(match e.kind {
                    CognitoErrorKind::NotAuthorized => SignInError::ChallengeExpired,
                    _ => e.into(),
                }))
            }
        }
    }

    /// Deletes a challenge whose Cognito session is spent; it expires anyway if this fails.
    async fn spent(&self, id_hash: &IdHash) {
        if let Err(e) = self.store.consume(id_hash).await {
            tracing::warn!(error = %e, "cannot delete an answered challenge");
        }
    }
}

/// The factor a SELECT_CHALLENGE answer picks.
fn picked(responses: &mut HashMap<String, String>) -> Result<FirstFactor, InvalidInput> {
    const FIELD: &str = "responses.ANSWER";
    let answer = match responses.remove("ANSWER") {
        Some(answer) => answer,
        None if responses.contains_key("PASSWORD") => "PASSWORD".to_owned(),
        None => {
            return Err(InvalidInput::new(
                FIELD,
                "`responses.ANSWER` names the factor: one of `available_challenges`",
            ));
        }
    };
    let factor = FirstFactor::parse(&answer).ok_or_else(|| {
        InvalidInput::new(
            FIELD,
            "`responses.ANSWER` must be PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or WEB_AUTHN",
        )
    })?;
    // Only a password factor takes more than the name.
    if let Some(extra) = responses
        .keys()
        .find(|k| !(factor.is_password() && k.as_str() == "PASSWORD"))
    {
        return Err(InvalidInput::new(
            format!("responses.{extra}"),
            format!("`responses.{extra}` is not taken with ANSWER {answer}"),
        ));
    }
    Ok(factor)
}
