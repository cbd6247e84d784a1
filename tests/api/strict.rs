//! Strict input: numbers are JSON numbers, a key is given once, text holds no
//! control characters, a figure keeps every digit or is refused, only UTF-8
//! `application/json` is read as JSON; and around the body: the auth scheme
//! in any case, `Accept` q-values on single objects, 404 for every method on
//! an unknown path, errors that echo only a short prefix of the input.

use axum::http::{Method, StatusCode};
use district_indicators::Config;
use district_indicators::auth::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{RawResponse, TestApp, bearer, new_figure};

/// POSTs `body` (raw bytes) as an editor and reads the answer as JSON.
async fn post_raw(app: &TestApp, editor: &str, content_type: &str, body: &str) -> RawResponse {
    app.raw_with_body(
        Method::POST,
        "/api/v1/observations",
        &[("authorization", editor), ("content-type", content_type)],
        body.as_bytes().to_vec(),
    )
    .await
}

fn json_of(raw: &RawResponse) -> Value {
    serde_json::from_slice(&raw.body).unwrap_or_else(|error| panic!("{error}: {}", raw.text()))
}

/// The figure of `new_figure(150)` as JSON text with `value` replaced by
/// `value_text` verbatim (so that digits reach the server as written).
fn figure_with_value(value_text: &str) -> String {
    new_figure(150)
        .to_string()
        .replace("\"value\":150", &format!("\"value\":{value_text}"))
}

/// POSTs `body` and checks the answer is a 422 whose first problem names
/// `field` and says `phrase`.
async fn assert_refused(app: &TestApp, editor: &str, body: &str, field: &str, phrase: &str) {
    let response = post_raw(app, editor, "application/json", body).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {}",
        response.text()
    );
    let problem = json_of(&response);
    assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(phrase), "{field}: {problem}");
    assert!(!response.text().contains("serde_json"), "{problem}");
}

async fn observations_of_2023(db: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from observations where indicator_code = 'job_fair_employment_intentions' and period_start = '2023-01-01'",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_number_sent_as_a_string_is_refused_naming_the_field(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let body = figure_with_value("\"150\"");
    assert_refused(&app, &editor, &body, "value", "JSON number").await;
    assert_eq!(observations_of_2023(&db).await, 0);
}

#[sqlx::test]
async fn a_duplicate_key_is_refused_naming_it(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let cases = [
        (
            // The last `value` would win: 150 would be stored, not 1.
            figure_with_value("1, \"value\": 150"),
            "value",
            "top-level key given twice",
        ),
        (
            new_figure(150).to_string().replace(
                "\"derived\":true,\"formula\":\"restated for a test\"",
                "\"derived\":false,\"formula\":null,\"reported\":{\"value\":150,\"value\":15,\"unit\":\"人\",\"unit_code\":\"person\",\"text\":\"招聘会\"}",
            ),
            "reported.value",
            "nested key given twice",
        ),
    ];
    for (body, field, why) in cases {
        assert_ne!(
            body,
            new_figure(150).to_string(),
            "{why}: the case rewrites the body"
        );
        assert_refused(&app, &editor, &body, field, "more than once").await;
    }
    assert_eq!(observations_of_2023(&db).await, 0);
}

#[sqlx::test]
async fn control_characters_in_text_are_refused_naming_the_field(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db.clone());
    let cases = [
        ("period_label", json!("2023\u{1b}[31m年"), "ESC"),
        ("formula", json!("ring \u{7} the bell"), "BEL"),
        (
            "period_label",
            json!("2023\n年"),
            "a newline in one-line text",
        ),
        ("formula", json!("a\tb"), "a tab in one-line text"),
        ("period_label", json!("2023\u{7f}年"), "DEL"),
        ("period_label", json!("2023\u{85}年"), "a C1 control (NEL)"),
    ];
    for (field, text, why) in cases {
        let mut body = new_figure(150);
        body[field] = text;
        eprintln!("case: {why}");
        assert_refused(&app, &editor, &body.to_string(), field, "control character").await;
    }
    assert_eq!(observations_of_2023(&db).await, 0);

    // A catalogue name too.
    let region = json!({ "code": "371502-yansi", "parent_code": "371502", "level": "township",
                         "name_zh": "阎寺街道", "name_en": "Yansi\u{1b} Subdistrict", "note": null });
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/regions",
            &[("authorization", admin.as_str())],
            &region,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.body["errors"][0]["field"], "name_en");

    // An excerpt is documented as multi-line (the printed page's wraps):
    // recognition 7 quotes across a line break and round-trips unchanged.
    let seven = app.get("/api/v1/recognitions/7").await;
    let excerpt = seven.body["evidence"]["excerpt"].as_str().unwrap();
    assert!(
        excerpt.contains('\n'),
        "recognition 7 quotes a wrapped line"
    );
    let body = json!({
        "region": seven.body["region"]["code"],
        "holder_zh": seven.body["holder_zh"],
        "holder_en": seven.body["holder_en"],
        "topic": seven.body["topic"]["code"],
        "title_zh": seven.body["title_zh"],
        "title_en": seven.body["title_en"],
        "category": seven.body["category"],
        "level": seven.body["level"],
        "year": seven.body["year"],
        "source_id": seven.body["evidence"]["source_id"],
        "excerpt": excerpt,
    });
    let etag = seven.headers["etag"].to_str().unwrap();
    let replaced = app
        .send_json(
            Method::PUT,
            "/api/v1/recognitions/7",
            &[("authorization", editor.as_str()), ("if-match", etag)],
            &body,
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
}

#[sqlx::test]
async fn digits_beyond_what_is_stored_are_refused_not_rounded(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let cases = [
        (
            "150.00000000000000000000000000001",
            "value",
            "32 significant digits",
        ),
        ("1e400", "value", "beyond any decimal"),
        (
            "100000000000000000000000000000",
            "value",
            "29 integer digits",
        ),
        ("1.5e-40", "value", "too small a fraction"),
    ];
    for (number, field, why) in cases {
        eprintln!("case: {why}");
        let body = figure_with_value(number);
        assert_refused(&app, &editor, &body, field, "exactly").await;
    }
    assert_eq!(observations_of_2023(&db).await, 0);

    // Exact numbers are kept exactly, whatever their notation.
    for (number, stored) in [
        ("1.5e2", "150"),
        ("150.000", "150.000"),
        ("15000e-2", "150"),
    ] {
        let response = post_raw(
            &app,
            &editor,
            "application/json",
            &figure_with_value(number),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "{number}: {}",
            response.text()
        );
        let created = json_of(&response);
        assert_eq!(
            created["value"].to_string().parse::<f64>().unwrap(),
            stored.parse::<f64>().unwrap(),
            "{number}"
        );
        let id = created["id"].as_i64().unwrap();
        let deleted = app
            .send(
                Method::DELETE,
                &format!("/api/v1/observations/{id}"),
                &[("authorization", editor.as_str()), ("if-match", "*")],
            )
            .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    }
}

#[sqlx::test]
async fn only_utf8_application_json_is_read_as_json(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let body = new_figure(150).to_string();
    for (content_type, phrase) in [
        ("application/json; charset=latin1", "charset"),
        ("application/json;charset=\"ISO-8859-1\"", "charset"),
        ("application/merge-patch+json", "application/json"),
        ("application/vnd.api+json", "application/json"),
        ("text/json", "application/json"),
    ] {
        let response = post_raw(&app, &editor, content_type, &body).await;
        assert_eq!(
            response.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}: {}",
            response.text()
        );
        let problem = json_of(&response);
        assert!(
            problem["detail"].as_str().unwrap().contains(phrase),
            "{content_type}: {problem}"
        );
    }
    assert_eq!(observations_of_2023(&db).await, 0);
    // Imports too: a CSV in another charset would be misread.
    let import = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv; charset=GB18030"),
            ],
            b"indicator_code\n".to_vec(),
        )
        .await;
    assert_eq!(import.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        import.text().to_lowercase().contains("charset=gb18030"),
        "{}",
        import.text()
    );
    let response = post_raw(&app, &editor, "Application/JSON; charset=UTF-8", &body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
}

#[sqlx::test]
async fn echoed_input_in_errors_is_cut_to_a_short_prefix(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let long = "x".repeat(200_000);
    let mut body = new_figure(150);
    body["region"] = json!(long);
    let response = post_raw(&app, &editor, "application/json", &body.to_string()).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = json_of(&response);
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert_eq!(problem["errors"][0]["field"], "region");
    assert!(
        message.contains(&format!("`{}…`", "x".repeat(64))),
        "{message}"
    );
    assert!(message.chars().count() < 120, "{message}");

    // An unknown key is echoed in the field name and the message.
    let mut body = new_figure(150);
    body[&long] = json!(1);
    let response = post_raw(&app, &editor, "application/json", &body.to_string()).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.len() < 2000, "{}", response.text());

    // A path and a parameter are echoed the same way.
    let path = app
        .get(&format!("/api/v1/regions/{}", "y".repeat(5000)))
        .await;
    assert_eq!(path.status, StatusCode::NOT_FOUND);
    let detail = path.body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("`{}…`", "y".repeat(64))),
        "{detail}"
    );
    assert!(detail.chars().count() < 120, "{detail}");
    let parameter = app
        .get(&format!("/api/v1/observations?region={}", "z".repeat(5000)))
        .await;
    assert!(parameter.status.is_client_error());
    assert!(
        parameter.body.to_string().len() < 1000,
        "{}",
        parameter.body
    );
}

#[sqlx::test]
async fn the_auth_scheme_is_case_insensitive(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let token = admin.strip_prefix("Bearer ").unwrap();
    let app = TestApp::new(db);
    for scheme in ["bearer", "BEARER", "bEaReR"] {
        let value = format!("{scheme} {token}");
        let response = app
            .get_with("/api/v1/audit", &[("authorization", value.as_str())])
            .await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{scheme}: {}",
            response.body
        );
    }
    let other = format!("Basic {token}");
    let response = app
        .get_with("/api/v1/audit", &[("authorization", other.as_str())])
        .await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert!(
        response.body["detail"].as_str().unwrap().contains("Bearer"),
        "{}",
        response.body
    );
}

#[sqlx::test]
async fn a_single_object_answers_json_whenever_json_is_acceptable(db: PgPool) {
    let app = TestApp::new(db);
    for (accept, status) in [
        ("application/json;q=0.1, text/csv;q=0.9", StatusCode::OK),
        ("text/csv, */*;q=0.1", StatusCode::OK),
        ("text/csv;q=1, application/*;q=0.2", StatusCode::OK),
        ("text/csv", StatusCode::NOT_ACCEPTABLE),
        ("application/json;q=0, text/csv", StatusCode::NOT_ACCEPTABLE),
        ("text/*", StatusCode::NOT_ACCEPTABLE),
    ] {
        for uri in ["/api/v1/regions/371502", "/api/v1/observations/20"] {
            let response = app.get_with(uri, &[("accept", accept)]).await;
            assert_eq!(response.status, status, "{uri} {accept}: {}", response.body);
            if status == StatusCode::OK {
                assert_eq!(
                    response.content_type(),
                    "application/json",
                    "{uri} {accept}"
                );
                assert!(response.body["region"].is_object() || response.body["code"] == "371502");
            } else {
                assert!(
                    response.body["detail"]
                        .as_str()
                        .unwrap()
                        .contains("application/json"),
                    "{uri} {accept}: {}",
                    response.body
                );
            }
        }
    }
    // A list still picks the format of highest quality.
    let list = app
        .raw(
            Method::GET,
            "/api/v1/topics",
            &[("accept", "application/json;q=0.1, text/csv;q=0.9")],
        )
        .await;
    assert!(list.header("content-type").starts_with("text/csv"));
}

#[sqlx::test]
async fn every_method_on_an_unknown_path_is_404_problem_json(db: PgPool) {
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.cors_allowed_origins = vec!["https://dash.example.org".to_owned()];
    let app = TestApp::with_config(db, config);
    let preflight = [
        ("origin", "https://dash.example.org"),
        ("access-control-request-method", "GET"),
    ];
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
    ] {
        for headers in [&[][..], &preflight[..]] {
            let response = app.raw(method.clone(), "/api/v1/nowhere", headers).await;
            assert_eq!(
                response.status,
                StatusCode::NOT_FOUND,
                "{method} {headers:?}"
            );
            assert_eq!(response.header("content-type"), "application/problem+json");
            assert!(
                response.text().contains("no endpoint at `/api/v1/nowhere`"),
                "{method}: {}",
                response.text()
            );
        }
    }
    // A preflight on a known path is still answered.
    let known = app
        .raw(Method::OPTIONS, "/api/v1/regions/371502", &preflight)
        .await;
    assert!(known.status.is_success(), "{}", known.status);
    assert_eq!(
        known.header("access-control-allow-origin"),
        "https://dash.example.org"
    );
}

#[sqlx::test]
async fn imports_refuse_repeated_keys_rounded_digits_and_control_characters(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let import = |content_type: &'static str, body: String| {
        let (app, editor) = (app.clone(), editor.clone());
        async move {
            let response = app
                .raw_with_body(
                    Method::POST,
                    "/api/v1/imports",
                    &[
                        ("authorization", editor.as_str()),
                        ("content-type", content_type),
                    ],
                    body.into_bytes(),
                )
                .await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{content_type}: {}",
                response.text()
            );
            json_of(&response)
        }
    };
    let ndjson = format!(
        "{}\n{}\n",
        figure_with_value("1, \"value\": 150"),
        figure_with_value("150.00000000000000000000000000001")
    );
    // The first problem of rejected row `row` names `field` and says `phrase`.
    let rejected = |problem: &Value, row: usize, field: &str, phrase: &str| {
        let error = &problem["report"]["rejections"][row]["errors"][0];
        assert_eq!(error["field"], field, "{problem}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(phrase), "{problem}");
    };
    let problem = import("application/x-ndjson", ndjson).await;
    rejected(&problem, 0, "value", "more than once");
    rejected(&problem, 1, "value", "exactly");

    let array = format!("[{}]", figure_with_value("1, \"value\": 150"));
    // An array is read element by element, each element as a row.
    let problem = import("application/json", array).await;
    rejected(&problem, 0, "value", "more than once");

    let csv = "indicator_code,region_code,period_start,period_end,period_label,value,derived,formula,evidence_source_id,evidence_excerpt\n\
               job_fair_employment_intentions,371502,2020-01-01,2020-12-31,2020年,150.00000000000000000000000000001,true,test,dongchangfu-2024,招聘会\n\
               job_fair_employment_intentions,371502,2021-01-01,2021-12-31,2021\u{1b}年,5,true,test,dongchangfu-2024,招聘会\n";
    let problem = import("text/csv", csv.to_owned()).await;
    rejected(&problem, 0, "value", "never rounded");
    rejected(&problem, 1, "period_label", "control character");
    assert_eq!(observations_of_2023(&db).await, 0);
}
