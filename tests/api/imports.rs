//! Bulk imports at scale: refused by size before the body is read, no lock
//! held while the body uploads, writers answered at once while an import
//! applies, one audit entry per import, statistics refreshed afterwards.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Method, StatusCode};
use district_indicators::Config;
use district_indicators::auth::Role;
use district_indicators::store::imports::IMPORT_APPLYING;
use futures_util::stream;
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::sync::mpsc;

use crate::helpers::{RawResponse, TestApp, TestResponse, bearer, new_figure};

const HEADER: &str = "indicator_code,region_code,period_start,period_end,period_label,value,derived,formula,evidence_source_id,evidence_excerpt\n";

/// One CSV row of the fair figure for that year.
fn fair_row(year: i32, value: &str) -> String {
    format!(
        "job_fair_employment_intentions,371502,{year}-01-01,{year}-12-31,{year}年,{value},true,test,dongchangfu-2024,招聘会\n"
    )
}

fn fair_csv(rows: &[(i32, &str)]) -> Vec<u8> {
    let mut csv = HEADER.to_owned();
    for (year, value) in rows {
        csv.push_str(&fair_row(*year, value));
    }
    csv.into_bytes()
}

/// A body whose chunks the test sends when it chooses; dropping the sender
/// ends it.
fn channel_body() -> (mpsc::Sender<std::io::Result<Bytes>>, Body) {
    let (sender, receiver) = mpsc::channel(4);
    let chunks = stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    (sender, Body::from_stream(chunks))
}

/// Starts a CSV import whose body arrives through the returned sender.
fn start_import(
    app: &TestApp,
    editor: &str,
) -> (
    mpsc::Sender<std::io::Result<Bytes>>,
    tokio::task::JoinHandle<RawResponse>,
) {
    let (sender, body) = channel_body();
    let (app, editor) = (app.clone(), editor.to_owned());
    let import = tokio::spawn(async move {
        app.stream_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv"),
            ],
            body,
        )
        .await
    });
    (sender, import)
}

/// A write of one observation, as any editor may send during an import.
async fn post_figure(app: &TestApp, editor: &str) -> TestResponse {
    app.send_json(
        Method::POST,
        "/api/v1/observations",
        &[("authorization", editor)],
        &new_figure(7),
    )
    .await
}

/// Posts a CSV import.
async fn post_csv(app: &TestApp, editor: &str, csv: Vec<u8>) -> RawResponse {
    app.raw_with_body(
        Method::POST,
        "/api/v1/imports",
        &[("authorization", editor), ("content-type", "text/csv")],
        csv,
    )
    .await
}

/// A writer in progress, from the test's own connection: it holds the
/// writers' lock until it is rolled back.
async fn hold_writers_lock(db: &PgPool) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut writer = db.begin().await.unwrap();
    sqlx::query("select version from data_version for update")
        .execute(&mut *writer)
        .await
        .unwrap();
    writer
}

async fn audit_entries(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(db)
        .await
        .unwrap()
}

#[sqlx::test]
async fn an_import_declaring_more_than_max_import_bytes_is_refused_before_its_body_is_read(
    db: PgPool,
) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.max_import_bytes = 1000;
    let app = TestApp::with_config(db, config);
    // A body that never arrives: reading it would hang the request.
    let never = Body::from_stream(stream::pending::<std::io::Result<Bytes>>());
    let refused = tokio::time::timeout(
        Duration::from_secs(2),
        app.stream_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv"),
                ("content-length", "1000000000"),
            ],
            never,
        ),
    )
    .await
    .expect("answered from the Content-Length alone, without reading the body");
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(refused.header("content-type"), "application/problem+json");
    assert!(
        refused.text().contains("MAX_IMPORT_BYTES"),
        "{}",
        refused.text()
    );

    // Without a Content-Length, the body is cut off where it passes the limit.
    let (sender, import) = start_import(&app, &editor);
    sender.send(Ok(Bytes::from(HEADER))).await.unwrap();
    for year in 0..100 {
        if sender
            .send(Ok(Bytes::from(fair_row(2000 + year, "1"))))
            .await
            .is_err()
        {
            break;
        }
    }
    drop(sender);
    let cut = import.await.unwrap();
    assert_eq!(cut.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", cut.text());
}

#[sqlx::test]
async fn a_write_while_an_import_uploads_is_applied_at_once(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let (sender, import) = start_import(&app, &editor);
    sender
        .send(Ok(Bytes::from(format!("{HEADER}{}", fair_row(2020, "10")))))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let write = tokio::time::timeout(Duration::from_secs(1), post_figure(&app, &editor))
        .await
        .expect("a write is not kept waiting by an import's upload");
    assert_eq!(write.status, StatusCode::CREATED, "{}", write.body);

    sender
        .send(Ok(Bytes::from(fair_row(2021, "11"))))
        .await
        .unwrap();
    drop(sender);
    let import = import.await.unwrap();
    assert_eq!(import.status, StatusCode::OK, "{}", import.text());
    let report: Value = serde_json::from_slice(&import.body).unwrap();
    assert_eq!(
        (report["created"].clone(), report["applied"].clone()),
        (json!(2), json!(true))
    );
}

#[sqlx::test]
async fn a_write_while_an_import_applies_is_answered_503_at_once(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    // A writer in progress, from the test's own connection: the import
    // takes its apply lock, then waits for this one to finish.
    let writer = hold_writers_lock(&db).await;
    let (sender, import) = start_import(&app, &editor);
    sender
        .send(Ok(Bytes::from(fair_csv(&[(2020, "10")]))))
        .await
        .unwrap();
    drop(sender);
    // Until the import holds the apply lock (it then waits for `writer`).
    let mut applying = false;
    for _ in 0..100 {
        applying = sqlx::query_scalar(
            "select exists (select 1 from pg_locks where locktype = 'advisory' and granted
                            and mode = 'ExclusiveLock'
                            and ((classid::bigint << 32) | objid::bigint) = $1)",
        )
        .bind(IMPORT_APPLYING)
        .fetch_one(&db)
        .await
        .unwrap();
        if applying {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(applying, "the import reached its apply phase");

    let started = std::time::Instant::now();
    let write = post_figure(&app, &editor).await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "answered in {:?}",
        started.elapsed()
    );
    assert_eq!(
        write.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        write.body
    );
    assert_eq!(write.content_type(), "application/problem+json");
    assert!(write.headers.contains_key("retry-after"));
    assert!(
        write.body["detail"]
            .as_str()
            .unwrap()
            .contains("an import is being applied"),
        "{}",
        write.body
    );

    writer.rollback().await.unwrap();
    let import = import.await.unwrap();
    assert_eq!(import.status, StatusCode::OK, "{}", import.text());
    let retried = post_figure(&app, &editor).await;
    assert_eq!(
        retried.status,
        StatusCode::CREATED,
        "writes resume after the import"
    );
}

#[sqlx::test]
async fn a_second_import_while_one_runs_is_answered_503(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let (sender, first) = start_import(&app, &editor);
    sender.send(Ok(Bytes::from(HEADER))).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = tokio::time::timeout(
        Duration::from_secs(5),
        post_csv(&app, &editor, fair_csv(&[(2021, "11")])),
    )
    .await
    .expect("refused at once, not queued behind the first");
    assert_eq!(
        second.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        second.text()
    );
    assert!(second.headers.contains_key("retry-after"));
    assert!(
        second.text().contains("another import is running"),
        "{}",
        second.text()
    );
    sender
        .send(Ok(Bytes::from(fair_row(2020, "10"))))
        .await
        .unwrap();
    drop(sender);
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
}

#[sqlx::test]
async fn an_import_is_audited_once_and_revisions_still_show_each_change(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db.clone());
    let headers = [
        ("authorization", editor.as_str()),
        ("content-type", "text/csv"),
        ("x-change-reason", "yearbook"),
    ];
    let before = audit_entries(&db).await;
    let created = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            fair_csv(&[(2018, "8"), (2019, "9"), (2020, "10")]),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    assert_eq!(
        audit_entries(&db).await,
        before + 1,
        "one entry for three rows"
    );
    let updated = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            fair_csv(&[(2018, "8"), (2019, "19")]),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    assert_eq!(audit_entries(&db).await, before + 2);

    let log = app
        .get_with(
            "/api/v1/audit?resource=import",
            &[("authorization", admin.as_str())],
        )
        .await;
    assert_eq!(log.pluck("action"), ["import", "import"]);
    assert_eq!(log.data()[1]["key_name"], "alice");
    assert_eq!(log.data()[1]["reason"], "yearbook");
    assert_eq!(
        (
            log.data()[1]["after"]["updated"].clone(),
            log.data()[1]["after"]["unchanged"].clone()
        ),
        (json!(1), json!(1))
    );

    let id: i64 = sqlx::query_scalar(
        "select id from observations where indicator_code = 'job_fair_employment_intentions'
         and period_start = '2019-01-01' and valid_to is null",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let revisions = app
        .get(&format!("/api/v1/observations/{id}/revisions"))
        .await;
    assert_eq!(revisions.status, StatusCode::OK);
    assert_eq!(revisions.pluck("action"), ["create", "replace"]);
    assert_eq!(revisions.pluck("revision"), ["1", "2"]);
    let (create, replace) = (&revisions.data()[0], &revisions.data()[1]);
    assert_eq!(create["before"], Value::Null);
    assert_eq!(create["after"]["value"], json!(9));
    assert_eq!(replace["before"]["value"], json!(9));
    assert_eq!(replace["after"]["value"], json!(19));
    assert_eq!(replace["after"]["valid_to"], Value::Null);
    assert_eq!(
        (
            replace["key_name"].clone(),
            replace["reason"].clone(),
            replace["resource"].clone()
        ),
        // Key names are shown to admins only; this reader is anonymous.
        (Value::Null, json!("yearbook"), json!("observation"))
    );
    // At each entry's moment, the observation has the value it recorded.
    for (entry, value) in revisions.data().iter().zip([9, 19]) {
        let at = entry["at"].as_str().unwrap().replace('+', "%2B");
        let vintage = app
            .get(&format!("/api/v1/observations/{id}?as_of={at}"))
            .await;
        assert_eq!(vintage.body["value"], json!(value), "as of {at}");
    }
    let unchanged_id: i64 = sqlx::query_scalar(
        "select id from observations where indicator_code = 'job_fair_employment_intentions'
         and period_start = '2018-01-01'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let untouched = app
        .get(&format!("/api/v1/observations/{unchanged_id}/revisions"))
        .await;
    assert_eq!(
        untouched.pluck("action"),
        ["create"],
        "an unchanged row has no new revision"
    );
}

#[sqlx::test]
async fn an_import_of_at_least_import_analyze_rows_analyses_observations(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.import_analyze_rows = 3;
    let app = TestApp::with_config(db.clone(), config);
    let last_analyze = || async {
        sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
            "select last_analyze from pg_stat_user_tables where relname = 'observations'",
        )
        .fetch_one(&db)
        .await
        .unwrap()
    };
    assert_eq!(last_analyze().await, None, "not analysed before");
    let small = post_csv(&app, &editor, fair_csv(&[(2018, "8"), (2019, "9")])).await;
    assert_eq!(small.status, StatusCode::OK, "{}", small.text());
    assert_eq!(
        last_analyze().await,
        None,
        "two rows are below the threshold"
    );
    let large = post_csv(
        &app,
        &editor,
        fair_csv(&[(2020, "10"), (2021, "11"), (2022, "12")]),
    )
    .await;
    assert_eq!(large.status, StatusCode::OK, "{}", large.text());
    assert!(last_analyze().await.is_some(), "analysed after three rows");
}

#[sqlx::test]
async fn a_json_array_import_is_read_element_by_element(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let headers = [
        ("authorization", editor.as_str()),
        ("content-type", "application/json"),
    ];
    let mut other = new_figure(2);
    other["period_start"] = json!("2022-01-01");
    other["period_end"] = json!("2022-12-31");
    other["formula"] = json!("restated [from a table] {with \\\"quotes\\\"}");
    let body = format!(" [ {} ,\n{} ] ", new_figure(1), json!({"value": "many"}));
    let rejected = app
        .raw_with_body(Method::POST, "/api/v1/imports", &headers, body.into_bytes())
        .await;
    assert_eq!(
        rejected.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        rejected.text()
    );
    let problem: Value = serde_json::from_slice(&rejected.body).unwrap();
    assert_eq!(problem["report"]["rejections"][0]["line"], 2, "by position");
    let body = json!([new_figure(1), other]).to_string();
    // Split inside a string with brackets, as chunks of a stream may be.
    let (first, second) = body.split_at(body.find("[from").unwrap() + 3);
    let chunks = stream::iter([
        Ok::<_, std::io::Error>(Bytes::from(first.to_owned())),
        Ok(Bytes::from(second.to_owned())),
    ]);
    let applied = app
        .stream_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            Body::from_stream(chunks),
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.text());
    let report: Value = serde_json::from_slice(&applied.body).unwrap();
    assert_eq!(report["rows"], 2);
    for broken in ["[{}", "{}", "[1,]", "[1] 2"] {
        let response = app
            .raw_with_body(Method::POST, "/api/v1/imports", &headers, broken.into())
            .await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{broken}: {}",
            response.text()
        );
    }
}

#[sqlx::test]
async fn the_database_still_refuses_rows_that_break_the_rules_of_a_printed_figure(db: PgPool) {
    // Whatever writes them (the checks run once per insert statement now).
    let offset = std::sync::atomic::AtomicI32::new(1000);
    let insert = |excerpt: &'static str, value: &'static str, text: &'static str| {
        // Each row a period of its own, so that only the rule under test fails.
        let days = offset.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let db = db.clone();
        async move {
            sqlx::query(
                "insert into observations (indicator_code, region_code, period_start, period_end, period_label,
                                           value, qualifier, reported_value, reported_unit, reported_unit_code,
                                           reported_text, source_id, excerpt)
                 select indicator_code, region_code, period_start + $4, period_end + $4, period_label,
                        $2::numeric, qualifier, reported_value, reported_unit, reported_unit_code,
                        $3, source_id, $1
                 from observations where id = 20",
            )
            .bind(excerpt)
            .bind(value)
            .bind(text)
            .bind(days)
            .execute(&db)
            .await
            .err()
            .and_then(|error| error.as_database_error().and_then(|e| e.constraint().map(str::to_owned)))
        }
    };
    let quote = "落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元";
    assert_eq!(
        insert(quote, "3784600", "378.46万元").await,
        None,
        "a faithful row"
    );
    assert_eq!(
        insert("not in the report", "3784600", "378.46万元")
            .await
            .as_deref(),
        Some("excerpt_in_source")
    );
    assert_eq!(
        insert(quote, "3784601", "378.46万元").await.as_deref(),
        Some("observations_reported_value")
    );
    assert_eq!(
        insert(quote, "3784600", "378.47万元").await.as_deref(),
        Some("observations_reported_text")
    );
}

#[sqlx::test]
async fn an_import_that_changes_nothing_keeps_no_writer_out(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let export = app
        .raw(Method::GET, "/api/v1/observations?format=csv", &[])
        .await
        .body;
    // A writer in progress: an import that took the writers' lock would wait.
    let writer = hold_writers_lock(&db).await;
    let unchanged = tokio::time::timeout(Duration::from_secs(5), post_csv(&app, &editor, export))
        .await
        .expect("an import with nothing to write does not wait for the writers' lock");
    assert_eq!(unchanged.status, StatusCode::OK, "{}", unchanged.text());
    let report: Value = serde_json::from_slice(&unchanged.body).unwrap();
    assert_eq!(
        (report["unchanged"].clone(), report["applied"].clone()),
        (json!(28), json!(true))
    );
    writer.rollback().await.unwrap();
}
