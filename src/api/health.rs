//! Liveness and readiness probes, outside /api/v1.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
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

/// The database answers; 503 problem+json when it does not.
#[utoipa::path(get, path = "/readyz", tag = "health", responses((status = 200, body = Health)))]
#[tracing::instrument(skip_all)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Health>> {
    match store::ping(&state.db).await {
        Ok(()) => Ok(Json(Health {
            status: "ok",
            database: Some("ok"),
        })),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(Error::Unavailable(
                "the database is not reachable".to_owned(),
            ))
        }
    }
}
