//! Recognitions and targets.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

#[sqlx::test]
async fn recognitions_list_every_honour_with_evidence(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/recognitions").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body["meta"]["total"], 15);
    let village = response
        .data()
        .iter()
        .find(|r| r["region"]["code"] == "371502-liuzhuang")
        .expect("刘庄村 is honoured");
    assert_eq!(village["title_zh"], "全国乡村治理示范村");
    assert_eq!(village["level"], "national");
    assert_eq!(village["region"]["name_zh"], "刘庄村");
    assert_eq!(
        village["evidence"]["excerpt"],
        "刘庄村被评为全国乡村治理示范村"
    );
}

#[sqlx::test]
async fn a_quote_across_a_page_wrap_is_joined_and_the_excerpt_kept_verbatim(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/recognitions?topic=health")
        .await;
    let chronic = response
        .data()
        .iter()
        .find(|r| r["title_zh"] == "省级慢性非传染性疾病综合防控示范区")
        .expect("the chronic disease designation is listed");
    assert_eq!(
        chronic["evidence"],
        json!({
            "source_id": "dongchangfu-2024",
            "excerpt": "入选省级慢\n\n性非传染性疾病综合防控示范区",
            "quote": "入选省级慢性非传染性疾病综合防控示范区"
        })
    );
}

#[sqlx::test]
async fn recognitions_of_a_region_include_those_below_it_only_when_asked(db: PgPool) {
    let app = TestApp::new(db);
    let town_only = app.get("/api/v1/recognitions?region=371502-tangyi").await;
    assert_eq!(town_only.pluck("title_zh"), ["山东省乡村治理示范镇"]);
    let district = app.get("/api/v1/recognitions?region=371502").await;
    assert_eq!(district.body["meta"]["total"], 10);
    let subtree = app
        .get("/api/v1/recognitions?region=371502&descendants=true")
        .await;
    assert_eq!(subtree.body["meta"]["total"], 15);
}

#[sqlx::test]
async fn targets_list_in_due_order_with_dates_as_printed(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/targets").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.pluck("due_date"),
        ["2024-09-30", "2024-10-31", "2024-12-31", "null", "null"]
    );
    assert_eq!(
        response.pluck("due_label"),
        ["2024年9月底前", "10月份", "2024年度", "null", "null"]
    );
    assert_eq!(
        response.data()[1]["evidence"]["excerpt"],
        "力争2024年9月底前全部完成改造任务，10月份全部验收完毕。"
    );
}

#[sqlx::test]
async fn targets_filter_by_topic(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/targets?topic=health").await;
    assert_eq!(
        response.pluck("title_zh"),
        ["创建全国基层中医药工作示范区", "创建老年友善医疗机构"]
    );
}
