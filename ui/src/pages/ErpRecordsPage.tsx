import { Tabs } from "antd";
import { api } from "../api";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { RecordListView } from "../components/records/RecordListView";
import type { RecordSpec, SpecContext } from "../components/records/spec";
import { useT } from "../i18n";
import { erpOrderTypeLabel, formatMoney, formatOptTime } from "../lib/recordLabels";
import type {
  CustomerQuery,
  CustomerRecord,
  ErpOrderQuery,
  ErpOrderRecord,
  ProductQuery,
  ProductRecord,
} from "../types";

type Synced = { system_id: string; external_id: string; remote_updated_at: string | null; updated_at: string };

/** The columns and drawer fields every ERP record has. */
function syncedColumns<T extends Synced>({ t, lang, systemName }: SpecContext) {
  return [
    {
      title: t("records.col_source_updated"),
      key: "remote_updated",
      width: 170,
      render: (_: unknown, r: T) => formatOptTime(r.remote_updated_at, lang),
    },
    { title: t("ops.col_system"), key: "system", width: 160, render: (_: unknown, r: T) => systemName(r.system_id) },
  ];
}

function syncedFields(r: Synced, { t, lang, systemName }: SpecContext) {
  return [
    { label: t("records.col_external_id"), value: r.external_id },
    { label: t("records.col_source_updated"), value: formatOptTime(r.remote_updated_at, lang) },
    { label: t("records.col_updated"), value: formatOptTime(r.updated_at, lang) },
    { label: t("ops.col_system"), value: systemName(r.system_id) },
  ];
}

const source = (stream: string, r: Synced) => ({ systemId: r.system_id, stream, externalId: r.external_id });

const ERP_SYSTEMS = ["erp", "ecommerce"] as const;

const CUSTOMERS: RecordSpec<CustomerRecord, CustomerQuery> = {
  kind: "customers",
  testId: "customers-list",
  fileStem: "erp_customers",
  noFilter: { system_id: null, status: null, name: null },
  fetch: api.listCustomers,
  filters: [
    { type: "system", key: "system_id", systemTypes: ERP_SYSTEMS },
    { type: "text", key: "name", placeholder: "records.filter_name" },
    { type: "text", key: "status", placeholder: "ops.filter_status", width: 140 },
  ],
  columns: (ctx) => [
    { title: ctx.t("erp.col_code"), key: "code", width: 140, render: (_, c) => c.code ?? "—" },
    { title: ctx.t("records.col_name"), dataIndex: "name", key: "name", width: 220 },
    { title: ctx.t("records.col_status"), key: "status", width: 110, render: (_, c) => c.status ?? "—" },
    ...syncedColumns<CustomerRecord>(ctx),
  ],
  rowId: (c) => c.id,
  rowLabel: (c) => c.external_id,
  detail: (c, ctx) => ({
    title: ctx.t("erp.detail_customer", { id: c.name }),
    fields: [
      { label: ctx.t("erp.col_code"), value: c.code ?? "—" },
      { label: ctx.t("records.col_status"), value: c.status ?? "—" },
      ...syncedFields(c, ctx),
    ],
    source: source("customers", c),
  }),
};

const PRODUCTS: RecordSpec<ProductRecord, ProductQuery> = {
  kind: "products",
  testId: "products-list",
  fileStem: "erp_products",
  noFilter: { system_id: null, status: null, sku: null },
  fetch: api.listProducts,
  filters: [
    { type: "system", key: "system_id", systemTypes: ERP_SYSTEMS },
    { type: "text", key: "sku", placeholder: "records.filter_sku", width: 160 },
    { type: "text", key: "status", placeholder: "ops.filter_status", width: 140 },
  ],
  columns: (ctx) => [
    { title: ctx.t("erp.col_sku"), dataIndex: "sku", key: "sku", width: 150 },
    { title: ctx.t("records.col_name"), dataIndex: "name", key: "name", width: 220 },
    { title: ctx.t("records.col_status"), key: "status", width: 110, render: (_, p) => p.status ?? "—" },
    {
      title: ctx.t("erp.col_price"),
      key: "price",
      width: 110,
      align: "right",
      render: (_, p) => formatMoney(p.standard_price),
    },
    { title: ctx.t("erp.col_stock"), key: "stock", width: 90, render: (_, p) => p.inventory_quantity ?? "—" },
    ...syncedColumns<ProductRecord>(ctx),
  ],
  rowId: (p) => p.id,
  rowLabel: (p) => p.external_id,
  detail: (p, ctx) => ({
    title: ctx.t("erp.detail_product", { id: p.sku }),
    fields: [
      { label: ctx.t("records.col_name"), value: p.name },
      { label: ctx.t("records.col_status"), value: p.status ?? "—" },
      { label: ctx.t("erp.col_price"), value: formatMoney(p.standard_price) },
      { label: ctx.t("erp.col_stock"), value: p.inventory_quantity ?? "—" },
      ...syncedFields(p, ctx),
    ],
    source: source("products", p),
  }),
};

const ORDERS: RecordSpec<ErpOrderRecord, ErpOrderQuery> = {
  kind: "erp_orders",
  testId: "erp-orders-list",
  fileStem: "erp_orders",
  noFilter: { system_id: null, status: null, type: null, order_number: null },
  fetch: api.listErpOrders,
  filters: [
    { type: "system", key: "system_id", systemTypes: ERP_SYSTEMS },
    { type: "text", key: "order_number", placeholder: "records.filter_order_number", width: 170 },
    {
      type: "choice",
      key: "type",
      placeholder: "records.filter_type",
      choices: "erp_order_types",
      label: erpOrderTypeLabel,
    },
    { type: "text", key: "status", placeholder: "records.filter_status_code", width: 140 },
  ],
  columns: (ctx) => [
    { title: ctx.t("erp.col_order_number"), dataIndex: "order_number", key: "number", width: 170 },
    {
      title: ctx.t("records.col_type"),
      key: "type",
      width: 110,
      render: (_, o) => erpOrderTypeLabel(ctx.t, o.order_type),
    },
    { title: ctx.t("records.col_status"), key: "status", width: 110, render: (_, o) => o.status_code ?? "—" },
    {
      title: ctx.t("records.col_total"),
      key: "total",
      width: 120,
      align: "right",
      render: (_, o) => formatMoney(o.total),
    },
    ...syncedColumns<ErpOrderRecord>(ctx),
  ],
  rowId: (o) => o.id,
  rowLabel: (o) => o.external_id,
  detail: (o, ctx) => ({
    title: ctx.t("erp.detail_order", { id: o.order_number }),
    fields: [
      { label: ctx.t("records.col_type"), value: erpOrderTypeLabel(ctx.t, o.order_type) },
      { label: ctx.t("records.col_status"), value: o.status_code ?? "—" },
      { label: ctx.t("records.col_total"), value: formatMoney(o.total) },
      ...syncedFields(o, ctx),
    ],
    source: source("orders", o),
  }),
};

/** ERP数据: the ERP's customers, products and orders as synced, one tab each. */
export function ErpRecordsPage() {
  const t = useT();
  return (
    <OpsPageFrame testId="erp-records-page" title={t("erp.title")} subtitle={t("erp.subtitle")} view="erp_records_view">
      {(ops) => {
        const canExport = ops.has("records_export");
        return (
          <Tabs
            destroyOnHidden
            items={[
              {
                key: "customers",
                label: <span data-testid="tab-customers">{t("erp.tab_customers")}</span>,
                children: <RecordListView spec={CUSTOMERS} canExport={canExport} />,
              },
              {
                key: "products",
                label: <span data-testid="tab-products">{t("erp.tab_products")}</span>,
                children: <RecordListView spec={PRODUCTS} canExport={canExport} />,
              },
              {
                key: "orders",
                label: <span data-testid="tab-orders">{t("erp.tab_orders")}</span>,
                children: <RecordListView spec={ORDERS} canExport={canExport} />,
              },
            ]}
          />
        );
      }}
    </OpsPageFrame>
  );
}
