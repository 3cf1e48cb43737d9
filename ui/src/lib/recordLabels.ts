// Labels and tag colours of the records pages' enums (the core's names, translated), and
// how money and times are shown in them.
import { translateDynamic, type TFunc } from "../i18n";
import { formatTime } from "./labels";

const label = (prefix: string) => (t: TFunc, value: string) =>
  translateDynamic(t, `${prefix}.${value}`, value);

export const txnTypeLabel = label("txn_type");
export const recordSyncLabel = label("record_sync");
export const paymentLabel = label("payment");
export const supplierStatusLabel = label("supplier_status");
export const supplierTypeLabel = label("supplier_type");
export const erpOrderTypeLabel = label("erp_order_type");

export const TXN_TYPE_COLORS: Record<string, string> = {
  sale: "green",
  refund: "orange",
  void: "default",
};

export const RECORD_SYNC_COLORS: Record<string, string> = {
  pending: "processing",
  success: "success",
  failed: "error",
};

export const SUPPLIER_STATUS_COLORS: Record<string, string> = {
  pending: "default",
  confirmed: "blue",
  shipped: "processing",
  delivered: "success",
  cancelled: "warning",
};

/** Money arrives as yuan with at most two decimals; shown with exactly two. */
export function formatMoney(amount: number | null | undefined, currency = "¥"): string {
  if (amount === null || amount === undefined) return "—";
  return `${currency}${amount.toFixed(2)}`;
}

export function formatOptTime(iso: string | null | undefined, lang: string): string {
  return iso ? formatTime(iso, lang) : "—";
}
