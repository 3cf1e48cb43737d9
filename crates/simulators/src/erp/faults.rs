//! Injected faults: what to break, parsed from text, and the seeded decision per request.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use super::gen::SimRng;
use super::lock;

/// One in a million: probabilities are parts per million, so nothing here is a float.
pub const PPM: u32 = 1_000_000;

/// What to break, and how often. Probabilities are in parts per million (`50_000` = 5 %).
/// The exclusive kinds (429, 500, timeout, malformed, reset) share one draw per request,
/// so their probabilities add up to at most one.
///
/// Text form (comma-separated, any order, each kind at most once):
/// `429:0.05,500:0.02,timeout:0.01,slow:300ms:0.1,malformed:0.01,reset:0.01,expire_token_every:200,burst500:5@100`
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultSpec {
    /// `429:P`: 429 with `Retry-After: 1`, code `rate_limited`.
    pub rate_limited_ppm: u32,
    /// `500:P`: 500, 502 or 503, code `server_error`.
    pub server_error_ppm: u32,
    /// `timeout:P`: the request is held 30 s, then answered 504.
    pub timeout_ppm: u32,
    /// `slow:DUR:P`: DUR more latency, independent of the other kinds.
    pub slow: Option<(Duration, u32)>,
    /// `malformed:P`: 200 with a truncated JSON body.
    pub malformed_ppm: u32,
    /// `reset:P`: the connection is dropped (TCP RST) without an answer.
    pub reset_ppm: u32,
    /// `expire_token_every:N`: every Nth authenticated request finds its token expired.
    pub expire_token_every: Option<u64>,
    /// `burst500:K@N`: after N authenticated requests, the next K answer 503.
    pub burst500: Option<(u64, u64)>,
}

/// How long a `timeout` fault holds a request.
pub const TIMEOUT_HOLD: Duration = Duration::from_secs(30);

fn probability(text: &str) -> Option<u32> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 6
        || (int.is_empty() && frac.is_empty())
        || (text.contains('.') && frac.is_empty())
    {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut micro = 0u32;
    for i in 0..6 {
        micro = micro * 10 + frac.as_bytes().get(i).map_or(0, |b| u32::from(b - b'0'));
    }
    let ppm = whole.checked_mul(PPM)?.checked_add(micro)?;
    (ppm <= PPM).then_some(ppm)
}

fn duration(text: &str) -> Option<Duration> {
    let (digits, unit): (&str, fn(u64) -> Duration) = if let Some(d) = text.strip_suffix("ms") {
        (d, Duration::from_millis)
    } else if let Some(d) = text.strip_suffix('s') {
        (d, Duration::from_secs)
    } else {
        return None;
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(unit)
}

fn count(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn ppm_text(ppm: u32) -> String {
    if ppm >= PPM {
        return "1".to_owned();
    }
    if ppm == 0 {
        return "0".to_owned();
    }
    let digits = format!("{ppm:06}");
    format!("0.{}", digits.trim_end_matches('0'))
}

const KINDS: &str = "429, 500, timeout, slow, malformed, reset, expire_token_every, burst500";

impl FaultSpec {
    /// No faults at all.
    pub fn none() -> FaultSpec {
        FaultSpec::default()
    }

    /// Parses the text form; an error names the part it could not read and why.
    pub fn parse(text: &str) -> Result<FaultSpec, String> {
        let mut spec = FaultSpec::default();
        let mut seen: Vec<&str> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = |why: &str| format!("fault `{part}`: {why}");
            let mut args = part.split(':');
            let kind = args.next().unwrap_or_default();
            let args: Vec<&str> = args.collect();
            if seen.contains(&kind) {
                return Err(bad(&format!("`{kind}` is given twice")));
            }
            let one = |what: &str| -> Result<&str, String> {
                match args.as_slice() {
                    [a] => Ok(*a),
                    _ => Err(bad(&format!("expected `{kind}:{what}`"))),
                }
            };
            let prob = |p: &str| {
                probability(p)
                    .ok_or_else(|| bad(&format!("`{p}` is not a probability between 0 and 1")))
            };
            match kind {
                "429" => spec.rate_limited_ppm = prob(one("P")?)?,
                "500" => spec.server_error_ppm = prob(one("P")?)?,
                "timeout" => spec.timeout_ppm = prob(one("P")?)?,
                "malformed" => spec.malformed_ppm = prob(one("P")?)?,
                "reset" => spec.reset_ppm = prob(one("P")?)?,
                "slow" => {
                    let [d, p] = args.as_slice() else {
                        return Err(bad("expected `slow:DURATION:P`, e.g. `slow:300ms:0.1`"));
                    };
                    let d = duration(d)
                        .ok_or_else(|| bad(&format!("`{d}` is not a duration like 300ms or 2s")))?;
                    spec.slow = Some((d, prob(p)?));
                }
                "expire_token_every" => {
                    let n = one("N")?;
                    match count(n) {
                        Some(n) if n > 0 => spec.expire_token_every = Some(n),
                        _ => return Err(bad(&format!("`{n}` is not a whole number above 0"))),
                    }
                }
                "burst500" => {
                    let arg = one("K@N")?;
                    let (k, n) = arg
                        .split_once('@')
                        .ok_or_else(|| bad("expected `burst500:K@N`, e.g. `burst500:5@100`"))?;
                    match (count(k), count(n)) {
                        (Some(k), Some(n)) if k > 0 => spec.burst500 = Some((k, n)),
                        _ => return Err(bad(&format!("`{arg}` is not K@N with K above 0"))),
                    }
                }
                _ => return Err(bad(&format!("unknown kind `{kind}` (known: {KINDS})"))),
            }
            seen.push(kind);
        }
        let exclusive = [
            spec.rate_limited_ppm,
            spec.server_error_ppm,
            spec.timeout_ppm,
            spec.malformed_ppm,
            spec.reset_ppm,
        ];
        if exclusive.iter().map(|p| u64::from(*p)).sum::<u64>() > u64::from(PPM) {
            return Err(format!(
                "faults `{text}`: the probabilities of 429, 500, timeout, malformed and reset add up to more than 1"
            ));
        }
        Ok(spec)
    }
}

impl fmt::Display for FaultSpec {
    /// The text form [`FaultSpec::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (kind, ppm) in [
            ("429", self.rate_limited_ppm),
            ("500", self.server_error_ppm),
            ("timeout", self.timeout_ppm),
            ("malformed", self.malformed_ppm),
            ("reset", self.reset_ppm),
        ] {
            if ppm > 0 {
                parts.push(format!("{kind}:{}", ppm_text(ppm)));
            }
        }
        if let Some((d, ppm)) = self.slow {
            parts.push(format!("slow:{}ms:{}", d.as_millis(), ppm_text(ppm)));
        }
        if let Some(n) = self.expire_token_every {
            parts.push(format!("expire_token_every:{n}"));
        }
        if let Some((k, n)) = self.burst500 {
            parts.push(format!("burst500:{k}@{n}"));
        }
        f.write_str(&parts.join(","))
    }
}

/// What happens to one authenticated data request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Pass,
    ExpireToken,
    Burst,
    RateLimited,
    ServerError(u16),
    Timeout,
    Malformed,
    /// Drop the connection; for a write, `apply` says whether it is applied first.
    Reset {
        apply: bool,
    },
}

impl Verdict {
    /// The kind's name in the spec text and in the stats.
    pub(crate) fn kind(self) -> Option<&'static str> {
        match self {
            Verdict::Pass => None,
            Verdict::ExpireToken => Some("expire_token_every"),
            Verdict::Burst => Some("burst500"),
            Verdict::RateLimited => Some("429"),
            Verdict::ServerError(_) => Some("500"),
            Verdict::Timeout => Some("timeout"),
            Verdict::Malformed => Some("malformed"),
            Verdict::Reset { .. } => Some("reset"),
        }
    }
}

/// The spec in force, its seeded RNG and how many authenticated requests it has seen.
#[derive(Debug)]
pub(crate) struct FaultState {
    spec: FaultSpec,
    seed: u64,
    rng: SimRng,
    seen: u64,
}

impl FaultState {
    pub(crate) fn new(spec: FaultSpec, seed: u64) -> FaultState {
        FaultState {
            spec,
            seed,
            rng: SimRng::new(seed ^ 0xFA17_5EED),
            seen: 0,
        }
    }

    /// A new spec restarts the counters and the random sequence (a run replays the same).
    pub(crate) fn replace(&mut self, spec: FaultSpec) {
        *self = FaultState::new(spec, self.seed);
    }

    /// Decides one request. Always draws the same numbers, whatever the spec, so a run
    /// with the same seed and the same request order replays exactly.
    pub(crate) fn decide(&mut self) -> (Option<Duration>, Verdict) {
        self.seen += 1;
        let n = self.seen;
        let ppm = u64::from(PPM);
        let (slow_draw, main_draw, aux) = (
            self.rng.below(ppm) as u32,
            self.rng.below(ppm) as u32,
            self.rng.next_u64(),
        );
        let s = &self.spec;
        let slow = s.slow.and_then(|(d, p)| (slow_draw < p).then_some(d));
        if s.expire_token_every
            .is_some_and(|every| n.checked_rem(every) == Some(0))
        {
            return (slow, Verdict::ExpireToken);
        }
        if s.burst500
            .is_some_and(|(k, after)| n > after && n <= after.saturating_add(k))
        {
            return (slow, Verdict::Burst);
        }
        let mut edge = 0u32;
        let table = [
            (s.rate_limited_ppm, Verdict::RateLimited),
            (
                s.server_error_ppm,
                Verdict::ServerError([500, 502, 503][(aux % 3) as usize]),
            ),
            (s.timeout_ppm, Verdict::Timeout),
            (s.malformed_ppm, Verdict::Malformed),
            (
                s.reset_ppm,
                Verdict::Reset {
                    apply: (aux >> 8) & 1 == 1,
                },
            ),
        ];
        for (p, verdict) in table {
            edge = edge.saturating_add(p);
            if main_draw < edge {
                return (slow, verdict);
            }
        }
        (slow, Verdict::Pass)
    }
}

/// Decides one request for any simulator's gate: sleeps out a `slow` delay, and reports
/// each fault drawn (`slow`, then the verdict's kind) to `count` for the stats.
pub(crate) async fn draw(faults: &Mutex<FaultState>, count: impl Fn(&'static str)) -> Verdict {
    // The lock is released before sleeping: other requests decide meanwhile.
    let (slow, verdict) = lock(faults).decide();
    if let Some(delay) = slow {
        count("slow");
        tokio::time::sleep(delay).await;
    }
    if let Some(kind) = verdict.kind() {
        count(kind);
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_full_example_and_prints_it_back() {
        let text = "429:0.05,500:0.02,timeout:0.01,slow:300ms:0.1,malformed:0.01,reset:0.01,expire_token_every:200,burst500:5@100";
        let spec = FaultSpec::parse(text).expect("parses");
        assert_eq!(spec.rate_limited_ppm, 50_000);
        assert_eq!(spec.server_error_ppm, 20_000);
        assert_eq!(spec.slow, Some((Duration::from_millis(300), 100_000)));
        assert_eq!(spec.expire_token_every, Some(200));
        assert_eq!(spec.burst500, Some((5, 100)));
        assert_eq!(FaultSpec::parse(&spec.to_string()), Ok(spec));
        assert_eq!(FaultSpec::parse(""), Ok(FaultSpec::none()));
        assert_eq!(
            FaultSpec::parse(" 429:1 , ").map(|s| s.rate_limited_ppm),
            Ok(PPM)
        );
        assert_eq!(
            FaultSpec::parse("slow:2s:.5").map(|s| s.slow),
            Ok(Some((Duration::from_secs(2), 500_000)))
        );
    }

    #[test]
    fn parse_errors_name_the_bad_part() {
        for (text, part) in [
            ("429:0.05,bogus:1", "`bogus:1`"),
            ("429:1.5", "`429:1.5`"),
            ("429:0.05,500", "`500`"),
            ("slow:300:0.1", "`slow:300:0.1`"),
            ("slow:300ms", "`slow:300ms`"),
            ("timeout:abc", "`timeout:abc`"),
            ("expire_token_every:0", "`expire_token_every:0`"),
            ("burst500:5", "`burst500:5`"),
            ("burst500:0@3", "`burst500:0@3`"),
            ("reset:0.1,reset:0.2", "`reset:0.2`"),
            ("malformed:0.0000001", "`malformed:0.0000001`"),
        ] {
            let err = FaultSpec::parse(text).expect_err(text);
            assert!(err.contains(part), "{text}: {err}");
        }
        let err = FaultSpec::parse("429:0.6,500:0.6").expect_err("sum");
        assert!(err.contains("more than 1"), "{err}");
    }

    #[test]
    fn decisions_replay_from_the_seed() {
        let spec = FaultSpec::parse("429:0.2,500:0.2,reset:0.2,slow:1ms:0.5").expect("parses");
        let mut a = FaultState::new(spec.clone(), 9);
        let mut b = FaultState::new(spec, 9);
        let run_a: Vec<_> = (0..200).map(|_| a.decide()).collect();
        let run_b: Vec<_> = (0..200).map(|_| b.decide()).collect();
        assert_eq!(run_a, run_b);
        let passes = run_a.iter().filter(|(_, v)| *v == Verdict::Pass).count();
        assert!((60..=180).contains(&passes), "{passes}");
        let mut burst = FaultState::new(
            FaultSpec::parse("burst500:2@1,expire_token_every:5").expect("parses"),
            1,
        );
        let verdicts: Vec<Verdict> = (0..6).map(|_| burst.decide().1).collect();
        use Verdict::*;
        assert_eq!(verdicts, vec![Pass, Burst, Burst, Pass, ExpireToken, Pass]);
    }
}
