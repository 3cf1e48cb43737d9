// The operations pages of the side menu and the permission each needs to be listed. The
// core checks the role again on every call; hiding only spares people a refusal.
import type { TKey } from "../i18n";
import type { Operation } from "../types";

export type OpsPageKey = "sync_tasks" | "sync_logs" | "conflicts" | "outbox" | "inbox";

export const OPS_PAGES: readonly { key: OpsPageKey; label: TKey; requires: Operation }[] = [
  { key: "sync_tasks", label: "menu.sync_tasks", requires: "sync_logs_view" },
  { key: "sync_logs", label: "menu.sync_logs", requires: "sync_logs_view" },
  { key: "conflicts", label: "menu.conflicts", requires: "sync_logs_view" },
  { key: "outbox", label: "menu.outbox", requires: "sync_logs_view" },
  // The inbox holds vendors' raw bodies: managers only (as list_inbox checks).
  { key: "inbox", label: "menu.inbox", requires: "sync_run" },
];

export function isOpsPage(key: string): key is OpsPageKey {
  return OPS_PAGES.some((p) => p.key === key);
}

/** The operations pages a person with these permissions may open, in menu order. */
export function visibleOpsPages(ops: ReadonlySet<Operation> | undefined): OpsPageKey[] {
  return OPS_PAGES.filter((p) => ops?.has(p.requires)).map((p) => p.key);
}
