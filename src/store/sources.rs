//! Sources: the publications facts are quoted from.

use sqlx::PgConnection;

use super::Page;
use crate::domain::{Source, SourceSummary};

#[tracing::instrument(skip(db))]
pub async fn list_sources(
    db: &mut PgConnection,
    page: Page,
) -> sqlx::Result<(Vec<SourceSummary>, i64)> {
    let total =
        sqlx::query_scalar!(r#"select count(*) as "total!" from sources where deleted_at is null"#)
            .fetch_one(&mut *db)
            .await?;
    let sources = sqlx::query_as!(
        SourceSummary,
        "select id, title_zh, title_en, headline_zh, headline_en, publisher_zh, publisher_en, page,
                reporter_zh, reporter_en, published_on, reference_year, language, file_name, updated_at
         from sources where deleted_at is null order by id limit $1 offset $2",
        page.limit,
        page.offset,
    )
    .fetch_all(&mut *db)
    .await?;
    Ok((sources, total))
}

#[tracing::instrument(skip(db))]
pub async fn find_source(db: &mut PgConnection, id: &str) -> sqlx::Result<Option<Source>> {
    let row = sqlx::query!(
        "select id, title_zh, title_en, headline_zh, headline_en, publisher_zh, publisher_en, page,
                reporter_zh, reporter_en, published_on, reference_year, language, file_name, updated_at,
                full_text
         from sources where id = $1 and deleted_at is null",
        id
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(row.map(|row| Source {
        summary: SourceSummary {
            id: row.id,
            title_zh: row.title_zh,
            title_en: row.title_en,
            headline_zh: row.headline_zh,
            headline_en: row.headline_en,
            publisher_zh: row.publisher_zh,
            publisher_en: row.publisher_en,
            page: row.page,
            reporter_zh: row.reporter_zh,
            reporter_en: row.reporter_en,
            published_on: row.published_on,
            reference_year: row.reference_year,
            language: row.language,
            file_name: row.file_name,
            updated_at: row.updated_at,
        },
        full_text: row.full_text,
    }))
}
