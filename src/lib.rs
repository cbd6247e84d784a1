//! district-indicators: performance indicators of Chinese districts, each
//! figure traceable to the sentence that printed it.
//!
//! The library builds the whole HTTP application from an [`AppState`], so the
//! binary (`main.rs`) and the tests drive exactly the same router.

pub mod api;
pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod monitoring;
pub mod server;
pub mod store;
pub mod telemetry;

use std::sync::Arc;

use sqlx::PgPool;

pub use api::app;
pub use config::Config;
pub use error::{Error, Result};

/// Everything a handler may need, cloned cheaply into each request.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// Each read request's snapshot comes from here (one connection each).
    pub readers: store::snapshot::Readers,
    pub config: Arc<Config>,
    /// Writes per key per minute.
    pub write_limiter: Arc<api::auth::WriteLimiter>,
    /// What `/metrics` exposes.
    pub metrics: monitoring::Metrics,
}

impl AppState {
    pub fn new(db: PgPool, config: Config) -> Self {
        let write_limiter = Arc::new(api::auth::WriteLimiter::new(
            config.write_rate_limit_per_minute,
        ));
        let metrics = monitoring::Metrics::new(config.database_acquire_timeout);
        Self {
            readers: store::snapshot::Readers::new(db.clone()),
            db,
            config: Arc::new(config),
            write_limiter,
            metrics,
        }
    }
}
