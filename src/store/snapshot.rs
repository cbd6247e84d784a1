//! A request's reads: one pooled connection, taken on first use and held
//! for the whole request, inside one read-only `REPEATABLE READ`
//! transaction. Every statement of the request, the pages of a streamed CSV
//! export included, sees the same snapshot, and the data version it reports
//! (for the `ETag`) is that snapshot's.
//!
//! The connection goes back to the pool when the last handle is dropped: the
//! response has been sent, or the client went away. The transaction is
//! ended off the request's path; a connection that does not end it within
//! a second (a statement of an abandoned request is still running) is
//! closed instead of being returned, so an abandoned request never keeps a
//! pooled connection, and Postgres stops the statement when it sees the
//! client gone (`client_connection_check_interval`).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Row};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

/// How long ending a request's transaction may take before its connection
/// is closed instead of returned.
const RELEASE_TIMEOUT: Duration = Duration::from_secs(1);

/// Where snapshots come from: the pool, and a count of the connections
/// requests hold (so that `/readyz` can tell a pool busy with requests from
/// one whose connections were lost).
#[derive(Clone)]
pub struct Readers {
    pool: PgPool,
    holding: Arc<AtomicUsize>,
}

impl Readers {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            holding: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A new request's snapshot, taking no connection until first used.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            inner: Arc::new(Inner {
                readers: self.clone(),
                slot: Mutex::new(Slot::default()),
            }),
        }
    }

    /// How many pooled connections snapshots hold now, streamed answers
    /// still being sent included.
    pub fn holding(&self) -> usize {
        self.holding.load(Ordering::Relaxed)
    }
}

/// One request's reads. Cheap to clone; clones share the connection.
#[derive(Clone)]
pub struct Snapshot {
    inner: Arc<Inner>,
}

struct Inner {
    readers: Readers,
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    conn: Option<PoolConnection<Postgres>>,
    /// The data version of the snapshot, read when it began.
    version: Option<i64>,
}

/// The request's connection, locked for one use.
pub struct SnapshotConn<'a> {
    conn: MappedMutexGuard<'a, PoolConnection<Postgres>>,
}

impl Snapshot {
    /// The connection, in the snapshot's transaction; the first call takes
    /// it from the pool and begins the transaction.
    pub async fn conn(&self) -> sqlx::Result<SnapshotConn<'_>> {
        let guard = self.begun().await?;
        match MutexGuard::try_map(guard, |slot| slot.conn.as_mut()) {
            Ok(conn) => Ok(SnapshotConn { conn }),
            Err(_) => Err(sqlx::Error::PoolClosed),
        }
    }

    /// The data version this snapshot reflects (every write bumps it).
    pub async fn version(&self) -> sqlx::Result<i64> {
        self.begun().await?.version.ok_or(sqlx::Error::RowNotFound)
    }

    /// The slot, with a connection in the snapshot's transaction.
    async fn begun(&self) -> sqlx::Result<MutexGuard<'_, Slot>> {
        let mut guard = self.inner.slot.lock().await;
        if guard.conn.is_none() {
            let mut conn = self.inner.readers.pool.acquire().await?;
            // One round trip: begin, and read the version the snapshot sees.
            let rows = sqlx::raw_sql(
                "begin isolation level repeatable read read only; select version from data_version",
            )
            .fetch_all(&mut *conn)
            .await;
            let rows = match rows {
                Ok(rows) => rows,
                Err(error) => {
                    // Half-begun: never hand it back to the pool.
                    drop(conn.detach());
                    return Err(error);
                }
            };
            let version = match rows.first() {
                Some(row) => row.try_get::<i64, _>(0)?,
                None => return Err(sqlx::Error::RowNotFound),
            };
            guard.version = Some(version);
            guard.conn = Some(conn);
            self.inner.readers.holding.fetch_add(1, Ordering::Relaxed);
        }
        Ok(guard)
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Snapshot")
    }
}

impl Deref for SnapshotConn<'_> {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl DerefMut for SnapshotConn<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(conn) = self.slot.get_mut().conn.take() else {
            return;
        };
        let holding = self.readers.holding.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    release(conn).await;
                    holding.fetch_sub(1, Ordering::Relaxed);
                });
            }
            // No runtime left (the process is stopping): just close it.
            Err(_) => {
                drop(conn.detach());
                holding.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
}

/// Ends the snapshot's transaction and returns the connection to the pool,
/// or closes it if that does not happen at once (a statement of an
/// abandoned request is still running on it).
async fn release(mut conn: PoolConnection<Postgres>) {
    let ended = tokio::time::timeout(
        RELEASE_TIMEOUT,
        sqlx::raw_sql("rollback").execute(&mut *conn),
    )
    .await;
    match ended {
        Ok(Ok(_)) => drop(conn),
        Ok(Err(error)) => {
            tracing::debug!(%error, "closing a connection that could not end its snapshot");
            drop(conn.detach());
        }
        Err(_) => {
            tracing::debug!("closing a connection still busy after its request ended");
            drop(conn.detach());
        }
    }
}
