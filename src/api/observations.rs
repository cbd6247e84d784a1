//! `/observations`: the figures, filtered.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sqlx::PgConnection;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{Caller, Editor};
use super::body::{self, ApiJson, ChangeReason, IfMatch};
use super::output::{Fetched, Format, ObjectParams, Output, OutputParams, Tabular};
use super::params::{After, Code, CodeList, Count, Flag, IsoDate, PageParams, Timestamp};
use super::{ApiQuery, ListResponse, filters};
use crate::domain::Observation;
use crate::domain::input::ObservationInput;
use crate::store;
use crate::store::audit::{AuditEntry, Change};
use crate::store::observations::{self, KeysetPage, ObservationFilter, ObservationKey};
use crate::store::snapshot::Snapshot;
use crate::{AppState, Error, Result};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_observations, create_observation))
        .routes(routes!(
            get_observation,
            replace_observation,
            delete_observation
        ))
        .routes(routes!(list_revisions))
}

impl Tabular for Observation {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "revision",
        "indicator.code",
        "indicator.name_zh",
        "indicator.name_en",
        "region.code",
        "region.name_zh",
        "region.name_en",
        "topic.code",
        "period_start",
        "period_end",
        "period_label",
        "value",
        "unit.code",
        "unit.symbol_zh",
        "qualifier",
        "comparison_basis",
        "reported.value",
        "reported.unit",
        "reported.unit_code",
        "reported.text",
        "derived",
        "formula",
        "evidence.source_id",
        "evidence.excerpt",
        "evidence.quote",
    ];
    const CSV_NAME: &'static str = "observations";
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ObservationParams {
    /// One or more indicator codes, comma-separated.
    #[param(inline)]
    indicator: Option<CodeList>,
    /// Only this region's figures (see `descendants`).
    #[param(inline)]
    region: Option<Code>,
    /// With `region`, also every region below it.
    #[param(inline)]
    descendants: Option<Flag>,
    /// Only figures of this topic's indicators.
    #[param(inline)]
    topic: Option<Code>,
    /// Only periods starting on or after this date.
    #[param(inline)]
    from: Option<IsoDate>,
    /// Only periods ending on or before this date.
    #[param(inline)]
    to: Option<IsoDate>,
    /// Only the N most recent periods of each indicator and region.
    #[param(inline)]
    latest: Option<Count>,
    /// Express values in this unit (see `/units`); it must share the
    /// dimension of every matching figure, e.g. `cny_100m` for money.
    #[param(inline)]
    unit: Option<Code>,
    /// Answer as the API would have at this moment (a vintage): the
    /// versions then current, deleted ones included.
    #[param(inline)]
    as_of: Option<Timestamp>,
    /// Continue after the last item of a previous page: the `after` of its
    /// `next` link (opaque). Pages reached this way cost the same however
    /// deep they are; not with `offset`.
    #[param(inline)]
    after: Option<After>,
}

/// List figures in report order: topic, indicator, region, period.
#[utoipa::path(
    get,
    path = "/observations",
    tag = "observations",
    params(
        ObservationParams,
        PageParams,
        OutputParams,
        ("Prefer" = Option<String>, Header,
            description = "`count=exact`, `count=planned` or `count=estimated` (the default): how `meta.total` is counted, as in PostgREST; the answer names the one applied in `Preference-Applied`",
            example = "count=exact")
    ),
    responses((status = 200, description = "A page of figures (JSON), or every match (CSV)",
        content((ListResponse<Observation> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn list_observations(
    snapshot: Snapshot,
    ApiQuery(params): ApiQuery<ObservationParams>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let after = params.after.map(|After(after)| after);
    if let Some(after) = &after {
        if page.offset.is_some() {
            return Err(Error::invalid_parameter(
                "after",
                "continues a list where its last page ended; give `after` or `offset`, not both",
            ));
        }
        decode_after(after)?;
    }
    let (filter, unit, scope) = {
        let mut conn = snapshot.conn().await?;
        if let Some(CodeList(codes)) = &params.indicator {
            filters::ensure_indicators(&mut conn, "indicator", codes).await?;
        }
        // Whether region and topic name anything is checked only when
        // nothing matches (a match proves they do): one statement less.
        let scope = filters::fact_scope(params.region, params.descendants, params.topic)?;
        let (from, to) = filters::date_window(params.from, params.to)?;
        let filter = ObservationFilter {
            indicators: params.indicator.map(|list| list.0),
            region: scope.region.clone(),
            regions: None,
            descendants: scope.descendants,
            topic: scope.topic.clone(),
            from,
            to,
            latest: params.latest.map(|count| count.0),
            as_of: params.as_of.map(|moment| moment.0),
            id: None,
        };
        let unit = match params.unit {
            Some(Code(code)) => Some(filters::output_unit(&mut conn, &code, &filter).await?),
            None => None,
        };
        (filter, unit, scope)
    };
    // A CSV export has no total to count.
    let count = (output.format == Format::Json).then_some(output.count);
    output
        .list(&uri, page, after, move |page, after| {
            let (snapshot, filter, unit, scope) = (
                snapshot.clone(),
                filter.clone(),
                unit.clone(),
                scope.clone(),
            );
            async move {
                let (after, offset) = match after {
                    Some(after) => {
                        let (key, offset) = decode_after(&after)?;
                        (Some(key), offset)
                    }
                    None => (None, page.offset),
                };
                let keyset = KeysetPage {
                    limit: page.limit,
                    offset,
                    after,
                };
                let mut conn = snapshot.conn().await?;
                let mut found =
                    observations::list_observations(&mut conn, &filter, &keyset, count).await?;
                if found.items.is_empty() {
                    filters::ensure_fact_scope(&mut conn, &scope).await?;
                }
                drop(conn);
                if let Some(unit) = &unit {
                    filters::express_in(&mut found.items, unit)?;
                }
                let next_offset = offset.saturating_add(page.limit);
                Ok(Fetched {
                    items: found.items,
                    total: found.total,
                    next_after: found.next.map(|key| encode_after(&key, next_offset)),
                    offset: Some(offset),
                })
            }
        })
        .await
}

/// The `after` of a `next` link: the key the page ended on and how many
/// items came before the next page (for `meta.offset`), in URL-safe
/// base64 so that clients treat it as opaque.
fn encode_after(key: &ObservationKey, offset: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}\n{}\n{}\n{}\n{offset}",
        key.indicator, key.region, key.period_start, key.period_end
    ))
}

fn decode_after(after: &str) -> Result<(ObservationKey, i64)> {
    let invalid = || {
        Error::invalid_parameter(
            "after",
            "is not one this API wrote; follow the `next` link of a page, or start again without `after`",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(after).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let parts: Vec<&str> = text.split('\n').collect();
    let [indicator, region, start, end, offset] = parts[..] else {
        return Err(invalid());
    };
    let key = ObservationKey {
        indicator: indicator.to_owned(),
        region: region.to_owned(),
        period_start: start.parse().map_err(|_| invalid())?,
        period_end: end.parse().map_err(|_| invalid())?,
    };
    let offset = offset
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(invalid)?;
    Ok((key, offset))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AsOfParams {
    /// The version current at this moment (a vintage), even if since
    /// replaced or deleted.
    #[param(inline)]
    as_of: Option<Timestamp>,
}

/// One observation; its `ETag` names its revision, for `If-Match`.
#[utoipa::path(
    get,
    path = "/observations/{id}",
    tag = "observations",
    params(("id" = i64, Path, description = "Observation id", example = 1), AsOfParams, ObjectParams),
    responses((status = 200, description = "The observation", body = Observation))
)]
#[tracing::instrument(skip(snapshot, output))]
async fn get_observation(
    snapshot: Snapshot,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<AsOfParams>,
    output: Output,
) -> Result<Response> {
    output.json_only()?;
    let id = body::parse_id("observation", &id)?;
    let observation = find(
        &mut *snapshot.conn().await?,
        id,
        params.as_of.map(|moment| moment.0),
    )
    .await?;
    output.tagged_object(
        &observation,
        "observation",
        &id.to_string(),
        observation.revision,
    )
}

async fn find(
    db: &mut PgConnection,
    id: i64,
    as_of: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<Observation> {
    let filter = ObservationFilter {
        id: Some(id),
        as_of,
        ..ObservationFilter::default()
    };
    observations::all_observations(db, &filter)
        .await?
        .pop()
        .ok_or_else(|| Error::not_found("observation", id.to_string()))
}

/// Stores a new observation (editor). Every rule is checked at once; the
/// answer is the observation as stored, with its `ETag` and `Location`.
#[utoipa::path(
    post,
    path = "/observations",
    tag = "observations",
    request_body = ObservationInput,
    params(("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log (percent-encode non-ASCII)")),
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Observation))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn create_observation(
    State(state): State<AppState>,
    editor: Editor,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<ObservationInput>,
) -> Result<Response> {
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let id = observations::insert_observation(&mut tx, &valid, &change).await?;
    tx.commit().await?;
    let observation = find(&mut *state.db.acquire().await?, id, None).await?;
    let mut response = body::tagged_json(
        StatusCode::CREATED,
        &observation,
        "observation",
        &id.to_string(),
        observation.revision,
    )?;
    let location = format!("/api/v1/observations/{id}");
    response.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|error| Error::Internal(error.into()))?,
    );
    Ok(response)
}

/// Replaces an observation (editor) with its next revision; the previous
/// one stays readable with `as_of` and in `/revisions`. Needs `If-Match`.
#[utoipa::path(
    put,
    path = "/observations/{id}",
    tag = "observations",
    request_body = ObservationInput,
    params(
        ("id" = i64, Path, description = "Observation id", example = 1),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced", body = Observation))
)]
#[tracing::instrument(skip(state, editor, reason, input), fields(key = %editor.0.name))]
async fn replace_observation(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
    ApiJson(input): ApiJson<ObservationInput>,
) -> Result<Response> {
    let id = body::parse_id("observation", &id)?;
    let catalogue = store::catalogue::load_view(&state.db).await?;
    let valid = input.validate(&catalogue).map_err(Error::Validation)?;
    let expected = if_match.expected_for("observation", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = observations::replace_observation(&mut tx, id, expected, &valid, &change).await?;
    let revision = body::check_written(outcome, "observation", &id.to_string())?;
    tx.commit().await?;
    let observation = find(&mut *state.db.acquire().await?, id, None).await?;
    body::tagged_json(
        StatusCode::OK,
        &observation,
        "observation",
        &id.to_string(),
        revision,
    )
}

/// Deletes an observation (editor): its last version stays readable with
/// `as_of`, and the deletion is in `/revisions`. Needs `If-Match`.
#[utoipa::path(
    delete,
    path = "/observations/{id}",
    tag = "observations",
    params(
        ("id" = i64, Path, description = "Observation id", example = 1),
        ("If-Match" = String, Header, description = "The ETag from the last GET, or `*`"),
        ("X-Change-Reason" = Option<String>, Header, description = "Why, for the audit log")
    ),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"))
)]
#[tracing::instrument(skip(state, editor, reason), fields(key = %editor.0.name))]
async fn delete_observation(
    State(state): State<AppState>,
    editor: Editor,
    Path(id): Path<String>,
    if_match: IfMatch,
    ChangeReason(reason): ChangeReason,
) -> Result<StatusCode> {
    let id = body::parse_id("observation", &id)?;
    let expected = if_match.expected_for("observation", &id.to_string())?;
    let change = Change {
        key_name: editor.0.name,
        reason,
    };
    let mut tx = store::begin_write(&state.db).await?;
    let outcome = observations::delete_observation(&mut tx, id, expected, &change).await?;
    body::check_written(outcome, "observation", &id.to_string())?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every change to an observation, oldest first: who, when, before, after,
/// why. `key_name` (who) is null unless the caller presents an admin key:
/// key names belong to the audit log, which is admin-only.
#[utoipa::path(
    get,
    path = "/observations/{id}/revisions",
    tag = "observations",
    params(("id" = i64, Path, description = "Observation id", example = 1), PageParams, OutputParams),
    responses((status = 200, description = "The history", content((ListResponse<AuditEntry> = "application/json"), (String = "text/csv"))))
)]
#[tracing::instrument(skip(snapshot, caller, output))]
async fn list_revisions(
    snapshot: Snapshot,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
    output: Output,
    OriginalUri(uri): OriginalUri,
) -> Result<Response> {
    let id = body::parse_id("observation", &id)?;
    if !observations::observation_ever_existed(&mut *snapshot.conn().await?, id).await? {
        return Err(Error::not_found("observation", id.to_string()));
    }
    let db = snapshot;
    let show_keys = caller.is_admin();
    output
        .list(&uri, page, None, move |page, _after| {
            let db = db.clone();
            async move {
                let (mut entries, total) =
                    store::audit::list_observation_revisions(&mut *db.conn().await?, id, page)
                        .await?;
                if !show_keys {
                    entries.iter_mut().for_each(|entry| entry.key_name = None);
                }
                Ok((entries, total))
            }
        })
        .await
}

impl Tabular for AuditEntry {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "at",
        "key_name",
        "action",
        "resource",
        "resource_key",
        "revision",
        "before",
        "after",
        "reason",
    ];
    const CSV_NAME: &'static str = "revisions";
}
