//! `/targets`: dated commitments.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::filters::{self, FactParams};
use super::output::{Output, OutputParams, Tabular};
use super::params::PageParams;
use super::{ApiQuery, ListResponse};
use crate::domain::Target;
use crate::{AppState, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_targets))
}

impl Tabular for Target {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "region.code",
        "region.name_zh",
        "region.name_en",
        "topic.code",
        "title_zh",
        "title_en",
        "due_date",
        "due_label",
        "evidence.source_id",
        "evidence.excerpt",
        "evidence.quote",
    ];
    const CSV_NAME: &'static str = "targets";
}

/// List commitments by due date, undated last.
#[utoipa::path(
    get,
    path = "/targets",
    tag = "facts",
    params(FactParams, PageParams, OutputParams),
    responses((status = 200, description = "A page of targets (JSON), or every match (CSV)",
        content((ListResponse<Target> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(state, output))]
async fn list_targets(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FactParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let filter =
        filters::fact_filter(&state.db, params.region, params.descendants, params.topic).await?;
    let db = state.db;
    output
        .list(&uri, page, move |page| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { Ok(store::targets::list_targets(&db, &filter, page).await?) }
        })
        .await
}
