// Journey 2: a front-desk (floor_manager) user marks a reservation arrived, then seats it
// at a table, while the reservation platform changes another reservation through a signed
// webhook to the app's embedded listener; the board shows that change live, without a
// reload. Setup (as the admin, through the core): a Yiding reservation system with a
// `sha256=` webhook secret, the listener on 127.0.0.1:18766, the floor user.
//
// Needs 127.0.0.1:18766 free.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { ADMIN, journey, requireEnv } from "./support.mjs";
import { postSignedWebhook } from "./outside.mjs";

const PORT = 18766;
const SYSTEM = "易订预订J2";
const SECRET = "e2e-webhook-secret-j2";
const FLOOR = { username: "frontdesk_j2", password: "Fr0nt-desk!" };
/** Unique per run, so the journey also passes again on a kept data folder. */
const RUN = Date.now().toString(36).toUpperCase();
const A = `RES-${RUN}-A`;
const B = `RES-${RUN}-B`;
const TABLE = "A12";

const j = journey("j2");
let base = "";
let systemId = "";
let date = "";
let listenerOn = false;

function reservation(id, name, time, extra = {}) {
  return {
    reservation_id: id,
    customer_name: name,
    customer_phone: "13800138000",
    customer_count: 2,
    reservation_date: `${date}T${time}:00`,
    reservation_time: `${time}-20:00`,
    table_type: "大厅",
    status: "confirmed",
    ...extra,
  };
}

async function webhook(event, data) {
  const res = await postSignedWebhook(base, "reservation", systemId, SECRET, {
    id: `evt-${data.reservation_id}-${event}-${Date.now()}`,
    event,
    timestamp: new Date().toISOString(),
    source: "yiding",
    data,
  });
  assert.ok(res.status === 200 || res.status === 201, `${event}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

const statusOf = (id) => j.textOf(`status-${id}`);

describe("Journey 2: the front desk seats a guest while the platform changes a booking", () => {
  before(async () => {
    requireEnv();
    await j.open();
  });

  after(async () => {
    if (listenerOn) {
      // Only a manager may turn it off: whoever is signed in, try; then as the admin.
      await j.signIn(ADMIN).catch(() => {});
      await j.listenerOff(PORT).catch(() => {});
    }
    await j.close();
  });

  j.step("1. the admin sets up the reservation system, listener and floor user", async () => {
    await j.signIn(ADMIN);
    const system = await j.ensureSystem({
      name: SYSTEM,
      type: "reservation",
      provider: "yiding",
      store_id: "store-001",
      config: { webhook_signature: "sha256" },
      sync_enabled: false,
      secrets: { webhook_secret: SECRET },
    });
    systemId = system.id;
    base = await j.listenerOn(PORT);
    listenerOn = true;
    date = (await j.call("front_desk_board", { date: null })).date;
    await j.ensureUser(FLOOR.username, FLOOR.password, "floor_manager");
  });

  j.step("2. the platform books two tables for today through signed webhooks", async () => {
    const a = await webhook("reservation.created", reservation(A, "张伟", "18:00"));
    const b = await webhook("reservation.created", reservation(B, "李娜", "19:00"));
    assert.ok(a.created && b.created, `both are new: ${JSON.stringify([a, b])}`);
    // A forged signature is refused and changes nothing.
    const forged = await postSignedWebhook(base, "reservation", systemId, "not-the-secret", {
      id: `evt-${B}-forged`,
      event: "reservation.cancelled",
      timestamp: new Date().toISOString(),
      data: { reservation_id: B },
    });
    assert.equal(forged.status, 401, forged.body);
  });

  j.step("3. the floor manager lands on the board and sees both bookings", async () => {
    await j.signOut();
    await j.signIn(FLOOR);
    await j.find("front-desk-board");
    await j.find(`reservation-${A}`);
    await j.find(`reservation-${B}`);
    assert.equal(await statusOf(A), "已确认");
    assert.equal(await statusOf(B), "已确认");
    // Only the moves the status machine allows from confirmed are offered.
    assert.ok(await j.exists(`move-arrived-${A}`));
    assert.ok(!(await j.exists(`move-seated-${A}`)), "seating needs arrival first");
    assert.ok(!(await j.exists(`move-completed-${A}`)));
    // Marks this page load: a reload would lose it.
    await j.browser.execute(() => {
      window.__e2eSameLoad = true;
    });
  });

  j.step("4. marks the first guest arrived", async () => {
    await j.click(`move-arrived-${A}`);
    await j.until(`${A} arrived`, async () => (await statusOf(A)) === "已到店");
    await j.find(`move-seated-${A}`);
  });

  j.step("5. the platform changes the other booking and the board shows it live", async () => {
    const reply = await webhook(
      "reservation.updated",
      reservation(B, "李娜", "19:00", { customer_count: 6, notes: "加一位，靠窗" }),
    );
    assert.equal(reply.created, false, JSON.stringify(reply));
    await j.until(`${B} showing the platform's change`, async () => {
      const text = await j.textOf(`reservation-${B}`);
      return text.includes("加一位，靠窗") && text.includes("6 位");
    });
    assert.equal(await statusOf(B), "已确认", "the other booking keeps its status");
    assert.equal(await statusOf(A), "已到店", "the arrived guest is untouched");
    assert.equal(await j.browser.execute(() => window.__e2eSameLoad === true), true, "no reload happened");
  });

  j.step("6. seats the first guest at a table", async () => {
    await j.click(`move-seated-${A}`);
    await j.fill("seat-table", TABLE);
    await j.click("seat-ok");
    await j.until(`${A} seated`, async () => (await statusOf(A)) === "已入座");
    await j.until(`${A} showing its table`, async () =>
      (await j.textOf(`reservation-${A}`)).includes(`桌号 ${TABLE}`),
    );
    await j.pageShot("page-front-desk");
  });

  j.step("7. the core keeps the moves and the platform's change", async () => {
    const board = await j.call("front_desk_board", { date: null });
    const row = (id) => board.reservations.find((r) => r.reservation.reservation_id === id);
    assert.equal(row(A)?.reservation.status, "seated");
    assert.equal(row(A)?.reservation.table_number, TABLE);
    assert.ok(row(A)?.reservation.arrival_time, "the arrival time was recorded");
    assert.deepEqual(row(A)?.next_allowed, ["completed"]);
    assert.equal(row(B)?.reservation.status, "confirmed");
    assert.equal(row(B)?.reservation.customer_count, 6);
    // The floor manager cannot turn the listener off: that is a manager's.
    const refused = await j.invoke("save_listener_settings", {
      settings: { enabled: false, lan: false, port: PORT, tls: false },
    });
    assert.equal(refused.ok, false);
    assert.equal(refused.refusal?.kind, "forbidden", JSON.stringify(refused.refusal));
    assert.equal(refused.refusal?.operation, "listener_manage");
    const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(health.status, 200, "the listener still runs");
  });
});
