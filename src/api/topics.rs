//! `/topics`: the sections indicators are grouped in.

use axum::extract::OriginalUri;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::params::{Limit, Offset, page};
use super::{ApiQuery, ListResponse};
use crate::domain::Topic;
use crate::{AppState, Result, store};

pub fn router() -> Router<AppState> {
    Router::new().route("/topics", get(list_topics))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicParams {
    limit: Option<Limit>,
    offset: Option<Offset>,
}

#[tracing::instrument(skip(state))]
async fn list_topics(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<TopicParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Topic>>> {
    let page = page(params.limit, params.offset);
    let (topics, total) = store::topics::list_topics(&state.db, page).await?;
    Ok(ListResponse::new(topics, total, page, &uri))
}
