//! A software passkey authenticator, doing what a browser and a platform authenticator do
//! together: from the options Cognito hands out it makes a registration ("none" attestation,
//! an ES256 key) and, later, assertions, as the JSON `credential.toJSON()` gives. The
//! emulator verifies both for real (py_webauthn), so a test passes only if every byte here is
//! as WebAuthn says.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Authenticator data flags: user present, user verified, attested credential data included.
const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

/// COSE's names for an EC2 key on P-256 used with ES256 (RFC 9053).
const COSE_KTY: i64 = 1;
const COSE_ALG: i64 = 3;
const COSE_CRV: i64 = -1;
const COSE_X: i64 = -2;
const COSE_Y: i64 = -3;
const KTY_EC2: i64 = 2;
const ALG_ES256: i64 = -7;
const CRV_P256: i64 = 1;

pub struct Authenticator {
    key: EcdsaKeyPair,
    credential_id: Vec<u8>,
    /// The page the browser runs the ceremony on: what clientDataJSON says as `origin`.
    origin: String,
    /// The user handle the registration gave (base64url), answered with each assertion.
    user_handle: Option<String>,
    sign_count: u32,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn cbor(value: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).expect("CBOR encodes");
    out
}

fn int(n: i64) -> Cbor {
    Cbor::Integer(n.into())
}

impl Authenticator {
    /// A new authenticator with one fresh key, for pages at `origin` (for example
    /// `http://localhost:8080`).
    pub fn new(origin: impl Into<String>) -> Authenticator {
        let random = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &random)
            .expect("a P-256 key");
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &random)
                .expect("the key reads back");
        let mut credential_id = vec![0u8; 32];
        getrandom::fill(&mut credential_id).expect("random bytes");
        Authenticator {
            key,
            credential_id,
            origin: origin.into(),
            user_handle: None,
            sign_count: 0,
        }
    }

    /// The credential id, base64url, as Cognito lists it.
    pub fn credential_id(&self) -> String {
        b64(&self.credential_id)
    }

    /// The browser's clientDataJSON for a ceremony of `kind` answering `challenge`.
    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "type": kind,
            "challenge": challenge,
            "origin": self.origin,
            "crossOrigin": false,
        }))
        .unwrap()
    }

    /// The COSE_Key of the public key: the uncompressed point's two coordinates.
    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.public_key().as_ref();
        assert_eq!(point.len(), 65, "an uncompressed P-256 point");
        cbor(&Cbor::Map(vec![
            (int(COSE_KTY), int(KTY_EC2)),
            (int(COSE_ALG), int(ALG_ES256)),
            (int(COSE_CRV), int(CRV_P256)),
            (int(COSE_X), Cbor::Bytes(point[1..33].to_vec())),
            (int(COSE_Y), Cbor::Bytes(point[33..].to_vec())),
        ]))
    }

    /// `navigator.credentials.create` with `options` (PublicKeyCredentialCreationOptionsJSON):
    /// the RegistrationResponseJSON, with a "none" attestation.
    pub fn register(&mut self, options: &Value) -> Value {
        let challenge = options["challenge"].as_str().expect("a challenge");
        let rp_id = options["rp"]["id"].as_str().expect("a relying party id");
        let algorithms: Vec<i64> = options["pubKeyCredParams"]
            .as_array()
            .expect("pubKeyCredParams")
            .iter()
            .filter_map(|p| p["alg"].as_i64())
            .collect();
        assert!(algorithms.contains(&ALG_ES256), "ES256 offered: {options}");
        self.user_handle = options["user"]["id"].as_str().map(str::to_owned);
        let client_data = self.client_data("webauthn.create", challenge);

        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP | UV | AT);
        auth_data.extend(self.sign_count.to_be_bytes());
        // AAGUID: all zeros, as authenticators giving "none" attestation may.
        auth_data.extend([0u8; 16]);
        auth_data.extend((self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend(&self.credential_id);
        auth_data.extend(self.cose_key());

        let attestation = cbor(&Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(vec![])),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]));
        let id = self.credential_id();
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })
    }

    /// `navigator.credentials.get` with `options` (PublicKeyCredentialRequestOptionsJSON):
    /// the AuthenticationResponseJSON, signed with this authenticator's key.
    pub fn sign_in(&mut self, options: &Value) -> Value {
        let challenge = options["challenge"].as_str().expect("a challenge");
        let rp_id = options["rpId"].as_str().expect("a relying party id");
        self.sign_count += 1;
        let client_data = self.client_data("webauthn.get", challenge);

        let mut auth_data = Sha256::digest(rp_id.as_bytes()).to_vec();
        auth_data.push(UP | UV);
        auth_data.extend(self.sign_count.to_be_bytes());

        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature = self
            .key
            .sign(&SystemRandom::new(), &signed)
            .expect("an ECDSA signature");
        let id = self.credential_id();
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(signature.as_ref()),
                "userHandle": self.user_handle,
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })
    }
}
