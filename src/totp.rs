//! TOTP: the `otpauth://` key URI authenticator apps read (usually from a QR code) to add an
//! entry, and the check of a code's form. Cognito's codes are the defaults (SHA-1, 6 digits,
//! 30 s), so only the secret and the labels are given.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::input::InvalidInput;

/// Everything but unreserved characters is escaped, so a colon or `@` in a label can't change
/// how the URI splits.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A new TOTP secret as the client gets it. The secret is shown once, to this user only.
#[derive(Serialize)]
pub struct TotpSecret {
    #[serde(serialize_with = "expose")]
    pub secret: SecretString,
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG document, for a page to show as an image.
    pub qr_svg: String,
}

impl TotpSecret {
    pub fn new(secret: SecretString, issuer: &str, account: &str) -> Self {
        let otpauth_uri = otpauth_uri(&secret, issuer, account);
        TotpSecret {
            qr_svg: qr_svg(&otpauth_uri),
            secret,
            otpauth_uri,
        }
    }
}

fn expose<S: serde::Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// `otpauth://totp/{issuer}:{account}?secret=…&issuer=…`, as Google Authenticator's key URI
/// format describes it.
fn otpauth_uri(secret: &SecretString, issuer: &str, account: &str) -> String {
    let issuer = utf8_percent_encode(issuer, COMPONENT).to_string();
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}",
        account = utf8_percent_encode(account, COMPONENT),
        secret = utf8_percent_encode(secret.expose_secret(), COMPONENT),
    )
}

/// Cognito's TOTP codes are six digits; anything else is refused before it costs an attempt.
pub fn check_totp_code(field: &str, code: &str) -> Result<(), InvalidInput> {
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            field,
            format!("`{field}` must be the 6 digits an authenticator app shows"),
        ))
    }
}

/// A QR code of `text` as SVG: black modules on white, with the quiet zone the standard asks.
/// An otpauth URI is short, so it always fits; an empty document stands in if not.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_the_entry_with_issuer_and_account() {
        let totp = TotpSecret::new(
            SecretString::from("JBSWY3DPEHPK3PXP"),
            "Acme Staging",
            "ana@example.com",
        );
        assert_eq!(
            totp.otpauth_uri,
            "otpauth://totp/Acme%20Staging:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Staging"
        );
        let body = serde_json::to_value(&totp).unwrap();
        assert_eq!(body["secret"], "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn a_colon_or_ampersand_in_the_account_cannot_split_the_uri() {
        let totp = TotpSecret::new(SecretString::from("S"), "cognito-bff", "a:b&issuer=x");
        assert_eq!(
            totp.otpauth_uri,
            "otpauth://totp/cognito-bff:a%3Ab%26issuer%3Dx?secret=S&issuer=cognito-bff"
        );
    }
}
