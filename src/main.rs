//! The `district-indicators` binary: parses settings, connects, migrates and
//! serves. Everything else lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use district_indicators::{AppState, Config, app, store, telemetry};
use tokio::net::TcpListener;

/// Performance indicators of Chinese districts, each traced to the sentence
/// that printed it.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database if needed, apply migrations, and serve (the default).
    Serve,
    /// Create the database if needed, apply migrations, and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init();
    let db = store::connect(&cli.config).await?;
    store::migrate(&db).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve => serve(AppState::new(db, cli.config)).await,
    }
}

async fn serve(state: AppState) -> anyhow::Result<()> {
    let address = (state.config.host, state.config.port);
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {}:{}", address.0, address.1))?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "could not listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
