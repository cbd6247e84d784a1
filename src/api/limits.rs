//! Bounds on every request: the size of its head, how many are served at
//! once, and how long each may take. Each refusal is problem+json.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::health::OPERATIONAL_PATHS;
use crate::{Config, Error};

/// The limits, from [`Config`].
#[derive(Clone)]
pub struct Limits {
    max_header_bytes: usize,
    request_timeout: Duration,
    import_timeout: Duration,
    max_concurrent: u32,
    permits: Arc<Semaphore>,
}

impl Limits {
    pub fn new(config: &Config) -> Self {
        Self {
            max_header_bytes: config.max_header_bytes,
            request_timeout: config.request_timeout,
            import_timeout: config.import_timeout,
            max_concurrent: config.max_concurrent_requests,
            permits: Arc::new(Semaphore::new(
                usize::try_from(config.max_concurrent_requests).unwrap_or(usize::MAX),
            )),
        }
    }
}

/// The bulk import: large bodies, so its own time limit.
const IMPORTS: &str = "/api/v1/imports";

/// Refuses a request whose URI and headers exceed `MAX_HEADER_BYTES` (431);
/// sheds load beyond `MAX_CONCURRENT_REQUESTS` (503 with `Retry-After`, at
/// once, rather than queueing); and answers 504 when a request runs past
/// its time limit (its work is dropped: an unfinished write rolls back).
pub async fn bound(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let head = head_size(&request);
    if head > limits.max_header_bytes {
        return Error::HeadersTooLarge(format!(
            "the request's URI and headers take {head} bytes; at most {} are accepted",
            limits.max_header_bytes
        ))
        .into_response();
    }
    let path = request.uri().path();
    // The probes and metrics answer even when the server is saturated.
    let _permit = if OPERATIONAL_PATHS.contains(&path) {
        None
    } else {
        match limits.permits.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                return Error::Unavailable {
                    detail: format!(
                        "the server is answering its limit of {} requests at once; retry shortly",
                        limits.max_concurrent
                    ),
                    retry_after: 1,
                }
                .into_response();
            }
        }
    };
    let is_import = path
        .strip_prefix(IMPORTS)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let limit = if is_import {
        limits.import_timeout
    } else {
        limits.request_timeout
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit = ?limit, "request timed out");
            Error::Timeout(format!(
                "the request took longer than the server's limit of {}; narrow it or retry later",
                humantime::format_duration(limit)
            ))
            .into_response()
        }
    }
}

/// The bytes of the request line's URI and every header line.
fn head_size(request: &Request) -> usize {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |path| path.as_str().len());
    request
        .headers()
        .iter()
        // "name: value\r\n"
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum::<usize>()
        + uri
}
