import { Table, Typography } from "antd";
import { useT } from "../../i18n";

type Line = Record<string, unknown>;
type Row = { key: string; line: Line };

/** Nested objects one level deep become `product.name` columns; deeper values stay JSON. */
function flatten(line: unknown): Line {
  if (line === null || typeof line !== "object" || Array.isArray(line)) return { value: line };
  const out: Line = {};
  for (const [key, value] of Object.entries(line)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) out[`${key}.${inner}`] = v;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A record's line items, whatever their shape (POS items, supplier order lines, ERP order
 * lines, marketplace sub-orders): one column per field the lines have.
 */
export function LineItemsTable({ lines }: { lines: unknown[] }) {
  const t = useT();
  if (lines.length === 0) {
    return <Typography.Text type="secondary">{t("records.detail_no_items")}</Typography.Text>;
  }
  const rows: Row[] = lines.map((line, i) => ({ key: String(i), line: flatten(line) }));
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.line)))].slice(0, 12);
  return (
    <Table<Row>
      data-testid="record-items"
      size="small"
      pagination={false}
      scroll={{ x: "max-content" }}
      dataSource={rows}
      columns={keys.map((key) => ({ key, title: key, render: (_, row) => cell(row.line[key]) }))}
    />
  );
}
