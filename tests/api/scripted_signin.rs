//! Sign-in stories told from a script: CUSTOM_CHALLENGE (the emulator runs no Lambda
//! triggers), a refused SRP proof, failures between the calls of one step, and EMAIL_OTP and
//! SELECT_MFA_TYPE in Cognito's own words (the emulator's plugins ask both too; see mfa.rs and
//! email_mfa.rs). Cognito here is the recording proxy with nothing behind it, answering from
//! the test's script.
//!
//! The AWS SDK talks to it over HTTP, so everything between `SignIn` and the wire (request
//! building, SECRET_HASH, response parsing, error classification) runs as in production; the
//! store is the real one, on SQLite or Postgres like every other test.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::config::retry::RetryConfig;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognito_bff::attributes::AttributeError;
use cognito_bff::challenge::ChallengeStore;
use cognito_bff::cognito::{Cognito, CognitoErrorKind, EndUser};
use cognito_bff::devices::{DeviceStore, Devices, SignInDevice};
use cognito_bff::failure_floor::FailureFloor;
use cognito_bff::input::Username;
use cognito_bff::limits::{ClientAddr, LimitSettings, Limits};
use cognito_bff::revocation::RefreshIndex;
use cognito_bff::signin::{
    Outcome, SignIn, SignInError, SignInSettings, Start, StepError, TotpSetup,
};
use cognito_bff::vocab::{AuthFlow, ChallengeId, NextStep, OpaqueId, SessionCipher};
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::support::database::challenge_store;
use crate::support::{Proxy, Reply, TestDatabase};

const INITIATE: &str = "InitiateAuth";
const RESPOND: &str = "RespondToAuthChallenge";
const ASSOCIATE: &str = "AssociateSoftwareToken";
const VERIFY: &str = "VerifySoftwareToken";

const POOL_ID: &str = "us-east-1_Scripted1";
const CLIENT_ID: &str = "scriptedclient0123456789ab";
const CLIENT_SECRET: &str = "scripted-client-secret-0123456789abcdefghijklmnopqrstuvwx";
const TTL: Duration = Duration::from_secs(180);

/// The name the user types, and the different name Cognito keeps the user under.
const TYPED: &str = "ana@example.com";
const INTERNAL: &str = "7f3c2a1e-9b4d-4e8f-a6c5-0d1e2f3a4b5c";
const PASSWORD: &str = "Corr3ct-Horse!";

/// The scripted replies these stories use, in Cognito's shapes.
trait Script {
    fn then_challenge(&self, operation: &str, name: &str, session: &str, parameters: Value);
    fn then_tokens(&self, access_token: &str);
    fn then_error(&self, operation: &str, code: &'static str);
    fn then_server_error(&self, operation: &str);
    fn then_secret(&self, secret: &str, session: &str);
    fn then_verified(&self, session: &str);
}

impl Script for Proxy {
    /// InitiateAuth or RespondToAuthChallenge answers with a challenge.
    fn then_challenge(&self, operation: &str, name: &str, session: &str, parameters: Value) {
        self.then(
            operation,
            Reply::Ok(json!({
                "ChallengeName": name,
                "Session": session,
                "ChallengeParameters": parameters,
            })),
        );
    }

    /// RespondToAuthChallenge answers with tokens.
    fn then_tokens(&self, access_token: &str) {
        self.then(
            RESPOND,
            Reply::Ok(json!({
                "ChallengeParameters": {},
                "AuthenticationResult": {
                    "AccessToken": access_token,
                    "IdToken": "id-token-from-the-script",
                    "RefreshToken": "refresh-token-from-the-script",
                    "ExpiresIn": 3600,
                    "TokenType": "Bearer",
                },
            })),
        );
    }

    /// A client error (400), as Cognito answers a refused request.
    fn then_error(&self, operation: &str, code: &'static str) {
        self.then(operation, Reply::error(400, code));
    }

    /// A fault on Cognito's side (500 InternalErrorException): it never judged the request.
    fn then_server_error(&self, operation: &str) {
        self.then(operation, Reply::SERVER_ERROR);
    }

    /// AssociateSoftwareToken hands out a TOTP secret and the session that continues.
    fn then_secret(&self, secret: &str, session: &str) {
        self.then(
            ASSOCIATE,
            Reply::Ok(json!({"SecretCode": secret, "Session": session})),
        );
    }

    /// VerifySoftwareToken accepts the code and gives the session MFA_SETUP is answered under.
    fn then_verified(&self, session: &str) {
        self.then(
            VERIFY,
            Reply::Ok(json!({"Status": "SUCCESS", "Session": session})),
        );
    }
}

/// A `SignIn` wired to the scripted Cognito and to a fresh store.
struct Harness {
    cognito: Proxy,
    signin: SignIn,
    store: ChallengeStore,
    pool: sqlx::AnyPool,
    _db: TestDatabase,
}

async fn harness(client_secret: Option<&str>) -> Harness {
    harness_with(client_secret, AuthFlow::UserPassword).await
}

async fn harness_with(client_secret: Option<&str>, flow: AuthFlow) -> Harness {
    let cognito_double = Proxy::scripted().await;
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDSCRIPTED",
            "scripted-secret",
            None,
            None,
            "scripted",
        ))
        .endpoint_url(&cognito_double.endpoint)
        .retry_config(RetryConfig::disabled())
        .build();
    let cognito = Cognito::new(
        aws_sdk_cognitoidentityprovider::Client::from_conf(config),
        POOL_ID.to_owned(),
        CLIENT_ID.to_owned(),
        client_secret.map(SecretString::from),
    );
    let (store, db, pool) = challenge_store().await;
    let limits = Limits::new(
        LimitSettings {
            per_ip: 0,
            failures_per_username: 0,
            messages_per_username: 0,
            mfa_failures_per_user: 0,
            per_user: 0,
        },
        vec![],
    );
    let refresh_tokens = RefreshIndex::new(pool.clone(), &[9; 32], None);
    let devices = Devices::new(
        DeviceStore::new(pool.clone(), Arc::new(SessionCipher::new(&[7; 32], None))),
        cognito.clone(),
        Duration::from_secs(86_400),
    );
    let signin = SignIn::new(
        cognito,
        store.clone(),
        SignInSettings {
            ttl: TTL,
            floor: FailureFloor::new(Duration::ZERO),
            flow,
            refresh_lifetime: Duration::from_secs(86_400),
        },
        Arc::new(limits),
        Arc::new(refresh_tokens),
        devices,
    );
    Harness {
        cognito: cognito_double,
        signin,
        store,
        pool,
        _db: db,
    }
}

fn client() -> ClientAddr {
    ClientAddr::Ip([203, 0, 113, 9].into())
}

impl Harness {
    async fn login(&self) -> Result<Outcome, SignInError> {
        let password = SecretString::from(PASSWORD);
        self.signin
            .login(
                &Username::parse(TYPED.to_owned()).unwrap(),
                &Start::parse(self.signin.flow(), Some(&password), None).unwrap(),
                &client(),
                &EndUser::default(),
                &SignInDevice::default(),
            )
            .await
    }

    async fn answer(
        &self,
        id: &str,
        challenge: Option<&str>,
        responses: Value,
    ) -> Result<Outcome, SignInError> {
        self.answer_step(id, challenge, responses)
            .await
            .map_err(|refusal| refusal.error)
    }

    /// As `answer`, keeping whether a refusal ended the challenge.
    async fn answer_step(
        &self,
        id: &str,
        challenge: Option<&str>,
        responses: Value,
    ) -> Result<Outcome, StepError> {
        let responses = responses
            .as_object()
            .expect("responses are an object")
            .clone();
        self.signin
            .respond(
                ChallengeId::parse(id),
                challenge,
                &responses,
                &client(),
                &EndUser::default(),
                &SignInDevice::default(),
            )
            .await
    }

    async fn totp_setup(&self, id: &str) -> Result<TotpSetup, StepError> {
        self.signin.start_totp_setup(ChallengeId::parse(id)).await
    }

    async fn attempts(&self) -> Vec<i64> {
        sqlx::query_scalar("SELECT attempts FROM challenges")
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }

    /// The stored row of the challenge `id` names: its wrong answers and Cognito's username.
    async fn row(&self, id: &str) -> Option<(i64, String)> {
        let hash = ChallengeId::parse(id).expect("a well-formed id").hash();
        sqlx::query_as("SELECT attempts, username FROM challenges WHERE id_hash = $1")
            .bind(hash.as_str().to_owned())
            .fetch_optional(&self.pool)
            .await
            .unwrap()
    }
}

/// Cognito's SECRET_HASH, computed here rather than by the code under test.
fn expected_secret_hash(secret: &str, username: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{username}{CLIENT_ID}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// What a challenge outcome shows, with the id as text so it can be presented again.
struct Shown {
    name: String,
    next_step: NextStep,
    parameters: Map<String, Value>,
    id: String,
    max_age_seconds: i64,
}

fn challenge(outcome: Result<Outcome, SignInError>) -> Shown {
    match outcome {
        Ok(Outcome::Challenge {
            name,
            next_step,
            parameters,
            id,
            max_age_seconds,
            ..
        }) => Shown {
            name,
            next_step,
            parameters,
            id: id.expose().to_owned(),
            max_age_seconds,
        },
        other => panic!("expected a challenge, got {other:?}"),
    }
}

fn access_token(outcome: Result<Outcome, SignInError>) -> String {
    match outcome {
        Ok(Outcome::Authenticated { tokens, .. }) => tokens.access_token,
        other => panic!("expected tokens, got {other:?}"),
    }
}

/// None of `secrets` shows in the outcome's `Debug` form.
fn assert_redacted(outcome: &Result<Outcome, SignInError>, secrets: &[&str]) {
    let shown = format!("{outcome:?}");
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!shown.contains(secret), "{secret:?} shows in {shown}");
    }
}

fn responses(body: &Value) -> &Map<String, Value> {
    body["ChallengeResponses"]
        .as_object()
        .unwrap_or_else(|| panic!("no ChallengeResponses in {body}"))
}

#[tokio::test]
async fn email_otp_is_answered_as_the_internal_user_with_the_session_cognito_gave() {
    let h = harness(Some(CLIENT_SECRET)).await;
    h.cognito.then_challenge(
        INITIATE,
        "EMAIL_OTP",
        "session-email-otp-1",
        json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": "a***@e***.com",
            "USER_ID_FOR_SRP": INTERNAL,
        }),
    );
    h.cognito.then_tokens("access-token-email-otp");

    // Ana signs in with her email and is asked for the code Cognito mailed her.
    let outcome = h.login().await;
    assert_redacted(&outcome, &["session-email-otp-1", PASSWORD, INTERNAL]);
    let shown = challenge(outcome);
    assert_eq!(shown.name, "EMAIL_OTP");
    assert_eq!(shown.next_step.as_str(), "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    assert_eq!(
        Value::Object(shown.parameters),
        json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": "a***@e***.com",
        })
    );
    assert!(
        (TTL.as_secs() as i64 - 2..=TTL.as_secs() as i64).contains(&shown.max_age_seconds),
        "max age {}",
        shown.max_age_seconds
    );
    let login = h.cognito.call(0, INITIATE);
    assert_eq!(login["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(login["ClientId"], CLIENT_ID);
    assert_eq!(
        login["AuthParameters"],
        json!({
            "USERNAME": TYPED,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": expected_secret_hash(CLIENT_SECRET, TYPED),
        })
    );

    // She types the code.
    let outcome = h
        .answer(
            &shown.id,
            Some("EMAIL_OTP"),
            json!({"EMAIL_OTP_CODE": "123456"}),
        )
        .await;
    assert_redacted(
        &outcome,
        &["access-token-email-otp", "123456", "session-email-otp-1"],
    );
    assert_eq!(access_token(outcome), "access-token-email-otp");

    let answer = h.cognito.call(1, RESPOND);
    assert_eq!(answer["ChallengeName"], "EMAIL_OTP");
    assert_eq!(answer["ClientId"], CLIENT_ID);
    assert_eq!(answer["Session"], "session-email-otp-1");
    assert_eq!(
        Value::Object(responses(&answer).clone()),
        json!({
            "USERNAME": INTERNAL,
            "SECRET_HASH": expected_secret_hash(CLIENT_SECRET, INTERNAL),
            "EMAIL_OTP_CODE": "123456",
        })
    );
    assert_eq!(h.cognito.operations().len(), 2);
    h.cognito.assert_script_used_up();
    assert_eq!(
        h.store.count().await.unwrap(),
        0,
        "an answered challenge is gone"
    );
}

#[tokio::test]
async fn without_a_client_secret_no_secret_hash_is_sent() {
    let h = harness(None).await;
    h.cognito.then_challenge(
        INITIATE,
        "EMAIL_OTP",
        "session-no-secret",
        json!({"USER_ID_FOR_SRP": INTERNAL}),
    );
    h.cognito.then_tokens("access-token-no-secret");

    let shown = challenge(h.login().await);
    access_token(
        h.answer(&shown.id, None, json!({"EMAIL_OTP_CODE": "222333"}))
            .await,
    );

    assert!(
        h.cognito.call(0, INITIATE)["AuthParameters"]
            .get("SECRET_HASH")
            .is_none()
    );
    assert_eq!(
        Value::Object(responses(&h.cognito.call(1, RESPOND)).clone()),
        json!({"USERNAME": INTERNAL, "EMAIL_OTP_CODE": "222333"})
    );
}

#[tokio::test]
async fn choosing_an_mfa_type_leads_to_its_code_under_a_new_challenge_and_session() {
    let h = harness(Some(CLIENT_SECRET)).await;
    h.cognito.then_challenge(
        INITIATE,
        "SELECT_MFA_TYPE",
        "session-select-1",
        json!({
            "MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]",
            "USER_ID_FOR_SRP": INTERNAL,
        }),
    );
    // Cognito moves on under a new session; this challenge doesn't repeat the internal id.
    h.cognito
        .then_challenge(RESPOND, "SOFTWARE_TOKEN_MFA", "session-totp-2", json!({}));
    h.cognito.then_tokens("access-token-totp");

    // Ana has two second factors and is asked to pick one.
    let select = challenge(h.login().await);
    assert_eq!(select.name, "SELECT_MFA_TYPE");
    assert_eq!(
        select.next_step.as_str(),
        "CONTINUE_SIGN_IN_WITH_MFA_SELECTION"
    );
    assert_eq!(
        Value::Object(select.parameters),
        json!({"MFAS_CAN_CHOOSE": ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]})
    );

    // She picks her authenticator app and is asked for its code, under a fresh challenge id.
    let outcome = h
        .answer(
            &select.id,
            Some("SELECT_MFA_TYPE"),
            json!({"ANSWER": "SOFTWARE_TOKEN_MFA"}),
        )
        .await;
    assert_redacted(&outcome, &["session-select-1", "session-totp-2"]);
    let totp = challenge(outcome);
    assert_eq!(totp.name, "SOFTWARE_TOKEN_MFA");
    assert_eq!(totp.next_step.as_str(), "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert_ne!(totp.id, select.id);
    let choice = h.cognito.call(1, RESPOND);
    assert_eq!(choice["ChallengeName"], "SELECT_MFA_TYPE");
    assert_eq!(choice["Session"], "session-select-1");
    assert_eq!(responses(&choice)["ANSWER"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(responses(&choice)["USERNAME"], INTERNAL);
    assert_eq!(
        h.store.count().await.unwrap(),
        1,
        "only the new challenge is pending"
    );

    // The choice can't be replayed: its id is spent.
    let replay = h
        .answer(&select.id, None, json!({"ANSWER": "SMS_MFA"}))
        .await;
    assert!(
        matches!(replay, Err(SignInError::ChallengeExpired)),
        "{replay:?}"
    );
    assert_eq!(
        h.cognito.operations().len(),
        2,
        "a spent id never reaches Cognito"
    );

    // She types the app's code; it goes with the new session, still as the internal user.
    let outcome = h
        .answer(
            &totp.id,
            Some("SOFTWARE_TOKEN_MFA"),
            json!({"SOFTWARE_TOKEN_MFA_CODE": "654321"}),
        )
        .await;
    assert_redacted(&outcome, &["654321", "access-token-totp", "session-totp-2"]);
    assert_eq!(access_token(outcome), "access-token-totp");
    let code = h.cognito.call(2, RESPOND);
    assert_eq!(code["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(code["Session"], "session-totp-2");
    assert_eq!(
        Value::Object(responses(&code).clone()),
        json!({
            "USERNAME": INTERNAL,
            "SECRET_HASH": expected_secret_hash(CLIENT_SECRET, INTERNAL),
            "SOFTWARE_TOKEN_MFA_CODE": "654321",
        })
    );
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

#[tokio::test]
async fn custom_challenges_chain_with_a_fresh_id_and_session_each_round() {
    let h = harness(Some(CLIENT_SECRET)).await;
    h.cognito.then_challenge(
        INITIATE,
        "CUSTOM_CHALLENGE",
        "session-custom-1",
        json!({"USER_ID_FOR_SRP": INTERNAL, "question": "2 + 2?", "round": "1"}),
    );
    // A wrong answer: the Define Auth Challenge trigger asks again, under a new session.
    h.cognito.then_challenge(
        RESPOND,
        "CUSTOM_CHALLENGE",
        "session-custom-2",
        json!({"question": "2 + 2? (last try)", "round": "2"}),
    );
    h.cognito.then_tokens("access-token-custom");

    // Ana's app asks a question of its own.
    let first = challenge(h.login().await);
    assert_eq!(first.name, "CUSTOM_CHALLENGE");
    assert_eq!(
        first.next_step.as_str(),
        "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    );
    assert_eq!(
        Value::Object(first.parameters),
        json!({"question": "2 + 2?", "round": "1"})
    );

    // She answers wrong; the trigger asks again, and the new round has its own id.
    let second = challenge(
        h.answer(&first.id, Some("CUSTOM_CHALLENGE"), json!({"ANSWER": "5"}))
            .await,
    );
    assert_eq!(
        second.next_step.as_str(),
        "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    );
    assert_eq!(
        Value::Object(second.parameters),
        json!({"question": "2 + 2? (last try)", "round": "2"})
    );
    assert_ne!(second.id, first.id);
    let wrong = h.cognito.call(1, RESPOND);
    assert_eq!(wrong["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(wrong["Session"], "session-custom-1");
    assert_eq!(responses(&wrong)["ANSWER"], "5");
    assert_eq!(responses(&wrong)["USERNAME"], INTERNAL);

    // The first round is over.
    let stale = h.answer(&first.id, None, json!({"ANSWER": "4"})).await;
    assert!(
        matches!(stale, Err(SignInError::ChallengeExpired)),
        "{stale:?}"
    );

    // Right this time.
    let outcome = h
        .answer(&second.id, Some("CUSTOM_CHALLENGE"), json!({"ANSWER": "4"}))
        .await;
    assert_redacted(&outcome, &["session-custom-2", "access-token-custom"]);
    assert_eq!(access_token(outcome), "access-token-custom");
    let right = h.cognito.call(2, RESPOND);
    assert_eq!(right["Session"], "session-custom-2");
    assert_eq!(
        Value::Object(responses(&right).clone()),
        json!({
            "USERNAME": INTERNAL,
            "SECRET_HASH": expected_secret_hash(CLIENT_SECRET, INTERNAL),
            "ANSWER": "4",
        })
    );
    assert_eq!(h.cognito.operations().len(), 3);
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

/// Real Cognito names the internal user of a CUSTOM_CHALLENGE in a `USERNAME` parameter, not
/// `USER_ID_FOR_SRP`. Signed in by an alias, the answer should carry that name (and its
/// SECRET_HASH), and the client should not see it.
#[tokio::test]
async fn a_custom_challenge_is_answered_as_the_user_cognito_names_in_username() {
    let h = harness(Some(CLIENT_SECRET)).await;
    h.cognito.then_challenge(
        INITIATE,
        "CUSTOM_CHALLENGE",
        "session-custom-u",
        json!({"USERNAME": INTERNAL, "question": "2 + 2?"}),
    );
    h.cognito.then_tokens("access-token-custom-u");

    let shown = challenge(h.login().await);
    access_token(h.answer(&shown.id, None, json!({"ANSWER": "4"})).await);
    let answer = h.cognito.call(1, RESPOND);
    assert_eq!(responses(&answer)["USERNAME"], INTERNAL);
    assert_eq!(
        responses(&answer)["SECRET_HASH"],
        expected_secret_hash(CLIENT_SECRET, INTERNAL)
    );
    assert_eq!(
        Value::Object(shown.parameters),
        json!({"question": "2 + 2?"})
    );
}

#[tokio::test]
async fn a_challenge_this_service_cannot_carry_is_refused_and_not_stored() {
    let h = harness(Some(CLIENT_SECRET)).await;
    // Someone else's sign-in is already pending.
    h.cognito.then_challenge(
        INITIATE,
        "EMAIL_OTP",
        "session-other",
        json!({"USER_ID_FOR_SRP": INTERNAL}),
    );
    challenge(h.login().await);
    assert_eq!(h.store.count().await.unwrap(), 1);

    h.cognito.then_challenge(
        INITIATE,
        "DEVICE_SRP_AUTH",
        "session-device",
        json!({"USER_ID_FOR_SRP": INTERNAL}),
    );
    let outcome = h.login().await;
    match &outcome {
        Err(SignInError::UnsupportedChallenge { name }) => assert_eq!(name, "DEVICE_SRP_AUTH"),
        other => panic!("expected an unsupported challenge, got {other:?}"),
    }
    assert_redacted(&outcome, &["session-device", PASSWORD]);
    assert_eq!(h.store.count().await.unwrap(), 1, "nothing new was stored");
    h.cognito.assert_script_used_up();
}

#[tokio::test]
async fn a_wrong_email_code_leaves_the_challenge_to_try_again() {
    let h = harness(Some(CLIENT_SECRET)).await;
    h.cognito.then_challenge(
        INITIATE,
        "EMAIL_OTP",
        "session-email-retry",
        json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": "a***@e***.com",
            "USER_ID_FOR_SRP": INTERNAL,
        }),
    );
    h.cognito.then_error(RESPOND, "CodeMismatchException");
    h.cognito.then_tokens("access-token-retry");

    let shown = challenge(h.login().await);

    // A typo: Cognito says the code is wrong.
    let outcome = h
        .answer(
            &shown.id,
            Some("EMAIL_OTP"),
            json!({"EMAIL_OTP_CODE": "111111"}),
        )
        .await;
    match &outcome {
        Err(SignInError::Cognito(e)) => assert_eq!(e.kind, CognitoErrorKind::CodeMismatch),
        other => panic!("expected a code mismatch, got {other:?}"),
    }
    assert_redacted(&outcome, &["111111", "session-email-retry"]);
    assert_eq!(h.attempts().await, vec![1], "one wrong answer counted");

    // The same cookie still works, and the retry reaches Cognito with the same session.
    let outcome = h
        .answer(
            &shown.id,
            Some("EMAIL_OTP"),
            json!({"EMAIL_OTP_CODE": "123456"}),
        )
        .await;
    assert_eq!(access_token(outcome), "access-token-retry");
    let first = h.cognito.call(1, RESPOND);
    let retry = h.cognito.call(2, RESPOND);
    assert_eq!(responses(&first)["EMAIL_OTP_CODE"], "111111");
    assert_eq!(retry["Session"], "session-email-retry");
    assert_eq!(responses(&retry)["EMAIL_OTP_CODE"], "123456");
    assert_eq!(responses(&retry)["USERNAME"], INTERNAL);
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

/// A refusal, checked to be one.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T, StepError>) -> StepError {
    match result {
        Err(refusal) => refusal,
        Ok(done) => panic!("expected a refusal, got {done:?}"),
    }
}

#[track_caller]
fn assert_unavailable(refusal: &StepError, operation: &str) {
    match &refusal.error {
        SignInError::Cognito(e) => {
            assert_eq!(e.kind, CognitoErrorKind::Unavailable, "{refusal:?}");
            assert_eq!(e.operation, operation, "{refusal:?}");
        }
        other => panic!("expected Cognito unavailable, got {other:?}"),
    }
}

/// Cognito's name for the user in the SRP proof, unlike the one it answers under.
const SRP_ID: &str = "srp-id-of-ana";
const SALT: &str = "a3f1c2d4e5b6978812345678abcdef01";

fn secret_block() -> String {
    STANDARD.encode(b"opaque secret block from the scripted cognito")
}

/// PASSWORD_VERIFIER's parameters: a 3072-bit SRP_B below N (N begins with F), nonzero.
fn password_verifier() -> Value {
    json!({
        "SALT": SALT,
        "SRP_B": format!("1{}", "c".repeat(767)),
        "SECRET_BLOCK": secret_block(),
        "USER_ID_FOR_SRP": SRP_ID,
        "USERNAME": INTERNAL,
    })
}

/// A sign-in stopped at MFA_SETUP (TOTP to be set up); returns the challenge's id.
async fn pending_mfa_setup(h: &Harness, session: &str) -> String {
    h.cognito.then_challenge(
        INITIATE,
        "MFA_SETUP",
        session,
        json!({"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]", "USER_ID_FOR_SRP": INTERNAL}),
    );
    let shown = challenge(h.login().await);
    assert_eq!(shown.next_step.as_str(), "CONTINUE_SIGN_IN_WITH_TOTP_SETUP");
    shown.id
}

#[tokio::test]
async fn a_refused_srp_proof_is_a_wrong_password() {
    let h = harness_with(Some(CLIENT_SECRET), AuthFlow::UserSrp).await;
    h.cognito.then_challenge(
        INITIATE,
        "PASSWORD_VERIFIER",
        "session-srp-1",
        password_verifier(),
    );
    h.cognito.then_error(RESPOND, "NotAuthorizedException");

    let outcome = h.login().await;
    assert!(
        matches!(outcome, Err(SignInError::InvalidCredentials)),
        "{outcome:?}"
    );

    // InitiateAuth carried SRP_A, never the password.
    let initiate = h.cognito.call(0, INITIATE);
    assert_eq!(initiate["AuthFlow"], "USER_SRP_AUTH");
    let parameters = initiate["AuthParameters"].as_object().unwrap();
    assert_eq!(parameters["USERNAME"], TYPED);
    assert_eq!(
        parameters["SECRET_HASH"],
        expected_secret_hash(CLIENT_SECRET, TYPED)
    );
    let srp_a = parameters["SRP_A"].as_str().expect("SRP_A");
    assert!(
        !srp_a.is_empty() && srp_a.chars().all(|c| c.is_ascii_hexdigit()),
        "{srp_a}"
    );
    assert!(parameters.get("PASSWORD").is_none(), "{initiate}");

    // The proof answered as the user Cognito named in USERNAME, with its block signed.
    let verifier = h.cognito.call(1, RESPOND);
    assert_eq!(verifier["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(verifier["Session"], "session-srp-1");
    let answers = responses(&verifier);
    assert_eq!(answers["USERNAME"], INTERNAL);
    assert_eq!(
        answers["SECRET_HASH"],
        expected_secret_hash(CLIENT_SECRET, INTERNAL)
    );
    assert_eq!(answers["PASSWORD_CLAIM_SECRET_BLOCK"], secret_block());
    let signature = STANDARD
        .decode(answers["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap())
        .expect("a base64 signature");
    assert_eq!(signature.len(), 32, "an HMAC-SHA256");
    let timestamp = answers["TIMESTAMP"].as_str().unwrap();
    assert!(timestamp.contains(" UTC "), "{timestamp}");
    assert!(answers.get("PASSWORD").is_none(), "{verifier}");
    for n in 0..h.cognito.operations().len() {
        let call = h.cognito.all_calls()[n].clone();
        assert!(!call.1.to_string().contains(PASSWORD), "{call:?}");
    }
    assert_eq!(h.cognito.operations().len(), 2);
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0, "nothing stored");
}

#[tokio::test]
async fn an_srp_sign_in_continues_to_the_totp_code() {
    let h = harness_with(Some(CLIENT_SECRET), AuthFlow::UserSrp).await;
    h.cognito.then_challenge(
        INITIATE,
        "PASSWORD_VERIFIER",
        "session-srp-2",
        password_verifier(),
    );
    h.cognito.then_challenge(
        RESPOND,
        "SOFTWARE_TOKEN_MFA",
        "session-totp-srp",
        json!({"USER_ID_FOR_SRP": INTERNAL}),
    );
    h.cognito.then_tokens("access-token-srp-totp");

    let outcome = h.login().await;
    assert_redacted(&outcome, &["session-srp-2", "session-totp-srp", PASSWORD]);
    let shown = challenge(outcome);
    assert_eq!(shown.name, "SOFTWARE_TOKEN_MFA");
    assert_eq!(shown.next_step.as_str(), "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert_eq!(Value::Object(shown.parameters), json!({}));
    assert_eq!(h.store.count().await.unwrap(), 1, "stored as a challenge");
    assert_eq!(h.row(&shown.id).await, Some((0, INTERNAL.to_owned())));
    assert_eq!(
        h.cognito.call(1, RESPOND)["ChallengeName"],
        "PASSWORD_VERIFIER"
    );

    let done = h
        .answer(
            &shown.id,
            Some("SOFTWARE_TOKEN_MFA"),
            json!({"SOFTWARE_TOKEN_MFA_CODE": "123456"}),
        )
        .await;
    assert_eq!(access_token(done), "access-token-srp-totp");
    let code = h.cognito.call(2, RESPOND);
    assert_eq!(code["Session"], "session-totp-srp");
    assert_eq!(responses(&code)["USERNAME"], INTERNAL);
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

/// The challenge after PASSWORD_VERIFIER need not name the user again (real Cognito's
/// SOFTWARE_TOKEN_MFA often carries no parameters); its answer must still go as the user
/// PASSWORD_VERIFIER named, not the alias typed at sign-in.
#[tokio::test]
async fn after_an_srp_proof_the_next_challenge_is_answered_as_the_user_the_proof_named() {
    let h = harness_with(Some(CLIENT_SECRET), AuthFlow::UserSrp).await;
    h.cognito.then_challenge(
        INITIATE,
        "PASSWORD_VERIFIER",
        "session-srp-3",
        password_verifier(),
    );
    h.cognito
        .then_challenge(RESPOND, "SOFTWARE_TOKEN_MFA", "session-totp-3", json!({}));

    let shown = challenge(h.login().await);
    assert_eq!(shown.next_step.as_str(), "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert_eq!(h.row(&shown.id).await, Some((0, INTERNAL.to_owned())));
}

#[tokio::test]
async fn a_transient_failure_to_start_totp_setup_keeps_the_challenge() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "session-setup-1").await;
    h.cognito.then_server_error(ASSOCIATE);
    h.cognito.then_secret("JBSWY3DPEHPK3PXP", "session-setup-2");

    let refusal = refused(h.totp_setup(&id).await);
    assert_unavailable(&refusal, ASSOCIATE);
    assert!(!refusal.ended, "the cookie still works: {refusal:?}");
    assert_eq!(h.row(&id).await, Some((0, INTERNAL.to_owned())));

    // The same cookie starts the set-up after all.
    let setup = h.totp_setup(&id).await.expect("the second try succeeds");
    let shown = challenge(Ok(setup.outcome));
    assert_eq!(shown.name, "MFA_SETUP");
    assert_eq!(shown.next_step.as_str(), "CONTINUE_SIGN_IN_WITH_TOTP_SETUP");
    assert_ne!(shown.id, id);
    assert_eq!(setup.account, TYPED);
    for n in [1, 2] {
        let associate = h.cognito.call(n, ASSOCIATE);
        assert_eq!(associate["Session"], "session-setup-1", "call #{n}");
        assert!(associate.get("AccessToken").is_none());
    }
    h.cognito.assert_script_used_up();
    assert_eq!(h.row(&id).await, None, "the old id is gone");
    assert_eq!(h.row(&shown.id).await, Some((0, INTERNAL.to_owned())));
}

#[tokio::test]
async fn a_dead_session_at_totp_setup_ends_the_challenge() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "session-setup-dead").await;
    h.cognito.then_error(ASSOCIATE, "NotAuthorizedException");

    let refusal = refused(h.totp_setup(&id).await);
    assert!(
        matches!(refusal.error, SignInError::ChallengeExpired),
        "{refusal:?}"
    );
    assert!(refusal.ended, "{refusal:?}");
    assert_eq!(h.store.count().await.unwrap(), 0);

    // Nothing is left to retry: the id never reaches Cognito again.
    let again = refused(h.totp_setup(&id).await);
    assert!(
        matches!(again.error, SignInError::ChallengeExpired),
        "{again:?}"
    );
    assert_eq!(h.cognito.operations().len(), 2);
}

#[tokio::test]
async fn starting_totp_setup_again_does_not_reset_the_wrong_answers() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "session-count-1").await;
    h.cognito.then_error(VERIFY, "CodeMismatchException");
    h.cognito.then_secret("JBSWY3DPEHPK3PXP", "session-count-2");

    let wrong = refused(
        h.answer_step(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": "111111"}))
            .await,
    );
    match &wrong.error {
        SignInError::Cognito(e) => assert_eq!(e.kind, CognitoErrorKind::CodeMismatch),
        other => panic!("expected a code mismatch, got {other:?}"),
    }
    assert!(!wrong.ended);
    let verify = h.cognito.call(1, VERIFY);
    assert_eq!(verify["Session"], "session-count-1");
    assert_eq!(verify["UserCode"], "111111");
    assert_eq!(h.row(&id).await, Some((1, INTERNAL.to_owned())));

    let setup = h.totp_setup(&id).await.expect("set-up starts");
    let new_id = challenge(Ok(setup.outcome)).id;
    assert_eq!(h.row(&id).await, None, "the old id is gone");
    assert_eq!(
        h.row(&new_id).await,
        Some((1, INTERNAL.to_owned())),
        "the wrong answer still counts under the new id"
    );
    let stale = refused(
        h.answer_step(&id, None, json!({"TOTP_CODE": "123456"}))
            .await,
    );
    assert!(
        matches!(stale.error, SignInError::ChallengeExpired),
        "{stale:?}"
    );
    assert!(stale.ended);

    // Four more wrong codes use up the five, under the new session.
    for n in 2..=5 {
        h.cognito.then_error(VERIFY, "CodeMismatchException");
        let wrong = refused(
            h.answer_step(&new_id, None, json!({"TOTP_CODE": "222222"}))
                .await,
        );
        assert_eq!(wrong.ended, n == 5, "wrong answer #{n}: {wrong:?}");
        assert_eq!(
            h.cognito.all_calls().last().unwrap().1["Session"],
            "session-count-2"
        );
    }
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_transient_failure_after_the_first_totp_code_keeps_the_challenge() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "s1").await;
    h.cognito.then_verified("s2");
    h.cognito.then_server_error(RESPOND);
    h.cognito.then_tokens("access-token-after-setup");

    let refusal = refused(
        h.answer_step(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": "123456"}))
            .await,
    );
    assert_unavailable(&refusal, RESPOND);
    assert!(!refusal.ended, "{refusal:?}");
    let verify = h.cognito.call(1, VERIFY);
    assert_eq!(verify["Session"], "s1");
    assert_eq!(verify["UserCode"], "123456");
    let answer = h.cognito.call(2, RESPOND);
    assert_eq!(answer["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        answer["Session"], "s2",
        "under VerifySoftwareToken's session"
    );
    assert_eq!(responses(&answer)["USERNAME"], INTERNAL);
    assert!(responses(&answer).get("TOTP_CODE").is_none(), "{answer}");
    assert_eq!(h.attempts().await, vec![0], "no attempt counted");

    // Released: the retry with the same cookie answers MFA_SETUP under the session the code
    // earned, without presenting the code (or the spent session) again.
    let done = h
        .answer(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": "123456"}))
        .await;
    assert_eq!(access_token(done), "access-token-after-setup");
    let retry = h.cognito.call(3, RESPOND);
    assert_eq!(retry["ChallengeName"], "MFA_SETUP");
    assert_eq!(retry["Session"], "s2");
    assert!(responses(&retry).get("TOTP_CODE").is_none(), "{retry}");
    h.cognito.assert_script_used_up();
    assert_eq!(h.store.count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_first_totp_code_followed_by_an_unsupported_challenge_ends_it() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "s1").await;
    h.cognito.then_verified("s2");
    h.cognito.then_challenge(
        RESPOND,
        "DEVICE_SRP_AUTH",
        "session-device",
        json!({"USER_ID_FOR_SRP": INTERNAL}),
    );

    let refusal = refused(
        h.answer_step(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": "123456"}))
            .await,
    );
    match &refusal.error {
        SignInError::UnsupportedChallenge { name } => assert_eq!(name, "DEVICE_SRP_AUTH"),
        other => panic!("expected an unsupported challenge, got {other:?}"),
    }
    assert!(refusal.ended, "{refusal:?}");
    assert_eq!(h.store.count().await.unwrap(), 0);
    h.cognito.assert_script_used_up();

    let again = refused(
        h.answer_step(&id, None, json!({"TOTP_CODE": "123456"}))
            .await,
    );
    assert!(
        matches!(again.error, SignInError::ChallengeExpired),
        "{again:?}"
    );
    assert_eq!(
        h.cognito.operations().len(),
        3,
        "the spent id never reaches Cognito"
    );
}

#[tokio::test]
async fn a_totp_code_that_is_not_six_digits_costs_nothing() {
    let h = harness(Some(CLIENT_SECRET)).await;
    let id = pending_mfa_setup(&h, "s1").await;

    // Arabic-Indic digits are numeric, but not what Cognito takes.
    for code in ["12345", "1234567", "12a456", "", " 12345", "١٢٣٤٥٦"] {
        let refusal = refused(
            h.answer_step(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": code}))
                .await,
        );
        match &refusal.error {
            SignInError::Attribute(AttributeError::Input(input)) => {
                assert_eq!(input.field, "responses.TOTP_CODE", "{code:?}")
            }
            other => panic!("{code:?}: expected invalid_request, got {other:?}"),
        }
        assert!(!refusal.ended, "{code:?}");
    }
    assert_eq!(
        h.cognito.operations().len(),
        1,
        "only the sign-in reached Cognito"
    );
    assert_eq!(h.attempts().await, vec![0]);

    // The challenge was never claimed: a right code goes through at once.
    h.cognito.then_verified("s2");
    h.cognito.then_tokens("access-token-six-digits");
    let done = h
        .answer(&id, Some("MFA_SETUP"), json!({"TOTP_CODE": "012345"}))
        .await;
    assert_eq!(access_token(done), "access-token-six-digits");
    assert_eq!(h.cognito.call(1, VERIFY)["UserCode"], "012345");
}
