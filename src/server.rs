//! Serving the app over TCP, and stopping gracefully.
//!
//! hyper-util's connection builder rather than `axum::serve`, for two
//! settings `axum::serve` does not expose: a timeout on reading a request's
//! head (a client that sends it slowly, or never, would otherwise hold its
//! connection for ever) and hyper's limit on the number of headers.

use std::future::Future;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::{AppState, app};

/// Most headers a request may have; more gets a bare 431 from hyper (the
/// byte limit, `MAX_HEADER_BYTES`, is checked later, as problem+json).
const MAX_HEADERS: usize = 100;

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
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout)
        .max_headers(MAX_HEADERS);
    let service = TowerToHyperService::new(app(state));
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _peer)) => stream,
                    Err(error) => {
                        // Out of file descriptors, say: wait, don't spin.
                        tracing::warn!(%error, "could not accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let connection = builder
                    .serve_connection_with_upgrades(TokioIo::new(stream), service.clone())
                    .into_owned();
                let connection = connections.watch(connection);
                tokio::spawn(async move {
                    // A client that hangs up, or sends garbage, is no error of ours.
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!(grace_period = ?grace, "shutting down: finishing in-flight requests");
    tokio::select! {
        () = connections.shutdown() => {
            // Every request has finished: end the database sessions cleanly.
            db.close().await;
            tracing::info!("stopped");
        }
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_period = ?grace, "grace period over: stopping with requests still in flight");
        }
    }
    Ok(())
}
