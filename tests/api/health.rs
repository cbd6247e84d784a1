use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn healthz_says_the_process_is_up(db: PgPool) {
    let response = TestApp::new(db).get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, json!({ "status": "ok" }));
}

#[sqlx::test]
async fn readyz_says_the_database_answers(db: PgPool) {
    let response = TestApp::new(db).get("/readyz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, json!({ "status": "ok", "database": "ok" }));
}

#[sqlx::test]
async fn readyz_is_503_problem_json_when_the_database_is_gone(db: PgPool) {
    let app = TestApp::new(db.clone());
    db.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(
        response.body["detail"],
        "the database is not reachable; retry shortly"
    );
    assert_eq!(response.headers["retry-after"], "2");
}
