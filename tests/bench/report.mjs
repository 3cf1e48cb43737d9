// Figures of a run as Markdown tables (what docs/BENCHMARKS.md shows).

/** Median, 95th percentile and worst of a list of milliseconds. */
export function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const ms = (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const mib = (v) => `${v.toFixed(0)} MiB`;

function coldTable(runs) {
  const rows = [
    ["app exec → sign-in form painted", "exec_to_login_ms"],
    ["click 登录 → dashboard cards and charts painted", "signin_to_dashboard_ms"],
    ["sum: exec → dashboard (without the person's typing)", "exec_to_dashboard_ms"],
    ["CPU used by the app and WebKit processes until then", "cpu_ms_to_dashboard"],
    ["click POS交易 → first row painted", "pos_page_first_row_ms"],
    ["(WebDriver launcher before the app's exec)", "launcher_overhead_ms"],
  ];
  const lines = ["| step | median | worst | runs |", "|---|---:|---:|---:|"];
  for (const [label, key] of rows) {
    const s = summary(runs.map((r) => r[key]));
    lines.push(`| ${label} | ${ms(s.median)} | ${ms(s.max)} | ${s.n} |`);
  }
  return lines.join("\n");
}

function idleTable(idle) {
  const lines = ["| process | RSS | PSS | CPU in the window |", "|---|---:|---:|---:|"];
  const cpu = new Map(idle.cpu_per_process.map((p) => [p.pid, p.cpu_s]));
  for (const p of idle.processes) {
    lines.push(`| ${p.comm} (${p.pid}) | ${mib(p.rss_mib)} | ${mib(p.pss_mib)} | ${(cpu.get(p.pid) ?? 0).toFixed(2)} s |`);
  }
  lines.push(
    `| **all** | **${mib(idle.rss_mib_end)}** | **${mib(idle.pss_mib_end)}** | ` +
      `**${idle.cpu_percent_of_one_core.toFixed(2)} % of a core** over ${idle.window_s.toFixed(0)} s |`,
  );
  return lines.join("\n");
}

function ipcTable(ipc) {
  const lines = [
    "| filter | rows (more) | cold | warm median | warm p95 | warm max |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const q of ipc) {
    lines.push(
      `| ${q.name} | ${q.rows}${q.more ? " (+)" : ""} | ${ms(q.cold_ms)} | ${ms(q.warm.median)} | ` +
        `${ms(q.warm.p95)} | ${ms(q.warm.max)} |`,
    );
  }
  return lines.join("\n");
}

export function report(results) {
  return [
    `Desktop benchmark, ${results.date}, ${results.app}`,
    `load average before ${results.load_before.join(" ")}, after ${results.load_after.join(" ")}`,
    "",
    "Cold start after a clean quit:",
    coldTable(results.runs),
    ...(results.runs_after_kill?.length
      ? ["", "Cold start after a kill (the file checked whole at open):", coldTable(results.runs_after_kill)]
      : []),
    "",
    `Idle (RSS at the window's start: ${mib(results.idle.rss_mib_start)}):`,
    idleTable(results.idle),
    "",
    "First filtered page of list_pos_transactions through IPC:",
    ipcTable(results.ipc),
  ].join("\n");
}
