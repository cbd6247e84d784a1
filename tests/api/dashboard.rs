use axum::http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::TestApp;

fn codes(items: &Value, field: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| match &item[field] {
            Value::Object(object) => object["code"].as_str().unwrap().to_owned(),
            other => other.as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

#[sqlx::test]
async fn dashboard_groups_the_latest_figures_honours_and_commitments_by_topic(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/regions/371502/dashboard")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["region"]["code"], "371502");
    assert_eq!(
        codes(&body["topics"], "code"),
        [
            "industry",
            "housing_livelihood",
            "health",
            "rural_revitalisation",
            "employment_social_security"
        ]
    );
    let industry = &body["topics"][0];
    assert_eq!(industry["name_zh"], "工业经济");
    assert_eq!(codes(&industry["observations"], "indicator").len(), 7);
    assert_eq!(
        industry["observations"][0]["value"],
        serde_json::json!(11000000000_u64)
    );
    let figures: usize = (0..5)
        .map(|i| body["topics"][i]["observations"].as_array().unwrap().len())
        .sum();
    assert_eq!(figures, 27);
    let honours: usize = (0..5)
        .map(|i| body["topics"][i]["recognitions"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        honours, 15,
        "the district's dashboard includes its towns' and villages' honours"
    );
    let housing = &body["topics"][1];
    assert_eq!(
        codes(&housing["targets"], "due_date"),
        ["2024-09-30", "2024-10-31", "2024-12-31"]
    );
}

#[sqlx::test]
async fn the_city_dashboard_shows_its_derived_figure(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/regions/371500/dashboard")
        .await;
    let industry = &response.body["topics"][0];
    assert_eq!(
        codes(&industry["observations"], "indicator"),
        ["industrial_value_added_growth"]
    );
    assert_eq!(industry["observations"][0]["derived"], true);
}
