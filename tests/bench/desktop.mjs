// Desktop benchmark of issue 7, driven through tauri-driver in the real window (see
// scripts/bench-desktop.sh, which seeds the data folder and starts the driver):
//   1. cold start, RUNS times: a new WebDriver session launches the app; time from the
//      app's exec to the sign-in form being ready and painted, then from clicking 登录 to
//      the dashboard's system cards and charts painted; then the first row of the POS page.
//      First AFTER_KILL_RUNS launches as after a crash (the file is checked whole at open),
//      then RUNS as after a clean quit (`storelink check` closes it checked first, as the
//      app's quit does, so the open need not check again);
//   2. idle: on the dashboard, after IDLE_SETTLE s without any WebDriver traffic, RSS and
//      PSS of the app and every process below it, and their CPU time over IDLE_WINDOW s;
//   3. IPC: `list_pos_transactions` with the filters the POS page sends, timed in the page.
//
// Environment: STORELINK_APP, STORELINK_CLI, STORELINK_DATA_DIR (seeded), BENCH_DRIVER_PORT,
// BENCH_DRIVER_PID, BENCH_PASSWORD; optional BENCH_RUNS (5), BENCH_AFTER_KILL_RUNS (2),
// BENCH_IDLE_SETTLE (30),
// BENCH_IDLE_WINDOW (60), BENCH_WARM_ROUNDS (20), BENCH_OUT (JSON results file),
// BENCH_WDIO (webdriverio's node entry; default: tests/e2e's install).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import * as page from "./page.mjs";
import { findApp, mappings, startedAtMs, treeCpu, treeMemory } from "./procs.mjs";
import { posQueries } from "./queries.mjs";
import { report, summary } from "./report.mjs";

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
};
const APP = env("STORELINK_APP");
const CLI = env("STORELINK_CLI");
const DATA_DIR = env("STORELINK_DATA_DIR");
const PORT = Number(env("BENCH_DRIVER_PORT"));
const DRIVER_PID = Number(env("BENCH_DRIVER_PID"));
const ADMIN = { username: env("BENCH_USERNAME", "admin"), password: env("BENCH_PASSWORD") };
const RUNS = Number(env("BENCH_RUNS", "5"));
const AFTER_KILL_RUNS = Number(env("BENCH_AFTER_KILL_RUNS", "2"));
const IDLE_SETTLE = Number(env("BENCH_IDLE_SETTLE", "30"));
const IDLE_WINDOW = Number(env("BENCH_IDLE_WINDOW", "60"));
const WARM_ROUNDS = Number(env("BENCH_WARM_ROUNDS", "20"));
const WDIO = process.env.BENCH_WDIO
  ? pathToFileURL(process.env.BENCH_WDIO)
  : new URL("../e2e/node_modules/webdriverio/build/node.js", import.meta.url);
const STEP_TIMEOUT = 60_000;

const { remote } = await import(WDIO.href);

async function newSession() {
  return remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "error",
    connectionRetryCount: 0,
    capabilities: { "tauri:options": { application: APP } },
  });
}

/** One launch: sign-in form, dashboard, first POS row. Leaves the session open. */
async function coldStart() {
  const requested = Date.now();
  const browser = await newSession();
  const pid = findApp(APP, DRIVER_PID);
  if (!pid) throw new Error(`no ${APP} process below tauri-driver ${DRIVER_PID}`);
  const started = startedAtMs(pid);
  const login = await browser.execute(page.waitForReady, '[data-testid="login-submit"]', STEP_TIMEOUT);
  await browser.execute(page.waitForReady, '[data-testid="login-username"]', STEP_TIMEOUT);
  const loading = await browser.execute(page.loadTimeline);
  const dashboard = await browser.execute(
    page.signInToDashboard,
    ADMIN.username,
    ADMIN.password,
    STEP_TIMEOUT,
  );
  // CPU the app and its WebKit processes used from exec to the dashboard: unlike wall
  // time, this hardly grows when other work shares the cores.
  const cpuByProcess = [...treeCpu(pid).values()];
  const cpuToDashboard = cpuByProcess.reduce((a, p) => a + p.cpu, 0);
  const pos = await browser.execute(
    page.openPageToFirstRow,
    "pos_transactions-menu",
    "record-row-",
    STEP_TIMEOUT,
  );
  const run = {
    launcher_overhead_ms: started - requested,
    exec_to_login_ms: login.paintedAt - started,
    login_was_ready_when_asked: login.already,
    // Where the time to the sign-in form went: exec → the page's navigation start, then
    // the page's own milestones from there.
    exec_to_navigation_ms: loading.timeOrigin - started,
    page_milestones_ms: loading.milestones,
    signin_to_dashboard_dom_ms: dashboard.dom,
    signin_to_dashboard_ms: dashboard.painted,
    exec_to_dashboard_ms: login.paintedAt - started + dashboard.painted,
    cpu_ms_to_dashboard: cpuToDashboard * 1000,
    cpu_ms_to_dashboard_by_process: Object.fromEntries(cpuByProcess.map((p) => [p.comm, p.cpu * 1000])),
    pos_page_first_row_dom_ms: pos.dom,
    pos_page_first_row_ms: pos.painted,
  };
  console.error(`cold start: ${JSON.stringify(run)}`);
  return { browser, pid, run };
}

/** Memory and CPU of the app's process tree while nothing happens on the dashboard. */
async function idle(browser, pid) {
  await browser.execute(
    page.openPageToFirstRow,
    "dashboard-menu",
    "system-card-",
    STEP_TIMEOUT,
  );
  console.error(`idle: settling ${IDLE_SETTLE} s, then measuring ${IDLE_WINDOW} s`);
  await sleep(IDLE_SETTLE * 1000);
  const before = treeMemory(pid);
  const cpu0 = treeCpu(pid);
  const t0 = performance.now();
  await sleep(IDLE_WINDOW * 1000);
  const cpu1 = treeCpu(pid);
  const seconds = (performance.now() - t0) / 1000;
  const after = treeMemory(pid);
  const perProcess = [...cpu1].map(([p, { comm, cpu }]) => ({
    pid: p,
    comm,
    cpu_s: cpu - (cpu0.get(p)?.cpu ?? 0),
  }));
  const used = perProcess.reduce((a, p) => a + p.cpu_s, 0);
  return {
    window_s: seconds,
    cpu_percent_of_one_core: (100 * used) / seconds,
    cpu_per_process: perProcess,
    rss_mib_start: before.rss / 1024,
    rss_mib_end: after.rss / 1024,
    pss_mib_end: after.pss / 1024,
    processes: after.procs.map((p) => ({
      ...p,
      rss_mib: p.rss / 1024,
      pss_mib: p.pss / 1024,
      largest_mappings_kib: mappings(p.pid),
    })),
  };
}

async function ipc(browser) {
  const systems = JSON.parse(
    execFileSync(CLI, ["--json", "--data-dir", DATA_DIR, "systems", "list"], { encoding: "utf8" }),
  ).filter((s) => s.type === "pos");
  const queries = posQueries(systems);
  // Cold: the first time this app process answers each query (SQLite's page cache holds
  // nothing of it yet; the OS's file cache does). Warm: WARM_ROUNDS more of each.
  const cold = await browser.execute(page.timeInvoke, "list_pos_transactions", queries, 1);
  const warm = await browser.execute(page.timeInvoke, "list_pos_transactions", queries, WARM_ROUNDS);
  return queries.map((q, i) => ({
    name: q.name,
    rows: warm[i].rows,
    more: warm[i].more,
    cold_ms: cold[i].times[0],
    warm: summary(warm[i].times),
  }));
}

/** The machine's load (1, 5, 15 min): other work on the same cores skews every figure. */
const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);

const loadBefore = load();
// WebDriver ends each session by killing the app, which leaves no clean-close note: the
// next launch checks the whole file, as after a crash.
const afterKill = [];
for (let i = 0; i < AFTER_KILL_RUNS; i++) {
  const launched = await coldStart();
  afterKill.push(launched.run);
  await launched.browser.deleteSession();
  await sleep(1000);
}
const runs = [];
let last;
for (let i = 0; i < RUNS; i++) {
  execFileSync(CLI, ["--data-dir", DATA_DIR, "check"], { stdio: ["ignore", "ignore", "inherit"] });
  const launched = await coldStart();
  runs.push(launched.run);
  if (i < RUNS - 1) await launched.browser.deleteSession();
  else last = launched;
  await sleep(1000);
}
let results;
try {
  const idleFigures = await idle(last.browser, last.pid);
  const ipcFigures = await ipc(last.browser);
  results = {
    date: new Date().toISOString(),
    app: APP,
    load_before: loadBefore,
    load_after: load(),
    runs,
    runs_after_kill: afterKill,
    idle: idleFigures,
    ipc: ipcFigures,
  };
} finally {
  await last.browser.deleteSession().catch(() => {});
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(results, null, 2));
console.log(report(results));
