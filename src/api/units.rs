//! `/units`: the units values can be expressed in.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::output::{Output, OutputParams};
use super::params::PageParams;
use super::{ApiQuery, ListResponse};
use crate::domain::Unit;
use crate::{AppState, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_units))
}

/// List units by dimension; any unit converts to another of its dimension.
#[utoipa::path(
    get,
    path = "/units",
    tag = "catalogue",
    params(PageParams, OutputParams),
    responses((status = 200, description = "A page of units (JSON), or every unit (CSV)",
        content((ListResponse<Unit> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(state, output))]
async fn list_units(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = state.db;
    output
        .list(&uri, page, move |page| {
            let db = db.clone();
            async move { Ok(store::units::list_units(&db, page).await?) }
        })
        .await
}

impl super::output::Tabular for Unit {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "symbol_zh",
        "name_zh",
        "name_en",
        "dimension",
        "base_code",
        "factor",
    ];
    const CSV_NAME: &'static str = "units";
}
