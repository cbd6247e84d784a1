//! Filters shared by several lists, and the checks that codes given as
//! filters name something, so that a typo is a 404 that names the parameter
//! rather than an empty list.

use sqlx::PgConnection;

use serde::Deserialize;

use utoipa::IntoParams;

use chrono::NaiveDate;

use super::params::{Code, Flag, IsoDate};
use crate::domain::{Indicator, Observation, Unit};
use crate::store::FactFilter;
use crate::store::observations::ObservationFilter;
use crate::{Error, Result, store};

/// `param` names a region that exists.
pub async fn ensure_region(db: &mut PgConnection, param: &str, code: &str) -> Result<()> {
    if store::regions::region_exists(db, code).await? {
        Ok(())
    } else {
        Err(Error::unknown_code(
            param,
            format!("no region has code `{code}`; GET /api/v1/regions lists them"),
        ))
    }
}

/// `param` names a topic that exists.
pub async fn ensure_topic(db: &mut PgConnection, param: &str, code: &str) -> Result<()> {
    if store::topics::topic_exists(db, code).await? {
        Ok(())
    } else {
        Err(Error::unknown_code(
            param,
            format!("no topic has code `{code}`; GET /api/v1/topics lists them"),
        ))
    }
}

/// Every code in `param` names an indicator that exists.
pub async fn ensure_indicators(db: &mut PgConnection, param: &str, codes: &[String]) -> Result<()> {
    let unknown = store::indicators::unknown_indicators(db, codes).await?;
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::unknown_code(
            param,
            format!(
                "no indicator has code {}; GET /api/v1/indicators lists them",
                unknown
                    .iter()
                    .map(|code| format!("`{code}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

/// Checks the `region`, `descendants` and `topic` filters that observations,
/// recognitions and targets share, and builds them.
pub async fn fact_filter(
    db: &mut PgConnection,
    region: Option<Code>,
    descendants: Option<Flag>,
    topic: Option<Code>,
) -> Result<FactFilter> {
    let filter = fact_scope(region, descendants, topic)?;
    ensure_fact_scope(db, &filter).await?;
    Ok(filter)
}

/// Builds the `region`, `descendants` and `topic` filters, without yet
/// checking that the codes name anything (see [`ensure_fact_scope`]).
pub fn fact_scope(
    region: Option<Code>,
    descendants: Option<Flag>,
    topic: Option<Code>,
) -> Result<FactFilter> {
    if region.is_none() && descendants.is_some() {
        return Err(Error::invalid_parameter(
            "descendants",
            "only means something with `region`; add region=<code> or drop descendants",
        ));
    }
    Ok(FactFilter {
        region: region.map(|code| code.0),
        descendants: descendants.is_some_and(|flag| flag.0),
        topic: topic.map(|code| code.0),
        id: None,
    })
}

/// The region and topic a filter names exist (a typo is a 404 naming the
/// parameter, not an empty list).
pub async fn ensure_fact_scope(db: &mut PgConnection, filter: &FactFilter) -> Result<()> {
    if let Some(code) = &filter.region {
        ensure_region(&mut *db, "region", code).await?;
    }
    if let Some(code) = &filter.topic {
        ensure_topic(&mut *db, "topic", code).await?;
    }
    Ok(())
}

/// The unit named by `unit=`.
pub async fn find_unit(db: &mut PgConnection, code: &str) -> Result<Unit> {
    store::units::find_unit(db, code).await?.ok_or_else(|| {
        Error::unknown_code(
            "unit",
            format!("no unit has code `{code}`; GET /api/v1/units lists them"),
        )
    })
}

/// The indicator named by `indicator=`.
pub async fn find_indicator(db: &mut PgConnection, code: &str) -> Result<Indicator> {
    store::indicators::find_indicator(db, code)
        .await?
        .ok_or_else(|| {
            Error::unknown_code(
                "indicator",
                format!("no indicator has code `{code}`; GET /api/v1/indicators lists them"),
            )
        })
}

/// The unit named by `unit=`, checked to express every figure `filter`
/// matches.
pub async fn output_unit(
    db: &mut PgConnection,
    code: &str,
    filter: &ObservationFilter,
) -> Result<Unit> {
    let unit = find_unit(&mut *db, code).await?;
    let mismatched: Vec<String> = store::observations::units_matching(db, filter)
        .await?
        .into_iter()
        .filter(|base| *base != unit.base_code)
        .collect();
    if mismatched.is_empty() {
        Ok(unit)
    } else {
        Err(Error::invalid_parameter(
            "unit",
            format!(
                "`{code}` measures {} and cannot express figures in {}; narrow the query by indicator or topic, or pick a unit of that dimension",
                unit.dimension,
                mismatched
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

/// The query parameters of `/recognitions` and `/targets`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FactParams {
    /// Only this region's (see `descendants`).
    #[param(inline)]
    pub region: Option<Code>,
    /// With `region`, also every region below it.
    #[param(inline)]
    pub descendants: Option<Flag>,
    /// Only this topic's.
    #[param(inline)]
    pub topic: Option<Code>,
}

/// The `from`/`to` window, refusing one that ends before it starts.
pub fn date_window(
    from: Option<IsoDate>,
    to: Option<IsoDate>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let (from, to) = (from.map(|d| d.0), to.map(|d| d.0));
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(Error::invalid_parameter(
            "to",
            format!("must not be before `from` ({from}), got {to}"),
        ));
    }
    Ok((from, to))
}

/// Expresses every observation in `unit`, or says which cannot be.
pub fn express_in(items: &mut [Observation], unit: &Unit) -> Result<()> {
    for item in items {
        if !item.express_in(unit) {
            return Err(Error::Unprocessable(format!(
                "observation {} cannot be expressed in `{}`: the value would overflow",
                item.id, unit.code
            )));
        }
    }
    Ok(())
}
