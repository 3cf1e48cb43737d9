import { Alert, Descriptions, Drawer, Spin, Typography } from "antd";
import { useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { useRecordRaw } from "../../lib/recordQueries";
import { JsonBlock } from "../ops/JsonBlock";
import { LineItemsTable } from "./LineItemsTable";
import type { RecordDetail } from "./spec";

function itemsOf(raw: unknown): unknown[] {
  const items = (raw as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

/** A record's fields, its line items and its raw JSON (loaded from the core if needed). */
export function RecordDrawer({ detail, onClose }: { detail: RecordDetail | null; onClose: () => void }) {
  const t = useT();
  const raw = useRecordRaw(detail?.source ?? null);
  const rawValue = detail?.source ? raw.data : detail?.raw;
  const lines = detail?.lines ?? itemsOf(rawValue);
  const rawPending = detail?.source !== undefined && raw.isPending;
  return (
    <Drawer open={detail !== null} width={720} title={detail?.title} onClose={onClose} destroyOnHidden>
      {detail && (
        <div data-testid="record-detail">
          <Descriptions column={2} bordered size="small" style={{ marginBottom: 16 }}>
            {detail.fields.map((f) => (
              <Descriptions.Item key={f.label} label={f.label}>
                {f.value}
              </Descriptions.Item>
            ))}
          </Descriptions>
          <Typography.Title level={5}>{t("records.detail_items")}</Typography.Title>
          <div style={{ marginBottom: 16 }}>
            {rawPending ? <Spin /> : <LineItemsTable lines={lines} />}
          </div>
          <Typography.Title level={5}>{t("records.detail_raw")}</Typography.Title>
          {raw.isError ? (
            <Alert type="error" showIcon message={describeError(raw.error, t).text} />
          ) : rawPending ? (
            <Spin tip={t("records.detail_loading")}>
              <div style={{ height: 60 }} />
            </Spin>
          ) : (
            <JsonBlock value={rawValue ?? null} testId="record-raw" />
          )}
        </div>
      )}
    </Drawer>
  );
}
