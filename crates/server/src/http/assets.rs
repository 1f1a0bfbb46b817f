//! Static assets we serve ourselves: the one stylesheet, the draft editor's small
//! script, and the copy buttons' script (the customer's page).
//!
//! The stylesheet used to be an inline `<style>` block, which a Content-Security-Policy
//! can only allow with `'unsafe-inline'`. Served from our origin it is covered by
//! `style-src 'self'`. It is compiled into the binary; its URL carries a hash of its
//! content, so browsers may cache it for a year and a new release is fetched at once.

use std::sync::LazyLock;

use axum::{
    Router,
    http::{HeaderValue, header},
    response::IntoResponse,
    routing::get,
};
use sha2::{Digest, Sha256};

use crate::state::AppState;

pub const STYLESHEET: &str = include_str!("../../static/app.css");

/// `/static/app.css?v=<first 12 hex digits of its SHA-256>`, as the pages link it.
pub static STYLESHEET_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/app.css?v={}", &hex::encode(Sha256::digest(STYLESHEET))[..12]));

pub const EDITOR_SCRIPT: &str = include_str!("../../static/editor.js");

/// `/static/editor.js?v=<hash>`, as the draft editor links it.
pub static EDITOR_SCRIPT_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/editor.js?v={}", &hex::encode(Sha256::digest(EDITOR_SCRIPT))[..12]));

pub const COPY_SCRIPT: &str = include_str!("../../static/copy.js");

/// `/static/copy.js?v=<hash>`, as pages with copy buttons link it.
pub static COPY_SCRIPT_URL: LazyLock<String> =
    LazyLock::new(|| format!("/static/copy.js?v={}", &hex::encode(Sha256::digest(COPY_SCRIPT))[..12]));

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(stylesheet))
        .route("/static/editor.js", get(|| script(EDITOR_SCRIPT)))
        .route("/static/copy.js", get(|| script(COPY_SCRIPT)))
        .route("/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
}

const FAVICON: &str = include_str!("../../static/favicon.svg");

/// The tab icon (browsers also ask for `/favicon.ico`; an SVG answers both).
async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
        ],
        FAVICON,
    )
}

async fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        body,
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            // Safe to keep for a year: a changed file gets a new `?v=` in the pages.
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
        ],
        STYLESHEET,
    )
}
