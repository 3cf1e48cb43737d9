//! `storelink bench seed-pos`: fills a data folder with an administrator, a few POS systems
//! and many POS transactions, for the desktop benchmark (scripts/bench-desktop.sh).
//!
//! Rows go through the store's own `pos_transactions` insert, so the table, its indexes
//! and the values (UUID v7 ids in arrival order, integer fen, JSON items, content hash of
//! the validated body) are what the listener would have written. The raw pushes (inbox)
//! and per-transaction sync log lines that real ingest also keeps are not written: the
//! POS list and the dashboard do not read them, and they would double the file.
#![allow(clippy::print_stdout)]

use std::time::{Instant, SystemTime};

use clap::Args;
use storelink_core::system::NewSystem;
use storelink_core::{Actor, AppError};
use storelink_service::Services;
use storelink_store::{db_error, pos};

use crate::output::Output;

mod generator;

use generator::{PosGenerator, SeedSystem};

#[derive(Debug, Args)]
pub struct SeedPosArgs {
    /// POS transactions to write.
    #[arg(long, default_value_t = 1_000_000)]
    pub records: usize,
    /// POS systems (one store each) the transactions are spread over.
    #[arg(long, default_value_t = 3)]
    pub systems: usize,
    /// The transactions cover this many days up to now.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// The administrator to create if the folder has none (password: STORELINK_PASSWORD).
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// Seed of the pseudo-random values (the same seed gives the same rows but new ids).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// Rows per write transaction: few enough commits to be fast, small enough to show progress.
const ROWS_PER_COMMIT: usize = 10_000;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Creates the administrator (if none) and the POS systems, then writes the transactions.
pub async fn seed_pos(
    services: &Services,
    args: SeedPosArgs,
    out: &Output,
) -> Result<(), AppError> {
    let started = Instant::now();
    if services.needs_admin().await? {
        let password = crate::read_password()?;
        services.create_first_admin(&args.admin, &password).await?;
    }
    {
        let mut conn = services.db().read().await?;
        let existing = pos::count(&mut conn, &pos::PosFilter::default()).await?;
        if existing > 0 {
            return Err(AppError::Conflict {
                message: format!(
                    "this data folder already has {existing} POS transactions; seed an empty one"
                ),
                field: None,
            });
        }
    }
    let actor = Actor::local_cli();
    let mut systems = Vec::with_capacity(args.systems);
    for n in 1..=args.systems {
        let store_id = format!("store-{n:03}");
        let system = services
            .create_system(
                &actor,
                NewSystem {
                    name: format!("门店{n} POS"),
                    system_type: "pos".into(),
                    provider: "bench".into(),
                    store_id: Some(store_id.clone()),
                    ..NewSystem::default()
                },
            )
            .await?;
        systems.push(SeedSystem {
            id: system.id,
            store_id,
        });
    }
    let span_ms = i64::from(args.days) * 86_400_000;
    let mut rows = PosGenerator::new(systems, args.records, now_ms(), span_ms, args.seed);
    let mut written = 0usize;
    loop {
        let mut tx = services.db().write().await?;
        let mut in_batch = 0;
        for row in rows.by_ref() {
            let (transaction, hash) = row?;
            pos::insert(&mut tx, &transaction, &hash).await?;
            in_batch += 1;
            if in_batch == ROWS_PER_COMMIT {
                break;
            }
        }
        tx.commit().await.map_err(db_error)?;
        written += in_batch;
        if !out.json && written % 100_000 < ROWS_PER_COMMIT && in_batch > 0 {
            eprintln!("seed-pos: {written} of {} written", args.records);
        }
        if in_batch < ROWS_PER_COMMIT {
            break;
        }
    }
    let elapsed = started.elapsed();
    let db_bytes = std::fs::metadata(services.db().path()).map_or(0, |m| m.len());
    let figures = serde_json::json!({
        "records": written,
        "systems": args.systems,
        "days": args.days,
        "elapsed_ms": elapsed.as_millis(),
        "database_mib": db_bytes / (1024 * 1024),
    });
    out.done(
        &format!(
            "seeded {written} POS transactions over {} days in {} systems in {} ms ({} MiB database)",
            args.days,
            args.systems,
            elapsed.as_millis(),
            db_bytes / (1024 * 1024)
        ),
        &figures,
    )
}

#[cfg(test)]
mod tests;
