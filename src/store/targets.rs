//! Targets: dated commitments.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::audit::{self, Change};
use super::{Expected, FactFilter, Page, Written};
use crate::domain::input::TargetInput;
use crate::domain::{Evidence, NamedRef, Target};

struct TargetRow {
    id: i64,
    revision: i32,
    region_code: String,
    region_name_zh: String,
    region_name_en: String,
    topic_code: String,
    topic_name_zh: String,
    topic_name_en: String,
    title_zh: String,
    title_en: String,
    due_date: Option<NaiveDate>,
    due_label: Option<String>,
    source_id: String,
    excerpt: String,
}

impl From<TargetRow> for Target {
    fn from(row: TargetRow) -> Self {
        Target {
            id: row.id,
            revision: row.revision,
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
            title_zh: row.title_zh,
            title_en: row.title_en,
            due_date: row.due_date,
            due_label: row.due_label,
            evidence: Evidence::new(row.source_id, row.excerpt),
        }
    }
}

/// Targets in due-date order, undated ones last.
#[tracing::instrument(skip(db))]
pub async fn list_targets(
    db: &mut PgConnection,
    filter: &FactFilter,
    page: Page,
) -> sqlx::Result<(Vec<Target>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from targets
           where deleted_at is null and ($1::text is null or region_code in (select region_scope($1, $2)))
             and ($3::text is null or topic_code = $3) and ($4::bigint is null or id = $4)"#,
        filter.region,
        filter.descendants,
        filter.topic,
        filter.id,
    )
    .fetch_one(&mut *db)
    .await?;
    let items = page_targets(db, filter, page).await?;
    Ok((items, total))
}

/// One page of the targets that match, without counting them all.
#[tracing::instrument(skip(db))]
pub async fn page_targets(
    db: &mut PgConnection,
    filter: &FactFilter,
    page: Page,
) -> sqlx::Result<Vec<Target>> {
    let rows = sqlx::query_as!(
        TargetRow,
        r#"select x.id, x.revision, x.region_code, r.name_zh as region_name_zh, r.name_en as region_name_en,
                  x.topic_code, t.name_zh as topic_name_zh, t.name_en as topic_name_en,
                  x.title_zh, x.title_en, x.due_date, x.due_label, x.source_id, x.excerpt
           from targets x
           join regions r on r.code = x.region_code
           join topics t on t.code = x.topic_code
           where x.deleted_at is null and ($1::text is null or x.region_code in (select region_scope($1, $2)))
             and ($3::text is null or x.topic_code = $3) and ($6::bigint is null or x.id = $6)
           order by x.due_date nulls last, x.id
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
    Ok(rows.into_iter().map(Target::from).collect())
}

/// Stores a new target; returns its id. The caller commits.
#[tracing::instrument(skip_all)]
pub async fn insert_target(
    conn: &mut PgConnection,
    input: &TargetInput,
    change: &Change,
) -> sqlx::Result<i64> {
    let created = sqlx::query!(
        r#"insert into targets (region_code, topic_code, title_zh, title_en, due_date, due_label, source_id, excerpt)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning id, revision, to_jsonb(targets) as "doc!""#,
        input.region,
        input.topic,
        input.title_zh,
        input.title_en,
        input.due_date,
        input.due_label,
        input.source_id,
        input.excerpt,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "target",
        &created.id.to_string(),
        created.revision,
        None,
        Some(created.doc),
    )
    .await?;
    Ok(created.id)
}

/// The current revision and stored record, locked for a write.
async fn lock_target(
    conn: &mut PgConnection,
    id: i64,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from targets x where id = $1 and deleted_at is null for update"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a target in place, if `expected` is current; the audit log keeps
/// what it was.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_target(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    input: &TargetInput,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some((revision, before)) = lock_target(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(revision) {
        return Ok(Written::Stale { current: revision });
    }
    let after = sqlx::query!(
        r#"update targets set region_code = $2, topic_code = $3, title_zh = $4, title_en = $5, due_date = $6, due_label = $7, source_id = $8, excerpt = $9, revision = revision + 1
           where id = $1
           returning revision, to_jsonb(targets) as "doc!""#,
        id,
        input.region,
        input.topic,
        input.title_zh,
        input.title_en,
        input.due_date,
        input.due_label,
        input.source_id,
        input.excerpt,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "target",
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

/// Marks a target deleted (a tombstone: nothing is erased).
#[tracing::instrument(skip(conn, change))]
pub async fn delete_target(
    conn: &mut PgConnection,
    id: i64,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<Written> {
    let Some((revision, before)) = lock_target(conn, id).await? else {
        return Ok(Written::Missing);
    };
    if !expected.allows(revision) {
        return Ok(Written::Stale { current: revision });
    }
    sqlx::query!("update targets set deleted_at = now() where id = $1", id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        change,
        "delete",
        "target",
        &id.to_string(),
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(Written::Done { revision })
}
