//! Bulk imports of observations, set-based, on one connection.
//!
//! An import runs in one transaction in two phases. While its body uploads,
//! valid rows are copied (`COPY`) into a staging table, holding no lock
//! that another writer waits on. Then it compares the staged rows with the
//! current versions in one statement, takes the writers' lock (comparing
//! again if a write committed meanwhile) and writes every change with one
//! statement per kind, so the lock is held only while the changes are
//! applied. The import is audited by one entry; the history
//! of each observation is its versions (see `observation_revisions`).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use sqlx::postgres::PgCopyIn;

use super::audit::Change;
use crate::domain::input::ValidObservation;

/// Advisory lock held by the one import running in this database, from its
/// start to its end: a second import is refused rather than queued, so
/// imports never hold more than one pooled connection.
const IMPORT_RUNNING: i64 = 0x6469_0001;
/// Advisory lock an import holds exclusively while it applies its changes,
/// and every other writer holds shared while it writes: a writer that
/// cannot have it knows at once that an import is applying.
pub const IMPORT_APPLYING: i64 = 0x6469_0002;

/// What the staged rows would do, after the rows that are rejected.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
}

/// Why a staged row cannot be applied.
#[derive(Debug)]
pub enum Refusal {
    /// The same key came earlier in the body, at this line.
    Repeated { first_line: i64 },
    /// Strategy `create`, but this observation has the key.
    Exists { id: i64 },
    /// Strategy `update`, but nothing has the key.
    Missing,
}

/// Starts an import on this transaction: takes the import lock (false when
/// another import holds it), lets its statements run for `timeout` instead
/// of `DATABASE_STATEMENT_TIMEOUT`, and empties the staging tables.
#[tracing::instrument(skip_all)]
pub async fn begin(conn: &mut PgConnection, timeout: std::time::Duration) -> sqlx::Result<bool> {
    let alone = sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock($1) as "alone!""#,
        IMPORT_RUNNING
    )
    .fetch_one(&mut *conn)
    .await?;
    if !alone {
        return Ok(false);
    }
    set_statement_timeout(conn, timeout).await?;
    // Comparing and applying a million rows sorts and hashes a million keys:
    // in memory, not in temporary files. One import runs at a time.
    sqlx::query_scalar!(r#"select set_config('work_mem', '256MB', true) as "set!""#)
        .fetch_one(&mut *conn)
        .await?;
    // Left over only by an import that failed to roll back (a crash).
    sqlx::query!("truncate import_rows, import_plan")
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Lets the statements of the current transaction run for `timeout`:
/// applying a large import takes longer than any request should.
async fn set_statement_timeout(
    conn: &mut PgConnection,
    timeout: std::time::Duration,
) -> sqlx::Result<()> {
    sqlx::query_scalar!(
        r#"select set_config('statement_timeout', $1, true) as "set!""#,
        timeout.as_millis().to_string()
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Bytes of rows gathered before they are sent to Postgres.
const STAGING_CHUNK: usize = 1 << 20;

/// One `COPY` into the staging table for the whole body: rows are sent as
/// they are validated, and Postgres stores them meanwhile, so reading the
/// body and storing it overlap.
pub struct Staging<'c> {
    copy: PgCopyIn<&'c mut PgConnection>,
    buffer: Vec<u8>,
}

impl<'c> Staging<'c> {
    pub async fn open(conn: &'c mut PgConnection) -> sqlx::Result<Self> {
        let copy = conn
            .copy_in_raw(
                "copy import_rows (line, indicator_code, region_code, period_start, period_end, period_label,
                                   value, qualifier, comparison_basis, reported_value, reported_unit,
                                   reported_unit_code, reported_text, derived, formula, source_id, excerpt)
                 from stdin (format text)",
            )
            .await?;
        Ok(Self {
            copy,
            buffer: Vec::with_capacity(STAGING_CHUNK + 4096),
        })
    }

    /// Stages one validated row with its line in the body.
    pub async fn push(&mut self, line: u64, row: &ValidObservation) -> sqlx::Result<()> {
        copy_row(&mut self.buffer, line, row);
        if self.buffer.len() >= STAGING_CHUNK {
            self.copy.send(self.buffer.as_slice()).await?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Sends what is left and ends the `COPY`.
    #[tracing::instrument(skip_all)]
    pub async fn finish(mut self) -> sqlx::Result<u64> {
        if !self.buffer.is_empty() {
            self.copy.send(self.buffer.as_slice()).await?;
        }
        self.copy.finish().await
    }

    /// Ends the `COPY` without keeping anything (the transaction is then
    /// rolled back anyway).
    pub async fn abort(self) {
        if let Err(error) = self.copy.abort("the import was abandoned").await {
            tracing::debug!(%error, "aborting the staging COPY");
        }
    }
}

/// One row in `COPY`'s text format.
fn copy_row(out: &mut Vec<u8>, line: u64, row: &ValidObservation) {
    let fields: [Option<String>; 17] = [
        Some(line.to_string()),
        Some(row.indicator_code.clone()),
        Some(row.region_code.clone()),
        Some(row.period_start.to_string()),
        Some(row.period_end.to_string()),
        Some(row.period_label.clone()),
        Some(row.value.to_string()),
        Some(text_of(&row.qualifier)),
        row.comparison_basis.as_ref().map(text_of),
        row.reported_value.map(|value| value.to_string()),
        row.reported_unit.clone(),
        row.reported_unit_code.clone(),
        row.reported_text.clone(),
        Some(if row.derived { "t" } else { "f" }.to_owned()),
        row.formula.clone(),
        Some(row.source_id.clone()),
        Some(row.excerpt.clone()),
    ];
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.push(b'\t');
        }
        match field {
            None => out.extend_from_slice(b"\\N"),
            Some(text) => {
                for byte in text.bytes() {
                    match byte {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        other => out.push(other),
                    }
                }
            }
        }
    }
    out.push(b'\n');
}

/// The snake_case text of an enumeration, as stored.
fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Compares every staged row with the current version under its key, in
/// one statement (after `ANALYZE`, so the plan fits the staged rows however
/// many they are). It runs before the writers' lock; if any write commits
/// before the lock is taken (see [`data_version`]), it runs again under it.
#[tracing::instrument(skip_all)]
pub async fn plan(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("truncate import_plan")
        .execute(&mut *conn)
        .await?;
    sqlx::raw_sql("analyze import_rows")
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into import_plan (line, first_line, old_id, old_version, old_revision, action)
         select s.line, coalesce(d.first_line, s.line),
                o.id, o.version_id, o.revision,
                case when o.version_id is null then 'create'
                     when (o.period_label, o.value, o.qualifier, o.comparison_basis, o.reported_value,
                           o.reported_unit, o.reported_unit_code, o.reported_text, o.derived, o.formula,
                           o.source_id, o.excerpt)
                          is not distinct from
                          (s.period_label, s.value, s.qualifier, s.comparison_basis, s.reported_value,
                           s.reported_unit, s.reported_unit_code, s.reported_text, s.derived, s.formula,
                           s.source_id, s.excerpt)
                     then 'unchanged'
                     else 'update' end
         from import_rows s
         -- Keys given more than once, and the line that gave each first.
         left join (select indicator_code, region_code, period_start, period_end, min(line) as first_line
                    from import_rows group by 1, 2, 3, 4 having count(*) > 1) d
           on d.indicator_code = s.indicator_code and d.region_code = s.region_code
          and d.period_start = s.period_start and d.period_end = s.period_end
         left join observations o
           on o.valid_to is null and o.indicator_code = s.indicator_code and o.region_code = s.region_code
          and o.period_start = s.period_start and o.period_end = s.period_end"
    )
    .execute(&mut *conn)
    .await?;
    sqlx::raw_sql("analyze import_plan").execute(conn).await?;
    Ok(())
}

/// What the plan would do with the rows it does not refuse under `strategy`
/// (`create`, `update` or `upsert`).
#[tracing::instrument(skip_all)]
pub async fn counts(conn: &mut PgConnection, strategy: &str) -> sqlx::Result<Counts> {
    let row = sqlx::query!(
        r#"select count(*) filter (where action = 'create' and $1 <> 'update') as "created!",
                  count(*) filter (where action = 'update' and $1 <> 'create') as "updated!",
                  count(*) filter (where action = 'unchanged' and $1 <> 'create') as "unchanged!"
           from import_plan where line = first_line"#,
        strategy
    )
    .fetch_one(conn)
    .await?;
    Ok(Counts {
        created: row.created,
        updated: row.updated,
        unchanged: row.unchanged,
    })
}

/// The first `limit` rows the plan refuses under `strategy`, by line, and
/// how many it refuses in all.
#[tracing::instrument(skip_all)]
pub async fn refusals(
    conn: &mut PgConnection,
    strategy: &str,
    limit: i64,
) -> sqlx::Result<(Vec<(i64, Refusal)>, i64)> {
    let rows = sqlx::query!(
        r#"select line as "line!", first_line as "first_line!", old_id, action as "action!",
                  count(*) over () as "total!"
           from import_plan
           where line <> first_line
              or ($1 = 'create' and action <> 'create')
              or ($1 = 'update' and action = 'create')
           order by line
           limit $2"#,
        strategy,
        limit
    )
    .fetch_all(conn)
    .await?;
    let total = rows.first().map_or(0, |row| row.total);
    let refused = rows
        .into_iter()
        .map(|row| {
            let why = if row.line != row.first_line {
                Refusal::Repeated {
                    first_line: row.first_line,
                }
            } else if let Some(id) = row.old_id.filter(|_| row.action != "create") {
                Refusal::Exists { id }
            } else {
                Refusal::Missing
            };
            (row.line, why)
        })
        .collect();
    Ok((refused, total))
}

/// The counter every write bumps: read before [`plan`], and compared with
/// what [`lock_for_apply`] returns, it tells whether the plan still holds.
pub async fn data_version(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!("select version from data_version")
        .fetch_one(conn)
        .await
}

/// Waits for the writers in progress, then keeps every other writer out
/// until commit (they are answered 503 at once, see [`admit_writer`]).
/// Returns the moment of the import (every version it writes starts then)
/// and the data version as the last writer left it.
#[tracing::instrument(skip_all)]
pub async fn lock_for_apply(conn: &mut PgConnection) -> sqlx::Result<(DateTime<Utc>, i64)> {
    sqlx::query!("select pg_advisory_xact_lock($1)", IMPORT_APPLYING)
        .execute(&mut *conn)
        .await?;
    let version = sqlx::query_scalar!("select version from data_version for update")
        .fetch_one(&mut *conn)
        .await?;
    let stamp = sqlx::query_scalar!(r#"select clock_timestamp() as "now!""#)
        .fetch_one(conn)
        .await?;
    Ok((stamp, version))
}

/// Whether a writer may go ahead: false while an import applies, or waits
/// to. Taken shared for the rest of the writer's transaction, so an import
/// waits for the writers already admitted.
pub async fn admit_writer(conn: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock_shared($1) as "admitted!""#,
        IMPORT_APPLYING
    )
    .fetch_one(conn)
    .await
}

/// Applies the plan at `stamp` (from [`lock_for_apply`]), which must refuse
/// no row (see [`refusals`]; a key given twice would then fail on the unique
/// index): closes each replaced version, inserts its successor and every
/// new observation, and records one audit entry with `report` as its
/// `after`. An import that changes nothing writes nothing, not even its
/// entry. Returns the rows written to `observations`.
#[tracing::instrument(skip_all)]
pub async fn apply(
    conn: &mut PgConnection,
    stamp: DateTime<Utc>,
    counts: Counts,
    change: &Change,
    import_key: &str,
    report: &Value,
) -> sqlx::Result<u64> {
    let mut written = 0;
    if counts.updated > 0 {
        let closed = sqlx::query!(
            "update observations o set valid_to = greatest($1, o.valid_from)
             from import_plan p
             where p.action = 'update' and o.version_id = p.old_version",
            stamp
        )
        .execute(&mut *conn)
        .await?;
        let replaced = sqlx::query!(
            "insert into observations (id, revision, indicator_code, region_code, period_start, period_end,
                                       period_label, value, qualifier, comparison_basis, reported_value,
                                       reported_unit, reported_unit_code, reported_text, derived, formula,
                                       source_id, excerpt, valid_from)
             select p.old_id, p.old_revision + 1, s.indicator_code, s.region_code, s.period_start, s.period_end,
                    s.period_label, s.value, s.qualifier, s.comparison_basis, s.reported_value,
                    s.reported_unit, s.reported_unit_code, s.reported_text, s.derived, s.formula,
                    s.source_id, s.excerpt, $1
             from import_plan p join import_rows s on s.line = p.line
             where p.action = 'update'",
            stamp
        )
        .execute(&mut *conn)
        .await?;
        written += closed.rows_affected() + replaced.rows_affected();
    }
    if counts.created > 0 {
        let created = sqlx::query!(
            "insert into observations (indicator_code, region_code, period_start, period_end, period_label, value,
                                       qualifier, comparison_basis, reported_value, reported_unit,
                                       reported_unit_code, reported_text, derived, formula, source_id, excerpt,
                                       valid_from)
             select s.indicator_code, s.region_code, s.period_start, s.period_end, s.period_label, s.value,
                    s.qualifier, s.comparison_basis, s.reported_value, s.reported_unit,
                    s.reported_unit_code, s.reported_text, s.derived, s.formula, s.source_id, s.excerpt, $1
             from import_rows s
             -- The rows not to create, few or none: no join of every row.
             where not exists (select 1 from import_plan p
                               where p.line = s.line and p.action <> 'create')",
            stamp
        )
        .execute(&mut *conn)
        .await?;
        written += created.rows_affected();
    }
    if written > 0 {
        sqlx::query!(
            "insert into audit_log (at, key_name, action, resource, resource_key, revision, before, after, reason)
             values ($1, $2, 'import', 'import', $3, 1, null, $4, $5)",
            stamp,
            change.key_name,
            import_key,
            report,
            change.reason,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(written)
}

/// Empties the staging tables before commit: staged rows go with the
/// transaction that used them.
pub async fn clear_staging(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("truncate import_rows, import_plan")
        .execute(conn)
        .await?;
    Ok(())
}

/// Refreshes the planner's statistics of what a large import wrote, so the
/// next queries are planned for the table's new size: autovacuum would do it
/// later, or never where it is off. Runs after commit, on its own statement
/// timeout (`timeout`); takes no lock that writers or readers wait on.
#[tracing::instrument(skip_all)]
pub async fn analyze_observations(
    conn: &mut PgConnection,
    timeout: std::time::Duration,
) -> sqlx::Result<()> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    set_statement_timeout(&mut tx, timeout).await?;
    sqlx::raw_sql("analyze observations")
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The stored answer to an earlier import with this Idempotency-Key.
pub struct PastImport {
    pub request_sha256: Vec<u8>,
    pub status: i32,
    pub response: Value,
}

pub async fn find_past_import(
    conn: &mut PgConnection,
    key_name: &str,
    key: &str,
) -> sqlx::Result<Option<PastImport>> {
    sqlx::query_as!(
        PastImport,
        "select request_sha256, status, response from idempotency_keys where key_name = $1 and key = $2",
        key_name,
        key
    )
    .fetch_optional(conn)
    .await
}

/// Records the answer to an import; false when another request with the
/// same key got there first (this one must then not be applied).
pub async fn remember_import(
    conn: &mut PgConnection,
    key_name: &str,
    key: &str,
    request_sha256: &[u8],
    status: i32,
    response: &Value,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "insert into idempotency_keys (key, key_name, request_sha256, status, response)
         values ($1, $2, $3, $4, $5) on conflict do nothing",
        key,
        key_name,
        request_sha256,
        status,
        response,
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
