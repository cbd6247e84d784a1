//! `/observations`: filters, paging and the shape of a figure.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn a_figure_carries_value_unit_qualifier_reported_text_and_evidence(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?indicator=job_retention_refund_amount")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let mut figure = response.data()[0].clone();
    assert!(figure["id"].is_i64());
    figure.as_object_mut().unwrap().remove("id");
    assert_eq!(
        figure.as_object_mut().unwrap().remove("revision"),
        Some(json!(1))
    );
    assert_eq!(
        figure,
        json!({
            "indicator": { "code": "job_retention_refund_amount", "name_zh": "稳岗返还补贴金额", "name_en": "Job-retention refunds paid" },
            "region": { "code": "371502", "name_zh": "东昌府区", "name_en": "Dongchangfu District" },
            "topic": { "code": "employment_social_security", "name_zh": "就业与社会保障", "name_en": "Employment and social security" },
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "period_label": "2024年",
            "value": 3784600,
            "unit": { "code": "cny", "symbol_zh": "元", "name_zh": "元", "name_en": "yuan (CNY)", "dimension": "currency", "base_code": "cny", "factor": 1 },
            "qualifier": "exact",
            "comparison_basis": null,
            "reported": { "value": 378.46, "unit": "万元", "unit_code": "cny_10k", "text": "378.46万元" },
            "derived": false,
            "formula": null,
            "evidence": {
                "source_id": "dongchangfu-2024",
                "excerpt": "落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元",
                "quote": "落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元"
            }
        })
    );
}

#[sqlx::test]
async fn values_are_exact_json_numbers(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?indicator=industrial_output_value,social_security_card_holders,industrial_value_added_growth&region=371502")
        .await;
    let values: Vec<String> = response
        .data()
        .iter()
        .map(|o| o["value"].to_string())
        .collect();
    assert_eq!(values, ["11000000000", "12.5", "703000"]);
}

#[sqlx::test]
async fn more_than_is_at_least(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?indicator=maternal_child_alliance_members,demonstration_area_investment")
        .await;
    let rows: Vec<(String, String, String)> = response
        .data()
        .iter()
        .map(|o| {
            (
                o["reported"]["text"].as_str().unwrap().to_owned(),
                o["value"].to_string(),
                o["qualifier"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("20余家".to_owned(), "20".to_owned(), "at_least".to_owned()),
            (
                "6000余万元".to_owned(),
                "60000000".to_owned(),
                "at_least".to_owned()
            )
        ]
    );
}

#[sqlx::test]
async fn the_city_growth_is_derived_with_its_formula(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?region=371500&indicator=industrial_value_added_growth")
        .await;
    assert_eq!(response.body["meta"]["total"], 1);
    let city = &response.data()[0];
    assert_eq!(city["value"], json!(7.9));
    assert_eq!(city["derived"], true);
    assert_eq!(city["reported"], json!(null));
    assert_eq!(
        city["formula"],
        "industrial_value_added_growth[371502] - industrial_value_added_growth_gap_vs_city[371502] = 12.5 - 4.6"
    );
    assert_eq!(
        city["evidence"]["excerpt"],
        "工业增加值增速累计增长12.5%，高于全市4.6个百分点"
    );
}

#[sqlx::test]
async fn region_filter_takes_the_subtree_only_with_descendants(db: PgPool) {
    let app = TestApp::new(db);
    let city = app.get("/api/v1/observations?region=371500").await;
    assert_eq!(city.body["meta"]["total"], 1);
    let subtree = app
        .get("/api/v1/observations?region=371500&descendants=true")
        .await;
    assert_eq!(subtree.body["meta"]["total"], 28);
}

#[sqlx::test]
async fn topic_and_period_filters_narrow_the_list(db: PgPool) {
    let app = TestApp::new(db);
    let industry = app
        .get("/api/v1/observations?topic=industry&region=371502")
        .await;
    assert_eq!(industry.body["meta"]["total"], 7);
    // A window holds the periods that lie wholly inside it.
    let spring = app
        .get("/api/v1/observations?from=2024-01-01&to=2024-04-30")
        .await;
    assert_eq!(spring.body["meta"]["total"], 8);
    assert!(
        spring
            .pluck("period_label")
            .iter()
            .all(|label| label == "2024年1至4月份")
    );
    let year = app.get("/api/v1/observations?to=2024-12-31").await;
    assert_eq!(year.body["meta"]["total"], 28);
    let later = app.get("/api/v1/observations?from=2024-05-01").await;
    assert_eq!(later.body["meta"]["total"], 0);
    let before = app.get("/api/v1/observations?to=2023-12-31").await;
    assert_eq!(before.body["meta"]["total"], 0);
    assert_eq!(before.data().len(), 0);
}

#[sqlx::test]
async fn pages_link_to_each_other_and_cover_every_figure_once(db: PgPool) {
    let app = TestApp::new(db);
    let mut uri = "/api/v1/observations?region=371502&limit=10".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = app.get(&uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_eq!(page.body["meta"]["total"], 27);
        seen.extend(page.pluck("id"));
        pages += 1;
        match page.body["meta"]["next"].as_str() {
            Some(next) => uri = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 27);
    assert_eq!(seen.len(), 27);
    let last = app
        .get("/api/v1/observations?region=371502&limit=10&offset=20")
        .await;
    assert_eq!(
        last.body["meta"]["prev"],
        "/api/v1/observations?region=371502&limit=10&offset=10"
    );
}

#[sqlx::test]
async fn a_page_past_the_end_is_empty_but_still_counts(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?offset=500")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.data().len(), 0);
    assert_eq!(response.body["meta"]["total"], 28);
    assert_eq!(response.body["meta"]["next"], json!(null));
}

#[sqlx::test]
async fn latest_keeps_the_most_recent_period_of_each_series(db: PgPool) {
    sqlx::query(
        "insert into observations (indicator_code, region_code, period_start, period_end, period_label, value, qualifier,
                                   derived, formula, source_id, excerpt)
         values ('industrial_value_added_growth', '371502', '2023-01-01', '2023-04-30', '2023年1至4月份', 1, 'exact',
                 true, 'test', 'dongchangfu-2024', '工业增加值')",
    )
    .execute(&db)
    .await
    .unwrap();
    let app = TestApp::new(db);
    let all = app
        .get("/api/v1/observations?indicator=industrial_value_added_growth&region=371502")
        .await;
    assert_eq!(all.pluck("period_start"), ["2023-01-01", "2024-01-01"]);
    let latest = app
        .get("/api/v1/observations?indicator=industrial_value_added_growth&region=371502&latest=1")
        .await;
    assert_eq!(latest.pluck("period_start"), ["2024-01-01"]);
    assert_eq!(latest.data()[0]["value"], json!(12.5));
}

/// Follows `next` links from `first` to the end; returns every page.
async fn walk(app: &TestApp, first: &str) -> Vec<crate::helpers::TestResponse> {
    let mut pages = Vec::new();
    let mut url = Some(first.to_owned());
    while let Some(current) = url {
        let page = app.get(&current).await;
        assert_eq!(page.status, StatusCode::OK, "{current}: {}", page.body);
        url = page.body["meta"]["next"].as_str().map(str::to_owned);
        pages.push(page);
        assert!(pages.len() < 100, "the next links never end");
    }
    pages
}

#[sqlx::test]
async fn next_links_walk_every_figure_once_in_order_by_key(db: PgPool) {
    let app = TestApp::new(db);
    for filters in [
        "",
        "region=371500&descendants=true&",
        "region=371502&latest=1&",
        "topic=industry&",
        "indicator=job_retention_refund_amount,industrial_value_added_growth,industrial_output_value&",
    ] {
        let whole = app
            .get(&format!("/api/v1/observations?{filters}limit=1000"))
            .await;
        let expected = whole.pluck("id");
        assert!(expected.len() > 1, "{filters}: too few figures to page");
        let pages = walk(&app, &format!("/api/v1/observations?{filters}limit=3")).await;
        let walked: Vec<String> = pages.iter().flat_map(|page| page.pluck("id")).collect();
        assert_eq!(walked, expected, "{filters}");
        for (n, page) in pages.iter().enumerate() {
            assert_eq!(
                page.body["meta"]["offset"],
                json!(n * 3),
                "{filters} page {n}"
            );
            assert_eq!(
                page.body["meta"]["total"],
                json!(expected.len()),
                "{filters}"
            );
            assert_eq!(page.body["meta"]["total_kind"], "exact", "{filters}");
        }
        // Every page after the first is reached by key, not by offset.
        for page in &pages[..pages.len() - 1] {
            let next = page.body["meta"]["next"].as_str().unwrap();
            assert!(
                next.contains("after=") && !next.contains("offset="),
                "{next}"
            );
        }
    }
}

#[sqlx::test]
async fn after_that_the_api_did_not_write_or_with_offset_is_a_400_naming_after(db: PgPool) {
    let app = TestApp::new(db);
    let first = app.get("/api/v1/observations?limit=2").await;
    let next = first.body["meta"]["next"].as_str().unwrap().to_owned();
    for (url, says) in [
        (
            "/api/v1/observations?after=bm9uc2Vuc2U".to_owned(),
            "follow the `next` link",
        ),
        (
            "/api/v1/observations?after=a%20b".to_owned(),
            "expected the `after` of a `next` link",
        ),
        (format!("{next}&offset=2"), "not both"),
    ] {
        let response = app.get(&url).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{url}");
        assert_eq!(response.content_type(), "application/problem+json");
        let detail = response.body["detail"].as_str().unwrap();
        assert!(detail.contains("after"), "{url}: {detail}");
        assert!(detail.contains(says), "{url}: {detail}");
    }
}

#[sqlx::test]
async fn prefer_count_chooses_an_exact_or_a_planned_total_and_says_which(db: PgPool) {
    let app = TestApp::new(db);
    let exact = app
        .get_with("/api/v1/observations?limit=1", &[("prefer", "count=exact")])
        .await;
    assert_eq!(exact.body["meta"]["total_kind"], "exact");
    let total = exact.body["meta"]["total"].as_i64().unwrap();
    assert!(total >= 27, "{total}");
    assert_eq!(exact.headers["preference-applied"], "count=exact");

    let planned = app
        .get_with(
            "/api/v1/observations?limit=1",
            &[("prefer", "return=minimal, count=planned")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::OK);
    assert_eq!(planned.body["meta"]["total_kind"], "planned");
    assert!(planned.body["meta"]["total"].as_i64().unwrap() >= 1);
    assert_eq!(planned.headers["preference-applied"], "count=planned");

    // Without a preference: exact, as the seed is small.
    let default = app.get("/api/v1/observations?limit=1").await;
    assert_eq!(default.body["meta"]["total"], json!(total));
    assert_eq!(default.body["meta"]["total_kind"], "exact");
    assert!(default.headers.get("preference-applied").is_none());
}
