//! `POST /imports`: many observations at once, all or nothing.
//!
//! The body (CSV with the export's columns, NDJSON, or a JSON array) is read
//! as a stream and written batch by batch inside one transaction, so a
//! large import never sits whole in memory and a failed one leaves nothing
//! behind. `dry_run=true` reports what would happen and writes nothing. An
//! `Idempotency-Key` makes a retry return the first answer instead of
//! applying the import twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use tokio::io::AsyncBufReadExt;
use tokio_util::io::StreamReader;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ApiQuery;
use super::auth::Editor;
use super::body::{ChangeReason, StrictJsonError, from_json_value, strict_json, utf8_only};
use super::params::Flag;
use crate::domain::input::{CatalogueView, ObservationInput, ReportedInput, ValidObservation};
use crate::domain::number::parse_exact;
use crate::domain::{ComparisonBasis, Qualifier};
use crate::error::{FieldError, Problem};
use crate::store::audit::Change;
use crate::store::imports::{self, Stored};
use crate::{AppState, Error, Result, store};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_observations))
}

/// Rows written per statement.
const BATCH: usize = 1000;
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
        (status = 422, description = "Rows were rejected; nothing was written. The problem's `report` lists them",
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

    let mut tx = store::begin_write(&state.db).await?;
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

    let catalogue = store::catalogue::load_view(&state.db).await?;
    let mut run = Run {
        catalogue,
        strategy,
        dry_run,
        change,
        seen: HashMap::new(),
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
    match format {
        BodyFormat::Csv => read_csv(stream, &mut tx, &mut run).await?,
        BodyFormat::Ndjson => read_ndjson(stream, &mut tx, &mut run).await?,
        BodyFormat::Json => read_json_array(stream, &mut tx, &mut run).await?,
    }

    let mut report = run.report;
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

    if report.applied {
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
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    let mut http = (status, Json(response)).into_response();
    if status != StatusCode::OK {
        http.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(crate::error::PROBLEM_JSON),
        );
    }
    Ok(http)
}

/// The import's progress.
struct Run {
    catalogue: CatalogueView,
    strategy: Strategy,
    dry_run: bool,
    change: Change,
    /// Each key seen so far and its line, to reject a row given twice.
    seen: HashMap<(String, String, NaiveDate, NaiveDate), u64>,
    report: ImportReport,
}

impl Run {
    /// Validates, classifies and (unless rejected rows or a dry run make it
    /// pointless) writes one batch.
    async fn batch(
        &mut self,
        conn: &mut PgConnection,
        rows: Vec<(u64, Result<ObservationInput, Vec<FieldError>>)>,
    ) -> Result<()> {
        let mut valid: Vec<(u64, ValidObservation)> = Vec::with_capacity(rows.len());
        for (line, parsed) in rows {
            self.report.rows += 1;
            let checked = parsed.and_then(|input| input.validate(&self.catalogue));
            match checked {
                Err(errors) => self.report.reject(line, errors),
                Ok(row) => {
                    let key = (
                        row.indicator_code.clone(),
                        row.region_code.clone(),
                        row.period_start,
                        row.period_end,
                    );
                    if let Some(first) = self.seen.get(&key) {
                        self.report.reject(
                            line,
                            vec![FieldError::new(
                                "period_start",
                                format!("the same indicator, region and period as line {first}"),
                            )],
                        );
                    } else {
                        self.seen.insert(key, line);
                        valid.push((line, row));
                    }
                }
            }
        }
        let refs: Vec<&ValidObservation> = valid.iter().map(|(_, row)| row).collect();
        let stored = imports::find_current(conn, &refs).await?;
        let by_key: HashMap<_, &Stored> = stored
            .iter()
            .map(|s| {
                let o = &s.observation;
                (
                    (
                        o.indicator_code.as_str(),
                        o.region_code.as_str(),
                        o.period_start,
                        o.period_end,
                    ),
                    s,
                )
            })
            .collect();
        let mut creates = Vec::new();
        let mut replaces = Vec::new();
        for (line, row) in &valid {
            let key = (
                row.indicator_code.as_str(),
                row.region_code.as_str(),
                row.period_start,
                row.period_end,
            );
            match (by_key.get(&key), self.strategy) {
                (Some(existing), Strategy::Create) => self.report.reject(
                    *line,
                    vec![FieldError::new(
                        "period_start",
                        format!("observation {} already has this indicator, region and period; use strategy=update or upsert", existing.id),
                    )],
                ),
                (None, Strategy::Update) => self.report.reject(
                    *line,
                    vec![FieldError::new(
                        "period_start",
                        "no observation has this indicator, region and period; use strategy=create or upsert",
                    )],
                ),
                (Some(existing), _) if existing.observation == *row => self.report.unchanged += 1,
                (Some(existing), _) => replaces.push((*existing, row)),
                (None, _) => creates.push(row),
            }
        }
        self.report.created += creates.len() as u64;
        self.report.updated += replaces.len() as u64;
        // Once a row is rejected nothing will be kept, so stop writing.
        if !self.dry_run && self.report.rejected == 0 {
            imports::create_many(conn, &creates, &self.change).await?;
            imports::replace_many(conn, &replaces, &self.change).await?;
        }
        Ok(())
    }
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

fn body_error(error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        Error::PayloadTooLarge(
            "the import is larger than this server accepts (MAX_IMPORT_BYTES)".to_owned(),
        )
    } else {
        Error::MalformedBody(format!("the body could not be read: {error}"))
    }
}

async fn read_ndjson(
    stream: impl Stream<Item = std::io::Result<Bytes>> + Send + Unpin,
    conn: &mut PgConnection,
    run: &mut Run,
) -> Result<()> {
    let mut lines = StreamReader::new(stream).lines();
    let mut batch = Vec::with_capacity(BATCH);
    let mut number = 0u64;
    while let Some(line) = lines.next_line().await.map_err(body_error)? {
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = strict_json(line.as_bytes())
            .map_err(|error| match error {
                StrictJsonError::Syntax(error) => {
                    vec![FieldError::new("line", format!("not JSON: {error}"))]
                }
                StrictJsonError::Duplicates(errors) => errors,
            })
            .and_then(from_json_value::<ObservationInput>);
        batch.push((number, parsed));
        if batch.len() == BATCH {
            run.batch(conn, std::mem::take(&mut batch)).await?;
        }
    }
    run.batch(conn, batch).await
}

async fn read_json_array(
    stream: impl Stream<Item = std::io::Result<Bytes>> + Send + Unpin,
    conn: &mut PgConnection,
    run: &mut Run,
) -> Result<()> {
    // A JSON array is read whole (within MAX_IMPORT_BYTES); CSV and NDJSON stream.
    let chunks: Vec<Bytes> = stream.try_collect().await.map_err(body_error)?;
    let bytes = chunks.concat();
    let values = match strict_json(&bytes) {
        Ok(serde_json::Value::Array(values)) => values,
        Ok(_) => {
            return Err(Error::MalformedBody(
                "the body is not a JSON array".to_owned(),
            ));
        }
        Err(StrictJsonError::Syntax(error)) => {
            return Err(Error::MalformedBody(format!(
                "the body is not a JSON array: {error}"
            )));
        }
        Err(StrictJsonError::Duplicates(errors)) => return Err(Error::Validation(errors)),
    };
    let mut batch = Vec::with_capacity(BATCH);
    for (index, value) in values.into_iter().enumerate() {
        let parsed = from_json_value::<ObservationInput>(value);
        batch.push((index as u64 + 1, parsed));
        if batch.len() == BATCH {
            run.batch(conn, std::mem::take(&mut batch)).await?;
        }
    }
    run.batch(conn, batch).await
}

/// Columns an import needs; the export's others (names, quote, id…) are
/// ignored, so an export can be imported as it is.
const REQUIRED: &[&str] = &[
    "indicator_code",
    "region_code",
    "period_start",
    "period_end",
    "period_label",
    "value",
    "evidence_source_id",
    "evidence_excerpt",
];

async fn read_csv(
    stream: impl Stream<Item = std::io::Result<Bytes>> + Send + Unpin,
    conn: &mut PgConnection,
    run: &mut Run,
) -> Result<()> {
    let mut reader = csv_async::AsyncReaderBuilder::new()
        .flexible(false)
        .create_reader(StreamReader::new(stream));
    let header: Vec<String> = reader
        .headers()
        .await
        .map_err(csv_error)?
        .iter()
        .map(|name| name.trim_start_matches('\u{FEFF}').trim().to_owned())
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| !header.iter().any(|h| h == name))
        .collect();
    if !missing.is_empty() {
        return Err(Error::MalformedBody(format!(
            "the CSV header lacks {}; export a CSV for the columns",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let columns: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let mut records = reader.records();
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(record) = records.next().await {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |position| position.line());
        batch.push((line, observation_from_csv(&columns, &record)));
        if batch.len() == BATCH {
            run.batch(conn, std::mem::take(&mut batch)).await?;
        }
    }
    run.batch(conn, batch).await
}

fn csv_error(error: csv_async::Error) -> Error {
    match error.kind() {
        csv_async::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
            Error::PayloadTooLarge(
                "the import is larger than this server accepts (MAX_IMPORT_BYTES)".to_owned(),
            )
        }
        _ => Error::MalformedBody(format!("the body is not valid CSV: {error}")),
    }
}

/// One CSV row as an observation input; every unreadable cell is listed.
fn observation_from_csv(
    columns: &HashMap<&str, usize>,
    record: &csv_async::StringRecord,
) -> Result<ObservationInput, Vec<FieldError>> {
    let cell = |name: &str| {
        columns
            .get(name)
            .and_then(|&index| record.get(index))
            .map(str::to_owned)
            .filter(|text| !text.is_empty())
    };
    let mut errors = Vec::new();
    // As in a JSON body: no control character, and line breaks only in
    // the excerpt (the printed page's wraps).
    for (index, text) in record.iter().enumerate() {
        let column = columns
            .iter()
            .find(|(_, i)| **i == index)
            .map_or("cell", |(name, _)| *name);
        let multi_line = column == "evidence_excerpt";
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\n' | '\r')))
        {
            errors.push(FieldError::new(
                column,
                format!(
                    "must not contain control characters, and holds U+{:04X}",
                    u32::from(c)
                ),
            ));
        }
    }
    for name in ["period_start", "period_end", "value"] {
        if cell(name).is_none() {
            errors.push(FieldError::new(name, "must not be empty"));
        }
    }
    let reported = [
        "reported_value",
        "reported_unit",
        "reported_unit_code",
        "reported_text",
    ];
    if reported.iter().any(|name| cell(name).is_some()) {
        for name in ["reported_value", "reported_unit_code", "reported_text"] {
            if cell(name).is_none() {
                errors.push(FieldError::new(
                    name,
                    "must not be empty when the row has a reported figure",
                ));
            }
        }
    }
    let mut parse = |name: &str, what: &str, parse: &dyn Fn(&str) -> bool| {
        if let Some(text) = cell(name)
            && !parse(&text)
        {
            errors.push(FieldError::new(
                name,
                format!("expected {what}, got `{text}`"),
            ));
        }
    };
    parse("period_start", "a date YYYY-MM-DD", &|t| {
        t.parse::<NaiveDate>().is_ok()
    });
    parse("period_end", "a date YYYY-MM-DD", &|t| {
        t.parse::<NaiveDate>().is_ok()
    });
    // Exactly, or not at all: never rounded (see domain::number).
    const EXACT: &str = "a number with at most 28 significant digits (never rounded)";
    parse("value", EXACT, &|t| parse_exact(t).is_some());
    parse("reported_value", EXACT, &|t| parse_exact(t).is_some());
    parse("qualifier", "exact, at_least or approx", &|t| {
        enum_of::<Qualifier>(t).is_some()
    });
    parse("comparison_basis", "year_on_year", &|t| {
        enum_of::<ComparisonBasis>(t).is_some()
    });
    parse("derived", "true or false", &|t| t == "true" || t == "false");
    if !errors.is_empty() {
        return Err(errors);
    }
    let required = |name: &str| cell(name).unwrap_or_default();
    let reported = match (
        cell("reported_value"),
        cell("reported_unit_code"),
        cell("reported_text"),
    ) {
        (None, None, None) => None,
        (value, unit_code, text) => Some(ReportedInput {
            value: value.and_then(|v| parse_exact(&v)).unwrap_or_default(),
            unit: cell("reported_unit"),
            unit_code: unit_code.unwrap_or_default(),
            text: text.unwrap_or_default(),
        }),
    };
    Ok(ObservationInput {
        indicator: required("indicator_code"),
        region: required("region_code"),
        period_start: cell("period_start")
            .and_then(|t| t.parse().ok())
            .unwrap_or_default(),
        period_end: cell("period_end")
            .and_then(|t| t.parse().ok())
            .unwrap_or_default(),
        period_label: required("period_label"),
        value: cell("value")
            .and_then(|t| parse_exact(&t))
            .unwrap_or_default(),
        unit: cell("unit_code"),
        qualifier: cell("qualifier")
            .and_then(|t| enum_of(&t))
            .unwrap_or(Qualifier::Exact),
        comparison_basis: cell("comparison_basis").and_then(|t| enum_of(&t)),
        reported,
        derived: cell("derived").is_some_and(|t| t == "true"),
        formula: cell("formula"),
        source_id: required("evidence_source_id"),
        excerpt: required("evidence_excerpt"),
    })
}

fn enum_of<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}
