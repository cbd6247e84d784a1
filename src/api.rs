//! The HTTP layer: one router per resource, merged here so the whole route
//! table reads top to bottom in one place, then the layers every request
//! passes through.

mod audit;
pub mod auth;
mod body;
mod caching;
mod catalogue_writes;
mod dashboard;
mod extract;
mod filters;
mod health;
mod imports;
mod indicators;
mod limits;
mod list;
mod observations;
mod observe;
pub mod openapi;
mod output;
mod params;
mod recognitions;
mod regions;
mod series;
mod sources;
mod targets;
mod topics;
mod units;

pub use extract::{ApiQuery, parse_query};
pub use list::{ListMeta, ListResponse};

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa_axum::router::OpenApiRouter;

use crate::error::{PROBLEM_JSON, Problem};
use crate::{AppState, Config, Error};

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let (router, document) = routes().split_for_parts();
    let document = openapi::finish(document);
    let documented = openapi::DocumentedParams::from_document(&document);
    let cache = caching::HttpCache {
        readers: state.readers.clone(),
        max_age: state.config.cache_max_age,
        fingerprint: fingerprint(&document),
    };

    router
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_key_for_reads,
        ))
        .merge(openapi::docs_router(document))
        .route_layer(middleware::from_fn(move |request, next| {
            documented.clone().reject_unknown(request, next)
        }))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .fallback(no_route)
        .layer(middleware::map_response(problem_for_bare_errors))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            cache,
            caching::conditional_get,
        ))
        .layer(middleware::from_fn_with_state(
            limits::Limits::new(&state.config),
            limits::bound,
        ))
        .layer(CatchPanicLayer::custom(panic_problem))
        .layer(cors(&state.config))
        .layer(middleware::from_fn(no_route_for_options))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            observe::observe,
        ))
        .layer(PropagateRequestIdLayer::new(observe::REQUEST_ID))
        .layer(SetRequestIdLayer::new(observe::REQUEST_ID, MakeRequestUuid))
        .layer(middleware::map_request(observe::sanitize_request_id))
        .with_state(state)
}

/// Every documented route. A route added anywhere but here is missing from
/// the OpenAPI document, and a test says so.
fn routes() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .merge(regions::router())
        .merge(dashboard::router())
        .merge(topics::router())
        .merge(units::router())
        .merge(indicators::router())
        .merge(observations::router())
        .merge(series::router())
        .merge(recognitions::router())
        .merge(targets::router())
        .merge(sources::router())
        .merge(audit::router())
        .merge(imports::router());
    OpenApiRouter::with_openapi(openapi::base())
        .nest("/api/v1", api)
        .merge(health::router())
}

/// A hash of this build's code, migrations and contract, so cached answers
/// expire with any release that could change them.
fn fingerprint(document: &utoipa::openapi::OpenApi) -> u64 {
    let mut json = serde_json::to_vec(document).unwrap_or_default();
    json.extend_from_slice(env!("SOURCE_FINGERPRINT").as_bytes());
    xxhash_rust::xxh3::xxh3_64(&json)
}

/// CORS for the configured dashboard origins, preflight included.
fn cors(config: &Config) -> CorsLayer {
    let origins: Vec<&str> = config
        .cors_allowed_origins
        .iter()
        .map(|origin| origin.trim())
        .filter(|origin| !origin.is_empty())
        .collect();
    let allow_origin = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::POST,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
            header::AUTHORIZATION,
            HeaderName::from_static("x-change-reason"),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::CONTENT_DISPOSITION,
            header::LOCATION,
            header::RETRY_AFTER,
            observe::REQUEST_ID,
            HeaderName::from_static("server-timing"),
        ])
        .max_age(Duration::from_secs(3600))
}

async fn no_route(uri: Uri) -> Error {
    Error::NoRoute {
        path: uri.path().to_owned(),
    }
}

/// An unknown path is 404 for `OPTIONS` too. The CORS layer answers every
/// `OPTIONS` as a preflight before the fallback could, so this, outside it,
/// lets only those of known paths (a route matched) through.
async fn no_route_for_options(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS && request.extensions().get::<MatchedPath>().is_none() {
        return no_route(request.uri().clone()).await.into_response();
    }
    next.run(request).await
}

/// axum answers a wrong method (405) and some rejections with a bare body;
/// give every error the same problem+json shape, keeping headers such as
/// `Allow`.
async fn problem_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // axum's own rejections explain themselves in plain text; keep it.
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .filter(|text| !text.is_empty());
    let detail = match (status, text) {
        (StatusCode::METHOD_NOT_ALLOWED, _) => {
            "this endpoint does not accept that method; the `Allow` header lists those it does"
                .to_owned()
        }
        (_, Some(text)) => text,
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let problem = Problem::new(status, detail).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    Response::from_parts(parts, problem.into_body())
}

fn panic_problem(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the request failed on our side; it has been logged",
    )
    .into_response()
}
