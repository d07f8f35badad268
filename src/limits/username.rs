//! Usernames as rate-limit keys: forms a person would call the same name count as one.

use caseless::Caseless;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// A username folded for counting: Unicode's compatibility caseless form (compatibility
/// decomposition and full case folding, so full-width `Ａｌｉｃｅ` is `alice`, and `Ϲ`, `ϲ`, `Σ`
/// and `ς` are one letter), then trimmed, so `Alice`, `alice ` and `ａｌｉｃｅ` share one
/// budget. Held as a digest: fixed size, and no usernames kept in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NameKey([u8; 16]);

impl NameKey {
    /// The name exactly as typed, for what only the account's owner may set: Cognito
    /// resolves an exact name to one account, while the folded key can stand for look-alike
    /// names that are other accounts.
    pub fn exact(username: &str) -> NameKey {
        let mut hash = Sha256::new();
        hash.update(b"exact\0");
        hash.update(username.as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&hash.finalize()[..16]);
        NameKey(key)
    }

    pub fn bytes(&self) -> &[u8; 16] {
        &self.0
    }

    pub fn of(username: &str) -> NameKey {
        // NFKD(fold(NFKD(fold(NFD(name))))): the compatibility caseless match of Unicode
        // (section 3.13), for which folding once is not always enough. Lower-casing first
        // covers letters newer than the folding tables, which the standard library knows.
        let fold = |text: String| -> String {
            text.to_lowercase()
                .chars()
                .default_case_fold()
                .nfkd()
                .collect()
        };
        let folded = fold(fold(username.nfd().collect()));
        let digest = Sha256::digest(folded.trim().as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        NameKey(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spacing_and_width_fold_to_one_key() {
        let alice = NameKey::of("alice");
        for form in [
            "Alice",
            "ALICE",
            " alice",
            "alice\u{3000}",
            "\u{ff21}\u{ff4c}\u{ff49}\u{ff43}\u{ff45}",
        ] {
            assert_eq!(NameKey::of(form), alice, "{form:?}");
        }
        assert_ne!(NameKey::of("alice2"), alice);
        assert_ne!(NameKey::of("al ice"), alice);
    }

    #[test]
    fn exact_keys_tell_look_alike_names_apart() {
        assert_ne!(
            NameKey::exact("ana"),
            NameKey::exact("\u{ff41}\u{ff4e}\u{ff41}")
        );
        assert_ne!(NameKey::exact("ana"), NameKey::exact("Ana"));
        assert_ne!(NameKey::exact("ana"), NameKey::of("ana"));
        assert_eq!(NameKey::exact("ana"), NameKey::exact("ana"));
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_key() {
        assert_eq!(NameKey::of("jos\u{e9}"), NameKey::of("jose\u{301}"));
        assert_eq!(NameKey::of("\u{c9}MILE"), NameKey::of("\u{e9}mile"));
    }

    #[test]
    fn case_folds_fully_not_just_to_lower_case() {
        // Lunate and final sigmas lower-case to different letters but fold to one.
        for sigma in ["\u{3f9}", "\u{3f2}", "\u{3a3}", "\u{3c2}", "\u{3c3}"] {
            assert_eq!(NameKey::of(sigma), NameKey::of("\u{3c3}"), "{sigma:?}");
        }
        assert_eq!(NameKey::of("STRASSE"), NameKey::of("stra\u{df}e"));
    }
}
