//! How a password sign-in starts (COGNITO_AUTH_FLOW).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    /// `USER_PASSWORD_AUTH`: the password goes to Cognito.
    UserPassword,
    /// `USER_SRP_AUTH`: the SRP exchange runs here, so only a proof of the password leaves.
    UserSrp,
}
