//! Device tracking: confirming the device a sign-in was issued to, proving a remembered one at
//! sign-in (`DEVICE_SRP_AUTH`), and the user's own list of devices.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{
    DeviceRememberedStatusType, DeviceSecretVerifierConfigType, DeviceType,
};
use secrecy::SecretString;

use super::srp::{self, DeviceSecrets, DeviceVerifier, SrpError};
use super::{AuthStep, Cognito, CognitoError, CognitoErrorKind, EndUser, blocking, observe};

/// One of the user's devices, as Cognito lists it.
#[derive(Debug, Clone)]
pub struct DeviceRecord {
    pub key: String,
    pub name: Option<String>,
    pub remembered: bool,
    /// Seconds since the epoch.
    pub last_used: Option<i64>,
    pub created: Option<i64>,
}

impl From<&DeviceType> for DeviceRecord {
    fn from(device: &DeviceType) -> Self {
        let attribute = |name: &str| {
            device
                .device_attributes()
                .iter()
                .find(|a| a.name() == name)
                .and_then(|a| a.value())
                .map(str::to_owned)
        };
        DeviceRecord {
            key: device.device_key().unwrap_or_default().to_owned(),
            name: attribute("device_name"),
            remembered: attribute("dev:device_remembered_status").as_deref() == Some("remembered"),
            last_used: device
                .device_last_authenticated_date()
                .or(device.device_last_modified_date())
                .map(|d| d.secs()),
            created: device.device_create_date().map(|d| d.secs()),
        }
    }
}

/// ListDevices pages: 60 devices each, the most Cognito gives at once.
const PAGE: i32 = 60;
/// Pages followed at most, so a user with very many devices costs a bounded number of calls.
const MAX_PAGES: usize = 5;

impl Cognito {
    /// Confirms the device a sign-in was issued to (its `NewDeviceMetadata`), with a verifier
    /// made here. Returns the secret that proves the device from now on.
    pub async fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        group_key: &str,
        name: &str,
    ) -> Result<SecretString, CognitoError> {
        let (group, key) = (group_key.to_owned(), device_key.to_owned());
        let verifier = blocking(move || DeviceVerifier::generate(&group, &key))
            .await
            .map_err(|e| srp_refused("ConfirmDevice", e))?;
        let config = DeviceSecretVerifierConfigType::builder()
            .password_verifier(verifier.password_verifier)
            .salt(verifier.salt)
            .build();
        observe(
            "ConfirmDevice",
            self.client
                .confirm_device()
                .access_token(access_token)
                .device_key(device_key)
                .device_secret_verifier_config(config)
                .device_name(name)
                .send(),
        )
        .await?;
        Ok(SecretString::from(verifier.secret))
    }

    /// Remembers the device (later sign-ins from it may skip MFA, as the pool says), or stops.
    pub async fn set_device_remembered(
        &self,
        access_token: &str,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), CognitoError> {
        let status = if remembered {
            DeviceRememberedStatusType::Remembered
        } else {
            DeviceRememberedStatusType::NotRemembered
        };
        observe(
            "UpdateDeviceStatus",
            self.client
                .update_device_status()
                .access_token(access_token)
                .device_key(device_key)
                .device_remembered_status(status)
                .send(),
        )
        .await?;
        Ok(())
    }

    /// The signed-in user's devices.
    pub async fn list_devices(
        &self,
        access_token: &str,
    ) -> Result<Vec<DeviceRecord>, CognitoError> {
        let mut devices = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let out = observe(
                "ListDevices",
                self.client
                    .list_devices()
                    .access_token(access_token)
                    .limit(PAGE)
                    .set_pagination_token(next.take())
                    .send(),
            )
            .await?;
            devices.extend(out.devices().iter().map(DeviceRecord::from));
            match out.pagination_token {
                Some(token) if !token.is_empty() => next = Some(token),
                _ => break,
            }
        }
        Ok(devices)
    }

    /// Forgets one of the signed-in user's devices: it is no longer remembered, and Cognito
    /// refuses refreshes that name it.
    pub async fn forget_device(
        &self,
        access_token: &str,
        device_key: &str,
    ) -> Result<(), CognitoError> {
        observe(
            "ForgetDevice",
            self.client
                .forget_device()
                .access_token(access_token)
                .device_key(device_key)
                .send(),
        )
        .await?;
        Ok(())
    }

    /// Proves a remembered device when Cognito asks (`DEVICE_SRP_AUTH`): SRP_A, then the
    /// DEVICE_PASSWORD_VERIFIER answer made from the device's secret. Returns what follows:
    /// tokens, or the next challenge. A refused proof is NotAuthorized.
    pub async fn answer_device_challenge(
        &self,
        username: &str,
        session: &SecretString,
        device: DeviceSecrets<'_>,
        end_user: &EndUser,
    ) -> Result<AuthStep, CognitoError> {
        const OPERATION: &str = "RespondToAuthChallenge";
        let srp = blocking(srp::SrpClient::generate)
            .await
            .map_err(|e| srp_refused(OPERATION, e))?;
        let responses = HashMap::from([
            ("DEVICE_KEY".to_owned(), device.device_key.to_owned()),
            ("SRP_A".to_owned(), srp.public_hex()),
        ]);
        let step = self
            .send_answer("DEVICE_SRP_AUTH", username, session, responses, end_user)
            .await?;
        let challenge = match step {
            AuthStep::Challenge(c) if c.name == "DEVICE_PASSWORD_VERIFIER" => c,
            other => return Ok(other),
        };
        let parameter = |name: &'static str| {
            challenge
                .parameters
                .get(name)
                .cloned()
                .ok_or_else(|| srp_refused(OPERATION, SrpError::Missing(name)))
        };
        let (salt, srp_b, secret_block) = (
            parameter("SALT")?,
            parameter("SRP_B")?,
            parameter("SECRET_BLOCK")?,
        );
        let (key, group, secret) = (
            device.device_key.to_owned(),
            device.group_key.to_owned(),
            device.secret.to_owned(),
        );
        let claim = blocking(move || {
            srp.device_claim(
                &DeviceSecrets {
                    device_key: &key,
                    group_key: &group,
                    secret: &secret,
                },
                &srp::VerifierChallenge {
                    user_id_for_srp: &key,
                    salt_hex: &salt,
                    srp_b_hex: &srp_b,
                    secret_block: &secret_block,
                },
                time::OffsetDateTime::now_utc(),
            )
        })
        .await
        .map_err(|e| srp_refused(OPERATION, e))?;
        let responses = HashMap::from([
            ("DEVICE_KEY".to_owned(), device.device_key.to_owned()),
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), claim.secret_block),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), claim.signature),
            ("TIMESTAMP".to_owned(), claim.timestamp),
        ]);
        self.send_answer(
            "DEVICE_PASSWORD_VERIFIER",
            username,
            &challenge.session,
            responses,
            end_user,
        )
        .await
    }
}

fn srp_refused(operation: &'static str, e: SrpError) -> CognitoError {
    tracing::warn!(error = %e, "cannot take part in device SRP");
    CognitoError::new(
        operation,
        CognitoErrorKind::Other("InvalidSrpChallenge".into()),
    )
}
