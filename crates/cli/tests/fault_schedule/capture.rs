//! The log, as Storelink writes it: every tracing event that carries an error `class`
//! (a page retried, a delivery retried) is kept with the lane it happened in, so a test
//! can check that each failure a vendor caused was logged with the right class.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// The span a lane runs in; its `lane` field names the lane in every event below it.
pub const LANE_SPAN: &str = "fault_lane";

/// One logged failure (its message is shown through Debug in assertion messages).
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct Logged {
    pub lane: String,
    pub class: String,
    pub message: String,
}

static LOGGED: Mutex<Vec<Logged>> = Mutex::new(Vec::new());
static INSTALLED: OnceLock<()> = OnceLock::new();

/// Installs the capturing subscriber for the whole test binary (once).
pub fn install() {
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(Capture);
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    });
}

/// Every failure logged in `lane` so far, by class.
pub fn classes(lane: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for l in LOGGED
        .lock()
        .expect("log")
        .iter()
        .filter(|l| l.lane == lane)
    {
        *out.entry(l.class.clone()).or_default() += 1;
    }
    out
}

/// A few of the lane's logged failures, for an assertion message.
pub fn sample(lane: &str) -> Vec<Logged> {
    LOGGED
        .lock()
        .expect("log")
        .iter()
        .filter(|l| l.lane == lane)
        .take(12)
        .cloned()
        .collect()
}

#[derive(Default)]
struct Fields(BTreeMap<&'static str, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
}

struct LaneName(String);

struct Capture;

impl<S> Layer<S> for Capture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() != LANE_SPAN {
            return;
        }
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let (Some(span), Some(lane)) = (ctx.span(id), fields.0.remove("lane")) {
            span.extensions_mut().insert(LaneName(lane));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let Some(class) = fields.0.remove("class") else {
            return;
        };
        let lane = ctx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .find_map(|s| s.extensions().get::<LaneName>().map(|l| l.0.clone()))
        });
        LOGGED.lock().expect("log").push(Logged {
            lane: lane.unwrap_or_default(),
            class,
            message: fields.0.remove("message").unwrap_or_default(),
        });
    }
}
