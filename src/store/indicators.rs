//! Indicators: what is measured, in which base unit, under which topic.

use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::Page;
use crate::domain::{Indicator, NamedRef, Unit};

/// Filters of `GET /indicators`.
#[derive(Debug, Default, Clone)]
pub struct IndicatorFilter {
    pub topic: Option<String>,
    /// Case-insensitive substring of the code, the Chinese or the English name.
    pub q: Option<String>,
}

struct IndicatorRow {
    code: String,
    name_zh: String,
    name_en: String,
    kind: String,
    description_en: String,
    topic_code: String,
    topic_name_zh: String,
    topic_name_en: String,
    unit_code: String,
    unit_symbol_zh: String,
    unit_name_zh: String,
    unit_name_en: String,
    unit_dimension: String,
    unit_base_code: String,
    unit_factor: Decimal,
}

impl From<IndicatorRow> for Indicator {
    fn from(row: IndicatorRow) -> Self {
        Indicator {
            code: row.code,
            name_zh: row.name_zh,
            name_en: row.name_en,
            topic: NamedRef {
                code: row.topic_code,
                name_zh: row.topic_name_zh,
                name_en: row.topic_name_en,
            },
            unit: Unit {
                code: row.unit_code,
                symbol_zh: row.unit_symbol_zh,
                name_zh: row.unit_name_zh,
                name_en: row.unit_name_en,
                dimension: row.unit_dimension,
                base_code: row.unit_base_code,
                factor: row.unit_factor.normalize(),
            },
            kind: row.kind,
            description_en: row.description_en,
        }
    }
}

#[tracing::instrument(skip(db))]
pub async fn list_indicators(
    db: &mut PgConnection,
    filter: &IndicatorFilter,
    page: Page,
) -> sqlx::Result<(Vec<Indicator>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from indicators i
           where i.deleted_at is null and ($1::text is null or i.topic_code = $1)
             and ($2::text is null or strpos(i.name_zh, $2) > 0
                  or strpos(lower(i.name_en), lower($2)) > 0 or strpos(i.code, lower($2)) > 0)"#,
        filter.topic,
        filter.q,
    )
    .fetch_one(&mut *db)
    .await?;
    let indicators = select_indicators(db, filter, None, page).await?;
    Ok((indicators, total))
}

#[tracing::instrument(skip(db))]
pub async fn find_indicator(db: &mut PgConnection, code: &str) -> sqlx::Result<Option<Indicator>> {
    let page = Page {
        limit: 1,
        offset: 0,
    };
    let mut found = select_indicators(db, &IndicatorFilter::default(), Some(code), page).await?;
    Ok(found.pop())
}

/// The one query that shapes indicator rows, for both the list and the lookup.
async fn select_indicators(
    db: &mut PgConnection,
    filter: &IndicatorFilter,
    code: Option<&str>,
    page: Page,
) -> sqlx::Result<Vec<Indicator>> {
    let rows = sqlx::query_as!(
        IndicatorRow,
        r#"select i.code, i.name_zh, i.name_en, i.kind, i.description_en,
                  t.code as topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  u.code as unit_code, u.symbol_zh as unit_symbol_zh, u.name_zh as unit_name_zh,
                  u.name_en as unit_name_en, u.dimension as unit_dimension, u.base_code as unit_base_code,
                  u.factor as unit_factor
           from indicators i
           join topics t on t.code = i.topic_code
           join units u on u.code = i.unit_code
           where i.deleted_at is null and ($1::text is null or i.topic_code = $1)
             and ($2::text is null or strpos(i.name_zh, $2) > 0
                  or strpos(lower(i.name_en), lower($2)) > 0 or strpos(i.code, lower($2)) > 0)
             and ($3::text is null or i.code = $3)
           order by i.position
           limit $4 offset $5"#,
        filter.topic,
        filter.q,
        code,
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows.into_iter().map(Indicator::from).collect())
}

/// The codes among `codes` that name no indicator.
#[tracing::instrument(skip(db))]
pub async fn unknown_indicators(
    db: &mut PgConnection,
    codes: &[String],
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select c as "code!" from unnest($1::text[]) as c
           where not exists (select 1 from indicators where code = c and deleted_at is null)"#,
        codes
    )
    .fetch_all(&mut *db)
    .await
}
