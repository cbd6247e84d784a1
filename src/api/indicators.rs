//! `/indicators`: what is measured.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{ApiJson, ChangeReason, IfMatch};
use super::catalogue_writes;
use crate::domain::input::IndicatorInput;
use crate::store::snapshot::Snapshot;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, Code, PageParams, SearchText};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::Indicator;
use crate::store::indicators::{self, IndicatorFilter};
use crate::{AppState, Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_indicators, create_indicator))
        .routes(routes!(get_indicator, replace_indicator, delete_indicator))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct IndicatorParams {
    /// Only indicators of this topic.
    #[param(inline)]
    topic: Option<Code>,
    /// Text found in the code, the Chinese name or the English name (any case).
    #[param(inline)]
    q: Option<SearchText>,
}

/// List indicators in the report's order.
#[utoipa::path(
    get,
    path = "/indicators",
    tag = "catalogue",
    params(IndicatorParams, PageParams, OutputParams),
    responses((status = 200, description = "A page of indicators (JSON), or every match (CSV)",
        content((ListResponse<Indicator> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn list_indicators(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<IndicatorParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    if let Some(Code(topic)) = &params.topic {
        filters::ensure_topic(&mut *snapshot.conn().await?, "topic", topic).await?;
    }
    let filter = IndicatorFilter {
        topic: params.topic.map(|code| code.0),
        q: params.q.map(|text| text.0),
    };
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { Ok(indicators::list_indicators(&mut *db.conn().await?, &filter, page).await?) }
        })
        .await
}

/// One indicator, with its topic and base unit.
#[utoipa::path(
    get,
    path = "/indicators/{code}",
    tag = "catalogue",
    params(("code" = String, Path, description = "Indicator code", example = "job_retention_refund_amount"), ObjectParams),
    responses((status = 200, description = "The indicator", body = Indicator))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_indicator(
    snapshot: Snapshot,
    Path(code): Path<String>,
    output: Output,
) -> Result<Response> {
    let code = params::path_code("indicator", code)?;
    output.json_only()?;
    let indicator = indicators::find_indicator(&mut *snapshot.conn().await?, &code)
        .await?
        .ok_or_else(|| Error::not_found("indicator", &code))?;
    let revision =
        catalogue_writes::revision::<IndicatorInput>(&mut *snapshot.conn().await?, &code).await?;
    output.tagged_object(&indicator, "indicator", &code, revision)
}

impl super::output::Tabular for Indicator {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name_zh",
        "name_en",
        "topic.code",
        "topic.name_zh",
        "topic.name_en",
        "unit.code",
        "unit.symbol_zh",
        "kind",
        "description_en",
    ];
    const CSV_NAME: &'static str = "indicators";
}

/// Stores a new indicator (admin).
#[utoipa::path(
    post,
    path = "/indicators",
    tag = "catalogue",
    request_body = IndicatorInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn create_indicator(
    State(state): State<AppState>,
    admin: Admin,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<IndicatorInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::create(&state, admin, reason, input).await
}

/// Replaces a indicator in place (admin); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/indicators/{code}",
    tag = "catalogue",
    request_body = IndicatorInput,
    params(
        ("code" = String, Path, description = "Code", example = "gdp"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn replace_indicator(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<IndicatorInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::replace(&state, admin, code, if_match, reason, input).await
}

/// Deletes a indicator (admin): a tombstone, refused while live records depend on it; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/indicators/{code}",
    tag = "catalogue",
    params(
        ("code" = String, Path, description = "Code", example = "gdp"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, admin, reason), fields(key = %admin.0.name))]
async fn delete_indicator(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<axum::http::StatusCode> {
    catalogue_writes::delete::<IndicatorInput>(&state, admin, code, if_match, reason).await
}
