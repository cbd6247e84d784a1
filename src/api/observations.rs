//! `/observations`: the figures, filtered.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::output::{Output, OutputParams, Tabular};
use super::params::{Code, CodeList, Count, Flag, IsoDate, PageParams};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::Observation;
use crate::store::observations::{self, ObservationFilter};
use crate::{AppState, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_observations))
}

impl Tabular for Observation {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "indicator.code",
        "indicator.name_zh",
        "indicator.name_en",
        "region.code",
        "region.name_zh",
        "region.name_en",
        "topic.code",
        "period_start",
        "period_end",
        "period_label",
        "value",
        "unit.code",
        "unit.symbol_zh",
        "qualifier",
        "comparison_basis",
        "reported.value",
        "reported.unit",
        "reported.text",
        "derived",
        "formula",
        "evidence.source_id",
        "evidence.excerpt",
        "evidence.quote",
    ];
    const CSV_NAME: &'static str = "observations";
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ObservationParams {
    /// One or more indicator codes, comma-separated.
    #[param(inline)]
    indicator: Option<CodeList>,
    /// Only this region's figures (see `descendants`).
    #[param(inline)]
    region: Option<Code>,
    /// With `region`, also every region below it.
    #[param(inline)]
    descendants: Option<Flag>,
    /// Only figures of this topic's indicators.
    #[param(inline)]
    topic: Option<Code>,
    /// Only periods starting on or after this date.
    #[param(inline)]
    from: Option<IsoDate>,
    /// Only periods ending on or before this date.
    #[param(inline)]
    to: Option<IsoDate>,
    /// Only the N most recent periods of each indicator and region.
    #[param(inline)]
    latest: Option<Count>,
    /// Express values in this unit (see `/units`); it must share the
    /// dimension of every matching figure, e.g. `cny_100m` for money.
    #[param(inline)]
    unit: Option<Code>,
}

/// List figures in report order: topic, indicator, region, period.
#[utoipa::path(
    get,
    path = "/observations",
    tag = "observations",
    params(ObservationParams, PageParams, OutputParams),
    responses((status = 200, description = "A page of figures (JSON), or every match (CSV)",
        content((ListResponse<Observation> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(state, output))]
async fn list_observations(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ObservationParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    if let Some(CodeList(codes)) = &params.indicator {
        filters::ensure_indicators(&state.db, "indicator", codes).await?;
    }
    let scope =
        filters::fact_filter(&state.db, params.region, params.descendants, params.topic).await?;
    let (from, to) = filters::date_window(params.from, params.to)?;
    let filter = ObservationFilter {
        indicators: params.indicator.map(|list| list.0),
        region: scope.region,
        descendants: scope.descendants,
        topic: scope.topic,
        from,
        to,
        latest: params.latest.map(|count| count.0),
    };
    let unit = match params.unit {
        Some(Code(code)) => Some(filters::output_unit(&state.db, &code, &filter).await?),
        None => None,
    };
    let db = state.db;
    output
        .list(&uri, page, move |page| {
            let (db, filter, unit) = (db.clone(), filter.clone(), unit.clone());
            async move {
                let (mut items, total) =
                    observations::list_observations(&db, &filter, page).await?;
                if let Some(unit) = &unit {
                    filters::express_in(&mut items, unit)?;
                }
                Ok((items, total))
            }
        })
        .await
}
