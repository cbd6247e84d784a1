//! `/series`: one indicator for one region in period order, optionally
//! transformed, and `/compare`: regions side by side.

use axum::response::Response;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use super::filters;
use super::output::{ObjectParams, Output};
use super::params::{Code, CodeList, Count, IsoDate, Timestamp};
use crate::domain::series::{self, SeriesPoint, Transform};
use crate::domain::{Indicator, NamedRef, Observation, Qualifier, Unit};
use crate::store;
use crate::store::observations::{self, ObservationFilter};
use crate::store::snapshot::Snapshot;
use sqlx::PgConnection;

use crate::{AppState, Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_series))
        .routes(routes!(compare_regions))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SeriesParams {
    /// The indicator.
    #[param(inline, example = "industrial_value_added_growth")]
    indicator: Code,
    /// The region.
    #[param(inline, example = "371502")]
    region: Code,
    /// Only periods starting on or after this date.
    #[param(inline)]
    from: Option<IsoDate>,
    /// Only periods ending on or before this date.
    #[param(inline)]
    to: Option<IsoDate>,
    /// Only the N most recent points (after any transform).
    #[param(inline)]
    latest: Option<Count>,
    /// `chg`/`pch`: change / percent change from the previous period;
    /// `ch1`/`pc1`: from a year earlier. Answered only where the data allow.
    #[param(inline)]
    transform: Option<Transform>,
    /// Express values in this unit of the indicator's dimension (not with
    /// `pch`/`pc1`, which are always in percent).
    #[param(inline)]
    unit: Option<Code>,
    /// The series as it stood at this moment (a vintage, as in ALFRED).
    #[param(inline)]
    as_of: Option<Timestamp>,
}

/// One indicator for one region, in period order.
#[derive(Debug, Serialize, ToSchema)]
struct Series {
    indicator: NamedRef,
    region: NamedRef,
    /// The unit of `points[].value`.
    unit: Unit,
    transform: Option<Transform>,
    points: Vec<SeriesPoint>,
}

/// One indicator for one region in period order, optionally transformed.
#[utoipa::path(
    get,
    path = "/series",
    tag = "observations",
    params(SeriesParams, ObjectParams),
    responses(
        (status = 200, description = "The series", body = Series),
        (status = 422, description = "The transform cannot be computed exactly from these data",
            body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_series(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<SeriesParams>,
    output: Output,
) -> Result<Response> {
    output.json_only()?;
    let mut conn = snapshot.conn().await?;
    let db = &mut *conn;
    let indicator = filters::find_indicator(&mut *db, &params.indicator.0).await?;
    let window = filters::date_window(params.from, params.to)?;
    let requested_unit = match &params.unit {
        Some(_) if params.transform.is_some_and(Transform::is_percent_change) => {
            return Err(Error::invalid_parameter(
                "unit",
                "a percent change (pch, pc1) is always in percent; drop `unit`",
            ));
        }
        Some(Code(code)) => Some(unit_for(&mut *db, code, &indicator).await?),
        None => None,
    };
    let filter = ObservationFilter {
        indicators: Some(vec![indicator.code.clone()]),
        region: Some(params.region.0.clone()),
        from: window.0,
        to: window.1,
        as_of: params.as_of.map(|moment| moment.0),
        ..ObservationFilter::default()
    };
    let mut rows = observations::all_observations(&mut *db, &filter).await?;
    if let Some(unit) = &requested_unit {
        filters::express_in(&mut rows, unit)?;
    }
    let region = match rows.first() {
        Some(row) => row.region.clone(),
        // No figure: the region may name nothing at all (checked only now,
        // since a figure proves it exists).
        None => {
            filters::ensure_region(&mut *db, "region", &params.region.0).await?;
            region_ref(&mut *db, &params.region.0).await?
        }
    };
    let base_unit = requested_unit.unwrap_or_else(|| indicator.unit.clone());
    let points: Vec<SeriesPoint> = rows.iter().map(SeriesPoint::from).collect();
    let (mut points, unit) = match params.transform {
        None => (points, base_unit),
        Some(transform) => {
            let transformed =
                series::apply(transform, &indicator.kind, &points).map_err(|reason| {
                    Error::Unprocessable(format!(
                        "`transform={}`: {reason}",
                        transform_name(transform)
                    ))
                })?;
            (
                transformed,
                change_unit(&mut *db, transform, base_unit).await?,
            )
        }
    };
    if let Some(Count(latest)) = params.latest {
        let keep = usize::try_from(latest).unwrap_or(usize::MAX);
        points.drain(..points.len().saturating_sub(keep));
    }
    output.object(&Series {
        indicator: NamedRef {
            code: indicator.code,
            name_zh: indicator.name_zh,
            name_en: indicator.name_en,
        },
        region,
        unit,
        transform: params.transform,
        points,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CompareParams {
    /// The indicator.
    #[param(inline, example = "industrial_value_added_growth")]
    indicator: Code,
    /// Two to ten distinct region codes, comma-separated; differences are
    /// taken from the first.
    #[param(inline, example = "371502,371500")]
    regions: CodeList,
    /// Only periods starting on or after this date.
    #[param(inline)]
    from: Option<IsoDate>,
    /// Only periods ending on or before this date.
    #[param(inline)]
    to: Option<IsoDate>,
    /// Express values in this unit of the indicator's dimension.
    #[param(inline)]
    unit: Option<Code>,
}

/// Regions side by side for the same periods.
#[derive(Debug, Serialize, ToSchema)]
struct Comparison {
    indicator: NamedRef,
    /// The unit of every value.
    unit: Unit,
    /// The unit of the differences: percentage points for percentages,
    /// else the values' unit.
    difference_unit: String,
    /// In the order asked for; the first is the one others are compared with.
    regions: Vec<NamedRef>,
    periods: Vec<ComparedPeriod>,
}

/// One period, every region's value, and the differences.
#[derive(Debug, Serialize, ToSchema)]
struct ComparedPeriod {
    period_start: NaiveDate,
    period_end: NaiveDate,
    period_label: String,
    /// One per region, in the order of `regions`; null where it has no value.
    values: Vec<ComparedValue>,
    /// The first region's value minus each other region's.
    differences: Vec<Difference>,
}

#[derive(Debug, Serialize, ToSchema)]
struct ComparedValue {
    region: String,
    value: Option<Decimal>,
    qualifier: Option<Qualifier>,
    derived: Option<bool>,
    observation_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Difference {
    /// The first region.
    region: String,
    /// The region subtracted from it.
    minus: String,
    /// Null when either value is missing or not exact.
    value: Option<Decimal>,
    /// True when either value is derived rather than printed (then the
    /// difference may just restate the printed figures it came from).
    derived: bool,
}

/// Regions side by side for the same periods, with the first region's lead
/// over each of the others.
#[utoipa::path(
    get,
    path = "/compare",
    tag = "observations",
    params(CompareParams, ObjectParams),
    responses((status = 200, description = "The comparison", body = Comparison))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn compare_regions(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<CompareParams>,
    output: Output,
) -> Result<Response> {
    output.json_only()?;
    let mut conn = snapshot.conn().await?;
    let db = &mut *conn;
    let indicator = filters::find_indicator(&mut *db, &params.indicator.0).await?;
    let codes = params.regions.0;
    if !(2..=10).contains(&codes.len()) {
        return Err(Error::invalid_parameter(
            "regions",
            format!("expected 2 to 10 region codes, got {}", codes.len()),
        ));
    }
    if let Some(repeated) = codes
        .iter()
        .enumerate()
        .find_map(|(i, c)| codes[..i].contains(c).then_some(c))
    {
        return Err(Error::invalid_parameter(
            "regions",
            format!("`{repeated}` is given twice"),
        ));
    }
    let found = store::regions::find_regions(&mut *db, &codes).await?;
    let mut regions = Vec::with_capacity(codes.len());
    for code in &codes {
        let Some(region) = found.iter().find(|region| &region.code == code) else {
            return Err(Error::unknown_code(
                "regions",
                format!("no region has code `{code}`; GET /api/v1/regions lists them"),
            ));
        };
        regions.push(NamedRef {
            code: region.code.clone(),
            name_zh: region.name_zh.clone(),
            name_en: region.name_en.clone(),
        });
    }
    let window = filters::date_window(params.from, params.to)?;
    let unit = match &params.unit {
        Some(Code(code)) => unit_for(&mut *db, code, &indicator).await?,
        None => indicator.unit.clone(),
    };
    let filter = ObservationFilter {
        indicators: Some(vec![indicator.code.clone()]),
        regions: Some(codes.clone()),
        from: window.0,
        to: window.1,
        ..ObservationFilter::default()
    };
    let mut rows = observations::all_observations(&mut *db, &filter).await?;
    filters::express_in(&mut rows, &unit)?;
    let by_region: Vec<Vec<Observation>> = codes
        .iter()
        .map(|code| {
            rows.iter()
                .filter(|o| &o.region.code == code)
                .cloned()
                .collect()
        })
        .collect();
    let mut periods: Vec<(NaiveDate, NaiveDate, String)> = by_region
        .iter()
        .flatten()
        .map(|o| (o.period_start, o.period_end, o.period_label.clone()))
        .collect();
    periods.sort();
    periods.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let periods = periods
        .into_iter()
        .map(|(start, end, label)| {
            let found: Vec<Option<&Observation>> = by_region
                .iter()
                .map(|rows| {
                    rows.iter()
                        .find(|o| o.period_start == start && o.period_end == end)
                })
                .collect();
            let values = codes
                .iter()
                .zip(&found)
                .map(|(code, o)| ComparedValue {
                    region: code.clone(),
                    value: o.map(|o| o.value),
                    qualifier: o.map(|o| o.qualifier),
                    derived: o.map(|o| o.derived),
                    observation_id: o.map(|o| o.id),
                })
                .collect();
            let exact = |o: &Option<&Observation>| {
                o.filter(|o| o.qualifier == Qualifier::Exact)
                    .map(|o| o.value)
            };
            let differences = codes[1..]
                .iter()
                .zip(&found[1..])
                .map(|(code, other)| Difference {
                    region: codes[0].clone(),
                    minus: code.clone(),
                    value: exact(&found[0])
                        .zip(exact(other))
                        .and_then(|(a, b)| a.checked_sub(b))
                        .map(|difference| difference.normalize()),
                    derived: [found[0], *other].iter().flatten().any(|o| o.derived),
                })
                .collect();
            ComparedPeriod {
                period_start: start,
                period_end: end,
                period_label: label,
                values,
                differences,
            }
        })
        .collect();
    let difference_unit = if unit.dimension == "percent" {
        "percentage_point".to_owned()
    } else {
        unit.code.clone()
    };
    output.object(&Comparison {
        indicator: NamedRef {
            code: indicator.code,
            name_zh: indicator.name_zh,
            name_en: indicator.name_en,
        },
        unit,
        difference_unit,
        regions,
        periods,
    })
}

async fn region_ref(db: &mut PgConnection, code: &str) -> Result<NamedRef> {
    let region = store::regions::find_region(&mut *db, code)
        .await?
        .ok_or_else(|| Error::not_found("region", code))?;
    Ok(NamedRef {
        code: region.code,
        name_zh: region.name_zh,
        name_en: region.name_en,
    })
}

/// `unit=` for one indicator: it must share the indicator's dimension.
async fn unit_for(db: &mut PgConnection, code: &str, indicator: &Indicator) -> Result<Unit> {
    let unit = filters::find_unit(&mut *db, code).await?;
    if unit.converts_to(&indicator.unit) {
        Ok(unit)
    } else {
        Err(Error::invalid_parameter(
            "unit",
            format!(
                "`{code}` measures {}, but `{}` is in {} ({}); pick a unit of that dimension",
                unit.dimension, indicator.code, indicator.unit.code, indicator.unit.dimension
            ),
        ))
    }
}

/// The unit a transform's values are in.
async fn change_unit(db: &mut PgConnection, transform: Transform, unit: Unit) -> Result<Unit> {
    let code = if transform.is_percent_change() {
        "percent"
    } else if unit.dimension == "percent" {
        "percentage_point"
    } else {
        return Ok(unit);
    };
    store::units::find_unit(&mut *db, code)
        .await?
        .ok_or_else(|| {
            Error::Internal(anyhow::anyhow!(
                "unit `{code}` is missing from the catalogue"
            ))
        })
}

fn transform_name(transform: Transform) -> &'static str {
    match transform {
        Transform::Chg => "chg",
        Transform::Pch => "pch",
        Transform::Ch1 => "ch1",
        Transform::Pc1 => "pc1",
    }
}
