//! What the shared limits cost a sign-in: the accounting of one sign-in against budgets kept
//! in Postgres (every replica's view) beside the same budgets kept in memory (one replica),
//! measured side by side in one run.
//!
//! Per sign-in, as the service does it:
//! - a correct password: the attempt counted (part and name), given back, and the address
//!   remembered as familiar for the name;
//! - a wrong password: the attempt counted, kept;
//! - a wrong MFA code: the attempt counted against the user, kept.
//!
//! Each round runs every case for N sign-ins one after another on one task (latency), then
//! with 8 tasks at once (throughput); rounds alternate which store goes first. Every sign-in
//! uses a name of its own, so no budget is ever spent and every statement does its full work.
//!
//! Run: `cargo bench --bench limits` with Postgres at BENCH_DATABASE_URL (default
//! postgres://postgres@127.0.0.1:5432/test; a scratch database is made beside it and dropped).
//! SIGN_INS=N per case and round (default 2000), ROUNDS=N (default 5).

use std::sync::Arc;
use std::time::Instant;

use cognito_bff::db::{self, Backend};
use cognito_bff::input::Username;
use cognito_bff::limits::{ClientAddr, LimitSettings, LimitStore, Limits};

const TASKS: usize = 8;

fn settings() -> LimitSettings {
    LimitSettings {
        per_ip: 0,
        failures_per_username: 1_000_000,
        messages_per_username: 1_000_000,
        mfa_failures_per_user: 1_000_000,
        per_user: 1_000_000,
    }
}

#[derive(Clone, Copy)]
enum Case {
    Correct,
    Wrong,
    WrongMfa,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::Correct => "correct password",
            Case::Wrong => "wrong password",
            Case::WrongMfa => "wrong MFA code",
        }
    }
}

async fn sign_in(limits: &Limits, case: Case, n: usize, round: usize) {
    let name = format!("user-{round}-{n}");
    let client = ClientAddr::Ip(std::net::Ipv4Addr::from(0xC000_0200 + n as u32 % 256).into());
    match case {
        Case::Correct => {
            let username = Username::parse(name.clone()).unwrap();
            let attempt = limits.attempt(&username, &client).await.unwrap();
            attempt.give_back().await;
            limits.signed_in(&name, &client).await;
        }
        Case::Wrong => {
            let username = Username::parse(name).unwrap();
            let _failed = limits.attempt(&username, &client).await.unwrap();
        }
        Case::WrongMfa => {
            let _failed = limits.mfa_attempt(&name, &name, &client).await.unwrap();
        }
    }
}

/// Microseconds per sign-in, one at a time; then sign-ins a second with TASKS at once.
async fn measure(limits: &Arc<Limits>, case: Case, sign_ins: usize, round: usize) -> (f64, f64) {
    let started = Instant::now();
    for n in 0..sign_ins {
        sign_in(limits, case, n, round * 2).await;
    }
    let latency = started.elapsed().as_secs_f64() * 1e6 / sign_ins as f64;

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let limits = limits.clone();
        tasks.spawn(async move {
            for n in (task..sign_ins).step_by(TASKS) {
                sign_in(&limits, case, n, round * 2 + 1).await;
            }
        });
    }
    tasks.join_all().await;
    let rate = sign_ins as f64 / started.elapsed().as_secs_f64();
    (latency, rate)
}

fn median_and_range(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    format!(
        "{:.0} ({:.0}–{:.0})",
        values[values.len() / 2],
        values[0],
        values[values.len() - 1]
    )
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sign_ins = env_number("SIGN_INS", 2000);
    let rounds = env_number("ROUNDS", 5);
    let admin_url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let scratch = format!("bench_limits_{}", std::process::id());
    let admin = db::connect(&admin_url, 1)
        .await
        .expect("Postgres at BENCH_DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {scratch}"))
        .execute(&admin)
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let pool = db::connect(&format!("{base}/{scratch}"), 10).await.unwrap();
    db::migrate(&pool).await.unwrap();

    let stores: [(&str, Arc<Limits>); 2] = [
        ("memory", Arc::new(Limits::new(settings(), vec![]))),
        (
            "postgres",
            Arc::new(Limits::shared(
                settings(),
                vec![],
                Arc::new(LimitStore::new(pool.clone(), Backend::Postgres)),
            )),
        ),
    ];
    // Warm up: connections open, statements prepared.
    for (_, limits) in &stores {
        for case in [Case::Correct, Case::Wrong, Case::WrongMfa] {
            measure(limits, case, 200, 1000).await;
        }
    }

    println!("{sign_ins} sign-ins per case and round, {rounds} rounds; medians (range)\n");
    println!("| case | store | µs per sign-in, one at a time | sign-ins/s, {TASKS} at once |");
    println!("|---|---|---|---|");
    for case in [Case::Correct, Case::Wrong, Case::WrongMfa] {
        let mut results: Vec<(Vec<f64>, Vec<f64>)> = vec![Default::default(); stores.len()];
        for round in 0..rounds {
            let mut order: Vec<usize> = (0..stores.len()).collect();
            if round % 2 == 1 {
                order.reverse();
            }
            for i in order {
                let (latency, rate) = measure(&stores[i].1, case, sign_ins, round).await;
                results[i].0.push(latency);
                results[i].1.push(rate);
            }
        }
        for ((store, _), (mut latency, mut rate)) in stores.iter().zip(results) {
            println!(
                "| {} | {store} | {} | {} |",
                case.name(),
                median_and_range(&mut latency),
                median_and_range(&mut rate)
            );
        }
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM limit_budgets")
        .fetch_one(&pool)
        .await
        .unwrap();
    println!("\nrows in limit_budgets after the run: {rows}");

    pool.close().await;
    let _ = sqlx::query(&format!("DROP DATABASE {scratch} WITH (FORCE)"))
        .execute(&admin)
        .await;
}
