//! The HTTP layer: one router per resource, merged here so the whole route
//! table reads top to bottom in one place.

mod dashboard;
mod extract;
mod filters;
mod health;
mod indicators;
mod list;
mod observations;
mod params;
mod recognitions;
mod regions;
mod sources;
mod targets;
mod topics;

pub use extract::{ApiQuery, parse_query};
pub use list::{ListMeta, ListResponse};

use axum::Router;
use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{Request, StatusCode, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::error::{PROBLEM_JSON, Problem};
use crate::{AppState, Error};

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(regions::router())
        .merge(dashboard::router())
        .merge(topics::router())
        .merge(indicators::router())
        .merge(observations::router())
        .merge(recognitions::router())
        .merge(targets::router())
        .merge(sources::router());

    Router::new()
        .nest("/api/v1", api)
        .merge(health::router())
        .fallback(no_route)
        .layer(middleware::map_response(problem_for_bare_errors))
        .layer(CatchPanicLayer::custom(panic_problem))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map_or("unmatched", MatchedPath::as_str);
            tracing::info_span!("request", method = %request.method(), route, uri = %request.uri())
        }))
        .with_state(state)
}

async fn no_route(uri: Uri) -> Error {
    Error::NoRoute {
        path: uri.path().to_owned(),
    }
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
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "this endpoint does not accept that method; the `Allow` header lists those it does"
                .to_owned()
        }
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let (mut parts, _) = response.into_parts();
    let problem = Problem::new(status, detail).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(PROBLEM_JSON),
    );
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
