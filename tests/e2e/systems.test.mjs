// End-to-end test of the Storelink desktop app: first run, systems CRUD, connection test,
// CLI cross-check and role mirroring, driven through tauri-driver (WebDriver on 127.0.0.1:4444).
//
// Environment:
//   STORELINK_APP        path of the desktop binary (tauri-driver launches it)
//   STORELINK_DATA_DIR   the fresh, empty data dir the app was started with
//   STORELINK_CLI        path of the headless `storelink` binary
//   E2E_SCREENSHOT_DIR   optional: where to save screenshots
//   E2E_LOG_LEVEL        optional: webdriverio log level ("info" logs every command)
//
// Run: node --test systems.test.mjs   (with tauri-driver already listening on port 4444)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { remote } from "webdriverio";
import { driver, saveScreenshot, sel, TIMEOUT } from "./driver.mjs";

const APP = process.env.STORELINK_APP;
const DATA_DIR = process.env.STORELINK_DATA_DIR;
const CLI = process.env.STORELINK_CLI;

const SYSTEM = "美团POS系统";
const API_KEY = "e2e-secret-key-123";
const ADMIN = { username: "admin", password: "Adm1n-pass!" };
const FLOOR = { username: "floor", password: "Fl00r-pass!" };

/** @type {WebdriverIO.Browser | undefined} */
let browser;
/** @type {http.Server | undefined} */
let server;
/** Requests the fake POS endpoint received. */
const hits = [];
let port = 0;
let failed = false;

const { find, click, fill, waitGone, textOf } = driver(() => browser);

async function absent(testid) {
  return !(await browser.$(sel(testid)).isExisting());
}

/** Error texts shown under the antd Form.Item that holds the element with this testid. */
async function fieldErrors(testid) {
  return browser.execute((id) => {
    const input = document.querySelector(`[data-testid="${id}"]`);
    const item = input && input.closest(".ant-form-item");
    if (!item) return [];
    return Array.from(item.querySelectorAll(".ant-form-item-explain-error")).map((n) => n.textContent);
  }, testid);
}

function screenshot(name) {
  return saveScreenshot(browser, name);
}

/** Managers land on the dashboard, floor managers on the front-desk board: go to Systems. */
async function openSystems() {
  await click("systems-menu");
  await find("systems-page");
}

async function login({ username, password }) {
  await fill("login-username", username);
  await fill("login-password", password);
  await click("login-submit");
  await browser.waitUntil(async () => (await textOf("current-user")) === username, {
    timeout: TIMEOUT,
    timeoutMsg: `header does not show ${username}`,
  });
  await openSystems();
}

async function logout() {
  await click("logout");
  await find("login-username");
}

function cli(args, env = {}) {
  return execFileSync(CLI, ["--data-dir", DATA_DIR, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

/** A step is skipped once an earlier one failed (they build on each other). */
function step(name, fn) {
  it(name, async (t) => {
    if (failed) {
      t.skip("an earlier step failed");
      return;
    }
    try {
      await fn();
    } catch (e) {
      failed = true;
      await screenshot(`failure-${name.replace(/[^\w-]+/g, "_")}`).catch(() => {});
      throw e;
    }
  });
}

describe("Storelink systems management", () => {
  before(async () => {
    assert.ok(APP, "STORELINK_APP must point at the desktop binary");
    assert.ok(DATA_DIR, "STORELINK_DATA_DIR must be set");
    assert.ok(CLI, "STORELINK_CLI must point at the storelink CLI");

    server = http.createServer((req, res) => {
      hits.push({ method: req.method, url: req.url });
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : '{"ok":true}');
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = server.address().port;

    browser = await remote({
      hostname: "127.0.0.1",
      port: 4444,
      logLevel: process.env.E2E_LOG_LEVEL ?? "warn",
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: APP } },
    });
  });

  after(async () => {
    if (browser) {
      await screenshot("final").catch(() => {});
      await browser.deleteSession().catch(() => {});
    }
    if (server) await new Promise((resolve) => server.close(resolve));
  });

  step("1. first run creates the admin and lands on the dashboard", async () => {
    // The window starts hidden; the page shows it once rendered.
    await browser.waitUntil(
      async () => (await browser.execute(() => document.visibilityState)) === "visible",
      { timeout: TIMEOUT, timeoutMsg: "the window was never shown" },
    );
    await fill("admin-username", ADMIN.username);
    await fill("admin-password", ADMIN.password);
    await fill("admin-password-confirm", ADMIN.password);
    await click("admin-submit");
    await find("dashboard-page");
    await openSystems();
    assert.equal(await textOf("current-user"), ADMIN.username);
  });

  step("2. adds a POS system", async () => {
    await click("add-system");
    await find("system-form");
    await fill("field-name", SYSTEM);
    await click("field-type");
    await click("type-option-pos");
    await fill("field-provider", "Meituan");
    await fill("field-store-id", "store-001");
    await fill("field-api-endpoint", `http://127.0.0.1:${port}/pos`);
    await fill("field-api-key", API_KEY);
    await click("system-form-submit");
    await waitGone("system-form");
    const row = await find(`system-row-${SYSTEM}`);
    const text = await row.getText();
    assert.ok(text.includes("Meituan"), `row shows the provider: ${text}`);
    assert.ok(text.includes("store-001"), `row shows the store: ${text}`);
    assert.ok(!text.includes(API_KEY), "the API key is never displayed");
    await screenshot("after-add");

    // Only the core knows the name is taken: its conflict must land next to the name field.
    await click("add-system");
    await find("system-form");
    await fill("field-name", SYSTEM);
    await click("field-type");
    await click("type-option-pos");
    await fill("field-provider", "Meituan");
    await fill("field-store-id", "store-001");
    await click("system-form-submit");
    await browser.waitUntil(
      async () => (await fieldErrors("field-name")).some((t) => t.includes("同名")),
      { timeout: TIMEOUT, timeoutMsg: "no duplicate-name error next to the name field" },
    );
    await click("system-form-cancel");
    await waitGone("system-form");
    const rows = await browser.$$(`[data-testid="system-row-${SYSTEM}"]`);
    assert.equal(rows.length, 1, "the duplicate was not saved");
  });

  step("3. edits the sync interval, rejecting 5 and saving 600", async () => {
    await click(`edit-${SYSTEM}`);
    await find("system-form");
    // The API key is write-only: the box is empty, the saved key is only flagged.
    assert.equal(await (await find("field-api-key")).getValue(), "");

    await fill("field-sync-interval", "5");
    await click("system-form-submit");
    await browser.waitUntil(
      async () => (await fieldErrors("field-sync-interval")).some((t) => t.includes("30") && t.includes("86400")),
      { timeout: TIMEOUT, timeoutMsg: "no range error next to the sync interval field" },
    );
    // Nothing was saved: the form is still open and the row keeps the old interval.
    assert.ok(await (await browser.$(sel("system-form"))).isDisplayed());
    const unchanged = await textOf(`system-row-${SYSTEM}`);
    assert.ok(unchanged.includes("300") && !unchanged.includes("600"), `interval unchanged: ${unchanged}`);

    await fill("field-sync-interval", "600");
    await click("system-form-submit");
    await waitGone("system-form");
    await browser.waitUntil(async () => (await textOf(`system-row-${SYSTEM}`)).includes("600"), {
      timeout: TIMEOUT,
      timeoutMsg: "row does not show the new interval 600",
    });
  });

  step("4. tests the connection: status becomes 正常 and the endpoint was called", async () => {
    const before = hits.length;
    await click(`test-${SYSTEM}`);
    await browser.waitUntil(async () => hits.length > before, {
      timeout: TIMEOUT,
      timeoutMsg: "the local endpoint received no request",
    });
    await browser.waitUntil(async () => (await textOf(`status-${SYSTEM}`)) === "正常", {
      timeout: TIMEOUT,
      timeoutMsg: "status tag did not become 正常",
    });
    await browser.waitUntil(async () => /\d+\s*ms/.test(await textOf(`last-test-${SYSTEM}`)), {
      timeout: TIMEOUT,
      timeoutMsg: "last test column shows no latency",
    });
  });

  step("5. the CLI sees the same database, without the secret", async () => {
    const out = cli(["--json", "systems", "list"]);
    assert.ok(!out.includes(API_KEY), "CLI output must not contain the API key");
    const parsed = JSON.parse(out);
    const list = Array.isArray(parsed) ? parsed : parsed.items;
    assert.ok(Array.isArray(list), `expected a JSON array, got: ${out.slice(0, 200)}`);
    const sys = list.find((s) => s.name === SYSTEM);
    assert.ok(sys, `CLI list has ${SYSTEM}: ${out.slice(0, 500)}`);
    assert.equal(sys.sync_interval, 600);
    assert.equal(sys.status, "active");
  });

  step("6. a floor manager sees the system but no management actions", async () => {
    cli(["users", "add", "--username", FLOOR.username, "--role", "floor_manager"], {
      STORELINK_PASSWORD: FLOOR.password,
    });
    await logout();
    await login(FLOOR);
    await find(`system-row-${SYSTEM}`);
    assert.ok(await absent("add-system"), "add-system must be hidden for floor_manager");
    assert.ok(await absent(`edit-${SYSTEM}`), "edit must be hidden for floor_manager");
    assert.ok(await absent(`test-${SYSTEM}`), "test must be hidden for floor_manager");
    assert.ok(await absent(`delete-${SYSTEM}`), "delete must be hidden for floor_manager");

    // Hiding buttons is only the mirror: the core itself must refuse the operation when the
    // command is called directly over IPC.
    const refusal = await browser.execute(async () => {
      try {
        await window.__TAURI_INTERNALS__.invoke("create_system", {
          input: { name: "越权系统", type: "pos", provider: "X", secrets: {} },
        });
        return { kind: "allowed" };
      } catch (e) {
        return e;
      }
    });
    assert.equal(refusal.kind, "forbidden", JSON.stringify(refusal));
    assert.equal(refusal.role, "floor_manager");
    const listed = JSON.parse(cli(["--json", "systems", "list"]));
    const items = Array.isArray(listed) ? listed : listed.items;
    assert.ok(!items.some((s) => s.name === "越权系统"), "the refused system must not exist");
  });

  step("7. the admin deletes the system", async () => {
    await logout();
    await login(ADMIN);
    await click(`delete-${SYSTEM}`);
    await click("confirm-delete");
    await waitGone(`system-row-${SYSTEM}`);
    await waitGone("confirm-delete");
    await screenshot("after-delete");
  });
});
