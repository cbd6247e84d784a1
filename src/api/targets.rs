//! `/targets`: dated commitments.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Editor;
use super::body::{self, ApiJson, ChangeReason, IfMatch};
use super::filters::{self, FactParams};
use super::output::{ObjectParams, Output, OutputParams, Tabular};
use super::params::PageParams;
use super::{ApiQuery, ListResponse};
use crate::domain::Target;
use crate::domain::input::TargetInput;
use crate::store::audit::Change;
use crate::store::snapshot::Snapshot;
use crate::store::{FactFilter, Page};
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_targets, create_target))
        .routes(routes!(get_target, replace_target, delete_target))
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
#[tracing::instrument(skip(snapshot, output))]
async fn list_targets(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<FactParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let filter = filters::fact_filter(
        &mut *snapshot.conn().await?,
        params.region,
        params.descendants,
        params.topic,
    )
    .await?;
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { Ok(store::targets::list_targets(&mut *db.conn().await?, &filter, page).await?) }
        })
        .await
}

async fn find(db: &mut sqlx::PgConnection, id: i64) -> Result<Target> {
    let filter = FactFilter {
        id: Some(id),
        ..FactFilter::default()
    };
    // One item: no total to count.
    let mut found = store::targets::page_targets(
        db,
        &filter,
        Page {
            limit: 1,
            offset: 0,
        },
    )
    .await?;
    found
        .pop()
        .ok_or_else(|| Error::not_found("target", id.to_string()))
}

fn respond(status: StatusCode, item: &Target) -> Result<Response> {
    let mut response =
        body::tagged_json(status, item, "target", &item.id.to_string(), item.revision)?;
    let headers = response.headers_mut();
    if status == StatusCode::CREATED {
        let location = format!("/api/v1/targets/{}", item.id);
        headers.insert(
            header::LOCATION,
            HeaderValue::from_str(&location).map_err(|e| Error::Internal(e.into()))?,
        );
    }
    Ok(response)
}

/// One target; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/targets/{id}",
    tag = "facts",
    params(("id" = i64, Path, description = "Id", example = 1), ObjectParams),
    responses((status = 200, description = "The target", body = Target))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_target(
    snapshot: Snapshot,
    Path(id): Path<String>,
    output: Output,
) -> Result<Response> {
    output.json_only()?;
    let id = body::parse_id("target", &id)?;
    let item = find(&mut *snapshot.conn().await?, id).await?;
    output.tagged_object(&item, "target", &id.to_string(), item.revision)
}

/// Stores a new target (editor).
#[utoipa::path(
    post,
    path = "/targets",
    tag = "facts",
    request_body = TargetInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Target))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn create_target(
    State(state): State<AppState>,
    editor: Editor,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<Response> {
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let id = store::targets::insert_target(&mut tx, &valid, &change).await?;
    tx.commit().await?;
    respond(
        StatusCode::CREATED,
        &find(&mut *state.db.acquire().await?, id).await?,
    )
}

/// Replaces a target (editor); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/targets/{id}",
    tag = "facts",
    request_body = TargetInput,
    params(
        ("id" = i64, Path, description = "Id", example = 1),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced", body = Target))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn replace_target(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<Response> {
    let id = body::parse_id("target", &id)?;
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let expected = if_match.expected_for("target", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = store::targets::replace_target(&mut tx, id, expected, &valid, &change).await?;
    body::check_written(outcome, "target", &id.to_string())?;
    tx.commit().await?;
    respond(
        StatusCode::OK,
        &find(&mut *state.db.acquire().await?, id).await?,
    )
}

/// Deletes a target (editor): a tombstone, kept in the audit log; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/targets/{id}",
    tag = "facts",
    params(
        ("id" = i64, Path, description = "Id", example = 1),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, editor, reason), fields(key = %editor.0.name))]
async fn delete_target(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<StatusCode> {
    let id = body::parse_id("target", &id)?;
    let expected = if_match.expected_for("target", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = store::targets::delete_target(&mut tx, id, expected, &change).await?;
    body::check_written(outcome, "target", &id.to_string())?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
