//! Serving the app over TCP, and stopping gracefully.
//!
//! hyper's HTTP/1 connection builder rather than `axum::serve`, for a
//! setting `axum::serve` does not expose: a timeout on reading a request's
//! head, so that a client that sends it slowly, or never, cannot hold a
//! connection for ever. HTTP/1.1 only: the service sits behind a proxy or is
//! called directly, and neither needs cleartext HTTP/2.

use std::future::Future;
use std::io::ErrorKind;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::{AppState, app};

/// How long closing the pool may take when the grace period is already over.
const CLOSE_AT_LEAST: Duration = Duration::from_millis(250);

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
    let mut http = http1::Builder::new();
    // hyper's own limits stay as they are: 100 headers, about 400 KB.
    http.timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    let service = TowerToHyperService::new(app(state));
    let connections = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                // One client's connection failed before we took it: not ours.
                Err(error) if is_connection_error(&error) => continue,
                Err(error) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let connection = http.serve_connection(TokioIo::new(stream), service.clone());
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up, or sends garbage, is no error of ours.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!(grace_period = ?grace, "shutting down: finishing in-flight requests");
    let deadline = tokio::time::Instant::now() + grace;
    tokio::select! {
        () = connections.shutdown() => tracing::info!("every request has finished"),
        () = tokio::time::sleep_until(deadline) => {
            tracing::warn!(grace_period = ?grace, "grace period over: stopping with requests still in flight");
        }
    }
    // End the database sessions within the grace period too (at least a
    // moment, to say goodbye): a connection that will not come back (a
    // statement still running) must not keep the process from exiting.
    let closing = deadline.max(tokio::time::Instant::now() + CLOSE_AT_LEAST);
    match tokio::time::timeout_at(closing, db.close()).await {
        Ok(()) => tracing::info!("stopped"),
        Err(_) => tracing::warn!("stopped without waiting for every database connection to close"),
    }
    Ok(())
}

/// Errors of one incoming connection, as opposed to the listener's.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}
