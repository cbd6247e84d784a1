//! Logging: `tracing` to stderr, with an `EnvFilter` taken from `RUST_LOG`.

use tracing_subscriber::{EnvFilter, fmt};

/// The filter used when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "district_indicators=info,tower_http=info";

/// Installs the global subscriber. Call once, at the start of `main`.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Logs go to stderr, so stdout carries only what a command prints
    // (`keys create` prints the key there, for scripts to capture).
    fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
