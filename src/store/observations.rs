//! Observations: the figures.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

use super::audit::{self, Change};
use super::{Expected, Page, Written};
use crate::domain::input::ValidObservation;
use crate::domain::{ComparisonBasis, Evidence, NamedRef, Observation, Qualifier, Reported, Unit};

/// Filters of `GET /observations`; `None` does not filter.
#[derive(Debug, Default, Clone)]
pub struct ObservationFilter {
    /// Any of these indicators.
    pub indicators: Option<Vec<String>>,
    pub region: Option<String>,
    /// With `region`: the regions below it too.
    pub descendants: bool,
    pub topic: Option<String>,
    /// Periods that start on or after this day.
    pub from: Option<NaiveDate>,
    /// Periods that end on or before this day.
    pub to: Option<NaiveDate>,
    /// Only the N most recent periods of each indicator and region.
    pub latest: Option<i32>,
    /// The versions valid at this moment instead of the current ones.
    pub as_of: Option<DateTime<Utc>>,
    /// Only the observation with this id.
    pub id: Option<i64>,
}

struct ObservationRow {
    id: i64,
    revision: i32,
    indicator_code: String,
    indicator_name_zh: String,
    indicator_name_en: String,
    region_code: String,
    region_name_zh: String,
    region_name_en: String,
    topic_code: String,
    topic_name_zh: String,
    topic_name_en: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    period_label: String,
    value: Decimal,
    unit_code: String,
    unit_symbol_zh: String,
    unit_name_zh: String,
    unit_name_en: String,
    unit_dimension: String,
    unit_base_code: String,
    unit_factor: Decimal,
    qualifier: Qualifier,
    comparison_basis: Option<ComparisonBasis>,
    reported_value: Option<Decimal>,
    reported_unit: Option<String>,
    reported_unit_code: Option<String>,
    reported_text: Option<String>,
    derived: bool,
    formula: Option<String>,
    source_id: String,
    excerpt: String,
}

impl From<ObservationRow> for Observation {
    fn from(row: ObservationRow) -> Self {
        let reported = match (
            row.reported_value,
            row.reported_unit_code,
            row.reported_text,
        ) {
            (Some(value), Some(unit_code), Some(text)) => Some(Reported {
                value: value.normalize(),
                unit: row.reported_unit,
                unit_code,
                text,
            }),
            _ => None,
        };
        Observation {
            id: row.id,
            revision: row.revision,
            indicator: NamedRef {
                code: row.indicator_code,
                name_zh: row.indicator_name_zh,
                name_en: row.indicator_name_en,
            },
            region: NamedRef {
                code: row.region_code,
                name_zh: row.region_name_zh,
                name_en: row.region_name_en,
            },
            topic: NamedRef {
                code: row.topic_code,
                name_zh: row.topic_name_zh,
                name_en: row.topic_name_en,
            },
            period_start: row.period_start,
            period_end: row.period_end,
            period_label: row.period_label,
            value: row.value.normalize(),
            unit: Unit {
                code: row.unit_code,
                symbol_zh: row.unit_symbol_zh,
                name_zh: row.unit_name_zh,
                name_en: row.unit_name_en,
                dimension: row.unit_dimension,
                base_code: row.unit_base_code,
                factor: row.unit_factor.normalize(),
            },
            qualifier: row.qualifier,
            comparison_basis: row.comparison_basis,
            reported,
            derived: row.derived,
            formula: row.formula,
            evidence: Evidence::new(row.source_id, row.excerpt),
        }
    }
}

/// A page of the observations that match, in report order (topic,
/// indicator, region, period), and how many match in all.
#[tracing::instrument(skip(db))]
pub async fn list_observations(
    db: &PgPool,
    filter: &ObservationFilter,
    page: Page,
) -> sqlx::Result<(Vec<Observation>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from observations_matching($1, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
        filter.as_of,
        filter.id,
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        ObservationRow,
        r#"select o.id, o.revision, o.indicator_code, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en,
                  o.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                  t.code as topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  o.period_start, o.period_end, o.period_label, o.value,
                  u.code as unit_code, u.symbol_zh as unit_symbol_zh, u.name_zh as unit_name_zh,
                  u.name_en as unit_name_en, u.dimension as unit_dimension, u.base_code as unit_base_code,
                  u.factor as unit_factor,
                  o.qualifier as "qualifier: Qualifier",
                  o.comparison_basis as "comparison_basis: ComparisonBasis",
                  o.reported_value, o.reported_unit, o.reported_unit_code, o.reported_text, o.derived, o.formula,
                  o.source_id, o.excerpt
           from observations o
           join indicators i on i.code = o.indicator_code
           join topics t on t.code = i.topic_code
           join regions r on r.code = o.region_code
           join units u on u.code = i.unit_code
           where o.version_id in (select observations_matching($1, $2, $3, $4, $5, $6, $7, $8, $9))
           order by t.position, i.position, r.code, o.period_start, o.period_end, o.id
           limit $10 offset $11"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
        filter.as_of,
        filter.id,
        page.limit,
        page.offset,
    )
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Observation::from).collect(), total))
}

/// The base units of the observations that match, to check a requested
/// unit against before converting anything.
#[tracing::instrument(skip(db))]
pub async fn units_matching(db: &PgPool, filter: &ObservationFilter) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select distinct i.unit_code as "unit_code!"
           from observations o join indicators i on i.code = o.indicator_code
           where o.version_id in (select observations_matching($1, $2, $3, $4, $5, $6, $7, $8, $9))
           order by 1"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
        filter.as_of,
        filter.id,
    )
    .fetch_all(db)
    .await
}

/// Stores a new observation; returns its id. The caller commits.
#[tracing::instrument(skip_all)]
pub async fn insert_observation(
    conn: &mut PgConnection,
    input: &ValidObservation,
    change: &Change,
) -> sqlx::Result<i64> {
    let created = sqlx::query!(
        r#"insert into observations (indicator_code, region_code, period_start, period_end, period_label, value,
                                    qualifier, comparison_basis, reported_value, reported_unit, reported_unit_code,
                                    reported_text, derived, formula, source_id, excerpt)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           returning id, revision, to_jsonb(observations) - 'version_id' as "doc!""#,
        input.indicator_code,
        input.region_code,
        input.period_start,
        input.period_end,
        input.period_label,
        input.value,
        input.qualifier as Qualifier,
        input.comparison_basis as Option<ComparisonBasis>,
        input.reported_value,
        input.reported_unit,
        input.reported_unit_code,
        input.reported_text,
        input.derived,
        input.formula,
        input.source_id,
        input.excerpt,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "observation",
        &created.id.to_string(),
        created.revision,
        None,
        Some(created.doc),
    )
    .await?;
    Ok(created.id)
}

/// The current version of an observation, locked for a write.
struct CurrentVersion {
    version_id: i64,
    revision: i32,
    doc: serde_json::Value,
}

/// Under READ COMMITTED a writer that waited for this lock finds the row
/// it waited for closed, and cannot see the version that replaced it in the
/// same statement; so it looks again, in a new statement, a few times.
async fn lock_current(conn: &mut PgConnection, id: i64) -> sqlx::Result<Option<CurrentVersion>> {
    for _ in 0..3 {
        let locked = sqlx::query_as!(
            CurrentVersion,
            r#"select version_id, revision, to_jsonb(o) - 'version_id' as "doc!"
               from observations o where id = $1 and valid_to is null for update"#,
            id
        )
        .fetch_optional(&mut *conn)
        .await?;
        if locked.is_some() {
            return Ok(locked);
        }
        let exists_now = sqlx::query_scalar!(
            r#"select exists (select 1 from observations where id = $1 and valid_to is null) as "exists!""#,
            id
        )
        .fetch_one(&mut *conn)
        .await?;
        if !exists_now {
            return Ok(None);
        }
    }
    Ok(None)
}

/// Replaces an observation with its next version, if `expected` is current.
/// The previous version stays, valid until now.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_observation(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    input: &ValidObservation,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some(current) = lock_current(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(current.revision) {
        return Ok(Written::Stale {
            current: current.revision,
        });
    }
    // The next version starts exactly when this one ends.
    let stamp = sqlx::query_scalar!(
        r#"update observations set valid_to = greatest(clock_timestamp(), valid_from)
           where version_id = $1 returning valid_to as "valid_to!""#,
        current.version_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let next = sqlx::query!(
        r#"insert into observations (id, revision, indicator_code, region_code, period_start, period_end, period_label,
                                    value, qualifier, comparison_basis, reported_value, reported_unit,
                                    reported_unit_code, reported_text, derived, formula, source_id, excerpt,
                                    valid_from)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
           returning revision, to_jsonb(observations) - 'version_id' as "doc!""#,
        id,
        current.revision.saturating_add(1),
        input.indicator_code,
        input.region_code,
        input.period_start,
        input.period_end,
        input.period_label,
        input.value,
        input.qualifier as Qualifier,
        input.comparison_basis as Option<ComparisonBasis>,
        input.reported_value,
        input.reported_unit,
        input.reported_unit_code,
        input.reported_text,
        input.derived,
        input.formula,
        input.source_id,
        input.excerpt,
        stamp,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "observation",
        &id.to_string(),
        next.revision,
        Some(current.doc),
        Some(next.doc),
    )
    .await?;
    Ok(Written::Done {
        revision: next.revision,
    })
}

/// Ends an observation's current version (a tombstone: nothing is erased).
#[tracing::instrument(skip(conn, change))]
pub async fn delete_observation(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some(current) = lock_current(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(current.revision) {
        return Ok(Written::Stale {
            current: current.revision,
        });
    }
    sqlx::query!(
        "update observations set valid_to = greatest(clock_timestamp(), valid_from) where version_id = $1",
        current.version_id
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "delete",
        "observation",
        &id.to_string(),
        current.revision,
        Some(current.doc),
        None,
    )
    .await?;
    Ok(Written::Done {
        revision: current.revision,
    })
}

/// Whether an observation with this id ever existed (deleted or not).
#[tracing::instrument(skip(db))]
pub async fn observation_ever_existed(db: &PgPool, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from observations where id = $1) as "exists!""#,
        id
    )
    .fetch_one(db)
    .await
}
