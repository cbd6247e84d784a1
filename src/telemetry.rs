//! Logging, and how long each request spent in the database.
//!
//! Logs go to stderr through `tracing`, as text or JSON ([`LogFormat`]),
//! filtered by `RUST_LOG`. Beside the log layer sits [`DatabaseTiming`]: it
//! reads the timing events sqlx emits for every statement and every pool
//! checkout, and adds them to the [`RequestTiming`] of the request whose task
//! ran them, for `Server-Timing` and `/metrics`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::{EnvFilter, filter_fn};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Registry, fmt};

use crate::config::LogFormat;

/// The filter used when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "district_indicators=info";

/// Installs the global subscriber. Call once, at the start of `main`.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Logs go to stderr, so stdout carries only what a command prints
    // (`keys create` prints the key there, for scripts to capture).
    let logs: Box<dyn Layer<Registry> + Send + Sync> = match format {
        LogFormat::Text => fmt::layer().with_writer(std::io::stderr).boxed(),
        LogFormat::Json => fmt::layer()
            .json()
            // `span`: the innermost; `spans`: all, the request's first, so
            // a line logged deep in a handler still carries the request id.
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(logs.with_filter(filter))
        .with(database_timing())
        .init();
}

/// Installs only the database timing, for programs (and tests) that log
/// their own way. Does nothing if a subscriber is already installed.
pub fn init_database_timing() {
    // An error means a subscriber is installed already: keep it.
    let _ = tracing_subscriber::registry()
        .with(database_timing())
        .try_init();
}

fn database_timing<S>() -> impl Layer<S>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    DatabaseTiming.with_filter(filter_fn(|metadata| {
        matches!(metadata.target(), STATEMENT_TARGET | ACQUIRE_TARGET)
    }))
}

/// sqlx's event for each finished statement (field `elapsed_secs`).
const STATEMENT_TARGET: &str = "sqlx::query";
/// sqlx's event for each connection checkout (field `acquired_after_secs`).
const ACQUIRE_TARGET: &str = "sqlx::pool::acquire";

/// Time one request spent on the database, summed over its statements.
#[derive(Debug, Default)]
pub struct RequestTiming {
    statements_nanos: AtomicU64,
    acquire_nanos: AtomicU64,
    statements: AtomicU64,
    acquires: AtomicU64,
    pool_timeouts: AtomicU64,
}

impl RequestTiming {
    /// Whether the request ran a statement or asked the pool for a
    /// connection.
    pub fn used_database(&self) -> bool {
        self.statements.load(Ordering::Relaxed) > 0
            || self.acquires.load(Ordering::Relaxed) > 0
            || self.pool_timeouts() > 0
    }

    /// How many times the request gave up waiting for a connection.
    pub fn pool_timeouts(&self) -> u64 {
        self.pool_timeouts.load(Ordering::Relaxed)
    }

    /// Running statements, from sending each to its last row.
    pub fn database(&self) -> Duration {
        Duration::from_nanos(self.statements_nanos.load(Ordering::Relaxed))
    }

    /// Waiting for a pooled connection.
    pub fn acquire_wait(&self) -> Duration {
        Duration::from_nanos(self.acquire_nanos.load(Ordering::Relaxed))
    }
}

tokio::task_local! {
    static TIMING: Arc<RequestTiming>;
}

/// Notes, for the current request, that the pool had no connection for it
/// in time (sqlx emits no event for that).
pub fn note_pool_timeout() {
    let _ = TIMING.try_with(|timing| timing.pool_timeouts.fetch_add(1, Ordering::Relaxed));
}

/// Runs `future` (a request) with `timing` collecting its database time.
pub async fn timed<F: Future>(timing: Arc<RequestTiming>, future: F) -> F::Output {
    TIMING.scope(timing, future).await
}

/// Adds sqlx's timing events to the current request's [`RequestTiming`].
struct DatabaseTiming;

impl<S: Subscriber> Layer<S> for DatabaseTiming {
    fn on_event(&self, event: &Event<'_>, _context: Context<'_, S>) {
        let (field, is_statement) = match event.metadata().target() {
            STATEMENT_TARGET => ("elapsed_secs", true),
            ACQUIRE_TARGET => ("acquired_after_secs", false),
            _ => return,
        };
        let mut seconds = Seconds { field, value: None };
        event.record(&mut seconds);
        let Some(nanos) = seconds.value.and_then(|value| {
            Duration::try_from_secs_f64(value)
                .ok()
                .map(|duration| u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX))
        }) else {
            return;
        };
        // Outside a request (start-up, migrations) there is nothing to add to.
        let _ = TIMING.try_with(|timing| {
            let (total, count) = if is_statement {
                (&timing.statements_nanos, &timing.statements)
            } else {
                (&timing.acquire_nanos, &timing.acquires)
            };
            total.fetch_add(nanos, Ordering::Relaxed);
            count.fetch_add(1, Ordering::Relaxed);
        });
    }
}

/// Reads one `f64` field of an event.
struct Seconds {
    field: &'static str,
    value: Option<f64>,
}

impl Visit for Seconds {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == self.field {
            self.value = Some(value);
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}
