//! User attributes: typed JSON on our side, strings on Cognito's.
//!
//! Cognito stores every attribute as a string and rejects anything else, so an `updated_at`
//! sent as a number fails deep inside the SDK. Clients send natural JSON here; this module
//! checks it and converts it once, and converts Cognito's strings back for responses.

use serde_json::{Map, Value};

use crate::input::InvalidInput;

/// Attributes a client sent that can't go to Cognito.
#[derive(Debug, thiserror::Error)]
pub enum AttributeError {
    #[error(transparent)]
    Input(#[from] InvalidInput),
    #[error("attribute `{attribute}`: {reason}")]
    Invalid { attribute: String, reason: String },
    #[error("attribute `{attribute}` can't be set here")]
    NotWritable { attribute: String },
}

/// The standard attributes a user pool accepts (OpenID Connect's claims as Cognito names them).
/// `sub` is missing on purpose: Cognito assigns it and refuses to have it set.
const STANDARD: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Cognito's limits: custom names are at most 20 characters after `custom:`, values 2048.
const MAX_CUSTOM_NAME: usize = 20;
const MAX_VALUE: usize = 2048;
const MAX_ATTRIBUTES: usize = 50;

/// Converts a JSON object of typed attributes to Cognito's name/value strings.
pub fn to_cognito(
    attributes: &Map<String, Value>,
) -> Result<Vec<(String, String)>, AttributeError> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(InvalidInput::new(
            "attributes",
            format!("at most {MAX_ATTRIBUTES} attributes are accepted"),
        )
        .into());
    }
    attributes
        .iter()
        .map(|(name, value)| Ok((name.clone(), convert(name, value)?)))
        .collect()
}

fn invalid(name: &str, reason: impl Into<String>) -> AttributeError {
    AttributeError::Invalid {
        attribute: name.to_owned(),
        reason: reason.into(),
    }
}

fn convert(name: &str, value: &Value) -> Result<String, AttributeError> {
    let text = if let Some(custom) = name.strip_prefix("custom:") {
        if custom.is_empty() || custom.chars().count() > MAX_CUSTOM_NAME {
            return Err(invalid(
                name,
                format!(
                    "custom attribute names have 1 to {MAX_CUSTOM_NAME} characters after `custom:`"
                ),
            ));
        }
        match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(invalid(name, "must be a string, number or boolean")),
        }
    } else if !STANDARD.contains(&name) {
        return Err(invalid(
            name,
            "is not a standard attribute; custom ones start with `custom:`",
        ));
    } else if name == "updated_at" {
        match value {
            Value::Number(n) => match n.as_u64() {
                Some(seconds) => seconds.to_string(),
                None => return Err(invalid(name, "must be whole seconds since the epoch")),
            },
            Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.clone(),
            _ => return Err(invalid(name, "must be whole seconds since the epoch")),
        }
    } else if name.ends_with("_verified") {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::String(s) if s == "true" || s == "false" => s.clone(),
            _ => return Err(invalid(name, "must be a boolean")),
        }
    } else {
        match value {
            Value::String(s) => s.clone(),
            _ => return Err(invalid(name, "must be a string")),
        }
    };
    if name == "birthdate" && !is_calendar_date(&text) {
        return Err(invalid(name, "must be a date as YYYY-MM-DD"));
    }
    if text.chars().count() > MAX_VALUE {
        return Err(invalid(
            name,
            format!("must be at most {MAX_VALUE} characters"),
        ));
    }
    // A newline in a name or an address would reach emails, logs and other systems as is.
    if text.chars().any(char::is_control) {
        return Err(invalid(name, "must not contain control characters"));
    }
    Ok(text)
}

/// The attributes a user may set on their own account, at sign-up and through `PATCH /me`
/// (WRITABLE_ATTRIBUTES). By default the standard profile attributes: not `*_verified`, which
/// would let anyone vouch for an address they don't own, and no `custom:*`, which apps use
/// for roles, plans and tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WritableAttributes(Vec<String>);

impl Default for WritableAttributes {
    fn default() -> Self {
        WritableAttributes(
            STANDARD
                .iter()
                .filter(|name| !name.ends_with("_verified"))
                .map(|name| (*name).to_owned())
                .collect(),
        )
    }
}

impl WritableAttributes {
    /// A comma-separated list of standard or `custom:` attribute names.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut names = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let known = match name.strip_prefix("custom:") {
                Some(custom) => {
                    !custom.is_empty()
                        && custom.chars().count() <= MAX_CUSTOM_NAME
                        && !custom.chars().any(char::is_control)
                }
                None => STANDARD.contains(&name),
            };
            if !known {
                return Err(format!(
                    "{name:?} is neither a standard attribute nor custom:<name>"
                ));
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        Ok(WritableAttributes(names))
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }

    /// Refuses the first attribute that is not writable, naming it.
    pub fn check(&self, attributes: &[(String, String)]) -> Result<(), AttributeError> {
        match attributes.iter().find(|(name, _)| !self.0.contains(name)) {
            Some((name, _)) => Err(AttributeError::NotWritable {
                attribute: name.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// `YYYY-MM-DD`, and a day that exists in that month.
fn is_calendar_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// Converts Cognito's strings back to JSON types: `updated_at` as a number, `*_verified` as
/// booleans, everything else as text.
pub fn from_cognito<'a>(
    attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Map<String, Value> {
    attributes
        .into_iter()
        .map(|(name, value)| {
            let typed = if name == "updated_at" {
                value
                    .parse::<u64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| value.into())
            } else if name.ends_with("_verified") {
                match value {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => other.into(),
                }
            } else {
                value.into()
            };
            (name.to_owned(), typed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn convert_all(value: Value) -> Result<Vec<(String, String)>, AttributeError> {
        to_cognito(value.as_object().expect("object"))
    }

    fn rejected_attribute(value: Value) -> String {
        match convert_all(value) {
            Err(AttributeError::Invalid { attribute, .. }) => attribute,
            other => panic!("expected an invalid attribute, got {other:?}"),
        }
    }

    #[test]
    fn converts_the_seed_scenario() {
        let mut got = convert_all(json!({
            "email": "jin@example.com",
            "gender": "female",
            "birthdate": "1990-02-28",
            "nickname": "jin",
            "updated_at": 1_700_000_000,
            "email_verified": true,
            "custom:tier": 3,
            "custom:beta": false
        }))
        .unwrap();
        got.sort();
        let expected = [
            ("birthdate", "1990-02-28"),
            ("custom:beta", "false"),
            ("custom:tier", "3"),
            ("email", "jin@example.com"),
            ("email_verified", "true"),
            ("gender", "female"),
            ("nickname", "jin"),
            ("updated_at", "1700000000"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn rejects_malformed_values_naming_the_attribute() {
        assert_eq!(
            rejected_attribute(json!({"address": {"street": "x"}})),
            "address"
        );
        assert_eq!(rejected_attribute(json!({"nickname": ["a"]})), "nickname");
        assert_eq!(rejected_attribute(json!({"nickname": 5})), "nickname");
        assert_eq!(rejected_attribute(json!({"nickname": null})), "nickname");
        assert_eq!(rejected_attribute(json!({"updated_at": -1})), "updated_at");
        assert_eq!(rejected_attribute(json!({"updated_at": 1.5})), "updated_at");
        assert_eq!(
            rejected_attribute(json!({"updated_at": "soon"})),
            "updated_at"
        );
        assert_eq!(
            rejected_attribute(json!({"email_verified": "yes"})),
            "email_verified"
        );
        assert_eq!(
            rejected_attribute(json!({"birthdate": "1990-2-28"})),
            "birthdate"
        );
        assert_eq!(
            rejected_attribute(json!({"birthdate": "1990-02-30"})),
            "birthdate"
        );
        assert_eq!(
            rejected_attribute(json!({"birthdate": "2023-02-29"})),
            "birthdate"
        );
        assert_eq!(
            rejected_attribute(json!({"favourite_colour": "red"})),
            "favourite_colour"
        );
        assert_eq!(rejected_attribute(json!({"sub": "x"})), "sub");
        assert_eq!(rejected_attribute(json!({"custom:": "x"})), "custom:");
        assert_eq!(
            rejected_attribute(json!({"custom:tags": ["a"]})),
            "custom:tags"
        );
        assert_eq!(
            rejected_attribute(json!({"custom:nested": {"a": 1}})),
            "custom:nested"
        );
    }

    #[test]
    fn refuses_control_characters_in_any_value() {
        assert_eq!(
            rejected_attribute(json!({"name": "Ana\nBcc: x@example.com"})),
            "name"
        );
        assert_eq!(
            rejected_attribute(json!({"custom:tier": "a\u{0}"})),
            "custom:tier"
        );
        assert_eq!(
            rejected_attribute(json!({"address": "a\u{85}b"})),
            "address"
        );
    }

    #[test]
    fn only_profile_attributes_are_writable_by_default() {
        let writable = WritableAttributes::default();
        let named = |attributes: Value| match writable.check(&convert_all(attributes).unwrap()) {
            Err(AttributeError::NotWritable { attribute }) => Some(attribute),
            Ok(()) => None,
            Err(other) => panic!("{other:?}"),
        };
        assert_eq!(
            named(json!({"name": "Ana", "email": "a@example.com"})),
            None
        );
        assert_eq!(
            named(json!({"name": "Ana", "email_verified": true})).as_deref(),
            Some("email_verified")
        );
        assert_eq!(
            named(json!({"phone_number_verified": true})).as_deref(),
            Some("phone_number_verified")
        );
        assert_eq!(
            named(json!({"custom:role": "admin"})).as_deref(),
            Some("custom:role")
        );

        let chosen = WritableAttributes::parse("name, custom:plan,name").unwrap();
        assert_eq!(chosen.names(), ["name", "custom:plan"]);
        assert!(WritableAttributes::parse("favourite_colour").is_err());
        assert!(WritableAttributes::parse("custom:").is_err());
        assert!(WritableAttributes::parse("sub").is_err());
    }

    #[test]
    fn accepts_leap_days_and_string_forms() {
        let got = convert_all(json!({
            "birthdate": "2024-02-29",
            "updated_at": "1700000000",
            "phone_number_verified": "false"
        }))
        .unwrap();
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn converts_back_to_types() {
        let typed = from_cognito([
            ("updated_at", "1700000000"),
            ("email_verified", "true"),
            ("phone_number_verified", "false"),
            ("email", "jin@example.com"),
        ]);
        assert_eq!(
            Value::Object(typed),
            json!({
                "updated_at": 1_700_000_000u64,
                "email_verified": true,
                "phone_number_verified": false,
                "email": "jin@example.com"
            })
        );
    }
}
