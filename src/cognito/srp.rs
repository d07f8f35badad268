//! The client half of Cognito's SRP-6a sign-in (`USER_SRP_AUTH`), so the password never
//! leaves this service.
//!
//! Cognito's variant: the 3072-bit group of RFC 5054 with g = 2; SHA-256; numbers hashed as
//! big-endian bytes with a leading zero byte where the top bit is set; x derived from the pool
//! name, the user's SRP id and the password; the session key stretched with HKDF
//! ("Caldera Derived Key", 16 bytes); and the proof an HMAC over the pool name, user id,
//! SECRET_BLOCK and a timestamp. A remembered device proves itself the same way
//! (`DEVICE_SRP_AUTH`), with its group key, key and secret in place of the pool, user and
//! password, against the verifier this service gave ConfirmDevice. The unit tests check every step against vectors computed by
//! an independent implementation (`tests/fixtures/srp/`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879",
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B",
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836",
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804",
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6",
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226",
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// Why a PASSWORD_VERIFIER challenge can't be answered. None of these carry the values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    #[error("the challenge lacks {0}")]
    Missing(&'static str),
    #[error("the challenge's {0} is malformed")]
    Malformed(&'static str),
    #[error("the server's public value is not usable")]
    UnsafeB,
    #[error("no randomness available")]
    Random,
}

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: std::sync::OnceLock<Group> = std::sync::OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N is valid hex");
        let g = BigUint::from(2u32);
        let k = hash_to_int(&[&padded(&n), &padded(&g)]);
        Group { n, g, k }
    })
}

/// Big-endian bytes with a leading zero byte when the top bit is set, as Cognito hashes them.
fn padded(value: &BigUint) -> Vec<u8> {
    let mut bytes = value.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        bytes.insert(0, 0);
    }
    bytes
}

/// The salt is hashed as given (leading zeros kept), padded the same way.
fn padded_hex(hex: &str) -> Result<Vec<u8>, SrpError> {
    let even = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    let mut bytes = decode_hex(&even).ok_or(SrpError::Malformed("SALT"))?;
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    Ok(bytes)
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.is_empty() || hex.len() % 2 == 1 {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    BigUint::from_bytes_be(&hasher.finalize())
}

/// One sign-in's ephemeral secret `a` and public value `A`.
pub struct SrpClient {
    a: BigUint,
    big_a: BigUint,
}

/// What answers PASSWORD_VERIFIER, besides USERNAME and SECRET_HASH.
pub struct PasswordClaim {
    pub secret_block: String,
    pub signature: String,
    pub timestamp: String,
}

/// The challenge parameters PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) brings.
#[derive(Clone, Copy)]
pub struct VerifierChallenge<'a> {
    pub user_id_for_srp: &'a str,
    pub salt_hex: &'a str,
    pub srp_b_hex: &'a str,
    pub secret_block: &'a str,
}

impl SrpClient {
    pub fn generate() -> Result<Self, SrpError> {
        let mut bytes = [0u8; 128];
        getrandom::fill(&mut bytes).map_err(|_| SrpError::Random)?;
        Ok(Self::with_secret(
            BigUint::from_bytes_be(&bytes) % &group().n,
        ))
    }

    fn with_secret(a: BigUint) -> Self {
        let group = group();
        let big_a = group.g.modpow(&a, &group.n);
        SrpClient { a, big_a }
    }

    /// SRP_A, as InitiateAuth takes it.
    pub fn public_hex(&self) -> String {
        self.big_a.to_str_radix(16)
    }

    /// The key both sides derive; only a client that knows the password gets Cognito's.
    fn session_key(
        &self,
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<[u8; 16], SrpError> {
        let group = group();
        let big_b =
            BigUint::parse_bytes(srp_b_hex.as_bytes(), 16).ok_or(SrpError::Malformed("SRP_B"))?;
        if (&big_b % &group.n) == BigUint::ZERO {
            return Err(SrpError::UnsafeB);
        }
        let u = hash_to_int(&[&padded(&self.big_a), &padded(&big_b)]);
        if u == BigUint::ZERO {
            return Err(SrpError::UnsafeB);
        }
        let identity = Sha256::digest(format!("{pool_name}{user_id}:{password}").as_bytes());
        let x = hash_to_int(&[&padded_hex(salt_hex)?, &identity]);
        // (B - k·g^x) mod N, kept non-negative.
        let kgx = (&group.k * group.g.modpow(&x, &group.n)) % &group.n;
        let base = ((&big_b % &group.n) + &group.n - kgx) % &group.n;
        let s = base.modpow(&(&self.a + &u * &x), &group.n);
        let mut key = [0u8; 16];
        Hkdf::<Sha256>::new(Some(&padded(&u)), &padded(&s))
            .expand(HKDF_INFO, &mut key)
            .expect("16 bytes is a valid HKDF length");
        Ok(key)
    }

    /// Answers PASSWORD_VERIFIER for `user_pool_id` at time `now`.
    pub fn password_claim(
        &self,
        user_pool_id: &str,
        password: &str,
        challenge: &VerifierChallenge<'_>,
        now: time::OffsetDateTime,
    ) -> Result<PasswordClaim, SrpError> {
        // The pool's name is its id without the region.
        let pool_name = user_pool_id
            .split_once('_')
            .map_or(user_pool_id, |(_, name)| name);
        self.claim(pool_name, password, challenge, now)
    }

    /// Answers DEVICE_PASSWORD_VERIFIER for a remembered device: the same proof, with the
    /// device's group key in place of the pool's name, its key in place of the user's id and
    /// its secret in place of the password.
    pub fn device_claim(
        &self,
        device: &DeviceSecrets<'_>,
        challenge: &VerifierChallenge<'_>,
        now: time::OffsetDateTime,
    ) -> Result<PasswordClaim, SrpError> {
        let challenge = VerifierChallenge {
            user_id_for_srp: device.device_key,
            ..*challenge
        };
        self.claim(device.group_key, device.secret, &challenge, now)
    }

    fn claim(
        &self,
        pool_name: &str,
        password: &str,
        challenge: &VerifierChallenge<'_>,
        now: time::OffsetDateTime,
    ) -> Result<PasswordClaim, SrpError> {
        let key = self.session_key(
            pool_name,
            challenge.user_id_for_srp,
            password,
            challenge.salt_hex,
            challenge.srp_b_hex,
        )?;
        // Cognito's block is base64. One that isn't is signed as given rather than refused
        // here: Cognito judges the proof either way, and emulators send plain text.
        let block = STANDARD
            .decode(challenge.secret_block)
            .unwrap_or_else(|_| challenge.secret_block.as_bytes().to_vec());
        let timestamp = timestamp(now);
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(pool_name.as_bytes());
        mac.update(challenge.user_id_for_srp.as_bytes());
        mac.update(&block);
        mac.update(timestamp.as_bytes());
        Ok(PasswordClaim {
            secret_block: challenge.secret_block.to_owned(),
            signature: STANDARD.encode(mac.finalize().into_bytes()),
            timestamp,
        })
    }
}

/// What proves a remembered device: Cognito's key and group key for it, and the secret this
/// service chose when it confirmed the device.
#[derive(Clone, Copy)]
pub struct DeviceSecrets<'a> {
    pub device_key: &'a str,
    pub group_key: &'a str,
    pub secret: &'a str,
}

/// What ConfirmDevice takes for a new device (`DeviceSecretVerifierConfig`), and the secret it
/// was made from, which only this service keeps.
pub struct DeviceVerifier {
    pub secret: String,
    /// Base64 of the salt's bytes.
    pub salt: String,
    /// Base64 of g^x mod N.
    pub password_verifier: String,
}

impl DeviceVerifier {
    /// A random secret for the device, and the SRP verifier Cognito checks later device
    /// sign-ins against: x from the salt and the hash of `group key || device key ":" secret`,
    /// as for a password.
    pub fn generate(group_key: &str, device_key: &str) -> Result<Self, SrpError> {
        let mut secret = [0u8; 40];
        let mut salt = [0u8; 16];
        getrandom::fill(&mut secret).map_err(|_| SrpError::Random)?;
        getrandom::fill(&mut salt).map_err(|_| SrpError::Random)?;
        let secret = STANDARD.encode(secret);
        // The salt in its canonical padded form, so Cognito's hex of it reads back the same.
        let salt = padded(&BigUint::from_bytes_be(&salt).max(BigUint::from(1u32)));
        Ok(Self::with(group_key, device_key, secret, &salt))
    }

    fn with(group_key: &str, device_key: &str, secret: String, salt: &[u8]) -> Self {
        let group = group();
        let identity = Sha256::digest(format!("{group_key}{device_key}:{secret}").as_bytes());
        let x = hash_to_int(&[salt, &identity]);
        let verifier = group.g.modpow(&x, &group.n);
        DeviceVerifier {
            secret,
            salt: STANDARD.encode(salt),
            password_verifier: STANDARD.encode(padded(&verifier)),
        }
    }
}

/// Cognito's TIMESTAMP: e.g. `Tue Nov 3 08:05:09 UTC 2026`, the day not zero-padded.
fn timestamp(now: time::OffsetDateTime) -> String {
    let now = now.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day padding:none] [hour]:[minute]:[second] UTC [year]"
    );
    now.format(&format)
        .expect("every UTC date formats with this description")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// Computed with pycognito's `AWSSRP` (see tests/fixtures/srp/generate.py).
    const VECTORS: &str = include_str!("../../tests/fixtures/srp/vectors.json");

    #[derive(Deserialize)]
    struct Vectors {
        vectors: Vec<Vector>,
        timestamp_cases: Vec<TimestampCase>,
    }

    #[derive(Deserialize)]
    struct Vector {
        pool_id: String,
        user_id_for_srp: String,
        password: String,
        small_a_hex: String,
        large_a_hex: String,
        srp_b_hex: String,
        salt_hex: String,
        secret_block_b64: String,
        timestamp: String,
        hkdf_key_hex: String,
        signature_b64: String,
    }

    #[derive(Deserialize)]
    struct TimestampCase {
        epoch_seconds: i64,
        timestamp: String,
    }

    fn vectors() -> Vectors {
        serde_json::from_str(VECTORS).expect("vectors parse")
    }

    fn client(vector: &Vector) -> SrpClient {
        SrpClient::with_secret(BigUint::parse_bytes(vector.small_a_hex.as_bytes(), 16).unwrap())
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn public_value_matches_the_reference() {
        for vector in vectors().vectors {
            assert_eq!(
                client(&vector).public_hex(),
                vector.large_a_hex.to_lowercase()
            );
        }
    }

    #[test]
    fn derived_key_matches_the_reference() {
        for vector in vectors().vectors {
            let pool_name = vector.pool_id.split_once('_').unwrap().1;
            let key = client(&vector)
                .session_key(
                    pool_name,
                    &vector.user_id_for_srp,
                    &vector.password,
                    &vector.salt_hex,
                    &vector.srp_b_hex,
                )
                .unwrap();
            assert_eq!(
                hex(&key),
                vector.hkdf_key_hex.to_lowercase(),
                "{}",
                vector.user_id_for_srp
            );
        }
    }

    #[test]
    fn password_claim_matches_the_reference() {
        for vector in vectors().vectors {
            let now = parse_timestamp(&vector.timestamp);
            let claim = client(&vector)
                .password_claim(
                    &vector.pool_id,
                    &vector.password,
                    &VerifierChallenge {
                        user_id_for_srp: &vector.user_id_for_srp,
                        salt_hex: &vector.salt_hex,
                        srp_b_hex: &vector.srp_b_hex,
                        secret_block: &vector.secret_block_b64,
                    },
                    now,
                )
                .unwrap();
            assert_eq!(claim.timestamp, vector.timestamp);
            assert_eq!(claim.signature, vector.signature_b64);
            assert_eq!(claim.secret_block, vector.secret_block_b64);
        }
    }

    #[test]
    fn a_wrong_password_gives_another_signature() {
        let vector = &vectors().vectors[0];
        let claim = client(vector)
            .password_claim(
                &vector.pool_id,
                "not-the-password",
                &VerifierChallenge {
                    user_id_for_srp: &vector.user_id_for_srp,
                    salt_hex: &vector.salt_hex,
                    srp_b_hex: &vector.srp_b_hex,
                    secret_block: &vector.secret_block_b64,
                },
                parse_timestamp(&vector.timestamp),
            )
            .unwrap();
        assert_ne!(claim.signature, vector.signature_b64);
    }

    #[test]
    fn timestamps_match_the_reference_format() {
        for case in vectors().timestamp_cases {
            let now = time::OffsetDateTime::from_unix_timestamp(case.epoch_seconds).unwrap();
            assert_eq!(timestamp(now), case.timestamp);
        }
    }

    #[test]
    fn refuses_unsafe_or_malformed_server_values() {
        let vector = &vectors().vectors[0];
        let srp = client(vector);
        let answer = |b: &str, salt: &str, block: &str| {
            srp.password_claim(
                &vector.pool_id,
                &vector.password,
                &VerifierChallenge {
                    user_id_for_srp: &vector.user_id_for_srp,
                    salt_hex: salt,
                    srp_b_hex: b,
                    secret_block: block,
                },
                time::OffsetDateTime::UNIX_EPOCH,
            )
            .err()
        };
        let block = vector.secret_block_b64.as_str();
        assert_eq!(
            answer("0", &vector.salt_hex, block),
            Some(SrpError::UnsafeB)
        );
        assert_eq!(
            answer(N_HEX, &vector.salt_hex, block),
            Some(SrpError::UnsafeB)
        );
        assert_eq!(
            answer("xyz", &vector.salt_hex, block),
            Some(SrpError::Malformed("SRP_B"))
        );
        assert_eq!(
            answer(&vector.srp_b_hex, "zz", block),
            Some(SrpError::Malformed("SALT"))
        );
    }

    /// The server's side of a device sign-in, as Cognito computes it from the verifier alone:
    /// a claim made with the device's secret must match it, and one with another secret not.
    #[test]
    fn a_device_claim_matches_the_verifier_it_was_confirmed_with() {
        let group = group();
        let verifier = DeviceVerifier::generate("-group", "us-east-1_device").unwrap();
        let v = BigUint::from_bytes_be(&STANDARD.decode(&verifier.password_verifier).unwrap());
        let salt = STANDARD.decode(&verifier.salt).unwrap();
        let b = BigUint::from(0x1234_5678_9abc_def0u64) * BigUint::from(0xfeed_beefu32);
        let big_b = (&group.k * &v + group.g.modpow(&b, &group.n)) % &group.n;
        let block = STANDARD.encode(b"secret block");
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let srp = SrpClient::generate().unwrap();
        let claim = |secret: &str| {
            srp.device_claim(
                &DeviceSecrets {
                    device_key: "us-east-1_device",
                    group_key: "-group",
                    secret,
                },
                &VerifierChallenge {
                    user_id_for_srp: "ignored",
                    salt_hex: &hex(&salt),
                    srp_b_hex: &big_b.to_str_radix(16),
                    secret_block: &block,
                },
                now,
            )
            .unwrap()
        };
        let u = hash_to_int(&[&padded(&srp.big_a), &padded(&big_b)]);
        let s = (&srp.big_a * v.modpow(&u, &group.n)).modpow(&b, &group.n);
        let mut key = [0u8; 16];
        Hkdf::<Sha256>::new(Some(&padded(&u)), &padded(&s))
            .expand(HKDF_INFO, &mut key)
            .unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"-group");
        mac.update(b"us-east-1_device");
        mac.update(b"secret block");
        mac.update(timestamp(now).as_bytes());
        let expected = STANDARD.encode(mac.finalize().into_bytes());
        assert_eq!(claim(&verifier.secret).signature, expected);
        assert_ne!(claim("another secret").signature, expected);
    }

    /// The vectors' timestamps back to instants, through the same format.
    fn parse_timestamp(text: &str) -> time::OffsetDateTime {
        let format = time::macros::format_description!(
            "[weekday repr:short] [month repr:short] [day padding:none] [hour]:[minute]:[second] UTC [year]"
        );
        time::PrimitiveDateTime::parse(text, &format)
            .expect("reference timestamp parses")
            .assume_utc()
    }
}
