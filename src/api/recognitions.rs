//! `/recognitions`: honours, designations and firsts.

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
use crate::domain::Recognition;
use crate::domain::input::RecognitionInput;
use crate::store::audit::Change;
use crate::store::snapshot::Snapshot;
use crate::store::{FactFilter, Page};
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_recognitions, create_recognition))
        .routes(routes!(
            get_recognition,
            replace_recognition,
            delete_recognition
        ))
}

impl Tabular for Recognition {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "region.code",
        "region.name_zh",
        "region.name_en",
        "holder_zh",
        "holder_en",
        "topic.code",
        "title_zh",
        "title_en",
        "category",
        "level",
        "year",
        "evidence.source_id",
        "evidence.excerpt",
        "evidence.quote",
    ];
    const CSV_NAME: &'static str = "recognitions";
}

/// List honours in topic order.
#[utoipa::path(
    get,
    path = "/recognitions",
    tag = "facts",
    params(FactParams, PageParams, OutputParams),
    responses((status = 200, description = "A page of recognitions (JSON), or every match (CSV)",
        content((ListResponse<Recognition> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn list_recognitions(
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
            async move {
                Ok(
                    store::recognitions::list_recognitions(&mut *db.conn().await?, &filter, page)
                        .await?,
                )
            }
        })
        .await
}

async fn find(db: &mut sqlx::PgConnection, id: i64) -> Result<Recognition> {
    let filter = FactFilter {
        id: Some(id),
        ..FactFilter::default()
    };
    // One item: no total to count.
    let mut found = store::recognitions::page_recognitions(
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
        .ok_or_else(|| Error::not_found("recognition", id.to_string()))
}

fn respond(status: StatusCode, item: &Recognition) -> Result<Response> {
    let mut response = body::tagged_json(
        status,
        item,
        "recognition",
        &item.id.to_string(),
        item.revision,
    )?;
    let headers = response.headers_mut();
    if status == StatusCode::CREATED {
        let location = format!("/api/v1/recognitions/{}", item.id);
        headers.insert(
            header::LOCATION,
            HeaderValue::from_str(&location).map_err(|e| Error::Internal(e.into()))?,
        );
    }
    Ok(response)
}

/// One recognition; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/recognitions/{id}",
    tag = "facts",
    params(("id" = i64, Path, description = "Id", example = 1), ObjectParams),
    responses((status = 200, description = "The recognition", body = Recognition))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_recognition(
    snapshot: Snapshot,
    Path(id): Path<String>,
    output: Output,
) -> Result<Response> {
    output.json_only()?;
    let id = body::parse_id("recognition", &id)?;
    let item = find(&mut *snapshot.conn().await?, id).await?;
    output.tagged_object(&item, "recognition", &id.to_string(), item.revision)
}

/// Stores a new recognition (editor).
#[utoipa::path(
    post,
    path = "/recognitions",
    tag = "facts",
    request_body = RecognitionInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Recognition))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn create_recognition(
    State(state): State<AppState>,
    editor: Editor,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<RecognitionInput>,
) -> Result<Response> {
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let id = store::recognitions::insert_recognition(&mut tx, &valid, &change).await?;
    tx.commit().await?;
    respond(
        StatusCode::CREATED,
        &find(&mut *state.db.acquire().await?, id).await?,
    )
}

/// Replaces a recognition (editor); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/recognitions/{id}",
    tag = "facts",
    request_body = RecognitionInput,
    params(
        ("id" = i64, Path, description = "Id", example = 1),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced", body = Recognition))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn replace_recognition(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<RecognitionInput>,
) -> Result<Response> {
    let id = body::parse_id("recognition", &id)?;
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let expected = if_match.expected_for("recognition", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome =
        store::recognitions::replace_recognition(&mut tx, id, expected, &valid, &change).await?;
    body::check_written(outcome, "recognition", &id.to_string())?;
    tx.commit().await?;
    respond(
        StatusCode::OK,
        &find(&mut *state.db.acquire().await?, id).await?,
    )
}

/// Deletes a recognition (editor): a tombstone, kept in the audit log; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/recognitions/{id}",
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
async fn delete_recognition(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<StatusCode> {
    let id = body::parse_id("recognition", &id)?;
    let expected = if_match.expected_for("recognition", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = store::recognitions::delete_recognition(&mut tx, id, expected, &change).await?;
    body::check_written(outcome, "recognition", &id.to_string())?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
