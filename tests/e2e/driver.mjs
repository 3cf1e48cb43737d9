// WebDriver helpers shared by the e2e specs: elements are found by data-testid, inputs are
// filled the way typing reaches React, and disappearance is counted in the page.

export const TIMEOUT = 15_000;

export const sel = (testid) => `[data-testid="${testid}"]`;

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
      const el = await find(testid);
      await el.waitForClickable({ timeout: TIMEOUT, timeoutMsg: `${testid} not clickable` });
      await el.click();
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
