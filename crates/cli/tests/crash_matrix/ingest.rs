//! Case (a): POS terminals push sales at a real `storelink serve` on many connections; the
//! server is killed with SIGKILL once a seeded number of sales has been acknowledged.
//! After a restart on the same data folder every acknowledged sale is on disk exactly once,
//! and sending again what was unanswered (as a terminal does) leaves exactly one of each.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use storelink_core::system::NewSystem;
use storelink_core::token::{NewToken, MAX_RATE_LIMIT};
use storelink_core::{Actor, Role};
use storelink_service::Services;
use storelink_simulators::pos_terminal::sale;

use crate::harness::{counts, raw_db, scalar, serve, sigkill, wait_until, Rng};

/// What became of each sale sent before and during the kill.
#[derive(Debug, Default)]
struct Outcomes {
    /// Answered 2xx with the whole body read: the server promised they are on disk.
    acknowledged: Vec<String>,
    /// Sent but not answered (in flight at the kill, or refused a connection after it),
    /// or answered "busy": a terminal sends these again.
    unanswered: Vec<String>,
    /// Answered with another status: (id, status).
    refused: Vec<(String, u16)>,
}

/// The figures of one run, for docs/RELIABILITY.md.
/// Printed (Debug) for docs/RELIABILITY.md, not otherwise read.
#[derive(Debug)]
#[allow(dead_code)]
pub struct IngestFigures {
    pub acknowledged: usize,
    pub unanswered: usize,
    pub present_after_restart: usize,
    pub acknowledged_missing: usize,
    pub duplicated: usize,
}

struct Target {
    url: String,
    token: String,
}

async fn setup(dir: &Path) -> (String, String) {
    let actor = Actor::local_cli();
    let services = Services::open(dir).await.expect("open");
    let system = services
        .create_system(
            &actor,
            NewSystem {
                name: "收银台".into(),
                system_type: "pos".into(),
                provider: "Meituan".into(),
                store_id: Some("store-001".into()),
                ..NewSystem::default()
            },
        )
        .await
        .expect("system");
    let token = services
        .add_token(
            &actor,
            NewToken {
                name: "terminals".into(),
                role: Role::Staff,
                system_id: Some(system.id),
                rate_limit: Some(MAX_RATE_LIMIT),
            },
        )
        .await
        .expect("token");
    services.close().await;
    (system.id.to_string(), token.token)
}

/// Pushes sales on `connections` connections until the server stops answering; `acked`
/// counts the acknowledged ones as they come, for the killer to watch.
async fn push_until_dead(
    target: Arc<Target>,
    prefix: String,
    connections: usize,
    acked: Arc<AtomicUsize>,
    killed: Arc<AtomicBool>,
) -> Outcomes {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (client, target, next, outcomes, acked, killed, prefix) = (
            client.clone(),
            Arc::clone(&target),
            Arc::clone(&next),
            Arc::clone(&outcomes),
            Arc::clone(&acked),
            Arc::clone(&killed),
            prefix.clone(),
        );
        workers.push(tokio::spawn(async move {
            // Each connection stops at its first send after the kill.
            while !killed.load(Ordering::SeqCst) {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let id = format!("{prefix}-{n}");
                let sent = client
                    .post(&target.url)
                    .bearer_auth(&target.token)
                    .json(&sale(&id, n))
                    .send()
                    .await;
                let outcome = match sent {
                    Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                        Ok(_) => Ok(()),
                        Err(_) => Err(None),
                    },
                    Ok(resp) => Err(Some(resp.status().as_u16())),
                    Err(_) => Err(None),
                };
                let mut o = outcomes.lock().expect("outcomes");
                match outcome {
                    Ok(()) => {
                        o.acknowledged.push(id);
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(None) => o.unanswered.push(id),
                    Err(Some(status)) => o.refused.push((id, status)),
                }
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    let mut o = outcomes.lock().expect("outcomes");
    std::mem::take(&mut *o)
}

async fn rows_per_id(dir: &Path, system_id: &str) -> BTreeMap<String, i64> {
    let db = raw_db(dir).await;
    let rows = counts(
        &db,
        "SELECT pos_transaction_id, count(*) FROM pos_transactions \
         WHERE system_id = ? GROUP BY pos_transaction_id",
        system_id,
    )
    .await;
    let total = scalar(
        &db,
        "SELECT count(*) FROM pos_transactions WHERE system_id = ?",
        system_id,
    )
    .await;
    db.close().await;
    assert_eq!(
        rows.iter().map(|(_, n)| n).sum::<i64>(),
        total,
        "grouped rows add up"
    );
    rows.into_iter().collect()
}

/// Sends `ids` again as a terminal does after a lost answer; each must be taken (201) or
/// recognised (200, `duplicate`), and `already` says which answer is expected if known.
async fn resend(target: &Target, ids: &[String], already: Option<bool>) {
    let client = reqwest::Client::new();
    for id in ids {
        let n: usize = id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("n");
        let resp = client
            .post(&target.url)
            .bearer_auth(&target.token)
            .json(&sale(id, n))
            .send()
            .await
            .expect("resend");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("reply");
        assert!(matches!(status, 200 | 201), "{id}: {status} {body}");
        if let Some(dup) = already {
            assert_eq!(body["duplicate"], dup, "{id}: {body}");
        }
    }
}

pub async fn run(rng: &mut Rng, iteration: u64) -> IngestFigures {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (system_id, token) = setup(d).await;
    let (mut server, base) = serve(d).await;
    let target = Arc::new(Target {
        url: format!("{base}/api/v1/integrations/pos/{system_id}/transactions"),
        token,
    });
    let connections = rng.usize(4, 24);
    let kill_after = rng.usize(100, 1200);
    let acked = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let pushing = tokio::spawn(push_until_dead(
        Arc::clone(&target),
        format!("CM{iteration}"),
        connections,
        Arc::clone(&acked),
        Arc::clone(&killed),
    ));
    let reached = wait_until(Duration::from_secs(120), || {
        acked.load(Ordering::SeqCst) >= kill_after
    })
    .await;
    assert!(reached, "{kill_after} sales were not acknowledged in time");
    // No goodbye: a 2xx promised the sale was committed, so this must not lose any.
    killed.store(true, Ordering::SeqCst);
    sigkill(&mut server).await;
    let mut outcomes = pushing.await.expect("pushers");
    // Only "busy, try again" may be answered under load; those are sent again below.
    let refused: Vec<_> = outcomes
        .refused
        .iter()
        .filter(|(_, status)| !matches!(status, 429 | 503))
        .collect();
    assert!(refused.is_empty(), "sales refused: {refused:?}");
    let busy: Vec<String> = outcomes.refused.drain(..).map(|(id, _)| id).collect();
    outcomes.unanswered.extend(busy);

    let (_server, base) = serve(d).await;
    let target = Target {
        url: format!("{base}/api/v1/integrations/pos/{system_id}/transactions"),
        token: target.token.clone(),
    };
    let stored = rows_per_id(d, &system_id).await;
    let duplicated: Vec<_> = stored.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        duplicated.is_empty(),
        "stored more than once: {duplicated:?}"
    );
    let missing: Vec<&String> = outcomes
        .acknowledged
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged sales lost after SIGKILL, e.g. {:?}",
        missing.len(),
        outcomes.acknowledged.len(),
        &missing[..missing.len().min(5)]
    );
    let sent: HashSet<&String> = outcomes
        .acknowledged
        .iter()
        .chain(&outcomes.unanswered)
        .collect();
    let strays: Vec<&String> = stored.keys().filter(|id| !sent.contains(id)).collect();
    assert!(strays.is_empty(), "rows nobody sent: {strays:?}");
    let present_after_restart = stored.len();

    // Terminals send again what they got no answer for; a sample of the acknowledged ones
    // comes back as duplicates.
    resend(&target, &outcomes.unanswered, None).await;
    let sample = rng.usize(1, 40).min(outcomes.acknowledged.len());
    resend(&target, &outcomes.acknowledged[..sample], Some(true)).await;
    let after = rows_per_id(d, &system_id).await;
    assert_eq!(after.len(), sent.len(), "exactly the sales sent are stored");
    assert!(
        after.values().all(|n| *n == 1),
        "exactly once each after resending"
    );
    IngestFigures {
        acknowledged: outcomes.acknowledged.len(),
        unanswered: outcomes.unanswered.len(),
        present_after_restart,
        acknowledged_missing: missing.len(),
        duplicated: duplicated.len(),
    }
}
