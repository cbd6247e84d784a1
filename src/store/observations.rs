//! Observations: the figures.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::Page;
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
}

struct ObservationRow {
    id: i64,
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
    reported_text: Option<String>,
    derived: bool,
    formula: Option<String>,
    source_id: String,
    excerpt: String,
}

impl From<ObservationRow> for Observation {
    fn from(row: ObservationRow) -> Self {
        let reported = match (row.reported_value, row.reported_text) {
            (Some(value), Some(text)) => Some(Reported {
                value: value.normalize(),
                unit: row.reported_unit,
                text,
            }),
            _ => None,
        };
        Observation {
            id: row.id,
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
        r#"select count(*) as "total!" from observations_matching($1, $2, $3, $4, $5, $6, $7)"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        ObservationRow,
        r#"select o.id, o.indicator_code, i.name_zh as indicator_name_zh, i.name_en as indicator_name_en,
                  o.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                  t.code as topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  o.period_start, o.period_end, o.period_label, o.value,
                  u.code as unit_code, u.symbol_zh as unit_symbol_zh, u.name_zh as unit_name_zh,
                  u.name_en as unit_name_en, u.dimension as unit_dimension, u.base_code as unit_base_code,
                  u.factor as unit_factor,
                  o.qualifier as "qualifier: Qualifier",
                  o.comparison_basis as "comparison_basis: ComparisonBasis",
                  o.reported_value, o.reported_unit, o.reported_text, o.derived, o.formula,
                  o.source_id, o.excerpt
           from observations o
           join indicators i on i.code = o.indicator_code
           join topics t on t.code = i.topic_code
           join regions r on r.code = o.region_code
           join units u on u.code = i.unit_code
           where o.id in (select observations_matching($1, $2, $3, $4, $5, $6, $7))
           order by t.position, i.position, r.code, o.period_start, o.period_end, o.id
           limit $8 offset $9"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
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
           where o.id in (select observations_matching($1, $2, $3, $4, $5, $6, $7))
           order by 1"#,
        filter.indicators.as_deref(),
        filter.region,
        filter.descendants,
        filter.topic,
        filter.from,
        filter.to,
        filter.latest,
    )
    .fetch_all(db)
    .await
}
