//! The catalogue as writers see it: a snapshot for validating writes
//! without a query per field (or per row, in a bulk import), and the admin
//! writes to regions, topics, units, indicators and sources.

use sqlx::{PgConnection, PgPool};

use super::Expected;
use super::audit::{self, Change};
use crate::domain::input::{
    CatalogueView, IndicatorInput, RegionInput, SourceInput, TopicInput, UnitInput,
};

#[tracing::instrument(skip_all)]
pub async fn load_view(db: &PgPool) -> sqlx::Result<CatalogueView> {
    let mut view = CatalogueView::default();
    for row in sqlx::query!("select code, unit_code, kind from indicators where deleted_at is null")
        .fetch_all(db)
        .await?
    {
        view.indicators.insert(row.code, (row.unit_code, row.kind));
    }
    for code in sqlx::query_scalar!("select code from regions where deleted_at is null")
        .fetch_all(db)
        .await?
    {
        view.regions.insert(code, ());
    }
    for code in sqlx::query_scalar!("select code from topics where deleted_at is null")
        .fetch_all(db)
        .await?
    {
        view.topics.insert(code, ());
    }
    for row in sqlx::query!(
        "select code, base_code, factor, dimension from units where deleted_at is null"
    )
    .fetch_all(db)
    .await?
    {
        view.units
            .insert(row.code, (row.base_code, row.factor, row.dimension));
    }
    for row in sqlx::query!("select id, full_text from sources where deleted_at is null")
        .fetch_all(db)
        .await?
    {
        view.sources.insert(row.id, row.full_text);
    }
    Ok(view)
}

/// Where a write to the catalogue leaves things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueWrite {
    Done {
        revision: i32,
    },
    Missing,
    Stale {
        current: i32,
    },
    /// Refused: live records depend on it as it is; says which.
    InUse(String),
}

/// Stores a new region (admin).
#[tracing::instrument(skip_all)]
pub async fn insert_region(
    conn: &mut PgConnection,
    input: &RegionInput,
    change: &Change,
) -> sqlx::Result<()> {
    let created = sqlx::query!(
        r#"insert into regions (code, parent_code, level, code_scheme, name_zh, name_en, note)
           values ($1, $2, $3, $4, $5, $6, $7)
           returning revision, to_jsonb(regions) as "doc!""#,
        input.code,
        input.parent_code,
        input.level,
        input.code_scheme(),
        input.name_zh,
        input.name_en,
        input.note,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "region",
        &input.code,
        created.revision,
        None,
        Some(created.doc),
    )
    .await
}

/// What depends on a region, as text; empty when nothing does.
async fn uses_of_region(conn: &mut PgConnection, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"select concat_ws(', ',
        (select count(*) || ' region(s) below it' from regions where parent_code = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' observation(s)' from observations where region_code = $1 and valid_to is null having count(*) > 0),
        (select count(*) || ' recognition(s)' from recognitions where region_code = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' target(s)' from targets where region_code = $1 and deleted_at is null having count(*) > 0)
    ) as "uses!""#,
        key
    )
    .fetch_one(conn)
    .await
}

async fn lock_region(
    conn: &mut PgConnection,
    key: &str,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from regions x where code = $1 and deleted_at is null for update"#,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a region in place (admin), if `expected` is current.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_region(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    input: &RegionInput,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_region(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    if let Some(parent) = &input.parent_code {
        let cycle = sqlx::query_scalar!(
            r#"select exists (select 1 from region_scope($1, true) as below (code) where code = $2) as "cycle!""#,
            key,
            parent
        )
        .fetch_one(&mut *conn)
        .await?;
        if cycle {
            return Ok(CatalogueWrite::InUse(format!(
                "its parent cannot be `{parent}`, which lies within it"
            )));
        }
    }
    let after = sqlx::query!(
        r#"update regions set parent_code = $2, level = $3, code_scheme = $4, name_zh = $5, name_en = $6, note = $7, revision = revision + 1
           where code = $1
           returning revision, to_jsonb(regions) as "doc!""#,
        key,
        input.parent_code,
        input.level,
        input.code_scheme(),
        input.name_zh,
        input.name_en,
        input.note,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "region",
        key,
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(CatalogueWrite::Done {
        revision: after.revision,
    })
}

/// Marks a region deleted (admin), unless live records depend on it.
#[tracing::instrument(skip(conn, change))]
pub async fn delete_region(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_region(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let uses = uses_of_region(conn, key).await?;
    if !uses.is_empty() {
        return Ok(CatalogueWrite::InUse(format!("{uses} depend on it")));
    }
    sqlx::query!("update regions set deleted_at = now() where code = $1", key)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        change,
        "delete",
        "region",
        key,
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(CatalogueWrite::Done { revision })
}

/// Stores a new topic (admin).
#[tracing::instrument(skip_all)]
pub async fn insert_topic(
    conn: &mut PgConnection,
    input: &TopicInput,
    change: &Change,
) -> sqlx::Result<()> {
    let created = sqlx::query!(
        r#"insert into topics (code, name_zh, name_en, position)
           values ($1, $2, $3, $4)
           returning revision, to_jsonb(topics) as "doc!""#,
        input.code,
        input.name_zh,
        input.name_en,
        input.position,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "topic",
        &input.code,
        created.revision,
        None,
        Some(created.doc),
    )
    .await
}

/// What depends on a topic, as text; empty when nothing does.
async fn uses_of_topic(conn: &mut PgConnection, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"select concat_ws(', ',
        (select count(*) || ' indicator(s)' from indicators where topic_code = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' recognition(s)' from recognitions where topic_code = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' target(s)' from targets where topic_code = $1 and deleted_at is null having count(*) > 0)
    ) as "uses!""#,
        key
    )
    .fetch_one(conn)
    .await
}

async fn lock_topic(
    conn: &mut PgConnection,
    key: &str,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from topics x where code = $1 and deleted_at is null for update"#,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a topic in place (admin), if `expected` is current.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_topic(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    input: &TopicInput,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_topic(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let after = sqlx::query!(
        r#"update topics set name_zh = $2, name_en = $3, position = $4, revision = revision + 1
           where code = $1
           returning revision, to_jsonb(topics) as "doc!""#,
        key,
        input.name_zh,
        input.name_en,
        input.position,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "topic",
        key,
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(CatalogueWrite::Done {
        revision: after.revision,
    })
}

/// Marks a topic deleted (admin), unless live records depend on it.
#[tracing::instrument(skip(conn, change))]
pub async fn delete_topic(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_topic(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let uses = uses_of_topic(conn, key).await?;
    if !uses.is_empty() {
        return Ok(CatalogueWrite::InUse(format!("{uses} depend on it")));
    }
    sqlx::query!("update topics set deleted_at = now() where code = $1", key)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        change,
        "delete",
        "topic",
        key,
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(CatalogueWrite::Done { revision })
}

/// Stores a new unit (admin).
#[tracing::instrument(skip_all)]
pub async fn insert_unit(
    conn: &mut PgConnection,
    input: &UnitInput,
    change: &Change,
) -> sqlx::Result<()> {
    let created = sqlx::query!(
        r#"insert into units (code, symbol_zh, name_zh, name_en, dimension, base_code, factor)
           values ($1, $2, $3, $4, $5, $6, $7)
           returning revision, to_jsonb(units) as "doc!""#,
        input.code,
        input.symbol_zh,
        input.name_zh,
        input.name_en,
        input.dimension,
        input.base_code,
        input.factor,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "unit",
        &input.code,
        created.revision,
        None,
        Some(created.doc),
    )
    .await
}

/// What depends on a unit, as text; empty when nothing does.
async fn uses_of_unit(conn: &mut PgConnection, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"select concat_ws(', ',
        (select count(*) || ' unit(s) based on it' from units where base_code = $1 and code <> $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' indicator(s)' from indicators where unit_code = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' observation(s)' from observations where reported_unit_code = $1 and valid_to is null having count(*) > 0)
    ) as "uses!""#,
        key
    )
    .fetch_one(conn)
    .await
}

async fn lock_unit(
    conn: &mut PgConnection,
    key: &str,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from units x where code = $1 and deleted_at is null for update"#,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a unit in place (admin), if `expected` is current.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_unit(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    input: &UnitInput,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_unit(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let changes_meaning = before.get("base_code").and_then(|v| v.as_str())
        != Some(input.base_code.as_str())
        || before
            .get("factor")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| Some(v.to_string()))
            })
            .and_then(|f| f.parse::<rust_decimal::Decimal>().ok())
            != Some(input.factor);
    if changes_meaning {
        let uses = uses_of_unit(conn, key).await?;
        if !uses.is_empty() {
            return Ok(CatalogueWrite::InUse(format!(
                "its base or factor cannot change while {uses} use it"
            )));
        }
    }
    let after = sqlx::query!(
        r#"update units set symbol_zh = $2, name_zh = $3, name_en = $4, dimension = $5, base_code = $6, factor = $7, revision = revision + 1
           where code = $1
           returning revision, to_jsonb(units) as "doc!""#,
        key,
        input.symbol_zh,
        input.name_zh,
        input.name_en,
        input.dimension,
        input.base_code,
        input.factor,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "unit",
        key,
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(CatalogueWrite::Done {
        revision: after.revision,
    })
}

/// Marks a unit deleted (admin), unless live records depend on it.
#[tracing::instrument(skip(conn, change))]
pub async fn delete_unit(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_unit(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let uses = uses_of_unit(conn, key).await?;
    if !uses.is_empty() {
        return Ok(CatalogueWrite::InUse(format!("{uses} depend on it")));
    }
    sqlx::query!("update units set deleted_at = now() where code = $1", key)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        change,
        "delete",
        "unit",
        key,
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(CatalogueWrite::Done { revision })
}

/// Stores a new indicator (admin).
#[tracing::instrument(skip_all)]
pub async fn insert_indicator(
    conn: &mut PgConnection,
    input: &IndicatorInput,
    change: &Change,
) -> sqlx::Result<()> {
    let created = sqlx::query!(
        r#"insert into indicators (code, topic_code, name_zh, name_en, unit_code, kind, description_en, position)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning revision, to_jsonb(indicators) as "doc!""#,
        input.code,
        input.topic,
        input.name_zh,
        input.name_en,
        input.unit,
        input.kind,
        input.description_en,
        input.position,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "indicator",
        &input.code,
        created.revision,
        None,
        Some(created.doc),
    )
    .await
}

/// What depends on a indicator, as text; empty when nothing does.
async fn uses_of_indicator(conn: &mut PgConnection, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"select concat_ws(', ',
        (select count(*) || ' observation(s)' from observations where indicator_code = $1 and valid_to is null having count(*) > 0)
    ) as "uses!""#,
        key
    )
    .fetch_one(conn)
    .await
}

async fn lock_indicator(
    conn: &mut PgConnection,
    key: &str,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from indicators x where code = $1 and deleted_at is null for update"#,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a indicator in place (admin), if `expected` is current.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_indicator(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    input: &IndicatorInput,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_indicator(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    if before.get("unit_code").and_then(|v| v.as_str()) != Some(input.unit.as_str()) {
        let uses = uses_of_indicator(conn, key).await?;
        if !uses.is_empty() {
            return Ok(CatalogueWrite::InUse(format!(
                "its unit cannot change while {uses} are stored in it"
            )));
        }
    }
    let after = sqlx::query!(
        r#"update indicators set topic_code = $2, name_zh = $3, name_en = $4, unit_code = $5, kind = $6, description_en = $7, position = $8, revision = revision + 1
           where code = $1
           returning revision, to_jsonb(indicators) as "doc!""#,
        key,
        input.topic,
        input.name_zh,
        input.name_en,
        input.unit,
        input.kind,
        input.description_en,
        input.position,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "indicator",
        key,
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(CatalogueWrite::Done {
        revision: after.revision,
    })
}

/// Marks a indicator deleted (admin), unless live records depend on it.
#[tracing::instrument(skip(conn, change))]
pub async fn delete_indicator(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_indicator(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let uses = uses_of_indicator(conn, key).await?;
    if !uses.is_empty() {
        return Ok(CatalogueWrite::InUse(format!("{uses} depend on it")));
    }
    sqlx::query!(
        "update indicators set deleted_at = now() where code = $1",
        key
    )
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "delete",
        "indicator",
        key,
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(CatalogueWrite::Done { revision })
}

/// Stores a new source (admin).
#[tracing::instrument(skip_all)]
pub async fn insert_source(
    conn: &mut PgConnection,
    input: &SourceInput,
    change: &Change,
) -> sqlx::Result<()> {
    let created = sqlx::query!(
        r#"insert into sources (id, title_zh, title_en, headline_zh, headline_en, publisher_zh, publisher_en, page, reporter_zh, reporter_en, published_on, reference_year, language, file_name, full_text)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           returning revision, to_jsonb(sources) as "doc!""#,
        input.id,
        input.title_zh,
        input.title_en,
        input.headline_zh,
        input.headline_en,
        input.publisher_zh,
        input.publisher_en,
        input.page,
        input.reporter_zh,
        input.reporter_en,
        input.published_on,
        input.reference_year,
        input.language,
        input.file_name,
        input.full_text,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "create",
        "source",
        &input.id,
        created.revision,
        None,
        Some(created.doc),
    )
    .await
}

/// What depends on a source, as text; empty when nothing does.
async fn uses_of_source(conn: &mut PgConnection, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar!(
        r#"select concat_ws(', ',
        (select count(*) || ' observation(s)' from observations where source_id = $1 and valid_to is null having count(*) > 0),
        (select count(*) || ' recognition(s)' from recognitions where source_id = $1 and deleted_at is null having count(*) > 0),
        (select count(*) || ' target(s)' from targets where source_id = $1 and deleted_at is null having count(*) > 0)
    ) as "uses!""#,
        key
    )
    .fetch_one(conn)
    .await
}

async fn lock_source(
    conn: &mut PgConnection,
    key: &str,
) -> sqlx::Result<Option<(i32, serde_json::Value)>> {
    let row = sqlx::query!(
        r#"select revision, to_jsonb(x) as "doc!" from sources x where id = $1 and deleted_at is null for update"#,
        key
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.revision, row.doc)))
}

/// Replaces a source in place (admin), if `expected` is current.
#[tracing::instrument(skip(conn, input, change))]
pub async fn replace_source(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    input: &SourceInput,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_source(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let orphaned = sqlx::query_scalar!(
        r#"select exists (
               select 1 from observations where source_id = $1 and valid_to is null and strpos($2, excerpt) = 0
               union all select 1 from recognitions where source_id = $1 and deleted_at is null and strpos($2, excerpt) = 0
               union all select 1 from targets where source_id = $1 and deleted_at is null and strpos($2, excerpt) = 0
           ) as "orphaned!""#,
        key,
        input.full_text,
    )
    .fetch_one(&mut *conn)
    .await?;
    if orphaned {
        return Ok(CatalogueWrite::InUse(
            "excerpts that quote it would no longer stand in its text".to_owned(),
        ));
    }
    let after = sqlx::query!(
        r#"update sources set title_zh = $2, title_en = $3, headline_zh = $4, headline_en = $5, publisher_zh = $6, publisher_en = $7, page = $8, reporter_zh = $9, reporter_en = $10, published_on = $11, reference_year = $12, language = $13, file_name = $14, full_text = $15, revision = revision + 1
           where id = $1
           returning revision, to_jsonb(sources) as "doc!""#,
        key,
        input.title_zh,
        input.title_en,
        input.headline_zh,
        input.headline_en,
        input.publisher_zh,
        input.publisher_en,
        input.page,
        input.reporter_zh,
        input.reporter_en,
        input.published_on,
        input.reference_year,
        input.language,
        input.file_name,
        input.full_text,
    )
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        change,
        "replace",
        "source",
        key,
        after.revision,
        Some(before),
        Some(after.doc),
    )
    .await?;
    Ok(CatalogueWrite::Done {
        revision: after.revision,
    })
}

/// Marks a source deleted (admin), unless live records depend on it.
#[tracing::instrument(skip(conn, change))]
pub async fn delete_source(
    conn: &mut PgConnection,
    key: &str,
    expected: Expected,
    change: &Change,
) -> sqlx::Result<CatalogueWrite> {
    let Some((revision, before)) = lock_source(conn, key).await? else {
        return Ok(CatalogueWrite::Missing);
    };
    if !expected.allows(revision) {
        return Ok(CatalogueWrite::Stale { current: revision });
    }
    let uses = uses_of_source(conn, key).await?;
    if !uses.is_empty() {
        return Ok(CatalogueWrite::InUse(format!("{uses} depend on it")));
    }
    sqlx::query!("update sources set deleted_at = now() where id = $1", key)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        change,
        "delete",
        "source",
        key,
        revision,
        Some(before),
        None,
    )
    .await?;
    Ok(CatalogueWrite::Done { revision })
}

/// The current revision of a live catalogue item, for its `ETag`.
#[tracing::instrument(skip(db))]
pub async fn revision(
    db: impl sqlx::PgExecutor<'_>,
    resource: &str,
    key: &str,
) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        r#"select revision as "revision!" from regions where $1 = 'region' and code = $2 and deleted_at is null
           union all select revision from topics where $1 = 'topic' and code = $2 and deleted_at is null
           union all select revision from units where $1 = 'unit' and code = $2 and deleted_at is null
           union all select revision from indicators where $1 = 'indicator' and code = $2 and deleted_at is null
           union all select revision from sources where $1 = 'source' and id = $2 and deleted_at is null"#,
        resource,
        key
    )
    .fetch_optional(db)
    .await
}
