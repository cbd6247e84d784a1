//! Drives the application in-process, as a client would over HTTP.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use district_indicators::{AppState, Config, app};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

pub struct TestApp {
    router: Router,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    /// The `data` array of a list response.
    pub fn data(&self) -> &Vec<Value> {
        self.body["data"]
            .as_array()
            .expect("a list response has a data array")
    }

    /// The values of `field` across `data`, as strings.
    pub fn pluck(&self, field: &str) -> Vec<String> {
        self.data()
            .iter()
            .map(|item| match &item[field] {
                Value::String(text) => text.clone(),
                Value::Object(object) => object["code"].as_str().unwrap_or_default().to_owned(),
                other => other.to_string(),
            })
            .collect()
    }
}

impl TestApp {
    pub fn new(db: PgPool) -> Self {
        let config = Config::for_database("postgres://unused-in-tests");
        Self {
            router: app(AppState::new(db, config)),
        }
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Method::GET, uri).await
    }

    pub async fn request(&self, method: Method, uri: &str) -> TestResponse {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .expect("a valid request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a readable body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                panic!(
                    "{uri}: body is not JSON ({error}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        TestResponse {
            status,
            headers,
            body,
        }
    }
}
