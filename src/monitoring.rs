//! Prometheus metrics: what `GET /metrics` exposes.
//!
//! Each [`Metrics`] owns its recorder (no global one), so every app built by
//! [`crate::app`] (one per test, say) counts only its own requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::http::Method;
use metrics::{
    Gauge, Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
    with_local_recorder,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use sqlx::PgPool;

use crate::telemetry::RequestTiming;

/// The media type of the Prometheus text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Histogram buckets, in seconds: 1 ms to 30 s (the default request timeout).
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The service's metrics and their exposition.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
    in_flight: Gauge,
    /// The same number, readable (a gauge is write-only), for `/readyz`.
    in_flight_now: Arc<AtomicI64>,
    /// `DATABASE_ACQUIRE_TIMEOUT`: what a request that gave up waiting for a
    /// connection waited.
    acquire_timeout: Duration,
}

impl Metrics {
    pub fn new(acquire_timeout: Duration) -> Self {
        let builder = PrometheusBuilder::new();
        // `set_buckets` fails only on an empty list; BUCKETS is not empty.
        let builder = builder.set_buckets(BUCKETS).unwrap_or_default();
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let in_flight = with_local_recorder(&recorder, || {
            describe_counter!(
                "http_requests_total",
                Unit::Count,
                "Requests answered, by method, route template and status."
            );
            describe_histogram!(
                "http_request_duration_seconds",
                Unit::Seconds,
                "Time to answer a request (until its headers), by method, route template and status."
            );
            describe_gauge!(
                "http_requests_in_flight",
                Unit::Count,
                "Requests being answered now."
            );
            describe_gauge!(
                "db_pool_connections",
                Unit::Count,
                "Open connections to Postgres, by state (idle, in_use)."
            );
            describe_gauge!(
                "db_pool_max_connections",
                Unit::Count,
                "The most connections the pool may open (DATABASE_MAX_CONNECTIONS)."
            );
            describe_histogram!(
                "db_pool_acquire_wait_seconds",
                Unit::Seconds,
                "Per request that used the database: time spent waiting for pooled connections, timeouts included. rate(_sum) is the mean number of requests waiting."
            );
            describe_counter!(
                "db_pool_acquire_timeouts_total",
                Unit::Count,
                "Waits for a pooled connection that ran past DATABASE_ACQUIRE_TIMEOUT (each a 503)."
            );
            counter!("db_pool_acquire_timeouts_total").absolute(0);
            describe_histogram!(
                "db_statement_duration_seconds",
                Unit::Seconds,
                "Per request that used the database: time its SQL statements ran."
            );
            describe_gauge!(
                "district_indicators_build_info",
                "Always 1; the labels name this build."
            );
            gauge!(
                "district_indicators_build_info",
                "version" => env!("CARGO_PKG_VERSION"),
                "source_fingerprint" => env!("SOURCE_FINGERPRINT"),
            )
            .set(1.0);
            gauge!("http_requests_in_flight")
        });
        Self {
            recorder: Arc::new(recorder),
            handle,
            in_flight,
            in_flight_now: Arc::new(AtomicI64::new(0)),
            acquire_timeout,
        }
    }

    /// Counts a request as in flight until the guard is dropped.
    pub fn start_request(&self) -> InFlight {
        self.in_flight.increment(1.0);
        self.in_flight_now.fetch_add(1, Ordering::Relaxed);
        InFlight(self.in_flight.clone(), self.in_flight_now.clone())
    }

    /// Requests being answered now (until their headers are sent).
    pub fn in_flight(&self) -> i64 {
        self.in_flight_now.load(Ordering::Relaxed)
    }

    /// Records one answered request.
    pub fn record_request(&self, request: &RequestRecord<'_>) {
        let labels = [
            ("method", method_label(request.method).to_owned()),
            ("route", request.route.to_owned()),
            ("status", request.status.to_string()),
        ];
        let timing = request.timing;
        let timeouts = timing.pool_timeouts();
        let waited = timing.acquire_wait()
            + self
                .acquire_timeout
                .saturating_mul(u32::try_from(timeouts).unwrap_or(u32::MAX));
        with_local_recorder(self.recorder.as_ref(), || {
            counter!("http_requests_total", &labels).increment(1);
            histogram!("http_request_duration_seconds", &labels)
                .record(request.latency.as_secs_f64());
            if timing.used_database() {
                histogram!("db_pool_acquire_wait_seconds").record(waited.as_secs_f64());
                histogram!("db_statement_duration_seconds").record(timing.database().as_secs_f64());
                counter!("db_pool_acquire_timeouts_total").increment(timeouts);
            }
        });
    }

    /// The exposition, with the pool's gauges read now.
    pub fn render(&self, db: &PgPool) -> String {
        let open = f64::from(db.size());
        let idle = f64::from(u32::try_from(db.num_idle()).unwrap_or(u32::MAX));
        let max = f64::from(db.options().get_max_connections());
        with_local_recorder(self.recorder.as_ref(), || {
            gauge!("db_pool_connections", "state" => "idle").set(idle);
            gauge!("db_pool_connections", "state" => "in_use").set((open - idle).max(0.0));
            gauge!("db_pool_max_connections").set(max);
        });
        self.handle.run_upkeep();
        self.handle.render()
    }
}

/// What is recorded of one request.
#[derive(Debug)]
pub struct RequestRecord<'a> {
    pub method: &'a Method,
    /// The route template (`/api/v1/regions/{code}`), never the raw path, so
    /// the number of series stays bounded; `unmatched` for no route.
    pub route: &'a str,
    /// The status sent, or 499 for a request abandoned before its answer.
    pub status: u16,
    pub latency: Duration,
    pub timing: &'a RequestTiming,
}

/// The method as a label: the standard ones by name, any other `OTHER`, so
/// that invented methods cannot grow the number of series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Keeps a request counted in `http_requests_in_flight`, also if it is
/// cancelled.
pub struct InFlight(Gauge, Arc<AtomicI64>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.decrement(1.0);
        self.1.fetch_sub(1, Ordering::Relaxed);
    }
}
