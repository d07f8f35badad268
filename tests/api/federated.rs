//! Federated sign-in through the pool's managed login: the flow's store on SQLite and (with
//! TEST_DATABASE_URL) Postgres, and the routes as a browser and an attacker meet them.

use std::sync::Arc;
use std::time::Duration;

use cognito_bff::oauth::{Claimed, Flow, FlowStore};
use cognito_bff::vocab::{FlowId, OpaqueId, SessionCipher};
use sqlx::Row;

use crate::support::TestDatabase;

async fn flow_store(key: [u8; 32]) -> (FlowStore, TestDatabase, sqlx::AnyPool) {
    let db = TestDatabase::create().await;
    let pool = db.migrated().await;
    let store = FlowStore::new(pool.clone(), Arc::new(SessionCipher::new(&key, None)));
    (store, db, pool)
}

fn flow(n: u8) -> Flow {
    Flow {
        state: format!("state-{n}-abcdefghijklmnopqrstuvwxyz0123456"),
        verifier: format!("verifier-{n}-abcdefghijklmnopqrstuvwxyz0123"),
        nonce: format!("nonce-{n}-abcdefghijklmnopqrstuvwxyz0123456"),
        return_to: format!("https://app.example.test/orders/{n}"),
    }
}

#[tokio::test]
async fn a_flow_is_claimed_once_and_then_gone() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(1), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(store.count().await.unwrap(), 1);

    let Claimed::Live(claimed) = store.claim(&id.hash()).await.unwrap() else {
        panic!("the first claim gets the flow");
    };
    assert_eq!(claimed.state, flow(1).state);
    assert_eq!(claimed.verifier, flow(1).verifier);
    assert_eq!(claimed.nonce, flow(1).nonce);
    assert_eq!(claimed.return_to, flow(1).return_to);
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claimed::Gone
    ));
    assert_eq!(store.count().await.unwrap(), 0);
    // An id never stored finds nothing either.
    let other = FlowId::generate().unwrap();
    assert!(matches!(
        store.claim(&other.hash()).await.unwrap(),
        Claimed::Gone
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_yield_exactly_one_flow() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(2), Duration::from_secs(600))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let hash = id.hash();
            tokio::spawn(async move { store.claim(&hash).await.unwrap() })
        })
        .collect();
    let mut live = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), Claimed::Live(_)) {
            live += 1;
        }
    }
    assert_eq!(live, 1);
}

#[tokio::test]
async fn an_expired_flow_is_refused_and_purged() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let expired = FlowId::generate().unwrap();
    let live = FlowId::generate().unwrap();
    store
        .insert(&expired.hash(), &flow(3), Duration::ZERO)
        .await
        .unwrap();
    store
        .insert(&live.hash(), &flow(4), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    assert_eq!(store.count().await.unwrap(), 1);

    let stale = FlowId::generate().unwrap();
    store
        .insert(&stale.hash(), &flow(5), Duration::ZERO)
        .await
        .unwrap();
    assert!(matches!(
        store.claim(&stale.hash()).await.unwrap(),
        Claimed::Gone
    ));
    assert!(matches!(
        store.claim(&live.hash()).await.unwrap(),
        Claimed::Live(_)
    ));
}

#[tokio::test]
async fn a_row_holds_no_secret_in_the_clear_and_opens_only_under_its_own_id_and_key() {
    let (store, db, pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(6), Duration::from_secs(600))
        .await
        .unwrap();
    let row = sqlx::query("SELECT id_hash, sealed FROM oauth_flows")
        .fetch_one(&pool)
        .await
        .unwrap();
    let id_hash: String = row.try_get("id_hash").unwrap();
    let sealed: String = row.try_get("sealed").unwrap();
    assert_eq!(id_hash, id.hash().as_str());
    assert!(!id_hash.contains(id.expose()));
    for secret in ["state-6", "verifier-6", "nonce-6", "orders/6"] {
        assert!(!sealed.contains(secret), "{secret} in the clear");
    }

    // The sealed text moved under another id does not open there.
    let other = FlowId::generate().unwrap();
    sqlx::query("UPDATE oauth_flows SET id_hash = $1")
        .bind(other.hash().as_str())
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        store.claim(&other.hash()).await.unwrap(),
        Claimed::Unreadable
    ));

    // A replica with another key can't read it, and the claim still ends the flow.
    let elsewhere = FlowStore::new(
        db.migrated().await,
        Arc::new(SessionCipher::new(&[8; 32], None)),
    );
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(7), Duration::from_secs(600))
        .await
        .unwrap();
    assert!(matches!(
        elsewhere.claim(&id.hash()).await.unwrap(),
        Claimed::Unreadable
    ));
    assert_eq!(store.count().await.unwrap(), 0);
}
