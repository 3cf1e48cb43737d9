//! The headless CLI's writes that take secrets, with trace logging and `--json`: `systems
//! add` (the API key and webhook secret on stdin, and a secret-looking config key lifted to
//! the keychain) and `systems update` (both replaced on stdin), and an update whose stdin
//! ends early (refused). Each secret given is shown to work: the connection test and a
//! sync pass with the right API key from `add` or `update` (and fail with a wrong one),
//! webhooks signed with the webhook secret either gave are accepted, and the one `update`
//! replaced is refused. Every line the processes print is kept.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use storelink_simulators::generic::{GenericSim, GenericSimConfig, System};

use super::fleet::Planted;
use super::flows::Captured;
use super::wire::Wire;

/// What the writes proved.
pub struct CliWrites {
    pub runs: usize,
    pub webhooks_accepted: usize,
    pub webhooks_refused: usize,
}

struct Runner<'a> {
    data: &'a Path,
    logs: &'a Path,
    runs: usize,
}

impl Runner<'_> {
    /// `storelink --json <args>` with `stdin` written to it; stdout and stderr are kept
    /// as texts and as files in `logs`.
    fn run(&mut self, args: &[&str], stdin: &str, c: &mut Captured) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_storelink"))
            .arg("--data-dir")
            .arg(self.data)
            .arg("--json")
            .args(args)
            .env("STORELINK_LOG", "trace")
            .env("RUST_LOG", "trace")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run storelink");
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).expect("write stdin");
        drop(input);
        // The simulators and the listener answer on the runtime's other threads meanwhile.
        let out = tokio::task::block_in_place(|| child.wait_with_output()).expect("storelink");
        let name = format!("cli-write-{:02}-{}", self.runs, args[..2].join("_"));
        self.runs += 1;
        std::fs::write(self.logs.join(format!("{name}.stdout")), &out.stdout).expect("stdout");
        std::fs::write(self.logs.join(format!("{name}.stderr.log")), &out.stderr).expect("stderr");
        c.text(
            &format!("{name} stdout"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        );
        c.text(
            &format!("{name} stderr"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        out
    }
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", brief(out)))
}

/// Exit status, stdout and the end of the trace, for a failure's message.
fn brief(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: String = err.lines().rev().take(5).collect::<Vec<_>>().join("\n");
    format!(
        "{}: {}\n... {tail}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    )
}

fn accepted(status: u16) -> bool {
    (200..300).contains(&status)
}

pub async fn cli_writes(
    w: &Wire,
    data: &Path,
    logs: &Path,
    p: &mut Planted,
    controls: &mut Planted,
    c: &mut Captured,
) -> CliWrites {
    // A member vendor of its own, whose only valid key is the one `update` gives.
    let key = p.make("cli-member-api_key");
    let sim = GenericSim::start(GenericSimConfig {
        members: 3,
        orders: 2,
        pos_api_key: p.make("cli-pos-api_key"),
        supplier_api_key: p.make("cli-supplier-api_key"),
        member_api_key: key.clone(),
        ..GenericSimConfig::default()
    })
    .await
    .expect("cli simulator");
    let wrong = p.make("cli-wrong-api_key");
    let (first, added, updated) = (
        p.webhook("cli-add-first"),
        p.webhook("cli-add"),
        p.webhook("cli-update"),
    );
    let config = |extra: Value| {
        let mut c = json!({"page_size": 20, "timeout_ms": 3000, "lookback_seconds": 0,
            "retryPolicy": {"maxRetries": 0, "initialDelay": 10, "maxDelay": 10}});
        if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
            c.extend(extra);
        }
        c.to_string()
    };
    let mut r = Runner {
        data,
        logs,
        runs: 0,
    };
    let mut result = CliWrites {
        runs: 0,
        webhooks_accepted: 0,
        webhooks_refused: 0,
    };
    let url = sim.url(System::Member);
    let add = |r: &mut Runner<'_>, name: &str, config: &str, stdin: &str, c: &mut Captured| {
        let out = r.run(
            &[
                "systems",
                "add",
                "--name",
                name,
                "--type",
                "member",
                "--provider",
                "generic",
                "--store-id",
                "store-001",
                "--api-endpoint",
                &url,
                "--config",
                config,
                "--sync-enabled",
                "false",
                "--api-key-stdin",
                "--webhook-secret-stdin",
            ],
            stdin,
            c,
        );
        assert!(out.status.success(), "systems add: {}", brief(&out));
        json_of(&out)
    };
    let id_of = |system: &Value| system["id"].as_str().expect("system id").to_owned();

    // Added with the right key: it works at once.
    // Its name is a control: the search must see it in this command's output.
    let system = add(
        &mut r,
        &controls.make("control-cli-write"),
        &config(json!({})),
        &format!("{key}\n{first}\n"),
        c,
    );
    let id = id_of(&system);
    let out = r.run(&["systems", "test", &id], "", c);
    assert!(
        out.status.success() && json_of(&out)["ok"] == true,
        "the API key add was given works: {}",
        brief(&out)
    );
    let status = w
        .deliver("cli add: ", "member", &id, &first, 20_001, c)
        .await;
    assert!(
        accepted(status),
        "signed with the secret add was given: {status}"
    );
    result.webhooks_accepted += 1;

    // Added with a wrong key (and a secret-looking config key, which goes to the keychain
    // too), then updated with the right one. This process reads a keychain value again
    // only after some seconds, so nothing here looks at this system before the update.
    let system = add(
        &mut r,
        "cli member system 2",
        &config(json!({"app_secret": p.make("cli-config-app_secret")})),
        &format!("{wrong}\n{added}\n"),
        c,
    );
    let id2 = id_of(&system);
    for name in ["api_key", "webhook_secret", "app_secret"] {
        assert!(
            system["secret_fields"]
                .as_array()
                .is_some_and(|f| f.iter().any(|n| n == name)),
            "add kept {name}: {system}"
        );
    }
    let out = r.run(&["systems", "test", &id2], "", c);
    assert!(
        !out.status.success(),
        "the wrong API key add was given is refused: {}",
        brief(&out)
    );
    let out = r.run(
        &[
            "systems",
            "update",
            &id2,
            "--name",
            "cli member system 2 renamed",
            "--config",
            &config(json!({})),
            "--api-key-stdin",
            "--webhook-secret-stdin",
        ],
        &format!("{key}\n{updated}\n"),
        c,
    );
    assert!(out.status.success(), "systems update: {}", brief(&out));
    let out = r.run(&["systems", "test", &id2], "", c);
    assert!(
        out.status.success() && json_of(&out)["ok"] == true,
        "the API key update was given works: {}",
        brief(&out)
    );
    let out = r.run(
        &["sync", "run", &id2, "--stream", "members", "--mode", "full"],
        "",
        c,
    );
    assert!(
        out.status.success()
            && json_of(&out)
                .as_array()
                .is_some_and(|tasks| tasks.iter().all(|t| t["status"] == "completed")),
        "sync with the new key: {}",
        brief(&out)
    );
    let status = w
        .deliver("cli update: ", "member", &id2, &updated, 20_002, c)
        .await;
    assert!(
        accepted(status),
        "signed with the secret update gave: {status}"
    );
    result.webhooks_accepted += 1;
    let status = w
        .deliver("cli replaced: ", "member", &id2, &added, 20_003, c)
        .await;
    assert_eq!(status, 401, "the webhook secret update replaced");
    result.webhooks_refused += 1;
    r.run(&["systems", "show", &id2], "", c);
    r.run(&["systems", "list"], "", c);

    // stdin that ends before the webhook secret: refused, and the refusal is searched too.
    let out = r.run(
        &[
            "systems",
            "update",
            &id,
            "--api-key-stdin",
            "--webhook-secret-stdin",
        ],
        &format!("{}\n", p.make("cli-half-api_key")),
        c,
    );
    assert!(
        !out.status.success(),
        "a missing webhook secret is refused: {}",
        brief(&out)
    );
    let out = r.run(&["systems", "test", &id], "", c);
    assert!(
        out.status.success(),
        "a refused update changed nothing: {}",
        brief(&out)
    );
    result.runs = r.runs;
    sim.stop().await;
    result
}
