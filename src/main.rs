//! The `district-indicators` binary: parses settings, connects, migrates and
//! serves. Everything else lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use district_indicators::auth::{NewKey, Role};
use district_indicators::{AppState, Config, server, store, telemetry};
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
    /// Manage API keys (writes need one).
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a key and print it, once: only its hash is stored.
    Create {
        /// A unique name, recorded in the audit log with every change.
        #[arg(long)]
        name: String,
        /// editor: observations, recognitions, targets; admin: also the catalogue and the audit log.
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke the key with this name; it stops working at once.
    Revoke { name: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    let db = store::connect(&cli.config).await?;
    store::migrate(&db).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Serve => serve(AppState::new(db, cli.config)).await,
        Command::Keys(command) => keys(&db, command).await,
    }
}

async fn keys(db: &sqlx::PgPool, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create { name, role } => {
            let key = NewKey::generate();
            store::keys::create_key(db, &name, role, &key)
                .await
                .with_context(|| format!("could not create key `{name}` (names are unique, 1 to 64 of A-Z a-z 0-9 _ . @ -)"))?;
            println!("{}", key.token);
            eprintln!(
                "Key `{name}` ({}) created. Keep it now: it is not stored and cannot be shown again.",
                role.as_str()
            );
        }
        KeysCommand::List => {
            for key in store::keys::list_keys(db).await? {
                let state = key
                    .revoked_at
                    .map_or("live".to_owned(), |at| format!("revoked {at}"));
                println!(
                    "{}\t{}\t{}\tcreated {}\t{state}",
                    key.name, key.role, key.id, key.created_at
                );
            }
        }
        KeysCommand::Revoke { name } => {
            if store::keys::revoke_key(db, &name).await? {
                eprintln!("Key `{name}` revoked.");
            } else {
                anyhow::bail!("no live key is named `{name}`");
            }
        }
    }
    Ok(())
}

async fn serve(state: AppState) -> anyhow::Result<()> {
    let address = (state.config.host, state.config.port);
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("could not listen on {}:{}", address.0, address.1))?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    server::serve(listener, state, shutdown_signal()).await
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
}
