//! `/sources`: the publications every fact is quoted from.

use axum::extract::OriginalUri;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::params::{Limit, NoParams, Offset, page};
use super::{ApiQuery, ListResponse};
use crate::domain::{Source, SourceSummary};
use crate::{AppState, Error, Result, store};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sources", get(list_sources))
        .route("/sources/{id}", get(get_source))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceParams {
    limit: Option<Limit>,
    offset: Option<Offset>,
}

/// Sources without their text; `GET /sources/{id}` has it.
#[tracing::instrument(skip(state))]
async fn list_sources(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SourceParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<SourceSummary>>> {
    let page = page(params.limit, params.offset);
    let (sources, total) = store::sources::list_sources(&state.db, page).await?;
    Ok(ListResponse::new(sources, total, page, &uri))
}

#[tracing::instrument(skip(state))]
async fn get_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<Source>> {
    store::sources::find_source(&state.db, &id)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found("source", id))
}
