//! The seed holds every figure, honour and dated commitment of the report,
//! exactly, each with a verbatim excerpt.

use std::collections::BTreeSet;
use std::str::FromStr;

use district_indicators::domain::evidence::join_line_wraps;
use rust_decimal::Decimal;
use sqlx::PgPool;

const SOURCE: &str = include_str!("../../data/sources/dongchangfu-2024.txt");

/// One figure as restated by hand from the text: (indicator, region, period
/// start, period end, value in the base unit, qualifier, printed text).
type Figure = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// Every figure of the report.
const FIGURES: &[Figure] = &[
    (
        "industrial_output_value",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "11000000000",
        "exact",
        Some("110亿元"),
    ),
    (
        "industrial_output_value_growth",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "8.7",
        "exact",
        Some("8.7%"),
    ),
    (
        "industrial_value_added_growth",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "12.5",
        "exact",
        Some("12.5%"),
    ),
    (
        "industrial_value_added_growth_gap_vs_city",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "4.6",
        "exact",
        Some("4.6个百分点"),
    ),
    (
        "industrial_value_added_growth",
        "371500",
        "2024-01-01",
        "2024-04-30",
        "7.9",
        "exact",
        None,
    ),
    (
        "industrial_value_added_growth_rank",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "2",
        "exact",
        Some("第2"),
    ),
    (
        "industrial_tech_renovation_investment",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "380000000",
        "exact",
        Some("3.8亿元"),
    ),
    (
        "industrial_tech_renovation_investment_growth",
        "371502",
        "2024-01-01",
        "2024-04-30",
        "6.2",
        "exact",
        Some("6.2%"),
    ),
    (
        "old_community_telecom_operators",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "4",
        "exact",
        Some("四家"),
    ),
    (
        "maternal_child_alliance_members",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "20",
        "at_least",
        Some("20余家"),
    ),
    (
        "maternal_child_alliance_provinces",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "3",
        "exact",
        Some("三省"),
    ),
    (
        "rural_revitalisation_key_tasks",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "3",
        "exact",
        Some("3项"),
    ),
    (
        "demonstration_area_investment",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "60000000",
        "at_least",
        Some("6000余万元"),
    ),
    (
        "provincial_beautiful_villages",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "5",
        "exact",
        Some("5个"),
    ),
    (
        "municipal_beautiful_villages",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "6",
        "exact",
        Some("6个"),
    ),
    (
        "district_beautiful_villages",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "9",
        "exact",
        Some("9个"),
    ),
    (
        "job_fair_employment_intentions",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "160",
        "exact",
        Some("160人"),
    ),
    (
        "startup_loan_interest_subsidy",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "739000",
        "exact",
        Some("73.9万元"),
    ),
    (
        "jobs_created_by_supported_startups",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "278",
        "exact",
        Some("278人"),
    ),
    (
        "job_retention_refund_enterprises",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "1462",
        "exact",
        Some("1462家"),
    ),
    (
        "job_retention_refund_amount",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "3784600",
        "exact",
        Some("378.46万元"),
    ),
    (
        "skills_upgrade_subsidy_recipients",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "183",
        "exact",
        Some("183名"),
    ),
    (
        "skills_upgrade_subsidy_amount",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "334500",
        "exact",
        Some("33.45万元"),
    ),
    (
        "social_insurance_enrolment",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "466200",
        "exact",
        Some("46.62万人"),
    ),
    (
        "pension_insurance_coverage",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "94",
        "exact",
        Some("94%"),
    ),
    (
        "hr_social_security_stations",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "2",
        "exact",
        Some("2处"),
    ),
    (
        "hr_social_security_service_outlets",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "63",
        "exact",
        Some("63个"),
    ),
    (
        "social_security_card_holders",
        "371502",
        "2024-01-01",
        "2024-12-31",
        "703000",
        "exact",
        Some("70.3万"),
    ),
];

/// Every honour: (holder region, title as printed, level).
const RECOGNITIONS: &[(&str, &str, Option<&str>)] = &[
    (
        "371502",
        "全国妇幼健康事业高质量发展院长高峰论坛暨现场推进会",
        Some("national"),
    ),
    (
        "371502",
        "全省妇幼保健机构建设现场推进会",
        Some("provincial"),
    ),
    ("371502", "鲁西妇幼健康联盟", None),
    ("371502-shazhen", "正式参照二级医院管理", None),
    (
        "371502-zhangluji",
        "聊城市首个基层胸痛救治单元",
        Some("municipal"),
    ),
    ("371502", "全市首家中医药文化主题公园", Some("municipal")),
    (
        "371502",
        "省级慢性非传染性疾病综合防控示范区",
        Some("provincial"),
    ),
    ("371502", "省级艾滋病综合防治示范区", Some("provincial")),
    ("371502", "省级健康教育基地", Some("provincial")),
    (
        "371502",
        "全市首个特殊健康状态人群评估接种门诊",
        Some("municipal"),
    ),
    (
        "371502",
        "山东省第一批婴幼儿照护服务示范区",
        Some("provincial"),
    ),
    (
        "371502",
        "国家级首批婴幼儿养护示范指导中心",
        Some("national"),
    ),
    ("371502-tangyi", "山东省乡村治理示范镇", Some("provincial")),
    ("371502-liuzhuang", "全国乡村治理示范村", Some("national")),
    ("371502-jiaochangli", "全国文明村", Some("national")),
];

/// Every commitment: (due date, due as printed).
const TARGETS: &[(Option<&str>, Option<&str>)] = &[
    (Some("2024-12-31"), Some("2024年度")),
    (Some("2024-09-30"), Some("2024年9月底前")),
    (Some("2024-10-31"), Some("10月份")),
    (None, None),
    (None, None),
];

/// Numbers the report prints that are not figures, each with the text
/// around it and why it is not stored as an observation.
const NOT_FIGURES: &[(&str, &str)] = &[
    (
        "2024年，东昌府区把",
        "the year of the report, stored as the source's reference_year",
    ),
    ("“6293”工作思路", "the name of the city's work programme"),
    (
        "创刊15周年特刊",
        "the newspaper's anniversary, part of the source's title",
    ),
    ("T04", "the page, stored as the source's page"),
    (
        "1至4月份",
        "the period of the industry figures, stored as their period",
    ),
];

#[derive(sqlx::FromRow)]
struct ObservationRow {
    indicator_code: String,
    region_code: String,
    period_start: String,
    period_end: String,
    value: Decimal,
    qualifier: String,
    reported_value: Option<Decimal>,
    reported_text: Option<String>,
    factor: Option<Decimal>,
    excerpt: String,
}

async fn observations(db: &PgPool) -> Vec<ObservationRow> {
    sqlx::query_as(
        "select o.indicator_code, o.region_code, o.period_start::text as period_start, o.period_end::text as period_end,
                o.value, o.qualifier, o.reported_value, o.reported_text, u.factor, o.excerpt
         from observations o left join units u on u.code = o.reported_unit_code
         order by o.id",
    )
    .fetch_all(db)
    .await
    .expect("observations are readable")
}

/// The number a printed figure states: "378.46万元" → 378.46, "第2" → 2,
/// "四家" → 4.
fn printed_number(text: &str) -> Option<Decimal> {
    let text = text.trim_start_matches('第');
    let digits: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !digits.is_empty() {
        return Decimal::from_str(&digits).ok();
    }
    let numeral = "〇一二三四五六七八九"
        .chars()
        .position(|c| text.starts_with(c))?;
    Some(Decimal::from(numeral))
}

#[sqlx::test]
async fn the_stored_source_is_the_file_byte_for_byte(db: PgPool) {
    let stored: String =
        sqlx::query_scalar("select full_text from sources where id = 'dongchangfu-2024'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(stored, SOURCE);
    assert!(
        SOURCE.contains("入选省级慢\n\n性非传染性疾病"),
        "the page wrap is kept as printed"
    );
}

#[sqlx::test]
async fn every_figure_of_the_report_is_stored_exactly(db: PgPool) {
    let stored: BTreeSet<_> = observations(&db)
        .await
        .into_iter()
        .map(|o| {
            (
                o.indicator_code,
                o.region_code,
                o.period_start,
                o.period_end,
                o.value.normalize().to_string(),
                o.qualifier,
                o.reported_text,
            )
        })
        .collect();
    let expected: BTreeSet<_> = FIGURES
        .iter()
        .map(|(indicator, region, start, end, value, qualifier, text)| {
            (
                indicator.to_string(),
                region.to_string(),
                start.to_string(),
                end.to_string(),
                value.to_string(),
                qualifier.to_string(),
                text.map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(stored.len(), FIGURES.len(), "no figure is stored twice");
    assert_eq!(stored, expected);
}

#[sqlx::test]
async fn every_excerpt_is_verbatim_and_its_printed_number_matches_the_value(db: PgPool) {
    for o in observations(&db).await {
        let name = format!("{} {}", o.indicator_code, o.region_code);
        assert!(
            SOURCE.contains(&o.excerpt),
            "{name}: excerpt not in the source: {:?}",
            o.excerpt
        );
        let Some(text) = &o.reported_text else {
            continue;
        };
        assert!(
            o.excerpt.contains(text.as_str()),
            "{name}: {text:?} is not in its excerpt"
        );
        let printed =
            printed_number(text).unwrap_or_else(|| panic!("{name}: no number in {text:?}"));
        assert_eq!(
            o.reported_value,
            Some(printed),
            "{name}: reported value is what {text:?} says"
        );
        let factor = o.factor.expect("a printed figure has a reported unit");
        assert_eq!(
            o.value,
            printed * factor,
            "{name}: value is {text:?} in the base unit"
        );
        assert_eq!(
            o.qualifier == "at_least",
            text.contains('余'),
            "{name}: 余 means at least"
        );
    }
}

#[sqlx::test]
async fn the_derived_city_growth_follows_from_the_printed_figures(db: PgPool) {
    let rows = observations(&db).await;
    let value = |indicator: &str, region: &str| {
        rows.iter()
            .find(|o| o.indicator_code == indicator && o.region_code == region)
            .map(|o| o.value)
            .unwrap()
    };
    assert_eq!(
        value("industrial_value_added_growth", "371500"),
        value("industrial_value_added_growth", "371502")
            - value("industrial_value_added_growth_gap_vs_city", "371502")
    );
}

#[sqlx::test]
async fn every_honour_and_commitment_is_stored_with_a_verbatim_excerpt(db: PgPool) {
    let recognitions: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
        "select region_code, title_zh, level, excerpt from recognitions order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let stored: BTreeSet<_> = recognitions
        .iter()
        .map(|(r, t, l, _)| (r.clone(), t.clone(), l.clone()))
        .collect();
    let expected: BTreeSet<_> = RECOGNITIONS
        .iter()
        .map(|(r, t, l)| (r.to_string(), t.to_string(), l.map(str::to_owned)))
        .collect();
    assert_eq!(stored, expected);
    for (_, title, _, excerpt) in &recognitions {
        assert!(
            SOURCE.contains(excerpt.as_str()),
            "{title}: excerpt not in the source"
        );
        assert!(
            join_line_wraps(excerpt).contains(title.as_str()),
            "{title}: the title is quoted"
        );
    }

    let targets: Vec<(Option<String>, Option<String>, String)> =
        sqlx::query_as("select due_date::text, due_label, excerpt from targets order by id")
            .fetch_all(&db)
            .await
            .unwrap();
    let expected: Vec<_> = TARGETS
        .iter()
        .map(|(d, l)| (d.map(str::to_owned), l.map(str::to_owned)))
        .collect();
    assert_eq!(
        targets
            .iter()
            .map(|(d, l, _)| (d.clone(), l.clone()))
            .collect::<Vec<_>>(),
        expected
    );
    for (_, label, excerpt) in &targets {
        assert!(
            SOURCE.contains(excerpt.as_str()),
            "target excerpt not in the source: {excerpt}"
        );
        if let Some(label) = label {
            assert!(
                excerpt.contains(label.as_str()),
                "{label} is printed in the excerpt"
            );
        }
    }
}

/// Byte ranges of every occurrence of `needle` in `haystack`.
fn occurrences(haystack: &str, needle: &str) -> Vec<(usize, usize)> {
    haystack
        .match_indices(needle)
        .map(|(at, found)| (at, at + found.len()))
        .collect()
}

#[sqlx::test]
async fn every_number_printed_in_the_report_is_accounted_for(db: PgPool) {
    // Where each stored figure's printed text stands in the source.
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for o in observations(&db).await {
        let Some(text) = o.reported_text else {
            continue;
        };
        for (start, _) in occurrences(SOURCE, &o.excerpt) {
            for (from, to) in occurrences(&o.excerpt, &text) {
                covered.push((start + from, start + to));
            }
        }
    }
    let targets: Vec<String> = sqlx::query_scalar("select excerpt from targets")
        .fetch_all(&db)
        .await
        .unwrap();
    for excerpt in &targets {
        covered.extend(occurrences(SOURCE, excerpt));
    }
    for (context, _why) in NOT_FIGURES {
        covered.extend(occurrences(SOURCE, context));
    }

    let mut unaccounted = Vec::new();
    let bytes = SOURCE.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len()
            && (bytes[at].is_ascii_digit()
                || (bytes[at] == b'.' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)))
        {
            at += 1;
        }
        if !covered.iter().any(|&(from, to)| from <= start && at <= to) {
            unaccounted.push(&SOURCE[start..at]);
        }
    }
    assert!(
        unaccounted.is_empty(),
        "numbers in the report that no row accounts for: {unaccounted:?}"
    );
}
