//! `/sources`: the publications every fact is quoted from.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, PageParams};
use super::{ApiQuery, ListResponse};
use crate::domain::{Source, SourceSummary};
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources))
        .routes(routes!(get_source))
}

/// List sources, without their text.
#[utoipa::path(
    get,
    path = "/sources",
    tag = "sources",
    params(PageParams, OutputParams),
    responses((status = 200, description = "A page of sources (JSON), or every source (CSV)",
        content((ListResponse<SourceSummary> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(state, output))]
async fn list_sources(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = state.db;
    output
        .list(&uri, page, move |page| {
            let db = db.clone();
            async move { Ok(store::sources::list_sources(&db, page).await?) }
        })
        .await
}

/// One source with its full text, byte for byte as under `data/sources/`.
#[utoipa::path(
    get,
    path = "/sources/{id}",
    tag = "sources",
    params(("id" = String, Path, description = "Source id", example = "dongchangfu-2024"), ObjectParams),
    responses((status = 200, description = "The source", body = Source))
)]
#[tracing::instrument(skip(state, output))]
async fn get_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
    output: Output,
) -> Result<Response> {
    let id = params::path_code("source", id)?;
    output.json_only()?;
    let source = store::sources::find_source(&state.db, &id)
        .await?
        .ok_or_else(|| Error::not_found("source", id))?;
    output.object(&source)
}

impl super::output::Tabular for SourceSummary {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "title_zh",
        "title_en",
        "headline_zh",
        "headline_en",
        "publisher_zh",
        "publisher_en",
        "page",
        "reporter_zh",
        "reporter_en",
        "published_on",
        "reference_year",
        "language",
        "file_name",
        "updated_at",
    ];
    const CSV_NAME: &'static str = "sources";
}
