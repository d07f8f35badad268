//! Bearer tokens from the real peer at our own routes: `/verify` for gateways and `/me`.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn header<'a>(answer: &'a Response, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} in {answer:?}"))
}

#[tokio::test]
async fn verify_answers_a_gateway_with_the_callers_identity() {
    let app = TestApp::start().await;
    let token = app.admin_token().await;

    let answer = app.get_with_bearer("/verify", &token).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let (_, attributes) = app.user_pool.admin_get_user(ADMIN).await;
    let sub = &attributes.iter().find(|(n, _)| n == "sub").unwrap().1;
    assert_eq!(header(&answer, "x-auth-sub"), sub);
    assert_eq!(header(&answer, "x-auth-username"), ADMIN);
    assert_eq!(header(&answer, "x-auth-groups"), "admin");
    assert_eq!(header(&answer, "x-auth-client-id"), app.user_pool.client_id);
    assert!(header(&answer, "x-auth-scope").contains("aws.cognito.signin.user.admin"));

    // Gateways forward the original method and path.
    let forwarded = app
        .send(app.with_bearer(Method::POST, "/verify/orders/42?x=1", &token))
        .await;
    assert_eq!(forwarded.status, 200, "{forwarded:?}");
    assert_eq!(header(&forwarded, "x-auth-username"), ADMIN);
}

#[tokio::test]
async fn verify_refuses_without_a_valid_bearer_access_token_and_never_redirects() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let id_token = login.body["tokens"]["id_token"].as_str().unwrap();

    let none = app.get("/verify").await;
    none.assert_problem(401, "missing_token");
    assert_eq!(header(&none, "www-authenticate"), "Bearer");

    let basic = app
        .send(
            app.http
                .get(app.url("/verify"))
                .header("authorization", format!("Basic {}", login.access_token())),
        )
        .await;
    basic.assert_problem(401, "missing_token");

    for bad in [id_token, "garbage", "a.b.c"] {
        let answer = app.get_with_bearer("/verify", bad).await;
        answer.assert_problem(401, "invalid_token");
        assert_eq!(
            header(&answer, "www-authenticate"),
            "Bearer error=\"invalid_token\""
        );
        assert!(answer.headers.get("location").is_none());
        assert!(answer.headers.get("x-auth-sub").is_none());
    }
}

#[tokio::test]
async fn me_returns_identity_and_typed_attributes() {
    let app = TestApp::start().await;
    let token = app.admin_token().await;
    app.post_with_bearer(
        "/admin/users",
        &token,
        json!({
            "username": "jin",
            "attributes": {"email": "jin@example.com", "email_verified": true, "updated_at": 1700000000},
            "temporary_password": "Temp-Passw0rd!"
        }),
    )
    .await;
    let login = app.login("jin", "Temp-Passw0rd!").await;
    let tokens = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    let jin = tokens.access_token();

    let me = app.get_with_bearer("/me", &jin).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], "jin");
    assert_eq!(me.body["client_id"], app.user_pool.client_id);
    assert_eq!(me.body["groups"], json!([]));
    let attributes = &me.body["attributes"];
    assert_eq!(attributes["updated_at"], json!(1700000000));
    assert_eq!(attributes["email_verified"], json!(true));
    assert_eq!(attributes["email"], "jin@example.com");
    assert_eq!(attributes["sub"], me.body["sub"]);
}

#[tokio::test]
async fn me_updates_attributes_with_the_same_typing_as_sign_up() {
    let app = TestApp::start().await;
    let token = app.admin_token().await;

    let updated = app
        .patch_with_bearer(
            "/me",
            &token,
            json!({"attributes": {"nickname": "boss", "updated_at": 1700000001}}),
        )
        .await;
    assert_eq!(updated.status, 200, "{updated:?}");
    let sent = &app.proxy.calls("UpdateUserAttributes")[0]["UserAttributes"];
    assert!(
        sent.as_array()
            .unwrap()
            .contains(&json!({"Name": "updated_at", "Value": "1700000001"}))
    );

    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.body["attributes"]["nickname"], "boss");
    assert_eq!(me.body["attributes"]["updated_at"], json!(1700000001));

    let bad = app
        .patch_with_bearer(
            "/me",
            &token,
            json!({"attributes": {"updated_at": "yesterday"}}),
        )
        .await;
    bad.assert_problem(400, "invalid_attribute");
    assert_eq!(bad.body["attribute"], "updated_at");
    assert_eq!(app.proxy.calls("UpdateUserAttributes").len(), 1);

    app.send(
        app.http
            .patch(app.url("/me"))
            .json(&json!({"attributes": {"nickname": "x"}})),
    )
    .await
    .assert_problem(401, "missing_token");
}

#[tokio::test]
async fn group_names_reach_a_gateway_unambiguously() {
    let app = TestApp::start().await;
    for group in ["ops,admin", "50% off"] {
        app.user_pool
            .idp
            .create_group()
            .user_pool_id(&app.user_pool.pool_id)
            .group_name(group)
            .send()
            .await
            .expect("create group");
        app.user_pool.add_to_group(ADMIN, group).await;
    }
    let token = app.admin_token().await;
    let answer = app.get_with_bearer("/verify", &token).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let mut groups: Vec<&str> = header(&answer, "x-auth-groups").split(',').collect();
    groups.sort();
    // A comma inside a name would otherwise read as two groups, one of them `admin`.
    assert_eq!(groups, ["50%25%20off", "admin", "ops%2Cadmin"]);
}
