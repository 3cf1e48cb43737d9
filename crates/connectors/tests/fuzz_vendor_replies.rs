//! Vendor replies fuzzed over real HTTP: every connector talks to its simulator through a
//! loopback proxy that damages chosen replies (JSON edited, bytes flipped or cut, status
//! or content type changed, throttling with odd `Retry-After`s, no body, any JSON). Each
//! call ends, without a panic, in a page/record/`Ok` or a classified `CallError` whose
//! text holds no secret; none hangs. Cases per vendor: 150, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;
#[path = "fuzz_vendor_replies/proxy.rs"]
mod proxy;
#[path = "fuzz_vendor_replies/vendors.rs"]
mod vendors;

use std::cell::Cell;
use std::time::Duration;

use chrono::DateTime;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::json;
use storelink_connectors::connector::{CallError, PullRequest, RemoteRecord};
use storelink_connectors::registry;

use proxy::{Damage, Proxy};

/// A generous bound on one connector call: its own HTTP timeout is 2 s per request; a
/// call still running after this is stuck, not slow.
const HANG: Duration = Duration::from_secs(60);

fn damage() -> impl Strategy<Value = Damage> {
    let odd_waits = prop::sample::select(vec![
        "0",
        "1",
        "-1",
        "abc",
        "1.5",
        "99999999999999999999",
        "18446744073709551615",
        "10000000000000",
        "9223372036854775",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "",
        "   ",
    ]);
    prop_oneof![
        5 => (any::<usize>(), json::edit()).prop_map(|(pick, edit)| Damage::Json { pick, edit }),
        3 => (0u8..4, 0u16..=1000, any::<u8>()).prop_map(|(how, at, byte)| Damage::Bytes { how, at, byte }),
        2 => prop::sample::select(vec![200u16, 201, 204, 301, 400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504, 599])
            .prop_map(Damage::Status),
        1 => Just(Damage::Empty),
        1 => json::json_value().prop_map(Damage::Body),
        1 => (prop::sample::select(vec![429u16, 503]), odd_waits)
            .prop_map(|(status, v)| Damage::RetryAfter { status, value: v.to_owned() }),
        1 => prop::sample::select(vec!["text/html", "application/xml", "application/octet-stream", "", "application/json; charset=gbk"])
            .prop_map(|t| Damage::ContentType(t.to_owned())),
    ]
}

/// Damage for the first few replies of a call (logins come first), some left intact so
/// the call gets past them.
fn plan() -> impl Strategy<Value = Vec<Option<Damage>>> {
    prop::collection::vec(prop::option::weighted(0.5, damage()), 1..5)
}

#[derive(Debug, Clone)]
enum Op {
    Test,
    Pull {
        stream: usize,
        page: u32,
        since: bool,
    },
    PullOne {
        stream: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::Test),
        3 => (any::<usize>(), 1u32..3, any::<bool>()).prop_map(|(stream, page, since)| Op::Pull { stream, page, since }),
        1 => any::<usize>().prop_map(|stream| Op::PullOne { stream }),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(150)
}

fn check_error(e: &CallError, secrets: &[&str]) -> Result<(), TestCaseError> {
    for s in secrets {
        prop_assert!(
            !e.message.contains(s),
            "a secret in the error text: {}",
            e.message
        );
    }
    // The engine schedules the next attempt at now + the vendor's wait: that must be a
    // time (a wait of 10^13 s once made the outbox's clock arithmetic panic).
    if let Some(wait) = e.retry_after {
        let later = chrono::TimeDelta::from_std(wait)
            .ok()
            .and_then(|d| chrono::Utc::now().checked_add_signed(d));
        prop_assert!(later.is_some(), "a wait of {:?} cannot be scheduled", wait);
    }
    Ok(())
}

/// A vendor's simulator behind the damaging proxy, on a runtime of its own.
struct Bench {
    rt: tokio::runtime::Runtime,
    vendor: vendors::Vendor,
    proxy: Proxy,
}

/// A record as the engine can store it: its data an object, its change time (if any)
/// one that prints as RFC 3339.
fn fit(r: &RemoteRecord) -> bool {
    r.data.is_object()
        && r.updated_at
            .is_none_or(storelink_core::vendor_time::storable)
}

/// How one call ended: records read (and how many were unfit to store), or the refusal.
type Outcome = Result<(usize, usize), CallError>;

impl Bench {
    fn start(name: &str) -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let vendor = rt.block_on(vendors::start(name));
        let proxy = rt.block_on(Proxy::start(vendor.target.clone()));
        Bench { rt, vendor, proxy }
    }

    /// One call with these replies damaged; `None` when it did not end in time.
    fn call(&self, steps: Vec<Option<Damage>>, op: Op) -> Option<Outcome> {
        self.proxy.set(steps);
        let settings = self.vendor.settings(&self.proxy.base_url);
        let connector = match registry::build(&settings) {
            Ok(c) => c,
            Err(e) => panic!("{}: {e:?}", self.vendor.provider),
        };
        let streams = connector.streams();
        let run = async {
            match op {
                Op::Test => connector.test_connection().await.map(|()| (0, 0)),
                Op::Pull {
                    stream,
                    page,
                    since,
                } => {
                    let spec = &streams[stream % streams.len()];
                    let since = DateTime::from_timestamp(1_700_000_000, 0).filter(|_| since);
                    let ids = self.vendor.ids.clone();
                    let request = PullRequest {
                        since,
                        page,
                        limit: 20,
                        ids,
                    };
                    // A record may come without an id (the engine logs it as such); it is
                    // always fit to store.
                    let pulled = connector.pull(spec.name, request).await?;
                    let bad = pulled.records.iter().filter(|r| !fit(r)).count();
                    Ok((pulled.records.len(), bad))
                }
                Op::PullOne { stream } => {
                    let spec = &streams[stream % streams.len()];
                    let one = connector.pull_one(spec.name, self.vendor.one_id).await?;
                    let bad = one.as_ref().is_some_and(|r| !fit(r));
                    Ok((usize::from(one.is_some()), usize::from(bad)))
                }
            }
        };
        self.rt
            .block_on(async { tokio::time::timeout(HANG, run).await })
            .ok()
    }
}

fn fuzz(name: &str) {
    let bench = Bench::start(name);
    let mut runner = TestRunner::new(json::config(cases()));
    let (answered, refused, read) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&(plan(), op()), |(steps, op)| match bench.call(steps, op) {
        None => Err(TestCaseError::fail(format!(
            "{name}: a call did not end within {HANG:?}"
        ))),
        Some(Err(e)) => {
            refused.set(refused.get() + 1);
            if std::env::var_os("FUZZ_DEBUG").is_some() {
                eprintln!("{e}");
            }
            check_error(&e, &bench.vendor.secret_values())
        }
        Some(Ok((records, unfit))) => {
            answered.set(answered.get() + 1);
            read.set(read.get() + records);
            prop_assert_eq!(unfit, 0, "records unfit to store");
            Ok(())
        }
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    // Not vacuous: undamaged calls get through and read records, damaged ones are refused.
    eprintln!(
        "{name}: {} answered ({} records), {} refused",
        answered.get(),
        read.get(),
        refused.get()
    );
    assert!(
        answered.get() > 0 && read.get() > 0 && refused.get() > 0,
        "{name}: every call ended the same way"
    );
}

/// Found by this fuzzer: a `Retry-After` of 10^13 s was passed on as it was, and the
/// outbox's `now + wait` overflows chrono's range (a panic in the dispatcher).
#[test]
fn an_absurd_retry_after_is_capped_to_a_day() {
    let bench = Bench::start("custom");
    for value in ["10000000000000", "18446744073709551615"] {
        // The login passes; the page read is throttled.
        let steps = vec![
            None,
            Some(Damage::RetryAfter {
                status: 429,
                value: value.into(),
            }),
        ];
        let pull = Op::Pull {
            stream: 0,
            page: 1,
            since: false,
        };
        let outcome = bench.call(steps, pull).expect("the call ends");
        let e = outcome.expect_err("a 429 is refused");
        assert_eq!(e.retry_after, Some(Duration::from_secs(86_400)), "{value}");
        check_error(&e, &bench.vendor.secret_values()).expect("schedulable");
    }
}

/// Found by this fuzzer: a login answer with `SessionTimeout` of 2^64-1 minutes overflowed
/// `minutes * 60` (SAP B1); an `expires_in` that large overflows `Instant + ttl` the same way.
#[test]
fn absurd_session_and_token_lifetimes_are_capped() {
    let huge = serde_json::json!(u64::MAX);
    let cases = [
        (
            "sap_b1",
            serde_json::json!({"SessionId": "s-1", "SessionTimeout": huge}),
        ),
        (
            "sap_s4",
            serde_json::json!({"access_token": "t-1", "expires_in": huge}),
        ),
    ];
    for (name, login_answer) in cases {
        let bench = Bench::start(name);
        let pull = Op::Pull {
            stream: 0,
            page: 1,
            since: false,
        };
        // The login is answered with the absurd lifetime; the page read goes through.
        let outcome = bench.call(vec![Some(Damage::Body(login_answer)), None], pull);
        assert!(outcome.is_some(), "{name}: the call ends");
    }
}

#[test]
fn custom_erp() {
    fuzz("custom");
}

#[test]
fn kingdee() {
    fuzz("kingdee");
}

#[test]
fn sap_b1() {
    fuzz("sap_b1");
}

#[test]
fn sap_s4() {
    fuzz("sap_s4");
}

#[test]
fn yonyou_u8() {
    fuzz("yonyou_u8");
}

#[test]
fn yonsuite() {
    fuzz("yonsuite");
}

#[test]
fn haier() {
    fuzz("haier");
}

#[test]
fn ylh() {
    fuzz("ylh");
}

#[test]
fn temu() {
    fuzz("temu");
}

#[test]
fn yiding() {
    fuzz("yiding");
}

#[test]
fn generic_supplier() {
    fuzz("shuhai");
}

#[test]
fn generic_member() {
    fuzz("wechat");
}

/// Found by this fuzzer: a U8 token whose `expiresIn` is absurd panicked in the clock
/// arithmetic of the token cache; it is now kept for at most a day.
#[test]
fn an_absurd_token_lifetime_is_not_a_panic() {
    let bench = Bench::start("yonyou_u8");
    for ttl in [i64::MAX, 1_000_000_000_000_000, -5] {
        let token = json!({"errcode": "0", "token": {"id": "t-1", "expiresIn": ttl}});
        let steps = vec![Some(Damage::Body(token))];
        let pull = Op::Pull {
            stream: 0,
            page: 1,
            since: false,
        };
        let outcome = bench.call(steps, pull).expect("the call ends");
        assert!(outcome.is_ok(), "{ttl}: {outcome:?}");
    }
}
