//! The crash matrix: the headless `storelink` process killed with SIGKILL at seeded random
//! points during (a) POS ingest under load, (b) a paged sync and (c) outbox delivery, then
//! restarted on the same data folder. Nothing acknowledged is lost or stored twice, a sync
//! resumes from its checkpoint, and each outbox change takes effect exactly once.
//!
//! Seeded: `STORELINK_RELIABILITY_SEED` (default [`harness::DEFAULT_SEED`]) picks every
//! kill point and size; a failing case prints the seed and iteration to replay it.
//! `STORELINK_CRASH_ITERATIONS` (default 1) runs each case that many times with fresh
//! seeds derived from it (see docs/RELIABILITY.md). Run under scripts/with-keyring.sh: the
//! vendor secrets live in the keychain.

#[path = "crash_matrix/harness.rs"]
mod harness;
#[path = "crash_matrix/ingest.rs"]
mod ingest;
#[path = "crash_matrix/outbox.rs"]
mod outbox;
#[path = "crash_matrix/sync.rs"]
mod sync;

use harness::{base_seed, iterations, Replay, Rng};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listener_ingest_killed_under_load_keeps_every_acknowledged_sale_once() {
    let seed = base_seed();
    for iteration in 0..iterations() {
        let _replay = Replay {
            case: "ingest",
            seed,
            iteration,
        };
        let mut rng = Rng::for_case(seed, "ingest", iteration);
        let figures = ingest::run(&mut rng, iteration).await;
        eprintln!("crash matrix ingest seed={seed} iteration={iteration}: {figures:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paged_sync_killed_mid_way_resumes_from_its_checkpoint() {
    let seed = base_seed();
    for iteration in 0..iterations() {
        let _replay = Replay {
            case: "sync",
            seed,
            iteration,
        };
        let mut rng = Rng::for_case(seed, "sync", iteration);
        let figures = sync::run(&mut rng).await;
        eprintln!("crash matrix sync seed={seed} iteration={iteration}: {figures:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_delivery_killed_mid_way_applies_each_change_exactly_once() {
    let seed = base_seed();
    for iteration in 0..iterations() {
        let _replay = Replay {
            case: "outbox",
            seed,
            iteration,
        };
        let mut rng = Rng::for_case(seed, "outbox", iteration);
        let figures = outbox::run(&mut rng).await;
        eprintln!("crash matrix outbox seed={seed} iteration={iteration}: {figures:?}");
    }
}
