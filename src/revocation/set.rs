//! The live revocations in memory, as compact as the check on every request allows.
//!
//! Entries are grouped by user (`sub`), since every token names its user: a check is one
//! hash lookup, then a scan of that user's few revoked sign-ins. Ids are held as 16 bytes
//! (a UUID as itself, anything else as a digest), never as strings.
//!
//! A user signed out everywhere, once Cognito has confirmed it, supersedes that user's
//! sign-ins revoked before: none of their refresh tokens can mint anything any more, and
//! every token they issued is older than the sign-out. Those entries are dropped.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::auth::TokenIdentity;

/// A `sub`, `jti` or `origin_jti`, in 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Id([u8; 16]);

impl Id {
    pub fn of(text: &str) -> Id {
        // Cognito's subs and jtis are UUIDs: read as themselves, the check stays cheap. Only
        // the one lower-case hyphenated spelling, so two strings never share an id.
        let canonical = text.len() == 36
            && text
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if canonical && let Ok(uuid) = uuid::Uuid::try_parse(text) {
            return Id(*uuid.as_bytes());
        }
        let digest = Sha256::digest(text.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Id(bytes)
    }
}

/// One revoked sign-in of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Session {
    id: Id,
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
    /// Once Cognito confirmed the sign-out: sign-ins revoked before this instant (ms) are
    /// superseded.
    supersedes_before_ms: Option<i64>,
}

#[derive(Debug, Default)]
struct User {
    signed_out: Option<SignedOut>,
    sessions: Vec<Session>,
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
    /// Every token of `sub` issued up to `not_before` refused until `expires_at`.
    User {
        sub: String,
        not_before: i64,
        expires_at: i64,
        supersedes_before_ms: Option<i64>,
    },
}

#[derive(Debug, Default)]
pub struct RevocationSet {
    users: HashMap<Id, User>,
    /// Sessions whose user is unknown (older rows): checked by id alone.
    unowned: HashMap<Id, i64>,
}

impl RevocationSet {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.unowned.is_empty()
    }

    /// How many revocations are held: sign-outs and sessions.
    pub fn len(&self) -> usize {
        self.unowned.len()
            + self
                .users
                .values()
                .map(|u| u.sessions.len() + usize::from(u.signed_out.is_some()))
                .sum::<usize>()
    }

    pub fn is_revoked(&self, token: TokenIdentity<'_>, now: i64) -> bool {
        if self.is_empty() {
            return false;
        }
        let ids = [token.origin_jti, token.jti].map(|id| id.map(Id::of));
        let names = |id: Id| ids.contains(&Some(id));
        if !self.unowned.is_empty()
            && self
                .unowned
                .iter()
                .any(|(id, expires)| *expires > now && names(*id))
        {
            return true;
        }
        let Some(user) = self.users.get(&Id::of(token.sub)) else {
            return false;
        };
        if user
            .sessions
            .iter()
            .any(|s| s.expires_at > now && names(s.id))
        {
            return true;
        }
        match (user.signed_out, token.issued_at) {
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
                sub: None,
                id,
                expires_at,
                ..
            } => self.unowned.insert(Id::of(id), *expires_at) != Some(*expires_at),
            Entry::Session {
                sub: Some(sub),
                id,
                expires_at,
                revoked_at_ms,
            } => {
                let user = self.users.entry(Id::of(sub)).or_default();
                let session = Session {
                    id: Id::of(id),
                    expires_at: *expires_at,
                    revoked_at_ms: *revoked_at_ms,
                };
                if user
                    .signed_out
                    .and_then(|out| out.supersedes_before_ms)
                    .is_some_and(|before| session.revoked_at_ms < before)
                {
                    return false;
                }
                match user.sessions.iter_mut().find(|s| s.id == session.id) {
                    Some(known) if *known == session => false,
                    Some(known) => {
                        *known = session;
                        true
                    }
                    None => {
                        user.sessions.push(session);
                        true
                    }
                }
            }
            Entry::User {
                sub,
                not_before,
                expires_at,
                supersedes_before_ms,
            } => {
                let user = self.users.entry(Id::of(sub)).or_default();
                let out = SignedOut {
                    not_before: *not_before,
                    expires_at: *expires_at,
                    supersedes_before_ms: *supersedes_before_ms,
                };
                let changed = user.signed_out != Some(out);
                user.signed_out = Some(out);
                if let Some(before) = out.supersedes_before_ms {
                    user.sessions.retain(|s| s.revoked_at_ms >= before);
                }
                changed
            }
        }
    }

    /// Drops what has expired by `now` (seconds).
    pub fn purge(&mut self, now: i64) {
        self.unowned.retain(|_, expires| *expires > now);
        self.users.retain(|_, user| {
            user.sessions.retain(|s| s.expires_at > now);
            if user.signed_out.is_some_and(|out| out.expires_at <= now) {
                user.signed_out = None;
            }
            user.signed_out.is_some() || !user.sessions.is_empty()
        });
        self.users.shrink_to_fit();
        self.unowned.shrink_to_fit();
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
        set.apply(&session(OTHER, "theirs", 1_000));
        let signed_out = |confirmed: Option<i64>| Entry::User {
            sub: SUB.into(),
            not_before: 2,
            expires_at: 10_000,
            supersedes_before_ms: confirmed,
        };
        set.apply(&signed_out(None));
        assert_eq!(set.len(), 3, "unconfirmed: nothing superseded");
        set.apply(&signed_out(Some(2_000)));
        assert_eq!(set.len(), 2);
        // Still refused, by the sign-out, as long as its tokens can live.
        assert!(set.is_revoked(token(SUB, "before", 1), 100));
        assert!(!set.is_revoked(token(SUB, "after", 3), 100));
        // A session revoked later is kept; one that arrives late from before is not.
        assert!(set.apply(&session(SUB, "later", 3_000)));
        assert!(!set.apply(&session(SUB, "late-news", 1_500)));
        assert!(set.is_revoked(token(SUB, "later", 3), 100));
    }

    #[test]
    fn purging_drops_expired_entries_and_empty_users() {
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
    fn uuids_are_held_as_themselves_and_other_ids_as_digests() {
        assert_eq!(
            Id::of(SUB).0,
            *uuid::Uuid::parse_str(SUB).unwrap().as_bytes()
        );
        assert_ne!(Id::of("a"), Id::of("b"));
        assert_eq!(Id::of("a"), Id::of("a"));
        // The upper-case spelling of a UUID is another string, so another id.
        assert_ne!(Id::of(&SUB.to_uppercase()), Id::of(SUB));
    }
}
