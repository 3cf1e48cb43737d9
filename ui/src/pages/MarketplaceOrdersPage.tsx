import { api } from "../api";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { RecordListView } from "../components/records/RecordListView";
import type { RecordSpec } from "../components/records/spec";
import { useT } from "../i18n";
import { formatMoney, formatOptTime } from "../lib/recordLabels";
import type { MarketplaceOrderQuery, MarketplaceOrderRecord } from "../types";

const money = (o: MarketplaceOrderRecord) => formatMoney(o.total, o.currency ? `${o.currency} ` : "");

const MARKETPLACE_SPEC: RecordSpec<MarketplaceOrderRecord, MarketplaceOrderQuery> = {
  kind: "marketplace_orders",
  testId: "marketplace-orders-list",
  fileStem: "marketplace_orders",
  noFilter: { system_id: null, status: null, order_sn: null },
  fetch: api.listMarketplaceOrders,
  filters: [
    { type: "system", key: "system_id", systemTypes: ["ecommerce"] },
    { type: "text", key: "order_sn", placeholder: "records.filter_order_number", width: 200 },
    { type: "text", key: "status", placeholder: "records.filter_status_code", width: 140 },
  ],
  columns: ({ t, lang, systemName }) => [
    { title: t("marketplace.col_order_sn"), dataIndex: "order_sn", key: "sn", width: 220 },
    { title: t("records.col_status"), key: "status", width: 100, render: (_, o) => o.status ?? "—" },
    { title: t("records.col_total"), key: "total", width: 130, align: "right", render: (_, o) => money(o) },
    {
      title: t("records.col_source_updated"),
      key: "remote_updated",
      width: 170,
      render: (_, o) => formatOptTime(o.remote_updated_at, lang),
    },
    { title: t("ops.col_system"), key: "system", width: 160, render: (_, o) => systemName(o.system_id) },
  ],
  rowId: (o) => o.id,
  rowLabel: (o) => o.order_sn,
  detail: (o, { t, lang, systemName }) => ({
    title: t("marketplace.detail_title", { id: o.order_sn }),
    fields: [
      { label: t("records.col_status"), value: o.status ?? "—" },
      { label: t("records.col_total"), value: money(o) },
      { label: t("records.col_currency"), value: o.currency ?? "—" },
      { label: t("records.col_source_updated"), value: formatOptTime(o.remote_updated_at, lang) },
      { label: t("records.col_updated"), value: formatOptTime(o.updated_at, lang) },
      { label: t("ops.col_system"), value: systemName(o.system_id) },
    ],
    source: { systemId: o.system_id, stream: "marketplace_orders", externalId: o.external_id },
  }),
};

/** 电商订单: marketplace (Temu) orders as synced. */
export function MarketplaceOrdersPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="marketplace-orders-page"
      title={t("marketplace.title")}
      subtitle={t("marketplace.subtitle")}
      view="erp_records_view"
    >
      {(ops) => <RecordListView spec={MARKETPLACE_SPEC} canExport={ops.has("records_export")} />}
    </OpsPageFrame>
  );
}
