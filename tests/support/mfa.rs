//! MFA for the tests: pool MFA settings, users with SMS MFA, and TOTP codes computed from the
//! secret the service hands out, as an authenticator app would.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, EmailMfaConfigType, EmailMfaSettingsType, MessageActionType,
    SmsConfigurationType, SmsMfaConfigType, SmsMfaSettingsType, SoftwareTokenMfaConfigType,
    SoftwareTokenMfaSettingsType, UserPoolMfaType,
};
use reqwest::Method;
use serde_json::Value;

use super::cognito::{UserPool, attr};
use super::{Response, TestApp, secret_hash};

/// Cognito's TOTP: 30 s steps, 6 digits, HMAC-SHA1.
const STEP: Duration = Duration::from_secs(30);
/// A code computed closer than this to the end of its step might reach Cognito in the next one.
const MARGIN: Duration = Duration::from_secs(3);

/// The secret's bytes: Cognito's secrets are base32; case and padding don't change the key.
fn key(secret: &str) -> Vec<u8> {
    let encoded = secret.trim_end_matches('=').to_ascii_uppercase();
    totp_rs::Secret::Encoded(encoded)
        .to_bytes()
        .unwrap_or_else(|e| panic!("the TOTP secret {secret:?} is not base32: {e:?}"))
}

/// The code an authenticator app shows now for `secret`.
pub async fn totp_code(secret: &str) -> String {
    // Cognito's key may be shorter than RFC 4226 recommends (the emulator's is 7 bytes), so
    // the length check of `TOTP::new` is skipped.
    let totp =
        totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 0, STEP.as_secs(), key(secret));
    loop {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let into_step = Duration::from_millis((now.as_millis() % STEP.as_millis()) as u64);
        let left = STEP - into_step;
        if left >= MARGIN {
            return totp.generate(now.as_secs());
        }
        // Aligns with the TOTP clock (Cognito accepts only the current step's code), as a
        // user waits for the app's next code; it is not waiting for anything in the system.
        tokio::time::sleep_until(tokio::time::Instant::now() + left).await;
    }
}

/// A user with TOTP turned on (the pool must allow it); returns the TOTP secret.
pub async fn user_with_totp(app: &TestApp, username: &str, password: &str) -> String {
    app.user_pool.create_user(username, password).await;
    let token = app.login(username, password).await.access_token();
    let setup = app
        .post_with_bearer("/mfa/totp/setup", &token, serde_json::json!({}))
        .await;
    let secret = secret_of(&setup);
    let verified = app
        .post_with_bearer(
            "/mfa/totp/verify",
            &token,
            serde_json::json!({"code": totp_code(&secret).await}),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    secret
}

/// A code that is not the current one for `secret`.
pub async fn wrong_totp_code(secret: &str) -> String {
    let right: u32 = totp_code(secret).await.parse().unwrap();
    format!("{:06}", (right + 1) % 1_000_000)
}

/// The `otpauth://` URI the service should give for `account` (already percent-encoded).
pub fn expected_otpauth_uri(account: &str, secret: &str) -> String {
    format!("otpauth://totp/cognito-bff:{account}?secret={secret}&issuer=cognito-bff")
}

/// The TOTP secret in a set-up answer, checked to be there.
#[track_caller]
pub fn secret_of(answer: &Response) -> String {
    let secret = answer.body["secret"]
        .as_str()
        .unwrap_or_else(|| panic!("no TOTP secret: {answer:?}"));
    assert!(!secret.is_empty(), "{answer:?}");
    secret.to_owned()
}

/// Asserts a fresh challenge cookie with the attributes the service always sets.
#[track_caller]
pub fn assert_challenge_cookie(answer: &Response) {
    let max_age = answer.challenge_cookie_max_age();
    assert!((170..=180).contains(&max_age), "Max-Age={max_age}");
    assert_eq!(
        answer.headers.get("cache-control").unwrap(),
        "no-store",
        "{answer:?}"
    );
}

/// Asserts the answer ends the sign-in: tokens, and the challenge cookie cleared.
#[track_caller]
pub fn assert_signed_in(answer: &Response) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    assert_eq!(answer.body["next_step"], "DONE", "{answer:?}");
    assert!(answer.body["tokens"]["access_token"].is_string());
    let cleared = answer.set_cookie().expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

/// Asserts a challenge step: 200, Cognito's challenge name, the client's next step, a cookie.
#[track_caller]
pub fn assert_challenge(answer: &Response, challenge: &str, next_step: &str) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "challenge", "{answer:?}");
    assert_eq!(answer.body["challenge"], challenge, "{answer:?}");
    assert_eq!(answer.body["next_step"], next_step, "{answer:?}");
    assert!(answer.body["parameters"].is_object(), "{answer:?}");
    assert_challenge_cookie(answer);
}

/// `POST /challenge/totp` with `cookie`, or with none.
pub async fn start_totp_setup(app: &TestApp, cookie: Option<&str>) -> Response {
    let mut request = app.http.post(app.url("/challenge/totp"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.send(request).await
}

/// `DELETE path`, with a bearer token if given.
pub async fn delete(app: &TestApp, path: &str, token: Option<&str>) -> Response {
    let request = match token {
        Some(token) => app.with_bearer(Method::DELETE, path, token),
        None => app.http.delete(app.url(path)),
    };
    app.send(request).await
}

/// The body of every call that reached Cognito, with its operation.
pub fn all_calls(app: &TestApp) -> Vec<(String, Value)> {
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

/// Where the pool's SMS would go (the emulator sends none).
fn sms_configuration() -> SmsConfigurationType {
    SmsConfigurationType::builder()
        .sns_caller_arn("arn:aws:iam::123456789012:role/cognito-sms")
        .external_id("cognito-bff-tests")
        .build()
}

/// A code of the same length as `code` that is not it.
pub fn other_code(code: &str) -> String {
    code.chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect()
}

impl UserPool {
    /// Lets the pool send MFA codes by email (an EmailMfaConfiguration), MFA `mode`: `On`
    /// (every user must have MFA) or `Optional`. The pool's other MFA configurations are
    /// cleared, as SetUserPoolMfaConfig does with those it isn't given.
    pub async fn enable_email_mfa(&self, mode: UserPoolMfaType) {
        self.set_mfa_config(mode, false, false).await;
    }

    /// Email and TOTP MFA both: where the emulator asks MFA_SETUP (it needs TOTP or SMS
    /// configured for that), email is offered beside TOTP.
    pub async fn enable_totp_and_email_mfa(&self, mode: UserPoolMfaType) {
        self.set_mfa_config(mode, true, false).await;
    }

    /// Every MFA the pool can offer: TOTP, SMS and email.
    pub async fn enable_every_mfa(&self, mode: UserPoolMfaType) {
        self.set_mfa_config(mode, true, true).await;
    }

    /// Email and SMS MFA: an MFA_SETUP offers email beside SMS, which a sign-in can't set up.
    pub async fn enable_sms_and_email_mfa(&self, mode: UserPoolMfaType) {
        self.set_mfa_config(mode, false, true).await;
    }

    async fn set_mfa_config(&self, mode: UserPoolMfaType, totp: bool, sms: bool) {
        let email = EmailMfaConfigType::builder()
            .subject("Your sign-in code")
            .message("Your sign-in code is {####}.")
            .build();
        let totp = totp.then(|| SoftwareTokenMfaConfigType::builder().enabled(true).build());
        let sms = sms.then(|| {
            SmsMfaConfigType::builder()
                .sms_configuration(sms_configuration())
                .build()
        });
        self.idp
            .set_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .email_mfa_configuration(email)
            .set_software_token_mfa_configuration(totp)
            .set_sms_mfa_configuration(sms)
            .mfa_configuration(mode)
            .send()
            .await
            .expect("set the pool's email MFA configuration");
    }

    /// Turns on TOTP MFA for the pool: `On` (every user must have it) or `Optional`.
    pub async fn enable_totp_mfa(&self, mode: UserPoolMfaType) {
        self.idp
            .set_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .software_token_mfa_configuration(
                SoftwareTokenMfaConfigType::builder().enabled(true).build(),
            )
            .mfa_configuration(mode)
            .send()
            .await
            .expect("set the pool's MFA configuration");
    }

    /// Lets the pool send SMS codes (MFA optional), then gives `username` a phone number and
    /// SMS as the preferred MFA.
    pub async fn enable_sms_mfa(&self, username: &str, phone_number: &str) {
        self.idp
            .set_user_pool_mfa_config()
            .user_pool_id(&self.pool_id)
            .sms_mfa_configuration(
                SmsMfaConfigType::builder()
                    .sms_configuration(sms_configuration())
                    .build(),
            )
            .mfa_configuration(UserPoolMfaType::Optional)
            .send()
            .await
            .expect("set the pool's SMS MFA configuration");
        self.idp
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attr("phone_number", phone_number))
            .user_attributes(attr("phone_number_verified", "true"))
            .send()
            .await
            .expect("give the user a phone number");
        self.idp
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .sms_mfa_settings(
                SmsMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(true)
                    .build(),
            )
            .send()
            .await
            .expect("prefer SMS MFA");
    }

    /// Leaves `username` with the MFAs `on` (Cognito's names: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`,
    /// `EMAIL_OTP`; each set up already) and none preferred: Cognito then asks which to use
    /// (SELECT_MFA_TYPE).
    pub async fn prefer_no_mfa(&self, username: &str, on: &[&str]) {
        let unpreferred = |name: &str| on.contains(&name).then_some(true);
        self.idp
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .set_sms_mfa_settings(unpreferred("SMS_MFA").map(|_| {
                SmsMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(false)
                    .build()
            }))
            .set_software_token_mfa_settings(unpreferred("SOFTWARE_TOKEN_MFA").map(|_| {
                SoftwareTokenMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(false)
                    .build()
            }))
            .set_email_mfa_settings(unpreferred("EMAIL_OTP").map(|_| {
                EmailMfaSettingsType::builder()
                    .enabled(true)
                    .preferred_mfa(false)
                    .build()
            }))
            .send()
            .await
            .expect("keep the MFAs on, none preferred");
    }

    /// In a pool that signs in by email: a user invited with a temporary password. Returns
    /// the pool's internal username for them.
    pub async fn invite_by_email(&self, email: &str, temporary_password: &str) -> String {
        self.idp
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .temporary_password(temporary_password)
            .user_attributes(attr("email", email))
            .user_attributes(attr("email_verified", "true"))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .expect("invite user by email");
        self.idp
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(email)
            .send()
            .await
            .expect("admin get user")
            .username()
            .to_owned()
    }

    /// The Cognito Session of a password sign-in made straight to the peer, not through the
    /// service.
    pub async fn password_sign_in_session(&self, username: &str, password: &str) -> String {
        let mut request = self
            .idp
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if self.client_secret.is_some() {
            request = request.auth_parameters("SECRET_HASH", secret_hash(self, username));
        }
        request
            .send()
            .await
            .expect("password sign-in")
            .session()
            .expect("a challenge session")
            .to_owned()
    }
}
