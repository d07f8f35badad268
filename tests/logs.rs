//! Secrets never reach the logs: the real binary, logging everything it can (RUST_LOG=trace),
//! is driven through every flow that carries a password, a code, a token, a Cognito session
//! or the challenge cookie, and then none of them may appear in anything it wrote.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::binary::{Binary, Running};
use support::{ADMIN, ADMIN_PASSWORD, Client, Moto, Proxy, UserPool, free_port};

/// How long the server may take to log "listening". It has `binary::WAIT` to exit after
/// SIGTERM.
const START_DEADLINE: Duration = Duration::from_secs(60);

const TEMPORARY_PASSWORD: &str = "Temp-Invite-Passw0rd!";
/// Fails the pool's policy (no upper case, no digit).
const WEAK_NEW_PASSWORD: &str = "weak-new-password-no-caps";
const NEW_PASSWORD: &str = "N3w-Invitee-Passw0rd!";
const SIGNUP_PASSWORD: &str = "S1gnup-Own-Passw0rd!";
const WRONG_PASSWORD: &str = "Wr0ng-Guessed-Passw0rd!";
const RESET_PASSWORD: &str = "R3set-By-Code-Passw0rd!";
const CHANGED_PASSWORD: &str = "Ch4nged-Signed-In-Passw0rd!";
/// Eight digits rather than Cognito's six: the JSON timestamps carry six-digit fractions of a
/// second, and a six-digit code would now and then turn up in one by chance.
const CONFIRMATION_CODE: &str = "48213579";

/// A fresh pool with an admin, a recording proxy in front of the shared moto, and the server
/// started against them in an empty directory, logging at trace level as JSON.
struct Setup {
    proxy: Proxy,
    client_secret: String,
    server: Running,
    client: Client,
    /// Holds the server's working directory (and its database) until the test ends.
    _dir: tempfile::TempDir,
}

async fn start(extra_env: &[(&str, &str)]) -> Setup {
    let moto = Moto::shared();
    let proxy = Proxy::start(&moto.endpoint).await;
    let pool = UserPool::create(&moto.endpoint, true, false).await;
    pool.create_user(ADMIN, ADMIN_PASSWORD).await;
    pool.add_to_group(ADMIN, support::cognito::ADMIN_GROUP)
        .await;
    let client_secret = pool.client_secret.clone().expect("the client has a secret");

    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let mut server = Binary::serve(dir.path())
        .pool(&pool, &proxy.endpoint)
        .env("RUST_LOG", "trace")
        .env("LOG_FORMAT", "json")
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        // Searched for secrets too.
        .capture_stderr();
    for &(name, value) in extra_env {
        server = server.env(name, value);
    }
    let mut server = server.spawn();
    server
        .wait_for_within(START_DEADLINE, "\"listening\"", |event| {
            event["message"] == "listening"
        })
        .await;
    assert!(
        dir.path().join("cognito-bff.db").is_file(),
        "serve did not create its SQLite database in the empty directory"
    );
    let client = Client::new(format!("http://127.0.0.1:{port}"));
    Setup {
        proxy,
        client_secret,
        server,
        client,
        _dir: dir,
    }
}

/// Stops the server with SIGTERM, asserts a clean exit, and returns all of stdout (as lines)
/// and stderr.
async fn stop(mut server: Running) -> (Vec<String>, String) {
    let status = server.terminate().await;
    let stderr = server.stderr().await;
    assert!(
        status.success(),
        "serve exited with {status:?} after SIGTERM; stderr: {stderr}"
    );
    (server.stdout(), stderr)
}

/// `bytes` as Rust's `Debug` prints a byte slice, e.g. `[104, 105]` for "hi": how a body
/// logged as raw bytes would show a secret.
fn debug_bytes(secret: &str) -> String {
    let list: Vec<String> = secret.bytes().map(|b| b.to_string()).collect();
    list.join(", ")
}

/// Asserts that no secret appears in `output`, as text or as a logged byte slice.
#[track_caller]
fn assert_no_leaks(output: &str, secrets: &[(&str, String)]) {
    let mut leaks = Vec::new();
    for (what, secret) in secrets {
        assert!(!secret.is_empty(), "the {what} is empty");
        for (form, needle) in [("", secret.clone()), (" as bytes", debug_bytes(secret))] {
            if let Some(line) = output.lines().find(|line| line.contains(&needle)) {
                leaks.push(format!("the {what}{form} appears in: {line}"));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "secrets reached the logs:\n{}",
        leaks.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_logs_even_at_trace_level() {
    let Setup {
        proxy,
        client_secret,
        server,
        client,
        _dir,
    } = start(&[]).await;
    // Everything secret that passes through the service.
    let mut secrets: Vec<(&str, String)> = vec![
        ("client secret", client_secret),
        ("admin password", ADMIN_PASSWORD.to_owned()),
        ("temporary password", TEMPORARY_PASSWORD.to_owned()),
        ("rejected new password", WEAK_NEW_PASSWORD.to_owned()),
        ("new password", NEW_PASSWORD.to_owned()),
        ("sign-up password", SIGNUP_PASSWORD.to_owned()),
        ("wrong password", WRONG_PASSWORD.to_owned()),
        ("confirmation code", CONFIRMATION_CODE.to_owned()),
    ];

    // The admin signs in.
    let admin = client.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(admin.status, 200, "admin login: {}", admin.body);
    let login_request_id = admin
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("the login answer carries x-request-id")
        .to_owned();
    let admin_token = admin.access_token();
    for name in ["access_token", "id_token", "refresh_token"] {
        secrets.push(("admin token", admin.token(name)));
    }

    // The admin invites a user with a temporary password.
    let invited = client
        .post_with_bearer(
            "/admin/users",
            &admin_token,
            json!({
                "username": "invitee",
                "attributes": {"email": "invitee@example.com"},
                "temporary_password": TEMPORARY_PASSWORD,
                "suppress_message": true
            }),
        )
        .await;
    assert_eq!(invited.status, 201, "invite: {}", invited.body);

    // The invitee signs in with it and is challenged.
    let challenged = client.login("invitee", TEMPORARY_PASSWORD).await;
    assert_eq!(
        challenged.status, 200,
        "challenge login: {}",
        challenged.body
    );
    assert_eq!(challenged.body["challenge"], "NEW_PASSWORD_REQUIRED");
    let cookie = challenged.cookie();
    let (_, value) = cookie.split_once('=').expect("name=value");
    assert!(!value.is_empty());
    secrets.push(("challenge cookie", value.to_owned()));

    // A new password the policy refuses, then one it accepts.
    let refused = client
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": WEAK_NEW_PASSWORD}))
        .await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (400, Some("invalid_password")),
        "weak new password: {}",
        refused.body
    );
    let authenticated = client
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_eq!(
        authenticated.status, 200,
        "new password: {}",
        authenticated.body
    );
    assert_eq!(authenticated.body["status"], "authenticated");
    for name in ["access_token", "id_token", "refresh_token"] {
        secrets.push(("invitee token", authenticated.token(name)));
    }

    // Self sign-up and confirmation.
    let signed_up = client
        .post(
            "/signup",
            json!({
                "username": "selfserve",
                "password": SIGNUP_PASSWORD,
                "attributes": {"email": "selfserve@example.com"}
            }),
        )
        .await;
    assert_eq!(signed_up.status, 201, "sign-up: {}", signed_up.body);
    let confirmed = client
        .post(
            "/signup/confirm",
            json!({"username": "selfserve", "code": CONFIRMATION_CODE}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "confirm: {}", confirmed.body);

    // A wrong password, and a bearer token that is not one.
    let wrong = client.login("selfserve", WRONG_PASSWORD).await;
    assert_eq!(
        (wrong.status, wrong.body["code"].as_str()),
        (401, Some("invalid_credentials")),
        "wrong password: {}",
        wrong.body
    );
    let forged = client
        .post_with_bearer(
            "/admin/users",
            "not.a.token",
            json!({"username": "nobody", "attributes": {"email": "nobody@example.com"}}),
        )
        .await;
    assert_eq!(forged.status, 401, "bad bearer: {}", forged.body);

    // A forgotten password, reset with the code Cognito sent, then changed while signed in.
    let forgot = client
        .post("/password/forgot", json!({"username": "selfserve"}))
        .await;
    assert_eq!(forgot.status, 202, "forgot: {}", forgot.body);
    let reset_code = proxy
        .reply_headers("ForgotPassword", "x-moto-forgot-password-confirmation-code")
        .pop()
        .expect("the emulator issued a reset code");
    secrets.push(("reset code", reset_code.clone()));
    let reset = client
        .post(
            "/password/reset",
            json!({"username": "selfserve", "code": reset_code, "new_password": RESET_PASSWORD}),
        )
        .await;
    assert_eq!(reset.status, 200, "reset: {}", reset.body);
    let selfserve = client.login("selfserve", RESET_PASSWORD).await;
    assert_eq!(
        selfserve.status, 200,
        "login after reset: {}",
        selfserve.body
    );
    for name in ["access_token", "id_token", "refresh_token"] {
        secrets.push(("self-served token", selfserve.token(name)));
    }
    let selfserve_token = selfserve.access_token();
    let changed = client
        .post_with_bearer(
            "/password/change",
            &selfserve_token,
            json!({"previous_password": RESET_PASSWORD, "proposed_password": CHANGED_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status, 200, "change: {}", changed.body);
    secrets.push(("reset password", RESET_PASSWORD.to_owned()));
    secrets.push(("changed password", CHANGED_PASSWORD.to_owned()));

    // An authenticator app set up and confirmed with its first code.
    let setup = client
        .post_with_bearer("/mfa/totp/setup", &selfserve_token, json!({}))
        .await;
    assert_eq!(setup.status, 200, "TOTP set-up: {}", setup.body);
    let totp_secret = setup.body["secret"]
        .as_str()
        .expect("a TOTP secret")
        .to_owned();
    let code = support::mfa::totp_code(&totp_secret).await;
    let verified = client
        .post_with_bearer("/mfa/totp/verify", &selfserve_token, json!({"code": code}))
        .await;
    assert_eq!(verified.status, 200, "TOTP verify: {}", verified.body);
    secrets.push(("TOTP secret", totp_secret));
    // Six digits turn up in timestamps by chance; a leaked code would be a quoted string.
    secrets.push(("TOTP code", format!("\"{code}\"")));

    // The Cognito Session the server kept and sent, never shown to the client.
    let responds = proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 2, "both answers reached Cognito");
    for call in &responds {
        let session = call["Session"].as_str().expect("a Session was sent");
        assert!(!session.is_empty());
        secrets.push(("Cognito session", session.to_owned()));
    }

    drop(client);
    let (lines, stderr) = stop(server).await;

    // Logging worked: the test would otherwise pass with logging silently off.
    assert!(!lines.is_empty(), "serve wrote nothing to stdout");
    let events: Vec<Value> = lines
        .iter()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line:?}"))
        })
        .collect();
    // One line per request: request id, route, status, latency and the Cognito operation.
    let login_finished = events.iter().any(|event| {
        event["message"] == "request finished"
            && event["span"]["route"] == "/login"
            && event["span"]["request_id"] == login_request_id.as_str()
            && event["span"]["cognito_operation"] == "InitiateAuth"
            && event["status"] == 200
            && event["latency_ms"].is_number()
    });
    assert!(
        login_finished,
        "no \"request finished\" line for /login with request_id {login_request_id}"
    );

    // And it kept every secret out.
    assert_no_leaks(&format!("{}\n{stderr}", lines.join("\n")), &secrets);
}

/// The SDK's signer logs each request it signs at trace level, and prints the body too when
/// the environment has LOG_SIGNABLE_BODY=true. The body of AdminCreateUser holds the
/// temporary password; the logging caps must keep it out whatever the environment says.
#[tokio::test(flavor = "multi_thread")]
async fn the_sdk_body_logging_switch_cannot_leak_a_temporary_password() {
    sign_and_invite_with_signable_bodies("trace").await;
}

/// A span filter turns on everything inside the request's span, the SDK's internals
/// included, unless the caps apply after it.
#[tokio::test(flavor = "multi_thread")]
async fn a_span_filter_cannot_lift_the_caps_either() {
    sign_and_invite_with_signable_bodies("info,[request]=trace").await;
}

async fn sign_and_invite_with_signable_bodies(rust_log: &str) {
    let Setup {
        client_secret,
        server,
        client,
        _dir,
        ..
    } = start(&[("LOG_SIGNABLE_BODY", "true"), ("RUST_LOG", rust_log)]).await;

    let admin = client.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(admin.status, 200, "admin login: {}", admin.body);
    let admin_token = admin.access_token();
    let invited = client
        .post_with_bearer(
            "/admin/users",
            &admin_token,
            json!({
                "username": "invitee",
                "attributes": {"email": "invitee@example.com"},
                "temporary_password": TEMPORARY_PASSWORD,
                "suppress_message": true
            }),
        )
        .await;
    assert_eq!(invited.status, 201, "invite: {}", invited.body);

    drop(client);
    let (lines, stderr) = stop(server).await;
    assert!(
        lines.iter().any(|l| l.contains("\"request finished\"")),
        "serve logged no request"
    );
    assert_no_leaks(
        &format!("{}\n{stderr}", lines.join("\n")),
        &[
            ("client secret", client_secret),
            ("admin password", ADMIN_PASSWORD.to_owned()),
            ("temporary password", TEMPORARY_PASSWORD.to_owned()),
            ("admin access token", admin_token),
        ],
    );
    // Nothing from a capped crate below its cap made it out.
    let below_cap = lines.iter().find(|line| {
        let event: Value = serde_json::from_str(line).unwrap_or_default();
        let target = event["target"].as_str().unwrap_or_default();
        let level = event["level"].as_str().unwrap_or_default();
        [
            "aws_sigv4",
            "aws_smithy_runtime",
            "aws_smithy_http_client",
            "hyper",
        ]
        .iter()
        .any(|capped| target.starts_with(capped))
            && matches!(level, "DEBUG" | "TRACE")
    });
    assert!(below_cap.is_none(), "capped crate logged: {below_cap:?}");
}

/// Behind a load balancer that is not in TRUSTED_PROXIES, every client would share its
/// address: the operator is told, once per such peer.
#[tokio::test(flavor = "multi_thread")]
async fn forwarded_for_from_an_untrusted_peer_is_reported_once() {
    let Setup {
        server,
        client,
        _dir,
        ..
    } = start(&[("RUST_LOG", "info")]).await;
    for client_ip in ["203.0.113.5", "198.51.100.7", "203.0.113.5"] {
        let answer = client
            .send(
                client
                    .http
                    .post(client.url("/login"))
                    .header("x-forwarded-for", client_ip)
                    .json(&json!({"username": "nobody", "password": "Wrong-Passw0rd!"})),
            )
            .await;
        assert_eq!(answer.status, 401, "{}", answer.body);
    }
    drop(client);
    let (lines, _) = stop(server).await;
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains("TRUSTED_PROXIES") && line.contains("\"WARN\""))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("127.0.0.1"), "{}", warnings[0]);
}

/// Behind a proxy with TOKEN_DELIVERY=auto, the operator is told that a CDN which strips
/// Origin and Sec-Fetch-Site would make browsers' sign-ins answer with tokens; with
/// TOKEN_DELIVERY=session there is nothing to say.
#[tokio::test(flavor = "multi_thread")]
async fn auto_delivery_behind_a_proxy_is_warned_about_at_start() {
    for (delivery, warnings_expected) in [("auto", 1), ("session", 0)] {
        let Setup {
            server,
            client,
            _dir,
            ..
        } = start(&[
            ("RUST_LOG", "info"),
            ("TRUSTED_PROXIES", "10.0.0.0/8"),
            ("TOKEN_DELIVERY", delivery),
        ])
        .await;
        drop(client);
        let (lines, _) = stop(server).await;
        let warnings = lines
            .iter()
            .filter(|line| line.contains("TOKEN_DELIVERY=auto") && line.contains("\"WARN\""))
            .count();
        assert_eq!(warnings, warnings_expected, "TOKEN_DELIVERY={delivery}");
    }
}

/// A federated sign-in through the pool's domain (the OpenID Connect peer), a cancelled one
/// whose provider wrote its own words, one whose ID token is refused, and a sign-out: none of
/// the flow's secrets (its cookie, state, nonce, the code, the client secret), the session's
/// cookie and tokens, or the provider's text reaches the logs.
#[tokio::test(flavor = "multi_thread")]
async fn a_federated_sign_in_leaves_no_secret_in_the_logs() {
    use std::sync::Arc;

    use base64::Engine;
    use cognito_bff::sessions::{Found, SessionStore};
    use cognito_bff::vocab::{OpaqueId, SessionCipher, SessionId};
    use support::oidc::OidcPeer;

    const CLIENT_ID: &str = "bff-logs";
    const CLIENT_SECRET: &str = "peer-client-secret-for-the-log-test";

    let moto = Moto::shared();
    let pool = UserPool::create(&moto.endpoint, true, false).await;
    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let callback = format!("{base}/oauth/callback");
    let signed_out = format!("{base}/ui/sign-in");
    let peer = OidcPeer::start(CLIENT_ID, CLIENT_SECRET, &[&callback], &[&signed_out]);
    let mut server = Binary::serve(dir.path())
        .pool(&pool, &moto.endpoint)
        .env("RUST_LOG", "trace")
        .env("LOG_FORMAT", "json")
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("SESSION_ENCRYPTION_KEY", support::SESSION_KEY)
        .env("COGNITO_CLIENT_ID", CLIENT_ID)
        .env("COGNITO_CLIENT_SECRET", CLIENT_SECRET)
        .env("COGNITO_DOMAIN", &peer.base_url)
        .env("COGNITO_JWKS_URL", peer.jwks_url())
        .env("COGNITO_ISSUER", peer.issuer())
        .env("OAUTH_REDIRECT_URL", &callback)
        .env("OAUTH_LOGOUT_URL", &signed_out)
        .env("FEDERATED_PROVIDERS", "Google")
        .capture_stderr()
        .spawn();
    server
        .wait_for_within(START_DEADLINE, "\"listening\"", |event| {
            event["message"] == "listening"
        })
        .await;
    let client = Client::new(&base);
    let mut secrets: Vec<(&str, String)> = vec![("client secret", CLIENT_SECRET.to_owned())];

    let cookie_of = |answer: &support::Response, name: &str| {
        answer
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .map(|rest| rest.split(';').next().unwrap().to_owned())
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| panic!("no {name} cookie set"))
    };
    let query_of = |url: &str| -> std::collections::HashMap<String, String> {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    };
    // One flow begun: its cookie, and what the authorize URL carries.
    let begin = async |secrets: &mut Vec<(&str, String)>| {
        let started = client.get("/oauth/start?provider=Google").await;
        assert_eq!(started.status, 302, "{started:?}");
        let flow = cookie_of(&started, "cognito-bff-oauth");
        let authorize = started.headers["location"].to_str().unwrap().to_owned();
        let query = query_of(&authorize);
        secrets.push(("flow cookie", flow.clone()));
        secrets.push(("state", query["state"].clone()));
        secrets.push(("nonce", query["nonce"].clone()));
        (flow, authorize)
    };
    let come_back = async |flow: &str, url: &str| {
        let path = url.strip_prefix(&base).expect("back at the service");
        client
            .send(
                client
                    .http
                    .get(client.url(path))
                    .header("cookie", format!("cognito-bff-oauth={flow}")),
            )
            .await
    };

    // Signed in.
    let (flow, authorize) = begin(&mut secrets).await;
    let back = peer.sign_in(&authorize, "ana").await;
    secrets.push(("code", query_of(&back)["code"].clone()));
    let signed_in = come_back(&flow, &back).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let session = cookie_of(&signed_in, "cognito-bff-session");
    secrets.push(("session cookie", session.clone()));
    // The tokens the service keeps for the session, read back from its database.
    let key: [u8; 32] = base64::engine::general_purpose::STANDARD
        .decode(support::SESSION_KEY)
        .unwrap()
        .try_into()
        .unwrap();
    let db = format!("sqlite://{}", dir.path().join("cognito-bff.db").display());
    let store = SessionStore::new(
        cognito_bff::db::connect(&db, 1).await.unwrap(),
        cognito_bff::db::Backend::Sqlite,
        Arc::new(SessionCipher::new(&key, None)),
        Duration::from_secs(1800),
        Duration::from_secs(15),
        0,
    );
    let Found::Live(stored) = store
        .find(&SessionId::parse(&session).unwrap().hash())
        .await
        .unwrap()
    else {
        panic!("the session is stored");
    };
    secrets.push(("access token", stored.tokens.access_token.clone()));
    secrets.push(("ID token", stored.tokens.id_token.clone().unwrap()));
    secrets.push(("refresh token", stored.tokens.refresh_token.clone()));

    // Cancelled, with the provider's own words.
    let (flow, authorize) = begin(&mut secrets).await;
    let back = peer.cancel(&authorize).await;
    let described = query_of(&back)
        .get("error_description")
        .cloned()
        .expect("the provider describes its error");
    secrets.push(("provider's error_description", described));
    assert_eq!(come_back(&flow, &back).await.status, 403);

    // A tampered ID token, refused: the log names the check, not the token.
    peer.tamper_next_tokens(json!({"id_token": {"claims": {"nonce": "another-flows-nonce"}}}))
        .await;
    let (flow, authorize) = begin(&mut secrets).await;
    let back = peer.sign_in(&authorize, "ana").await;
    secrets.push(("code", query_of(&back)["code"].clone()));
    assert_eq!(come_back(&flow, &back).await.status, 502);

    // Signed out, on to the pool's logout.
    let out = client
        .send(
            client
                .http
                .post(client.url("/logout"))
                .header("cookie", format!("cognito-bff-session={session}"))
                .header("x-csrf", "1"),
        )
        .await;
    assert_eq!(out.status, 200, "{out:?}");

    drop(client);
    let (lines, stderr) = stop(server).await;
    assert!(
        lines.iter().any(|line| line.contains("token_nonce")),
        "the refused check is logged by name"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("\"/oauth/callback\"") && line.contains("request finished")),
        "the callback's request line is logged, by its route"
    );
    assert_no_leaks(&format!("{}\n{stderr}", lines.join("\n")), &secrets);
}
