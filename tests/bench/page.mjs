// Scripts run inside the app's webview (sent through WebDriver `execute`, so each is
// self-contained). Times are taken in the page, so WebDriver's round trips do not count:
// Date.now() where node compares with its own clock (same machine), performance.now()
// for intervals.

/**
 * Waits until `selector` matches an element that is not disabled, then for two animation
 * frames (the frame showing it was painted). Answers when it matched (Date.now()) and
 * whether it already did when this script started (then the real moment was earlier).
 */
export function waitForReady(selector, timeoutMs) {
  const ready = () => {
    const el = document.querySelector(selector);
    return el !== null && !el.disabled;
  };
  const painted = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return new Promise((resolve, reject) => {
    if (ready()) {
      const at = Date.now();
      painted().then(() => resolve({ at, paintedAt: Date.now(), already: true }));
      return;
    }
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${selector} not ready in ${timeoutMs} ms`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (!ready()) return;
      const at = Date.now();
      observer.disconnect();
      clearTimeout(timer);
      painted().then(() => resolve({ at, paintedAt: Date.now(), already: false }));
    });
    observer.observe(document, { childList: true, subtree: true, attributes: true });
  });
}

/**
 * Fills the sign-in form the way typing reaches React, clicks 登录, and times until the
 * dashboard shows its system cards and both charts (drawn on their canvases), then until
 * that frame was painted. Milliseconds from the click.
 */
export function signInToDashboard(username, password, timeoutMs) {
  const set = (testid, value) => {
    const input = document.querySelector(`[data-testid="${testid}"]`);
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const shown = () =>
    document.querySelector('[data-testid="dashboard-content"]') !== null &&
    document.querySelector('[data-testid^="system-card-"]') !== null &&
    document.querySelector('[data-testid="sync-chart"] canvas') !== null &&
    document.querySelector('[data-testid="pos-chart"] canvas') !== null;
  return new Promise((resolve, reject) => {
    set("login-username", username);
    set("login-password", password);
    // React applies the values on its next render; click once they are in.
    requestAnimationFrame(() => {
      const start = performance.now();
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error(`dashboard not shown in ${timeoutMs} ms`));
      }, timeoutMs);
      const observer = new MutationObserver(() => {
        if (!shown()) return;
        const dom = performance.now() - start;
        observer.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() =>
          requestAnimationFrame(() => resolve({ dom, painted: performance.now() - start })),
        );
      });
      observer.observe(document, { childList: true, subtree: true });
      document.querySelector('[data-testid="login-submit"]').click();
    });
  });
}

/**
 * Clicks a side-menu entry and times until the first row of the records table is in the
 * page, and until that frame was painted (ms from the click).
 */
export function openPageToFirstRow(menuTestId, rowPrefix, timeoutMs) {
  const row = () => document.querySelector(`[data-testid^="${rowPrefix}"]`);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`no ${rowPrefix} row in ${timeoutMs} ms`));
    }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (!row()) return;
      const dom = performance.now() - start;
      observer.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() =>
        requestAnimationFrame(() => resolve({ dom, painted: performance.now() - start })),
      );
    });
    observer.observe(document, { childList: true, subtree: true });
    document.querySelector(`[data-testid="${menuTestId}"]`).click();
  });
}

/**
 * Calls a command through the app's IPC `rounds` times with each query, timing each call
 * from the call to the parsed reply (performance.now(), which WebKit rounds to 1 ms).
 * Queries run one after another.
 */
export async function timeInvoke(command, queries, rounds) {
  const invoke = window.__TAURI_INTERNALS__.invoke;
  const results = [];
  for (const { name, query } of queries) {
    const times = [];
    let rows = 0;
    let more = false;
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      const page = await invoke(command, { query });
      times.push(performance.now() - start);
      rows = page.items.length;
      more = page.next_cursor !== null;
    }
    results.push({ name, times, rows, more });
  }
  return results;
}

/** The page's navigation start (epoch ms) and its loading milestones relative to it. */
export function loadTimeline() {
  const nav = performance.getEntriesByType("navigation")[0];
  const milestones = {};
  if (nav) {
    for (const k of ["responseEnd", "domInteractive", "domContentLoadedEventEnd", "loadEventEnd"]) {
      milestones[k] = Math.round(nav[k]);
    }
  }
  for (const r of performance.getEntriesByType("resource")) {
    milestones[`${r.name.split("/").pop()} loaded`] = Math.round(r.responseEnd);
  }
  for (const p of performance.getEntriesByType("paint")) milestones[p.name] = Math.round(p.startTime);
  return { timeOrigin: performance.timeOrigin, milestones };
}
