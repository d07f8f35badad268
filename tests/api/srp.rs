//! Sign-in by SRP (`COGNITO_AUTH_FLOW=USER_SRP_AUTH`): the service proves the password to
//! Cognito without ever sending it. The emulator does not check the proof (the SRP math is
//! checked against pycognito's vectors in the unit tests), so these tests check what reached
//! Cognito: its shape, its SECRET_HASHes, and the absence of the password.

use crate::support::*;
use base64::Engine;
use serde_json::{Value, json};

fn srp() -> AppBuilder {
    TestApp::builder().set("COGNITO_AUTH_FLOW", "USER_SRP_AUTH")
}

/// Cognito's name for a user known by `alias` (its `sub` in pools that sign in by email).
async fn internal_username(pool: &UserPool, alias: &str) -> String {
    pool.idp
        .admin_get_user()
        .user_pool_id(&pool.pool_id)
        .username(alias)
        .send()
        .await
        .expect("admin get user")
        .username()
        .to_owned()
}

async fn sub_of(pool: &UserPool, username: &str) -> String {
    let (_, attributes) = pool.admin_get_user(username).await;
    attributes
        .into_iter()
        .find(|(name, _)| name == "sub")
        .expect("a sub")
        .1
}

/// Every body the service sent to Cognito, of every operation.
fn everything_sent(app: &TestApp) -> Vec<(String, Value)> {
    let mut operations = app.proxy.operations();
    operations.sort();
    operations.dedup();
    operations
        .into_iter()
        .flat_map(|op| {
            app.proxy
                .calls(&op)
                .into_iter()
                .map(move |body| (op.clone(), body))
        })
        .collect()
}

#[track_caller]
fn assert_never_sent(app: &TestApp, secret: &str) {
    for (operation, body) in everything_sent(app) {
        assert!(
            !body.to_string().contains(secret),
            "{operation} carried {secret:?}: {body}"
        );
    }
}

/// Checks Cognito's TIMESTAMP format ("Fri Nov 27 12:05:09 UTC 2026": the day not
/// zero-padded) by hand, and that it names a moment close to now with the right weekday.
#[track_caller]
fn assert_cognito_timestamp(timestamp: &str) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = timestamp.split(' ').collect();
    let [weekday, month, day, clock, zone, year] = parts[..] else {
        panic!("TIMESTAMP {timestamp:?} is not six space-separated fields");
    };
    let weekday = DAYS
        .iter()
        .position(|d| *d == weekday)
        .unwrap_or_else(|| panic!("weekday in {timestamp:?}"));
    let month = MONTHS
        .iter()
        .position(|m| *m == month)
        .unwrap_or_else(|| panic!("month in {timestamp:?}"));
    assert!(
        !day.starts_with('0') && (1..=2).contains(&day.len()),
        "day in {timestamp:?} must not be zero-padded"
    );
    let day: u8 = day.parse().expect("numeric day");
    let clock: Vec<&str> = clock.split(':').collect();
    assert!(
        clock.len() == 3 && clock.iter().all(|c| c.len() == 2),
        "time of day in {timestamp:?}"
    );
    let [hour, minute, second]: [u8; 3] =
        std::array::from_fn(|i| clock[i].parse().expect("numeric time"));
    assert_eq!(zone, "UTC", "{timestamp:?}");
    assert_eq!(year.len(), 4, "{timestamp:?}");
    let year: i32 = year.parse().expect("numeric year");

    let month = time::Month::try_from(month as u8 + 1).unwrap();
    let date = time::Date::from_calendar_date(year, month, day).expect("a real date");
    assert_eq!(
        date.weekday().number_days_from_monday() as usize,
        weekday,
        "weekday of {timestamp:?}"
    );
    let at = date
        .with_hms(hour, minute, second)
        .expect("a real time")
        .assume_utc();
    let skew = (time::OffsetDateTime::now_utc() - at).abs();
    assert!(
        skew < time::Duration::minutes(5),
        "{timestamp:?} is {skew} from now"
    );
}

#[track_caller]
fn assert_srp_a(srp_a: &Value) {
    let srp_a = srp_a.as_str().expect("SRP_A is a string");
    assert!(
        srp_a.len() >= 256 && srp_a.bytes().all(|b| b.is_ascii_hexdigit()),
        "SRP_A is not a plausible hex group element: {srp_a:?}"
    );
}

#[tokio::test]
async fn a_confirmed_user_signs_in_by_srp_and_the_password_never_reaches_cognito() {
    let app = srp().start().await;
    let password = "Ana-S3cret-Passw0rd!";
    app.user_pool.create_user("ana", password).await;

    let login = app.login("ana", password).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    assert_eq!(login.body["next_step"], "DONE");
    assert!(login.body.get("challenge").is_none(), "{login:?}");
    assert!(login.set_cookie().is_none(), "no challenge, no cookie");
    assert_eq!(login.headers.get("cache-control").unwrap(), "no-store");

    // The service's own verifier accepts the tokens, and so does Cognito.
    let me = app.get_with_bearer("/me", &login.access_token()).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], "ana");
    assert_eq!(me.body["sub"], sub_of(&app.user_pool, "ana").await);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&login.access_token())
            .await,
        Ok("ana".to_owned())
    );

    // InitiateAuth: SRP_A and no password.
    let initiates = app.proxy.calls("InitiateAuth");
    assert_eq!(initiates.len(), 1, "{initiates:?}");
    let initiate = &initiates[0];
    assert_eq!(initiate["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(initiate["ClientId"], app.user_pool.client_id);
    let parameters = initiate["AuthParameters"].as_object().unwrap();
    let mut names: Vec<&str> = parameters.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["SECRET_HASH", "SRP_A", "USERNAME"], "{initiate}");
    assert_eq!(parameters["USERNAME"], "ana");
    assert_srp_a(&parameters["SRP_A"]);

    // PASSWORD_VERIFIER: a proof over the SECRET_BLOCK Cognito sent (the emulator's
    // SECRET_BLOCK is the session itself), for the user Cognito named.
    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 1, "{responds:?}");
    let respond = &responds[0];
    assert_eq!(respond["ChallengeName"], "PASSWORD_VERIFIER");
    let session = respond["Session"]
        .as_str()
        .expect("the challenge's Session");
    let answers = respond["ChallengeResponses"].as_object().unwrap();
    let mut names: Vec<&str> = answers.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "PASSWORD_CLAIM_SECRET_BLOCK",
            "PASSWORD_CLAIM_SIGNATURE",
            "SECRET_HASH",
            "TIMESTAMP",
            "USERNAME"
        ],
        "{respond}"
    );
    // USERNAME, not USER_ID_FOR_SRP (which the emulator sets to the sub).
    assert_eq!(answers["USERNAME"], "ana");
    let secret_block = answers["PASSWORD_CLAIM_SECRET_BLOCK"].as_str().unwrap();
    assert!(!secret_block.is_empty());
    assert_eq!(secret_block, session, "the SECRET_BLOCK is echoed as given");
    let signature = base64::engine::general_purpose::STANDARD
        .decode(answers["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap())
        .expect("the signature is base64");
    assert_eq!(signature.len(), 32, "an HMAC-SHA256");
    assert_cognito_timestamp(answers["TIMESTAMP"].as_str().unwrap());

    assert_never_sent(&app, password);
    // Nor anything the client sees carries SRP material.
    assert!(!login.body.to_string().contains(session));
}

// With a confidential client SECRET_HASH goes on both calls, over different names: the one
// typed (an email here) at InitiateAuth, Cognito's internal one at PASSWORD_VERIFIER.
#[tokio::test]
async fn srp_hashes_the_typed_name_first_and_the_internal_username_after() {
    let app = srp().email_as_username().start().await;
    let email = "ana@example.com";
    app.user_pool.create_user(email, "Ana-Passw0rd!").await;
    let internal = internal_username(&app.user_pool, email).await;
    assert_ne!(internal, email, "the pool keeps an internal username");

    let login = app.login(email, "Ana-Passw0rd!").await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "authenticated", "{login:?}");

    let initiate = &app.proxy.calls("InitiateAuth")[0];
    assert_eq!(initiate["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(initiate["AuthParameters"]["USERNAME"], email);
    assert_eq!(
        initiate["AuthParameters"]["SECRET_HASH"],
        secret_hash(&app.user_pool, email)
    );
    let respond = &app.proxy.calls("RespondToAuthChallenge")[0];
    assert_eq!(respond["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(respond["ChallengeResponses"]["USERNAME"], internal);
    assert_eq!(
        respond["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, &internal)
    );

    let me = app.get_with_bearer("/me", &login.access_token()).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], internal);
    assert_eq!(me.body["attributes"]["email"], email);
}

#[tokio::test]
async fn an_invited_user_signs_in_by_srp_and_sets_a_new_password() {
    let app = srp().start().await;
    let temporary = "Temp-Passw0rd-4-Jin!";
    app.user_pool.invite_user("jin", temporary).await;

    let login = app.login("jin", temporary).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "challenge");
    assert_eq!(login.body["challenge"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(
        login.body["next_step"],
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    let parameters = login.body["parameters"]
        .as_object()
        .expect("parameters object");
    for private in [
        "SECRET_BLOCK",
        "SRP_B",
        "SALT",
        "USER_ID_FOR_SRP",
        "USERNAME",
    ] {
        assert!(!parameters.contains_key(private), "{login:?}");
    }
    assert!(login.body.get("tokens").is_none());
    login.challenge_cookie_max_age();

    let answer = app
        .answer_challenge(
            &login.cookie(),
            json!({"NEW_PASSWORD": "N3w-Passw0rd-4-Jin!"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated");
    assert_eq!(answer.body["next_step"], "DONE");
    assert!(answer.body.get("challenge").is_none());
    let cleared = answer.set_cookie().expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&answer.access_token())
            .await,
        Ok("jin".to_owned())
    );
    assert_eq!(app.user_pool.admin_get_user("jin").await.0, "CONFIRMED");

    // PASSWORD_VERIFIER first, then the new password, both for Cognito's name for the user.
    let responds = app.proxy.calls("RespondToAuthChallenge");
    let challenges: Vec<&Value> = responds.iter().map(|r| &r["ChallengeName"]).collect();
    assert_eq!(
        challenges,
        [&json!("PASSWORD_VERIFIER"), &json!("NEW_PASSWORD_REQUIRED")]
    );
    for respond in &responds {
        assert_eq!(respond["ChallengeResponses"]["USERNAME"], "jin");
        assert_eq!(
            respond["ChallengeResponses"]["SECRET_HASH"],
            secret_hash(&app.user_pool, "jin")
        );
    }
    assert_eq!(
        responds[1]["ChallengeResponses"]["NEW_PASSWORD"],
        "N3w-Passw0rd-4-Jin!"
    );
    assert_never_sent(&app, temporary);

    // The new password works by SRP too.
    let again = app.login("jin", "N3w-Passw0rd-4-Jin!").await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 3);
}

// An unknown user is refused at InitiateAuth in SRP mode, before any proof; the answer must
// not differ from a wrong password's, or sign-in would tell who has an account.
#[tokio::test]
async fn an_unknown_user_by_srp_gets_the_same_answer_as_a_wrong_password() {
    let srp_app = srp().start().await;
    let unknown = srp_app.login("nobody", "Whatever-Passw0rd!").await;
    unknown.assert_problem(401, "invalid_credentials");
    assert!(unknown.set_cookie().is_none());
    assert_eq!(srp_app.proxy.calls("InitiateAuth").len(), 1);
    assert!(srp_app.proxy.calls("RespondToAuthChallenge").is_empty());

    let password_app = TestApp::start().await;
    let wrong = password_app.login(ADMIN, "Wrong-Passw0rd!").await;
    wrong.assert_problem(401, "invalid_credentials");

    let public = |answer: &Response| {
        let mut body = answer.body.clone();
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    assert_eq!(public(&unknown), public(&wrong));
    for member in ["type", "title", "detail", "code", "status"] {
        assert_eq!(unknown.body[member], wrong.body[member], "{member}");
    }
    assert_eq!(unknown.content_type(), wrong.content_type());
}

#[tokio::test]
async fn every_srp_sign_in_uses_fresh_randomness() {
    let app = srp().start().await;
    app.user_pool.create_user("ana", "Ana-Passw0rd!").await;
    for _ in 0..2 {
        let login = app.login("ana", "Ana-Passw0rd!").await;
        assert_eq!(login.body["status"], "authenticated", "{login:?}");
    }
    let initiates = app.proxy.calls("InitiateAuth");
    assert_eq!(initiates.len(), 2);
    for initiate in &initiates {
        assert_srp_a(&initiate["AuthParameters"]["SRP_A"]);
    }
    assert_ne!(
        initiates[0]["AuthParameters"]["SRP_A"], initiates[1]["AuthParameters"]["SRP_A"],
        "SRP_A must be fresh per sign-in"
    );
    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 2);
    assert_ne!(
        responds[0]["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"],
        responds[1]["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"]
    );
}

// The same in a pool that signs in by email: after PASSWORD_VERIFIER the service knows
// Cognito's name for the user, and the NEW_PASSWORD_REQUIRED answer must use it.
#[tokio::test]
async fn an_invited_user_signing_in_by_email_answers_under_the_internal_username() {
    let app = srp().email_as_username().start().await;
    let email = "jin@example.com";
    app.user_pool
        .idp
        .admin_create_user()
        .user_pool_id(&app.user_pool.pool_id)
        .username(email)
        .temporary_password("Temp-Passw0rd!")
        .user_attributes(crate::support::cognito::attr("email", email))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .expect("invite user");
    let internal = internal_username(&app.user_pool, email).await;
    assert_ne!(internal, email);

    let login = app.login(email, "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");

    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 2);
    for respond in &responds {
        let name = &respond["ChallengeName"];
        assert_eq!(
            respond["ChallengeResponses"]["USERNAME"], internal,
            "{name}"
        );
        assert_eq!(
            respond["ChallengeResponses"]["SECRET_HASH"],
            secret_hash(&app.user_pool, &internal),
            "{name}"
        );
    }
}

// moto never checks the proof, so the proxy refuses it as Cognito refuses a wrong password.
#[tokio::test]
async fn a_refused_srp_proof_is_a_wrong_password() {
    let app = srp().start().await;
    app.user_pool.create_user("ana", "Ana-Passw0rd!").await;
    app.proxy.fail(
        "RespondToAuthChallenge",
        Reply::error(400, "NotAuthorizedException"),
        1,
    );
    let wrong = app.login("ana", "Wrong-Passw0rd!").await;
    wrong.assert_problem(401, "invalid_credentials");
    assert!(wrong.set_cookie().is_none(), "{wrong:?}");
    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 1);
    assert_eq!(responds[0]["ChallengeName"], "PASSWORD_VERIFIER");
    assert_never_sent(&app, "Wrong-Passw0rd!");
    let db = app.db.pool().await;
    let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM challenges")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(pending, 0, "nothing stored");
}
