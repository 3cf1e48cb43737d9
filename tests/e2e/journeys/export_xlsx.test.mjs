// Journey 4: a manager exports the filtered rows of the POS transactions page to Excel and
// gets a valid .xlsx: a zip with the workbook parts whose first sheet holds a header and
// exactly the filtered transactions. The rows come from two POS systems' terminals pushing
// sales to the embedded listener (127.0.0.1:18767) with an API token; the filter keeps one
// system's. The file goes to a folder typed in the export form (no native dialog).
//
// Needs 127.0.0.1:18767 free.
import { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, journey, LONG, requireEnv } from "./support.mjs";
import { postSale, sheetRows, zipEntries } from "./outside.mjs";

const PORT = 18767;
const RUN = Date.now().toString(36).toUpperCase();
const KEPT = { name: "收银台A J4", sales: 7 };
const OTHER = { name: "收银台B J4", sales: 5 };
const FILE = `pos_j4_${RUN}`;
const XLSX_PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"];

const j = journey("j4");
let folder = "";
let listenerOn = false;
let keptIds = [];

describe("Journey 4: an export of filtered rows is a valid .xlsx", () => {
  before(async () => {
    requireEnv();
    folder = mkdtempSync(path.join(os.tmpdir(), "storelink-e2e-export-"));
    await j.open();
  });

  after(async () => {
    if (listenerOn) await j.listenerOff(PORT).catch(() => {});
    await j.close();
    rmSync(folder, { recursive: true, force: true });
  });

  j.step("1. two POS systems' terminals push their sales to the listener", async () => {
    await j.signIn(ADMIN);
    const base = await j.listenerOn(PORT);
    listenerOn = true;
    const { token } = await j.call("create_token", {
      input: { name: `pos-terminal-j4-${RUN}`, role: "staff", system_id: null, rate_limit: null },
    });
    for (const spec of [KEPT, OTHER]) {
      const system = await j.ensureSystem({ name: spec.name, type: "pos", provider: "meituan", store_id: "store-001" });
      const ids = [];
      for (let i = 1; i <= spec.sales; i += 1) {
        const id = `TXN-${RUN}-${spec === KEPT ? "A" : "B"}${i}`;
        const res = await postSale(base, token, system.id, { id, yuan: 10 + i });
        assert.equal(res.status, 201, `${id}: ${res.body}`);
        ids.push(id);
      }
      if (spec === KEPT) keptIds = ids;
    }
    await j.listenerOff(PORT);
    listenerOn = false;
  });

  j.step("2. filters the POS transactions page to one system", async () => {
    await j.openPage("pos_transactions", "pos-transactions-page");
    await j.find("pos-list");
    await j.pickOption("filter-system", KEPT.name);
    await j.until(`${KEPT.sales} rows listed`, async () => {
      const ids = await j.browser.execute(() =>
        Array.from(document.querySelectorAll('[data-testid^="record-row-"]')).map((r) =>
          r.getAttribute("data-testid").slice("record-row-".length),
        ),
      );
      return ids.length === KEPT.sales && keptIds.every((id) => ids.includes(id));
    });
    await j.pageShot("page-records");
  });

  j.step("3. exports them to Excel with the progress shown until done", async () => {
    await j.click("export-button");
    await j.find("export-form");
    await j.fill("export-folder", folder);
    await j.fill("export-file-name", FILE);
    await j.click("export-start");
    await j.until("the export to finish", () => j.exists("export-done"), LONG);
    const done = await j.textOf("export-done");
    assert.ok(done.includes(String(KEPT.sales)), `the outcome names ${KEPT.sales} rows: ${done}`);
    assert.ok(done.includes(`${FILE}.xlsx`), `the outcome names the file: ${done}`);
    await j.screenshot("export-done");
    await j.click("export-close");
  });

  j.step("4. the file is an .xlsx holding the header and exactly the filtered rows", async () => {
    assert.deepEqual(readdirSync(folder), [`${FILE}.xlsx`], "one file, no temporary left behind");
    const file = path.join(folder, `${FILE}.xlsx`);
    assert.ok(statSync(file).size > 0);
    const entries = zipEntries(file);
    for (const part of XLSX_PARTS) assert.ok(entries.includes(part), `${part} in ${entries.join(", ")}`);
    const rows = sheetRows(file);
    assert.equal(rows.length, 1 + KEPT.sales, `header + ${KEPT.sales} rows: ${JSON.stringify(rows)}`);
    const body = rows.slice(1).map((cells) => cells.join("|"));
    for (const id of keptIds) {
      assert.equal(body.filter((line) => line.includes(id)).length, 1, `${id} exported once`);
    }
    assert.ok(!body.some((line) => line.includes(`TXN-${RUN}-B`)), "no row of the other system");
    assert.ok(body.every((line) => line.includes(KEPT.name)), "every row names the kept system");
  });
});
