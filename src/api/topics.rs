//! `/topics`: the sections indicators are grouped in.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{self, ApiJson, ChangeReason, IfMatch};
use crate::domain::input::TopicInput;
use crate::store::audit::Change;
use axum::response::IntoResponse;

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
    let valid = input.validate().map_err(Error::Validation)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    store::catalogue::insert_topic(&mut tx, &valid, &change).await?;
    tx.commit().await?;
    let location = format!("/api/v1/topics/{}", valid.code);
    let mut response = (
        axum::http::StatusCode::CREATED,
        axum::Json(serde_json::json!({ "code": valid.code, "revision": 1 })),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::LOCATION,
        axum::http::HeaderValue::from_str(&location).map_err(|e| Error::Internal(e.into()))?,
    );
    body::with_etag(response, &body::resource_etag("topic", &valid.code, 1))
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
    let code = params::path_code("topic", code)?;
    body::same_key("code", &input.code, &code)?;
    let valid = input.validate().map_err(Error::Validation)?;
    let expected = if_match.expected_for("topic", &code)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome =
        store::catalogue::replace_topic(&mut tx, &code, expected, &valid, &change).await?;
    let revision = body::check_catalogue_write(outcome, "topic", &code)?;
    tx.commit().await?;
    let response =
        axum::Json(serde_json::json!({ "code": code, "revision": revision })).into_response();
    body::with_etag(response, &body::resource_etag("topic", &code, revision))
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
    let code = params::path_code("topic", code)?;
    let expected = if_match.expected_for("topic", &code)?;
    let change = Change {
        key_name: admin.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = store::catalogue::delete_topic(&mut tx, &code, expected, &change).await?;
    body::check_catalogue_write(outcome, "topic", &code)?;
    tx.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A live topic's resource `ETag`, for `If-Match` on a later write.
async fn topic_etag(state: &AppState, key: &str) -> Result<String> {
    let revision = store::catalogue::revision(&state.db, "topic", key)
        .await?
        .ok_or_else(|| Error::not_found("topic", key))?;
    Ok(body::resource_etag("topic", key, revision))
}

/// One topic; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/topics/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "Code", example = "industry"), ObjectParams),
    responses((status = 200, description = "The topic", body = Topic))
)]
#[tracing::instrument(skip(state, output))]
async fn get_topic(
    State(state): State<AppState>,
    Path(code): Path<String>,
    output: Output,
) -> Result<axum::response::Response> {
    output.json_only()?;
    let code = params::path_code("topic", code)?;
    let item = store::topics::find_topic(&state.db, &code)
        .await?
        .ok_or_else(|| Error::not_found("topic", &code))?;
    let etag = topic_etag(&state, &code).await?;
    body::with_etag(output.object(&item)?, &etag)
}
