//! Logging setup. Nothing secret is ever a field: codes, tokens and keys are not
//! passed to `tracing` at all, and email addresses appear only as keyed pseudonyms.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber; `RUST_LOG` wins over the configured filter.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry().with(filter).with(fmt::layer().with_target(false)).try_init();
}
