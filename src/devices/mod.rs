//! Remembered devices, where the user pool tracks devices: the service confirms the device
//! each sign-in is issued to, keeps its key, group key and secret sealed on the server, and
//! proves it at later sign-ins, so a device the user chose to remember may skip MFA as the
//! pool says. A browser holds only a long-lived cookie naming the device, an app an opaque
//! `Device-Handle`; neither ever holds the secret.
//!
//! A cookie or handle that names nothing (stale, forged, expired) or a device of someone else
//! is ignored: the sign-in goes on as from a new device, and a new device is confirmed.

mod store;

pub use store::DeviceStore;

use std::time::Duration;

use secrecy::ExposeSecret;

use crate::cognito::srp::DeviceSecrets;
use crate::cognito::{Cognito, Tokens};
use crate::vocab::{DeviceId, IdHash, OpaqueId};
use store::DeviceSecretsStored;

/// A device this service confirmed, as found from the id its holder presented.
#[derive(Debug)]
pub struct KnownDevice {
    id: DeviceId,
    id_hash: IdHash,
    stored: DeviceSecretsStored,
}

impl KnownDevice {
    pub fn key(&self) -> &str {
        &self.stored.device_key
    }

    /// Cognito's name for the user the device was confirmed for.
    pub fn username(&self) -> &str {
        &self.stored.username
    }

    /// The device is the one of whoever signs in as `name` (the name typed last time, or
    /// Cognito's own name for them; names are not case-sensitive).
    pub fn serves(&self, name: &str) -> bool {
        name.eq_ignore_ascii_case(&self.stored.login_name)
            || name.eq_ignore_ascii_case(&self.stored.username)
    }

    pub fn secrets(&self) -> DeviceSecrets<'_> {
        DeviceSecrets {
            device_key: &self.stored.device_key,
            group_key: &self.stored.group_key,
            secret: &self.stored.secret,
        }
    }
}

/// The device a sign-in comes from, as far as the service knows it.
#[derive(Debug, Default)]
pub struct SignInDevice {
    /// The device the request's cookie or handle names, if it names one.
    pub known: Option<KnownDevice>,
    /// `remember_device`: remember the device once signed in.
    pub remember: bool,
    /// What the device is called in the user's list, for a new one.
    pub name: String,
}

impl SignInDevice {
    /// The known device, if it is the one of whoever signs in as `name`.
    pub fn serving(&self, name: &str) -> Option<&KnownDevice> {
        self.known.as_ref().filter(|device| device.serves(name))
    }
}

/// The device a finished sign-in is tracked on: its key (a refresh must name it), and the id
/// the client presents for it, if the service keeps the device.
#[derive(Debug)]
pub struct DeviceAfter {
    pub key: String,
    /// The id of the device kept here: the one the client sent, whose lifetime starts again,
    /// or a new one to hand out.
    pub id: Option<DeviceId>,
    /// Confirmed by this sign-in: an app learns its handle now.
    pub new: bool,
}

/// What became of a device at sign-in: confirmed, confirm_failed, proved, proof_refused, or
/// gone (Cognito no longer has the device named).
pub fn device_outcome(outcome: &'static str) {
    metrics::counter!("device_outcomes_total", "outcome" => outcome).increment(1);
}

/// Device names are shown to the user; Cognito takes up to 1024 characters.
const MAX_NAME: usize = 128;

#[derive(Clone)]
pub struct Devices {
    store: DeviceStore,
    cognito: Cognito,
    lifetime: Duration,
}

impl Devices {
    pub fn new(store: DeviceStore, cognito: Cognito, lifetime: Duration) -> Self {
        Devices {
            store,
            cognito,
            lifetime,
        }
    }

    /// How long a confirmed device is kept (DEVICE_LIFETIME_DAYS): its cookie's lifetime.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// The device `id` names. Anything that goes wrong reads as no device: a sign-in never
    /// fails for it.
    pub async fn find(&self, id: Option<&DeviceId>) -> Option<KnownDevice> {
        let id = id?;
        let id_hash = id.hash();
        match self.store.find(&id_hash).await {
            Ok(Some(stored)) => Some(KnownDevice {
                id: DeviceId::parse(id.expose())?,
                id_hash,
                stored,
            }),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read a device; signing in as from a new one");
                None
            }
        }
    }

    /// After a sign-in on a pool that tracks devices: confirms the new device Cognito issued
    /// the tokens to (and remembers it if asked), or notes the use of the known one the
    /// sign-in named. `username` is Cognito's name for the user, `login_name` the one typed.
    /// A failure leaves the sign-in standing: the tokens are still the device's, so a refresh
    /// names it, but nothing is kept to prove it later.
    pub async fn settle(
        &self,
        tokens: &Tokens,
        device: &SignInDevice,
        named: Option<&KnownDevice>,
        username: &str,
        login_name: &str,
    ) -> Option<DeviceAfter> {
        if let Some(new) = &tokens.new_device {
            // Cognito didn't take the device named (forgotten, say): it is dead here too.
            if let Some(stale) = named {
                self.forget(stale).await;
            }
            let name: String = device.name.chars().take(MAX_NAME).collect();
            let unkept = Some(DeviceAfter {
                key: new.key.clone(),
                id: None,
                new: true,
            });
            let secret = match self
                .cognito
                .confirm_device(&tokens.access_token, &new.key, &new.group_key, &name)
                .await
            {
                Ok(secret) => secret,
                Err(e) => {
                    device_outcome("confirm_failed");
                    tracing::warn!(cognito.error = %e.kind, "cannot confirm a new device; signed in without keeping it");
                    return unkept;
                }
            };
            let stored = DeviceSecretsStored {
                username: username.to_owned(),
                login_name: login_name.to_owned(),
                device_key: new.key.clone(),
                group_key: new.group_key.clone(),
                secret: secret.expose_secret().to_owned(),
            };
            let id = match DeviceId::generate() {
                Ok(id) => id,
                Err(e) => {
                    tracing::warn!(error = %e, "no randomness for a device id");
                    return unkept;
                }
            };
            if let Err(e) = self.store.insert(&id.hash(), &stored, self.lifetime).await {
                device_outcome("confirm_failed");
                tracing::warn!(error = %e, "cannot keep a confirmed device");
                return unkept;
            }
            device_outcome("confirmed");
            self.remember_if_asked(tokens, device, &new.key).await;
            return Some(DeviceAfter {
                key: new.key.clone(),
                id: Some(id),
                new: true,
            });
        }
        let named = named?;
        let mut stored = named.stored.clone();
        stored.login_name = login_name.to_owned();
        if let Err(e) = self
            .store
            .used(&named.id_hash, &stored, self.lifetime)
            .await
        {
            tracing::warn!(error = %e, "cannot note a device's use");
        }
        self.remember_if_asked(tokens, device, named.key()).await;
        Some(DeviceAfter {
            key: named.key().to_owned(),
            id: DeviceId::parse(named.id.expose()),
            new: false,
        })
    }

    async fn remember_if_asked(&self, tokens: &Tokens, device: &SignInDevice, key: &str) {
        if !device.remember {
            return;
        }
        if let Err(e) = self
            .cognito
            .set_device_remembered(&tokens.access_token, key, true)
            .await
        {
            tracing::warn!(cognito.error = %e.kind, "cannot remember a device");
        }
    }

    /// Drops the device here (its holder's cookie or handle names nothing from now on).
    pub async fn forget(&self, device: &KnownDevice) {
        if let Err(e) = self.store.delete(&device.id_hash).await {
            tracing::warn!(error = %e, "cannot drop a device");
        }
    }

    pub fn store(&self) -> &DeviceStore {
        &self.store
    }
}
