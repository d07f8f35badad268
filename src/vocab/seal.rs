//! Cognito sessions at rest: AES-256-GCM, so a copy of the database can't finish anyone's
//! sign-in. A stored NEW_PASSWORD_REQUIRED session lets whoever holds it set the password.
//!
//! Sealed form: `v1.<key id>.<base64url(nonce || ciphertext)>`. The key id (the first bytes of
//! the key's SHA-256) picks the key, so a previous key keeps opening rows written before a
//! rotation. The row's id hash is bound in as associated data: a sealed session copied to
//! another row does not open.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const NONCE_LEN: usize = 12;

struct Key {
    id: String,
    cipher: Aes256Gcm,
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Key {
        let digest = Sha256::digest(bytes);
        Key {
            id: digest[..4].iter().map(|b| format!("{b:02x}")).collect(),
            cipher: Aes256Gcm::new_from_slice(bytes).expect("a 32-byte key"),
        }
    }
}

pub struct SessionCipher {
    current: Key,
    previous: Option<Key>,
}

impl SessionCipher {
    pub fn new(current: &[u8; 32], previous: Option<&[u8; 32]>) -> Self {
        SessionCipher {
            current: Key::new(current),
            previous: previous.map(Key::new),
        }
    }

    /// A key that lives as long as the process: sessions don't survive a restart and can't
    /// be shared between replicas.
    pub fn ephemeral() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(SessionCipher::new(&key, None))
    }

    pub fn seal(&self, session: &SecretString, bound_to: &str) -> Result<String, getrandom::Error> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)?;
        let ciphertext = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: session.expose_secret().as_bytes(),
                    aad: bound_to.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any message of this size");
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(format!(
            "{VERSION}.{}.{}",
            self.current.id,
            URL_SAFE_NO_PAD.encode(sealed)
        ))
    }

    /// The session, if a known key opens it; `None` for anything else.
    pub fn open(&self, sealed: &str, bound_to: &str) -> Option<SecretString> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let key = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|k| k.id == key_id)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plaintext = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: bound_to.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plaintext).ok().map(SecretString::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: [u8; 32] = [1; 32];
    const K2: [u8; 32] = [2; 32];

    fn session() -> SecretString {
        SecretString::from("AYABeC0ffee-cognito-session")
    }

    #[test]
    fn seals_and_opens_without_the_plaintext_showing() {
        let cipher = SessionCipher::new(&K1, None);
        let sealed = cipher.seal(&session(), "row-1").unwrap();
        assert!(!sealed.contains("cognito-session"));
        assert!(sealed.starts_with("v1."));
        assert_eq!(
            cipher.open(&sealed, "row-1").unwrap().expose_secret(),
            "AYABeC0ffee-cognito-session"
        );
        assert_ne!(
            sealed,
            cipher.seal(&session(), "row-1").unwrap(),
            "fresh nonces"
        );
    }

    #[test]
    fn a_sealed_session_opens_only_for_its_own_row() {
        let cipher = SessionCipher::new(&K1, None);
        let sealed = cipher.seal(&session(), "row-1").unwrap();
        assert!(cipher.open(&sealed, "row-2").is_none());
    }

    #[test]
    fn the_previous_key_opens_rows_written_before_a_rotation() {
        let before = SessionCipher::new(&K1, None);
        let sealed = before.seal(&session(), "row").unwrap();
        let rotated = SessionCipher::new(&K2, Some(&K1));
        assert!(rotated.open(&sealed, "row").is_some());
        let without_previous = SessionCipher::new(&K2, None);
        assert!(without_previous.open(&sealed, "row").is_none());
    }

    #[test]
    fn tampering_and_junk_do_not_open() {
        let cipher = SessionCipher::new(&K1, None);
        let sealed = cipher.seal(&session(), "row").unwrap();
        let mut bytes = sealed.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(cipher.open(&tampered, "row").is_none());
        for junk in ["", "v1", "v1.x.y", "plain-session", "v2.abcd.AAAA"] {
            assert!(cipher.open(junk, "row").is_none(), "{junk}");
        }
    }
}
