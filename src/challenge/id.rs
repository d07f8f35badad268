//! The opaque id a client holds in a cookie (a pending challenge's, or a browser session's),
//! and the hash the server stores.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// 32 bytes from the operating system's CSPRNG, base64url without padding (43 characters).
pub struct ChallengeId(SecretString);

/// Hex SHA-256 of a challenge id: what the database holds and looks up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdHash(String);

impl ChallengeId {
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(ChallengeId(SecretString::from(
            URL_SAFE_NO_PAD.encode(bytes),
        )))
    }

    /// Accepts only the shape `generate` produces, so junk never reaches the database.
    pub fn parse(value: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(value).ok()?;
        (decoded.len() == 32).then(|| ChallengeId(SecretString::from(value)))
    }

    pub fn hash(&self) -> IdHash {
        let digest = Sha256::digest(self.0.expose_secret().as_bytes());
        IdHash(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for ChallengeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeId(redacted)")
    }
}

impl IdHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A hash read back from the database, where only hashes are written.
    pub fn from_stored(hex: String) -> Self {
        IdHash(hex)
    }
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
    }

    #[test]
    fn rejects_other_shapes() {
        assert!(ChallengeId::parse("").is_none());
        assert!(ChallengeId::parse("not base64!").is_none());
        assert!(ChallengeId::parse("c2hvcnQ").is_none());
    }

    #[test]
    fn hash_is_sha256_hex() {
        // The FIPS 180-2 test vector for SHA-256("abc").
        let id = ChallengeId(SecretString::from("abc"));
        assert_eq!(
            id.hash().as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
