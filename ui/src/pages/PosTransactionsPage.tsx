import { Tag } from "antd";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { RecordListView } from "../components/records/RecordListView";
import type { RecordSpec } from "../components/records/spec";
import { useT } from "../i18n";
import { formatTime } from "../lib/labels";
import {
  formatMoney,
  paymentLabel,
  RECORD_SYNC_COLORS,
  recordSyncLabel,
  TXN_TYPE_COLORS,
  txnTypeLabel,
} from "../lib/recordLabels";
import { api } from "../api";
import type { PosQuery, PosTransaction } from "../types";

export const POS_SPEC: RecordSpec<PosTransaction, PosQuery> = {
  kind: "pos_transactions",
  testId: "pos-list",
  fileStem: "pos_transactions",
  noFilter: {
    system_id: null,
    store_id: null,
    sync_status: null,
    type: null,
    start_time: null,
    end_time: null,
  },
  fetch: api.listPosTransactions,
  filters: [
    { type: "system", key: "system_id", systemTypes: ["pos"] },
    { type: "text", key: "store_id", placeholder: "records.filter_store", width: 140 },
    {
      type: "choice",
      key: "type",
      placeholder: "records.filter_type",
      choices: "transaction_types",
      label: txnTypeLabel,
    },
    {
      type: "choice",
      key: "sync_status",
      placeholder: "records.filter_sync_status",
      choices: "sync_statuses",
      label: recordSyncLabel,
    },
    { type: "time_range", from: "start_time", to: "end_time" },
  ],
  columns: ({ t, lang, systemName }) => [
    {
      title: t("records.col_time"),
      key: "time",
      width: 170,
      render: (_, r) => formatTime(r.transaction_time, lang),
    },
    { title: t("pos.col_transaction_id"), dataIndex: "pos_transaction_id", key: "id", width: 170 },
    {
      title: t("records.col_type"),
      key: "type",
      width: 90,
      render: (_, r) => (
        <Tag color={TXN_TYPE_COLORS[r.transaction_type]}>{txnTypeLabel(t, r.transaction_type)}</Tag>
      ),
    },
    {
      title: t("records.col_total"),
      key: "total",
      width: 110,
      align: "right",
      render: (_, r) => formatMoney(r.total),
    },
    {
      title: t("records.col_payment"),
      key: "payment",
      width: 110,
      render: (_, r) => (r.payment_method ? paymentLabel(t, r.payment_method) : "—"),
    },
    {
      title: t("records.col_sync_status"),
      key: "sync",
      width: 110,
      render: (_, r) => (
        <Tag color={RECORD_SYNC_COLORS[r.sync_status]}>{recordSyncLabel(t, r.sync_status)}</Tag>
      ),
    },
    { title: t("pos.col_order_number"), key: "order", width: 160, render: (_, r) => r.pos_order_number ?? "—" },
    { title: t("records.col_store"), key: "store", width: 120, render: (_, r) => r.store_id ?? "—" },
    { title: t("ops.col_system"), key: "system", width: 160, render: (_, r) => systemName(r.system_id) },
  ],
  rowId: (r) => r.id,
  rowLabel: (r) => r.pos_transaction_id,
  detail: (r, { t, lang, systemName }) => ({
    title: t("pos.detail_title", { id: r.pos_transaction_id }),
    fields: [
      { label: t("records.col_time"), value: formatTime(r.transaction_time, lang) },
      { label: t("records.col_type"), value: txnTypeLabel(t, r.transaction_type) },
      { label: t("pos.col_order_number"), value: r.pos_order_number ?? "—" },
      { label: t("pos.col_original"), value: r.original_transaction_id ?? "—" },
      { label: t("records.col_subtotal"), value: formatMoney(r.subtotal) },
      { label: t("records.col_tax"), value: formatMoney(r.tax) },
      { label: t("records.col_discount"), value: formatMoney(r.discount) },
      { label: t("records.col_total"), value: formatMoney(r.total) },
      { label: t("records.col_payment"), value: r.payment_method ? paymentLabel(t, r.payment_method) : "—" },
      { label: t("records.col_sync_status"), value: recordSyncLabel(t, r.sync_status) },
      { label: t("records.col_store"), value: r.store_id ?? "—" },
      { label: t("ops.col_system"), value: systemName(r.system_id) },
    ],
    lines: r.items,
    raw: r,
  }),
};

/** POS交易: every sale, refund and void received, filtered in the core. */
export function PosTransactionsPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="pos-transactions-page"
      title={t("pos.title")}
      subtitle={t("pos.subtitle")}
      view="pos_transactions_view"
    >
      {(ops) => <RecordListView spec={POS_SPEC} canExport={ops.has("records_export")} />}
    </OpsPageFrame>
  );
}
