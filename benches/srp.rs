//! The CPU one SRP sign-in costs the service (`COGNITO_AUTH_FLOW=USER_SRP_AUTH`): a fresh
//! `A = g^a`, then the PASSWORD_VERIFIER proof, with Cognito-shaped challenge values.
//!
//! Run: `cargo bench --bench srp` (beside `cargo bench -p cognito-verifier --bench verify`
//! for the cost of a token verification).

use std::hint::black_box;

use cognito_bff::cognito::srp::{SrpClient, VerifierChallenge};
use criterion::{Criterion, criterion_group, criterion_main};

const POOL: &str = "us-east-1_bench0pool";

fn bench_srp(c: &mut Criterion) {
    // A 3072-bit B, a 128-bit salt, a base64 secret block.
    let srp_b = "9a".repeat(384);
    let mut group = c.benchmark_group("srp_sign_in");
    group.bench_function("password_verifier", |b| {
        b.iter(|| {
            let srp = SrpClient::generate().expect("randomness");
            black_box(srp.public_hex());
            srp.password_claim(
                POOL,
                black_box("Corr3ct-Horse-Battery"),
                &VerifierChallenge {
                    user_id_for_srp: "6a1b5f0e-3c2d-4e8f-9a7b-1c2d3e4f5a6b",
                    salt_hex: "c1f0a3b2d4e5f60718293a4b5c6d7e8f",
                    srp_b_hex: &srp_b,
                    secret_block: "c2VjcmV0LWJsb2Nr",
                },
                time::OffsetDateTime::now_utc(),
            )
            .expect("a claim")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_srp);
criterion_main!(benches);
