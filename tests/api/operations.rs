//! Running it: request ids, Server-Timing, /metrics, limits and timeouts,
//! an unreachable database, start-up and graceful shutdown.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use district_indicators::auth::Role;
use district_indicators::{AppState, Config, server, store};
use sqlx::postgres::PgPoolOptions;
use sqlx::{ConnectOptions, PgPool, Postgres, Transaction};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::helpers::{TestApp, TestResponse, bearer, new_figure};

/// Sends [`new_figure`] through the router.
async fn write_figure(app: &TestApp, auth: &str) -> TestResponse {
    app.send_json(
        Method::POST,
        "/api/v1/observations",
        &[("authorization", auth)],
        &new_figure(1),
    )
    .await
}

async fn figures_written(db: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from observations where formula = 'restated for a test'")
        .fetch_one(db)
        .await
        .expect("a count")
}

/// Takes the lock every writer takes first, so writes wait until the
/// returned transaction ends.
async fn block_writers(db: &PgPool) -> Transaction<'static, Postgres> {
    let mut tx = db.begin().await.expect("a transaction");
    sqlx::query("select version from data_version for update")
        .execute(&mut *tx)
        .await
        .expect("the writers' lock");
    tx
}

/// Waits until some session of this database waits on a lock.
async fn until_a_writer_waits(db: &PgPool) {
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'",
        )
        .fetch_one(db)
        .await
        .expect("a count");
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no writer started waiting");
}

/// A problem+json 503 with this `Retry-After` and detail.
#[track_caller]
fn assert_unavailable(response: &TestResponse, retry_after: &str, detail: &str) {
    assert_eq!(
        response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        response.body
    );
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(response.headers["retry-after"], retry_after);
    assert_eq!(response.body["detail"], detail);
}

/// A loopback port that nothing listens on.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    listener.local_addr().expect("an address").port()
}

fn database_url(db: &PgPool) -> String {
    db.connect_options().to_url_lossy().to_string()
}

/// The server, as the binary runs it, on a loopback port.
struct Running {
    address: SocketAddr,
    /// The server's own pool.
    pool: PgPool,
    /// Send to stop it, as SIGTERM does.
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Starts the server with a pool of its own (it closes its pool when it
/// stops, and the test still needs the test's).
async fn run_server(config: Config) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    let pool = store::connect(&config).await.expect("a pool");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve(
        listener,
        AppState::new(pool.clone(), config),
        async {
            let _ = stopped.await;
        },
    ));
    Running {
        address,
        pool,
        stop,
        task,
    }
}

/// One HTTP/1.1 exchange over a real socket; the whole answer as text.
async fn http(address: SocketAddr, request: String) -> String {
    let mut stream = TcpStream::connect(address).await.expect("a connection");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("an answer");
    response
}

fn post_figure(auth: &str) -> String {
    let body = new_figure(1).to_string();
    format!(
        "POST /api/v1/observations HTTP/1.1\r\nHost: test\r\nAuthorization: {auth}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[sqlx::test]
async fn every_answer_carries_a_request_id_the_clients_or_a_new_one(db: PgPool) {
    let app = TestApp::new(db);
    let generated = app.raw(Method::GET, "/api/v1/regions", &[]).await;
    let id = generated.header("x-request-id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(id.matches('-').count(), 4, "a UUID: {id}");

    let echoed = app
        .raw(Method::GET, "/nowhere", &[("x-request-id", "dash-42")])
        .await;
    assert_eq!(echoed.status, StatusCode::NOT_FOUND);
    assert_eq!(echoed.header("x-request-id"), "dash-42");

    let long = "x".repeat(129);
    let replaced = app
        .raw(Method::GET, "/api/v1/regions", &[("x-request-id", &long)])
        .await;
    assert_eq!(replaced.header("x-request-id").len(), 36, "a new UUID");
}

#[sqlx::test]
async fn metrics_name_invented_methods_other(db: PgPool) {
    let app = TestApp::new(db);
    let brew = Method::from_bytes(b"BREW").expect("a method token");
    let response = app.raw(brew, "/api/v1/regions", &[]).await;
    assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED);
    let text = app.raw(Method::GET, "/metrics", &[]).await.text();
    let line = r#"http_requests_total{method="OTHER",route="/api/v1/regions",status="405"} 1"#;
    assert!(text.contains(line), "missing `{line}` in:\n{text}");
    assert!(!text.contains("BREW"), "{text}");
}

#[sqlx::test]
async fn server_timing_gives_the_database_and_total_time(db: PgPool) {
    let app = TestApp::new(db);
    let response = app.raw(Method::GET, "/api/v1/observations", &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    let timing = response.header("server-timing");
    let duration = |name: &str| -> f64 {
        let entry = timing
            .split(", ")
            .find(|entry| entry.starts_with(&format!("{name};")))
            .unwrap_or_else(|| panic!("{name} in `{timing}`"));
        let value = entry
            .split(';')
            .find_map(|part| part.strip_prefix("dur="))
            .unwrap_or_else(|| panic!("a dur in `{entry}`"));
        value.parse().expect("milliseconds")
    };
    let (database, total) = (duration("db"), duration("total"));
    assert!(database > 0.0, "queries took time: `{timing}`");
    assert!(
        total >= database,
        "the total includes the database: `{timing}`"
    );
}

#[sqlx::test]
async fn metrics_count_requests_by_route_template_and_status(db: PgPool) {
    let app = TestApp::new(db);
    for code in ["371502", "371500", "999999"] {
        app.get(&format!("/api/v1/regions/{code}")).await;
    }
    let metrics = app.raw(Method::GET, "/metrics", &[]).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert_eq!(
        metrics.header("content-type"),
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = metrics.text();
    for line in [
        r#"http_requests_total{method="GET",route="/api/v1/regions/{code}",status="200"} 2"#,
        r#"http_requests_total{method="GET",route="/api/v1/regions/{code}",status="404"} 1"#,
        r#"http_request_duration_seconds_count{method="GET",route="/api/v1/regions/{code}",status="200"} 2"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/api/v1/regions/{code}",status="200",le="+Inf"} 2"#,
        // The scrape itself is in flight.
        "http_requests_in_flight 1",
        "db_pool_max_connections",
        r#"db_pool_connections{state="idle"}"#,
        r#"db_pool_connections{state="in_use"}"#,
        "db_pool_acquire_wait_seconds_count 3",
        "db_pool_acquire_timeouts_total 0",
        "db_statement_duration_seconds_count 3",
        r#"district_indicators_build_info{version="0.1.0",source_fingerprint=""#,
        "# TYPE http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(line), "missing `{line}` in:\n{text}");
    }
    // The raw path never becomes a label: series stay bounded.
    assert!(!text.contains("371502"), "{text}");
}

#[sqlx::test]
async fn a_request_head_over_the_limit_gets_431_problem_json(db: PgPool) {
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.max_header_bytes = 1024;
    let app = TestApp::with_config(db, config);
    let big = "x".repeat(1100);
    let response = app
        .send(Method::GET, "/api/v1/regions", &[("x-filler", &big)])
        .await;
    assert_eq!(response.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert_eq!(response.content_type(), "application/problem+json");
    let detail = response.body["detail"].as_str().expect("a detail");
    assert!(detail.ends_with("at most 1024 are accepted"), "{detail}");

    let fine = app.get("/api/v1/regions").await;
    assert_eq!(fine.status, StatusCode::OK);
}

#[sqlx::test]
async fn requests_over_the_concurrency_limit_get_503_at_once_but_probes_answer(db: PgPool) {
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.max_concurrent_requests = 1;
    let app = TestApp::with_config(db.clone(), config);
    let auth = bearer(&db, "editor", Role::Editor).await;
    let writers = block_writers(&db).await;
    let write = tokio::spawn({
        let app = app.clone();
        async move { write_figure(&app, &auth).await }
    });
    until_a_writer_waits(&db).await;

    let started = Instant::now();
    let shed = app.get("/api/v1/regions").await;
    assert!(started.elapsed() < Duration::from_secs(1), "shed at once");
    assert_unavailable(
        &shed,
        "1",
        "the server is answering its limit of 1 requests at once; retry shortly",
    );
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);

    writers.rollback().await.expect("the lock is released");
    let written = write.await.expect("the write finishes");
    assert_eq!(written.status, StatusCode::CREATED, "{}", written.body);
    assert_eq!(app.get("/api/v1/regions").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn a_request_over_its_time_limit_gets_504_and_writes_nothing(db: PgPool) {
    let mut config = Config::for_database("postgres://unused-in-tests");
    config.request_timeout = Duration::from_millis(300);
    let app = TestApp::with_config(db.clone(), config);
    let auth = bearer(&db, "editor", Role::Editor).await;
    let writers = block_writers(&db).await;

    let started = Instant::now();
    let response = write_figure(&app, &auth).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(
        response.body["detail"],
        "the request took longer than the server's limit of 300ms; narrow it or retry later"
    );
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    writers.rollback().await.expect("the lock is released");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(figures_written(&db).await, 0);
}

#[sqlx::test]
async fn a_statement_over_the_statement_timeout_gets_504(db: PgPool) {
    let mut config = Config::for_database(database_url(&db));
    config.database_statement_timeout = Duration::from_millis(250);
    let pool = store::connect(&config).await.expect("a pool");
    let setting: String = sqlx::query_scalar("show statement_timeout")
        .fetch_one(&pool)
        .await
        .expect("the setting");
    assert_eq!(setting, "250ms");
    let app = TestApp::with_config(pool, config);
    let auth = bearer(&db, "editor", Role::Editor).await;
    let writers = block_writers(&db).await;

    let response = write_figure(&app, &auth).await;
    assert_eq!(response.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(response.content_type(), "application/problem+json");
    assert_eq!(
        response.body["detail"],
        "a database statement ran longer than the server allows; narrow the request or retry later"
    );
    writers.rollback().await.expect("the lock is released");
    assert_eq!(figures_written(&db).await, 0);
}

#[tokio::test]
async fn with_the_database_unreachable_data_requests_fail_fast_with_503() {
    let url = format!("postgres://postgres@127.0.0.1:{}/gone", closed_port().await);
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(1))
        .connect_lazy(&url)
        .expect("a lazy pool");
    let app = TestApp::with_config(pool, Config::for_database(url));
    for path in [
        "/api/v1/regions",
        "/api/v1/observations?region=371502",
        "/readyz",
    ] {
        let started = Instant::now();
        let response = app.get(path).await;
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_secs(2), "{path}: {elapsed:?}");
        assert_unavailable(
            &response,
            "2",
            "the database is not reachable; retry shortly",
        );
    }
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
    let metrics = app.raw(Method::GET, "/metrics", &[]).await.text();
    assert!(
        metrics.contains("db_pool_acquire_timeouts_total 2"),
        "both data requests gave up waiting:\n{metrics}"
    );
}

#[tokio::test]
async fn start_up_retries_an_unreachable_database_until_its_timeout() {
    let port = closed_port().await;
    let mut config = Config::for_database(format!("postgres://postgres@127.0.0.1:{port}/gone"));
    config.database_startup_timeout = Duration::from_secs(1);
    let started = Instant::now();
    let error = store::connect(&config).await.expect_err("nothing listens");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(900),
        "it waited: {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(8),
        "then gave up: {elapsed:?}"
    );
    assert!(
        format!("{error:#}").contains("gave up after DATABASE_STARTUP_TIMEOUT=1s"),
        "{error:#}"
    );
}

#[sqlx::test]
async fn start_up_waits_for_a_database_that_comes_up_late(db: PgPool) {
    // Postgres "comes up" at a new port 700 ms after start-up begins: a
    // proxy to the real one.
    let port = closed_port().await;
    let target = db.connect_options();
    let target = format!("{}:{}", target.get_host(), target.get_port());
    let proxy = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the port");
        loop {
            let (mut client, _) = listener.accept().await.expect("a client");
            let target = target.clone();
            tokio::spawn(async move {
                let mut server = TcpStream::connect(target).await.expect("Postgres");
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    let database = db.connect_options().get_database().map(str::to_owned);
    let url = format!(
        "postgres://postgres@127.0.0.1:{port}/{}",
        database.expect("a database name")
    );
    let mut config = Config::for_database(url);
    config.database_startup_timeout = Duration::from_secs(20);
    let started = Instant::now();
    let pool = store::connect(&config).await.expect("it connects once up");
    assert!(started.elapsed() >= Duration::from_millis(700));
    let app = TestApp::with_config(pool, config);
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    proxy.abort();
}

#[sqlx::test]
async fn shutdown_lets_an_in_flight_write_finish_and_keeps_it(db: PgPool) {
    let auth = bearer(&db, "editor", Role::Editor).await;
    let Running {
        address,
        stop,
        task: server,
        ..
    } = run_server(Config::for_database(database_url(&db))).await;

    let writers = block_writers(&db).await;
    let write = tokio::spawn(http(address, post_figure(&auth)));
    until_a_writer_waits(&db).await;
    stop.send(()).expect("the server listens for the stop");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        TcpStream::connect(address).await.is_err(),
        "a stopping server takes no new connections"
    );
    assert!(!server.is_finished(), "the server waits for the write");

    writers.rollback().await.expect("the lock is released");
    let answer = write.await.expect("the write finishes");
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the write is answered")
        .expect("the server task")
        .expect("a clean stop");
    assert_eq!(figures_written(&db).await, 1);
}

#[sqlx::test]
async fn shutdown_gives_up_on_a_stuck_request_after_the_grace_period(db: PgPool) {
    let auth = bearer(&db, "editor", Role::Editor).await;
    let mut config = Config::for_database(database_url(&db));
    config.shutdown_grace_period = Duration::from_millis(500);
    let Running {
        address,
        pool,
        stop,
        task: server,
    } = run_server(config).await;
    let writers = block_writers(&db).await;
    let write = tokio::spawn(http(address, post_figure(&auth)));
    until_a_writer_waits(&db).await;

    let started = Instant::now();
    stop.send(()).expect("the server listens for the stop");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops after its grace period")
        .expect("the server task")
        .expect("a clean stop");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // In the binary the process now exits, and the write is rolled back.
    // Here the runtime goes on: let the write end, then close what the
    // server left open, so that the test database can be dropped.
    writers.rollback().await.expect("the lock is released");
    let _ = write.await;
    tokio::time::timeout(Duration::from_secs(5), pool.close())
        .await
        .expect("the server's pool closes");
}

#[sqlx::test]
async fn a_pool_busy_with_requests_fails_data_requests_fast_but_stays_ready(db: PgPool) {
    let mut config = Config::for_database(database_url(&db));
    config.database_max_connections = 1;
    config.database_acquire_timeout = Duration::from_millis(300);
    let pool = store::connect(&config).await.expect("a pool");
    let app = TestApp::with_config(pool.clone(), config);
    let auth = bearer(&db, "editor", Role::Editor).await;
    // A write waits on the writers' lock, holding the pool's one connection.
    let writers = block_writers(&db).await;
    let write = tokio::spawn({
        let (app, auth) = (app.clone(), auth.clone());
        async move { write_figure(&app, &auth).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let response = app.get("/api/v1/regions").await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.content_type(), "application/problem+json");
    // Busy with a request, not down: the replica stays in rotation.
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);

    writers.rollback().await.expect("the lock is released");
    assert_eq!(
        write.await.expect("the write ends").status,
        StatusCode::CREATED
    );
}

#[sqlx::test]
async fn a_pool_whose_connections_are_lost_is_not_ready(db: PgPool) {
    let mut config = Config::for_database(database_url(&db));
    config.database_max_connections = 1;
    config.database_acquire_timeout = Duration::from_millis(300);
    let pool = store::connect(&config).await.expect("a pool");
    let app = TestApp::with_config(pool.clone(), config);
    // The pool's one connection is held by no request: as good as lost.
    let lost = pool.acquire().await.expect("the pool's one connection");
    let response = app.get("/api/v1/regions").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    let ready = app.get("/readyz").await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.body
    );
    assert_eq!(ready.content_type(), "application/problem+json");
    // Given back, the pool serves again, and the probe says so.
    drop(lost);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.get("/readyz").await.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/regions").await.status, StatusCode::OK);
}

#[sqlx::test]
async fn an_answer_abandoned_mid_stream_gives_its_connection_back(db: PgPool) {
    let mut config = Config::for_database(database_url(&db));
    config.database_max_connections = 1;
    let pool = store::connect(&config).await.expect("a pool");
    let app = TestApp::with_config(pool.clone(), config);
    for _ in 0..5 {
        // The headers of a CSV export come, the body is never read.
        let response = app
            .router()
            .oneshot(
                Request::get("/api/v1/observations?format=csv")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        drop(response);
    }
    // Each abandoned answer gave its one connection back: the next request
    // of a one-connection pool is served.
    let regions = app.get("/api/v1/regions?limit=1").await;
    assert_eq!(regions.status, StatusCode::OK, "{}", regions.body);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        pool.size() as usize,
        pool.num_idle(),
        "every connection is idle"
    );
}

#[sqlx::test]
async fn a_request_abandoned_by_its_client_is_still_logged_and_counted(db: PgPool) {
    let app = TestApp::new(db.clone());
    let auth = bearer(&db, "editor", Role::Editor).await;
    let writers = block_writers(&db).await;
    let gave_up = tokio::time::timeout(Duration::from_millis(300), write_figure(&app, &auth)).await;
    assert!(gave_up.is_err(), "the write waits on the lock");
    writers.rollback().await.expect("the lock is released");

    let text = app.raw(Method::GET, "/metrics", &[]).await.text();
    let line = r#"http_requests_total{method="POST",route="/api/v1/observations",status="499"} 1"#;
    assert!(text.contains(line), "missing `{line}` in:\n{text}");
    assert!(
        text.contains("http_requests_in_flight 1"),
        "only the scrape:\n{text}"
    );
}

#[sqlx::test]
async fn a_client_that_never_finishes_its_head_is_disconnected(db: PgPool) {
    let mut config = Config::for_database(database_url(&db));
    config.header_read_timeout = Duration::from_millis(500);
    let Running {
        address,
        stop,
        task: server,
        ..
    } = run_server(config).await;

    // One client sends nothing at all, another half a head.
    let silent = TcpStream::connect(address).await.expect("a connection");
    let mut slow = TcpStream::connect(address).await.expect("a connection");
    slow.write_all(b"GET /api/v1/regions HTTP/1.1\r\nHost: test\r\n")
        .await
        .expect("half a head");
    let started = Instant::now();
    for mut client in [silent, slow] {
        let mut rest = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut rest)).await;
        assert!(closed.is_ok(), "the server closes the connection");
    }
    assert!(started.elapsed() >= Duration::from_millis(400));

    // A prompt client is served as ever.
    let answer = http(
        address,
        "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".to_owned(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).expect("the server listens for the stop");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops")
        .expect("the server task")
        .expect("a clean stop");
}
