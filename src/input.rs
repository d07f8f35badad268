//! Checks on what clients send, made once: free-text fields, usernames, and a passkey
//! registration's credential (`passkey`).

pub mod passkey;

/// A field a client sent that can't be used: which one, and why. The edge answers it as
/// `invalid_request`, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct InvalidInput {
    pub field: String,
    pub detail: String,
}

impl InvalidInput {
    pub fn new(field: impl Into<String>, detail: impl Into<String>) -> Self {
        InvalidInput {
            field: field.into(),
            detail: detail.into(),
        }
    }
}

/// Checks a free-text field: present, not too long, no control characters.
pub fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), InvalidInput> {
    if value.is_empty() {
        return Err(InvalidInput::new(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if value.chars().count() > max_chars {
        return Err(InvalidInput::new(
            field,
            format!("`{field}` must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(())
}

/// Cognito's own limits.
pub const MAX_USERNAME: usize = 128;
pub const MAX_PASSWORD: usize = 256;
pub const MAX_CODE: usize = 64;

/// A username or alias as a request gives it: 1 to 128 characters, no control characters.
#[derive(Debug, Clone)]
pub struct Username(String);

impl Username {
    pub fn parse(value: String) -> Result<Username, InvalidInput> {
        check_text("username", &value, MAX_USERNAME)?;
        Ok(Username(value))
    }

    /// A name Cognito issued itself, read from a verified token: not the client's to choose.
    pub(crate) fn issued(value: &str) -> Username {
        Username(value.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
