//! Filters shared by several lists, and the checks that codes given as
//! filters name something, so that a typo is a 400 that says so rather than
//! an empty list.

use sqlx::PgPool;

use serde::Deserialize;

use super::params::{Code, Flag, Limit, Offset};
use crate::store::FactFilter;
use crate::{Error, Result, store};

/// `param` names a region that exists.
pub async fn ensure_region(db: &PgPool, param: &str, code: &str) -> Result<()> {
    if store::regions::region_exists(db, code).await? {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            param,
            format!("no region has code `{code}`; GET /api/v1/regions lists them"),
        ))
    }
}

/// `param` names a topic that exists.
pub async fn ensure_topic(db: &PgPool, param: &str, code: &str) -> Result<()> {
    if store::topics::topic_exists(db, code).await? {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            param,
            format!("no topic has code `{code}`; GET /api/v1/topics lists them"),
        ))
    }
}

/// Every code in `param` names an indicator that exists.
pub async fn ensure_indicators(db: &PgPool, param: &str, codes: &[String]) -> Result<()> {
    let unknown = store::indicators::unknown_indicators(db, codes).await?;
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
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
    db: &PgPool,
    region: Option<Code>,
    descendants: Option<Flag>,
    topic: Option<Code>,
) -> Result<FactFilter> {
    if let Some(Code(code)) = &region {
        ensure_region(db, "region", code).await?;
    } else if descendants.is_some() {
        return Err(Error::invalid_parameter(
            "descendants",
            "only means something with `region`; add region=<code> or drop descendants",
        ));
    }
    if let Some(Code(code)) = &topic {
        ensure_topic(db, "topic", code).await?;
    }
    Ok(FactFilter {
        region: region.map(|code| code.0),
        descendants: descendants.is_some_and(|flag| flag.0),
        topic: topic.map(|code| code.0),
    })
}

/// The query parameters of `/recognitions` and `/targets`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactParams {
    pub region: Option<Code>,
    /// With `region`, include every region below it.
    pub descendants: Option<Flag>,
    pub topic: Option<Code>,
    pub limit: Option<Limit>,
    pub offset: Option<Offset>,
}
