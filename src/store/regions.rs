//! Regions and their hierarchy.

use sqlx::PgConnection;

use super::Page;
use crate::domain::Region;

/// Filters of `GET /regions`.
#[derive(Debug, Default, Clone)]
pub struct RegionFilter {
    pub level: Option<String>,
    pub parent: Option<String>,
    /// Matches a code prefix, a substring of the Chinese name, or a
    /// substring of the English name in any case.
    pub q: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn list_regions(
    db: &mut PgConnection,
    filter: &RegionFilter,
    page: Page,
) -> sqlx::Result<(Vec<Region>, i64)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from regions
           where deleted_at is null
             and ($1::text is null or level = $1) and ($2::text is null or parent_code = $2)
             and ($3::text is null or starts_with(code, lower($3)) or strpos(name_zh, $3) > 0
                  or strpos(lower(name_en), lower($3)) > 0)"#,
        filter.level,
        filter.parent,
        filter.q,
    )
    .fetch_one(&mut *db)
    .await?;
    let regions = sqlx::query_as!(
        Region,
        r#"select code, parent_code, level, code_scheme, name_zh, name_en, note from regions
           where deleted_at is null
             and ($1::text is null or level = $1) and ($2::text is null or parent_code = $2)
             and ($3::text is null or starts_with(code, lower($3)) or strpos(name_zh, $3) > 0
                  or strpos(lower(name_en), lower($3)) > 0)
           order by code
           limit $4 offset $5"#,
        filter.level,
        filter.parent,
        filter.q,
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((regions, total))
}

#[tracing::instrument(skip(db))]
pub async fn find_region(db: &mut PgConnection, code: &str) -> sqlx::Result<Option<Region>> {
    sqlx::query_as!(
        Region,
        "select code, parent_code, level, code_scheme, name_zh, name_en, note from regions
         where code = $1 and deleted_at is null",
        code
    )
    .fetch_optional(&mut *db)
    .await
}

/// The live regions among `codes`, in no particular order.
#[tracing::instrument(skip(db))]
pub async fn find_regions(db: &mut PgConnection, codes: &[String]) -> sqlx::Result<Vec<Region>> {
    sqlx::query_as!(
        Region,
        "select code, parent_code, level, code_scheme, name_zh, name_en, note from regions
         where code = any($1) and deleted_at is null",
        codes
    )
    .fetch_all(&mut *db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn list_children(db: &mut PgConnection, code: &str) -> sqlx::Result<Vec<Region>> {
    sqlx::query_as!(
        Region,
        "select code, parent_code, level, code_scheme, name_zh, name_en, note from regions
         where parent_code = $1 and deleted_at is null order by code",
        code
    )
    .fetch_all(&mut *db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn region_exists(db: &mut PgConnection, code: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from regions where code = $1 and deleted_at is null) as "exists!""#,
        code
    )
    .fetch_one(&mut *db)
    .await
}
