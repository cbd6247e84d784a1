//! Units and their conversion to a base unit.

use sqlx::PgConnection;

use super::Page;
use crate::domain::Unit;

#[tracing::instrument(skip(db))]
pub async fn list_units(db: &mut PgConnection, page: Page) -> sqlx::Result<(Vec<Unit>, i64)> {
    let total =
        sqlx::query_scalar!(r#"select count(*) as "total!" from units where deleted_at is null"#)
            .fetch_one(&mut *db)
            .await?;
    let units = sqlx::query_as!(
        Unit,
        "select code, symbol_zh, name_zh, name_en, dimension, base_code, factor from units
         where deleted_at is null order by dimension, factor, code limit $1 offset $2",
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((units.into_iter().map(Unit::normalized).collect(), total))
}

#[tracing::instrument(skip(db))]
pub async fn find_unit(db: &mut PgConnection, code: &str) -> sqlx::Result<Option<Unit>> {
    let unit = sqlx::query_as!(
        Unit,
        "select code, symbol_zh, name_zh, name_en, dimension, base_code, factor from units
         where code = $1 and deleted_at is null",
        code
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(unit.map(Unit::normalized))
}
