//! Writes: keys and roles, validation, optimistic concurrency, revisions
//! and vintages, the audit log, bulk imports, limits.

use axum::http::{Method, StatusCode};
use district_indicators::Config;
use district_indicators::auth::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{TestApp, bearer, new_figure};

/// The printed refund figure, as a replacement body with another value.
fn refund(value_10k: &str) -> Value {
    json!({
        "indicator": "job_retention_refund_amount",
        "region": "371502",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "period_label": "2024年",
        "value": value_10k.parse::<f64>().unwrap(),
        "unit": "cny_10k",
        "reported": { "value": value_10k.parse::<f64>().unwrap(), "unit": "万元", "unit_code": "cny_10k", "text": "378.46万元" },
        "source_id": "dongchangfu-2024",
        "excerpt": "落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元"
    })
}

async fn snapshot(db: &PgPool) -> (Value, i64) {
    let rows: Value = sqlx::query_scalar(
        "select coalesce(jsonb_agg(to_jsonb(o) order by version_id), '[]') from observations o",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let audits: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(db)
        .await
        .unwrap();
    (rows, audits)
}

#[sqlx::test]
async fn writes_need_a_valid_key_and_the_right_role(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let none = app
        .send_json(Method::POST, "/api/v1/observations", &[], &new_figure(1))
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.headers["www-authenticate"],
        "Bearer realm=\"district-indicators\""
    );
    assert_eq!(none.content_type(), "application/problem+json");
    for bad in [
        "Bearer di_abcdefgh_wrong",
        "Bearer nonsense",
        "Basic YWxhZGRpbjpvcGVu",
    ] {
        let response = app
            .send_json(
                Method::POST,
                "/api/v1/observations",
                &[("authorization", bad)],
                &new_figure(1),
            )
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(
            response.headers["www-authenticate"]
                .to_str()
                .unwrap()
                .contains("invalid_token")
        );
    }
    let region = json!({ "code": "371502-yanji", "parent_code": "371502", "level": "township",
                         "name_zh": "阎寺街道", "name_en": "Yansi Subdistrict", "note": null });
    let low = app
        .send_json(
            Method::POST,
            "/api/v1/regions",
            &[("authorization", &editor)],
            &region,
        )
        .await;
    assert_eq!(low.status, StatusCode::FORBIDDEN);
    assert!(low.body["detail"].as_str().unwrap().contains("needs admin"));
    let audit = app
        .get_with("/api/v1/audit", &[("authorization", &editor)])
        .await;
    assert_eq!(audit.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn a_key_is_stored_only_as_a_hash_and_stops_working_when_revoked(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let secret = editor.rsplit('_').next().unwrap().to_owned();
    let stored: Vec<u8> =
        sqlx::query_scalar("select secret_sha256 from api_keys where name = 'alice'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(stored.len(), 32);
    let everything: String = sqlx::query_scalar("select to_jsonb(k)::text from api_keys k")
        .fetch_one(&db)
        .await
        .unwrap();
    assert!(!everything.contains(&secret), "the secret is not stored");
    let app = TestApp::new(db.clone());
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", &editor)],
            &new_figure(1),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert!(
        district_indicators::store::keys::revoke_key(&db, "alice")
            .await
            .unwrap()
    );
    let revoked = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", &editor)],
            &new_figure(2),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test]
async fn a_created_observation_is_served_with_its_etag_location_and_audit(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[
                ("authorization", &editor),
                ("x-change-reason", "back%20data%20%E8%A1%A5%E5%BD%95"),
            ],
            &new_figure(150),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    assert_eq!(
        created.headers["location"],
        format!("/api/v1/observations/{id}").as_str()
    );
    let etag = created.headers["etag"].to_str().unwrap();
    assert!(
        etag.starts_with(&format!("\"observation-{id}-r1-")),
        "{etag}"
    );
    assert_eq!(created.body["value"], json!(150));
    let fetched = app.get(&format!("/api/v1/observations/{id}")).await;
    assert_eq!(fetched.headers["etag"], etag);
    assert_eq!(fetched.body["period_label"], "2023年");
    let revisions = app
        .get(&format!("/api/v1/observations/{id}/revisions"))
        .await;
    assert_eq!(revisions.pluck("action"), ["create"]);
    // Key names are the audit log's: only an admin sees them here
    // (revisions::revisions_show_key_names_to_admins_only).
    assert_eq!(revisions.data()[0]["key_name"], Value::Null);
    assert_eq!(revisions.data()[0]["reason"], "back data 补录");
    assert_eq!(revisions.data()[0]["after"]["value"], json!(150));
}

#[sqlx::test]
async fn every_problem_with_a_body_is_listed_at_once(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let mut bad = new_figure(1);
    bad["indicator"] = json!("gdp");
    bad["region"] = json!("999999");
    bad["period_end"] = json!("2022-01-01");
    bad["excerpt"] = json!("这句话不在报道里");
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", &editor)],
            &bad,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["indicator", "region", "period_end", "excerpt"]);

    for (value, unit, message) in [
        (json!(-5), None, "at least 0"),
        (json!(12.5), None, "whole number"),
        (json!(5), Some("cny"), "measures currency"),
        (json!(5), Some("furlong"), "no unit has code `furlong`"),
    ] {
        let mut body = new_figure(1);
        body["value"] = value;
        if let Some(unit) = unit {
            body["unit"] = json!(unit);
        }
        let response = app
            .send_json(
                Method::POST,
                "/api/v1/observations",
                &[("authorization", &editor)],
                &body,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        assert!(
            response.body.to_string().contains(message),
            "{message}: {}",
            response.body
        );
    }
}

#[sqlx::test]
async fn a_duplicate_indicator_region_and_period_is_409(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let auth = [("authorization", editor.as_str())];
    assert_eq!(
        app.send_json(Method::POST, "/api/v1/observations", &auth, &new_figure(1))
            .await
            .status,
        StatusCode::CREATED
    );
    let again = app
        .send_json(Method::POST, "/api/v1/observations", &auth, &new_figure(2))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body["detail"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
}

#[sqlx::test]
async fn bodies_that_cannot_be_read_get_415_400_and_413(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.max_body_bytes = 2048;
    let app = TestApp::with_config(db, config);
    let auth = ("authorization", editor.as_str());
    let text = app
        .raw_with_body(
            Method::POST,
            "/api/v1/observations",
            &[auth, ("content-type", "text/plain")],
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let broken = app
        .raw_with_body(
            Method::POST,
            "/api/v1/observations",
            &[auth, ("content-type", "application/json")],
            b"{\n  \"value\": ,\n}".to_vec(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert!(broken.text().contains("line 2 column"), "{}", broken.text());
    let huge = app
        .raw_with_body(
            Method::POST,
            "/api/v1/observations",
            &[auth, ("content-type", "application/json")],
            format!("{{\"excerpt\": \"{}\"}}", "x".repeat(4096)).into_bytes(),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    let shape = app
        .raw_with_body(
            Method::POST,
            "/api/v1/observations",
            &[auth, ("content-type", "application/json")],
            b"{\"value\": \"many\"}".to_vec(),
        )
        .await;
    assert_eq!(
        shape.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        shape.text()
    );
}

#[sqlx::test]
async fn replace_and_delete_need_a_current_if_match(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let auth = ("authorization", editor.as_str());
    let missing = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[auth],
            &refund("378.46"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED);
    let stale = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[auth, ("if-match", "\"observation-20-r7\"")],
            &refund("378.46"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        stale.body["detail"]
            .as_str()
            .unwrap()
            .contains("revision 1")
    );
    let gone = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/999999",
            &[auth, ("if-match", "*")],
            &refund("378.46"),
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let no_precondition = app
        .send(Method::DELETE, "/api/v1/observations/20", &[auth])
        .await;
    assert_eq!(no_precondition.status, StatusCode::PRECONDITION_REQUIRED);
}

#[sqlx::test]
async fn of_two_replaces_with_the_same_if_match_exactly_one_succeeds(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let headers = [
        ("authorization", editor.as_str()),
        ("if-match", "\"observation-20-r1\""),
    ];
    let (one, two) = (refund("378.47"), refund("378.48"));
    let (first, second) = tokio::join!(
        app.send_json(Method::PUT, "/api/v1/observations/20", &headers, &one),
        app.send_json(Method::PUT, "/api/v1/observations/20", &headers, &two),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
    let revisions = app.get("/api/v1/observations/20/revisions").await;
    assert_eq!(
        revisions.pluck("action"),
        ["create", "replace"],
        "exactly one change was recorded"
    );
}

#[sqlx::test]
async fn three_replaces_leave_three_revisions_and_as_of_serves_each_version(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let mut etag = app.get("/api/v1/observations/20").await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    for value in ["378.5", "378.6", "378.7"] {
        let replaced = app
            .send_json(
                Method::PUT,
                "/api/v1/observations/20",
                &[
                    ("authorization", editor.as_str()),
                    ("if-match", etag.as_str()),
                ],
                &refund(value),
            )
            .await;
        assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
        etag = replaced.headers["etag"].to_str().unwrap().to_owned();
    }
    assert!(etag.starts_with("\"observation-20-r4-"), "{etag}");
    let revisions = app.get("/api/v1/observations/20/revisions").await;
    assert_eq!(
        revisions.pluck("action"),
        ["create", "replace", "replace", "replace"]
    );
    assert_eq!(revisions.pluck("revision"), ["1", "2", "3", "4"]);
    let expected = ["3784600", "3785000", "3786000", "3787000"];
    for (entry, value) in revisions.data().iter().zip(expected) {
        assert_eq!(entry["after"]["value"].to_string(), value);
        let at = entry["at"].as_str().unwrap();
        let vintage = app
            .get(&format!(
                "/api/v1/observations/20?as_of={}",
                at.replace('+', "%2B")
            ))
            .await;
        assert_eq!(vintage.body["value"].to_string(), value, "as of {at}");
        let listed = app
            .get(&format!(
                "/api/v1/observations?indicator=job_retention_refund_amount&as_of={}",
                at.replace('+', "%2B")
            ))
            .await;
        assert_eq!(
            listed.data()[0]["value"].to_string(),
            value,
            "the list as of {at}"
        );
    }
    assert_eq!(
        revisions.data()[2]["before"]["value"].to_string(),
        "3785000"
    );
    let second = revisions.data()[1]["at"]
        .as_str()
        .unwrap()
        .replace('+', "%2B");
    let series = app
        .get(&format!(
            "/api/v1/series?indicator=job_retention_refund_amount&region=371502&as_of={second}"
        ))
        .await;
    assert_eq!(
        series.body["points"][0]["value"].to_string(),
        "3785000",
        "the series as of the second revision"
    );
    let before_seed = app
        .get("/api/v1/observations/20?as_of=2000-01-01T00:00:00Z")
        .await;
    assert_eq!(before_seed.status, StatusCode::NOT_FOUND);
}

#[sqlx::test]
async fn a_delete_is_a_tombstone(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let deleted = app
        .send(
            Method::DELETE,
            "/api/v1/observations/20",
            &[
                ("authorization", editor.as_str()),
                ("if-match", "\"observation-20-r1\""),
            ],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/observations/20").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/observations?region=371502").await.body["meta"]["total"],
        26
    );
    let revisions = app.get("/api/v1/observations/20/revisions").await;
    assert_eq!(revisions.pluck("action"), ["create", "delete"]);
    let at: String = sqlx::query_scalar("select to_json(valid_to - interval '1 millisecond') #>> '{}' from observations where id = 20")
        .fetch_one(&db)
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("select count(*) from observations where id = 20")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 1, "the row is still stored");
    let vintage = app
        .get(&format!(
            "/api/v1/observations/20?as_of={}",
            at.replace('+', "%2B")
        ))
        .await;
    assert_eq!(
        vintage.status,
        StatusCode::OK,
        "just before the delete, {at}, it was there"
    );
}

#[sqlx::test]
async fn injection_strings_are_stored_verbatim_or_rejected_never_run(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let evil = "'); drop table observations; -- \" OR 1=1 --";
    let recognition = json!({
        "region": "371502", "holder_zh": evil, "holder_en": evil, "topic": "health",
        "title_zh": evil, "title_en": evil, "category": "title", "level": "national", "year": 2024,
        "source_id": "dongchangfu-2024", "excerpt": "省级健康教育基地"
    });
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/recognitions",
            &[
                ("authorization", editor.as_str()),
                ("x-change-reason", "1%27%3B%20drop%20table%20x"),
            ],
            &recognition,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let fetched = app.get(&format!("/api/v1/recognitions/{id}")).await;
    assert_eq!(fetched.body["title_zh"], evil);
    assert_eq!(fetched.body["holder_en"], evil);
    let mut bad_code = recognition.clone();
    bad_code["region"] = json!(evil);
    let rejected = app
        .send_json(
            Method::POST,
            "/api/v1/recognitions",
            &[("authorization", editor.as_str())],
            &bad_code,
        )
        .await;
    assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY);
    for uri in [
        "/api/v1/observations?indicator=%27%3B%20drop%20table%20observations%3B%20--",
        "/api/v1/observations/1%3B%20drop%20table%20observations",
        "/api/v1/audit?key=%27%20or%201%3D1",
    ] {
        let response = app.get(uri).await;
        assert!(
            response.status.is_client_error(),
            "{uri}: {}",
            response.status
        );
    }
    let count: i64 = sqlx::query_scalar("select count(*) from observations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(count, 28, "nothing was dropped");
}

#[sqlx::test]
async fn writes_are_rate_limited_per_key(db: PgPool) {
    let alice = bearer(&db, "alice", Role::Editor).await;
    let bob = bearer(&db, "bob", Role::Editor).await;
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.write_rate_limit_per_minute = 2;
    let app = TestApp::with_config(db, config);
    let statuses: Vec<StatusCode> = {
        let mut statuses = Vec::new();
        for value in 1..=3 {
            let mut body = new_figure(value);
            body["period_start"] = json!(format!("{}-01-01", 2000 + value));
            body["period_end"] = json!(format!("{}-12-31", 2000 + value));
            statuses.push(
                app.send_json(
                    Method::POST,
                    "/api/v1/observations",
                    &[("authorization", &alice)],
                    &body,
                )
                .await
                .status,
            );
        }
        statuses
    };
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    let limited = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", &alice)],
            &new_figure(9),
        )
        .await;
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let other_key = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", &bob)],
            &new_figure(9),
        )
        .await;
    assert_eq!(
        other_key.status,
        StatusCode::CREATED,
        "another key has its own budget"
    );
}

#[sqlx::test]
async fn reads_can_require_a_key(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.reads_require_key = true;
    let app = TestApp::with_config(db, config);
    assert_eq!(
        app.get("/api/v1/topics").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_with("/api/v1/topics", &[("authorization", &editor)])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn admins_write_the_catalogue_and_read_the_audit_log(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db);
    let auth = ("authorization", admin.as_str());
    let region = json!({ "code": "371502-yansi", "parent_code": "371502", "level": "township",
                         "name_zh": "阎寺街道", "name_en": "Yansi Subdistrict", "note": null });
    let created = app
        .send_json(Method::POST, "/api/v1/regions", &[auth], &region)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let etag = app.get("/api/v1/regions/371502-yansi").await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with("\"region-371502-yansi-r1-"), "{etag}");
    let mut renamed = region.clone();
    renamed["name_en"] = json!("Yansi Street");
    let replaced = app
        .send_json(
            Method::PUT,
            "/api/v1/regions/371502-yansi",
            &[auth, ("if-match", &etag)],
            &renamed,
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    assert_eq!(
        app.get("/api/v1/regions/371502-yansi").await.body["name_en"],
        "Yansi Street"
    );
    let in_use = app
        .send(
            Method::DELETE,
            "/api/v1/regions/371502",
            &[auth, ("if-match", "*")],
        )
        .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
    assert!(
        in_use.body["detail"]
            .as_str()
            .unwrap()
            .contains("observation(s)")
    );
    let deleted = app
        .send(
            Method::DELETE,
            "/api/v1/regions/371502-yansi",
            &[auth, ("if-match", "\"region-371502-yansi-r2\"")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/regions/371502-yansi").await.status,
        StatusCode::NOT_FOUND
    );

    let audit = app
        .get_with("/api/v1/audit?key=root&resource=region", &[auth])
        .await;
    assert_eq!(audit.status, StatusCode::OK);
    assert_eq!(audit.pluck("action"), ["create", "replace", "delete"]);
    assert_eq!(audit.data()[1]["before"]["name_en"], "Yansi Subdistrict");
    assert_eq!(audit.data()[1]["after"]["name_en"], "Yansi Street");
    let seeded = app.get_with("/api/v1/audit?key=seed", &[auth]).await;
    assert_eq!(seeded.body["meta"]["total"], 28);
}

#[sqlx::test]
async fn an_exported_csv_imports_back_unchanged(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let export = app
        .raw(Method::GET, "/api/v1/observations?format=csv", &[])
        .await
        .body;
    let before = snapshot(&db).await;
    let report = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv"),
            ],
            export,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    let report: Value = serde_json::from_slice(&report.body).unwrap();
    assert_eq!(report["rows"], 28);
    assert_eq!(report["unchanged"], 28);
    assert_eq!(report["applied"], true);
    assert_eq!(snapshot(&db).await, before, "nothing changed");
}

/// A CSV body: the header and rows of (period year, value) for the fair figure.
fn csv_import(rows: &[(i32, &str)]) -> Vec<u8> {
    let mut csv = String::from(
        "indicator_code,region_code,period_start,period_end,period_label,value,derived,formula,evidence_source_id,evidence_excerpt\n",
    );
    for (year, value) in rows {
        csv.push_str(&format!(
            "job_fair_employment_intentions,371502,{year}-01-01,{year}-12-31,{year}年,{value},true,test,dongchangfu-2024,招聘会\n"
        ));
    }
    csv.into_bytes()
}

#[sqlx::test]
async fn a_failed_import_leaves_the_data_exactly_as_it_was(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let before = snapshot(&db).await;
    let body = csv_import(&[
        (2020, "10"),
        (2021, "11"),
        (2022, "-3"),
        (2021, "12"),
        (2019, "abc"),
    ]);
    let response = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv"),
            ],
            body,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.header("content-type"), "application/problem+json");
    let problem: Value = serde_json::from_slice(&response.body).unwrap();
    let lines: Vec<u64> = problem["report"]["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        [4, 5, 6],
        "a negative count, a repeated key and a bad number, by line"
    );
    assert!(
        problem["report"]["rejections"][1]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 3")
    );
    assert_eq!(problem["report"]["applied"], false);
    assert_eq!(snapshot(&db).await, before, "nothing was written");
}

#[sqlx::test]
async fn a_dry_run_reports_and_writes_nothing_and_strategies_are_honoured(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let headers = [
        ("authorization", editor.as_str()),
        ("content-type", "text/csv"),
    ];
    let before = snapshot(&db).await;
    let dry = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports?dry_run=true",
            &headers,
            csv_import(&[(2020, "10"), (2021, "11")]),
        )
        .await;
    let dry: Value = serde_json::from_slice(&dry.body).unwrap();
    assert_eq!(
        (
            dry["created"].clone(),
            dry["applied"].clone(),
            dry["dry_run"].clone()
        ),
        (json!(2), json!(false), json!(true))
    );
    assert_eq!(snapshot(&db).await, before);

    let created = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports?strategy=create",
            &headers,
            csv_import(&[(2020, "10")]),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    let again = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports?strategy=create",
            &headers,
            csv_import(&[(2020, "10")]),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let update_new = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports?strategy=update",
            &headers,
            csv_import(&[(2019, "9")]),
        )
        .await;
    assert_eq!(update_new.status, StatusCode::UNPROCESSABLE_ENTITY);
    let upsert = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports?strategy=upsert",
            &headers,
            csv_import(&[(2020, "12"), (2019, "9")]),
        )
        .await;
    let upsert: Value = serde_json::from_slice(&upsert.body).unwrap();
    assert_eq!(
        (upsert["created"].clone(), upsert["updated"].clone()),
        (json!(1), json!(1))
    );
    let revisions = app.get("/api/v1/observations?indicator=job_fair_employment_intentions&from=2020-01-01&to=2020-12-31").await;
    assert_eq!(revisions.data()[0]["value"], json!(12));
    assert_eq!(revisions.data()[0]["revision"], json!(2));
}

#[sqlx::test]
async fn a_retried_import_with_the_same_idempotency_key_is_applied_once(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let headers = [
        ("authorization", editor.as_str()),
        ("content-type", "text/csv"),
        ("idempotency-key", "import-42"),
    ];
    let first = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            csv_import(&[(2020, "10")]),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let audits = snapshot(&db).await.1;
    let retry = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            csv_import(&[(2020, "10")]),
        )
        .await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.header("idempotent-replayed"), "true");
    let (retried, original): (Value, Value) = (
        serde_json::from_slice(&retry.body).unwrap(),
        serde_json::from_slice(&first.body).unwrap(),
    );
    assert_eq!(retried, original, "the first answer, again");
    assert_eq!(snapshot(&db).await.1, audits, "not applied twice");
    let other = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &headers,
            csv_import(&[(2020, "11")]),
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
}

#[sqlx::test]
async fn imports_take_ndjson_and_json_too(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let ndjson = format!("{}\n\n{}\n", new_figure(1), {
        let mut other = new_figure(2);
        other["period_start"] = json!("2022-01-01");
        other["period_end"] = json!("2022-12-31");
        other
    });
    let response = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "application/x-ndjson"),
            ],
            ndjson.into_bytes(),
        )
        .await;
    let report: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(report["created"], 2, "{report}");
    let json_body = json!([new_figure(5)]).to_string().into_bytes();
    let response = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "application/json"),
            ],
            json_body,
        )
        .await;
    let report: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        (report["updated"].clone(), report["applied"].clone()),
        (json!(1), json!(true))
    );
    let wrong = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "application/xml"),
            ],
            b"<x/>".to_vec(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[sqlx::test]
async fn injection_strings_in_every_query_parameter_change_nothing(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db.clone());
    let before = snapshot(&db).await;
    let evil = "%27%3B%20drop%20table%20observations%3B%20--";
    let doc = app.get("/api/v1/openapi.json").await.body;
    let mut probed = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else {
            continue;
        };
        let path = path.replace("{code}", "371502").replace("{id}", "1");
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let name = parameter["name"].as_str().unwrap();
            let uri = format!("{path}?{name}={evil}");
            let response = app
                .get_with(&uri, &[("authorization", admin.as_str())])
                .await;
            assert!(
                response.status.is_success() || response.status.is_client_error(),
                "{uri}: {}",
                response.status
            );
            probed += 1;
        }
    }
    assert!(
        probed > 50,
        "every documented query parameter was probed ({probed})"
    );
    assert_eq!(snapshot(&db).await, before, "nothing changed");
}

#[sqlx::test]
async fn text_that_postgres_cannot_store_is_422_not_500(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db.clone());
    let mut body = new_figure(1);
    body["period_label"] = json!("2023\u{0}年");
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", editor.as_str())],
            &body,
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(response.body["errors"][0]["field"], "period_label");
    let topic = json!({ "code": "education", "name_zh": "教育\u{0}", "name_en": "Education", "position": 9 });
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/topics",
            &[("authorization", admin.as_str())],
            &topic,
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[
                ("authorization", editor.as_str()),
                ("x-change-reason", "a%00b"),
            ],
            &new_figure(1),
        )
        .await;
    assert_eq!(reason.status, StatusCode::BAD_REQUEST);
    assert_eq!(reason.body["errors"][0]["field"], "X-Change-Reason");
}

#[sqlx::test]
async fn an_empty_csv_cell_for_a_value_or_date_is_rejected_not_defaulted(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db.clone());
    let before = snapshot(&db).await;
    let csv = "indicator_code,region_code,period_start,period_end,period_label,value,derived,formula,evidence_source_id,evidence_excerpt\n\
               job_fair_employment_intentions,371502,2020-01-01,2020-12-31,2020年,,true,test,dongchangfu-2024,招聘会\n\
               job_fair_employment_intentions,371502,,2021-12-31,2021年,5,true,test,dongchangfu-2024,招聘会\n";
    let response = app
        .raw_with_body(
            Method::POST,
            "/api/v1/imports",
            &[
                ("authorization", editor.as_str()),
                ("content-type", "text/csv"),
            ],
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        problem["report"]["rejections"][0]["errors"][0]["field"],
        "value"
    );
    assert_eq!(
        problem["report"]["rejections"][1]["errors"][0]["field"],
        "period_start"
    );
    assert_eq!(snapshot(&db).await, before);
}

#[sqlx::test]
async fn a_region_cannot_be_moved_below_itself(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db);
    let city = json!({ "code": "371500", "parent_code": "371502-tangyi", "level": "prefecture",
                       "name_zh": "聊城市", "name_en": "Liaocheng City", "note": null });
    let response = app
        .send_json(
            Method::PUT,
            "/api/v1/regions/371500",
            &[("authorization", admin.as_str()), ("if-match", "*")],
            &city,
        )
        .await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    assert!(
        response.body["detail"]
            .as_str()
            .unwrap()
            .contains("lies within it")
    );
    let subtree = app
        .get("/api/v1/observations?region=371500&descendants=true")
        .await;
    assert_eq!(
        subtree.body["meta"]["total"], 28,
        "the hierarchy is unchanged"
    );
}

#[sqlx::test]
async fn an_etag_of_another_resource_does_not_match(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let tag = app.get("/api/v1/observations/19").await.headers["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(tag.starts_with("\"observation-19-r1-"), "{tag}");
    let response = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[
                ("authorization", editor.as_str()),
                ("if-match", tag.as_str()),
            ],
            &refund("378.46"),
        )
        .await;
    assert_eq!(response.status, StatusCode::PRECONDITION_FAILED);
    let weak = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[
                ("authorization", editor.as_str()),
                ("if-match", "W/\"observation-20-r1\""),
            ],
            &refund("378.46"),
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::PRECONDITION_FAILED,
        "If-Match compares strongly"
    );
}
