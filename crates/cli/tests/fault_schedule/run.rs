//! One lane's run: a fault-free reference sync into one database, then a seeded fault
//! schedule while syncing into another (each stream synced again until it completes), the
//! two compared table by table; the lane's pushes delivered fault-free and under faults,
//! compared at the vendor; and every failure the simulator caused found in the log with
//! its class.

use std::collections::BTreeMap;

use storelink_simulators::erp::FaultSpec;

use crate::capture;
use crate::harness::Rng;
use crate::lanes::Lane;
use crate::pushes;
use crate::store::{differences, Store};

/// Full syncs of one stream before the lane is declared stuck.
const MAX_RUNS: usize = 40;

/// The class a failure caused by an injected fault is logged with; `None` for kinds that
/// cause no failure (latency) or that the connector recovers from inside the call (an
/// expired session: it logs in again and repeats the call).
pub fn class_of(kind: &str) -> Option<&'static str> {
    match kind {
        "429" => Some("rate_limit_error"),
        "500" | "burst500" | "reset" => Some("network_error"),
        "timeout" => Some("timeout_error"),
        "malformed" => Some("validation_error"),
        _ => None,
    }
}

/// A seeded mix of the kinds a lane can take. Each kind is in with odds 7 in 10 (see
/// [`sure_to_fail`] for the burst every run opens with), at a
/// rate divided by `scale` (the vendor calls behind one page: a page that needs forty calls
/// would hardly ever get through at the rates meant for one). Writes get no `malformed`:
/// a garbled answer to a write is not retried, the entry waits for a person, which a
/// schedule cannot be.
pub fn schedule(rng: &mut Rng, kinds: &[&str], scale: u32, writes: bool) -> FaultSpec {
    let mut spec = FaultSpec::none();
    for &kind in kinds {
        if (writes && kind == "malformed") || rng.range(0, 9) >= 7 {
            continue;
        }
        // Parts per million, scaled.
        let mut rate = |lo: u64, hi: u64| u32::try_from(rng.range(lo, hi)).expect("ppm") / scale;
        match kind {
            "429" => spec.rate_limited_ppm = rate(20_000, 80_000),
            "500" => spec.server_error_ppm = rate(20_000, 80_000),
            "timeout" => spec.timeout_ppm = rate(10_000, 20_000),
            "malformed" => spec.malformed_ppm = rate(10_000, 20_000),
            "reset" => spec.reset_ppm = rate(20_000, 60_000),
            "slow" => {
                let latency = std::time::Duration::from_millis(rng.range(50, 250));
                spec.slow = Some((
                    latency,
                    u32::try_from(rng.range(50_000, 200_000)).expect("ppm"),
                ));
            }
            "expire_token_every" => spec.expire_token_every = Some(rng.range(4, 30)),
            "burst500" => spec.burst500 = Some((rng.range(1, 4), rng.range(3, 40))),
            other => panic!("unknown kind {other}"),
        }
    }
    // Through its text form, as the simulators' `--faults` takes it: a valid schedule.
    FaultSpec::parse(&spec.to_string()).expect("a valid schedule")
}

/// The first schedule of a lane's run opens with a burst of 503s (its drawn length, 1–4,
/// or a new one if `burst500` was left out), starting within the first three requests, so
/// the run injects at least one failing fault whatever else was drawn: each kind is left
/// out with odds 3 in 10, and a small lane (seed 000 supplier: 1–6 pages) makes too few
/// calls for the drawn rates, or for a burst drawn to start after up to 40 requests, to be
/// sure to fire. Without it a lane could pass having survived nothing.
pub fn sure_to_fail(mut spec: FaultSpec, rng: &mut Rng) -> FaultSpec {
    let k = match spec.burst500 {
        Some((k, _)) => k,
        None => rng.range(1, 4),
    };
    spec.burst500 = Some((k, rng.range(0, 2)));
    FaultSpec::parse(&spec.to_string()).expect("a valid schedule")
}

/// Of `injected` (by kind), the faults that fail a call (each logged with its class).
pub fn failing(injected: &BTreeMap<String, u64>) -> u64 {
    injected
        .iter()
        .filter(|(kind, _)| class_of(kind).is_some())
        .map(|(_, n)| n)
        .sum()
}

#[derive(Debug, Default)]
#[allow(dead_code)]
pub struct LaneFigures {
    pub lane: &'static str,
    pub round: u64,
    pub schedules: Vec<String>,
    /// Faults the simulator injected, by kind.
    pub injected: BTreeMap<String, u64>,
    /// Failures logged (page and delivery retries) or reported (failed tasks), by class.
    pub logged: BTreeMap<String, u64>,
    /// Full syncs that failed and were run again.
    pub reruns: usize,
    pub rows_compared: usize,
    /// Records changed through the outbox under faults.
    pub pushed: usize,
}

pub async fn run(lane: Lane, round: u64, mut rng: Rng) -> LaneFigures {
    let mut figures = LaneFigures {
        lane: lane.name,
        round,
        ..LaneFigures::default()
    };
    let clean = Store::open(&lane, "fault-free").await;
    for stream in &lane.streams {
        if let Err(class) = clean.sync(stream.name).await {
            panic!(
                "{}: {} fails without faults: {class}",
                lane.name, stream.name
            );
        }
    }
    let faulty = Store::open(&lane, "under faults").await;
    let mut task_failures: Vec<String> = Vec::new();
    // A lane that only pushes (易理货) has no pull schedule.
    if !lane.streams.is_empty() {
        let spec = schedule(&mut rng, lane.kinds, lane.fault_scale, false);
        let spec = sure_to_fail(spec, &mut rng);
        figures.schedules.push(spec.to_string());
        (lane.sim.set_faults)(spec);
        for stream in &lane.streams {
            let mut runs = 0;
            while let Err(class) = faulty.sync(stream.name).await {
                task_failures.push(class);
                runs += 1;
                assert!(
                    runs < MAX_RUNS,
                    "{}: {} never completed: {task_failures:?}",
                    lane.name,
                    stream.name
                );
            }
            figures.reruns += runs;
        }
        (lane.sim.set_faults)(FaultSpec::none());
    }
    for stream in &lane.streams {
        let (a, b) = (clean.snapshot(stream).await, faulty.snapshot(stream).await);
        assert!(
            !a.is_empty(),
            "{}: {} stored nothing",
            lane.name,
            stream.name
        );
        assert!(
            a == b,
            "{}: {} differs from the fault-free run: {:?}",
            lane.name,
            stream.table,
            differences(&a, &b)
        );
        figures.rows_compared += a.len();
    }
    if let Some(push) = &lane.push {
        // The same number of changes on other records, fault-free then under faults
        // (about as many calls whether a record takes three changes or one).
        let count = rng.usize(3, 8) * 3 / pushes::steps(push).len();
        let fault_free = pushes::run(lane.name, "clean", &clean, push, count, &mut rng).await;
        let mut spec = schedule(&mut rng, lane.kinds, lane.fault_scale, true);
        if lane.streams.is_empty() {
            // A lane that only pushes: its writes schedule is its first.
            spec = sure_to_fail(spec, &mut rng);
        }
        figures.schedules.push(format!("writes: {spec}"));
        (lane.sim.set_faults)(spec);
        let under_faults = pushes::run(lane.name, "faults", &faulty, push, count, &mut rng).await;
        (lane.sim.set_faults)(FaultSpec::none());
        assert_eq!(
            under_faults, fault_free,
            "{}: the vendor got something else under faults",
            lane.name
        );
        figures.pushed = fault_free.len();
    }
    // The tag of the lane's span (see fault_schedule.rs).
    let tag = format!("{}#{round}", lane.name);
    check_classes(&lane, &tag, &task_failures, &mut figures);
    clean.close().await;
    faulty.close().await;
    figures
}

/// Every injected fault that fails a call shows up once in the log (or as a failed task)
/// with its class, and nothing else fails.
fn check_classes(lane: &Lane, tag: &str, task_failures: &[String], figures: &mut LaneFigures) {
    let stats = (lane.sim.stats)();
    let injected: BTreeMap<String, u64> =
        serde_json::from_value(stats["faults"].clone()).expect("faults by kind");
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for (kind, n) in &injected {
        if let Some(class) = class_of(kind) {
            *expected.entry(class.to_owned()).or_default() += n;
        }
    }
    // A simulator with a real per-second limit (易理货, Temu) also answers 429 beyond it when
    // retries bunch up: those are counted by it and logged like the injected ones.
    let limited = stats["rate_limited"].as_u64().unwrap_or(0);
    if limited > 0 {
        *expected.entry("rate_limit_error".to_owned()).or_default() += limited;
    }
    let mut logged = capture::classes(tag);
    for class in task_failures {
        *logged.entry(class.clone()).or_default() += 1;
    }
    // Not vacuous: the run survived at least one failing fault, and logged it.
    assert!(
        failing(&injected) > 0 && logged.values().sum::<u64>() > 0,
        "{}: no failing fault was injected or logged ({injected:?}, logged {logged:?}, \
         schedules {:?})",
        lane.name,
        figures.schedules
    );
    figures.injected = injected;
    figures.logged = logged.clone();
    // A call can also time out on its own on a loaded machine (the client waits 3 s), so
    // timeouts may be more than were injected; every other class matches exactly.
    let injected_timeouts = expected.remove("timeout_error").unwrap_or(0);
    let logged_timeouts = logged.remove("timeout_error").unwrap_or(0);
    assert!(
        logged_timeouts >= injected_timeouts,
        "{}: {injected_timeouts} timeouts injected, {logged_timeouts} logged",
        lane.name
    );
    if logged_timeouts > injected_timeouts {
        eprintln!(
            "{}: {} call(s) timed out besides the injected ones",
            lane.name,
            logged_timeouts - injected_timeouts
        );
    }
    assert_eq!(
        logged,
        expected,
        "{}: failures logged by class vs faults injected ({:?}); e.g. {:?}",
        lane.name,
        figures.injected,
        capture::sample(tag)
    );
}
