// Journey 3: a sync fails while the manager watches the dashboard: the task ends failed, a
// notification record of kind sync_failed names the system (in the header's bell list and
// in the core's list), and the system's dashboard card turns red, live. The vendor is a
// member system whose endpoint is a loopback port nothing listens on, with one quick retry
// so the failure comes fast.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { ADMIN, journey, LONG, requireEnv } from "./support.mjs";
import { closedPort } from "./outside.mjs";
import { clickWhenSteady } from "../driver.mjs";

const SYSTEM = "失联会员J3";
/** antd's error red (#ff4d4f), the card's top border when it is in danger. */
const RED = "rgb(255, 77, 79)";

const j = journey("j3");
let system;
let failedTask;

describe("Journey 3: a failed sync raises a notification and a red card", () => {
  before(async () => {
    requireEnv();
    await j.open();
  });

  after(async () => {
    await j.close();
  });

  j.step("1. the manager signs in; a member system points at a closed port", async () => {
    await j.signIn(ADMIN);
    const port = await closedPort();
    system = await j.ensureSystem({
      name: SYSTEM,
      type: "member",
      provider: "wechat",
      store_id: "store-001",
      api_endpoint: `http://127.0.0.1:${port}/member`,
      sync_enabled: true,
      config: { retryPolicy: { maxRetries: 1, initialDelay: 100, maxDelay: 200 } },
      secrets: { api_key: "j3-member-key" },
    });
    await j.openPage("dashboard", "dashboard-page");
    // The system was made through the core behind the UI's back (no live event for that).
    await j.click("dashboard-refresh");
    await j.find(`system-card-${SYSTEM}`);
    assert.notEqual(await j.attrOf(`system-card-${SYSTEM}`, "data-state"), "danger", "not red before the sync");
    const before = await j.call("list_notifications");
    assert.ok(!before.some((n) => n.system_id === system.id), "no notification about it yet");
  });

  j.step("2. its sync fails (run in the background while the dashboard is shown)", async () => {
    // As a scheduled or tray-started sync would: the dashboard stays on screen.
    const r = await j.invoke("run_sync", { systemId: system.id, stream: "members", mode: "full" });
    if (r.ok) {
      failedTask = r.value.task;
    } else {
      const page = await j.call("list_sync_tasks", { query: { system_id: system.id, limit: 5 } });
      failedTask = page.items[0]?.task;
      assert.ok(failedTask, `no task was recorded: ${JSON.stringify(r.refusal)}`);
    }
    assert.equal(failedTask.status, "failed", JSON.stringify(failedTask));
    assert.ok(failedTask.error_message, "the task says why it failed");
  });

  j.step("3. the card turns red without leaving the dashboard", async () => {
    await j.until(
      "the card in danger",
      async () => (await j.attrOf(`system-card-${SYSTEM}`, "data-state")) === "danger",
      LONG,
    );
    const border = await j.browser.execute(
      (s) => getComputedStyle(document.querySelector(s)).borderTopColor,
      `[data-testid="system-card-${SYSTEM}"]`,
    );
    assert.equal(border, RED, `the card's border is red: ${border}`);
    await j.pageShot("dashboard-red-card");
  });

  j.step("4. a sync_failed notification record names the system", async () => {
    const records = await j.call("list_notifications");
    const mine = records.filter((n) => n.system_id === system.id && n.kind === "sync_failed");
    assert.equal(mine.length, 1, `one sync_failed notification for the system: ${JSON.stringify(records)}`);
    assert.equal(mine[0].target, "sync_tasks");
    assert.ok(mine[0].body.includes(SYSTEM), mine[0].body);

    // The header's bell lists it.
    await j.until("the bell's badge", async () => {
      const text = await j.browser.execute(
        () => document.querySelector('[data-testid="notification-count"] .ant-badge-count')?.textContent ?? "",
      );
      return Number(text) >= 1;
    });
    await j.click("notification-bell");
    await j.find("notification-list");
    const items = await j.browser.execute(() =>
      Array.from(document.querySelectorAll('[data-testid="notification-item"]')).map((n) => ({
        kind: n.getAttribute("data-kind"),
        text: n.textContent,
      })),
    );
    assert.ok(
      items.some((i) => i.kind === "sync_failed" && i.text.includes(SYSTEM) && i.text.includes("同步失败")),
      JSON.stringify(items),
    );
    await j.screenshot("notification-list");
  });

  j.step("5. the notification opens the Sync tasks page showing the failed task", async () => {
    await j.browser.execute(() => {
      const item = Array.from(document.querySelectorAll('[data-testid="notification-item"]')).find(
        (n) => n.getAttribute("data-kind") === "sync_failed",
      );
      item.setAttribute("data-e2e-pick", "failed-notice");
    });
    await clickWhenSteady(await j.browser.$('[data-e2e-pick="failed-notice"]'), "the failed-sync notice");
    await j.find("sync-tasks-page");
    await j.until(
      "the failed task's status",
      async () => (await j.textOf(`task-status-${failedTask.id}`)) === "失败",
    );
  });
});
