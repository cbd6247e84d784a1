//! `/topics`: the sections indicators are grouped in.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{ApiJson, ChangeReason, IfMatch};
use super::catalogue_writes;
use crate::domain::input::TopicInput;
use crate::store::snapshot::Snapshot;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, PageParams};
use super::{ApiQuery, ListResponse};
use crate::domain::Topic;
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_topics, create_topic))
        .routes(routes!(get_topic, replace_topic, delete_topic))
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
#[tracing::instrument(skip(snapshot, output))]
async fn list_topics(
    snapshot: Snapshot,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let db = db.clone();
            async move { Ok(store::topics::list_topics(&mut *db.conn().await?, page).await?) }
        })
        .await
}

impl super::output::Tabular for Topic {
    const COLUMNS: &'static [&'static str] = &["code", "name_zh", "name_en"];
    const CSV_NAME: &'static str = "topics";
}

/// Stores a new topic (admin).
#[utoipa::path(
    post,
    path = "/topics",
    tag = "catalogue",
    request_body = TopicInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn create_topic(
    State(state): State<AppState>,
    admin: Admin,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<TopicInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::create(&state, admin, reason, input).await
}

/// Replaces a topic in place (admin); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/topics/{code}",
    tag = "catalogue",
    request_body = TopicInput,
    params(
        ("code" = String, Path, description = "Code", example = "education"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn replace_topic(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<TopicInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::replace(&state, admin, code, if_match, reason, input).await
}

/// Deletes a topic (admin): a tombstone, refused while live records depend on it; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/topics/{code}",
    tag = "catalogue",
    params(
        ("code" = String, Path, description = "Code", example = "education"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, admin, reason), fields(key = %admin.0.name))]
async fn delete_topic(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<axum::http::StatusCode> {
    catalogue_writes::delete::<TopicInput>(&state, admin, code, if_match, reason).await
}

/// One topic; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/topics/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "Code", example = "industry"), ObjectParams),
    responses((status = 200, description = "The topic", body = Topic))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_topic(
    snapshot: Snapshot,
    Path(code): Path<String>,
    output: Output,
) -> Result<axum::response::Response> {
    output.json_only()?;
    let code = params::path_code("topic", code)?;
    let item = store::topics::find_topic(&mut *snapshot.conn().await?, &code)
        .await?
        .ok_or_else(|| Error::not_found("topic", &code))?;
    let revision =
        catalogue_writes::revision::<TopicInput>(&mut *snapshot.conn().await?, &code).await?;
    output.tagged_object(&item, "topic", &code, revision)
}
