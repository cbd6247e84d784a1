//! Typed settings, read from the command line or the environment.
//!
//! Every setting has a flag and an environment variable (the variable is what
//! `docker compose` and `.env.example` use); `district-indicators --help`
//! lists them with their defaults. `RUST_LOG` is read by [`crate::telemetry`].

use std::net::IpAddr;

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

    /// Largest bulk import body, in bytes; larger gets 413.
    #[arg(long, env = "MAX_IMPORT_BYTES", default_value_t = 268_435_456)]
    pub max_import_bytes: usize,
}

impl Config {
    /// Settings for tests and examples: the defaults, with the given database.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            database_max_connections: 5,
            cache_max_age: 60,
            cors_allowed_origins: Vec::new(),
            reads_require_key: false,
            write_rate_limit_per_minute: 120,
            max_body_bytes: 1_048_576,
            max_import_bytes: 268_435_456,
        }
    }
}
