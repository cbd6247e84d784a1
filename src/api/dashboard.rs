//! `/regions/{code}/dashboard`: one call for a dashboard page.
//!
//! The region's latest figure of every indicator, and the honours and
//! commitments of the region and the places below it, grouped by topic in
//! report order. Every topic is listed, empty or not, so a page's layout
//! does not shift with the data.

use axum::extract::Path;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::output::{ObjectParams, Output};
use super::params;
use crate::domain::{Observation, Recognition, Region, Target};
use crate::store::observations::ObservationFilter;
use crate::store::snapshot::Snapshot;
use crate::store::{self, FactFilter, Page};
use crate::{AppState, Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dashboard))
}

/// A region's dashboard.
#[derive(Debug, Serialize, ToSchema)]
struct Dashboard {
    region: Region,
    topics: Vec<TopicPanel>,
}

/// One topic's part of a dashboard.
#[derive(Debug, Serialize, ToSchema)]
struct TopicPanel {
    code: String,
    name_zh: String,
    name_en: String,
    /// The latest figure of each indicator for the region itself.
    observations: Vec<Observation>,
    /// Honours of the region and of the places below it.
    recognitions: Vec<Recognition>,
    /// Commitments of the region and of the places below it.
    targets: Vec<Target>,
}

/// One call for a dashboard page: the region's latest figures, honours and
/// commitments, grouped by topic.
#[utoipa::path(
    get,
    path = "/regions/{code}/dashboard",
    tag = "regions",
    params(("code" = String, Path, description = "Region code", example = "371502"), ObjectParams),
    responses((status = 200, description = "The dashboard", body = Dashboard))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_dashboard(
    snapshot: Snapshot,
    Path(code): Path<String>,
    output: Output,
) -> Result<Response> {
    let code = params::path_code("region", code)?;
    output.json_only()?;
    let mut conn = snapshot.conn().await?;
    let db = &mut *conn;
    let region = store::regions::find_region(&mut *db, &code)
        .await?
        .ok_or_else(|| Error::not_found("region", &code))?;
    let topics = store::topics::page_topics(&mut *db, Page::ALL).await?;
    let latest = ObservationFilter {
        region: Some(code.clone()),
        latest: Some(1),
        ..ObservationFilter::default()
    };
    let mut observations = store::observations::all_observations(&mut *db, &latest).await?;
    let subtree = FactFilter {
        region: Some(code),
        descendants: true,
        topic: None,
        id: None,
    };
    let mut recognitions =
        store::recognitions::page_recognitions(&mut *db, &subtree, Page::ALL).await?;
    let mut targets = store::targets::page_targets(&mut *db, &subtree, Page::ALL).await?;

    let topics = topics
        .into_iter()
        .map(|topic| TopicPanel {
            observations: take_where(&mut observations, |o| o.topic.code == topic.code),
            recognitions: take_where(&mut recognitions, |r| r.topic.code == topic.code),
            targets: take_where(&mut targets, |t| t.topic.code == topic.code),
            code: topic.code,
            name_zh: topic.name_zh,
            name_en: topic.name_en,
        })
        .collect();
    output.object(&Dashboard { region, topics })
}

/// Moves the items that satisfy `belongs` out of `items`, keeping order.
fn take_where<T>(items: &mut Vec<T>, belongs: impl Fn(&T) -> bool) -> Vec<T> {
    let (taken, rest) = std::mem::take(items).into_iter().partition(belongs);
    *items = rest;
    taken
}
