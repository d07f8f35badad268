//! The challenge store itself, on SQLite and (with TEST_DATABASE_URL) Postgres.

use std::time::Duration;

use crate::support::TestDatabase;
use cognito_bff::challenge::{Attempt, ChallengeStore, Claim, NewChallenge};
use cognito_bff::vocab::Amr;
use cognito_bff::vocab::{ChallengeId, OpaqueId};
use secrecy::{ExposeSecret, SecretString};

async fn store() -> (ChallengeStore, TestDatabase, sqlx::AnyPool) {
    crate::support::database::challenge_store().await
}

/// The lease on every challenge runs out. A lease is the millisecond it ends, and a real one
/// ends only after its whole length has passed, so a later claim's always ends later: the
/// clock first moves past the current millisecond, as it would have, so that no two claims
/// in a test hold equal leases.
async fn leases_run_out(pool: &sqlx::AnyPool) {
    let claimed_by = cognito_bff::clock::now_ms();
    while cognito_bff::clock::now_ms() <= claimed_by {
        tokio::task::yield_now().await;
    }
    sqlx::query("UPDATE challenges SET leased_until = 0")
        .execute(pool)
        .await
        .unwrap();
}

async fn insert(store: &ChallengeStore, ttl: Duration) -> ChallengeId {
    let id = ChallengeId::generate().unwrap();
    store
        .insert(NewChallenge {
            id_hash: &id.hash(),
            session: &SecretString::from("cognito-session"),
            username: "ana",
            login_name: "ana",
            challenge_name: "NEW_PASSWORD_REQUIRED",
            required_attributes: None,
            amr: &Amr::password(),
            ttl,
        })
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn a_claimed_challenge_is_busy_until_released() {
    let (store, _db, _pool) = store().await;
    let id = insert(&store, Duration::from_secs(180)).await;

    let Claim::Claimed(pending) = store.claim(&id.hash()).await.unwrap() else {
        panic!("first claim must succeed");
    };
    assert_eq!(pending.session.expose_secret(), "cognito-session");
    assert_eq!(pending.username, "ana");
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Busy
    ));

    store.release(&id.hash(), pending.lease).await.unwrap();
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Claimed(_)
    ));
    store.consume(&id.hash()).await.unwrap();
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Gone
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_yield_exactly_one_winner() {
    let (store, _db, _pool) = store().await;
    let id = insert(&store, Duration::from_secs(180)).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let hash = id.hash();
            tokio::spawn(async move { store.claim(&hash).await.unwrap() })
        })
        .collect();
    let mut claims = Vec::new();
    for task in tasks {
        claims.push(task.await.unwrap());
    }
    let winners = claims
        .iter()
        .filter(|c| matches!(c, Claim::Claimed(_)))
        .count();
    assert_eq!(winners, 1, "{claims:?}");
}

#[tokio::test]
async fn a_lapsed_lease_lets_the_challenge_be_claimed_again() {
    let (store, _db, pool) = store().await;
    let id = insert(&store, Duration::from_secs(180)).await;
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Claimed(_)
    ));
    // The holder died mid-call: its lease runs out.
    leases_run_out(&pool).await;
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Claimed(_)
    ));
}

#[tokio::test]
async fn a_request_whose_lease_ran_out_cannot_release_anothers_claim() {
    let (store, _db, pool) = store().await;
    let id = insert(&store, Duration::from_secs(180)).await;
    let Claim::Claimed(slow) = store.claim(&id.hash()).await.unwrap() else {
        panic!("first claim");
    };
    // The slow request's lease runs out; another request claims the challenge.
    leases_run_out(&pool).await;
    let Claim::Claimed(_current) = store.claim(&id.hash()).await.unwrap() else {
        panic!("second claim");
    };
    // The slow one comes back: its release and its failed attempt change nothing.
    store.release(&id.hash(), slow.lease).await.unwrap();
    assert_eq!(
        store
            .record_failed_attempt(&id.hash(), slow.lease, 1)
            .await
            .unwrap(),
        Attempt::LeaseLost
    );
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Busy
    ));
}

#[tokio::test]
async fn failed_attempts_are_counted_up_to_the_limit() {
    let (store, _db, _pool) = store().await;
    let id = insert(&store, Duration::from_secs(180)).await;
    for attempt in 1..=3 {
        let Claim::Claimed(pending) = store.claim(&id.hash()).await.unwrap() else {
            panic!("claimable");
        };
        let counted = store
            .record_failed_attempt(&id.hash(), pending.lease, 3)
            .await
            .unwrap();
        let expected = if attempt < 3 {
            Attempt::Usable
        } else {
            Attempt::Exhausted
        };
        assert_eq!(counted, expected);
    }
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claim::Gone
    ));
}

#[tokio::test]
async fn expired_challenges_are_gone_and_purged() {
    let (store, _db, pool) = store().await;
    let live = insert(&store, Duration::from_secs(180)).await;
    let expired = insert(&store, Duration::from_secs(180)).await;
    sqlx::query("UPDATE challenges SET expires_at = 0 WHERE id_hash = $1")
        .bind(expired.hash().as_str())
        .execute(&pool)
        .await
        .unwrap();

    assert!(matches!(
        store.claim(&expired.hash()).await.unwrap(),
        Claim::Gone
    ));
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM challenges")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert!(matches!(
        store.claim(&live.hash()).await.unwrap(),
        Claim::Claimed(_)
    ));
}

#[tokio::test]
async fn a_replaced_challenge_keeps_its_wrong_answers_and_expiry_under_a_new_id() {
    let (store, _db, pool) = store().await;
    let old = insert(&store, Duration::from_secs(180)).await;
    let Claim::Claimed(first) = store.claim(&old.hash()).await.unwrap() else {
        panic!("claimable");
    };
    assert_eq!(
        store
            .record_failed_attempt(&old.hash(), first.lease, 5)
            .await
            .unwrap(),
        Attempt::Usable
    );
    let expiry = |id: &ChallengeId| {
        let pool = pool.clone();
        let hash = id.hash();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT expires_at FROM challenges WHERE id_hash = $1")
                .bind(hash.as_str())
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let old_expiry = expiry(&old).await;

    let Claim::Claimed(pending) = store.claim(&old.hash()).await.unwrap() else {
        panic!("claimable again");
    };
    let new = ChallengeId::generate().unwrap();
    let session = SecretString::from("next-session");
    let replaced = store
        .replace(
            &old.hash(),
            pending.lease,
            NewChallenge {
                id_hash: &new.hash(),
                session: &session,
                username: "ana",
                login_name: "ana@example.com",
                challenge_name: "MFA_SETUP",
                required_attributes: None,
                amr: &Amr::password(),
                // A longer TTL must not buy the challenge more time.
                ttl: Duration::from_secs(3600),
            },
        )
        .await
        .unwrap();
    assert_eq!(replaced, Some(old_expiry));
    assert_eq!(expiry(&new).await, old_expiry);
    assert!(matches!(
        store.claim(&old.hash()).await.unwrap(),
        Claim::Gone
    ));
    let Claim::Claimed(moved) = store.claim(&new.hash()).await.unwrap() else {
        panic!("the new id is claimable");
    };
    assert_eq!(moved.session.expose_secret(), "next-session");
    assert_eq!(moved.login_name.as_deref(), Some("ana@example.com"));
    // The count carried over: four more wrong answers use it up, not five.
    store.release(&new.hash(), moved.lease).await.unwrap();
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let Claim::Claimed(again) = store.claim(&new.hash()).await.unwrap() else {
            panic!("still claimable");
        };
        outcomes.push(
            store
                .record_failed_attempt(&new.hash(), again.lease, 5)
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        outcomes,
        [
            Attempt::Usable,
            Attempt::Usable,
            Attempt::Usable,
            Attempt::Exhausted
        ]
    );
}

#[tokio::test]
async fn a_challenge_is_not_replaced_under_a_lease_that_ran_out() {
    let (store, _db, pool) = store().await;
    let old = insert(&store, Duration::from_secs(180)).await;
    let Claim::Claimed(slow) = store.claim(&old.hash()).await.unwrap() else {
        panic!("claimable");
    };
    // The slow request's lease runs out and another request claims the challenge.
    leases_run_out(&pool).await;
    let Claim::Claimed(_current) = store.claim(&old.hash()).await.unwrap() else {
        panic!("second claim");
    };
    let new = ChallengeId::generate().unwrap();
    let replaced = store
        .replace(
            &old.hash(),
            slow.lease,
            NewChallenge {
                id_hash: &new.hash(),
                session: &SecretString::from("late-session"),
                username: "ana",
                login_name: "ana",
                challenge_name: "MFA_SETUP",
                required_attributes: None,
                amr: &Amr::password(),
                ttl: Duration::from_secs(180),
            },
        )
        .await
        .unwrap();
    assert_eq!(replaced, None);
    assert!(matches!(
        store.claim(&new.hash()).await.unwrap(),
        Claim::Gone
    ));
    assert!(matches!(
        store.claim(&old.hash()).await.unwrap(),
        Claim::Busy
    ));
}
