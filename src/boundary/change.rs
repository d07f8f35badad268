//! The write half of the session boundary, for a change of what the user can do (a new
//! password, MFA on or off): what it does to the user's browser sessions, and the cookie the
//! answer carries.

use std::time::Duration;

use axum::Json;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{Boundary, Caller, no_store};
use crate::error::ApiError;
use crate::sessions::Renewal;

/// Time kept, before a request's limit, for what follows the change of a session's id.
const ANSWER_MARGIN: Duration = Duration::from_secs(2);

/// What a change of what the user can do (a password, MFA) did to their sessions.
pub struct AfterChange {
    /// How many other browser sessions ended; `None` where the change ends none (MFA turned
    /// on), or where they could not be ended (then the answer leaves the count out).
    signed_out_others: Option<usize>,
    /// The browser session the request came with, when it came with one.
    session: Option<Renewal>,
}

impl AfterChange {
    /// The session the request came with gets a new id (or ends, never keeping the old one);
    /// with `end_others` and END_OTHER_SESSIONS_ON_CHANGE, the user's other browser sessions
    /// end first, and their tokens are refused on every replica.
    ///
    /// `started` is when the request began: the new id is settled within its time limit.
    pub async fn apply(
        boundary: &Boundary,
        caller: &Caller,
        end_others: bool,
        started: Instant,
    ) -> Result<AfterChange, ApiError> {
        let current = caller.session.as_ref();
        let signed_out_others = if !end_others {
            None
        } else if boundary.config.sessions.end_others_on_change {
            let keep = current.map(|s| &s.stored.id_hash);
            Some(
                boundary
                    .sessions
                    .end_others(&caller.claims.sub, keep)
                    .await?,
            )
        } else {
            Some(0)
        };
        // A margin for what the request still does after: one database write at most.
        let deadline = started
            + boundary
                .config
                .http
                .request_timeout
                .saturating_sub(ANSWER_MARGIN);
        let session = match current {
            Some(session) => Some(boundary.sessions.renew(session, deadline).await?),
            None => None,
        };
        Ok(AfterChange {
            signed_out_others,
            session,
        })
    }

    /// The user has no session here (a reset by code): every browser session of the user
    /// Cognito knows as `username` ends. The change is made already, so what fails here is
    /// logged and the count left out, rather than the change answered as failed.
    pub async fn end_all(boundary: &Boundary, username: &str) -> AfterChange {
        if !boundary.config.sessions.end_others_on_change {
            return AfterChange {
                signed_out_others: Some(0),
                session: None,
            };
        }
        let ended = match boundary.cognito.sub_of(username).await {
            Ok(Some(sub)) => boundary.sessions.end_others(&sub, None).await.map_err(|e| {
                tracing::warn!(error = %e, "the browser sessions of a user whose password was reset were not ended");
            }),
            Ok(None) | Err(_) => {
                tracing::warn!(
                    "the user whose password was reset can't be looked up, so their browser \
                     sessions live on (does the role allow cognito-idp:AdminGetUser?)"
                );
                Err(())
            }
        };
        AfterChange {
            signed_out_others: ended.ok(),
            session: None,
        }
    }

    /// `body` (a JSON object) with what happened to the sessions, and the new cookie; never
    /// cached.
    pub fn answer(self, boundary: &Boundary, mut body: Map<String, Value>) -> Response {
        if let Some(n) = self.signed_out_others {
            body.insert("signed_out_others".into(), n.into());
        }
        let set_cookie = self.session.map(|renewal| {
            body.insert("session".into(), json!(renewal.after()));
            match renewal {
                Renewal::Renewed {
                    id,
                    max_age_seconds,
                } => boundary.session_cookies.set(&id, max_age_seconds),
                Renewal::Ended => boundary.session_cookies.clear(),
            }
        });
        let mut response = Json(body).into_response();
        if let Some(cookie) = set_cookie {
            response.headers_mut().insert(SET_COOKIE, cookie);
        }
        no_store(response)
    }
}
