//! `POST /imports`: many observations at once, all or nothing.
//!
//! The body (CSV with the export's columns, NDJSON, or a JSON array) is read
//! as a stream, validated row by row and copied into a staging table as it
//! arrives, so a large import never sits whole in memory. While it uploads, the
//! import holds no lock that other writers wait on; then it takes the
//! writers' lock and applies every change with a few set-based statements
//! in the same transaction, so a failed import leaves nothing behind (see
//! `store::imports`). An import uses one pooled connection, and one import
//! runs at a time. `dry_run=true` reports what would happen and writes
//! nothing. An `Idempotency-Key` makes a retry return the first answer
//! instead of applying the import twice.

mod reading;

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Connection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use super::auth::Editor;
use super::body::{ChangeReason, utf8_only};
use super::params::Flag;
use crate::domain::input::{CatalogueView, ObservationInput};
use crate::error::{FieldError, Problem};
use crate::store::audit::Change;
use crate::store::imports::{self, Refusal, Staging};
use crate::{AppState, Error, Result, store};
use reading::{body_error, too_large};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_observations))
}

/// Rejected rows listed in a report; the count covers them all.
const MAX_LISTED_REJECTIONS: usize = 1000;

/// What to do with a row whose indicator, region and period already exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Only new observations; an existing one rejects the row.
    Create,
    /// Only existing observations; a new one rejects the row.
    Update,
    /// Either.
    Upsert,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Report what would happen; write nothing.
    #[param(inline)]
    dry_run: Option<Flag>,
    /// `create`, `update` or `upsert` (the default).
    #[param(inline)]
    strategy: Option<Strategy>,
}

/// What an import did, or would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub strategy: Strategy,
    /// Whether anything was written: only when no row is rejected.
    pub applied: bool,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Each rejected row (the first 1000) with every reason.
    pub rejections: Vec<Rejection>,
}

/// One rejected row.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rejection {
    /// The line of the CSV or NDJSON body (1 is the CSV header), or the
    /// 1-based position in a JSON array.
    pub line: u64,
    pub errors: Vec<FieldError>,
}

impl Strategy {
    fn as_str(self) -> &'static str {
        match self {
            Strategy::Create => "create",
            Strategy::Update => "update",
            Strategy::Upsert => "upsert",
        }
    }
}

impl ImportReport {
    fn reject(&mut self, line: u64, errors: Vec<FieldError>) {
        self.rejected += 1;
        if self.rejections.len() < MAX_LISTED_REJECTIONS {
            self.rejections.push(Rejection { line, errors });
        }
    }
}

/// Imports observations (editor): CSV with the columns of the CSV export
/// (so export, edit, import round-trips), NDJSON, or a JSON array of
/// observation inputs. All or nothing.
#[utoipa::path(
    post,
    path = "/imports",
    tag = "stewardship",
    params(
        ImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key and body return the first answer"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    request_body(content(
        (String = "text/csv"),
        (String = "application/x-ndjson"),
        (Vec<ObservationInput> = "application/json")
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Applied, or a dry run's report", body = ImportReport),
        (status = 413, description = "The body is larger than `MAX_IMPORT_BYTES` (refused from its `Content-Length` before it is read)",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rows were rejected; nothing was written. The problem's `report` lists them",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Another import is running; imports run one at a time",
            body = Problem, content_type = "application/problem+json")
    )
)]
#[tracing::instrument(skip_all, fields(key = %editor.0.name))]
async fn import_observations(
    State(state): State<AppState>,
    editor: Editor,
    ApiQuery(params): ApiQuery<ImportParams>,
    ChangeReason(reason): ChangeReason,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    // Refused from its head, before a byte of the body is read.
    if content_length(&headers).is_some_and(|length| length > state.config.max_import_bytes) {
        return Err(too_large());
    }
    let format = BodyFormat::of(&headers)?;
    let idempotency_key = idempotency_key(&headers)?;
    let strategy = params.strategy.unwrap_or(Strategy::Upsert);
    let dry_run = params.dry_run.is_some_and(|flag| flag.0);
    let digest = Arc::new(Mutex::new(Sha256::new()));
    let stream = hashed_and_limited(body, state.config.max_import_bytes, digest.clone());
    let change = Change {
        key_name: editor.0.name.clone(),
        reason,
    };
    let catalogue = store::catalogue::load_view(&state.db).await?;

    // The one connection this import uses, from start to end.
    let mut conn = state.db.acquire().await?;
    let mut tx = conn.begin().await?;
    if let Some(key) = &idempotency_key
        && let Some(past) = imports::find_past_import(&mut tx, &change.key_name, key).await?
    {
        // Read the body only to compare it with the first one.
        stream
            .try_for_each(|_| async { Ok(()) })
            .await
            .map_err(body_error)?;
        let sha = finish_digest(&digest);
        if sha != past.request_sha256 {
            return Err(Error::Conflict(format!(
                "Idempotency-Key `{key}` was used for a different body; use a new key for a new import"
            )));
        }
        let status = StatusCode::from_u16(u16::try_from(past.status).unwrap_or(500))
            .unwrap_or(StatusCode::OK);
        let mut response = (status, Json(past.response)).into_response();
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }
    if !imports::begin(&mut tx, state.config.import_timeout).await? {
        return Err(Error::Unavailable {
            detail: "another import is running, and imports run one at a time; retry when it has finished"
                .to_owned(),
            retry_after: 30,
        });
    }

    let mut run = Run {
        catalogue,
        report: ImportReport {
            dry_run,
            strategy,
            applied: false,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            rejected: 0,
            rejections: Vec::new(),
        },
    };
    let mut rows = match format {
        BodyFormat::Csv => reading::csv(stream).await?,
        BodyFormat::Ndjson => reading::ndjson(stream),
        BodyFormat::Json => reading::json_array(stream),
    };
    let mut staging = imports::Staging::open(&mut tx).await?;
    match run.stage_all(&mut staging, &mut rows).await {
        Ok(()) => {
            staging.finish().await?;
        }
        Err(error) => {
            staging.abort().await;
            return Err(error);
        }
    }
    let mut report = run.report;

    let seen = imports::data_version(&mut tx).await?;
    let mut counts = assess(&mut tx, strategy, &mut report).await?;
    // Writers are kept out from here to commit: only when there is
    // something to apply, and only for as long as applying takes.
    let stamp = if !dry_run && report.rejected == 0 && counts.created + counts.updated > 0 {
        let (stamp, version) = imports::lock_for_apply(&mut tx).await?;
        if version != seen {
            // A write committed since the comparison: compare again, now
            // that none can.
            counts = assess(&mut tx, strategy, &mut report).await?;
        }
        Some(stamp)
    } else {
        None
    };
    report.applied = !dry_run && report.rejected == 0;
    let (status, response) = if report.rejected > 0 && !dry_run {
        let detail = format!(
            "{} of {} rows were rejected, so nothing was written; `report.rejections` lists why",
            report.rejected, report.rows
        );
        let mut problem =
            serde_json::to_value(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail))
                .map_err(anyhow::Error::from)?;
        problem["report"] = serde_json::to_value(&report).map_err(anyhow::Error::from)?;
        (StatusCode::UNPROCESSABLE_ENTITY, problem)
    } else {
        (
            StatusCode::OK,
            serde_json::to_value(&report).map_err(anyhow::Error::from)?,
        )
    };

    let mut written = 0;
    if report.applied {
        if let Some(stamp) = stamp {
            let import_key = headers
                .get(crate::api::observe::REQUEST_ID)
                .and_then(|value| value.to_str().ok())
                .or(idempotency_key.as_deref())
                .unwrap_or("unnamed");
            written =
                imports::apply(&mut tx, stamp, counts, &change, import_key, &response).await?;
        }
        if let Some(key) = &idempotency_key {
            let sha = finish_digest(&digest);
            let first = imports::remember_import(
                &mut tx,
                &editor.0.name,
                key,
                &sha,
                i32::from(status.as_u16()),
                &response,
            )
            .await?;
            if !first {
                // A concurrent request with the same key won; answer as it did.
                tx.rollback().await?;
                return Err(Error::Conflict(format!(
                    "an import with Idempotency-Key `{key}` was applied meanwhile; retry to get its answer"
                )));
            }
        }
        imports::clear_staging(&mut tx).await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    if written > 0 && written >= state.config.import_analyze_rows {
        imports::analyze_observations(&mut conn, state.config.import_timeout).await?;
    }
    drop(conn);

    let mut http = (status, Json(response)).into_response();
    if status != StatusCode::OK {
        http.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::error::PROBLEM_JSON),
        );
    }
    Ok(http)
}

/// Compares the staged rows with the stored ones and puts what that finds
/// in the report: the counts, and the rows refused (repeated keys, or keys
/// the strategy does not allow). Returns the counts.
async fn assess(
    conn: &mut sqlx::PgConnection,
    strategy: Strategy,
    report: &mut ImportReport,
) -> Result<imports::Counts> {
    imports::plan(conn).await?;
    let counts = imports::counts(conn, strategy.as_str()).await?;
    report.created = counts.created.unsigned_abs();
    report.updated = counts.updated.unsigned_abs();
    report.unchanged = counts.unchanged.unsigned_abs();
    let (refused, refused_total) =
        imports::refusals(conn, strategy.as_str(), MAX_LISTED_REJECTIONS as i64).await?;
    report.add_refusals(refused, refused_total.unsigned_abs());
    Ok(counts)
}

/// The import's progress while its body is read.
struct Run {
    catalogue: CatalogueView,
    report: ImportReport,
}

impl Run {
    /// Validates every row of the body; stages each valid one, and lists
    /// why each other is not.
    async fn stage_all(
        &mut self,
        staging: &mut Staging<'_>,
        rows: &mut reading::Rows,
    ) -> Result<()> {
        while let Some(row) = rows.next().await {
            let (line, parsed) = row?;
            self.report.rows += 1;
            match parsed.and_then(|input: ObservationInput| input.validate(&self.catalogue)) {
                Err(errors) => self.report.reject(line, errors),
                Ok(row) => staging.push(line, &row).await?,
            }
        }
        Ok(())
    }
}

impl ImportReport {
    /// Adds the rows the plan refuses (first `MAX_LISTED_REJECTIONS` by
    /// line, of `total`) to those rejected while reading, keeping the list
    /// in line order.
    fn add_refusals(&mut self, refused: Vec<(i64, Refusal)>, total: u64) {
        self.rejected += total;
        let refused = refused.into_iter().map(|(line, why)| {
            let message = match why {
                Refusal::Repeated { first_line } => {
                    format!("the same indicator, region and period as line {first_line}")
                }
                Refusal::Exists { id } => format!(
                    "observation {id} already has this indicator, region and period; use strategy=update or upsert"
                ),
                Refusal::Missing => "no observation has this indicator, region and period; use strategy=create or upsert".to_owned(),
            };
            Rejection {
                line: line.unsigned_abs(),
                errors: vec![FieldError::new("period_start", message)],
            }
        });
        let mut all: Vec<Rejection> = std::mem::take(&mut self.rejections)
            .into_iter()
            .chain(refused)
            .collect();
        all.sort_by_key(|rejection| rejection.line);
        all.truncate(MAX_LISTED_REJECTIONS);
        self.rejections = all;
    }
}

/// The `Content-Length` the client declared, if any.
fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

enum BodyFormat {
    Csv,
    Ndjson,
    Json,
}

impl BodyFormat {
    fn of(headers: &HeaderMap) -> Result<Self> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        utf8_only(content_type.unwrap_or_default())?;
        let media = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase())
            .unwrap_or_default();
        match media.as_str() {
            "text/csv" => Ok(BodyFormat::Csv),
            "application/x-ndjson" | "application/jsonl" => Ok(BodyFormat::Ndjson),
            "application/json" => Ok(BodyFormat::Json),
            _ => Err(Error::UnsupportedMediaType(
                "send text/csv (the export's columns), application/x-ndjson or application/json"
                    .to_owned(),
            )),
        }
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 200 {
        return Err(Error::invalid_parameter(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The body as a stream that hashes what passes and stops past `limit`.
fn hashed_and_limited(
    body: Body,
    limit: usize,
    digest: Arc<Mutex<Sha256>>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + Unpin + 'static {
    let mut seen = 0usize;
    body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "import body over MAX_IMPORT_BYTES",
            ));
        }
        if let Ok(mut digest) = digest.lock() {
            digest.update(&chunk);
        }
        Ok(chunk)
    })
}

fn finish_digest(digest: &Arc<Mutex<Sha256>>) -> Vec<u8> {
    digest
        .lock()
        .map(|digest| digest.clone().finalize().to_vec())
        .unwrap_or_default()
}
