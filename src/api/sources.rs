//! `/sources`: the publications every fact is quoted from.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{ApiJson, ChangeReason, IfMatch};
use super::catalogue_writes;
use crate::domain::input::SourceInput;
use crate::store::snapshot::Snapshot;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, PageParams};
use super::{ApiQuery, ListResponse};
use crate::domain::{Source, SourceSummary};
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources, create_source))
        .routes(routes!(get_source, replace_source, delete_source))
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
#[tracing::instrument(skip(snapshot, output))]
async fn list_sources(
    snapshot: Snapshot,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let db = db.clone();
            async move { Ok(store::sources::list_sources(&mut *db.conn().await?, page).await?) }
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
#[tracing::instrument(skip(snapshot, output))]
async fn get_source(
    snapshot: Snapshot,
    Path(id): Path<String>,
    output: Output,
) -> Result<Response> {
    let id = params::path_code("source", id)?;
    output.json_only()?;
    let source = store::sources::find_source(&mut *snapshot.conn().await?, &id)
        .await?
        .ok_or_else(|| Error::not_found("source", &id))?;
    let revision =
        catalogue_writes::revision::<SourceInput>(&mut *snapshot.conn().await?, &id).await?;
    output.tagged_object(&source, "source", &id, revision)
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

/// Stores a new source (admin).
#[utoipa::path(
    post,
    path = "/sources",
    tag = "sources",
    request_body = SourceInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn create_source(
    State(state): State<AppState>,
    admin: Admin,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<SourceInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::create(&state, admin, reason, input).await
}

/// Replaces a source in place (admin); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/sources/{id}",
    tag = "sources",
    request_body = SourceInput,
    params(
        ("id" = String, Path, description = "Code", example = "dongchangfu-2025"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn replace_source(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<SourceInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::replace(&state, admin, id, if_match, reason, input).await
}

/// Deletes a source (admin): a tombstone, refused while live records depend on it; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/sources/{id}",
    tag = "sources",
    params(
        ("id" = String, Path, description = "Code", example = "dongchangfu-2025"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, admin, reason), fields(key = %admin.0.name))]
async fn delete_source(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<axum::http::StatusCode> {
    catalogue_writes::delete::<SourceInput>(&state, admin, id, if_match, reason).await
}
