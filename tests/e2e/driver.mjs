// WebDriver helpers shared by the e2e specs: elements are found by data-testid, inputs are
// filled the way typing reaches React, and disappearance is counted in the page.

import { mkdirSync } from "node:fs";
import path from "node:path";

export const TIMEOUT = 15_000;

/** Where screenshots go (tests/e2e/artifacts from scripts/e2e.sh; not committed). */
export const SHOT_DIR = process.env.E2E_SCREENSHOT_DIR;

export const sel = (testid) => `[data-testid="${testid}"]`;

/**
 * Clicks an element once it has stopped moving. WebDriver clicks the centre it measured; a
 * button still sliding (a form's error line collapsing above it) takes the click elsewhere.
 */
export async function clickWhenSteady(el, what) {
  await el.waitForClickable({ timeout: TIMEOUT, timeoutMsg: `${what} not clickable` });
  await el.waitForStable({ timeout: TIMEOUT, timeoutMsg: `${what} still moving` });
  await el.click();
}

/**
 * Saves a screenshot of the window as `name`.png in SHOT_DIR (nothing without it).
 * WebKitWebDriver takes it after the page's next paint; a page at rest without compositing
 * (WebKit's mode when there is no GPU) paints nothing more, so the screenshot would wait for
 * ever. The page therefore repaints one 1-pixel, 1–2 %-grey square for ~60 frames meanwhile.
 */
export async function saveScreenshot(browser, name) {
  if (!SHOT_DIR || !browser) return;
  mkdirSync(SHOT_DIR, { recursive: true });
  await browser.execute(() => {
    const dot = document.body.appendChild(document.createElement("div"));
    dot.style.cssText =
      "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    let frame = 0;
    const repaint = () => {
      dot.style.background = frame % 2 ? "rgba(0,0,0,0.01)" : "rgba(0,0,0,0.02)";
      if (++frame < 60) requestAnimationFrame(repaint);
      else dot.remove();
    };
    requestAnimationFrame(repaint);
  });
  await browser.saveScreenshot(path.join(SHOT_DIR, `${name}.png`));
}

/** Stale-element errors: React replaced the node between finding it and using it. */
const isStale = (err) => /stale element/i.test(String(err?.message ?? err));

/** The helpers, bound to the spec's browser session (read when each helper runs). */
export function driver(getBrowser) {
  // A live update may re-render the page while a step looks something up; the step is
  // repeated on the new node a few times rather than failing on the old one.
  async function retryStale(action) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (err) {
        if (attempt >= 5 || !isStale(err)) throw err;
        await getBrowser().pause(100);
      }
    }
  }

  function find(testid) {
    return retryStale(async () => {
      const el = await getBrowser().$(sel(testid));
      await el.waitForDisplayed({ timeout: TIMEOUT, timeoutMsg: `${testid} not displayed` });
      return el;
    });
  }

  function click(testid) {
    return retryStale(async () => {
      await clickWhenSteady(await find(testid), testid);
    });
  }

  /**
   * Sets an input's value the way a user's typing would reach React: through the native
   * value setter plus an `input` event. (WebKitWebDriver cannot type CJK text via key events.)
   */
  function fill(testid, text) {
    return retryStale(() => fillOnce(testid, text));
  }

  async function fillOnce(testid, text) {
    const browser = getBrowser();
    const el = await find(testid);
    await browser.execute(
      (node, value) => {
        const proto =
          node instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, "value").set.call(node, value);
        node.dispatchEvent(new Event("input", { bubbles: true }));
        node.dispatchEvent(new Event("change", { bubbles: true }));
      },
      el,
      text,
    );
    await browser.waitUntil(async () => (await el.getValue()) === text, {
      timeout: TIMEOUT,
      timeoutMsg: `${testid} did not take the value ${text}`,
    });
  }

  /**
   * Waits until no element carries the testid. Counted in the page itself, so a node that
   * React or antd removes during the check cannot turn into a stale-element error.
   */
  async function waitGone(testid) {
    const browser = getBrowser();
    await browser.waitUntil(
      async () => (await browser.execute((s) => document.querySelectorAll(s).length, sel(testid))) === 0,
      { timeout: TIMEOUT, timeoutMsg: `${testid} still present` },
    );
  }

  async function textOf(testid) {
    return (await find(testid)).getText();
  }

  return { find, click, fill, waitGone, textOf };
}
