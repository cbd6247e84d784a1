//! `/targets`: dated commitments.

use super::filters::{self, FactParams};
use super::params::page;
use super::{ApiQuery, ListResponse};
use crate::domain::Target;
use crate::{AppState, Result, store};
use axum::extract::OriginalUri;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/targets", get(list_targets))
}

#[tracing::instrument(skip(state))]
async fn list_targets(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FactParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Target>>> {
    let filter =
        filters::fact_filter(&state.db, params.region, params.descendants, params.topic).await?;
    let page = page(params.limit, params.offset);
    let (items, total) = store::targets::list_targets(&state.db, &filter, page).await?;
    Ok(ListResponse::new(items, total, page, &uri))
}
