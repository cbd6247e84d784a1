//! Every request, observed once: a span carrying its request id, one log
//! line when it is answered, its metrics, and a `Server-Timing` header.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::monitoring::{Metrics, RequestRecord};
use crate::telemetry::{self, RequestTiming};

/// The request id header, set (or kept) by the outer request-id layer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The `Server-Timing` header (W3C Server Timing).
const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// The label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

pub async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let _in_flight = metrics.start_request();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let span = tracing::info_span!(
        "request",
        request_id,
        method = %method,
        route,
        uri = %request.uri(),
    );
    let timing = Arc::new(RequestTiming::default());
    let mut response = telemetry::timed(timing.clone(), next.run(request))
        .instrument(span.clone())
        .await;

    let latency = started.elapsed();
    let database = timing.database();
    let status = response.status();
    metrics.record_request(&RequestRecord {
        method: &method,
        route: &route,
        status,
        latency,
        database,
        acquire_wait: timing.acquire_wait(),
    });
    if let Ok(value) = HeaderValue::from_str(&server_timing(database, latency)) {
        response.headers_mut().insert(SERVER_TIMING, value);
    }
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            latency_ms = millis(latency),
            db_ms = millis(database),
            "answered"
        );
    });
    response
}

/// `db;dur=1.234, total;dur=5.678`, in milliseconds, as PostgREST sends it.
fn server_timing(database: Duration, total: Duration) -> String {
    format!(
        "db;dur={:.3};desc=\"database\", total;dur={:.3}",
        millis(database),
        millis(total)
    )
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_timing_lists_database_and_total_time_in_milliseconds() {
        assert_eq!(
            server_timing(Duration::from_micros(1500), Duration::from_millis(12)),
            "db;dur=1.500;desc=\"database\", total;dur=12.000"
        );
    }
}
