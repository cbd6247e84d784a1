//! Typed settings, read from the command line or the environment.
//!
//! Every setting has a flag and an environment variable (the variable is what
//! `docker compose` and `.env.example` use); `district-indicators --help`
//! lists them with their defaults. `RUST_LOG` is read by [`crate::telemetry`].

use std::net::IpAddr;
use std::time::Duration;

/// Settings shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Postgres connection URL. The database is created if it does not exist.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/district_indicators",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on.
    #[arg(long, env = "PORT", default_value_t = 8080)]
    pub port: u16,

    /// Most connections the pool keeps open to Postgres.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub database_max_connections: u32,

    /// Connections the pool keeps open even when idle.
    #[arg(long, env = "DATABASE_MIN_CONNECTIONS", default_value_t = 1)]
    pub database_min_connections: u32,

    /// Longest a request waits for a pooled connection; then 503. Keep it
    /// short: when Postgres is down, this is how long a request takes to
    /// fail.
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT", default_value = "1s", value_parser = duration)]
    pub database_acquire_timeout: Duration,

    /// Longest one SQL statement may run (Postgres `statement_timeout`);
    /// then the request gets 504.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT", default_value = "10s", value_parser = duration)]
    pub database_statement_timeout: Duration,

    /// How long start-up keeps retrying (with backoff) to reach Postgres
    /// before giving up.
    #[arg(long, env = "DATABASE_STARTUP_TIMEOUT", default_value = "60s", value_parser = duration)]
    pub database_startup_timeout: Duration,

    /// Longest a request may take, body included for uploads; then 504.
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "30s", value_parser = duration)]
    pub request_timeout: Duration,

    /// Longest a bulk import (`POST /api/v1/imports`) may take; then 504 and
    /// nothing of it is kept.
    #[arg(long, env = "IMPORT_TIMEOUT", default_value = "10m", value_parser = duration)]
    pub import_timeout: Duration,

    /// Requests served at once; more get 503 with `Retry-After` at once
    /// instead of queueing. The probes and `/metrics` are never refused.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent_requests: u32,

    /// Longest a client may take to send a request's head, and an idle
    /// keep-alive connection may wait for its next request; then the
    /// connection is closed. Keep it longer than the idle timeout of a proxy
    /// that pools connections to the service (60 s is common).
    #[arg(long, env = "HEADER_READ_TIMEOUT", default_value = "65s", value_parser = duration)]
    pub header_read_timeout: Duration,

    /// Largest request head (URI plus headers), in bytes; larger gets 431.
    #[arg(long, env = "MAX_HEADER_BYTES", default_value_t = 16_384)]
    pub max_header_bytes: usize,

    /// On SIGTERM or Ctrl-C: how long in-flight requests may take to finish
    /// before the server stops anyway.
    #[arg(long, env = "SHUTDOWN_GRACE_PERIOD", default_value = "20s", value_parser = duration)]
    pub shutdown_grace_period: Duration,

    /// Log format: `text` for people, `json` (one object per line) for log
    /// collectors. `RUST_LOG` sets what is logged.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// `Cache-Control: max-age` of successful GETs, in seconds. Clients can
    /// always revalidate cheaply with `If-None-Match`.
    #[arg(long, env = "CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u32,

    /// Origins allowed to call the API from a browser (CORS), comma-separated,
    /// e.g. `https://dash.example.org,http://localhost:5173`; `*` allows any;
    /// empty allows none.
    #[arg(
        long,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub cors_allowed_origins: Vec<String>,

    /// Require an API key (any role) for reads too. Writes always need one.
    #[arg(long, env = "READS_REQUIRE_KEY", default_value_t = false, action = clap::ArgAction::Set)]
    pub reads_require_key: bool,

    /// Writes each key may make per minute; more get 429 with `Retry-After`.
    #[arg(long, env = "WRITE_RATE_LIMIT_PER_MINUTE", default_value_t = 120)]
    pub write_rate_limit_per_minute: u32,

    /// Largest JSON request body, in bytes; larger gets 413.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,

    /// Largest bulk import body, in bytes; larger gets 413, from its
    /// `Content-Length` before it is read (or when a chunked body passes
    /// it). The default (512 MiB) takes the CSV export of about 1.5 million
    /// observations; the body is streamed, so memory does not grow with it.
    #[arg(long, env = "MAX_IMPORT_BYTES", default_value_t = 536_870_912)]
    pub max_import_bytes: usize,

    /// An import that writes at least this many observation rows analyses
    /// the table afterwards, so queries are planned for its new size at once
    /// (autovacuum would do it later, or never where it is off).
    #[arg(long, env = "IMPORT_ANALYZE_ROWS", default_value_t = 10_000)]
    pub import_analyze_rows: u64,
}

impl Config {
    /// Settings for tests and examples: the defaults, with the given database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            database_max_connections: 5,
            database_min_connections: 0,
            database_acquire_timeout: Duration::from_secs(1),
            database_statement_timeout: Duration::from_secs(10),
            database_startup_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            import_timeout: Duration::from_secs(600),
            max_concurrent_requests: 256,
            max_header_bytes: 16_384,
            header_read_timeout: Duration::from_secs(65),
            shutdown_grace_period: Duration::from_secs(20),
            log_format: LogFormat::Text,
            cache_max_age: 60,
            cors_allowed_origins: Vec::new(),
            reads_require_key: false,
            write_rate_limit_per_minute: 120,
            max_body_bytes: 1_048_576,
            max_import_bytes: 536_870_912,
            import_analyze_rows: 10_000,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the request's span fields.
    Json,
}

/// Parses a positive duration such as `500ms`, `30s` or `10m`.
fn duration(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text) {
        Ok(duration) if !duration.is_zero() => Ok(duration),
        Ok(_) => Err("must be more than zero".to_owned()),
        Err(error) => Err(format!(
            "{error}; expected a duration such as 500ms, 30s or 10m"
        )),
    }
}
