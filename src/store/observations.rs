//! Observations: the figures.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::audit::{self, Change};
use super::{CountMode, Expected, Total, Written};
use crate::domain::input::ValidObservation;
use crate::domain::{ComparisonBasis, Evidence, NamedRef, Observation, Qualifier, Reported, Unit};

/// Filters of `GET /observations`; `None` does not filter.
#[derive(Debug, Default, Clone)]
pub struct ObservationFilter {
    /// Any of these indicators.
    pub indicators: Option<Vec<String>>,
    pub region: Option<String>,
    /// Any of these regions (not with `region`).
    pub regions: Option<Vec<String>>,
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

#[derive(sqlx::FromRow)]
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

/// The key of an observation in list order, after the indicator's place:
/// a page that ends on it continues after it (keyset pagination), so the
/// last page of a long list costs what the first does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationKey {
    pub indicator: String,
    pub region: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

impl ObservationKey {
    fn of(observation: &Observation) -> Self {
        Self {
            indicator: observation.indicator.code.clone(),
            region: observation.region.code.clone(),
            period_start: observation.period_start,
            period_end: observation.period_end,
        }
    }
}

/// Which page of the observations: the first `limit` after `after` (a key),
/// or, without one, after skipping `offset`.
#[derive(Debug, Clone)]
pub struct KeysetPage {
    pub limit: i64,
    pub offset: i64,
    pub after: Option<ObservationKey>,
}

/// A page of observations, how many match in all, and the key to continue
/// after when there is more.
#[derive(Debug)]
pub struct ObservationPage {
    pub items: Vec<Observation>,
    pub total: Total,
    pub next: Option<ObservationKey>,
}

/// Matching observations counted exactly up to this many; past it,
/// [`CountMode::Estimated`] gives the planner's estimate instead.
pub const EXACT_COUNT_LIMIT: i64 = 10_000;

/// A page of the observations that match, in report order (topic,
/// indicator, region, period), and how many match in all.
///
/// The SQL is built from the filters given, and only those, so that each
/// combination is a plain statement the planner serves from the indexes
/// (and Postgres caches a plan per combination). Each indicator's rows are
/// read in the order of `observations_unique_period` (indicator, region,
/// period), at most a page of them, and the indicators are taken in report
/// order, so a page reads about as many rows as it returns.
#[tracing::instrument(skip(db))]
pub async fn list_observations(
    db: &mut PgConnection,
    filter: &ObservationFilter,
    page: &KeysetPage,
    count: Option<CountMode>,
) -> sqlx::Result<ObservationPage> {
    let items = page_of_observations(&mut *db, filter, page).await?;
    let full = items.len() as i64 == page.limit;
    // A page that is not full is the last one: the rows before it and on it
    // are all there are, and counting them again would only cost a
    // statement (unless the client asked for the planner's estimate). Past
    // the end, an empty page says nothing: count.
    let known = !full && (!items.is_empty() || page.offset == 0 && page.after.is_none());
    let seen = Total::exact(page.offset.saturating_add(items.len() as i64));
    let total = match count {
        Some(CountMode::Planned) => {
            count_observations(&mut *db, filter, CountMode::Planned).await?
        }
        Some(_) if known => seen,
        Some(mode) => count_observations(&mut *db, filter, mode).await?,
        // Not asked (a CSV export, which has no total): the rows so far.
        None => seen,
    };
    let next = full.then(|| items.last().map(ObservationKey::of)).flatten();
    Ok(ObservationPage { items, total, next })
}

/// Every observation that matches, without a count, for internal callers
/// (series, comparisons, dashboards) whose answers are bounded.
#[tracing::instrument(skip(db))]
pub async fn all_observations(
    db: &mut PgConnection,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<Observation>> {
    let page = KeysetPage {
        limit: i64::MAX,
        offset: 0,
        after: None,
    };
    page_of_observations(db, filter, &page).await
}

async fn page_of_observations(
    db: &mut PgConnection,
    filter: &ObservationFilter,
    page: &KeysetPage,
) -> sqlx::Result<Vec<Observation>> {
    let mut sql = QueryBuilder::new("");
    push_indicators_in_scope(&mut sql, filter);
    sql.push(
        "select m.id, m.revision, m.indicator_code, m.indicator_name_zh, m.indicator_name_en,
                m.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                m.topic_code, m.topic_name_zh, m.topic_name_en,
                m.period_start, m.period_end, m.period_label, m.value,
                u.code as unit_code, u.symbol_zh as unit_symbol_zh, u.name_zh as unit_name_zh,
                u.name_en as unit_name_en, u.dimension as unit_dimension, u.base_code as unit_base_code,
                u.factor as unit_factor, m.qualifier, m.comparison_basis,
                m.reported_value, m.reported_unit, m.reported_unit_code, m.reported_text,
                m.derived, m.formula, m.source_id, m.excerpt
         from (",
    );
    let limit = page.limit;
    match &page.after {
        // The rest of the key's indicator, then the indicators after it.
        Some(after) => {
            // Each part in order and limited, so that neither reads more
            // than a page.
            sql.push("(");
            let rest_of_indicator = Block::Page {
                limit,
                after: Some(after),
            };
            push_matching(&mut sql, filter, rest_of_indicator);
            sql.push(" and ind.code = ")
                .push_bind(after.indicator.clone());
            push_page_order(&mut sql, limit);
            sql.push(") union all (");
            push_matching(&mut sql, filter, Block::Page { limit, after: None });
            sql.push(
                " and (ind.topic_position, ind.position) > \
                 (select topic_position, position from ind where code = ",
            )
            .push_bind(after.indicator.clone())
            .push(")");
            push_page_order(&mut sql, limit);
            sql.push(")");
        }
        None => push_matching(&mut sql, filter, Block::Page { limit, after: None }),
    }
    push_page_order(&mut sql, limit);
    if page.after.is_none() && page.offset > 0 {
        sql.push(" offset ").push_bind(page.offset);
    }
    sql.push(
        ") m
         -- One index look-up per row of the page: cheaper than hashing
         -- every region of the country for a page of a few rows.
         cross join lateral (
             select r.name_zh, r.name_en from regions r where r.code = m.region_code offset 0
         ) r
         join units u on u.code = m.unit_code
         order by m.topic_position, m.position, m.region_code, m.period_start, m.period_end",
    );
    let rows = sql
        .build_query_as::<ObservationRow>()
        .fetch_all(&mut *db)
        .await?;
    Ok(rows.into_iter().map(Observation::from).collect())
}

/// How many observations match: exactly, or as the planner estimates.
async fn count_observations(
    db: &mut PgConnection,
    filter: &ObservationFilter,
    mode: CountMode,
) -> sqlx::Result<Total> {
    let cap = match mode {
        CountMode::Exact => None,
        CountMode::Estimated => Some(EXACT_COUNT_LIMIT),
        CountMode::Planned => return planned_count(db, filter).await,
    };
    let mut sql = QueryBuilder::new("");
    push_indicators_in_scope(&mut sql, filter);
    sql.push("select count(*) from (");
    push_matching(&mut sql, filter, Block::Count { cap });
    if let Some(cap) = cap {
        sql.push(" limit ").push_bind(cap + 1);
    }
    sql.push(") counted");
    let counted: i64 = sql.build_query_scalar().fetch_one(&mut *db).await?;
    match cap {
        Some(cap) if counted > cap => planned_count(db, filter).await,
        _ => Ok(Total::exact(counted)),
    }
}

/// The planner's estimate of how many observations match (Postgres's
/// statistics, so without reading them).
async fn planned_count(db: &mut PgConnection, filter: &ObservationFilter) -> sqlx::Result<Total> {
    let mut sql = QueryBuilder::new("explain (format json) ");
    push_indicators_in_scope(&mut sql, filter);
    push_matching(&mut sql, filter, Block::Count { cap: None });
    let plan: serde_json::Value = sql.build_query_scalar().fetch_one(&mut *db).await?;
    let rows = plan
        .pointer("/0/Plan/Plan Rows")
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(0.0);
    // An estimate of rows: rounded, and clamped to what i64 holds.
    let rows = rows.round().clamp(0.0, i64::MAX as f64) as i64;
    Ok(Total::planned(rows))
}

/// The base units of the observations that match, to check a requested
/// unit against before converting anything.
#[tracing::instrument(skip(db))]
pub async fn units_matching(
    db: &mut PgConnection,
    filter: &ObservationFilter,
) -> sqlx::Result<Vec<String>> {
    let mut sql = QueryBuilder::new("");
    push_indicators_in_scope(&mut sql, filter);
    sql.push("select distinct ind.unit_code from ind join (");
    // One row of each indicator is enough.
    push_matching(&mut sql, filter, Block::Count { cap: Some(0) });
    sql.push(") one on one.indicator_code = ind.code order by 1");
    sql.build_query_scalar().fetch_all(&mut *db).await
}

/// What a block of matching rows is for.
#[derive(Clone, Copy)]
enum Block<'a> {
    /// A page: in order, at most `limit` rows of each indicator, after
    /// `after` within the key's indicator.
    Page {
        limit: i64,
        after: Option<&'a ObservationKey>,
    },
    /// Counting: any order, at most `cap + 1` rows of each indicator.
    Count { cap: Option<i64> },
}

/// `with ind as (…)`: the indicators the filters allow, with their places
/// in report order (topic, then indicator).
fn push_indicators_in_scope(sql: &mut QueryBuilder<Postgres>, filter: &ObservationFilter) {
    sql.push(
        "with ind as (
            select i.code, i.name_zh, i.name_en, i.unit_code, i.position, t.code as topic_code,
                   t.name_zh as topic_name_zh, t.name_en as topic_name_en, t.position as topic_position
            from indicators i join topics t on t.code = i.topic_code
            where true",
    );
    if let Some(codes) = &filter.indicators {
        sql.push(" and i.code = any(")
            .push_bind(codes.clone())
            .push(")");
    }
    if let Some(topic) = &filter.topic {
        sql.push(" and i.topic_code = ").push_bind(topic.clone());
    }
    if let Some(id) = filter.id {
        sql.push(" and i.code in (select indicator_code from observations where id = ")
            .push_bind(id)
            .push(")");
    }
    sql.push(")");
    if let (Some(region), true) = (&filter.region, filter.descendants) {
        // The region and every region below it.
        sql.push(
            ", scope as materialized (
                with recursive scope (code) as (
                    select code from regions where code = ",
        )
        .push_bind(region.clone())
        .push(
            " and deleted_at is null
                    union
                    select r.code from regions r join scope s on r.parent_code = s.code
                    where r.deleted_at is null
                )
                select code from scope
            )",
        );
    }
    sql.push(" ");
}

/// `select … from ind cross join lateral (…) o where true`: the matching
/// rows of each indicator in scope; the caller may add conditions on `ind`.
fn push_matching(sql: &mut QueryBuilder<Postgres>, filter: &ObservationFilter, block: Block<'_>) {
    let columns = match block {
        Block::Page { .. } => {
            "ind.topic_position, ind.position, ind.name_zh as indicator_name_zh,
             ind.name_en as indicator_name_en, ind.topic_code, ind.topic_name_zh,
             ind.topic_name_en, ind.unit_code, o.*"
        }
        Block::Count { .. } => "o.indicator_code",
    };
    // Indicators in report order, so that the planner knows the rows of
    // each come before the next one's (and stops at a page).
    sql.push("select ").push(columns).push(
        " from (select * from ind order by topic_position, position) ind cross join lateral (",
    );
    // One region's rows can be read in period order straight from the
    // index; several regions (a scope, or `latest` for each) are read
    // region by region, in code order.
    let by_region = filter.latest.is_some() || filter.descendants || filter.regions.is_some();
    let after = match block {
        Block::Page { after, .. } => after,
        Block::Count { .. } => None,
    };
    let row_limit = match block {
        Block::Page { limit, .. } => Some(limit),
        Block::Count { cap } => cap.map(|cap| cap + 1),
    };
    if by_region {
        sql.push("select o.* from (select code from ");
        match (&filter.region, filter.descendants, &filter.regions) {
            (Some(_), true, _) => sql.push("scope where true"),
            (Some(region), false, _) => sql.push("regions where code = ").push_bind(region.clone()),
            (None, _, Some(codes)) => sql
                .push("regions where code = any(")
                .push_bind(codes.clone())
                .push(")"),
            (None, _, None) => sql.push("regions where true"),
        };
        if let Some(after) = after {
            sql.push(" and code >= ").push_bind(after.region.clone());
        }
        sql.push(" order by code) s cross join lateral (");
    }
    sql.push(match block {
        Block::Page { .. } => {
            "select o.id, o.revision, o.indicator_code, o.region_code, o.period_start, o.period_end,
                    o.period_label, o.value, o.qualifier, o.comparison_basis, o.reported_value,
                    o.reported_unit, o.reported_unit_code, o.reported_text, o.derived, o.formula,
                    o.source_id, o.excerpt"
        }
        // Counting reads the index alone where it can.
        Block::Count { .. } => "select o.indicator_code",
    });
    sql.push(" from observations o where o.indicator_code = ind.code");
    match filter.as_of {
        None => sql.push(" and o.valid_to is null"),
        Some(moment) => sql
            .push(" and o.valid_from <= ")
            .push_bind(moment)
            .push(" and (o.valid_to is null or o.valid_to > ")
            .push_bind(moment)
            .push(")"),
    };
    if by_region {
        sql.push(" and o.region_code = s.code");
    } else if let Some(region) = &filter.region {
        sql.push(" and o.region_code = ").push_bind(region.clone());
    }
    if let Some(from) = filter.from {
        sql.push(" and o.period_start >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        sql.push(" and o.period_end <= ").push_bind(to);
    }
    if let Some(id) = filter.id {
        sql.push(" and o.id = ").push_bind(id);
    }
    let push_after = |sql: &mut QueryBuilder<Postgres>, after: &ObservationKey| {
        sql.push(" and (o.region_code, o.period_start, o.period_end) > (")
            .push_bind(after.region.clone())
            .push(", ")
            .push_bind(after.period_start)
            .push(", ")
            .push_bind(after.period_end)
            .push(")");
    };
    if by_region {
        match filter.latest {
            // The N most recent periods of this indicator and region.
            Some(latest) => {
                sql.push(" order by o.period_end desc, o.period_start desc limit ")
                    .push_bind(i64::from(latest));
            }
            None => {
                if matches!(block, Block::Page { .. }) {
                    sql.push(" order by o.period_start, o.period_end");
                }
                push_limit(sql, row_limit.unwrap_or(i64::MAX));
            }
        }
        sql.push(") o where true");
        if let Some(after) = after {
            push_after(sql, after);
        }
        if matches!(block, Block::Page { .. }) {
            sql.push(" order by s.code, o.period_start, o.period_end");
        }
    } else {
        if let Some(after) = after {
            push_after(sql, after);
        }
        if matches!(block, Block::Page { .. }) {
            sql.push(" order by o.region_code, o.period_start, o.period_end");
        }
    }
    push_limit(sql, row_limit.unwrap_or(i64::MAX));
    sql.push(") o where true");
}

/// The list's order (report order: topic, indicator, region, period), and
/// at most `limit` rows.
fn push_page_order(sql: &mut QueryBuilder<Postgres>, limit: i64) {
    sql.push(" order by topic_position, position, region_code, period_start, period_end");
    push_limit(sql, limit);
}

/// `limit n`, or nothing for "all".
fn push_limit(sql: &mut QueryBuilder<Postgres>, limit: i64) {
    if limit < i64::MAX {
        sql.push(" limit ").push_bind(limit);
    }
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
pub async fn observation_ever_existed(db: &mut PgConnection, id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from observations where id = $1) as "exists!""#,
        id
    )
    .fetch_one(&mut *db)
    .await
}
