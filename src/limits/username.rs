//! Usernames as rate-limit keys: forms a person would call the same name count as one.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

/// A username folded for counting: Unicode compatibility forms (NFKC, so full-width `Ａｌｉｃｅ`
/// is `Alice`), then lower case, then trimmed, so `Alice`, `alice ` and `ａｌｉｃｅ` share one
/// budget. Held as a digest: fixed size, and no usernames kept in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NameKey([u8; 16]);

impl NameKey {
    pub fn of(username: &str) -> NameKey {
        let folded: String = username.nfkc().collect::<String>().to_lowercase();
        // Lower-casing can leave text that is no longer in NFKC; normalise once more.
        let folded: String = folded.nfkc().collect();
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
    fn composed_and_decomposed_forms_are_one_key() {
        assert_eq!(NameKey::of("jos\u{e9}"), NameKey::of("jose\u{301}"));
        assert_eq!(NameKey::of("\u{c9}MILE"), NameKey::of("\u{e9}mile"));
    }
}
