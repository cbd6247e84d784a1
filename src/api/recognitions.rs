//! `/recognitions`: honours, designations and firsts.

use super::filters::{self, FactParams};
use super::params::page;
use super::{ApiQuery, ListResponse};
use crate::domain::Recognition;
use crate::{AppState, Result, store};
use axum::extract::OriginalUri;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/recognitions", get(list_recognitions))
}

#[tracing::instrument(skip(state))]
async fn list_recognitions(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FactParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Recognition>>> {
    let filter =
        filters::fact_filter(&state.db, params.region, params.descendants, params.topic).await?;
    let page = page(params.limit, params.offset);
    let (items, total) = store::recognitions::list_recognitions(&state.db, &filter, page).await?;
    Ok(ListResponse::new(items, total, page, &uri))
}
