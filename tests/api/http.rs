//! HTTP caching, compression and CORS.

use axum::http::{Method, StatusCode};
use district_indicators::Config;
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn an_unchanged_resource_revalidates_with_304_and_no_body(db: PgPool) {
    let app = TestApp::new(db);
    let first = app
        .raw(Method::GET, "/api/v1/observations?region=371502", &[])
        .await;
    let etag = first.header("etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"),
        "a strong ETag: {etag}"
    );
    assert_eq!(first.header("cache-control"), "public, max-age=60");
    let again = app
        .raw(
            Method::GET,
            "/api/v1/observations?region=371502",
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
}

#[sqlx::test]
async fn the_etag_changes_exactly_when_the_data_do(db: PgPool) {
    let app = TestApp::new(db.clone());
    let uri = "/api/v1/topics";
    let before = app
        .raw(Method::GET, uri, &[])
        .await
        .header("etag")
        .to_owned();
    assert_eq!(
        app.raw(Method::GET, uri, &[]).await.header("etag"),
        before,
        "stable while nothing changes"
    );
    sqlx::query("update regions set note = 'edited' where code = '371502-tangyi'")
        .execute(&db)
        .await
        .unwrap();
    let after = app.raw(Method::GET, uri, &[]).await;
    assert_ne!(after.header("etag"), before);
    let stale = app
        .raw(Method::GET, uri, &[("if-none-match", &before)])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::OK,
        "a stale tag gets the new data"
    );
}

#[sqlx::test]
async fn each_representation_has_its_own_etag(db: PgPool) {
    let app = TestApp::new(db);
    let uri = "/api/v1/regions";
    let json = app
        .raw(Method::GET, uri, &[])
        .await
        .header("etag")
        .to_owned();
    let csv = app
        .raw(Method::GET, uri, &[("accept", "text/csv")])
        .await
        .header("etag")
        .to_owned();
    let zh = app
        .raw(Method::GET, uri, &[("accept-language", "zh")])
        .await
        .header("etag")
        .to_owned();
    let gzip = app
        .raw(Method::GET, uri, &[("accept-encoding", "gzip")])
        .await
        .header("etag")
        .to_owned();
    assert!(
        json != csv && json != zh && json != gzip && csv != zh,
        "{json} {csv} {zh} {gzip}"
    );
    assert!(gzip.ends_with("-gzip\""), "{gzip}");
}

#[sqlx::test]
async fn errors_and_probes_are_not_cached(db: PgPool) {
    let app = TestApp::new(db);
    let missing = app.raw(Method::GET, "/api/v1/regions/999999", &[]).await;
    assert_eq!(missing.header("etag"), "");
    let ready = app.raw(Method::GET, "/readyz", &[]).await;
    assert_eq!(ready.header("etag"), "");
    assert_eq!(ready.header("cache-control"), "");
}

#[sqlx::test]
async fn responses_are_compressed_with_gzip_or_brotli_when_accepted(db: PgPool) {
    let app = TestApp::new(db);
    let plain = app
        .raw(Method::GET, "/api/v1/observations?limit=1000", &[])
        .await;
    for (coding, decode) in [("gzip", gunzip as fn(&[u8]) -> Vec<u8>), ("br", unbrotli)] {
        let response = app
            .raw(
                Method::GET,
                "/api/v1/observations?limit=1000",
                &[("accept-encoding", coding)],
            )
            .await;
        assert_eq!(response.header("content-encoding"), coding);
        assert!(
            response.body.len() * 3 < plain.body.len(),
            "{coding} shrinks the body"
        );
        assert_eq!(
            decode(&response.body),
            plain.body,
            "{coding} decodes to the same JSON"
        );
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(bytes, 4096), &mut out).unwrap();
    out
}

fn with_cors(origins: &[&str]) -> Config {
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.cors_allowed_origins = origins.iter().map(|o| o.to_string()).collect();
    config
}

#[sqlx::test]
async fn cors_allows_configured_dashboards_only(db: PgPool) {
    let app = TestApp::with_config(db, with_cors(&["https://dash.example.org"]));
    let allowed = app
        .raw(
            Method::GET,
            "/api/v1/topics",
            &[("origin", "https://dash.example.org")],
        )
        .await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        "https://dash.example.org"
    );
    assert!(
        allowed
            .header("access-control-expose-headers")
            .contains("etag")
    );
    let other = app
        .raw(
            Method::GET,
            "/api/v1/topics",
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(other.header("access-control-allow-origin"), "");
}

#[sqlx::test]
async fn cors_preflight_is_answered(db: PgPool) {
    let app = TestApp::with_config(db, with_cors(&["https://dash.example.org"]));
    let preflight = app
        .raw(
            Method::OPTIONS,
            "/api/v1/observations",
            &[
                ("origin", "https://dash.example.org"),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "if-none-match"),
            ],
        )
        .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        "https://dash.example.org"
    );
    assert!(
        preflight
            .header("access-control-allow-methods")
            .contains("GET")
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .contains("if-none-match")
    );
    assert_eq!(preflight.header("access-control-max-age"), "3600");
}

#[sqlx::test]
async fn a_compressed_csv_export_ends_cleanly(db: PgPool) {
    // The compressor polls the body once more after its end; a stream that
    // panics on that poll cuts the download short.
    let app = TestApp::new(db);
    let plain = app
        .raw(Method::GET, "/api/v1/regions?format=csv", &[])
        .await;
    let gzip = app
        .raw(
            Method::GET,
            "/api/v1/regions?format=csv",
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(gzip.status, StatusCode::OK);
    assert_eq!(gzip.header("content-encoding"), "gzip");
    assert_eq!(gunzip(&gzip.body), plain.body);
}
