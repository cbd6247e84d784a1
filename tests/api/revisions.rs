//! Who may see who changed a figure, and tags that follow the whole
//! representation of a resource, joined names included.

use axum::http::{Method, StatusCode};
use district_indicators::auth::Role;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::{TestApp, bearer, new_figure};

fn etag_of(response: &crate::helpers::TestResponse) -> String {
    response.headers["etag"].to_str().unwrap().to_owned()
}

#[sqlx::test]
async fn revisions_show_key_names_to_admins_only(db: PgPool) {
    let editor = bearer(&db, "alice", Role::Editor).await;
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db);
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/observations",
            &[("authorization", editor.as_str())],
            &new_figure(150),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let uri = format!(
        "/api/v1/observations/{}/revisions",
        created.body["id"].as_i64().unwrap()
    );
    for (who, headers) in [
        ("anonymous", vec![]),
        ("an editor", vec![("authorization", editor.as_str())]),
    ] {
        let revisions = app.get_with(&uri, &headers).await;
        assert_eq!(revisions.status, StatusCode::OK, "{who}");
        assert_eq!(revisions.pluck("action"), ["create"], "{who}");
        assert_eq!(revisions.data()[0]["key_name"], Value::Null, "{who}");
        assert_eq!(revisions.data()[0]["after"]["value"], json!(150), "{who}");
        assert!(!revisions.body.to_string().contains("alice"), "{who}");
        let mut csv_headers = headers.clone();
        csv_headers.push(("accept", "text/csv"));
        let csv = app.raw(Method::GET, &uri, &csv_headers).await;
        assert_eq!(csv.status, StatusCode::OK, "{who}");
        assert!(!csv.text().contains("alice"), "{who}: {}", csv.text());
    }
    let revisions = app
        .get_with(&uri, &[("authorization", admin.as_str())])
        .await;
    assert_eq!(revisions.data()[0]["key_name"], "alice");
    // What an admin is shown is theirs: a tag of its own, and no shared
    // cache may keep it.
    let public = app.get(&uri).await;
    assert_ne!(etag_of(&revisions), etag_of(&public));
    assert!(
        public.headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    assert!(
        revisions.headers["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let vary: Vec<&str> = revisions
        .headers
        .get_all("vary")
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    assert!(vary.join(", ").contains("Authorization"), "{vary:?}");
    let anonymous_revalidation = app
        .get_with(&uri, &[("if-none-match", etag_of(&revisions).as_str())])
        .await;
    assert_eq!(anonymous_revalidation.status, StatusCode::OK);
    // The seed's own history names no key to the public either.
    let seeded = app.get("/api/v1/observations/20/revisions").await;
    assert_eq!(seeded.data()[0]["key_name"], Value::Null);
    // A bad key is refused, not treated as anonymous.
    let bad = app
        .get_with(&uri, &[("authorization", "Bearer di_nonsense")])
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

/// Renames one catalogue item by PUT, as an admin, from its current GET.
async fn rename(app: &TestApp, admin: &str, uri: &str, body: Value) {
    let current = app.get(uri).await;
    assert_eq!(current.status, StatusCode::OK, "{uri}");
    let replaced = app
        .send_json(
            Method::PUT,
            uri,
            &[
                ("authorization", admin),
                ("if-match", etag_of(&current).as_str()),
            ],
            &body,
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{uri}: {}", replaced.body);
}

#[sqlx::test]
async fn an_observations_tag_changes_when_a_joined_name_changes(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let editor = bearer(&db, "alice", Role::Editor).await;
    let app = TestApp::new(db);
    let renames = [
        (
            "/api/v1/regions/371502",
            json!({ "code": "371502", "parent_code": "371500", "level": "county",
                    "name_zh": "东昌府区", "name_en": "Dongchangfu", "note": null }),
            "region",
        ),
        (
            "/api/v1/topics/employment_social_security",
            json!({ "code": "employment_social_security", "name_zh": "就业与社会保障",
                    "name_en": "Jobs and social security", "position": 5 }),
            "topic",
        ),
        (
            "/api/v1/units/cny",
            json!({ "code": "cny", "symbol_zh": "元", "name_zh": "元", "name_en": "Chinese yuan",
                    "dimension": "currency", "base_code": "cny", "factor": 1 }),
            "unit",
        ),
    ];
    let first = app.get("/api/v1/observations/20").await;
    let first_tag = etag_of(&first);
    let mut tags = vec![first_tag.clone()];
    for (uri, body, what) in renames {
        rename(&app, &admin, uri, body).await;
        let after = app.get("/api/v1/observations/20").await;
        assert_eq!(
            after.body["revision"], 1,
            "{what}: the observation itself is unchanged"
        );
        let tag = etag_of(&after);
        assert!(
            !tags.contains(&tag),
            "renaming its {what} left the tag {tag}"
        );
        // A client holding the old tag gets the new representation, not 304.
        let revalidated = app
            .get_with(
                "/api/v1/observations/20",
                &[("if-none-match", tags.last().unwrap())],
            )
            .await;
        assert_eq!(revalidated.status, StatusCode::OK, "{what}");
        tags.push(tag);
    }
    assert_eq!(
        app.get("/api/v1/observations/20").await.body["region"]["name_en"],
        "Dongchangfu"
    );
    // The current tag still revalidates.
    let current = tags.last().unwrap();
    let revalidated = app
        .get_with("/api/v1/observations/20", &[("if-none-match", current)])
        .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);

    // `If-Match` compares the observation's own revision: a tag read before
    // the renames still names revision 1, so the replace goes through.
    let mut body = new_figure(150);
    body["indicator"] = json!("job_retention_refund_amount");
    body["period_start"] = json!("2024-01-01");
    body["period_end"] = json!("2024-12-31");
    body["period_label"] = json!("2024年");
    body["excerpt"] = json!("落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元");
    let replaced = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[
                ("authorization", editor.as_str()),
                ("if-match", first_tag.as_str()),
            ],
            &body,
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let written_tag = etag_of(&replaced);
    assert!(
        written_tag.starts_with("\"observation-20-r2-"),
        "{written_tag}"
    );
    // The tag of the write's answer is the tag a GET then serves.
    assert_eq!(
        etag_of(&app.get("/api/v1/observations/20").await),
        written_tag
    );
    // …and a tag of revision 1, in any form, is now stale.
    let stale = app
        .send_json(
            Method::PUT,
            "/api/v1/observations/20",
            &[
                ("authorization", editor.as_str()),
                ("if-match", current.as_str()),
            ],
            &body,
        )
        .await;
    assert_eq!(
        stale.status,
        StatusCode::PRECONDITION_FAILED,
        "{}",
        stale.body
    );
}

#[sqlx::test]
async fn a_regions_tag_changes_when_its_parent_is_renamed(db: PgPool) {
    let admin = bearer(&db, "root", Role::Admin).await;
    let app = TestApp::new(db);
    let before = etag_of(&app.get("/api/v1/regions/371502").await);
    rename(
        &app,
        &admin,
        "/api/v1/regions/371500",
        json!({ "code": "371500", "parent_code": "370000", "level": "prefecture",
                "name_zh": "聊城市", "name_en": "Liaocheng", "note": null }),
    )
    .await;
    let after = app.get("/api/v1/regions/371502").await;
    assert_eq!(after.body["parent"]["name_en"], "Liaocheng");
    assert_ne!(etag_of(&after), before);
    assert!(
        etag_of(&after).starts_with("\"region-371502-r1-"),
        "{}",
        etag_of(&after)
    );
}

#[sqlx::test]
async fn a_tag_differs_between_representations_of_one_revision(db: PgPool) {
    let app = TestApp::new(db);
    let plain = etag_of(&app.get("/api/v1/observations/20").await);
    let english = etag_of(&app.get("/api/v1/observations/20?lang=en").await);
    let some = etag_of(&app.get("/api/v1/observations/20?fields=value").await);
    assert_ne!(plain, english);
    assert_ne!(plain, some);
    assert_ne!(english, some);
}
