//! Representations: CSV, languages, field selection, unit conversion,
//! content negotiation and Link headers.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

/// Parses a CSV body the way a spreadsheet or pandas would.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = text
        .strip_prefix('\u{FEFF}')
        .expect("a UTF-8 BOM, so spreadsheets read UTF-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[sqlx::test]
async fn csv_by_accept_header_has_every_figure_exactly_and_chinese_intact(db: PgPool) {
    let app = TestApp::new(db);
    let response = app
        .raw(
            Method::GET,
            "/api/v1/observations?region=371502",
            &[("accept", "text/csv")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(
        response.header("content-disposition"),
        "attachment; filename=\"observations.csv\""
    );
    let text = response.text();
    assert!(text.contains("\r\n"), "RFC 4180 lines end in CRLF");
    let (header, rows) = parse_csv(&text);
    assert_eq!(
        &header[..4],
        ["id", "revision", "indicator_code", "indicator_name_zh"]
    );
    assert_eq!(rows.len(), 27, "every figure, not just the first page");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let refund = rows
        .iter()
        .find(|row| row[column("indicator_code")] == "job_retention_refund_amount")
        .unwrap();
    assert_eq!(refund[column("value")], "3784600");
    assert_eq!(refund[column("reported_text")], "378.46万元");
    assert_eq!(refund[column("region_name_zh")], "东昌府区");
    assert_eq!(
        refund[column("evidence_excerpt")],
        "落实稳岗纾困政策，为1462家企业发放稳岗返还补贴378.46万元"
    );
    let output = rows
        .iter()
        .find(|row| row[column("indicator_code")] == "industrial_output_value_growth")
        .unwrap();
    assert_eq!(
        output[column("indicator_name_en")],
        "Industrial output value, growth year on year",
        "commas are quoted"
    );
}

#[sqlx::test]
async fn csv_streams_every_page_past_the_batch_size(db: PgPool) {
    // 1500 more figures, so the export crosses several internal pages.
    sqlx::query(
        "insert into observations (indicator_code, region_code, period_start, period_end, period_label, value,
                                   qualifier, derived, formula, source_id, excerpt)
         select 'job_fair_employment_intentions', '371502', make_date(3000 + n, 1, 1), make_date(3000 + n, 12, 31),
                'test', n, 'exact', true, 'test', 'dongchangfu-2024', '招聘会'
         from generate_series(1, 1500) as n",
    )
    .execute(&db)
    .await
    .unwrap();
    let response = TestApp::new(db)
        .raw(Method::GET, "/api/v1/observations?format=csv", &[])
        .await;
    let (_, rows) = parse_csv(&response.text());
    assert_eq!(rows.len(), 1528);
    let mut ids: Vec<&String> = rows.iter().map(|row| &row[0]).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1528, "no row twice");
}

#[sqlx::test]
async fn csv_with_an_explicit_limit_sends_that_page(db: PgPool) {
    let app = TestApp::new(db);
    let json = app.get("/api/v1/observations?limit=5&offset=5").await;
    let response = app
        .raw(
            Method::GET,
            "/api/v1/observations?format=csv&limit=5&offset=5",
            &[],
        )
        .await;
    let (_, rows) = parse_csv(&response.text());
    let csv_ids: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(csv_ids, json.pluck("id"));
    assert_eq!(csv_ids.len(), 5);
}

#[sqlx::test]
async fn every_list_endpoint_serves_csv(db: PgPool) {
    let app = TestApp::new(db);
    for (uri, first_column, rows) in [
        ("/api/v1/regions", "code", 3220),
        ("/api/v1/topics", "code", 5),
        ("/api/v1/units", "code", 10),
        ("/api/v1/indicators", "code", 27),
        ("/api/v1/observations", "id", 28),
        ("/api/v1/recognitions", "id", 15),
        ("/api/v1/targets", "id", 5),
        ("/api/v1/sources", "id", 2),
    ] {
        let response = app
            .raw(Method::GET, &format!("{uri}?format=csv"), &[])
            .await;
        assert_eq!(response.status, StatusCode::OK, "{uri}");
        let (header, data) = parse_csv(&response.text());
        assert_eq!(header[0], first_column, "{uri}");
        assert_eq!(data.len(), rows, "{uri}");
    }
}

#[sqlx::test]
async fn fields_trim_json_items_and_csv_columns(db: PgPool) {
    let app = TestApp::new(db);
    let json = app
        .get("/api/v1/observations?indicator=pension_insurance_coverage&fields=value,qualifier")
        .await;
    assert_eq!(json.data()[0], json!({ "value": 94, "qualifier": "exact" }));
    let csv = app
        .raw(Method::GET, "/api/v1/observations?indicator=pension_insurance_coverage&fields=region,value&format=csv", &[])
        .await;
    let (header, rows) = parse_csv(&csv.text());
    assert_eq!(
        header,
        ["region_code", "region_name_zh", "region_name_en", "value"]
    );
    assert_eq!(rows, [["371502", "东昌府区", "Dongchangfu District", "94"]]);
    let unknown = app.get("/api/v1/observations?fields=value,colour").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.body["errors"][0]["field"], "fields");
    assert!(
        unknown.body["detail"]
            .as_str()
            .unwrap()
            .contains("no field `colour`")
    );
}

#[sqlx::test]
async fn lang_fills_name_and_title_beside_both_languages(db: PgPool) {
    let app = TestApp::new(db);
    let en = app.get("/api/v1/regions/371502?lang=en").await;
    assert_eq!(en.body["name"], "Dongchangfu District");
    assert_eq!(en.body["name_zh"], "东昌府区");
    assert_eq!(en.body["parent"]["name"], "Liaocheng City");
    let zh = app
        .get_with(
            "/api/v1/recognitions?region=371502-tangyi",
            &[("accept-language", "zh-CN,zh;q=0.9,en;q=0.8")],
        )
        .await;
    assert_eq!(zh.data()[0]["title"], "山东省乡村治理示范镇");
    assert_eq!(zh.data()[0]["region"]["name"], "堂邑镇");
    assert_eq!(
        zh.data()[0]["title_en"],
        "Shandong Province rural governance demonstration town"
    );
    let neither = app
        .get_with("/api/v1/topics", &[("accept-language", "fr")])
        .await;
    assert!(neither.data()[0].get("name").is_none());
    let bad = app.get("/api/v1/topics?lang=fr").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["errors"][0]["field"], "lang");
}

#[sqlx::test]
async fn unit_converts_values_exactly_within_a_dimension(db: PgPool) {
    let app = TestApp::new(db);
    let response = app
        .get("/api/v1/observations?topic=employment_social_security&indicator=job_retention_refund_amount,startup_loan_interest_subsidy&unit=cny_100m")
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let values: Vec<String> = response
        .data()
        .iter()
        .map(|o| o["value"].to_string())
        .collect();
    assert_eq!(values, ["0.00739", "0.037846"]);
    assert_eq!(response.data()[0]["unit"]["code"], "cny_100m");
    assert_eq!(response.data()[0]["unit"]["symbol_zh"], "亿元");
    assert_eq!(
        response.data()[0]["reported"]["text"],
        "73.9万元",
        "what was printed is unchanged"
    );

    let wrong = app
        .get("/api/v1/observations?indicator=pension_insurance_coverage&unit=cny_10k")
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.body["errors"][0]["field"], "unit");
    assert!(
        wrong.body["detail"]
            .as_str()
            .unwrap()
            .contains("cannot express figures in `percent`")
    );
    let unknown = app.get("/api/v1/observations?unit=furlongs").await;
    assert!(
        unknown.body["detail"]
            .as_str()
            .unwrap()
            .contains("no unit has code `furlongs`")
    );
}

#[sqlx::test]
async fn an_accept_that_cannot_be_served_is_406(db: PgPool) {
    let app = TestApp::new(db);
    for (uri, accept) in [
        ("/api/v1/observations", "application/xml"),
        ("/api/v1/regions/371502", "text/csv"),
    ] {
        let response = app.get_with(uri, &[("accept", accept)]).await;
        assert_eq!(
            response.status,
            StatusCode::NOT_ACCEPTABLE,
            "{uri} with {accept}"
        );
        assert_eq!(response.content_type(), "application/problem+json");
        assert!(
            response.body["detail"]
                .as_str()
                .unwrap()
                .contains("application/json")
        );
    }
    let fine = app
        .get_with(
            "/api/v1/topics",
            &[("accept", "application/xml, */*;q=0.1")],
        )
        .await;
    assert_eq!(fine.status, StatusCode::OK);
}

#[sqlx::test]
async fn lists_link_their_neighbour_pages_in_a_header(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/observations?limit=10&offset=10")
        .await;
    assert_eq!(
        response.headers["link"],
        "</api/v1/observations?limit=10&offset=20>; rel=\"next\", </api/v1/observations?limit=10&offset=0>; rel=\"prev\""
    );
}
