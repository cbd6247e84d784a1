//! The ceiling for `bench/compare`: an axum server that answers every
//! request with the same bytes, read once from a file at start-up (the
//! service's own answer, fetched by the script). What is left between the
//! service and this is the work of answering: the database, the JSON, the
//! middleware.
//!
//! Usage: `static_body FILE ADDRESS`, e.g. `static_body body.json 127.0.0.1:18095`.

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::http::header;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(address)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: static_body FILE ADDRESS");
    };
    let body = Bytes::from(std::fs::read(&file).with_context(|| format!("reading {file}"))?);
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    });
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("binding {address}"))?;
    axum::serve(listener, app).await.context("serving")
}
