//! Liveness and readiness probes, outside /api/v1.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::{AppState, Error, Result, store};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up; says nothing about the database.
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers; 503 problem+json when it does not.
#[tracing::instrument(skip_all)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Value>> {
    match store::ping(&state.db).await {
        Ok(()) => Ok(Json(json!({ "status": "ok", "database": "ok" }))),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(Error::Unavailable(
                "the database is not reachable".to_owned(),
            ))
        }
    }
}
