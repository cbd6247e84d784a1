//! Bulk writes of observations, batch by batch inside the caller's
//! transaction: find what each row would change, then write every change
//! of a batch with one statement per kind (UNNEST), audit included.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgConnection;

use super::audit::Change;
use crate::domain::input::ValidObservation;
use crate::domain::{ComparisonBasis, Qualifier};

/// The current version stored under a row's key, locked until commit.
pub struct Stored {
    pub id: i64,
    pub revision: i32,
    pub version_id: i64,
    pub doc: Value,
    pub observation: ValidObservation,
}

/// The current versions stored under these keys (indicator, region,
/// period), locked for the rest of the transaction.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn find_current(
    conn: &mut PgConnection,
    rows: &[&ValidObservation],
) -> sqlx::Result<Vec<Stored>> {
    let indicators: Vec<&str> = rows.iter().map(|r| r.indicator_code.as_str()).collect();
    let regions: Vec<&str> = rows.iter().map(|r| r.region_code.as_str()).collect();
    let starts: Vec<NaiveDate> = rows.iter().map(|r| r.period_start).collect();
    let ends: Vec<NaiveDate> = rows.iter().map(|r| r.period_end).collect();
    let found = sqlx::query!(
        r#"select o.id, o.revision, o.version_id, to_jsonb(o) - 'version_id' as "doc!",
                  o.indicator_code, o.region_code, o.period_start, o.period_end, o.period_label, o.value,
                  o.qualifier as "qualifier: Qualifier", o.comparison_basis as "comparison_basis: ComparisonBasis",
                  o.reported_value, o.reported_unit, o.reported_unit_code, o.reported_text, o.derived, o.formula,
                  o.source_id, o.excerpt
           from observations o
           join unnest($1::text[], $2::text[], $3::date[], $4::date[]) as k (indicator, region, period_start, period_end)
             on o.indicator_code = k.indicator and o.region_code = k.region
            and o.period_start = k.period_start and o.period_end = k.period_end
           where o.valid_to is null
           for update of o"#,
        &indicators as &[&str],
        &regions as &[&str],
        &starts,
        &ends,
    )
    .fetch_all(conn)
    .await?;
    Ok(found
        .into_iter()
        .map(|row| Stored {
            id: row.id,
            revision: row.revision,
            version_id: row.version_id,
            doc: row.doc,
            observation: ValidObservation {
                indicator_code: row.indicator_code,
                region_code: row.region_code,
                period_start: row.period_start,
                period_end: row.period_end,
                period_label: row.period_label,
                value: row.value.normalize(),
                qualifier: row.qualifier,
                comparison_basis: row.comparison_basis,
                reported_value: row.reported_value.map(|value| value.normalize()),
                reported_unit: row.reported_unit,
                reported_unit_code: row.reported_unit_code,
                reported_text: row.reported_text,
                derived: row.derived,
                formula: row.formula,
                source_id: row.source_id,
                excerpt: row.excerpt,
            },
        })
        .collect())
}

/// The columns of many observations, one array per column, for UNNEST.
#[derive(Default)]
struct Columns {
    indicator: Vec<String>,
    region: Vec<String>,
    start: Vec<NaiveDate>,
    end: Vec<NaiveDate>,
    label: Vec<String>,
    value: Vec<Decimal>,
    qualifier: Vec<String>,
    basis: Vec<Option<String>>,
    reported_value: Vec<Option<Decimal>>,
    reported_unit: Vec<Option<String>>,
    reported_unit_code: Vec<Option<String>>,
    reported_text: Vec<Option<String>>,
    derived: Vec<bool>,
    formula: Vec<Option<String>>,
    source: Vec<String>,
    excerpt: Vec<String>,
}

impl Columns {
    fn of(rows: &[&ValidObservation]) -> Self {
        let mut columns = Columns::default();
        for row in rows {
            columns.indicator.push(row.indicator_code.clone());
            columns.region.push(row.region_code.clone());
            columns.start.push(row.period_start);
            columns.end.push(row.period_end);
            columns.label.push(row.period_label.clone());
            columns.value.push(row.value);
            columns.qualifier.push(text_of(&row.qualifier));
            columns
                .basis
                .push(row.comparison_basis.as_ref().map(text_of));
            columns.reported_value.push(row.reported_value);
            columns.reported_unit.push(row.reported_unit.clone());
            columns
                .reported_unit_code
                .push(row.reported_unit_code.clone());
            columns.reported_text.push(row.reported_text.clone());
            columns.derived.push(row.derived);
            columns.formula.push(row.formula.clone());
            columns.source.push(row.source_id.clone());
            columns.excerpt.push(row.excerpt.clone());
        }
        columns
    }
}

/// The snake_case text of an enumeration, as stored.
fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Creates these observations, auditing each.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn create_many(
    conn: &mut PgConnection,
    rows: &[&ValidObservation],
    change: &Change,
) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let c = Columns::of(rows);
    let done = sqlx::query!(
        r#"with created as (
               insert into observations (indicator_code, region_code, period_start, period_end, period_label, value,
                                         qualifier, comparison_basis, reported_value, reported_unit,
                                         reported_unit_code, reported_text, derived, formula, source_id, excerpt)
               select * from unnest($1::text[], $2::text[], $3::date[], $4::date[], $5::text[], $6::numeric[],
                                    $7::text[], $8::text[], $9::numeric[], $10::text[], $11::text[], $12::text[],
                                    $13::bool[], $14::text[], $15::text[], $16::text[])
               returning id, revision, to_jsonb(observations) - 'version_id' as doc
           )
           insert into audit_log (key_name, action, resource, resource_key, revision, before, after, reason)
           select $17, 'create', 'observation', id::text, revision, null, doc, $18 from created"#,
        &c.indicator,
        &c.region,
        &c.start,
        &c.end,
        &c.label,
        &c.value,
        &c.qualifier,
        &c.basis as &[Option<String>],
        &c.reported_value as &[Option<Decimal>],
        &c.reported_unit as &[Option<String>],
        &c.reported_unit_code as &[Option<String>],
        &c.reported_text as &[Option<String>],
        &c.derived,
        &c.formula as &[Option<String>],
        &c.source,
        &c.excerpt,
        change.key_name,
        change.reason,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Replaces each stored version with the next, auditing each.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn replace_many(
    conn: &mut PgConnection,
    rows: &[(&Stored, &ValidObservation)],
    change: &Change,
) -> sqlx::Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let versions: Vec<i64> = rows.iter().map(|(stored, _)| stored.version_id).collect();
    // One moment for the whole batch: old versions end when new ones start.
    let stamp = sqlx::query_scalar!(r#"select clock_timestamp() as "now!""#)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!(
        "update observations set valid_to = greatest($2, valid_from) where version_id = any($1)",
        &versions,
        stamp
    )
    .execute(&mut *conn)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|(stored, _)| stored.id).collect();
    let revisions: Vec<i32> = rows
        .iter()
        .map(|(stored, _)| stored.revision.saturating_add(1))
        .collect();
    let befores: Vec<Value> = rows.iter().map(|(stored, _)| stored.doc.clone()).collect();
    let inputs: Vec<&ValidObservation> = rows.iter().map(|(_, input)| *input).collect();
    let c = Columns::of(&inputs);
    let done = sqlx::query!(
        r#"with replaced as (
               insert into observations (id, revision, indicator_code, region_code, period_start, period_end,
                                         period_label, value, qualifier, comparison_basis, reported_value,
                                         reported_unit, reported_unit_code, reported_text, derived, formula,
                                         source_id, excerpt, valid_from)
               select *, $22::timestamptz from unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::date[], $6::date[],
                                    $7::text[], $8::numeric[], $9::text[], $10::text[], $11::numeric[], $12::text[],
                                    $13::text[], $14::text[], $15::bool[], $16::text[], $17::text[], $18::text[])
               returning id, revision, to_jsonb(observations) - 'version_id' as doc
           )
           insert into audit_log (key_name, action, resource, resource_key, revision, before, after, reason)
           select $19, 'replace', 'observation', r.id::text, r.revision, b.doc, r.doc, $20
           from replaced r join unnest($1::bigint[], $21::jsonb[]) as b (id, doc) on b.id = r.id"#,
        &ids,
        &revisions,
        &c.indicator,
        &c.region,
        &c.start,
        &c.end,
        &c.label,
        &c.value,
        &c.qualifier,
        &c.basis as &[Option<String>],
        &c.reported_value as &[Option<Decimal>],
        &c.reported_unit as &[Option<String>],
        &c.reported_unit_code as &[Option<String>],
        &c.reported_text as &[Option<String>],
        &c.derived,
        &c.formula as &[Option<String>],
        &c.source,
        &c.excerpt,
        change.key_name,
        change.reason,
        &befores,
        stamp,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
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
