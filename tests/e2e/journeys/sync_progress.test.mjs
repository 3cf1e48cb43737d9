// Journey 1: a manager adds a system through the form and runs a sync from the Sync tasks
// page, watching the progress bar move until the task ends completed with every record.
// The vendor is the seed 000 simulator (`storelink simulate generic`) with 5,000 WeChat
// members, each page answered a little slowly so the bar has time to move.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { ADMIN, journey, LONG, requireEnv } from "./support.mjs";
import { startSimulator } from "./outside.mjs";

const MEMBERS = 5000;
const SYSTEM = "微信会员J1";
const MEMBER_KEY = "wechat-member-key"; // the simulator's default key for /member
const DONE = "已完成";

const j = journey("j1");
let sim;
let taskId = "";

/**
 * Records, in the page, every text the progress bars show as they change, so that a bar
 * that moves (and not only its final 100 %) is seen whatever the polling rhythm.
 */
function watchProgress() {
  return j.browser.execute(() => {
    const seen = (window.__e2eProgress = {});
    const read = () => {
      for (const bar of document.querySelectorAll('[data-testid^="progress-"]')) {
        const text = bar.querySelector(".ant-progress-text")?.textContent?.trim();
        if (!text) continue;
        const id = bar.getAttribute("data-testid");
        (seen[id] ??= []).includes(text) || seen[id].push(text);
      }
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    read();
  });
}

describe("Journey 1: add a system and watch its sync run", () => {
  before(async () => {
    requireEnv();
    sim = await startSimulator("generic", ["--records", String(MEMBERS), "--faults", "slow:80ms:1"]);
    await j.open();
  });

  after(async () => {
    await j.close();
    await sim?.stop();
  });

  j.step("1. the manager signs in and lands on the dashboard", async () => {
    await j.signIn(ADMIN);
    await j.find("dashboard-page");
  });

  j.step("2. adds the member system through the form", async () => {
    await j.openPage("systems", "systems-page");
    await j.click("add-system");
    await j.find("system-form");
    await j.fill("field-name", SYSTEM);
    await j.click("field-type");
    await j.click("type-option-member");
    await j.fill("field-provider", "wechat");
    await j.fill("field-store-id", "store-001");
    await j.fill("field-api-endpoint", `${sim.url}/member`);
    await j.fill("field-api-key", MEMBER_KEY);
    await j.click("system-form-submit");
    await j.waitGone("system-form");
    const row = await j.textOf(`system-row-${SYSTEM}`);
    assert.ok(!row.includes(MEMBER_KEY), "the key is never shown");
    await j.pageShot("page-systems");
  });

  j.step("3. runs a full sync from the Sync tasks page and sees the bar move", async () => {
    await j.openPage("sync_tasks", "sync-tasks-page");
    await watchProgress();
    await j.click("run-now");
    await j.find("run-form");
    await j.pickOption("run-system", SYSTEM);
    await j.pickOption("run-stream", "members");
    await j.checkRadio("run-mode-full");
    await j.click("run-submit");
    await j.waitGone("run-form");

    // The new task is the row naming the system.
    await j.until("a task row for the system", async () => {
      taskId = await j.browser.execute((name) => {
        const row = Array.from(document.querySelectorAll('[data-testid^="task-row-"]')).find((r) =>
          r.textContent.includes(name),
        );
        return row ? row.getAttribute("data-testid").slice("task-row-".length) : "";
      }, SYSTEM);
      return taskId !== "";
    });
    await j.until(
      "the task to complete",
      async () => (await j.textOf(`task-status-${taskId}`)) === DONE,
      LONG,
    );
    await j.pageShot("page-sync-tasks");

    const progress = await j.textOf(`progress-${taskId}`);
    assert.match(progress, /100(\.0)?%/, progress);
    assert.ok(progress.includes(`成功 ${MEMBERS}`) && progress.includes(`共 ${MEMBERS}`), progress);
    const seen = await j.browser.execute((id) => window.__e2eProgress?.[id] ?? [], `progress-${taskId}`);
    const between = seen.map((s) => parseFloat(s)).filter((p) => p > 0 && p < 100);
    assert.ok(between.length >= 1, `the bar never showed a value between 0 and 100: ${seen.join(", ")}`);
  });

  j.step("4. the core and the simulator agree on what was synced", async () => {
    const system = await j.systemNamed(SYSTEM);
    const page = await j.call("list_sync_tasks", { query: { system_id: system.id, limit: 10 } });
    const row = page.items.find((r) => r.task.id === taskId);
    assert.ok(row, `task ${taskId} is listed`);
    assert.equal(row.task.status, "completed");
    assert.equal(row.task.total_items, MEMBERS);
    assert.equal(row.task.success_items, MEMBERS);
    assert.equal(row.task.failed_items, 0);
    assert.equal(row.progress_permille, 1000);
    const members = await j.call("list_members", { query: { system_id: system.id, phone: null, limit: 1 } });
    assert.equal(members.items.length, 1, "members were stored");
    const stats = await sim.stats();
    const pages = stats.requests["GET /member/members"] ?? 0;
    assert.ok(pages >= MEMBERS / 100, `the simulator served ${pages} pages: ${JSON.stringify(stats.requests)}`);
  });

  j.step("5. the dashboard card shows the successful sync", async () => {
    await j.openPage("dashboard", "dashboard-page");
    // No refresh click: the sync's end marked the dashboard stale while it was not shown.
    await j.find(`system-card-${SYSTEM}`);
    assert.equal(await j.attrOf(`system-card-${SYSTEM}`, "data-state"), "ok");
    await j.pageShot("page-dashboard");
  });
});
