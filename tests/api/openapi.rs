//! The OpenAPI document and the interactive docs.

use std::path::Path;

use axum::http::{Method, StatusCode};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::TestApp;

async fn document(app: &TestApp) -> Value {
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    response.body
}

#[sqlx::test]
async fn the_document_is_openapi_3_1_with_every_endpoint(db: PgPool) {
    let doc = document(&TestApp::new(db)).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for expected in [
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/regions/{code}/dashboard",
        "/api/v1/topics",
        "/api/v1/units",
        "/api/v1/indicators",
        "/api/v1/indicators/{code}",
        "/api/v1/observations",
        "/api/v1/series",
        "/api/v1/compare",
        "/api/v1/recognitions",
        "/api/v1/targets",
        "/api/v1/sources",
        "/api/v1/sources/{id}",
        "/healthz",
        "/readyz",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} is documented; paths are {paths:?}"
        );
    }
}

#[sqlx::test]
async fn every_operation_documents_its_parameters_responses_and_problems(db: PgPool) {
    let doc = document(&TestApp::new(db)).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, write) in [
            ("post", item.get("post")),
            ("put", item.get("put")),
            ("delete", item.get("delete")),
        ] {
            let Some(write) = write else { continue };
            let responses = write["responses"].as_object().unwrap();
            for status in ["401", "403", "409", "422", "429", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} documents {status}"
                );
            }
            if method != "post" {
                for status in ["404", "412", "428"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} documents {status}"
                    );
                }
            }
            assert!(write["security"].is_array(), "{method} {path} needs a key");
        }
        let operation = &item["get"];
        if operation.is_null() {
            continue;
        }
        assert!(
            operation["summary"].is_string() || operation["description"].is_string(),
            "{path} is described"
        );
        let responses = operation["responses"].as_object().unwrap();
        for status in ["200", "400", "406", "500", "503"] {
            assert!(responses.contains_key(status), "{path} documents {status}");
        }
        assert_eq!(
            responses["400"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem",
            "{path}: errors are problem+json"
        );
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{path} documents 404");
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            assert!(
                parameter["description"].is_string(),
                "{path}: parameter {name} is described"
            );
            assert!(
                parameter["schema"].is_object(),
                "{path}: parameter {name} has a schema"
            );
        }
    }
    let list = &doc["paths"]["/api/v1/observations"]["get"]["responses"]["200"]["content"];
    assert!(list["application/json"].is_object() && list["text/csv"].is_object());
    let limit = doc["paths"]["/api/v1/observations"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("limit is documented");
    assert_eq!(limit["schema"]["minimum"], 1);
    assert_eq!(limit["schema"]["maximum"], 1000);
}

/// Every documented path answers (with its example values), and no route
/// is registered around the document.
#[sqlx::test]
async fn every_documented_route_answers_and_no_route_is_undocumented(db: PgPool) {
    let app = TestApp::new(db);
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item["get"].is_null() {
            continue;
        }
        let mut uri = path.clone();
        let mut query = Vec::new();
        for parameter in item["get"]["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            let example = [&parameter["example"], &parameter["schema"]["examples"][0]]
                .into_iter()
                .find_map(|value| {
                    value
                        .as_str()
                        .map(str::to_owned)
                        .or_else(|| value.as_i64().map(|n| n.to_string()))
                });
            match (
                parameter["in"].as_str(),
                parameter["required"].as_bool(),
                example,
            ) {
                (Some("path"), _, Some(example)) => {
                    uri = uri.replace(&format!("{{{name}}}"), &example)
                }
                (Some("query"), Some(true), Some(example)) => {
                    query.push(format!("{name}={example}"))
                }
                (Some("path"), _, None) => panic!("{path}: path parameter {name} has an example"),
                _ => {}
            }
        }
        if !query.is_empty() {
            uri = format!("{uri}?{}", query.join("&"));
        }
        let response = app.raw(Method::GET, &uri, &[]).await;
        // An operation behind a key answers, without one, that it needs one.
        let expected = if item["get"]["security"].is_array() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        assert_eq!(response.status, expected, "{uri}: {}", response.text());
    }

    // Routes must come from `routes!(handler)`, which documents them; plain
    // axum routing would add an undocumented route.
    let mut offenders = Vec::new();
    visit(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut |file, text| {
            for (number, line) in text.lines().enumerate() {
                let plain_route = [
                    ".route(",
                    ".route_service(",
                    ".nest_service(",
                    "routing::get",
                    "routing::post",
                ]
                .iter()
                .any(|needle| line.contains(needle));
                if plain_route && !line.trim_start().starts_with("//") {
                    offenders.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        },
    );
    assert!(
        offenders.is_empty(),
        "routes registered outside the OpenAPI document:\n{}",
        offenders.join("\n")
    );
}

fn visit(dir: &Path, check: &mut impl FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, check);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            check(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[sqlx::test]
async fn the_docs_page_loads_nothing_from_outside(db: PgPool) {
    let app = TestApp::new(db);
    let mut pages = Vec::new();
    for asset in [
        "/docs/",
        "/docs/swagger-initializer.js",
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
    ] {
        let response = app.raw(Method::GET, asset, &[]).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{asset} is served by the binary"
        );
        assert!(!response.body.is_empty(), "{asset} has content");
        pages.push((asset, String::from_utf8_lossy(&response.body).into_owned()));
    }
    let (_, index) = &pages[0];
    assert!(index.contains("swagger-ui"), "the docs page is Swagger UI");
    for (asset, text) in &pages[..2] {
        for needle in [
            "src=\"http",
            "href=\"http",
            "cdn.",
            "unpkg",
            "jsdelivr",
            "googleapis",
        ] {
            assert!(
                !text.contains(needle),
                "{asset} refers to an outside resource ({needle})"
            );
        }
    }
    let (_, initializer) = &pages[1];
    assert!(
        initializer.contains("/api/v1/openapi.json"),
        "the docs render our document"
    );
    assert!(
        initializer.contains("\"validatorUrl\": \"none\""),
        "no online validator is called: {initializer}"
    );
}
