//! `GET /oauth/start` and `GET /oauth/callback`: federated sign-in through the pool's managed
//! login. Both are browser navigations; the session boundary answers them.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::extract::IpLimitedClient;
use crate::state::AppState;

/// The first value of each of `names` in a query string, at most 8 parameters read.
fn params<const N: usize>(query: Option<&str>, names: [&str; N]) -> [Option<String>; N] {
    let mut found = [const { None }; N];
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()).take(8) {
        if let Some(at) = names.iter().position(|n| *n == name)
            && found[at].is_none()
        {
            found[at] = Some(value.into_owned());
        }
    }
    found
}

pub async fn start(
    State(state): State<AppState>,
    _client: IpLimitedClient,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let [provider, return_to] = params(query.as_deref(), ["provider", "return_to"]);
    state
        .boundary
        .federated_start(&headers, provider.as_deref(), return_to.as_deref())
        .await
}

pub async fn callback(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    state
        .boundary
        .federated_callback(&headers, &client, query.as_deref())
        .await
}
