//! Server-rendered pages for signed-in users and the login flow.

pub mod dashboard;
pub mod login;
pub mod pages;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(login::router())
        .merge(dashboard::router())
}
