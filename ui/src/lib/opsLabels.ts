// Labels and tag colours of the operations pages' enums (the core's names, translated).
import { translateDynamic, type TFunc } from "../i18n";

const label = (prefix: string) => (t: TFunc, value: string) =>
  translateDynamic(t, `${prefix}.${value}`, value);

export const taskStatusLabel = label("task_status");
export const syncModeLabel = label("sync_mode");
export const syncTriggerLabel = label("sync_trigger");
export const itemStatusLabel = label("item_status");
export const syncActionLabel = label("sync_action");
export const itemTypeLabel = label("item_type");
export const outboxStatusLabel = label("outbox_status");
export const inboxStatusLabel = label("inbox_status");
export const conflictStatusLabel = label("conflict_status");
export const inboxKindLabel = label("inbox_kind");

/**
 * The item types sync logs are written with (the connectors' entities and the pushes'
 * records). The core has no list of them, so this one is kept by hand; an unknown type
 * still shows, untranslated.
 */
export const ITEM_TYPES = [
  "customer",
  "product",
  "order",
  "marketplace_order",
  "logistics",
  "reservation",
  "supplier_order",
  "member",
  "pos_transaction",
] as const;

export const TASK_STATUS_COLORS: Record<string, string> = {
  pending: "default",
  running: "processing",
  completed: "success",
  failed: "error",
  cancelled: "warning",
};

export const ITEM_STATUS_COLORS: Record<string, string> = { success: "success", failed: "error" };

export const OUTBOX_STATUS_COLORS: Record<string, string> = {
  pending: "default",
  in_flight: "processing",
  done: "success",
  dead: "error",
  cancelled: "warning",
};

export const INBOX_STATUS_COLORS: Record<string, string> = {
  received: "processing",
  processed: "success",
  failed: "error",
};

export const CONFLICT_STATUS_COLORS: Record<string, string> = { open: "warning", resolved: "success" };

/** A JSON value for display: text as is, anything else as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
