//! Every error is RFC 9457 problem+json that names what was wrong: 400 for
//! a malformed, repeated or unknown parameter, 404 for a code that names
//! nothing, whether in the path or in a parameter.

use axum::http::{Method, StatusCode};
use sqlx::PgPool;

use crate::helpers::TestApp;

struct Case {
    uri: &'static str,
    status: StatusCode,
    /// The parameter the problem must name in `errors[0].field`, if any.
    field: Option<&'static str>,
    /// A phrase `detail` must contain.
    detail: &'static str,
}

const fn case(
    uri: &'static str,
    status: StatusCode,
    field: Option<&'static str>,
    detail: &'static str,
) -> Case {
    Case {
        uri,
        status,
        field,
        detail,
    }
}

const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
const BAD: StatusCode = StatusCode::BAD_REQUEST;

const CASES: &[Case] = &[
    case(
        "/api/v1/regions/%00",
        NOT_FOUND,
        None,
        "region `\\u{0}` does not exist",
    ),
    case(
        "/api/v1/regions/%00/dashboard",
        NOT_FOUND,
        None,
        "does not exist",
    ),
    case("/api/v1/indicators/%00", NOT_FOUND, None, "does not exist"),
    case("/api/v1/sources/%00", NOT_FOUND, None, "does not exist"),
    case(
        "/api/v1/indicators?q=%00",
        BAD,
        Some("q"),
        "printable characters",
    ),
    case(
        "/api/v1/observations?from=-4714-01-01",
        BAD,
        Some("from"),
        "YYYY-MM-DD",
    ),
    case(
        "/api/v1/observations?to=-200000-01-01",
        BAD,
        Some("to"),
        "YYYY-MM-DD",
    ),
    case(
        "/api/v1/series?indicator=industrial_output_value&region=371502&from=20000-01-01",
        BAD,
        Some("from"),
        "YYYY-MM-DD",
    ),
    case(
        "/api/v1/regions?parent=999999",
        NOT_FOUND,
        Some("parent"),
        "no region has code `999999`",
    ),
    case(
        "/api/v1/regions/999999",
        NOT_FOUND,
        None,
        "region `999999` does not exist",
    ),
    case(
        "/api/v1/regions/999999/dashboard",
        NOT_FOUND,
        None,
        "region `999999` does not exist",
    ),
    case(
        "/api/v1/indicators/gdp",
        NOT_FOUND,
        None,
        "indicator `gdp` does not exist",
    ),
    case(
        "/api/v1/sources/nope",
        NOT_FOUND,
        None,
        "source `nope` does not exist",
    ),
    case(
        "/api/v1/regions/371502'%20or%201=1--",
        NOT_FOUND,
        None,
        "does not exist",
    ),
    case(
        "/api/v2/regions",
        NOT_FOUND,
        None,
        "no endpoint at `/api/v2/regions`",
    ),
    case(
        "/api/v1/observations?limit=0",
        BAD,
        Some("limit"),
        "an integer from 1 to 1000, got `0`",
    ),
    case(
        "/api/v1/observations?limit=1001",
        BAD,
        Some("limit"),
        "an integer from 1 to 1000",
    ),
    case("/api/v1/regions?limit=ten", BAD, Some("limit"), "got `ten`"),
    case(
        "/api/v1/topics?offset=-1",
        BAD,
        Some("offset"),
        "a whole number of at least 0",
    ),
    case(
        "/api/v1/observations?from=2024-02-30",
        BAD,
        Some("from"),
        "a date written YYYY-MM-DD",
    ),
    case(
        "/api/v1/observations?to=yesterday",
        BAD,
        Some("to"),
        "got `yesterday`",
    ),
    case(
        "/api/v1/observations?from=2024-05-01&to=2024-01-01",
        BAD,
        Some("to"),
        "must not be before `from`",
    ),
    case(
        "/api/v1/observations?region=371502&descendants=yes",
        BAD,
        Some("descendants"),
        "`true` or `false`",
    ),
    case(
        "/api/v1/observations?descendants=true",
        BAD,
        Some("descendants"),
        "only means something with `region`",
    ),
    case(
        "/api/v1/observations?indicator=gdp",
        NOT_FOUND,
        Some("indicator"),
        "no indicator has code `gdp`",
    ),
    case(
        "/api/v1/observations?indicator=gdp,industrial_output_value,cpi",
        NOT_FOUND,
        Some("indicator"),
        "`gdp`, `cpi`",
    ),
    case(
        "/api/v1/observations?indicator=industrial_output_value,,",
        BAD,
        Some("indicator"),
        "one or more codes separated by commas",
    ),
    case(
        "/api/v1/observations?region=",
        BAD,
        Some("region"),
        "a code of 1 to 64",
    ),
    case(
        "/api/v1/observations?region=371502'%20or%20'1'='1",
        BAD,
        Some("region"),
        "a code of 1 to 64",
    ),
    case(
        "/api/v1/observations?region=%FF",
        BAD,
        Some("region"),
        "a code of 1 to 64",
    ),
    case(
        "/api/v1/observations?region=123456",
        NOT_FOUND,
        Some("region"),
        "no region has code `123456`",
    ),
    case(
        "/api/v1/observations?topic=sport",
        NOT_FOUND,
        Some("topic"),
        "no topic has code `sport`",
    ),
    case(
        "/api/v1/observations?latest=0",
        BAD,
        Some("latest"),
        "a whole number from 1 to 1000",
    ),
    case(
        "/api/v1/observations?regoin=371502",
        BAD,
        Some("regoin"),
        "this endpoint accepts `indicator`, `region`",
    ),
    case(
        "/api/v1/observations?limit=1&limit=2",
        BAD,
        Some("limit"),
        "given more than once",
    ),
    case(
        "/api/v1/regions?level=city",
        BAD,
        Some("level"),
        "unknown variant `city`",
    ),
    case(
        "/api/v1/indicators?q=",
        BAD,
        Some("q"),
        "text of 1 to 100 printable characters",
    ),
    case(
        "/api/v1/indicators?topic=sport",
        NOT_FOUND,
        Some("topic"),
        "no topic has code `sport`",
    ),
    case(
        "/api/v1/recognitions?region=nowhere",
        NOT_FOUND,
        Some("region"),
        "no region has code `nowhere`",
    ),
    case(
        "/api/v1/targets?due=2024",
        BAD,
        Some("due"),
        "unknown parameter",
    ),
    case("/api/v1/sources?q=x", BAD, Some("q"), "unknown parameter"),
    case(
        "/api/v1/regions/371502/dashboard?x=1",
        BAD,
        Some("x"),
        "this endpoint accepts `lang`, `fields`",
    ),
    case(
        "/api/v1/regions/371502?region=1",
        BAD,
        Some("region"),
        "unknown parameter",
    ),
    case(
        "/api/v1/sources/dongchangfu-2024?full=false",
        BAD,
        Some("full"),
        "unknown parameter",
    ),
    case(
        "/healthz?verbose=1",
        BAD,
        Some("verbose"),
        "takes no query parameters",
    ),
];

#[sqlx::test]
async fn bad_input_gets_a_problem_naming_the_parameter(db: PgPool) {
    let app = TestApp::new(db);
    for case in CASES {
        let response = app.get(case.uri).await;
        let uri = case.uri;
        assert_eq!(response.status, case.status, "{uri}: {}", response.body);
        assert_eq!(response.content_type(), "application/problem+json", "{uri}");
        assert_eq!(response.body["status"], case.status.as_u16(), "{uri}");
        assert_eq!(response.body["type"], "about:blank", "{uri}");
        let detail = response.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(case.detail), "{uri}: detail was {detail:?}");
        if let Some(field) = case.field {
            assert_eq!(
                response.body["errors"][0]["field"], field,
                "{uri}: {}",
                response.body
            );
            assert!(
                detail.contains(&format!("`{field}`")),
                "{uri}: detail names the parameter: {detail:?}"
            );
        }
    }
}

#[sqlx::test]
async fn a_wrong_method_is_405_problem_json_with_allow(db: PgPool) {
    let app = TestApp::new(db);
    for (method, uri) in [
        (Method::PATCH, "/api/v1/observations"),
        (Method::DELETE, "/api/v1/topics"),
        (Method::PUT, "/healthz"),
    ] {
        let response = app.request(method.clone(), uri).await;
        assert_eq!(
            response.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}"
        );
        assert_eq!(
            response.content_type(),
            "application/problem+json",
            "{method} {uri}"
        );
        assert_eq!(response.body["status"], 405);
        let allow = response.headers["allow"].to_str().unwrap();
        assert!(allow.contains("GET"), "{method} {uri}: Allow was {allow}");
    }
}

#[sqlx::test]
async fn an_injection_attempt_changes_nothing(db: PgPool) {
    let app = TestApp::new(db.clone());
    let response = app
        .get("/api/v1/indicators?q=%27%3B%20drop%20table%20observations%3B%20--")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body["meta"]["total"], 0);
    let count: i64 = sqlx::query_scalar("select count(*) from observations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(count, 28);
}
