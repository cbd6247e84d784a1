//! Recognitions: honours, designations and firsts.

use sqlx::PgPool;

use super::{FactFilter, Page};
use crate::domain::{Evidence, NamedRef, Recognition};

struct RecognitionRow {
    id: i64,
    region_code: String,
    region_name_zh: String,
    region_name_en: String,
    holder_zh: Option<String>,
    holder_en: Option<String>,
    topic_code: String,
    topic_name_zh: String,
    topic_name_en: String,
    title_zh: String,
    title_en: String,
    category: String,
    level: Option<String>,
    year: i32,
    source_id: String,
    excerpt: String,
}

impl From<RecognitionRow> for Recognition {
    fn from(row: RecognitionRow) -> Self {
        Recognition {
            id: row.id,
            region: NamedRef {
                code: row.region_code,
                name_zh: row.region_name_zh,
                name_en: row.region_name_en,
            },
            holder_zh: row.holder_zh,
            holder_en: row.holder_en,
            topic: NamedRef {
                code: row.topic_code,
                name_zh: row.topic_name_zh,
                name_en: row.topic_name_en,
            },
            title_zh: row.title_zh,
            title_en: row.title_en,
            category: row.category,
            level: row.level,
            year: row.year,
            evidence: Evidence::new(row.source_id, row.excerpt),
        }
    }
}

#[tracing::instrument(skip(db))]
pub async fn list_recognitions(
    db: &PgPool,
    filter: &FactFilter,
    page: Page,
) -> sqlx::Result<(Vec<Recognition>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from recognitions
           where ($1::text is null or region_code in (select region_scope($1, $2)))
             and ($3::text is null or topic_code = $3)"#,
        filter.region,
        filter.descendants,
        filter.topic,
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        RecognitionRow,
        r#"select x.id, x.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                  x.holder_zh, x.holder_en,
                  x.topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  x.title_zh, x.title_en, x.category, x.level, x.year, x.source_id, x.excerpt
           from recognitions x
           join regions r on r.code = x.region_code
           join topics t on t.code = x.topic_code
           where ($1::text is null or x.region_code in (select region_scope($1, $2)))
             and ($3::text is null or x.topic_code = $3)
           order by t.position, x.id
           limit $4 offset $5"#,
        filter.region,
        filter.descendants,
        filter.topic,
        page.limit,
        page.offset,
    )
    .fetch_all(db)
    .await?;
    Ok((rows.into_iter().map(Recognition::from).collect(), total))
}
