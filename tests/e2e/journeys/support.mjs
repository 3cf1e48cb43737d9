// Shared helpers of the journey specs: one WebDriver session on the real app per spec,
// steps that stop the journey at the first failure (with a screenshot), signing in and out,
// side-menu navigation, antd selects, and calling the core's commands from the page the way
// the UI does (window.__TAURI_INTERNALS__.invoke), which is also how a refused call is shown.
//
// Environment (scripts/e2e.sh sets it):
//   STORELINK_APP        the desktop binary tauri-driver starts
//   STORELINK_CLI        the headless `storelink` binary (simulators, CLI cross-checks)
//   STORELINK_DATA_DIR   the data folder shared by every spec of the run
//   E2E_SCREENSHOT_DIR   where screenshots go (tests/e2e/artifacts; not committed)
//   E2E_LOG_LEVEL        optional: webdriverio log level ("info" logs every command)
import { it } from "node:test";
import assert from "node:assert/strict";
import { remote } from "webdriverio";
import { clickWhenSteady, driver, saveScreenshot, sel, TIMEOUT } from "../driver.mjs";

export const APP = process.env.STORELINK_APP;
export const CLI = process.env.STORELINK_CLI;
export const DATA_DIR = process.env.STORELINK_DATA_DIR;

/** The administrator systems.test.mjs creates (or the first journey run alone creates). */
export const ADMIN = { username: "admin", password: "Adm1n-pass!" };

/** Long waits: a sync of thousands of records in a debug build on a busy machine. */
export const LONG = 120_000;

/** Checks the environment a journey needs before it opens the app. */
export function requireEnv() {
  assert.ok(APP, "STORELINK_APP must point at the desktop binary");
  assert.ok(CLI, "STORELINK_CLI must point at the storelink CLI");
  assert.ok(DATA_DIR, "STORELINK_DATA_DIR must be set");
}

/**
 * One journey: its browser session and its steps. `tag` prefixes failure screenshots.
 * Steps build on each other, so once one fails the rest are skipped.
 */
export function journey(tag) {
  /** @type {WebdriverIO.Browser | undefined} */
  let browser;
  let failed = false;
  const get = () => browser;
  const d = driver(get);

  async function open() {
    browser = await remote({
      hostname: "127.0.0.1",
      port: 4444,
      logLevel: process.env.E2E_LOG_LEVEL ?? "warn",
      connectionRetryCount: 0,
      capabilities: { "tauri:options": { application: APP } },
    });
    return browser;
  }

  async function close() {
    if (browser) await browser.deleteSession().catch(() => {});
    browser = undefined;
  }

  function screenshot(name) {
    return saveScreenshot(browser, name);
  }

  /**
   * A screenshot of a page at rest: waits (at most a few seconds, never failing) for open
   * dropdowns, modals and loading spinners to go, so the picture shows what a person sees.
   */
  async function pageShot(name) {
    if (!browser) return;
    await browser
      .waitUntil(
        () =>
          browser.execute(() => {
            const shown = (n) => n.getClientRects().length > 0 && getComputedStyle(n).visibility !== "hidden";
            const busy = [
              ".ant-select-dropdown:not(.ant-select-dropdown-hidden)",
              ".ant-modal-wrap",
              ".ant-spin-spinning",
              ".ant-popover:not(.ant-popover-hidden)",
            ];
            return busy.every((q) => !Array.from(document.querySelectorAll(q)).some(shown));
          }),
        { timeout: 5_000, interval: 100 },
      )
      .catch(() => {});
    // Bars and tags ease into place with CSS transitions.
    await browser.pause(600);
    await screenshot(name);
  }

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
        await screenshot(`failure-${tag}-${name.replace(/[^\w-]+/g, "_")}`).catch(() => {});
        throw e;
      }
    });
  }

  /** Whether an element with the testid is in the page (counted in the page itself). */
  async function exists(testid) {
    return browser.execute((s) => document.querySelector(s) !== null, sel(testid));
  }

  /** An attribute of the first element with the testid (null if none). */
  async function attrOf(testid, name) {
    return browser.execute(
      (s, n) => document.querySelector(s)?.getAttribute(n) ?? null,
      sel(testid),
      name,
    );
  }

  /**
   * Calls a core command from the page as the UI does. Resolves to `{ ok: true, value }` or
   * `{ ok: false, refusal }` with the typed AppError the core answered. (The key is not
   * `error`: WebDriver clients read a returned `{ error }` as a failed command.)
   */
  async function invoke(cmd, args = {}) {
    return browser.execute(
      async (c, a) => {
        try {
          return { ok: true, value: await window.__TAURI_INTERNALS__.invoke(c, a) };
        } catch (e) {
          // The core answers a typed AppError (plain JSON); anything else is described.
          if (e instanceof Error) return { ok: false, refusal: { kind: "js_error", message: String(e) } };
          return { ok: false, refusal: JSON.parse(JSON.stringify(e ?? null)) };
        }
      },
      cmd,
      args,
    );
  }

  /** Like `invoke`, but the command must succeed. */
  async function call(cmd, args = {}) {
    const r = await invoke(cmd, args);
    assert.ok(r.ok, `${cmd} failed: ${JSON.stringify(r.refusal)}`);
    return r.value;
  }

  /** Waits for `fn` to be truthy; `what` names it in the timeout message. */
  async function until(what, fn, timeout = TIMEOUT) {
    await browser.waitUntil(fn, { timeout, interval: 100, timeoutMsg: `timed out waiting for ${what}` });
  }

  /**
   * Picks the option shown as `label` in the antd Select carrying `testid`: opens it and
   * clicks the option in the open dropdown (options carry no testids of their own).
   */
  async function pickOption(testid, label) {
    await d.click(testid);
    const mark = `pick-${Date.now()}`;
    await until(`option ${label} of ${testid}`, () =>
      browser.execute(
        (text, m) => {
          const open = document.querySelectorAll(
            ".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option",
          );
          const hit = Array.from(open).find((n) => n.textContent.trim() === text);
          if (hit) hit.setAttribute("data-e2e-pick", m);
          return Boolean(hit);
        },
        label,
        mark,
      ),
    );
    // The dropdown opens with an animation: click once the option can take the click.
    const option = await browser.$(`[data-e2e-pick="${mark}"]`);
    await clickWhenSteady(option, `option ${label}`);
    await until(`${testid} showing ${label}`, () =>
      browser.execute(
        (s, text) =>
          Array.from(document.querySelectorAll(`${s} .ant-select-selection-item`)).some(
            (n) => n.textContent.trim() === text,
          ),
        sel(testid),
        label,
      ),
    );
  }

  /**
   * Checks the antd Radio carrying `testid`. The testid sits on its hidden <input>, so the
   * click goes to the label around it, where a person clicks.
   */
  async function checkRadio(testid) {
    const mark = `radio-${Date.now()}`;
    await until(`the radio ${testid}`, () =>
      browser.execute(
        (s, m) => {
          const label = document.querySelector(s)?.closest("label");
          if (label) label.setAttribute("data-e2e-pick", m);
          return Boolean(label);
        },
        sel(testid),
        mark,
      ),
    );
    const label = await browser.$(`[data-e2e-pick="${mark}"]`);
    await clickWhenSteady(label, `radio ${testid}`);
    await until(`${testid} checked`, () =>
      browser.execute((s) => document.querySelector(s)?.checked === true, sel(testid)),
    );
  }

  /** Whatever the app shows first (first run, login, or already signed in): end signed in. */
  async function signIn({ username, password }) {
    const candidates = ["admin-username", "login-username", "current-user"];
    let shown = null;
    await until("first run, login or the back office", async () => {
      shown = await browser.execute(
        (ids) => ids.find((id) => document.querySelector(`[data-testid="${id}"]`)) ?? null,
        candidates,
      );
      return shown !== null;
    });
    if (shown === "current-user" && (await d.textOf("current-user")) !== username) {
      await signOut();
      shown = "login-username";
    }
    if (shown === "admin-username") {
      await d.fill("admin-username", username);
      await d.fill("admin-password", password);
      await d.fill("admin-password-confirm", password);
      await d.click("admin-submit");
    } else if (shown === "login-username") {
      await d.fill("login-username", username);
      await d.fill("login-password", password);
      await d.click("login-submit");
    }
    await until(`the header showing ${username}`, async () => (await d.textOf("current-user")) === username);
  }

  async function signOut() {
    await d.click("logout");
    await d.find("login-username");
  }

  /** Opens a page from the side menu (`${key}-menu`) and waits for its frame. */
  async function openPage(key, pageTestid) {
    await d.click(`${key}-menu`);
    await d.find(pageTestid);
  }

  /** The first system with this name, as the core lists it to the signed-in person. */
  async function systemNamed(name) {
    const page = await call("list_systems", { filter: { limit: 200 } });
    return page.items.find((s) => s.name === name) ?? null;
  }

  /** Creates a system through the core (setup of a journey whose subject is elsewhere). */
  async function ensureSystem(input) {
    const existing = await systemNamed(input.name);
    if (existing) return existing;
    return call("create_system", { input });
  }

  /** Adds a staff account through the core unless one with the name exists. */
  async function ensureUser(username, password, role) {
    const users = await call("list_user_accounts");
    if (users.some((u) => u.username === username)) return;
    await call("add_user_account", { username, password, role });
  }

  /** Turns the embedded listener on at 127.0.0.1:`port` (through the core, as admin). */
  async function listenerOn(port) {
    const status = await call("save_listener_settings", {
      settings: { enabled: true, lan: false, port, tls: false },
    });
    assert.ok(status.running, `the listener did not start on ${port}: ${status.error}`);
    return status.url;
  }

  async function listenerOff(port) {
    await invoke("save_listener_settings", {
      settings: { enabled: false, lan: false, port, tls: false },
    });
  }

  return {
    get browser() {
      return browser;
    },
    ...d,
    open,
    close,
    screenshot,
    pageShot,
    step,
    exists,
    attrOf,
    invoke,
    call,
    until,
    pickOption,
    checkRadio,
    signIn,
    signOut,
    openPage,
    systemNamed,
    ensureSystem,
    ensureUser,
    listenerOn,
    listenerOff,
  };
}
