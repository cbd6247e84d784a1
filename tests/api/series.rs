//! `/series` and `/compare`.

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

/// Adds a printed-style figure for another period (as a derived row, since
/// the 2024 report prints only one period of each).
async fn add_figure(
    db: &PgPool,
    indicator: &str,
    region: &str,
    start: &str,
    end: &str,
    value: &str,
) {
    sqlx::query(
        "insert into observations (indicator_code, region_code, period_start, period_end, period_label, value,
                                   qualifier, derived, formula, source_id, excerpt)
         values ($1, $2, $3::date, $4::date, $3 || '..' || $4, $5::numeric, 'exact', true, 'test fixture',
                 'dongchangfu-2024', '东昌府区')",
    )
    .bind(indicator)
    .bind(region)
    .bind(start)
    .bind(end)
    .bind(value)
    .execute(db)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_series_lists_points_in_period_order_with_their_sources(db: PgPool) {
    add_figure(
        &db,
        "industrial_output_value",
        "371502",
        "2023-01-01",
        "2023-04-30",
        "10120000000",
    )
    .await;
    let response = TestApp::new(db)
        .get("/api/v1/series?indicator=industrial_output_value&region=371502")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let body = &response.body;
    assert_eq!(body["indicator"]["code"], "industrial_output_value");
    assert_eq!(body["region"]["name_zh"], "东昌府区");
    assert_eq!(body["unit"]["code"], "cny");
    assert_eq!(body["transform"], json!(null));
    let starts: Vec<&str> = body["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period_start"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["2023-01-01", "2024-01-01"]);
    assert_eq!(body["points"][1]["value"], json!(11000000000_u64));
    assert_eq!(body["points"][1]["observation_ids"], json!([1]));
}

#[sqlx::test]
async fn year_over_year_transforms_use_the_same_months_a_year_earlier(db: PgPool) {
    add_figure(
        &db,
        "industrial_output_value",
        "371502",
        "2023-01-01",
        "2023-04-30",
        "10000000000",
    )
    .await;
    let app = TestApp::new(db);
    let ch1 = app
        .get("/api/v1/series?indicator=industrial_output_value&region=371502&transform=ch1&unit=cny_100m")
        .await;
    assert_eq!(ch1.status, StatusCode::OK, "{}", ch1.body);
    assert_eq!(ch1.body["unit"]["code"], "cny_100m");
    assert_eq!(ch1.body["points"].as_array().unwrap().len(), 1);
    assert_eq!(ch1.body["points"][0]["value"], json!(10));
    assert_eq!(
        ch1.body["points"][0]["observation_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let pc1 = app
        .get("/api/v1/series?indicator=industrial_output_value&region=371502&transform=pc1")
        .await;
    assert_eq!(pc1.body["unit"]["code"], "percent");
    assert_eq!(pc1.body["points"][0]["value"], json!(10));
}

#[sqlx::test]
async fn period_over_period_change_of_a_rate_is_in_percentage_points(db: PgPool) {
    add_figure(
        &db,
        "pension_insurance_coverage",
        "371502",
        "2023-01-01",
        "2023-12-31",
        "92.5",
    )
    .await;
    add_figure(
        &db,
        "pension_insurance_coverage",
        "371502",
        "2022-01-01",
        "2022-12-31",
        "90",
    )
    .await;
    let app = TestApp::new(db);
    let chg = app
        .get("/api/v1/series?indicator=pension_insurance_coverage&region=371502&transform=chg")
        .await;
    assert_eq!(chg.status, StatusCode::OK, "{}", chg.body);
    assert_eq!(chg.body["unit"]["code"], "percentage_point");
    let values: Vec<String> = chg.body["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].to_string())
        .collect();
    assert_eq!(values, ["2.5", "1.5"]);
    let latest = app
        .get("/api/v1/series?indicator=pension_insurance_coverage&region=371502&transform=chg&latest=1")
        .await;
    assert_eq!(latest.body["points"].as_array().unwrap().len(), 1);
    assert_eq!(latest.body["points"][0]["period_start"], "2024-01-01");
}

#[sqlx::test]
async fn a_transform_the_data_do_not_allow_is_422_never_a_number(db: PgPool) {
    let app = TestApp::new(db);
    for (uri, reason) in [
        (
            "/api/v1/series?indicator=industrial_output_value&region=371502&transform=chg",
            "at least two periods",
        ),
        (
            "/api/v1/series?indicator=industrial_output_value&region=371502&transform=pc1",
            "a year earlier",
        ),
        (
            "/api/v1/series?indicator=pension_insurance_coverage&region=371502&transform=pch",
            "needs levels or counts",
        ),
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(response.content_type(), "application/problem+json");
        let detail = response.body["detail"].as_str().unwrap();
        assert!(
            detail.contains(reason) && detail.contains("`transform="),
            "{uri}: {detail}"
        );
    }
}

#[sqlx::test]
async fn a_lower_bound_cannot_be_differenced(db: PgPool) {
    add_figure(
        &db,
        "maternal_child_alliance_members",
        "371502",
        "2023-01-01",
        "2023-12-31",
        "15",
    )
    .await;
    let response = TestApp::new(db)
        .get("/api/v1/series?indicator=maternal_child_alliance_members&region=371502&transform=chg")
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.body["detail"]
            .as_str()
            .unwrap()
            .contains("`at_least`")
    );
}

#[sqlx::test]
async fn series_parameters_are_checked(db: PgPool) {
    let app = TestApp::new(db);
    let missing = app
        .get("/api/v1/series?indicator=industrial_output_value")
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["errors"][0]["field"], "region");
    let bad = app
        .get("/api/v1/series?indicator=industrial_output_value&region=371502&transform=log")
        .await;
    assert_eq!(bad.body["errors"][0]["field"], "transform");
    let unit = app
        .get("/api/v1/series?indicator=industrial_output_value&region=371502&transform=pch&unit=cny_10k")
        .await;
    assert_eq!(unit.body["errors"][0]["field"], "unit");
    let dimension = app
        .get("/api/v1/series?indicator=industrial_output_value&region=371502&unit=percent")
        .await;
    assert_eq!(dimension.status, StatusCode::BAD_REQUEST);
    assert!(
        dimension.body["detail"]
            .as_str()
            .unwrap()
            .contains("pick a unit of that dimension")
    );
}

#[sqlx::test]
async fn compare_sets_the_district_beside_the_city_with_the_difference(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/compare?indicator=industrial_value_added_growth&regions=371502,371500")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let body = &response.body;
    assert_eq!(body["difference_unit"], "percentage_point");
    assert_eq!(body["regions"][1]["name_zh"], "聊城市");
    let period = &body["periods"][0];
    assert_eq!(period["period_label"], "2024年1至4月份");
    assert_eq!(period["values"][0]["value"], json!(12.5));
    assert_eq!(period["values"][1]["value"], json!(7.9));
    assert_eq!(period["values"][1]["derived"], true);
    assert_eq!(
        period["differences"],
        json!([{ "region": "371502", "minus": "371500", "value": 4.6, "derived": true }])
    );
}

#[sqlx::test]
async fn compare_leaves_a_gap_where_a_region_has_no_value(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/compare?indicator=pension_insurance_coverage&regions=371502,371500,370000")
        .await;
    let period = &response.body["periods"][0];
    assert_eq!(period["values"][1]["value"], json!(null));
    assert_eq!(period["differences"][0]["value"], json!(null));
    assert_eq!(period["differences"][1]["minus"], "370000");
}

#[sqlx::test]
async fn compare_needs_two_to_ten_distinct_known_regions(db: PgPool) {
    let app = TestApp::new(db);
    for (uri, status, detail) in [
        (
            "/api/v1/compare?indicator=pension_insurance_coverage&regions=371502",
            StatusCode::BAD_REQUEST,
            "2 to 10 region codes",
        ),
        (
            "/api/v1/compare?indicator=pension_insurance_coverage&regions=371502,371502",
            StatusCode::BAD_REQUEST,
            "given twice",
        ),
        (
            "/api/v1/compare?indicator=pension_insurance_coverage&regions=371502,999999",
            StatusCode::NOT_FOUND,
            "no region has code `999999`",
        ),
        (
            "/api/v1/compare?indicator=gdp&regions=371502,371500",
            StatusCode::NOT_FOUND,
            "no indicator has code `gdp`",
        ),
    ] {
        let response = app.get(uri).await;
        assert_eq!(response.status, status, "{uri}");
        assert!(
            response.body["detail"].as_str().unwrap().contains(detail),
            "{uri}: {}",
            response.body
        );
    }
}
