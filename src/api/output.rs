//! Representations: JSON or CSV, the language of `name`/`title` fields, and
//! field selection, negotiated once per request by the [`Output`] extractor.
//!
//! Lists answer JSON in the `{"data", "meta"}` envelope with a `Link`
//! header, or CSV (RFC 4180, UTF-8) with every matching item streamed in
//! one response.

use std::future::Future;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio_util::task::AbortOnDropHandle;
use utoipa::{IntoParams, ToSchema};

use super::body::tagged_json;
use super::extract::parse_query;
use super::list::ListResponse;
use super::params::{Limit, Offset, PageParams};
use crate::store::{CountMode, Page, Total};
use crate::{Error, Result};

/// A representation this API can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
}

/// A language for the single-language `name`/`title` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    fn suffix(self) -> &'static str {
        match self {
            Lang::Zh => "_zh",
            Lang::En => "_en",
        }
    }
}

/// Query parameters that shape any response.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutputParams {
    /// `json` (the default) or `csv` (list endpoints); overrides `Accept`.
    #[param(inline)]
    pub format: Option<Format>,
    /// Adds a `name` (and `title`, `holder`…) field in this language beside
    /// the bilingual `name_zh`/`name_en`; overrides `Accept-Language`.
    #[param(inline)]
    pub lang: Option<Lang>,
    /// Comma-separated top-level fields to keep in each item, e.g. `indicator,value`.
    #[param(value_type = Option<String>, pattern = r"^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$")]
    pub fields: Option<FieldList>,
}

/// Query parameters that shape an endpoint answering one object (JSON only).
/// Only documents them: [`Output`] reads them, through [`OutputParams`].
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documentation of the parameters Output reads")]
pub struct ObjectParams {
    /// Adds a `name` (and `title`, `holder`…) field in this language beside
    /// the bilingual `name_zh`/`name_en`; overrides `Accept-Language`.
    #[param(inline)]
    pub lang: Option<Lang>,
    /// Comma-separated top-level fields to keep, e.g. `code,name_en`.
    #[param(value_type = Option<String>, pattern = r"^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$")]
    pub fields: Option<FieldList>,
}

/// Names of fields, comma-separated.
#[derive(Debug, Clone)]
pub struct FieldList(pub Vec<String>);

impl<'de> Deserialize<'de> for FieldList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let fields: Vec<String> = raw.split(',').map(str::to_owned).collect();
        let valid = fields.iter().all(|field| {
            field.starts_with(|c: char| c.is_ascii_lowercase())
                && field
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        if valid {
            Ok(FieldList(fields))
        } else {
            Err(serde::de::Error::custom(format!(
                "expected field names separated by commas, such as `indicator,value`, got `{raw}`"
            )))
        }
    }
}

/// What the client asked the response to look like.
#[derive(Debug, Clone)]
pub struct Output {
    /// What a list sends: the format `Accept` (or `format=`) likes best.
    pub format: Format,
    /// Whether JSON is acceptable at all: what an endpoint that answers one
    /// object, in JSON only, needs to know.
    pub json_acceptable: bool,
    pub lang: Option<Lang>,
    pub fields: Option<Vec<String>>,
    /// How to count a list's total (`Prefer: count=…`), and whether the
    /// client asked (then the answer says `Preference-Applied`).
    pub count: CountMode,
    pub count_asked: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Output {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        let params: OutputParams = parse_query(parts.uri.query().unwrap_or_default())?;
        let header_text = |name| {
            parts
                .headers
                .get(name)
                .and_then(|value: &HeaderValue| value.to_str().ok())
        };
        let (format, json_acceptable) = match params.format {
            Some(format) => (format, format == Format::Json),
            None => {
                let accept = header_text(header::ACCEPT);
                (negotiate_format(accept)?, accepts_json(accept))
            }
        };
        let lang = params
            .lang
            .or_else(|| header_text(header::ACCEPT_LANGUAGE).and_then(negotiate_lang));
        let count =
            header_text(header::HeaderName::from_static("prefer")).and_then(count_preference);
        Ok(Output {
            format,
            json_acceptable,
            lang,
            fields: params.fields.map(|list| list.0),
            count: count.unwrap_or_default(),
            count_asked: count.is_some(),
        })
    }
}

/// The `count=` preference of a `Prefer` header (RFC 7240), as PostgREST
/// reads it; other preferences are ignored, as the RFC allows.
fn count_preference(prefer: &str) -> Option<CountMode> {
    prefer
        .split([',', ';'])
        .filter_map(|token| token.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("count"))
        .and_then(|(_, value)| match value.trim().trim_matches('"') {
            "exact" => Some(CountMode::Exact),
            "planned" => Some(CountMode::Planned),
            "estimated" => Some(CountMode::Estimated),
            _ => None,
        })
}

/// One page of a list, as a list's fetch returns it.
pub struct Fetched<T> {
    pub items: Vec<T>,
    pub total: Total,
    /// Where the next page starts (an opaque key), for lists that page by
    /// key; `None` at the end, and for lists that page by offset.
    pub next_after: Option<String>,
    /// How many items come before this page, when the fetch knows it
    /// better than the request does (a page reached by key).
    pub offset: Option<i64>,
}

impl<T> From<(Vec<T>, i64)> for Fetched<T> {
    fn from((items, total): (Vec<T>, i64)) -> Self {
        Self {
            items,
            total: Total::exact(total),
            next_after: None,
            offset: None,
        }
    }
}

/// Chooses JSON or CSV from an `Accept` header: the highest quality wins, the
/// most specific media range setting it; a tie goes to JSON.
fn negotiate_format(accept: Option<&str>) -> Result<Format> {
    let Some(accept) = accept.filter(|accept| !accept.trim().is_empty()) else {
        return Ok(Format::Json);
    };
    let json = quality(accept, JSON_TYPES);
    let csv = quality(accept, &["text/csv"]);
    if json <= 0.0 && csv <= 0.0 {
        return Err(Error::NotAcceptable(format!(
            "cannot send any of `{accept}`; this endpoint sends application/json or, for lists, text/csv"
        )));
    }
    Ok(if csv > json {
        Format::Csv
    } else {
        Format::Json
    })
}

/// The media types a JSON answer satisfies.
const JSON_TYPES: &[&str] = &["application/json", "application/problem+json"];

/// Whether `Accept` allows JSON at all (RFC 9110 §12.5.1: a quality above
/// zero, from the most specific range that matches). An endpoint that has
/// only JSON sends it then, however much more CSV would have been liked.
fn accepts_json(accept: Option<&str>) -> bool {
    accept
        .filter(|accept| !accept.trim().is_empty())
        .is_none_or(|accept| quality(accept, JSON_TYPES) > 0.0)
}

/// The quality `accept` gives to a representation of one of the `offered`
/// media types: the most specific matching range sets it; none, zero.
fn quality(accept: &str, offered: &[&str]) -> f32 {
    let ranges: Vec<(String, f32)> = accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((media, quality))
        })
        .collect();
    let mut best: Option<(u8, f32)> = None;
    for (media, quality) in &ranges {
        let specificity = if offered.contains(&media.as_str()) {
            3
        } else if media.ends_with("/*")
            && offered
                .iter()
                .any(|o| o.starts_with(media.trim_end_matches('*')))
        {
            2
        } else if media == "*/*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, *quality));
        }
    }
    best.map_or(0.0, |(_, quality)| quality)
}

/// The first language of `Accept-Language` that is Chinese or English.
fn negotiate_lang(accept_language: &str) -> Option<Lang> {
    let mut tags: Vec<(String, f32)> = accept_language
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let tag = parts.next()?.trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|param| param.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((tag, quality))
        })
        .filter(|(_, quality)| *quality > 0.0)
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.iter()
        .find_map(|(tag, _)| match tag.split('-').next() {
            Some("zh") => Some(Lang::Zh),
            Some("en") => Some(Lang::En),
            _ => None,
        })
}

/// A type listed by a list endpoint, with its CSV columns.
pub trait Tabular: Serialize {
    /// The CSV columns, as paths into the item's JSON (`indicator.code`
    /// becomes column `indicator_code`). A column belongs to the top-level
    /// field its path starts with, for `fields=`.
    const COLUMNS: &'static [&'static str];
    /// The file name offered for a CSV download.
    const CSV_NAME: &'static str;
}

impl Output {
    /// For endpoints that answer one object, in JSON only: refuses a
    /// request that does not accept JSON at all (and `format=csv`).
    pub fn json_only(&self) -> Result<()> {
        if self.json_acceptable {
            Ok(())
        } else {
            Err(Error::NotAcceptable(
                "this endpoint sends application/json only; CSV is served by the list endpoints"
                    .to_owned(),
            ))
        }
    }

    /// One object as JSON, with `lang` and `fields` applied.
    pub fn object<T: Serialize>(&self, item: &T) -> Result<Response> {
        self.json_only()?;
        let value = serde_json::to_value(item).map_err(anyhow::Error::from)?;
        let value = self.shape(value, true)?;
        Ok(Json(value).into_response())
    }

    /// One resource as JSON, with `lang` and `fields` applied and the
    /// `ETag` of exactly this representation (see [`tagged_json`]).
    pub fn tagged_object<T: Serialize>(
        &self,
        item: &T,
        resource: &str,
        key: &str,
        revision: i32,
    ) -> Result<Response> {
        self.json_only()?;
        let value = serde_json::to_value(item).map_err(anyhow::Error::from)?;
        let value = self.shape(value, true)?;
        tagged_json(StatusCode::OK, &value, resource, key, revision)
    }

    /// A list: one page as JSON, or every matching item as CSV. `fetch`
    /// returns one page (by offset, or after a key the last page gave) and
    /// the total; CSV calls it page after page.
    pub async fn list<T, F, Fut, P>(
        self,
        uri: &Uri,
        page: PageParams,
        after: Option<String>,
        fetch: F,
    ) -> Result<Response>
    where
        T: Tabular + Send + 'static,
        F: Fn(Page, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P>> + Send + 'static,
        P: Into<Fetched<T>> + Send + 'static,
    {
        self.check_fields::<T>()?;
        let mut response = match self.format {
            Format::Json => {
                let page_slice = page.page();
                let fetched: Fetched<T> = fetch(page_slice, after).await?.into();
                let page_slice = Page {
                    offset: fetched.offset.unwrap_or(page_slice.offset),
                    ..page_slice
                };
                let list = ListResponse::new(
                    fetched.items,
                    fetched.total,
                    page_slice,
                    uri,
                    fetched.next_after.as_deref(),
                );
                let link = list.link_header();
                let mut response = if self.lang.is_none() && self.fields.is_none() {
                    Json(list).into_response()
                } else {
                    let data = list
                        .data
                        .iter()
                        .map(|item| {
                            let value = serde_json::to_value(item).map_err(anyhow::Error::from)?;
                            self.shape(value, false)
                        })
                        .collect::<Result<Vec<Value>>>()?;
                    Json(ListResponse {
                        data,
                        meta: list.meta,
                    })
                    .into_response()
                };
                if let Some(link) = link.and_then(|link| HeaderValue::from_str(&link).ok()) {
                    response.headers_mut().insert(header::LINK, link);
                }
                response
            }
            Format::Csv => self.clone().csv(page, after, fetch).await?,
        };
        if self.count_asked {
            let applied = match self.count {
                CountMode::Exact => "count=exact",
                CountMode::Planned => "count=planned",
                CountMode::Estimated => "count=estimated",
            };
            response.headers_mut().insert(
                header::HeaderName::from_static("preference-applied"),
                HeaderValue::from_static(applied),
            );
        }
        Ok(response)
    }

    /// Streams CSV: the header, then every page. The first page is read
    /// before anything is sent, so a failing query is still a proper error.
    async fn csv<T, F, Fut, P>(
        self,
        page: PageParams,
        after: Option<String>,
        fetch: F,
    ) -> Result<Response>
    where
        T: Tabular + Send + 'static,
        F: Fn(Page, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<P>> + Send + 'static,
        P: Into<Fetched<T>> + Send + 'static,
    {
        const BATCH: i64 = 5000;
        let columns = self.csv_columns::<T>();
        // An explicit limit is honoured; otherwise every page is sent.
        let (first_page, explicit) = match page.limit {
            Some(Limit(_)) => (page.page(), true),
            None => (
                Page {
                    limit: BATCH,
                    offset: page.offset.map_or(0, |Offset(offset)| offset),
                },
                false,
            ),
        };
        let first: Fetched<T> = fetch(first_page, after).await?.into();
        let mut head = Vec::from("\u{FEFF}".as_bytes());
        write_csv_row(&mut head, columns.iter().map(|(name, _)| name.as_str()))?;
        let first_chunk = self.csv_rows(&columns, &first.items, head)?;
        let more = !explicit && first.items.len() as i64 == BATCH;
        let output = self.clone();
        let fetch = Arc::new(fetch);
        // Each batch is read while the one before it is written out, so the
        // database and the CSV writer work at the same time. Dropped (the
        // client went away), the read in progress is dropped with it.
        let read_ahead = |fetch: &Arc<F>, page: Page, after: Option<String>| {
            let fetch = Arc::clone(fetch);
            AbortOnDropHandle::new(tokio::spawn(async move {
                fetch(page, after).await.map(Into::<Fetched<T>>::into)
            }))
        };
        let second = Page {
            limit: BATCH,
            offset: first_page.offset.saturating_add(BATCH),
        };
        let pending = more.then(|| read_ahead(&fetch, second, first.next_after));
        let rest = stream::unfold(
            (pending, second, fetch, columns, output),
            move |(pending, page, fetch, columns, output)| async move {
                let read = pending?
                    .await
                    .map_err(|error| Error::Internal(error.into()))
                    .and_then(|read| read);
                let fetched = match read {
                    Ok(fetched) => fetched,
                    Err(error) => {
                        tracing::error!(error = %error, "CSV export failed part-way; the response is cut short");
                        return Some((
                            Err(std::io::Error::other("CSV export failed")),
                            (None, page, fetch, columns, output),
                        ));
                    }
                };
                let next = Page {
                    limit: BATCH,
                    offset: page.offset.saturating_add(BATCH),
                };
                let pending = (fetched.items.len() as i64 == BATCH)
                    .then(|| read_ahead(&fetch, next, fetched.next_after.clone()));
                let chunk = output
                    .csv_rows(&columns, &fetched.items, Vec::new())
                    .map(Bytes::from)
                    .map_err(|error| {
                        tracing::error!(error = %error, "CSV export failed part-way; the response is cut short");
                        std::io::Error::other("CSV export failed")
                    });
                let pending = if chunk.is_ok() { pending } else { None };
                Some((chunk, (pending, next, fetch, columns, output)))
            },
        );
        // Fused: the body may be polled again after it has ended.
        let body = stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(first_chunk)) })
            .chain(rest.fuse())
            .fuse();
        let mut response = Body::from_stream(body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
        );
        if let Ok(disposition) =
            HeaderValue::from_str(&format!("attachment; filename=\"{}.csv\"", T::CSV_NAME))
        {
            headers.insert(header::CONTENT_DISPOSITION, disposition);
        }
        Ok(response)
    }

    /// The CSV columns this request wants: (column name, JSON path).
    fn csv_columns<T: Tabular>(&self) -> Vec<(String, Vec<String>)> {
        let mut candidates: Vec<Vec<String>> = Vec::new();
        for path in T::COLUMNS {
            let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
            candidates.push(segments.clone());
            // With a language, `x_en` is followed by the `x` it fills.
            if let Some(base) = segments.last().and_then(|s| s.strip_suffix("_en"))
                && self.lang.is_some()
            {
                let mut filled = segments.clone();
                if let Some(end) = filled.last_mut() {
                    *end = base.to_owned();
                }
                candidates.push(filled);
            }
        }
        // `fields` names top-level fields, filled ones (`name`) included.
        candidates
            .into_iter()
            .filter(|segments| {
                self.fields
                    .as_ref()
                    .is_none_or(|fields| fields.contains(&segments[0]))
            })
            .map(|segments| (segments.join("_"), segments))
            .collect()
    }

    fn csv_rows<T: Tabular>(
        &self,
        columns: &[(String, Vec<String>)],
        items: &[T],
        mut out: Vec<u8>,
    ) -> Result<Vec<u8>> {
        for item in items {
            let mut value = serde_json::to_value(item).map_err(anyhow::Error::from)?;
            if let Some(lang) = self.lang {
                fill_language(&mut value, lang);
            }
            let cells: Vec<String> = columns
                .iter()
                .map(|(_, path)| cell(path.iter().try_fold(&value, |v, key| v.get(key))))
                .collect();
            write_csv_row(&mut out, cells.iter().map(String::as_str))?;
        }
        Ok(out)
    }

    /// Rejects `fields` that name nothing a `T` has.
    fn check_fields<T: Tabular>(&self) -> Result<()> {
        let Some(fields) = &self.fields else {
            return Ok(());
        };
        let known: Vec<&str> = {
            let mut known: Vec<&str> = T::COLUMNS
                .iter()
                .map(|path| path.split('.').next().unwrap_or(path))
                .collect();
            known.dedup();
            known
        };
        let has = |field: &str| {
            known.contains(&field)
                || (self.lang.is_some()
                    && known.iter().any(|k| k.strip_suffix("_zh") == Some(field)))
        };
        match fields.iter().find(|field| !has(field)) {
            None => Ok(()),
            Some(unknown) => Err(Error::invalid_parameter(
                "fields",
                format!(
                    "no field `{unknown}`; each item has {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// Applies `lang` and `fields` to one serialised item; `validate` rejects
    /// fields the item lacks (lists check theirs once, up front).
    fn shape(&self, mut value: Value, validate: bool) -> Result<Value> {
        if let Some(lang) = self.lang {
            fill_language(&mut value, lang);
        }
        if let (Some(fields), Value::Object(object)) = (&self.fields, &mut value) {
            if let Some(unknown) = fields
                .iter()
                .find(|f| validate && !object.contains_key(f.as_str()))
            {
                let known: Vec<String> = object.keys().map(|k| format!("`{k}`")).collect();
                return Err(Error::invalid_parameter(
                    "fields",
                    format!(
                        "no field `{unknown}`; this resource has {}",
                        known.join(", ")
                    ),
                ));
            }
            object.retain(|key, _| fields.contains(key));
        }
        Ok(value)
    }
}

/// Beside every `x_zh`/`x_en` pair, at any depth, adds `x` in `lang`.
pub fn fill_language(value: &mut Value, lang: Lang) {
    match value {
        Value::Object(object) => {
            for child in object.values_mut() {
                fill_language(child, lang);
            }
            let filled: Vec<(String, Value)> = object
                .iter()
                .filter_map(|(key, chosen)| {
                    let base = key.strip_suffix(lang.suffix())?;
                    let other = match lang {
                        Lang::Zh => format!("{base}_en"),
                        Lang::En => format!("{base}_zh"),
                    };
                    object
                        .contains_key(&other)
                        .then(|| (base.to_owned(), chosen.clone()))
                })
                .collect();
            let mut shaped = Map::with_capacity(object.len() + filled.len());
            for (key, child) in std::mem::take(object) {
                let base = key.strip_suffix("_en").map(str::to_owned);
                shaped.insert(key, child);
                if let Some(base) = base
                    && let Some((_, chosen)) = filled.iter().find(|(b, _)| *b == base)
                {
                    shaped.insert(base, chosen.clone());
                }
            }
            *object = shaped;
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill_language(item, lang)),
        _ => {}
    }
}

/// A JSON value as a CSV cell: null is empty, numbers keep every digit.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(other) => other.to_string(),
    }
}

fn write_csv_row<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(cells).map_err(anyhow::Error::from)?;
    writer.flush().map_err(anyhow::Error::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_prefers_the_highest_quality_then_json() {
        assert_eq!(negotiate_format(None).unwrap(), Format::Json);
        assert_eq!(negotiate_format(Some("text/csv")).unwrap(), Format::Csv);
        assert_eq!(
            negotiate_format(Some("text/csv;q=0.5, application/json")).unwrap(),
            Format::Json
        );
        assert_eq!(
            negotiate_format(Some("application/json;q=0.1, text/*")).unwrap(),
            Format::Csv
        );
        assert_eq!(negotiate_format(Some("*/*")).unwrap(), Format::Json);
        assert!(negotiate_format(Some("application/xml")).is_err());
        assert!(negotiate_format(Some("application/json;q=0, text/csv;q=0")).is_err());
    }

    #[test]
    fn accept_language_takes_the_first_chinese_or_english_tag() {
        assert_eq!(negotiate_lang("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(negotiate_lang("fr, en-GB;q=0.7"), Some(Lang::En));
        assert_eq!(negotiate_lang("de"), None);
        assert_eq!(negotiate_lang("en;q=0.2, zh;q=0.9"), Some(Lang::Zh));
    }

    #[test]
    fn language_fills_name_beside_the_pair_at_any_depth() {
        let mut value = serde_json::json!({
            "code": "371502", "name_zh": "东昌府区", "name_en": "Dongchangfu District",
            "parent": { "name_zh": "聊城市", "name_en": "Liaocheng City" }
        });
        fill_language(&mut value, Lang::En);
        assert_eq!(value["name"], "Dongchangfu District");
        assert_eq!(value["parent"]["name"], "Liaocheng City");
        assert_eq!(value["name_zh"], "东昌府区");
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["code", "name_zh", "name_en", "name", "parent"]);
    }
}
