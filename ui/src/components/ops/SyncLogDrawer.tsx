import { Descriptions, Drawer, Tag, Typography } from "antd";
import { useLang, useT } from "../../i18n";
import { errorClassLabel } from "../../lib/errors";
import { formatTime } from "../../lib/labels";
import {
  ITEM_STATUS_COLORS,
  itemStatusLabel,
  itemTypeLabel,
  syncActionLabel,
} from "../../lib/opsLabels";
import type { SyncLog } from "../../types";

// Seed 004 §8.1: only these classes are retried without a person.
const RETRYABLE = new Set(["network_error", "timeout_error", "rate_limit_error"]);

/** One sync log line in full: what, when, and for a failure its class and message. */
export function SyncLogDrawer({
  log,
  systemName,
  onClose,
}: {
  log: SyncLog | null;
  systemName: string;
  onClose: () => void;
}) {
  const t = useT();
  const { lang } = useLang();
  return (
    <Drawer
      open={log !== null}
      width={560}
      title={t("logs.detail_title")}
      onClose={onClose}
      destroyOnHidden
    >
      {log && (
        <Descriptions column={1} bordered size="small" data-testid="log-detail">
          <Descriptions.Item label={t("logs.col_time")}>{formatTime(log.created_at, lang)}</Descriptions.Item>
          <Descriptions.Item label={t("ops.col_system")}>{systemName}</Descriptions.Item>
          <Descriptions.Item label={t("logs.col_item_type")}>{itemTypeLabel(t, log.item_type)}</Descriptions.Item>
          <Descriptions.Item label={t("logs.col_item_id")}>
            <Typography.Text copyable>{log.item_id}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("logs.col_action")}>{syncActionLabel(t, log.action)}</Descriptions.Item>
          <Descriptions.Item label={t("logs.col_status")}>
            <Tag color={ITEM_STATUS_COLORS[log.status]}>{itemStatusLabel(t, log.status)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t("logs.detail_task")}>
            {log.task_id ? <Typography.Text copyable>{log.task_id}</Typography.Text> : t("logs.no_task")}
          </Descriptions.Item>
          {log.error_class && (
            <Descriptions.Item label={t("logs.col_error_class")}>
              <Typography.Text type="danger" data-testid="log-error-class">
                {errorClassLabel(log.error_class, t)}
              </Typography.Text>
            </Descriptions.Item>
          )}
          {log.error_class && (
            <Descriptions.Item label={t("logs.detail_retry")}>
              {RETRYABLE.has(log.error_class) ? t("logs.retryable") : t("logs.not_retryable")}
            </Descriptions.Item>
          )}
          {log.error_message && (
            <Descriptions.Item label={t("logs.detail_error_message")}>
              <Typography.Paragraph
                data-testid="log-error-message"
                style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}
              >
                {log.error_message}
              </Typography.Paragraph>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
    </Drawer>
  );
}
