//! `/units`: the units values can be expressed in.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{ApiJson, ChangeReason, IfMatch};
use super::catalogue_writes;
use crate::domain::input::UnitInput;
use crate::store::snapshot::Snapshot;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, PageParams};
use super::{ApiQuery, ListResponse};
use crate::domain::Unit;
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(get_unit, replace_unit, delete_unit))
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
#[tracing::instrument(skip(snapshot, output))]
async fn list_units(
    snapshot: Snapshot,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let db = db.clone();
            async move { Ok(store::units::list_units(&mut *db.conn().await?, page).await?) }
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

/// Stores a new unit (admin).
#[utoipa::path(
    post,
    path = "/units",
    tag = "catalogue",
    request_body = UnitInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn create_unit(
    State(state): State<AppState>,
    admin: Admin,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::create(&state, admin, reason, input).await
}

/// Replaces a unit in place (admin); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/units/{code}",
    tag = "catalogue",
    request_body = UnitInput,
    params(
        ("code" = String, Path, description = "Code", example = "person_100m"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn replace_unit(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::replace(&state, admin, code, if_match, reason, input).await
}

/// Deletes a unit (admin): a tombstone, refused while live records depend on it; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/units/{code}",
    tag = "catalogue",
    params(
        ("code" = String, Path, description = "Code", example = "person_100m"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, admin, reason), fields(key = %admin.0.name))]
async fn delete_unit(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<axum::http::StatusCode> {
    catalogue_writes::delete::<UnitInput>(&state, admin, code, if_match, reason).await
}

/// One unit; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/units/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "Code", example = "cny_10k"), ObjectParams),
    responses((status = 200, description = "The unit", body = Unit))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_unit(
    snapshot: Snapshot,
    Path(code): Path<String>,
    output: Output,
) -> Result<axum::response::Response> {
    output.json_only()?;
    let code = params::path_code("unit", code)?;
    let item = store::units::find_unit(&mut *snapshot.conn().await?, &code)
        .await?
        .ok_or_else(|| Error::not_found("unit", &code))?;
    let revision =
        catalogue_writes::revision::<UnitInput>(&mut *snapshot.conn().await?, &code).await?;
    output.tagged_object(&item, "unit", &code, revision)
}
