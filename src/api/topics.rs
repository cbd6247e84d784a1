//! `/topics`: the sections indicators are grouped in.

use axum::extract::{OriginalUri, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::output::{Output, OutputParams};
use super::params::PageParams;
use super::{ApiQuery, ListResponse};
use crate::domain::Topic;
use crate::{AppState, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_topics))
}

/// List topics in the report's order.
#[utoipa::path(
    get,
    path = "/topics",
    tag = "catalogue",
    params(PageParams, OutputParams),
    responses((status = 200, description = "A page of topics (JSON), or every topic (CSV)",
        content((ListResponse<Topic> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(state, output))]
async fn list_topics(
    State(state): State<AppState>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = state.db;
    output
        .list(&uri, page, move |page| {
            let db = db.clone();
            async move { Ok(store::topics::list_topics(&db, page).await?) }
        })
        .await
}

impl super::output::Tabular for Topic {
    const COLUMNS: &'static [&'static str] = &["code", "name_zh", "name_en"];
    const CSV_NAME: &'static str = "topics";
}
