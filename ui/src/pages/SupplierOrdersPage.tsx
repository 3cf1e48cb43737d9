import { Tag } from "antd";
import { api } from "../api";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { RecordListView } from "../components/records/RecordListView";
import type { RecordSpec } from "../components/records/spec";
import { useT } from "../i18n";
import { formatTime } from "../lib/labels";
import {
  formatMoney,
  formatOptTime,
  SUPPLIER_STATUS_COLORS,
  supplierStatusLabel,
  supplierTypeLabel,
} from "../lib/recordLabels";
import type { SupplierOrder, SupplierOrderQuery } from "../types";

const SUPPLIER_SPEC: RecordSpec<SupplierOrder, SupplierOrderQuery> = {
  kind: "supplier_orders",
  testId: "supplier-orders-list",
  fileStem: "supplier_orders",
  noFilter: { system_id: null, store_id: null, status: null },
  fetch: api.listSupplierOrders,
  filters: [
    { type: "system", key: "system_id", systemTypes: ["supplier"] },
    { type: "text", key: "store_id", placeholder: "records.filter_store", width: 140 },
    {
      type: "choice",
      key: "status",
      placeholder: "ops.filter_status",
      choices: "supplier_order_statuses",
      label: supplierStatusLabel,
    },
  ],
  columns: ({ t, lang, systemName }) => [
    { title: t("supplier.col_order_number"), dataIndex: "order_number", key: "number", width: 170 },
    {
      title: t("supplier.col_supplier"),
      key: "supplier",
      width: 180,
      render: (_, o) => o.supplier_name ?? o.supplier_id,
    },
    { title: t("records.col_type"), key: "type", width: 90, render: (_, o) => supplierTypeLabel(t, o.order_type) },
    {
      title: t("records.col_status"),
      key: "status",
      width: 100,
      render: (_, o) => <Tag color={SUPPLIER_STATUS_COLORS[o.status]}>{supplierStatusLabel(t, o.status)}</Tag>,
    },
    { title: t("records.col_total"), key: "total", width: 120, align: "right", render: (_, o) => formatMoney(o.total) },
    {
      title: t("supplier.col_order_date"),
      key: "ordered",
      width: 170,
      render: (_, o) => formatOptTime(o.order_date, lang),
    },
    {
      title: t("supplier.col_expected"),
      key: "expected",
      width: 170,
      render: (_, o) => formatOptTime(o.expected_delivery, lang),
    },
    { title: t("records.col_store"), key: "store", width: 120, render: (_, o) => o.store_id ?? "—" },
    { title: t("ops.col_system"), key: "system", width: 160, render: (_, o) => systemName(o.system_id) },
  ],
  rowId: (o) => o.id,
  rowLabel: (o) => o.order_number,
  detail: (o, { t, lang, systemName }) => ({
    title: t("supplier.detail_title", { id: o.order_number }),
    fields: [
      { label: t("supplier.col_supplier"), value: `${o.supplier_name ?? ""} (${o.supplier_id})` },
      { label: t("records.col_type"), value: supplierTypeLabel(t, o.order_type) },
      { label: t("records.col_status"), value: supplierStatusLabel(t, o.status) },
      { label: t("records.col_subtotal"), value: formatMoney(o.subtotal) },
      { label: t("records.col_tax"), value: formatMoney(o.tax) },
      { label: t("records.col_shipping"), value: formatMoney(o.shipping) },
      { label: t("records.col_total"), value: formatMoney(o.total) },
      { label: t("supplier.col_order_date"), value: formatOptTime(o.order_date, lang) },
      { label: t("supplier.col_expected"), value: formatOptTime(o.expected_delivery, lang) },
      { label: t("supplier.col_actual"), value: formatOptTime(o.actual_delivery, lang) },
      { label: t("records.col_updated"), value: formatTime(o.updated_at, lang) },
      { label: t("ops.col_system"), value: systemName(o.system_id) },
    ],
    lines: o.items,
    raw: o,
  }),
};

/** 供应商订单: purchase and return orders and their delivery status. */
export function SupplierOrdersPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="supplier-orders-page"
      title={t("supplier.title")}
      subtitle={t("supplier.subtitle")}
      view="supplier_orders_view"
    >
      {(ops) => <RecordListView spec={SUPPLIER_SPEC} canExport={ops.has("records_export")} />}
    </OpsPageFrame>
  );
}
