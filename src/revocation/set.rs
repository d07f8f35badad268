//! The live revocations in memory, as compact as the check on every request allows.
//!
//! Two maps: revoked sign-ins by their id (`origin_jti`, or a lone token's `jti`), each with
//! its user, and users signed out everywhere. A check is at most three hash lookups. Ids are
//! held as 16-byte digests, never as strings.
//!
//! A user signed out everywhere, once Cognito has confirmed it, supersedes that user's
//! sign-ins revoked before: none of their refresh tokens can mint anything any more, and the
//! sign-out refuses every token they issued. Those entries are dropped with the expired
//! ones, by the periodic purge: one pass over the list a minute, never one per sign-out.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::OnceLock;

use foldhash::quality::RandomState;

use cognito_verifier::TokenIdentity;

/// A `sub`, `jti` or `origin_jti`, in 16 bytes: two foldhash digests under seeds drawn at
/// random when the process starts. Tokens are signed by Cognito, so no one chooses these
/// values, and 128 bits leave no room for an accidental collision. Hashing the text is
/// cheaper than parsing it, and the check runs on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(u128);

impl std::hash::Hash for Id {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Already a keyed digest: its low half is as good a hash as any.
        state.write_u64(self.0 as u64);
    }
}

/// Passes an `Id`'s own bits through as the map's hash.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `Id` is hashed with this; it writes one u64.
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type IdMap<V> = HashMap<Id, V, BuildHasherDefault<IdHasher>>;

impl Id {
    /// Stands for the user of a row written before revocations named their user.
    const UNKNOWN: Id = Id(0);

    pub fn of(text: &str) -> Id {
        static KEYS: OnceLock<(RandomState, RandomState)> = OnceLock::new();
        let (low, high) = KEYS.get_or_init(|| (RandomState::default(), RandomState::default()));
        let id = u128::from(low.hash_one(text)) | u128::from(high.hash_one(text)) << 64;
        // Never the stand-in for an unknown user.
        Id(id.max(1))
    }
}

/// One revoked sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Session {
    user: Id,
    /// Seconds: after this, nothing it covers can still be valid.
    expires_at: i64,
    /// Milliseconds of the database's clock.
    revoked_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SignedOut {
    /// Tokens issued (iat, seconds) up to this are refused.
    not_before: i64,
    expires_at: i64,
    /// Once Cognito confirmed it: the user's sign-ins revoked before this (ms) are covered.
    supersedes_before_ms: Option<i64>,
}

/// What one database row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A sign-in session (`origin_jti`, or a lone token's `jti`) refused until `expires_at`.
    /// `sub` is `None` for rows written before revocations named their user.
    Session {
        sub: Option<String>,
        id: String,
        expires_at: i64,
        revoked_at_ms: i64,
    },
    /// Every token of `sub` issued up to `not_before` refused until `expires_at`. Once
    /// Cognito confirmed the sign-out, the user's sessions revoked up to
    /// `supersedes_before_ms` (when the sign-out began) are covered by it.
    User {
        sub: String,
        not_before: i64,
        expires_at: i64,
        supersedes_before_ms: Option<i64>,
    },
}

#[derive(Debug, Default)]
pub struct RevocationSet {
    sessions: IdMap<Session>,
    users: IdMap<SignedOut>,
}

impl RevocationSet {
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.users.is_empty()
    }

    /// How many revocations are held: sign-ins and sign-outs everywhere.
    pub fn len(&self) -> usize {
        self.sessions.len() + self.users.len()
    }

    pub fn is_revoked(&self, token: TokenIdentity<'_>, now: i64) -> bool {
        if self.is_empty() {
            return false;
        }
        let user = Id::of(token.sub);
        let session_revoked = |id: Option<&str>| {
            id.and_then(|id| self.sessions.get(&Id::of(id)))
                .is_some_and(|s| s.expires_at > now && (s.user == user || s.user == Id::UNKNOWN))
        };
        if !self.sessions.is_empty()
            && (session_revoked(token.origin_jti) || session_revoked(token.jti))
        {
            return true;
        }
        match (self.users.get(&user), token.issued_at) {
            // `iat` has whole seconds: a token from the second of the sign-out is refused too.
            (Some(out), Some(iat)) => out.expires_at > now && iat <= out.not_before,
            // A token without `iat` can't prove it came after the sign-out.
            (Some(out), None) => out.expires_at > now,
            _ => false,
        }
    }

    /// Applies one row; returns whether anything changed.
    pub fn apply(&mut self, entry: &Entry) -> bool {
        match entry {
            Entry::Session {
                sub,
                id,
                expires_at,
                revoked_at_ms,
            } => {
                let session = Session {
                    user: sub.as_deref().map_or(Id::UNKNOWN, Id::of),
                    expires_at: *expires_at,
                    revoked_at_ms: *revoked_at_ms,
                };
                self.sessions.insert(Id::of(id), session) != Some(session)
            }
            Entry::User {
                sub,
                not_before,
                expires_at,
                supersedes_before_ms,
            } => {
                let mut out = SignedOut {
                    not_before: *not_before,
                    expires_at: *expires_at,
                    supersedes_before_ms: *supersedes_before_ms,
                };
                // A sign-out only ever widens. A sync that read the row before a newer write
                // here (a confirmation, say) can land after it; it must not narrow it back.
                if let Some(known) = self.users.get(&Id::of(sub)) {
                    out.not_before = out.not_before.max(known.not_before);
                    out.expires_at = out.expires_at.max(known.expires_at);
                    out.supersedes_before_ms =
                        out.supersedes_before_ms.max(known.supersedes_before_ms);
                }
                self.users.insert(Id::of(sub), out) != Some(out)
            }
        }
    }

    /// Drops what has expired by `now` (seconds), and sign-ins a confirmed sign-out covers.
    pub fn purge(&mut self, now: i64) {
        let users = &self.users;
        self.sessions.retain(|_, s| {
            let superseded = users
                .get(&s.user)
                .and_then(|out| out.supersedes_before_ms)
                .is_some_and(|before| s.revoked_at_ms <= before);
            s.expires_at > now && !superseded
        });
        self.users.retain(|_, out| out.expires_at > now);
        self.sessions.shrink_to_fit();
        self.users.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUB: &str = "6f1c0f5e-2b7e-4a55-9d1e-0d3f1b2a9c11";
    const OTHER: &str = "0a0b0c0d-0000-4000-8000-000000000001";

    fn token<'a>(sub: &'a str, origin: &'a str, iat: i64) -> TokenIdentity<'a> {
        TokenIdentity {
            sub,
            jti: None,
            origin_jti: Some(origin),
            issued_at: Some(iat),
        }
    }

    fn session(sub: &str, id: &str, revoked_at_ms: i64) -> Entry {
        Entry::Session {
            sub: Some(sub.into()),
            id: id.into(),
            expires_at: 10_000,
            revoked_at_ms,
        }
    }

    #[test]
    fn a_stale_read_of_a_sign_out_never_narrows_what_is_known() {
        let mut set = RevocationSet::default();
        set.apply(&session(SUB, "old-sign-in", 1_000));
        // Confirmed: the sign-in revoked before 2_000 is superseded.
        set.apply(&signed_out(50, Some(2_000)));
        // A sync that read the row before the confirmation lands now.
        set.apply(&signed_out(40, None));
        set.purge(0);
        assert_eq!(set.len(), 1, "only the user's entry is left");
        assert!(set.is_revoked(token(SUB, "other", 45), 0));
    }

    fn signed_out(not_before: i64, confirmed: Option<i64>) -> Entry {
        Entry::User {
            sub: SUB.into(),
            not_before,
            expires_at: 10_000,
            supersedes_before_ms: confirmed,
        }
    }

    #[test]
    fn a_revoked_session_is_refused_for_its_user_only() {
        let mut set = RevocationSet::default();
        assert!(set.apply(&session(SUB, "sign-in-1", 1_000)));
        assert!(!set.apply(&session(SUB, "sign-in-1", 1_000)), "no change");
        assert!(set.is_revoked(token(SUB, "sign-in-1", 5), 100));
        assert!(!set.is_revoked(token(SUB, "sign-in-2", 5), 100));
        assert!(!set.is_revoked(token(OTHER, "sign-in-1", 5), 100));
        assert!(
            !set.is_revoked(token(SUB, "sign-in-1", 5), 10_000),
            "expired"
        );
    }

    #[test]
    fn rows_without_a_user_are_checked_by_id() {
        let mut set = RevocationSet::default();
        set.apply(&Entry::Session {
            sub: None,
            id: "legacy".into(),
            expires_at: 10_000,
            revoked_at_ms: 0,
        });
        assert!(set.is_revoked(token(OTHER, "legacy", 5), 100));
    }

    #[test]
    fn a_confirmed_sign_out_supersedes_the_users_earlier_sessions() {
        let mut set = RevocationSet::default();
        set.apply(&session(SUB, "before", 1_000));
        // Revoked in the very millisecond the sign-out began: Cognito's sign-out came later.
        set.apply(&session(SUB, "same-moment", 2_000));
        set.apply(&session(OTHER, "theirs", 1_000));
        set.apply(&signed_out(2, None));
        assert_eq!(set.len(), 4, "unconfirmed: nothing superseded");
        // Confirmed, re-stamped later than anything the old sessions could have minted; the
        // next purge drops what it covers.
        assert!(set.apply(&signed_out(4, Some(2_000))));
        assert!(
            !set.apply(&signed_out(4, Some(2_000))),
            "applying again changes nothing"
        );
        assert_eq!(set.len(), 4);
        set.purge(100);
        assert_eq!(set.len(), 2);
        assert!(set.is_revoked(token(SUB, "before", 3), 100));
        assert!(!set.is_revoked(token(SUB, "after", 5), 100));
        // A session revoked later is kept.
        assert!(set.apply(&session(SUB, "later", 3_000)));
        assert!(set.is_revoked(token(SUB, "later", 6), 100));
        assert!(set.is_revoked(token(OTHER, "theirs", 6), 100));
    }

    #[test]
    fn purging_drops_expired_entries() {
        let mut set = RevocationSet::default();
        set.apply(&Entry::Session {
            sub: Some(SUB.into()),
            id: "short".into(),
            expires_at: 50,
            revoked_at_ms: 0,
        });
        set.apply(&session(OTHER, "long", 0));
        set.purge(60);
        assert_eq!(set.len(), 1);
        assert!(!set.is_revoked(token(SUB, "short", 1), 40));
    }

    #[test]
    fn ids_are_equal_exactly_when_their_text_is() {
        assert_eq!(Id::of(SUB), Id::of(SUB));
        assert_ne!(Id::of("a"), Id::of("b"));
        assert_ne!(Id::of(&SUB.to_uppercase()), Id::of(SUB));
        assert_ne!(Id::of(""), Id::UNKNOWN);
    }
}
