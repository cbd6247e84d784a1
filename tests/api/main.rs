//! Integration tests: the real router against a real Postgres, each test on
//! its own fresh database with every migration (and so the seed) applied.

mod catalogue;
mod dashboard;
mod errors;
mod facts;
mod formats;
mod health;
mod helpers;
mod http;
mod imports;
mod observations;
mod openapi;
mod operations;
mod regions;
mod revisions;
mod seed;
mod series;
mod stewardship;
mod strict;
