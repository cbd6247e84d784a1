//! `/regions`: the region hierarchy.

use axum::extract::OriginalUri;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::params::{Code, Limit, NoParams, Offset, page};
use super::{ApiQuery, ListResponse};
use crate::domain::{Region, RegionDetail};
use crate::store::regions::{self, RegionFilter};
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/regions", get(list_regions))
        .route("/regions/{code}", get(get_region))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionParams {
    /// province, prefecture, county, township or village.
    level: Option<Level>,
    /// Only the direct children of this region.
    parent: Option<Code>,
    limit: Option<Limit>,
    offset: Option<Offset>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
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

#[tracing::instrument(skip(state))]
async fn list_regions(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<RegionParams>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<ListResponse<Region>>> {
    let filter = RegionFilter {
        level: params.level.map(|level| level.as_str().to_owned()),
        parent: params.parent.map(|code| code.0),
    };
    let page = page(params.limit, params.offset);
    let (regions, total) = regions::list_regions(&state.db, &filter, page).await?;
    Ok(ListResponse::new(regions, total, page, &uri))
}

#[tracing::instrument(skip(state))]
async fn get_region(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(NoParams {}): ApiQuery<NoParams>,
) -> Result<Json<RegionDetail>> {
    let region = regions::find_region(&state.db, &code)
        .await?
        .ok_or_else(|| Error::not_found("region", &code))?;
    let parent = match &region.parent_code {
        Some(parent) => regions::find_region(&state.db, parent).await?,
        None => None,
    };
    let children = regions::list_children(&state.db, &code).await?;
    Ok(Json(RegionDetail {
        region,
        parent,
        children,
    }))
}
