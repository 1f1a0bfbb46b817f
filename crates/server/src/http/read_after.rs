//! Read-your-own-writes for browsers when lists may come from a replica: after every
//! request that may have written (any method but GET and HEAD), the browser gets the
//! primary's log position in a cookie, and its later reads may come from the replica
//! only once the replica has replayed that far (`db::replica`). A browser that has not
//! written reads from any replica within the allowed lag.
//!
//! The cookie is no secret and no permission: a forged value only makes its own
//! browser's lists older (by at most the allowed lag) or always the primary's. Without
//! `database.read_url` nothing is set and nothing is queried.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, header::SET_COOKIE},
    middleware::Next,
    response::Response,
};
use axum_extra::extract::cookie::CookieJar;

use crate::{
    app::{self, ReadAfter},
    http::session::{CookieKind, make_cookie, read_cookie},
    state::AppState,
};

/// After a request that may have written, remembers in the browser where the primary's
/// log was, so the browser's next list is read from the primary until the replica has it.
pub async fn remember_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let may_write = !matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = next.run(request).await;
    if !may_write {
        return response;
    }
    match app::written_up_to(&state).await {
        Ok(Some(position)) => {
            // Past the allowed lag any usable replica has replayed it; a longer life
            // only covers a replica that was not usable meanwhile.
            let lag = time::Duration::milliseconds(state.settings.database.max_replica_lag_ms as i64);
            let max_age = (lag * 2_i32).max(time::Duration::minutes(5));
            let cookie = make_cookie(&state, CookieKind::ReadAfter, position.to_string(), Some(max_age));
            if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
        Ok(None) => {}
        // Without the position the browser's next reads may miss this write for up to
        // the allowed lag; the request itself has succeeded, so it is not failed now.
        Err(e) => tracing::warn!(error = %e, "cannot read the primary's log position after a write"),
    }
    response
}

/// What the request's reads must see: up to the browser's last write, or anything a
/// usable replica has if it has not written (or the cookie is not one we set).
pub fn of_request(state: &AppState, headers: &HeaderMap) -> ReadAfter {
    let jar = CookieJar::from_headers(headers);
    let position = read_cookie(state, &jar, CookieKind::ReadAfter).and_then(|v| v.parse().ok()).unwrap_or_default();
    ReadAfter::Position(position)
}
