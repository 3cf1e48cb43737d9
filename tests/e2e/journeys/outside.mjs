// The world outside the window, as the journeys meet it: vendor simulators started from the
// real CLI, signed vendor webhooks and POS pushes sent to the app's embedded listener over
// 127.0.0.1, a loopback port nobody listens on, and the contents of an exported .xlsx.
import { spawn, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import net from "node:net";
import { CLI } from "./support.mjs";

/**
 * Starts `storelink simulate <vendor> --listen 127.0.0.1:0 ...args` and resolves once it
 * printed its address. `stop()` ends it (Ctrl-C, as a person would).
 */
export function startSimulator(vendor, args = []) {
  const child = spawn(CLI, ["--json", "simulate", vendor, "--listen", "127.0.0.1:0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ready = new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`simulate ${vendor} printed no address: ${stderr}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n").find((l) => l.includes('"listening"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line).listening);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`simulate ${vendor} exited (${code}): ${stderr}`));
    });
  });
  return ready.then((url) => ({
    url,
    /** The simulator's own record of what it was asked (`GET /_sim/stats`). */
    async stats() {
      const res = await fetch(`${url}/_sim/stats`, { signal: AbortSignal.timeout(10_000) });
      return res.json();
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  }));
}

/** A loopback port that was free a moment ago and that nothing listens on. */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Posts a vendor webhook signed the `sha256=` way (HMAC-SHA256 of the raw body keyed by the
 * system's webhook secret, in X-Signature-256), as connectors/src/signature.rs checks it.
 */
export async function postSignedWebhook(base, channel, systemId, secret, envelope) {
  const body = JSON.stringify(envelope);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const res = await fetch(`${base}/api/v1/integrations/webhooks/${channel}/${systemId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature-256": signature },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.text() };
}

/** Posts one POS sale from a terminal holding `token`. */
export async function postSale(base, token, systemId, { id, yuan, payment = "cash" }) {
  const res = await fetch(`${base}/api/v1/integrations/pos/${systemId}/transactions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      transaction_id: id,
      order_number: `ORD-${id}`,
      type: "sale",
      subtotal: yuan,
      tax: 0,
      discount: 0,
      total: yuan,
      payment_method: payment,
      items: [{ name: "宫保鸡丁", quantity: 1, price: yuan }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.text() };
}

/** The entries of a zip file, read by `unzip` (the file must really be a zip). */
export function zipEntries(file) {
  return execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** One entry of a zip file as text. */
export function zipText(file, entry) {
  return execFileSync("unzip", ["-p", file, entry], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** The text of every cell of an .xlsx's first sheet, row by row (inline or shared strings). */
export function sheetRows(file) {
  const entries = zipEntries(file);
  const shared = entries.includes("xl/sharedStrings.xml")
    ? Array.from(zipText(file, "xl/sharedStrings.xml").matchAll(/<si>([\s\S]*?)<\/si>/g), (m) => texts(m[1]))
    : [];
  const sheet = zipText(file, "xl/worksheets/sheet1.xml");
  return Array.from(sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g), (row) =>
    Array.from(row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g), ([, attrs, inner = ""]) => {
      if (/t="s"/.test(attrs)) return shared[Number(/<v>(\d+)<\/v>/.exec(inner)?.[1])] ?? "";
      if (/t="inlineStr"/.test(attrs)) return texts(inner);
      return unescapeXml(/<v>([\s\S]*?)<\/v>/.exec(inner)?.[1] ?? "");
    }),
  );
}

function texts(xml) {
  return Array.from(xml.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g), (m) => unescapeXml(m[1])).join("");
}

function unescapeXml(s) {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
