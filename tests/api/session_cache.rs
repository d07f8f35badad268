//! Each replica keeps the sessions it read lately in memory, so a signed-in browser's calls
//! skip the database. However warm that memory, a session ended on one replica is refused
//! by every replica from the next request after the answer. On Postgres (the replicas'
//! database) the other replica hears of it by notification; on SQLite by its poll.

use crate::support::browser::{Browser, assert_no_token};
use crate::support::*;
use serde_json::json;

/// Calls the replica until it serves `browser`'s session from memory.
async fn warm(browser: &Browser<'_>, replica: &TestApp) {
    // The first call reads the database and keeps the row; the second is served from it.
    browser.assert_signed_in().await;
    assert!(
        browser.cached_on(replica),
        "the replica keeps the session it read"
    );
    assert_eq!(browser.get("/me").await.status, 200);
}

#[tokio::test]
async fn a_sign_out_on_one_replica_is_refused_by_the_other_at_once_however_warm_its_memory() {
    let a = TestApp::start().await;
    let b = a.replica().start().await;
    let browser = Browser::new(&a);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let on_b = browser.on(&b);
    warm(&on_b, &b).await;
    warm(&browser, &a).await;

    let out = browser.post("/logout", json!({})).await;
    assert_eq!(out.status, 204, "{out:?}");

    // The very next request, on the other replica.
    on_b.get("/me").await.assert_problem(401, "no_session");
    on_b.get("/session").await.assert_problem(401, "no_session");
    assert!(!on_b.cached_on(&b));
    browser.assert_signed_out().await;
}

#[tokio::test]
async fn a_session_ended_from_the_list_is_refused_by_every_replica_at_once() {
    let a = TestApp::start().await;
    let b = a.replica().start().await;
    let laptop = Browser::new(&a);
    let phone = Browser::new(&b);
    laptop.login(ADMIN, ADMIN_PASSWORD).await;
    phone.login(ADMIN, ADMIN_PASSWORD).await;
    warm(&phone, &b).await;
    let phone_on_a = phone.on(&a);
    warm(&phone_on_a, &a).await;

    let list = laptop.get("/sessions").await;
    let other = list.body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ended = laptop.delete(&format!("/sessions/{other}")).await;
    assert_eq!(ended.status, 204, "{ended:?}");

    phone.assert_signed_out().await;
    phone_on_a.assert_signed_out().await;
    laptop.assert_signed_in().await;
    laptop.on(&b).assert_signed_in().await;
}

#[tokio::test]
async fn a_sign_out_everywhere_ends_every_session_of_the_user_in_every_replicas_memory() {
    let a = TestApp::start().await;
    let b = a.replica().start().await;
    let laptop = Browser::new(&a);
    let phone = Browser::new(&b);
    laptop.login(ADMIN, ADMIN_PASSWORD).await;
    phone.login(ADMIN, ADMIN_PASSWORD).await;
    let laptop_on_b = laptop.on(&b);
    warm(&laptop_on_b, &b).await;
    warm(&phone, &b).await;
    // Someone else's session, in the same memory, is not touched.
    a.user_pool.create_user("mina", "Mina-Passw0rd!").await;
    let other_browser = Browser::new(&b);
    other_browser.login("mina", "Mina-Passw0rd!").await;
    warm(&other_browser, &b).await;

    let out = laptop.post("/logout", json!({"everywhere": true})).await;
    assert_eq!(out.status, 204, "{out:?}");

    laptop_on_b.assert_signed_out().await;
    phone.assert_signed_out().await;
    laptop.assert_signed_out().await;
    assert!(
        other_browser.cached_on(&b),
        "mina's session stays in memory"
    );
    other_browser.assert_signed_in().await;
}

#[tokio::test]
async fn the_cache_keeps_only_sessions_the_database_holds_and_no_more_than_its_capacity() {
    let a = TestApp::builder()
        .set("SESSION_CACHE_CAPACITY", "2")
        .start()
        .await;
    let store = a.state.sessions.store();

    // Cookies of the right shape that name nothing: each is refused, none is kept.
    for _ in 0..50 {
        let stranger = Browser::new(&a);
        stranger.plant(
            crate::support::browser::SESSION_COOKIE,
            &random_session_cookie(),
        );
        stranger.get("/me").await.assert_problem(401, "no_session");
    }
    assert_eq!(store.cached(), 0);

    let browsers = [Browser::new(&a), Browser::new(&a), Browser::new(&a)];
    for browser in &browsers {
        browser.login(ADMIN, ADMIN_PASSWORD).await;
        let me = browser.get("/me").await;
        assert_eq!(me.status, 200, "{me:?}");
        assert_no_token(&me);
    }
    assert!(store.cached() <= 2, "{} sessions held", store.cached());
    // Whatever was let go is read again.
    for browser in &browsers {
        browser.assert_signed_in().await;
    }
}

#[tokio::test]
async fn with_the_cache_off_every_request_reads_the_database() {
    let a = TestApp::builder()
        .set("SESSION_CACHE_CAPACITY", "0")
        .start()
        .await;
    let browser = Browser::new(&a);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    browser.assert_signed_in().await;
    browser.assert_signed_in().await;
    assert!(!browser.cached_on(&a));
    assert_eq!(a.state.sessions.store().cached(), 0);
}

/// What a session cookie looks like: 32 random bytes, base64url.
fn random_session_cookie() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
#[ignore = "needs Postgres (TEST_DATABASE_URL): a SQLite file can't go away while the process runs"]
async fn a_replica_that_stops_hearing_stops_serving_from_memory_before_a_sign_out_is_answered() {
    let db = TestDatabase::create().await;
    assert!(
        db.is_postgres(),
        "set TEST_DATABASE_URL to a Postgres server to run this test"
    );
    let relay = crate::support::tcp_relay::TcpRelay::start(db.address()).await;
    let a = TestApp::builder().database(db.share()).start().await;
    let b = a.replica().database(db.via_port(relay.port)).start().await;
    let browser = Browser::new(&a);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let on_b = browser.on(&b);
    warm(&on_b, &b).await;

    let lapses_before = lapses(&b).await;

    // The replica loses its database: it hears of no end and renews no lease.
    relay.cut().await;
    let out = browser.post("/logout", json!({})).await;
    assert_eq!(out.status, 204, "{out:?}");

    // The sign-out was answered only once the replica's lease had run out: the replica no
    // longer trusts its memory, and without its database it can't say who is signed in.
    on_b.get("/me")
        .await
        .assert_problem(503, "database_unavailable");
    relay.restore();
    on_b.get("/me").await.assert_problem(401, "no_session");

    // Its operator is told, once the replica has its lease again.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while lapses(&b).await == lapses_before {
        assert!(
            std::time::Instant::now() < deadline,
            "the lapse was never counted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `browser_session_cache_lapses_total` as the replica's `/metrics` shows it (the counter is
/// shown from the start, at 0).
async fn lapses(replica: &TestApp) -> u64 {
    let text = replica.scrape().await;
    text.lines()
        .find_map(|line| line.strip_prefix("browser_session_cache_lapses_total "))
        .unwrap_or_else(|| panic!("no browser_session_cache_lapses_total in:\n{text}"))
        .trim()
        .parse()
        .expect("a count")
}
