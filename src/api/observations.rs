//! `/observations`: the figures, filtered.

use axum::extract::OriginalUri;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::params::{Code, CodeList, Count, Flag, IsoDate, Limit, Offset, page};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::Observation;
use crate::store::observations::{self, ObservationFilter};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new().route("/observations", get(list_observations))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObservationParams {
    /// One or more indicator codes, comma-separated.
    indicator: Option<CodeList>,
    region: Option<Code>,
    /// With `region`, include every region below it.
    descendants: Option<Flag>,
    topic: Option<Code>,
    /// Periods starting on or after this date.
    from: Option<IsoDate>,
    /// Periods ending on or before this date.
    to: Option<IsoDate>,
    /// Only the N most recent periods of each indicator and region.
    latest: Option<Count>,
    limit: Option<Limit>,
    offset: Option<Offset>,
}

#[tracing::instrument(skip(state))]
async fn list_observations(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ObservationParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Observation>>> {
    if let Some(CodeList(codes)) = &params.indicator {
        filters::ensure_indicators(&state.db, "indicator", codes).await?;
    }
    let scope =
        filters::fact_filter(&state.db, params.region, params.descendants, params.topic).await?;
    let (from, to) = (params.from.map(|date| date.0), params.to.map(|date| date.0));
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Error::invalid_parameter(
            "to",
            format!("must not be before `from` ({from}), got {to}"),
        ));
    }
    let filter = ObservationFilter {
        indicators: params.indicator.map(|list| list.0),
        region: scope.region,
        descendants: scope.descendants,
        topic: scope.topic,
        from,
        to,
        latest: params.latest.map(|count| count.0),
    };
    let page = page(params.limit, params.offset);
    let (observations, total) = observations::list_observations(&state.db, &filter, page).await?;
    Ok(ListResponse::new(observations, total, page, &uri))
}
