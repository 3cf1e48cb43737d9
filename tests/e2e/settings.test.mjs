// End-to-end test of the Storelink settings page: an API token is shown once, the listener
// is turned on from the window and answers on 127.0.0.1, the token authenticates there until
// it is revoked, and turning the listener off closes the port. Driven through tauri-driver
// (WebDriver on 127.0.0.1:4444); the HTTP checks are made from node with fetch.
//
// Works on a fresh data dir (creates the admin) and after systems.test.mjs in the same run
// (signs in with the same admin credentials): the app keeps its session in memory only, so a
// new WebDriver session always starts at first-run or at the login page.
//
// Environment:
//   STORELINK_APP        path of the desktop binary (tauri-driver launches it)
//   STORELINK_DATA_DIR   the data dir the app was started with (fresh, or shared with systems.test.mjs)
//   E2E_SCREENSHOT_DIR   optional: where to save screenshots
//   E2E_LOG_LEVEL        optional: webdriverio log level ("info" logs every command)
//
// Needs 127.0.0.1:18765 free.
// Run: node --test settings.test.mjs   (with tauri-driver already listening on port 4444)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { remote } from "webdriverio";
import { driver, saveScreenshot, sel, TIMEOUT } from "./driver.mjs";

const APP = process.env.STORELINK_APP;
const DATA_DIR = process.env.STORELINK_DATA_DIR;

/** The same administrator systems.test.mjs creates. */
const ADMIN = { username: "admin", password: "Adm1n-pass!" };
const TOKEN_NAME = "e2e-terminal";
const PORT = 18765;
const BASE = `http://127.0.0.1:${PORT}`;
/** A well-formed system id that no system has: a POS push to it is 404 once authenticated. */
const NO_SYSTEM = "00000000-0000-4000-8000-000000000000";
const TOKEN_SHAPE = /^slk_[A-Za-z0-9_-]{43}$/;

/** @type {WebdriverIO.Browser | undefined} */
let browser;
let failed = false;
/** The token read from the page; only ever kept in this process's memory. */
let secret = "";
/** Set once the listener was turned on, so that a failure later turns it off again. */
let listenerOn = false;

const { find, click, fill, waitGone, textOf } = driver(() => browser);

async function exists(testid) {
  return browser.execute((s) => document.querySelector(s) !== null, sel(testid));
}

/** An attribute of the first element with the testid, read in the page (null if none). */
async function attrOf(testid, name) {
  return browser.execute(
    (s, n) => {
      const node = document.querySelector(s);
      return node ? node.getAttribute(n) : null;
    },
    sel(testid),
    name,
  );
}

/** Sets an antd Switch to `on` by clicking it when it is the other way. */
async function setSwitch(testid, on) {
  const el = await find(testid);
  if (((await el.getAttribute("aria-checked")) === "true") !== on) {
    await click(testid);
  }
  await browser.waitUntil(async () => ((await el.getAttribute("aria-checked")) === "true") === on, {
    timeout: TIMEOUT,
    timeoutMsg: `${testid} did not turn ${on ? "on" : "off"}`,
  });
}

function screenshot(name) {
  return saveScreenshot(browser, name);
}

/** Waits for the tokens table to have loaded (its spinner gone). */
async function tokensLoaded() {
  await find("tokens-table");
  await browser.waitUntil(
    async () =>
      browser.execute(
        (s) => document.querySelectorAll(`${s} .ant-spin-spinning`).length === 0,
        sel("tokens-card"),
      ),
    { timeout: TIMEOUT, timeoutMsg: "the token list did not finish loading" },
  );
}

/** Why the listener is not running, as the page shows it (for assertion messages). */
async function listenerError() {
  return (await exists("listener-error")) ? textOf("listener-error") : "no error shown";
}

/** A POS push to a system that does not exist, with or without a bearer token. */
function pushTransaction(token) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(`${BASE}/api/v1/integrations/pos/${NO_SYSTEM}/transactions`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      transaction_id: "e2e-settings-1",
      order_number: "E2E-1",
      type: "sale",
      total: "12.50",
      payment_method: "cash",
      items: [{ name: "宫保鸡丁", quantity: 1, price: "12.50" }],
    }),
    signal: AbortSignal.timeout(10_000),
  });
}

async function problemOf(res) {
  const text = await res.text();
  try {
    return { text, body: JSON.parse(text) };
  } catch {
    return { text, body: null };
  }
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
      await screenshot(`failure-settings-${name.replace(/[^\w-]+/g, "_")}`).catch(() => {});
      throw e;
    }
  });
}

describe("Storelink settings: API tokens and listener", () => {
  before(async () => {
    assert.ok(APP, "STORELINK_APP must point at the desktop binary");
    assert.ok(DATA_DIR, "STORELINK_DATA_DIR must be set");
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
      await screenshot("settings-final").catch(() => {});
      // A failed run must not leave the listener enabled in the shared data dir: a later
      // start of the app would open the port again.
      if (listenerOn) {
        await browser
          .execute(async (port) => {
            await window.__TAURI_INTERNALS__.invoke("save_listener_settings", {
              settings: { enabled: false, lan: false, port, tls: false },
            });
          }, PORT)
          .catch(() => {});
      }
      await browser.deleteSession().catch(() => {});
    }
  });

  step("1. signs in as the admin (creating it on a fresh data dir)", async () => {
    const candidates = ["admin-username", "login-username", "dashboard-page", "systems-page"];
    let shown = null;
    await browser.waitUntil(
      async () => {
        shown = await browser.execute(
          (ids) => ids.find((id) => document.querySelector(`[data-testid="${id}"]`)) ?? null,
          candidates,
        );
        return shown !== null;
      },
      { timeout: TIMEOUT, timeoutMsg: "neither first run, login nor the systems page showed" },
    );
    if (shown === "admin-username") {
      await fill("admin-username", ADMIN.username);
      await fill("admin-password", ADMIN.password);
      await fill("admin-password-confirm", ADMIN.password);
      await click("admin-submit");
    } else if (shown === "login-username") {
      await fill("login-username", ADMIN.username);
      await fill("login-password", ADMIN.password);
      await click("login-submit");
    }
    await browser.waitUntil(async () => (await textOf("current-user")) === ADMIN.username, {
      timeout: TIMEOUT,
      timeoutMsg: `header does not show ${ADMIN.username}`,
    });
  });

  step("2. opens Settings from the side menu", async () => {
    await click("settings-menu");
    await find("settings-page");
    await find("listener-card");
    await find("tokens-card");
    await tokensLoaded();
    // Only one live token may have a name: clear one left by an aborted earlier run.
    if (await exists(`token-revoke-${TOKEN_NAME}`)) {
      await click(`token-revoke-${TOKEN_NAME}`);
      await click("confirm-revoke");
      await waitGone(`token-revoke-${TOKEN_NAME}`);
    }
  });

  step("3. creates a staff token and shows it exactly once", async () => {
    await click("token-new");
    await find("token-form");
    // Submitting empty is refused by the form itself.
    await click("token-submit");
    await browser.waitUntil(
      async () =>
        browser.execute(
          (s) => document.querySelectorAll(`${s} .ant-form-item-explain-error`).length >= 2,
          sel("token-form"),
        ),
      { timeout: TIMEOUT, timeoutMsg: "no required-field errors in the empty token form" },
    );
    assert.ok(!(await exists("token-secret")), "nothing was created");

    await fill("token-name", TOKEN_NAME);
    await click("token-role");
    await click("role-option-staff");
    await click("token-submit");
    await waitGone("token-form");

    secret = await textOf("token-secret");
    assert.match(secret, TOKEN_SHAPE, "the token shown has the slk_ shape");
    await screenshot("settings-token-created");

    // The list shows the new token by its prefix only.
    const row = await find(`token-row-${TOKEN_NAME}`);
    await browser.waitUntil(async () => (await row.getText()).includes(secret.slice(0, 12)), {
      timeout: TIMEOUT,
      timeoutMsg: "the token row does not show the token's prefix",
    });
    assert.ok(!(await row.getText()).includes(secret), "the row never shows the whole token");
    assert.equal(await attrOf(`token-status-${TOKEN_NAME}`, "data-revoked"), "false");

    await click("token-close");
    await waitGone("token-secret");
    const html = await browser.execute(() => document.documentElement.outerHTML);
    assert.ok(!html.includes(secret), "after closing, the token is nowhere in the page");
  });

  step("4. turns the listener on at 127.0.0.1:18765", async () => {
    await find("listener-form");
    await setSwitch("listener-lan", false);
    await setSwitch("listener-enabled", true);
    await fill("listener-port", String(PORT));
    await click("listener-save");
    listenerOn = true;
    await browser.waitUntil(async () => (await attrOf("listener-status", "data-running")) === "true", {
      timeout: TIMEOUT,
      timeoutMsg: "the listener status does not show running",
    }).catch(async (e) => {
      throw new Error(`${e.message} (${await listenerError()})`);
    });
    await browser.waitUntil(async () => (await textOf("listener-url")) === BASE, {
      timeout: TIMEOUT,
      timeoutMsg: `the listener URL is not ${BASE}`,
    });
    assert.ok(!(await exists("listener-error")), await listenerError());
    await screenshot("settings-listener-on");
  });

  step("5. the listener answers and the token authenticates (404, not 401)", async () => {
    const health = await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "ok");

    const anonymous = await pushTransaction(null);
    assert.equal(anonymous.status, 401, `without a token: ${(await problemOf(anonymous)).text}`);

    const res = await pushTransaction(secret);
    const { text, body } = await problemOf(res);
    assert.equal(res.status, 404, `with the token: ${text}`);
    assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
    assert.equal(body?.status, 404, text);
    assert.match(body?.type ?? "", /not_found/, text);
  });

  step("6. revoking the token locks it out (401)", async () => {
    await click(`token-revoke-${TOKEN_NAME}`);
    await click("confirm-revoke");
    await waitGone(`token-revoke-${TOKEN_NAME}`);
    await browser.waitUntil(
      async () => (await attrOf(`token-status-${TOKEN_NAME}`, "data-revoked")) === "true",
      { timeout: TIMEOUT, timeoutMsg: "the token is not shown as revoked" },
    );
    const res = await pushTransaction(secret);
    const { text, body } = await problemOf(res);
    assert.equal(res.status, 401, `with the revoked token: ${text}`);
    assert.equal(body?.status, 401, text);
  });

  step("7. turning the listener off closes the port", async () => {
    await setSwitch("listener-enabled", false);
    await click("listener-save");
    await browser.waitUntil(async () => (await attrOf("listener-status", "data-running")) === "false", {
      timeout: TIMEOUT,
      timeoutMsg: "the listener status does not show stopped",
    });
    await waitGone("listener-url");
    listenerOn = false;
    // A kept-alive connection may answer once more while it closes: poll until refused.
    let lastStatus = null;
    await browser.waitUntil(
      async () => {
        try {
          const res = await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(2_000) });
          lastStatus = res.status;
          await res.body?.cancel();
          return false;
        } catch {
          return true;
        }
      },
      { timeout: TIMEOUT, timeoutMsg: `${BASE} still answers (last status ${lastStatus})` },
    );
    await screenshot("settings-listener-off");
  });
});
