//! How a user proved who they are during a sign-in, in RFC 8176's names: carried from step to
//! step with the pending challenge, and kept with the browser session it ends in.

/// The methods, in the order they were used, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amr(Vec<&'static str>);

/// Every name this service writes, so a stored value reads back only as these.
const KNOWN: &[&str] = &["pwd", "otp", "sms", "hwk", "mfa", "fed", "hosted"];

impl Amr {
    /// A sign-in that began with the password.
    pub fn password() -> Self {
        Amr(vec!["pwd"])
    }

    /// A sign-in through an identity provider at the pool's managed login: how the user
    /// proved themselves there is the provider's business. `fed` is not one of RFC 8176's
    /// names; it is the value Microsoft Entra ID writes for the same thing.
    pub fn federated() -> Self {
        Amr(vec!["fed"])
    }

    /// A sign-in at the pool's managed login by a user of the pool's own directory (its
    /// password, or whatever managed login asked for there): not federated, so the password
    /// is the user's to change here, but it ended at the pool's domain all the same.
    pub fn managed_login() -> Self {
        Amr(vec!["hosted"])
    }

    /// Signed in through an identity provider: the user has no password at the pool.
    pub fn is_federated(&self) -> bool {
        self.0.contains(&"fed")
    }

    /// Signed in at the pool's managed login, federated or not: its own session there ends
    /// with a visit to the pool's logout.
    pub fn at_managed_login(&self) -> bool {
        self.0.contains(&"fed") || self.0.contains(&"hosted")
    }

    /// The stored form; rows written before it was kept count as a password sign-in.
    pub fn from_column(text: Option<&str>) -> Self {
        let Some(text) = text else {
            return Amr::password();
        };
        let mut amr = Amr::default();
        for name in text.split(' ') {
            if let Some(known) = KNOWN.iter().find(|k| **k == name) {
                amr.add(known);
            }
        }
        amr
    }

    /// Nothing proved yet: a choice-based sign-in before its first factor.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_column(&self) -> String {
        self.0.join(" ")
    }

    /// Adds what answering `challenge` proved, once Cognito has accepted the answer.
    pub fn answered(&mut self, challenge: &str, with_totp_code: bool) {
        let method = match challenge {
            // A sign-up's confirmation code, which signs the user in after it (AUTO_SIGN_IN),
            // is a one-time code too.
            "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "AUTO_SIGN_IN" => Some("otp"),
            "SMS_MFA" | "SMS_OTP" => Some("sms"),
            "PASSWORD" | "PASSWORD_SRP" => Some("pwd"),
            // A passkey: a key held by an authenticator.
            "WEB_AUTHN" => Some("hwk"),
            "MFA_SETUP" if with_totp_code => Some("otp"),
            _ => None,
        };
        if let Some(method) = method {
            self.add(method);
        }
        // RFC 8176 `mfa`: more than one factor was used.
        if self.0.iter().filter(|m| **m != "mfa").count() > 1 {
            self.add("mfa");
        }
    }

    fn add(&mut self, method: &'static str) {
        if !self.0.contains(&method) {
            self.0.push(method);
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|m| (*m).to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_and_a_totp_code_make_two_factors() {
        let mut amr = Amr::password();
        amr.answered("NEW_PASSWORD_REQUIRED", false);
        assert_eq!(amr.names(), ["pwd"]);
        amr.answered("SOFTWARE_TOKEN_MFA", false);
        assert_eq!(amr.names(), ["pwd", "otp", "mfa"]);
        assert_eq!(Amr::from_column(Some(&amr.to_column())), amr);
    }

    #[test]
    fn totp_set_up_counts_only_with_its_first_code() {
        let mut amr = Amr::password();
        amr.answered("MFA_SETUP", false);
        assert_eq!(amr.names(), ["pwd"]);
        amr.answered("MFA_SETUP", true);
        assert_eq!(amr.names(), ["pwd", "otp", "mfa"]);
    }

    #[test]
    fn stored_text_reads_back_only_as_known_names() {
        assert_eq!(Amr::from_column(None), Amr::password());
        assert_eq!(
            Amr::from_column(Some("pwd evil sms")).names(),
            ["pwd", "sms"]
        );
        let federated = Amr::from_column(Some(&Amr::federated().to_column()));
        assert!(federated.is_federated());
        assert_eq!(federated.names(), ["fed"]);
        assert!(!Amr::password().is_federated());
    }
}
