//! Calls made with the service's own AWS credentials (IAM): invites, looking users up,
//! signing a user out everywhere, and reading the app client's settings.

use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::types::{
    DeliveryMediumType, MessageActionType, PreventUserExistenceErrorTypes,
};
use secrecy::ExposeSecret;

use super::{
    AdminCreateUser, CLIENT_SETTINGS_TTL, Cognito, CognitoError, CognitoErrorKind, CreatedUser,
    DeliveryMedium, observe, to_attribute_types,
};

impl Cognito {
    pub async fn admin_create_user(
        &self,
        request: AdminCreateUser<'_>,
    ) -> Result<CreatedUser, CognitoError> {
        let mediums = request
            .delivery
            .iter()
            .map(|m| match m {
                DeliveryMedium::Email => DeliveryMediumType::Email,
                DeliveryMedium::Sms => DeliveryMediumType::Sms,
            })
            .collect::<Vec<_>>();
        let call = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(request.username)
            .set_user_attributes(Some(to_attribute_types(request.attributes)))
            .set_temporary_password(
                request
                    .temporary_password
                    .map(|p| p.expose_secret().to_owned()),
            )
            .set_desired_delivery_mediums((!mediums.is_empty()).then_some(mediums))
            .set_message_action(
                request
                    .suppress_message
                    .then_some(MessageActionType::Suppress),
            )
            .send();
        let out = observe("AdminCreateUser", call).await?;
        let user = out.user();
        Ok(CreatedUser {
            username: user
                .and_then(|u| u.username())
                .unwrap_or(request.username)
                .to_owned(),
            sub: user.and_then(|u| {
                u.attributes()
                    .iter()
                    .find(|a| a.name() == "sub")
                    .and_then(|a| a.value())
                    .map(str::to_owned)
            }),
            status: user
                .and_then(|u| u.user_status())
                .map(|s| s.as_str().to_owned()),
        })
    }

    /// Signs the user `sub` out on every device with the service's own credentials, for
    /// when the user's access token can't be used. `username` is Cognito's name for the
    /// user; it is checked to still belong to `sub` (a name can be given to a new account
    /// once the old one is deleted). After a refusal that isn't transient, the call is not
    /// made again for a few minutes.
    pub async fn admin_user_global_sign_out(
        &self,
        sub: &str,
        username: &str,
    ) -> Result<(), CognitoError> {
        const REFUSED_FOR: Duration = Duration::from_secs(300);
        let refused = *self
            .admin_sign_out_refused
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if refused.is_some_and(|at| at.elapsed() < REFUSED_FOR) {
            return Err(CognitoError::new(
                "AdminUserGlobalSignOut",
                CognitoErrorKind::Other("RecentlyRefused".into()),
            ));
        }
        let result = async {
            if self.sub_of(username).await?.as_deref() != Some(sub) {
                return Err(CognitoError::new(
                    "AdminGetUser",
                    CognitoErrorKind::UserNotFound,
                ));
            }
            observe(
                "AdminUserGlobalSignOut",
                self.client
                    .admin_user_global_sign_out()
                    .user_pool_id(&self.user_pool_id)
                    .username(username)
                    .send(),
            )
            .await
            .map(|_| ())
        }
        .await;
        if let Err(e) = &result
            && !e.kind.is_transient()
            && e.kind != CognitoErrorKind::UserNotFound
        {
            *self
                .admin_sign_out_refused
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        }
        result
    }

    /// The `sub` of the user Cognito knows as `username` (or an alias of theirs).
    pub async fn sub_of(&self, username: &str) -> Result<Option<String>, CognitoError> {
        let out = observe(
            "AdminGetUser",
            self.client
                .admin_get_user()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .send(),
        )
        .await?;
        Ok(out
            .user_attributes()
            .iter()
            .find(|a| a.name() == "sub")
            .and_then(|a| a.value())
            .map(str::to_owned))
    }

    /// Whether the app client hides whether users exist (PreventUserExistenceErrors), read
    /// from Cognito at most every few minutes. When it can't be read the answer is no, the
    /// side that reveals less.
    pub async fn hides_user_existence(&self) -> bool {
        let cached = *self.hides_users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((read_at, hides)) = cached
            && read_at.elapsed() < CLIENT_SETTINGS_TTL
        {
            return hides;
        }
        match self.prevents_user_existence_errors().await {
            Ok(hides) => {
                *self.hides_users.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), hides));
                hides
            }
            Err(e) => {
                tracing::warn!(
                    cognito.error = %e.kind,
                    "cannot read the app client's PreventUserExistenceErrors; assuming it is off"
                );
                // Kept like a real answer, so a missing permission costs one call and one
                // warning every few minutes, not one per request.
                *self.hides_users.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((Instant::now(), false));
                false
            }
        }
    }

    async fn prevents_user_existence_errors(&self) -> Result<bool, CognitoError> {
        let out = observe(
            "DescribeUserPoolClient",
            self.client
                .describe_user_pool_client()
                .user_pool_id(&self.user_pool_id)
                .client_id(&self.client_id)
                .send(),
        )
        .await?;
        Ok(out
            .user_pool_client()
            .and_then(|c| c.prevent_user_existence_errors())
            == Some(&PreventUserExistenceErrorTypes::Enabled))
    }

    /// The first factors the pool lets choice-based sign-in offer (its SignInPolicy's
    /// AllowedFirstAuthFactors, by Cognito's names), read at most every few minutes. When it
    /// can't be read the answer is the password alone, Cognito's own default.
    pub async fn first_factors(&self) -> Vec<String> {
        if let Some((read_at, factors)) =
            &*self.first_factors.lock().unwrap_or_else(|e| e.into_inner())
            && read_at.elapsed() < CLIENT_SETTINGS_TTL
        {
            return factors.clone();
        }
        let factors = match self.allowed_first_factors().await {
            Ok(factors) => factors,
            Err(e) => {
                tracing::warn!(
                    cognito.error = %e.kind,
                    "cannot read the pool's first factors; offering the password only"
                );
                vec!["PASSWORD".to_owned()]
            }
        };
        *self.first_factors.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), factors.clone()));
        factors
    }

    async fn allowed_first_factors(&self) -> Result<Vec<String>, CognitoError> {
        let out = observe(
            "DescribeUserPool",
            self.client
                .describe_user_pool()
                .user_pool_id(&self.user_pool_id)
                .send(),
        )
        .await?;
        let factors: Vec<String> = out
            .user_pool()
            .and_then(|pool| pool.policies())
            .and_then(|policies| policies.sign_in_policy())
            .map(|policy| {
                policy
                    .allowed_first_auth_factors()
                    .iter()
                    .map(|f| f.as_str().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Ok(if factors.is_empty() {
            vec!["PASSWORD".to_owned()]
        } else {
            factors
        })
    }
}
