//! Every request, observed once: a span carrying its request id, one log
//! line when it is answered (or abandoned), its metrics, and a
//! `Server-Timing` header.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tracing::{Instrument, Span};

use crate::monitoring::{InFlight, Metrics, RequestRecord};
use crate::telemetry::{self, RequestTiming};

/// The request id header, set (or kept) by the outer request-id layer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client.
const MAX_REQUEST_ID: usize = 128;

/// The `Server-Timing` header (W3C Server Timing).
const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// The label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

/// The status recorded for a request dropped before its answer: the client
/// went away, or the server stopped (nginx's 499).
const ABANDONED: u16 = 499;

/// Drops a client's `x-request-id` that is longer than 128 bytes or not
/// printable ASCII, so that a new one is made instead.
pub async fn sanitize_request_id(mut request: Request) -> Request {
    let acceptable = request.headers().get(REQUEST_ID).is_none_or(|id| {
        id.len() <= MAX_REQUEST_ID && id.as_bytes().iter().all(u8::is_ascii_graphic)
    });
    if !acceptable {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

pub async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let observed = Observed::start(metrics, &request);
    let response = telemetry::timed(observed.timing.clone(), next.run(request))
        .instrument(observed.span.clone())
        .await;
    observed.answered(response)
}

/// One request being observed. Dropped unanswered (the future cancelled),
/// it still logs and counts the request, as abandoned.
struct Observed {
    metrics: Metrics,
    _in_flight: InFlight,
    started: Instant,
    method: Method,
    route: String,
    span: Span,
    timing: Arc<RequestTiming>,
    answered: bool,
}

impl Observed {
    fn start(metrics: Metrics, request: &Request) -> Self {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or(UNMATCHED, MatchedPath::as_str)
            .to_owned();
        let request_id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let span = tracing::info_span!(
            "request",
            request_id,
            method = %request.method(),
            route,
            uri = %request.uri(),
        );
        Self {
            _in_flight: metrics.start_request(),
            metrics,
            started: Instant::now(),
            method: request.method().clone(),
            route,
            span,
            timing: Arc::new(RequestTiming::default()),
            answered: false,
        }
    }

    fn answered(mut self, mut response: Response) -> Response {
        self.answered = true;
        let latency = self.record(response.status().as_u16());
        let timing = server_timing(self.timing.database(), latency);
        if let Ok(value) = HeaderValue::from_str(&timing) {
            response.headers_mut().insert(SERVER_TIMING, value);
        }
        response
    }

    /// Records the request's metrics and logs its line; returns its latency.
    fn record(&self, status: u16) -> Duration {
        let latency = self.started.elapsed();
        self.metrics.record_request(&RequestRecord {
            method: &self.method,
            route: &self.route,
            status,
            latency,
            timing: &self.timing,
        });
        let database = self.timing.database();
        let outcome = if status == ABANDONED {
            "abandoned before an answer"
        } else {
            "answered"
        };
        self.span.in_scope(|| {
            tracing::info!(
                status,
                latency_ms = millis(latency),
                db_ms = millis(database),
                "{outcome}"
            );
        });
        latency
    }
}

impl Drop for Observed {
    fn drop(&mut self) {
        if !self.answered {
            self.record(ABANDONED);
        }
    }
}

/// `db;dur=1.234;desc="database", total;dur=5.678`, in milliseconds, as
/// PostgREST sends it.
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
