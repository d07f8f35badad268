//! The opaque ids a client holds in a cookie (a pending challenge's, a browser session's, a
//! device's, a federated sign-in's), and the hash the server stores in their place. Each is a
//! type of its own, so one can't be taken for another. Cognito's own ids a path names, a device's key and a passkey's
//! credential id, are parsed here too.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of an opaque id: what the database holds and looks up by. Shared, not copied,
/// when a session read from the cache is handed to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdHash(std::sync::Arc<str>);

impl IdHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A hash read back from the database, where only hashes are written.
    pub fn from_stored(hex: String) -> Self {
        IdHash(hex.into())
    }
}

/// What both ids are: 32 bytes from the operating system's CSPRNG, base64url without padding
/// (43 characters), never printed.
pub trait OpaqueId: Sized {
    fn generate() -> Result<Self, getrandom::Error>;
    /// Accepts only the shape `generate` produces, so junk never reaches the database.
    fn parse(value: &str) -> Option<Self>;
    fn hash(&self) -> IdHash;
    fn expose(&self) -> &str;
}

macro_rules! opaque_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(SecretString);

        impl OpaqueId for $name {
            fn generate() -> Result<Self, getrandom::Error> {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes)?;
                Ok($name(SecretString::from(URL_SAFE_NO_PAD.encode(bytes))))
            }

            fn parse(value: &str) -> Option<Self> {
                // 32 bytes are 43 characters; decoded on the stack (every call through a
                // signed-in page reads one).
                let mut bytes = [0u8; 48];
                let decoded = (value.len() == 43)
                    .then(|| URL_SAFE_NO_PAD.decode_slice(value, &mut bytes).ok())
                    .flatten();
                (decoded == Some(32)).then(|| $name(SecretString::from(value)))
            }

            fn hash(&self) -> IdHash {
                hash(self.0.expose_secret())
            }

            fn expose(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(redacted)"))
            }
        }
    };
}

opaque_id!(
    /// A pending sign-in challenge's id, in the challenge cookie or `Challenge-Handle`.
    ChallengeId
);

opaque_id!(
    /// A browser session's id, in the session cookie.
    SessionId
);

opaque_id!(
    /// A device this service confirmed for a user, in the device cookie or `Device-Handle`.
    DeviceId
);

opaque_id!(
    /// A federated sign-in under way at the pool's domain, in the flow's cookie.
    FlowId
);

/// Cognito's key for one of a user's devices, as a path names it: `{region}_{id}`, 1 to 55
/// characters (the API's pattern `[\w-]+_[0-9a-f-]+`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKey(String);

impl DeviceKey {
    pub fn parse(value: &str) -> Option<Self> {
        let (region, id) = value.split_once('_')?;
        let fits = value.len() <= 55
            && !region.is_empty()
            && !id.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-');
        fits.then(|| DeviceKey(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A passkey's credential id, as Cognito lists it and a path or a credential names it:
/// base64url without padding (WebAuthn's JSON encoding) of 1 to 1023 bytes, WebAuthn's bound
/// on a credential id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialId(String);

impl CredentialId {
    /// 1023 bytes, in base64url without padding.
    pub const MAX_CHARS: usize = 1364;

    pub fn parse(value: &str) -> Option<Self> {
        if value.is_empty() || value.len() > Self::MAX_CHARS {
            return None;
        }
        // Strict: no padding, no other alphabet, no stray bits in the last character.
        URL_SAFE_NO_PAD
            .decode(value)
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .map(|_| CredentialId(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn hash(value: &str) -> IdHash {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(value.as_bytes());
    // One allocation: every request with a session cookie hashes it.
    let mut hex = [0u8; 64];
    for (pair, b) in hex.chunks_exact_mut(2).zip(digest) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    IdHash(std::str::from_utf8(&hex).expect("hex digits").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_distinct_and_parse_back() {
        let a = ChallengeId::generate().unwrap();
        let b = ChallengeId::generate().unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        let parsed = ChallengeId::parse(a.expose()).expect("own ids parse");
        assert_eq!(parsed.hash(), a.hash());
        let session = SessionId::parse(a.expose()).expect("the same shape");
        assert_eq!(session.hash(), a.hash());
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(ChallengeId::parse("").is_none());
        assert!(SessionId::parse("not base64!").is_none());
        assert!(ChallengeId::parse("c2hvcnQ").is_none());
        // 32 bytes' length, but stray bits in the last character, padding, or the other
        // alphabet.
        let id = "A".repeat(43);
        assert!(SessionId::parse(&id).is_some());
        assert!(SessionId::parse(&format!("{}B", "A".repeat(42))).is_none());
        assert!(SessionId::parse(&format!("{id}=")).is_none());
        assert!(SessionId::parse(&format!("+{}", "A".repeat(42))).is_none());
        assert!(SessionId::parse(&"A".repeat(44)).is_none());
    }

    #[test]
    fn device_keys_keep_cognitos_shape() {
        assert!(DeviceKey::parse("us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").is_some());
        for bad in [
            "",
            "_abc",
            "us-east-1_",
            "us-east-1_XYZ",
            "us east_1",
            "a/b_1",
        ] {
            assert!(DeviceKey::parse(bad).is_none(), "{bad}");
        }
        assert!(DeviceKey::parse(&format!("r_{}", "a".repeat(54))).is_none());
    }

    #[test]
    fn credential_ids_are_base64url_of_at_most_1023_bytes() {
        let longest = URL_SAFE_NO_PAD.encode([7u8; 1023]);
        assert_eq!(longest.len(), CredentialId::MAX_CHARS);
        assert!(CredentialId::parse(&longest).is_some());
        assert!(CredentialId::parse("AQID-_8").is_some());
        let too_long = URL_SAFE_NO_PAD.encode([7u8; 1024]);
        for bad in [
            "",
            "AQID-_8=",
            "AQID+/8",
            "AQ ID",
            // Two characters whose last one carries bits no byte holds.
            "AB",
            too_long.as_str(),
        ] {
            assert!(CredentialId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn hash_is_sha256_hex() {
        // The FIPS 180-2 test vector for SHA-256("abc").
        assert_eq!(
            hash("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ids_never_print() {
        let id = SessionId::generate().unwrap();
        assert_eq!(format!("{id:?}"), "SessionId(redacted)");
    }
}
