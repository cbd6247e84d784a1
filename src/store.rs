//! The store: every SQL query, one module per resource, each an instrumented
//! async function returning domain types. Handlers never write SQL.

pub mod audit;
pub mod catalogue;
pub mod imports;
pub mod indicators;
pub mod keys;
pub mod observations;
pub mod recognitions;
pub mod regions;
pub mod snapshot;
pub mod sources;
pub mod targets;
pub mod topics;
pub mod units;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use backon::{ExponentialBuilder, Retryable};
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres};

use crate::Config;

/// The migrations under `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    /// Everything, for internal callers that need whole lists.
    pub const ALL: Page = Page {
        limit: i64::MAX,
        offset: 0,
    };
}

/// How a list's total is counted, as PostgREST's `Prefer: count=…` names
/// it: `exact` counts every match; `planned` takes the planner's estimate
/// from Postgres's statistics without reading the rows; `estimated` (the
/// default) counts exactly up to a bound and estimates past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountMode {
    Exact,
    Planned,
    #[default]
    Estimated,
}

/// A list's total, and whether it is exact or the planner's estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub value: i64,
    pub exact: bool,
}

impl Total {
    pub fn exact(value: i64) -> Self {
        Self { value, exact: true }
    }

    pub fn planned(value: i64) -> Self {
        Self {
            value,
            exact: false,
        }
    }
}

/// Waits for Postgres (retrying with backoff for up to
/// `DATABASE_STARTUP_TIMEOUT`), creates the database if it does not exist
/// yet, then opens the pool.
pub async fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let url = &config.database_url;
    // Validate the URL before anything else so a typo is reported as one.
    let options = PgConnectOptions::from_str(url)
        .context("DATABASE_URL is not a valid Postgres URL")?
        .application_name("district-indicators")
        .options([
            // Every statement is bounded; a longer one fails with 57014 (504).
            (
                "statement_timeout",
                config.database_statement_timeout.as_millis().to_string(),
            ),
            // A statement whose client has gone (an abandoned request whose
            // connection was closed) is stopped within a second, not run
            // to its end.
            ("client_connection_check_interval", "1000".to_owned()),
            // The reads are short index scans: JIT compiling them costs
            // hundreds of milliseconds and saves nothing.
            ("jit", "off".to_owned()),
        ]);
    let server = format!("{}:{}", options.get_host(), options.get_port());
    let last_error = std::sync::Mutex::new(String::new());
    let waiting = (|| Postgres::database_exists(url))
        .retry(
            ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(250))
                .with_max_delay(Duration::from_secs(5))
                .without_max_times()
                .with_jitter(),
        )
        .when(is_unreachable)
        .notify(|error, wait| {
            tracing::warn!(%server, %error, retry_in = ?wait, "waiting for Postgres");
            if let Ok(mut last) = last_error.lock() {
                *last = error.to_string();
            }
        });
    let exists = match tokio::time::timeout(config.database_startup_timeout, waiting).await {
        Ok(exists) => exists.with_context(|| format!("could not reach Postgres at {server}"))?,
        Err(_) => anyhow::bail!(
            "could not reach Postgres at {server}: gave up after DATABASE_STARTUP_TIMEOUT={} ({})",
            humantime::format_duration(config.database_startup_timeout),
            last_error
                .lock()
                .map(|last| last.clone())
                .unwrap_or_default()
        ),
    };
    if !exists {
        tracing::info!(database = options.get_database(), "creating database");
        Postgres::create_database(url)
            .await
            .context("could not create the database named in DATABASE_URL")?;
    }
    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .min_connections(config.database_min_connections)
        .acquire_timeout(config.database_acquire_timeout)
        // No ping on every checkout: a broken connection fails its first
        // statement instead (a 503 at worst), and sqlx already tests each
        // connection when it comes back to the pool.
        .test_before_acquire(false)
        // Emit each checkout's wait, which telemetry adds to its request.
        .acquire_time_level(log::LevelFilter::Trace)
        .connect_with(options)
        .await
        .context("could not connect to the database")?;
    tracing::info!(%server, "connected to Postgres");
    Ok(pool)
}

/// Whether an error means Postgres cannot be reached now (down, starting,
/// shutting down, or the pool gave up waiting), as opposed to a fault in a
/// query: the first is worth retrying, and a 503.
pub fn is_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // Connection exceptions (class 08, but not 08P01, a protocol
        // violation: a bug); 57P01-03: admin or crash shutdown, or "the
        // database system is starting up".
        sqlx::Error::Database(database) => database.code().is_some_and(|code| {
            matches!(
                code.as_ref(),
                "08000"
                    | "08001"
                    | "08003"
                    | "08004"
                    | "08006"
                    | "08007"
                    | "57P01"
                    | "57P02"
                    | "57P03"
            )
        }),
        _ => false,
    }
}

/// Applies the migrations that have not been applied yet, on a connection
/// of their own without `DATABASE_STATEMENT_TIMEOUT` (a migration may
/// rightly take longer than any request).
pub async fn migrate(db: &PgPool) -> anyhow::Result<()> {
    let mut conn = db
        .acquire()
        .await
        .context("could not connect to apply migrations")?
        .detach();
    sqlx::raw_sql("set statement_timeout = 0")
        .execute(&mut conn)
        .await
        .context("could not lift the statement timeout for migrations")?;
    MIGRATOR
        .run(&mut conn)
        .await
        .context("could not apply migrations")?;
    conn.close()
        .await
        .context("could not close the migration connection")
}

/// Whether Postgres accepts a connection and answers, for `/readyz`. The
/// probe opens a connection of its own: a pool busy with requests is not an
/// outage, and must not take the service out of rotation.
#[tracing::instrument(skip_all)]
pub async fn ping(db: &PgPool) -> sqlx::Result<()> {
    if db.is_closed() {
        return Err(sqlx::Error::PoolClosed);
    }
    let mut conn = PgConnection::connect_with(&db.connect_options()).await?;
    sqlx::query_scalar!("select 1 as \"one!\"")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await
}

/// Filters shared by recognitions and targets; `None` does not filter.
#[derive(Debug, Default, Clone)]
pub struct FactFilter {
    pub region: Option<String>,
    /// With `region`: the regions below it too.
    pub descendants: bool,
    pub topic: Option<String>,
    /// Only the one with this id.
    pub id: Option<i64>,
}

/// The revision a writer expects to change: `If-Match` with a tag, or `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Revision(i32),
    Any,
}

impl Expected {
    fn allows(self, current: i32) -> bool {
        match self {
            Expected::Revision(expected) => expected == current,
            Expected::Any => true,
        }
    }
}

/// What a conditional replace or delete found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Done; the resource is now at this revision (a delete: was).
    Done { revision: i32 },
    /// Nothing current has that key.
    Missing,
    /// The current revision is another one.
    Stale { current: i32 },
}

/// Begins a write transaction. Every writer first locks the one
/// `data_version` row that its writes will bump anyway, so writers queue in
/// one order (no deadlocks between them) and timestamps taken after the lock
/// (`clock_timestamp()`) increase with commit order, as `as_of` needs.
/// While an import applies its changes (it holds that lock for their whole
/// length), a writer is answered 503 at once instead of waiting.
pub async fn begin_write(db: &PgPool) -> crate::Result<sqlx::Transaction<'static, Postgres>> {
    let mut tx = db.begin().await?;
    if !imports::admit_writer(&mut tx).await? {
        return Err(crate::Error::import_applying());
    }
    sqlx::query!("select version from data_version for update")
        .fetch_one(&mut *tx)
        .await?;
    Ok(tx)
}
