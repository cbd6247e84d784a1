//! The OpenAPI 3.1 document, generated from the handlers' annotations, the
//! interactive docs that render it with no internet, and the rule that a
//! query parameter the document does not list is rejected.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{self, Content, Ref, RefOr, ResponseBuilder, Schema};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{FieldError, PROBLEM_JSON, Problem};
use crate::{AppState, Error};

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";
/// Where the interactive docs are served.
pub const DOCS_PATH: &str = "/docs";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "district-indicators",
        description = "Performance indicators of Chinese districts, each figure traced to the sentence that printed it. \
                       Starts with Dongchangfu District (东昌府区), Liaocheng, Shandong, and its 2024 report.",
        license(name = "MIT OR Apache-2.0")
    ),
    tags(
        (name = "regions", description = "The region hierarchy, and a dashboard per region"),
        (name = "catalogue", description = "Topics, units and indicators"),
        (name = "observations", description = "The figures, as series and side by side"),
        (name = "facts", description = "Honours and dated commitments"),
        (name = "sources", description = "The publications quoted, with their full text"),
        (name = "stewardship", description = "The audit log and bulk imports (API key needed)"),
        (name = "health", description = "Liveness and readiness probes")
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// The base document that the routers' paths are merged into.
pub fn base() -> openapi::OpenApi {
    ApiDoc::openapi()
}

/// Completes the document: every operation lists the problems it can
/// answer with, so clients and contract tests know every status.
pub fn finish(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            let RefOr::T(schema) = schema else { continue };
            if TRIMMABLE.contains(&name.as_str()) {
                loosen(schema);
            } else if name.starts_with("ListResponse_")
                && let Some(items) = list_items(schema)
            {
                loosen(items);
            }
        }
    }
    let field_names = field_names_by_path(&doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        for operation in [&mut item.get, &mut item.head].into_iter().flatten() {
            add_problem_responses(operation);
            if let Some(names) = field_names.get(path) {
                document_field_names(operation, names);
            }
        }
        for (operation, conditional) in [
            (&mut item.post, false),
            (&mut item.put, true),
            (&mut item.delete, true),
        ] {
            if let Some(operation) = operation {
                add_write_problems(operation, conditional);
            }
        }
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if operation.security.is_some() {
                add_problems(
                    operation,
                    &[
                        (
                            "401",
                            "No API key, or one that is malformed, unknown or revoked (see `WWW-Authenticate`)",
                        ),
                        ("403", "The key's role may not do this"),
                        ("429", "Too many writes with this key; see `Retry-After`"),
                    ],
                );
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("di_<id>_<secret>")
                .build(),
        ),
    );
    doc
}

/// The problems a write can answer with.
fn add_write_problems(operation: &mut Operation, conditional: bool) {
    let mut problems = vec![
        (
            "400",
            "Malformed JSON (the detail gives line and column) or a malformed parameter",
        ),
        (
            "409",
            "Conflicts with what is stored, e.g. a duplicate or a code in use",
        ),
        ("413", "The body is larger than MAX_BODY_BYTES"),
        ("415", "The body is not `application/json`"),
        (
            "422",
            "The body breaks one or more rules; `errors` lists every one",
        ),
        ("500", "An unexpected failure; logged, no details exposed"),
        ("503", "The database is unreachable"),
    ];
    if conditional {
        problems.extend([
            ("404", "Nothing current has that id or code"),
            (
                "412",
                "`If-Match` is not the current revision: someone else changed it",
            ),
            ("428", "`If-Match` is missing"),
        ]);
    }
    add_problems(operation, &problems);
}

fn add_problems(operation: &mut Operation, problems: &[(&str, &str)]) {
    for (status, description) in problems {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(*description)
                    .content(
                        PROBLEM_JSON,
                        Content::new(Some(Ref::from_schema_name("Problem"))),
                    )
                    .build()
                    .into()
            });
    }
}

/// The inline item schema of a `ListResponse_*` envelope.
fn list_items(envelope: &mut Schema) -> Option<&mut Schema> {
    let Schema::Object(object) = envelope else {
        return None;
    };
    let Some(RefOr::T(Schema::Array(array))) = object.properties.get_mut("data") else {
        return None;
    };
    match &mut array.items {
        ArrayItems::RefOrSchema(items) => match items.as_mut() {
            RefOr::T(schema) => Some(schema),
            RefOr::Ref(_) => None,
        },
        _ => None,
    }
}

/// For each path, the top-level fields of what its 200 JSON answer holds
/// (a list's items, or the object), so `fields=` can be documented exactly.
fn field_names_by_path(doc: &openapi::OpenApi) -> HashMap<String, Vec<String>> {
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let component = |reference: &str| {
        let name = reference.trim_start_matches("#/components/schemas/");
        match schemas.and_then(|schemas| schemas.get(name)) {
            Some(RefOr::T(schema)) => Some(schema),
            _ => None,
        }
    };
    let mut by_path = HashMap::new();
    for (path, item) in &doc.paths.paths {
        let Some(operation) = &item.get else { continue };
        let Some(RefOr::T(ok)) = operation.responses.responses.get("200") else {
            continue;
        };
        let Some(RefOr::Ref(reference)) =
            ok.content
                .get("application/json")
                .and_then(|content| match content {
                    RefOr::T(content) => content.schema.as_ref(),
                    RefOr::Ref(_) => None,
                })
        else {
            continue;
        };
        let Some(mut schema) = component(&reference.ref_location) else {
            continue;
        };
        let mut names = Vec::new();
        if reference.ref_location.contains("ListResponse_") {
            let Schema::Object(object) = schema else {
                continue;
            };
            let Some(RefOr::T(Schema::Array(array))) = object.properties.get("data") else {
                continue;
            };
            let ArrayItems::RefOrSchema(items) = &array.items else {
                continue;
            };
            let RefOr::T(items) = items.as_ref() else {
                continue;
            };
            schema = items;
        }
        collect_properties(schema, &component, &mut names);
        if !names.is_empty() {
            by_path.insert(path.clone(), names);
        }
    }
    by_path
}

fn collect_properties<'a>(
    schema: &'a Schema,
    component: &impl Fn(&str) -> Option<&'a Schema>,
    names: &mut Vec<String>,
) {
    match schema {
        Schema::Object(object) => names.extend(object.properties.keys().cloned()),
        Schema::AllOf(all_of) => {
            for item in &all_of.items {
                match item {
                    RefOr::T(schema) => collect_properties(schema, component, names),
                    RefOr::Ref(reference) => {
                        if let Some(schema) = component(&reference.ref_location) {
                            collect_properties(schema, component, names);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Narrows the `fields` parameter of one operation to the names it has.
fn document_field_names(operation: &mut Operation, names: &[String]) {
    let alternatives = names.join("|");
    let pattern = format!("^({alternatives})(,({alternatives}))*$");
    for parameter in operation.parameters.iter_mut().flatten() {
        if let RefOr::T(parameter) = parameter
            && parameter.name == "fields"
        {
            parameter.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(pattern.clone()))
                    .examples([serde_json::json!(
                        names.iter().take(2).cloned().collect::<Vec<_>>().join(",")
                    )])
                    .into(),
            );
        }
    }
}

/// Resources whose top-level fields `fields=` can leave out.
const TRIMMABLE: &[&str] = &[
    "Region",
    "RegionDetail",
    "Topic",
    "Unit",
    "Indicator",
    "SourceSummary",
    "Source",
    "Observation",
    "Recognition",
    "Target",
    "Dashboard",
    "Series",
    "Comparison",
];

/// `fields=` may leave any top-level field out, so none is required by the
/// schema; the description says when each is present.
fn loosen(schema: &mut Schema) {
    const NOTE: &str =
        "Every field is present unless the request's `fields` parameter leaves it out.";
    match schema {
        Schema::Object(object) => {
            object.required.clear();
            let description = object.description.take().unwrap_or_default();
            object.description = Some(if description.is_empty() {
                NOTE.to_owned()
            } else {
                format!("{description}\n\n{NOTE}")
            });
        }
        Schema::AllOf(all_of) => {
            for item in &mut all_of.items {
                if let RefOr::T(schema) = item {
                    loosen(schema);
                }
            }
        }
        _ => {}
    }
}

fn add_problem_responses(operation: &mut Operation) {
    let has_path_params = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Path));
    let not_found = if has_path_params {
        "Nothing has that code or id, in the path or in a parameter"
    } else {
        "A code given in a parameter names nothing"
    };
    let problems = [
        (
            "400",
            "A parameter is malformed, repeated or unknown, or parameters contradict each other",
        ),
        ("404", not_found),
        (
            "406",
            "The client accepts no representation this endpoint sends",
        ),
        ("500", "An unexpected failure; logged, no details exposed"),
        ("503", "The database is unreachable"),
    ];
    add_problems(operation, &problems);
    operation
        .responses
        .responses
        .entry("304".to_owned())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description("Not modified: the `If-None-Match` ETag is still current")
                .build()
                .into()
        });
}

/// Serves the document and the interactive docs (Swagger UI, vendored in
/// the binary: nothing is fetched from a CDN).
pub fn docs_router(doc: openapi::OpenApi) -> Router<AppState> {
    let config = Config::new([DOCUMENT_PATH])
        // The default validator is an online service; never call out.
        .validator_url("none")
        .try_it_out_enabled(true);
    SwaggerUi::new(DOCS_PATH)
        .url(DOCUMENT_PATH, doc)
        .config(config)
        .into()
}

/// The query parameters each operation documents, by method and route template.
#[derive(Debug, Default, Clone)]
pub struct DocumentedParams(Arc<HashMap<String, Vec<String>>>);

impl DocumentedParams {
    pub fn from_document(doc: &openapi::OpenApi) -> Self {
        let mut routes = HashMap::new();
        for (path, item) in &doc.paths.paths {
            for (method, operation) in [
                ("GET", &item.get),
                ("HEAD", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("DELETE", &item.delete),
            ] {
                let Some(operation) = operation else { continue };
                let names: Vec<String> = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|parameter| match parameter {
                        RefOr::T(parameter) if parameter.parameter_in == ParameterIn::Query => {
                            Some(parameter.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                routes.insert(format!("{method} {path}"), names);
            }
        }
        Self(Arc::new(routes))
    }

    /// Rejects a query parameter the route does not document, naming it and
    /// the ones it does. Routes outside the document are left alone.
    pub async fn reject_unknown(self, request: Request, next: Next) -> Response {
        let known = request.extensions().get::<MatchedPath>().and_then(|path| {
            self.0
                .get(&format!("{} {}", request.method(), path.as_str()))
        });
        if let (Some(known), Some(query)) = (known, request.uri().query()) {
            let unknown = form_urlencoded::parse(query.as_bytes())
                .map(|(name, _)| name)
                .find(|name| !known.iter().any(|k| k == name));
            if let Some(name) = unknown {
                let message = if known.is_empty() {
                    "unknown parameter: this endpoint takes no query parameters".to_owned()
                } else {
                    let names: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                    format!(
                        "unknown parameter; this endpoint accepts {}",
                        names.join(", ")
                    )
                };
                return Error::invalid_parameter(name, message).into_response();
            }
        }
        next.run(request).await
    }
}
