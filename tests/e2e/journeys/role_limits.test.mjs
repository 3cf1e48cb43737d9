// Journey 5: a role without rights sees no button, and the core refuses the call anyway.
// The admin adds a warehouse manager in Settings → users; signed in as them, the manager
// actions (add system, run sync, export, settings) are absent, and the commands called
// straight from the page come back as the typed `forbidden` error, changing nothing.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { ADMIN, journey, requireEnv } from "./support.mjs";

const RUN = Date.now().toString(36);
const LIMITED = { username: `warehouse_${RUN}`, password: "Wareh0use-pass!", role: "warehouse_manager" };

const j = journey("j5");

/** Asserts a refused call carries the typed forbidden error for this operation and role. */
function assertForbidden(result, operation) {
  assert.equal(result.ok, false, `the core allowed ${operation}: ${JSON.stringify(result.value)}`);
  assert.deepEqual(result.refusal, { kind: "forbidden", operation, role: LIMITED.role });
}

describe("Journey 5: a limited role sees no button and the core refuses the call", () => {
  before(async () => {
    requireEnv();
    await j.open();
  });

  after(async () => {
    await j.close();
  });

  j.step("1. the admin adds a warehouse manager in Settings → users", async () => {
    await j.signIn(ADMIN);
    await j.openPage("settings", "settings-page");
    await j.click("settings-tab-users");
    await j.find("users-card");
    await j.click("user-new");
    await j.find("user-form");
    await j.fill("user-username", LIMITED.username);
    await j.fill("user-password", LIMITED.password);
    await j.fill("user-password-confirm", LIMITED.password);
    await j.click("user-role");
    await j.click(`user-role-option-${LIMITED.role}`);
    await j.click("user-submit");
    await j.waitGone("user-form");
    const row = await j.textOf(`user-row-${LIMITED.username}`);
    assert.ok(row.includes("仓库"), `the row shows the role: ${row}`);
    await j.pageShot("page-settings");
  });

  j.step("2. signed in as them, the manager actions are not offered", async () => {
    await j.signOut();
    await j.signIn(LIMITED);
    assert.equal(await j.exists("settings-menu"), false, "no settings entry");

    await j.openPage("systems", "systems-page");
    await j.find("systems-table");
    assert.equal(await j.exists("add-system"), false, "no add-system button");
    const manage = await j.browser.execute(
      () =>
        document.querySelectorAll('[data-testid^="edit-"], [data-testid^="test-"], [data-testid^="delete-"]')
          .length,
    );
    const rows = await j.browser.execute(() => document.querySelectorAll('[data-testid^="system-row-"]').length);
    assert.ok(rows >= 1, "the systems are listed to them");
    assert.equal(manage, 0, "no edit, test or delete buttons");

    await j.openPage("sync_tasks", "sync-tasks-page");
    await j.find("sync-tasks-table");
    assert.equal(await j.exists("run-now"), false, "no run-now button");
    assert.equal(await j.exists("inbox-menu"), false, "no inbox entry (managers only)");

    await j.openPage("pos_transactions", "pos-transactions-page");
    await j.find("pos-list");
    assert.equal(await j.exists("export-button"), false, "no export button");
  });

  j.step("3. the core refuses the commands called from the page", async () => {
    const systems = await j.call("list_systems", { filter: { limit: 200 } });
    const target = systems.items[0]?.id ?? randomUUID();
    const tasksBefore = await j.call("list_sync_tasks", { query: { limit: 200 } });

    assertForbidden(await j.invoke("run_sync", { systemId: target, stream: "members", mode: "full" }), "sync_run");
    assertForbidden(
      await j.invoke("create_system", {
        input: { name: `越权系统${RUN}`, type: "pos", provider: "meituan", secrets: {} },
      }),
      "systems_create",
    );
    assertForbidden(
      await j.invoke("add_user_account", { username: `intruder_${RUN}`, password: "Intrud3r-pass!", role: "admin" }),
      "users_manage",
    );

    // Nothing happened: no new task, no new system.
    const tasksAfter = await j.call("list_sync_tasks", { query: { limit: 200 } });
    assert.equal(tasksAfter.items.length, tasksBefore.items.length, "no sync task was started");
    const after = await j.call("list_systems", { filter: { limit: 200 } });
    assert.ok(!after.items.some((s) => s.name === `越权系统${RUN}`), "the refused system does not exist");
  });

  j.step("4. the admin sees no account created by the refused call", async () => {
    await j.signOut();
    await j.signIn(ADMIN);
    const users = await j.call("list_user_accounts");
    assert.ok(users.some((u) => u.username === LIMITED.username));
    assert.ok(!users.some((u) => u.username === `intruder_${RUN}`), "the refused account does not exist");
  });
});
