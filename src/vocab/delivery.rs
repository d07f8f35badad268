//! Who gets tokens and who gets a browser session (TOKEN_DELIVERY). Which requests come from a
//! browser is the session boundary's call (`boundary::from_browser`).

/// The setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenDelivery {
    /// Browsers (requests with `Sec-Fetch-Site` or `Origin`) get a session; everyone else,
    /// tokens.
    Auto,
    /// Every sign-in ends in a session; no token is ever in an answer.
    Session,
    /// Every sign-in answers with tokens in the body.
    Body,
}

/// What one request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Session,
    Body,
}

impl TokenDelivery {
    /// What a request gets, given whether it came from a browser.
    pub fn for_request(self, from_browser: bool) -> Delivery {
        match self {
            TokenDelivery::Session => Delivery::Session,
            TokenDelivery::Body => Delivery::Body,
            TokenDelivery::Auto if from_browser => Delivery::Session,
            TokenDelivery::Auto => Delivery::Body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_gives_browsers_a_session_and_others_tokens() {
        assert_eq!(TokenDelivery::Auto.for_request(true), Delivery::Session);
        assert_eq!(TokenDelivery::Auto.for_request(false), Delivery::Body);
    }

    #[test]
    fn a_fixed_setting_ignores_the_signal() {
        assert_eq!(TokenDelivery::Body.for_request(true), Delivery::Body);
        assert_eq!(TokenDelivery::Session.for_request(false), Delivery::Session);
    }
}
