//! Drives the application in-process, as a client would over HTTP.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use district_indicators::auth::{NewKey, Role};
use district_indicators::{AppState, Config, app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;

#[derive(Clone)]
pub struct TestApp {
    router: Router,
}

/// A response whose body was read as bytes, for non-JSON bodies.
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }
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
        Self::with_config(db, Config::for_database("postgres://unused-in-tests"))
    }

    pub fn with_config(db: PgPool, config: Config) -> Self {
        // What the binary's subscriber does for Server-Timing and /metrics.
        district_indicators::telemetry::init_database_timing();
        Self {
            router: app(AppState::new(db, config)),
        }
    }

    /// Sends a request with these headers and returns the raw body.
    /// The router itself, for a test that drives a response by hand.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub async fn raw(&self, method: Method, uri: &str, headers: &[(&str, &str)]) -> RawResponse {
        self.raw_with_body(method, uri, headers, Vec::new()).await
    }

    /// Sends a request with a body and returns the raw answer.
    pub async fn raw_with_body(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> RawResponse {
        self.stream_body(method, uri, headers, Body::from(body))
            .await
    }

    /// Sends a request whose body may arrive slowly, or never.
    pub async fn stream_body(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> RawResponse {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(body).expect("a valid request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a readable body")
            .to_bytes()
            .to_vec();
        RawResponse {
            status,
            headers,
            body,
        }
    }

    /// GET with headers, the body parsed as JSON.
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> TestResponse {
        self.send(Method::GET, uri, headers).await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Method::GET, uri, &[]).await
    }

    pub async fn request(&self, method: Method, uri: &str) -> TestResponse {
        self.send(method, uri, &[]).await
    }

    /// Sends JSON with these headers; the answer, if any, must be JSON.
    pub async fn send_json(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> TestResponse {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        let raw = self
            .raw_with_body(method, uri, &all, body.to_string().into_bytes())
            .await;
        Self::json(uri, raw)
    }

    /// Sends a request; the body, if any, must be JSON.
    pub async fn send(&self, method: Method, uri: &str, headers: &[(&str, &str)]) -> TestResponse {
        let raw = self.raw(method, uri, headers).await;
        Self::json(uri, raw)
    }

    pub fn json(uri: &str, raw: RawResponse) -> TestResponse {
        let body = if raw.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&raw.body).unwrap_or_else(|error| {
                panic!(
                    "{uri}: body is not JSON ({error}): {}",
                    String::from_utf8_lossy(&raw.body)
                )
            })
        };
        TestResponse {
            status: raw.status,
            headers: raw.headers,
            body,
        }
    }
}

/// Creates an API key in the test database; returns the `Authorization` value.
pub async fn bearer(db: &PgPool, name: &str, role: Role) -> String {
    let key = NewKey::generate();
    district_indicators::store::keys::create_key(db, name, role, &key)
        .await
        .expect("a key is created");
    format!("Bearer {}", key.token)
}

/// A derived figure for 2023 that every rule accepts.
pub fn new_figure(value: u64) -> Value {
    json!({
        "indicator": "job_fair_employment_intentions",
        "region": "371502",
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "period_label": "2023年",
        "value": value,
        "derived": true,
        "formula": "restated for a test",
        "source_id": "dongchangfu-2024",
        "excerpt": "组织开展“就业援助月”招聘会"
    })
}
