//! Recognitions: honours, designations and firsts.

use sqlx::PgConnection;

use super::audit::{self, Change};
use super::{Expected, FactFilter, Page, Written};
use crate::domain::input::RecognitionInput;
use crate::domain::{Evidence, NamedRef, Recognition};

struct RecognitionRow {
    id: i64,
    revision: i32,
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
            revision: row.revision,
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
    db: &mut PgConnection,
    filter: &FactFilter,
    page: Page,
) -> sqlx::Result<(Vec<Recognition>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from recognitions
           where deleted_at is null and ($1::text is null or region_code in (select region_scope($1, $2)))
             and ($3::text is null or topic_code = $3) and ($4::bigint is null or id = $4)"#,
        filter.region,
        filter.descendants,
        filter.topic,
        filter.id,
    )
    .fetch_one(&mut *db)
    .await?;
    let items = page_recognitions(db, filter, page).await?;
    Ok((items, total))
}

/// One page of the recognitions that match, without counting them all.
#[tracing::instrument(skip(db))]
pub async fn page_recognitions(
    db: &mut PgConnection,
    filter: &FactFilter,
    page: Page,
) -> sqlx::Result<Vec<Recognition>> {
    let rows = sqlx::query_as!(
        RecognitionRow,
        r#"select x.id, x.revision, x.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                  x.holder_zh, x.holder_en,
                  x.topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  x.title_zh, x.title_en, x.category, x.level, x.year, x.source_id, x.excerpt
           from recognitions x
           join regions r on r.code = x.region_code
           join topics t on t.code = x.topic_code
           where x.deleted_at is null and ($1::text is null or x.region_code in (select region_scope($1, $2)))
             and ($3::text is null or x.topic_code = $3) and ($6::bigint is null or x.id = $6)
           order by t.position, x.id
           limit $4 offset $5"#,
        filter.region,
        filter.descendants,
        filter.topic,
        page.limit,
        page.offset,
        filter.id,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows.into_iter().map(Recognition::from).collect())
}

/// Stores a new recognition; returns its id. The caller commits.
#[tracing::instrument(skip_all)]
pub async fn insert_recognition(
    conn: &mut PgConnection,
    input: &RecognitionInput,
    change: &Change,
) -> sqlx::Result<i64> {
    let created = sqlx::query!(
        r#"insert into recognitions (region_code, holder_zh, holder_en, topic_code, title_zh, title_en, category, level, year, source_id, excerpt)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           returning id, revision, to_jsonb(recognitions) as "doc!""#,
        input.region,
        input.holder_zh,
        input.holder_en,
        input.topic,
        input.title_zh,
        input.title_en,
        input.category,
        input.level,
        input.year,
        input.source_id,
        input.excerpt,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "recognition",
        &created.id.to_string(),
        created.revision,
        None,
        Some(created.doc),
    )
    .await?;
    Ok(created.id)
}

/// The current revision and stored record, locked for a write.
async fn lock_recognition(
    conn: &mut PgConnection,
    id: i64,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from recognitions x where id = $1 and deleted_at is null for update"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a recognition in place, if `expected` is current; the audit log keeps
/// what it was.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_recognition(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    input: &RecognitionInput,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some((revision, before)) = lock_recognition(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(revision) {
        return Ok(Written::Stale { current: revision });
    }
    let after = sqlx::query!(
        r#"update recognitions set region_code = $2, holder_zh = $3, holder_en = $4, topic_code = $5, title_zh = $6, title_en = $7, category = $8, level = $9, year = $10, source_id = $11, excerpt = $12, revision = revision + 1
           where id = $1
           returning revision, to_jsonb(recognitions) as "doc!""#,
        id,
        input.region,
        input.holder_zh,
        input.holder_en,
        input.topic,
        input.title_zh,
        input.title_en,
        input.category,
        input.level,
        input.year,
        input.source_id,
        input.excerpt,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "recognition",
        &id.to_string(),
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(Written::Done {
        revision: after.revision,
    })
}

/// Marks a recognition deleted (a tombstone: nothing is erased).
#[tracing::instrument(skip(conn, change))]
pub async fn delete_recognition(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some((revision, before)) = lock_recognition(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(revision) {
        return Ok(Written::Stale { current: revision });
    }
    sqlx::query!(
        "update recognitions set deleted_at = now() where id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "delete",
        "recognition",
        &id.to_string(),
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(Written::Done { revision })
}
