//! Cognito's SECRET_HASH: `Base64(HMAC-SHA256(client_secret, username + client_id))`.
//!
//! An app client with a secret refuses every user-pool call that lacks it, which is why so many
//! direct integrations turn the secret off. Computing it here keeps the secret on the server.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

pub fn secret_hash(client_secret: &SecretString, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.expose_secret().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors computed independently with Python's `hmac` and `base64` modules.
    #[test]
    fn matches_independently_computed_vectors() {
        let cases = [
            (
                "alice",
                "3n4b5urk1ft4fl3mg5e62d9ado",
                "1k5nd7dqtk9mq0q3b1n9aabbccddeeff00112233445566778899",
                "m5zPtYPpKmcVOiqg34pG2i2lSBV81Iy4XY6zFtsYyVI=",
            ),
            (
                "jürgen@example.com",
                "client123",
                "s3cr3t",
                "K6B/PPjhJ9Qfk5MrP9BwySUQI5kgRKrP0plldXxflCE=",
            ),
        ];
        for (username, client_id, secret, expected) in cases {
            let secret = SecretString::from(secret);
            assert_eq!(secret_hash(&secret, username, client_id), expected);
        }
    }

    #[test]
    fn depends_on_the_username() {
        let secret = SecretString::from("s3cr3t");
        assert_ne!(
            secret_hash(&secret, "alice", "client"),
            secret_hash(&secret, "bob", "client")
        );
    }
}
