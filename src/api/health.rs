//! The operator's endpoints, outside /api/v1: liveness and readiness
//! probes, and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{AppState, Error, Result, monitoring, store};

/// Paths that are never cached, never need a key and are never shed under
/// load, so that an operator can always see the service's state.
pub const OPERATIONAL_PATHS: &[&str] = &["/healthz", "/readyz", "/metrics"];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// What a probe reports.
#[derive(Debug, Serialize, ToSchema)]
struct Health {
    #[schema(example = "ok")]
    status: &'static str,
    /// Present on `/readyz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "ok")]
    database: Option<&'static str>,
}

/// The process is up; says nothing about the database.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        database: None,
    })
}

/// The database answers and a data request could be served now; 503
/// problem+json when not.
///
/// Postgres is pinged over a connection of the probe's own, and a pooled
/// connection is borrowed (and given back at once). A pool whose every
/// connection is held by requests still being answered, or by answers still
/// being streamed, is busy, not down: ready. A pool with no connection to
/// give and no request holding one has lost its connections: not ready, so
/// that the replica is taken out of rotation.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = Health)))]
#[tracing::instrument(skip_all)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>> {
    let timeout = state.config.database_acquire_timeout;
    let ping = tokio::time::timeout(timeout, store::ping(&state.db))
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut));
    if let Err(error) = ping {
        tracing::warn!(%error, "readiness check failed");
        return Err(Error::database_unavailable());
    }
    let pooled = tokio::time::timeout(timeout, state.db.acquire()).await;
    let busy_with_requests = state.metrics.in_flight() > 1 || state.readers.holding() > 0;
    match pooled {
        Ok(Ok(_connection)) => {}
        _ if busy_with_requests => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness check failed: no pooled connection");
            return Err(Error::database_unavailable());
        }
        Err(_) => {
            tracing::warn!(
                open = state.db.size(),
                idle = state.db.num_idle(),
                "readiness check failed: no pooled connection is free and no request holds one"
            );
            return Err(Error::database_unavailable());
        }
    }
    Ok(Json(Health {
        status: "ok",
        database: Some("ok"),
    }))
}

/// Prometheus metrics in the text exposition format: requests by route
/// template and status (count and latency histogram), requests in flight,
/// the database pool (open, idle, max, time waited) and build info. The
/// README lists every series.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "health",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"))
)]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, monitoring::CONTENT_TYPE)],
        state.metrics.render(&state.db),
    )
}
