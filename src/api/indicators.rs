//! `/indicators`: what is measured.

use axum::extract::OriginalUri;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::params::{Code, Limit, NoParams, Offset, SearchText, page};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::Indicator;
use crate::store::indicators::{self, IndicatorFilter};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(list_indicators))
        .route("/indicators/{code}", get(get_indicator))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorParams {
    topic: Option<Code>,
    /// Matches the code, the Chinese name or the English name.
    q: Option<SearchText>,
    limit: Option<Limit>,
    offset: Option<Offset>,
}

#[tracing::instrument(skip(state))]
async fn list_indicators(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<IndicatorParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Indicator>>> {
    if let Some(Code(topic)) = &params.topic {
        filters::ensure_topic(&state.db, "topic", topic).await?;
    }
    let filter = IndicatorFilter {
        topic: params.topic.map(|code| code.0),
        q: params.q.map(|text| text.0),
    };
    let page = page(params.limit, params.offset);
    let (indicators, total) = indicators::list_indicators(&state.db, &filter, page).await?;
    Ok(ListResponse::new(indicators, total, page, &uri))
}

#[tracing::instrument(skip(state))]
async fn get_indicator(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<Indicator>> {
    indicators::find_indicator(&state.db, &code)
        .await?
        .map(Json)
        .ok_or_else(|| Error::not_found("indicator", code))
}
