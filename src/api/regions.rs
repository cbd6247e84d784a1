//! `/regions`: the region hierarchy.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Admin;
use super::body::{ApiJson, ChangeReason, IfMatch};
use super::catalogue_writes;
use crate::domain::input::RegionInput;
use crate::store::snapshot::Snapshot;

use super::output::{ObjectParams, Output, OutputParams};
use super::params::{self, Code, PageParams, SearchText};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::{Region, RegionDetail};
use crate::store::regions::{self, RegionFilter};
use crate::{AppState, Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_regions, create_region))
        .routes(routes!(get_region, replace_region, delete_region))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RegionParams {
    /// Only regions at this level.
    #[param(inline)]
    level: Option<Level>,
    /// Only the direct children of this region.
    #[param(inline)]
    parent: Option<Code>,
    /// Only regions that match this text in any of three ways: the code
    /// starts with it (`3715`), the Chinese name contains it (`聊城`), or
    /// the English name contains it, ignoring case (`liaocheng`). Combines
    /// with `level` and `parent`; matches stay in code order.
    #[param(inline, example = "liaocheng")]
    q: Option<SearchText>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Level {
    Province,
    Prefecture,
    County,
    Township,
    Village,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Prefecture => "prefecture",
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
        }
    }
}

/// List regions in code order.
#[utoipa::path(
    get,
    path = "/regions",
    tag = "regions",
    params(RegionParams, PageParams, OutputParams),
    responses((status = 200, description = "A page of regions (JSON), or every region (CSV)",
        content((ListResponse<Region> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn list_regions(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<RegionParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    if let Some(Code(parent)) = &params.parent {
        filters::ensure_region(&mut *snapshot.conn().await?, "parent", parent).await?;
    }
    let filter = RegionFilter {
        level: params.level.map(|level| level.as_str().to_owned()),
        parent: params.parent.map(|code| code.0),
        q: params.q.map(|text| text.0),
    };
    let db = snapshot;
    output
        .list(&uri, page, None, move |page, _after| {
            let (db, filter) = (db.clone(), filter.clone());
            async move { Ok(regions::list_regions(&mut *db.conn().await?, &filter, page).await?) }
        })
        .await
}

/// One region, with its parent and children.
#[utoipa::path(
    get,
    path = "/regions/{code}",
    tag = "regions",
    params(("code" = String, Path, description = "GB/T 2260 code, or a local code such as `371502-tangyi`", example = "371502"), ObjectParams),
    responses((status = 200, description = "The region", body = RegionDetail))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_region(
    snapshot: Snapshot,
    Path(code): Path<String>,
    output: Output,
) -> Result<Response> {
    let code = params::path_code("region", code)?;
    output.json_only()?;
    let region = regions::find_region(&mut *snapshot.conn().await?, &code)
        .await?
        .ok_or_else(|| Error::not_found("region", &code))?;
    let parent = match &region.parent_code {
        Some(parent) => regions::find_region(&mut *snapshot.conn().await?, parent).await?,
        None => None,
    };
    let children = regions::list_children(&mut *snapshot.conn().await?, &code).await?;
    let revision =
        catalogue_writes::revision::<RegionInput>(&mut *snapshot.conn().await?, &code).await?;
    output.tagged_object(
        &RegionDetail {
            region,
            parent,
            children,
        },
        "region",
        &code,
        revision,
    )
}

impl super::output::Tabular for Region {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "parent_code",
        "level",
        "code_scheme",
        "name_zh",
        "name_en",
        "note",
    ];
    const CSV_NAME: &'static str = "regions";
}

/// Stores a new region (admin).
#[utoipa::path(
    post,
    path = "/regions",
    tag = "regions",
    request_body = RegionInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn create_region(
    State(state): State<AppState>,
    admin: Admin,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<RegionInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::create(&state, admin, reason, input).await
}

/// Replaces a region in place (admin); needs `If-Match`.
#[utoipa::path(
    put,
    path = "/regions/{code}",
    tag = "regions",
    request_body = RegionInput,
    params(
        ("code" = String, Path, description = "Code", example = "371502-yanji"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced"))
)]
#[tracing::instrument(skip(state, admin, reason, input), fields(key = %admin.0.name))]
async fn replace_region(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<RegionInput>,
) -> Result<axum::response::Response> {
    catalogue_writes::replace(&state, admin, code, if_match, reason, input).await
}

/// Deletes a region (admin): a tombstone, refused while live records depend on it; needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/regions/{code}",
    tag = "regions",
    params(
        ("code" = String, Path, description = "Code", example = "371502-yanji"),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, admin, reason), fields(key = %admin.0.name))]
async fn delete_region(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<axum::http::StatusCode> {
    catalogue_writes::delete::<RegionInput>(&state, admin, code, if_match, reason).await
}
