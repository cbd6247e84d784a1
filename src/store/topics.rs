//! Topics, the sections indicators are grouped in.

use sqlx::PgConnection;

use super::Page;
use crate::domain::Topic;

#[tracing::instrument(skip(db))]
pub async fn list_topics(db: &mut PgConnection, page: Page) -> sqlx::Result<(Vec<Topic>, i64)> {
    let total =
        sqlx::query_scalar!(r#"select count(*) as "total!" from topics where deleted_at is null"#)
            .fetch_one(&mut *db)
            .await?;
    let items = page_topics(db, page).await?;
    Ok((items, total))
}

/// One page of the topics, in report order, without counting them.
#[tracing::instrument(skip(db))]
pub async fn page_topics(db: &mut PgConnection, page: Page) -> sqlx::Result<Vec<Topic>> {
    let topics = sqlx::query_as!(
        Topic,
        "select code, name_zh, name_en from topics where deleted_at is null
         order by position limit $1 offset $2",
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(topics)
}

#[tracing::instrument(skip(db))]
pub async fn topic_exists(db: &mut PgConnection, code: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from topics where code = $1 and deleted_at is null) as "exists!""#,
        code
    )
    .fetch_one(&mut *db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn find_topic(db: &mut PgConnection, code: &str) -> sqlx::Result<Option<Topic>> {
    sqlx::query_as!(
        Topic,
        "select code, name_zh, name_en from topics where code = $1 and deleted_at is null",
        code
    )
    .fetch_optional(&mut *db)
    .await
}
