//! Serving the app over TCP, and stopping gracefully.

use std::future::{Future, IntoFuture};
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::{AppState, app};

/// Serves until `shutdown` resolves, then stops accepting connections and
/// lets in-flight requests finish for up to `SHUTDOWN_GRACE_PERIOD`; past
/// that it returns anyway, and the binary exits, dropping what is left. A
/// write is acknowledged only after its commit, so every acknowledged write
/// survives the stop; one dropped before its commit is rolled back by
/// Postgres when its connection closes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let grace = state.config.shutdown_grace_period;
    let db = state.db.clone();
    let stopping = Arc::new(Notify::new());
    let signal = stopping.clone();
    let server = axum::serve(listener, app(state)).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!(grace_period = ?grace, "shutting down: finishing in-flight requests");
        signal.notify_one();
    });
    tokio::select! {
        result = server.into_future() => {
            result.context("server error")?;
            // Every request has finished: end the database sessions cleanly.
            db.close().await;
            tracing::info!("stopped");
        }
        () = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(grace_period = ?grace, "grace period over: stopping with requests still in flight");
        }
    }
    Ok(())
}
