//! The formats an import body may come in, each read as a stream of rows:
//! CSV with the export's columns, NDJSON, and a JSON array. Nothing holds
//! more than one row (or one CSV record, line or array element) at a time.

use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;
use chrono::NaiveDate;
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncBufReadExt;
use tokio_util::io::StreamReader;

use crate::api::body::{StrictJsonError, from_json_value, strict_json};
use crate::domain::input::{ObservationInput, ReportedInput};
use crate::domain::number::parse_exact;
use crate::domain::{ComparisonBasis, Qualifier};
use crate::error::FieldError;
use crate::{Error, Result};

/// One row of the body: its line (or array position) and what it says.
pub type Row = (u64, Result<ObservationInput, Vec<FieldError>>);

/// The body's rows, in order.
pub type Rows = BoxStream<'static, Result<Row>>;

/// The body as a stream of chunks, as the handler passes it on.
pub trait Body: Stream<Item = std::io::Result<Bytes>> + Send + Unpin + 'static {}
impl<T: Stream<Item = std::io::Result<Bytes>> + Send + Unpin + 'static> Body for T {}

/// The error for a body that could not be read: too large, or cut off.
pub fn body_error(error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        too_large()
    } else {
        Error::MalformedBody(format!("the body could not be read: {error}"))
    }
}

/// 413 for a body over `MAX_IMPORT_BYTES`.
pub fn too_large() -> Error {
    Error::PayloadTooLarge(
        "the import is larger than this server accepts (MAX_IMPORT_BYTES)".to_owned(),
    )
}

/// One JSON object, read as strictly as a JSON body (no repeated key).
fn strict_row(bytes: &[u8]) -> Result<ObservationInput, Vec<FieldError>> {
    match strict_json(bytes) {
        Ok(value) => from_json_value::<ObservationInput>(value),
        Err(StrictJsonError::Syntax(error)) => {
            Err(vec![FieldError::new("line", format!("not JSON: {error}"))])
        }
        Err(StrictJsonError::Duplicates(errors)) => Err(errors),
    }
}

/// NDJSON: one observation per line; blank lines are skipped.
pub fn ndjson(body: impl Body) -> Rows {
    let lines = StreamReader::new(body).lines();
    stream::try_unfold((lines, 0u64), |(mut lines, mut number)| async move {
        loop {
            let Some(line) = lines.next_line().await.map_err(body_error)? else {
                return Ok(None);
            };
            number += 1;
            if line.trim().is_empty() {
                continue;
            }
            let parsed = strict_row(line.as_bytes());
            return Ok(Some(((number, parsed), (lines, number))));
        }
    })
    .boxed()
}

/// A JSON array of observations, split element by element as it arrives.
pub fn json_array(body: impl Body) -> Rows {
    stream::try_unfold(
        (body, ArraySplitter::default(), VecDeque::<Vec<u8>>::new()),
        |(mut body, mut splitter, mut ready)| async move {
            loop {
                if let Some(element) = ready.pop_front() {
                    splitter.position += 1;
                    let position = splitter.position;
                    let parsed = match strict_json(&element) {
                        Ok(value) => from_json_value::<ObservationInput>(value),
                        Err(StrictJsonError::Syntax(error)) => {
                            return Err(Error::MalformedBody(format!(
                                "the body is not a JSON array: element {position}: {error}"
                            )));
                        }
                        Err(StrictJsonError::Duplicates(errors)) => Err(errors),
                    };
                    return Ok(Some(((position, parsed), (body, splitter, ready))));
                }
                match body.next().await {
                    Some(chunk) => {
                        let chunk = chunk.map_err(body_error)?;
                        splitter.feed(&chunk, &mut ready)?;
                    }
                    None => {
                        splitter.finish()?;
                        return Ok(None);
                    }
                }
            }
        },
    )
    .boxed()
}

/// Cuts a JSON array into its elements' bytes without parsing them.
#[derive(Default)]
struct ArraySplitter {
    /// Past the opening `[`.
    opened: bool,
    /// Past the closing `]`.
    closed: bool,
    /// The bytes of the element being read.
    element: Vec<u8>,
    /// Brackets and braces open within the element.
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// Elements handed out so far.
    position: u64,
}

impl ArraySplitter {
    fn feed(&mut self, chunk: &[u8], ready: &mut VecDeque<Vec<u8>>) -> Result<()> {
        let not_array = || Error::MalformedBody("the body is not a JSON array".to_owned());
        for &byte in chunk {
            if self.closed {
                if !byte.is_ascii_whitespace() {
                    return Err(not_array());
                }
                continue;
            }
            if !self.opened {
                match byte {
                    b'[' => self.opened = true,
                    // A byte-order mark, or whitespace, may precede it.
                    0xEF | 0xBB | 0xBF => {}
                    _ if byte.is_ascii_whitespace() => {}
                    _ => return Err(not_array()),
                }
                continue;
            }
            if self.in_string {
                self.element.push(byte);
                if self.escaped {
                    self.escaped = false;
                } else if byte == b'\\' {
                    self.escaped = true;
                } else if byte == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match byte {
                b',' | b']' if self.depth == 0 => {
                    let element = std::mem::take(&mut self.element);
                    let is_empty = element.iter().all(u8::is_ascii_whitespace);
                    if byte == b']' {
                        self.closed = true;
                        if !is_empty {
                            ready.push_back(element);
                        } else if self.position + ready.len() as u64 > 0 {
                            // `[1,]`
                            return Err(not_array());
                        }
                    } else if is_empty {
                        return Err(not_array());
                    } else {
                        ready.push_back(element);
                    }
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.element.push(byte);
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    self.element.push(byte);
                }
                b'"' => {
                    self.in_string = true;
                    self.element.push(byte);
                }
                _ => self.element.push(byte),
            }
        }
        Ok(())
    }

    fn finish(&self) -> Result<()> {
        if self.closed {
            Ok(())
        } else {
            Err(Error::MalformedBody(
                "the body is not a JSON array: it ends before its closing `]`".to_owned(),
            ))
        }
    }
}

/// CSV with a header row: the export's columns (others are ignored).
pub async fn csv(body: impl Body) -> Result<Rows> {
    let mut reader = csv_async::AsyncReaderBuilder::new()
        .flexible(false)
        .create_reader(StreamReader::new(body));
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
    let columns: HashMap<String, usize> = header
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, i))
        .collect();
    Ok(reader
        .into_records()
        .map(move |record| {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, |position| position.line());
            Ok((line, observation_from_csv(&columns, &record)))
        })
        .boxed())
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

fn csv_error(error: csv_async::Error) -> Error {
    match error.kind() {
        csv_async::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
            too_large()
        }
        _ => Error::MalformedBody(format!("the body is not valid CSV: {error}")),
    }
}

/// One CSV row as an observation input; every unreadable cell is listed.
fn observation_from_csv(
    columns: &HashMap<String, usize>,
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
            .map_or("cell", |(name, _)| name.as_str());
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
