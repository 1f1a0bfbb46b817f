//! Automatic access logging (issue 7 §5): the sensitive routes are listed once, here,
//! and one layer on the whole router records an `access` audit event for every request
//! to them, so no handler has to remember a call. Also gives every request an id
//! (`X-Request-Id` on the response) that audit events carry.
//!
//! Who made the request is known only once the handler's extractors have run (the
//! session cookie, the API token, the admin cookie, the customer link). The layer puts
//! an empty [`AccessIdentity`] into the request; those extractors fill it in through
//! [`identify`]. A request nobody could be identified for is recorded as `denied`.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{Extensions, HeaderValue, Method, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::{ClientIp, error::AppError};
use crate::{
    audit::{self, Actor, AuditEvent, Category, Outcome, RequestMeta},
    state::AppState,
};

/// Every route whose use is an `access` event: (method, route pattern, action).
/// Viewing or downloading invoices, customers' details, settings pages that hold or
/// manage secrets, the audit log itself (LOG-9), and every use of an API token.
pub const SENSITIVE_ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/invoices/{id}", "invoice.view"),
    ("GET", "/invoices/{id}/pdf", "invoice.download"),
    ("GET", "/invoices/{id}/view", "invoice.download"),
    ("GET", "/invoices/{id}/preview.pdf", "invoice.download"),
    ("GET", "/invoices/{id}/ubl", "invoice.download"),
    ("GET", "/invoices/{id}/cii", "invoice.download"),
    ("GET", "/customers/{id}", "customer.view"),
    ("GET", "/bills/{id}", "bill.view"),
    ("GET", "/bills/{id}/original", "bill.download"),
    ("GET", "/bills/{id}/pdf", "bill.download"),
    ("GET", "/bills/export.csv", "bills.export"),
    ("GET", "/bills/export.zip", "bills.export"),
    ("GET", "/settings/payments", "settings.payments.view"),
    ("GET", "/settings/api-tokens", "settings.api_tokens.view"),
    ("GET", "/settings/audit", "audit.view"),
    ("GET", "/settings/export/{id}/download", "export.download"),
    ("GET", "/i/{token}", "customer_link.view"),
    ("GET", "/i/{token}/{format}", "customer_link.download"),
    ("GET", "/api/v1/customers", "api.customers.list"),
    ("POST", "/api/v1/customers", "api.customers.create"),
    ("GET", "/api/v1/customers/{id}", "api.customers.read"),
    ("PUT", "/api/v1/customers/{id}", "api.customers.update"),
    ("GET", "/api/v1/products", "api.products.list"),
    ("POST", "/api/v1/products", "api.products.create"),
    ("GET", "/api/v1/products/{id}", "api.products.read"),
    ("PUT", "/api/v1/products/{id}", "api.products.update"),
    ("GET", "/api/v1/invoices", "api.invoices.list"),
    ("POST", "/api/v1/invoices", "api.invoices.create"),
    ("GET", "/api/v1/invoices/{id}", "api.invoices.read"),
    ("PUT", "/api/v1/invoices/{id}", "api.invoices.update"),
    ("POST", "/api/v1/invoices/{id}/issue", "api.invoices.issue"),
    ("POST", "/api/v1/invoices/{id}/payments", "api.invoices.payment"),
    ("POST", "/api/v1/invoices/{id}/credit-notes", "api.invoices.credit_note"),
    ("POST", "/api/v1/invoices/{id}/convert", "api.invoices.convert"),
    ("GET", "/api/v1/invoices/{id}/pdf", "api.invoices.download"),
    ("GET", "/api/v1/invoices/{id}/ubl", "api.invoices.download"),
    ("GET", "/api/v1/invoices/{id}/cii", "api.invoices.download"),
    ("GET", "/api/v1/customers/{id}/statement", "api.customers.statement"),
    ("GET", "/api/v1/bills/{id}", "api.bills.read"),
    ("GET", "/api/v1/bills/{id}/original", "api.bills.download"),
    ("GET", "/api/v1/bills/{id}/pdf", "api.bills.download"),
    ("GET", "/api/v1/bills/export.csv", "api.bills.export"),
    ("GET", "/api/v1/bills/export.zip", "api.bills.export"),
    ("GET", "/api/v1/audit-events", "api.audit.view"),
    ("GET", "/admin/users/{id}", "admin.user.view"),
    ("GET", "/admin/audit", "admin.audit.view"),
    ("GET", "/admin/audit.csv", "admin.audit.export"),
];

/// The action a request is logged under, if its route is sensitive.
pub fn sensitive_action(method: &Method, route: &str) -> Option<&'static str> {
    let method = if method == Method::HEAD { "GET" } else { method.as_str() };
    SENSITIVE_ROUTES.iter().find(|(m, r, _)| *m == method && *r == route).map(|(_, _, action)| *action)
}

/// The request's id, made here (never taken from the client).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(RequestMeta {
            ip,
            user_agent: super::user_agent(&parts.headers),
            request_id: parts.extensions.get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default(),
        })
    }
}

/// The actor and their business, as the extractors found them.
type Identified = (Actor, Option<Uuid>);

/// Who a sensitive request turned out to be from, filled in by the extractors.
#[derive(Debug, Clone, Default)]
pub struct AccessIdentity(Arc<Mutex<Option<Identified>>>);

impl AccessIdentity {
    fn take(&self) -> Option<Identified> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Names the actor of this request for the access log (a no-op on other routes).
pub fn identify(extensions: &Extensions, actor: Actor, business_id: Option<Uuid>) {
    if let Some(slot) = extensions.get::<AccessIdentity>() {
        *slot.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((actor, business_id));
    }
}

/// The path as logged: ids stay (they are what was accessed), but a customer-link
/// token is a credential and is replaced by its placeholder.
fn loggable_path(route: &str, path: &str) -> String {
    let route_parts: Vec<&str> = route.split('/').collect();
    path.split('/')
        .enumerate()
        .map(|(i, segment)| if route_parts.get(i) == Some(&"{token}") { "{token}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

pub async fn log_sensitive_access(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let Some((route, action)) = route.and_then(|r| sensitive_action(request.method(), &r).map(|a| (r, a))) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let Ok(meta) = RequestMeta::from_request_parts(&mut parts, &state).await;
    let target = loggable_path(&route, parts.uri.path());
    let method = parts.method.to_string();
    let slot = AccessIdentity::default();
    parts.extensions.insert(slot.clone());
    let response = next.run(Request::from_parts(parts, body)).await;

    let status = response.status();
    let identity = slot.take();
    let outcome = match (&identity, status.as_u16()) {
        (None, _) | (_, 401 | 403 | 404) => Outcome::Denied,
        (_, 200..=399) => Outcome::Success,
        _ => Outcome::Failure,
    };
    let (actor, business_id) = identity.unwrap_or((Actor::Anonymous, None));
    let mut event = AuditEvent::new(state.clock.now(), Category::Access, action)
        .actor(actor)
        .target(target)
        .outcome(outcome)
        .request(&meta)
        .details(serde_json::json!({ "method": method, "status": status.as_u16() }));
    event.business_id = business_id;
    match record_patiently(&state, &event).await {
        Ok(()) => response,
        // A change the handler made is done: withholding its answer cannot undo it and
        // would only make the client repeat it (a second payment, a second invoice).
        Err(e) if is_change(&method) && (status.is_success() || status.is_redirection()) => {
            tracing::error!(error = %e, action, %status, "the access could not be recorded in the audit log; the change is done, so its answer is given");
            response
        }
        Err(e) => {
            // Every access is logged or it does not happen: the response is withheld.
            tracing::error!(error = %e, action, "the access could not be recorded in the audit log; response withheld");
            if route.starts_with("/api/") {
                crate::http::api::problem::ApiError::from(e).into_response()
            } else {
                AppError::from(e).into_response()
            }
        }
    }
}

/// Waits between tries of the access event when the database is unreachable: a
/// restart or failover takes a second or two, and the request should ride over it
/// rather than fail (about 4 s in all, within a client's patience).
const RECORD_WAITS_MS: [u64; 6] = [50, 100, 250, 500, 1000, 2000];

/// Records `event` with the others waiting (`audit::group_commit`); if that batch
/// fails, on its own, trying again while the database is unreachable.
async fn record_patiently(state: &AppState, event: &AuditEvent) -> Result<(), sqlx::Error> {
    if state.audit_group.record(event).await {
        return Ok(());
    }
    let mut waits = RECORD_WAITS_MS.iter();
    loop {
        match audit::record(&state.db, event).await {
            Err(e) if crate::app::error::is_unavailable(&e) => match waits.next() {
                Some(ms) => tokio::time::sleep(std::time::Duration::from_millis(*ms)).await,
                None => return Err(e),
            },
            done => return done,
        }
    }
}

/// Whether a request of `method` may have changed something (its effect stands even
/// when its answer is withheld).
fn is_change(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_link_tokens_never_reach_the_log() {
        assert_eq!(loggable_path("/i/{token}/{format}", "/i/abcSECRET/pdf"), "/i/{token}/pdf");
        assert_eq!(loggable_path("/invoices/{id}/pdf", "/invoices/42/pdf"), "/invoices/42/pdf");
    }

    #[test]
    fn head_is_logged_like_get() {
        assert_eq!(sensitive_action(&Method::HEAD, "/invoices/{id}"), Some("invoice.view"));
        assert_eq!(sensitive_action(&Method::POST, "/invoices/{id}"), None);
    }
}
