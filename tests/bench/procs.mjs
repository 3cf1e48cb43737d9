// The desktop app's processes as Linux shows them in /proc: the app itself and every
// process below it (WebKitWebProcess, WebKitNetworkProcess, and the bwrap/dbus-proxy
// helpers of WebKit's sandbox when present), with their memory and CPU time.
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ: the unit of utime/stime in /proc/<pid>/stat on Linux.

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces). */
function statFields(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const close = stat.lastIndexOf(")");
  return { comm: stat.slice(stat.indexOf("(") + 1, close), rest: stat.slice(close + 2).split(" ") };
}

/** Every live process id with its parent. */
function processTable() {
  const table = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = statFields(name);
    if (s) table.push({ pid: Number(name), ppid: Number(s.rest[1]), comm: s.comm });
  }
  return table;
}

/** The pid of the running `exe` whose ancestors include `ancestor` (our tauri-driver). */
export function findApp(exe, ancestor) {
  const table = processTable();
  const parent = new Map(table.map((p) => [p.pid, p.ppid]));
  const isBelow = (pid) => {
    for (let p = parent.get(pid); p && p > 1; p = parent.get(p)) if (p === ancestor) return true;
    return false;
  };
  const matches = table.filter((p) => {
    const cmd = read(`/proc/${p.pid}/cmdline`);
    return cmd !== null && cmd.split("\0")[0] === exe && isBelow(p.pid);
  });
  return matches.length ? matches[matches.length - 1].pid : null;
}

/** `root` and all its descendants, each with its command name. */
export function tree(root) {
  const table = processTable();
  const found = table.filter((p) => p.pid === root);
  for (let i = 0; i < found.length; i++) {
    for (const p of table) if (p.ppid === found[i].pid) found.push(p);
  }
  return found.map(({ pid, comm }) => ({ pid, comm }));
}

function kib(text, key) {
  const m = text && text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) : 0;
}

/** Resident (VmRSS) and proportional (Pss, shared pages split between sharers) KiB. */
export function memory(pid) {
  return {
    rss: kib(read(`/proc/${pid}/status`), "VmRSS"),
    pss: kib(read(`/proc/${pid}/smaps_rollup`), "Pss"),
  };
}

/** User + system CPU seconds this process has used so far. */
export function cpuSeconds(pid) {
  const s = statFields(pid);
  if (!s) return 0;
  return (Number(s.rest[11]) + Number(s.rest[12])) / CLOCK_TICKS;
}

/**
 * When the process was started (exec), in ms since the epoch, to 10 ms: its start in
 * ticks since boot against /proc/uptime read now (boot time itself is only whole seconds).
 */
export function startedAtMs(pid) {
  const s = statFields(pid);
  const now = Date.now();
  const uptime = Number((read("/proc/uptime") || "").split(" ")[0]);
  if (!s || !uptime) return null;
  return now - (uptime - Number(s.rest[19]) / CLOCK_TICKS) * 1000;
}

/** Memory of every process of the tree, and their sums. */
export function treeMemory(root) {
  const procs = tree(root).map((p) => ({ ...p, ...memory(p.pid) }));
  return {
    procs,
    rss: procs.reduce((a, p) => a + p.rss, 0),
    pss: procs.reduce((a, p) => a + p.pss, 0),
  };
}

/** CPU seconds per process of the tree, keyed by pid. */
export function treeCpu(root) {
  return new Map(tree(root).map((p) => [p.pid, { comm: p.comm, cpu: cpuSeconds(p.pid) }]));
}

/**
 * Where a process's memory is, from /proc/<pid>/smaps: resident and proportional KiB per
 * mapped file (anonymous memory as "[anon]"), the largest `top` first.
 */
export function mappings(pid, top = Number(process.env.BENCH_TOP_MAPPINGS ?? 6)) {
  const smaps = read(`/proc/${pid}/smaps`) || "";
  const byName = new Map();
  let name = "[anon]";
  for (const line of smaps.split("\n")) {
    const header = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (header) {
      name = header[1] || "[anon]";
      continue;
    }
    const m = line.match(/^(Rss|Pss):\s+(\d+) kB/);
    if (!m) continue;
    const entry = byName.get(name) ?? { name, rss: 0, pss: 0 };
    entry[m[1].toLowerCase()] += Number(m[2]);
    byName.set(name, entry);
  }
  return [...byName.values()].sort((a, b) => b.rss - a.rss).slice(0, top);
}
