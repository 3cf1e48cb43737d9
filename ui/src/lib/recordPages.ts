// The records pages of the side menu and the permission each needs to be listed. The core
// checks the role again on every call; hiding only spares people a refusal.
import type { TKey } from "../i18n";
import type { Operation } from "../types";

export type RecordPageKey =
  | "pos_transactions"
  | "supplier_orders"
  | "members"
  | "erp_records"
  | "marketplace_orders";

export const RECORD_PAGES: readonly { key: RecordPageKey; label: TKey; requires: Operation }[] = [
  { key: "pos_transactions", label: "menu.pos_transactions", requires: "pos_transactions_view" },
  { key: "supplier_orders", label: "menu.supplier_orders", requires: "supplier_orders_view" },
  { key: "members", label: "menu.members", requires: "members_view" },
  { key: "erp_records", label: "menu.erp_records", requires: "erp_records_view" },
  { key: "marketplace_orders", label: "menu.marketplace_orders", requires: "erp_records_view" },
];

export function isRecordPage(key: string): key is RecordPageKey {
  return RECORD_PAGES.some((p) => p.key === key);
}

/** The records pages a person with these permissions may open, in menu order. */
export function visibleRecordPages(ops: ReadonlySet<Operation> | undefined): RecordPageKey[] {
  return RECORD_PAGES.filter((p) => ops?.has(p.requires)).map((p) => p.key);
}
