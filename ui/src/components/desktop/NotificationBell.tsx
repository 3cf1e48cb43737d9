import { BellOutlined, SettingOutlined, WarningOutlined } from "@ant-design/icons";
import { Badge, Button, Empty, List, Popover, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { pageForTarget, useNotifications } from "../../lib/desktopNotifications";
import type { NotificationKind, NotificationRecord } from "../../types";
import type { PageKey } from "../AppLayout";
import { kindLabel, NotificationPrefsModal } from "./NotificationPrefsModal";

/** How many of the kept notifications the popover lists. */
const SHOWN = 20;

const KIND_COLOURS: Record<NotificationKind, string> = {
  sync_failed: "red",
  outbox_dead: "volcano",
  health_drop: "orange",
  reservation_created: "blue",
  reservation_cancelled: "default",
};

function NotificationItem({
  record,
  onPick,
}: {
  record: NotificationRecord;
  onPick: (record: NotificationRecord) => void;
}) {
  const t = useT();
  return (
    <List.Item
      data-testid="notification-item"
      data-kind={record.kind}
      style={{ cursor: "pointer" }}
      onClick={() => onPick(record)}
    >
      <List.Item.Meta
        title={
          <span>
            <Tag color={KIND_COLOURS[record.kind]}>{t(kindLabel(record.kind))}</Tag>
            {record.title}
            {!record.delivered && (
              <Tooltip title={t("notify.not_delivered")}>
                <WarningOutlined style={{ marginLeft: 6, color: "#faad14" }} />
              </Tooltip>
            )}
          </span>
        }
        description={
          <>
            <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0 }}>
              {record.body}
            </Typography.Paragraph>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {new Date(record.shown_at).toLocaleString()}
              {record.repeats > 0 && ` · ${t("notify.repeats", { count: record.repeats })}`}
            </Typography.Text>
          </>
        }
      />
    </List.Item>
  );
}

/**
 * The header's bell (Ant Design Pro's notice icon): the desktop notifications shown since
 * the app started, newest first, a badge for the ones not looked at yet, a click opening the
 * notification's page, and the notification settings.
 */
export function NotificationBell({ onNavigate }: { onNavigate?: (page: PageKey) => void }) {
  const t = useT();
  const list = useNotifications();
  const [open, setOpen] = useState(false);
  const [prefsOpen, setPrefsOpen] = useState(false);
  // The newest id looked at; the badge counts the newer ones.
  const [seen, setSeen] = useState(0);
  const records = list.data ?? [];
  const unseen = records.filter((r) => r.id > seen).length;

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) setSeen(records.reduce((max, r) => Math.max(max, r.id), seen));
  };
  const pick = (record: NotificationRecord) => {
    setOpen(false);
    onNavigate?.(pageForTarget(record.target));
  };

  const content = (
    <div style={{ width: 360 }} data-testid="notification-list">
      {records.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("notify.empty")} />
      ) : (
        <List
          size="small"
          dataSource={records.slice(0, SHOWN)}
          style={{ maxHeight: 420, overflow: "auto" }}
          renderItem={(record) => <NotificationItem record={record} onPick={pick} />}
        />
      )}
      <Button
        type="link"
        icon={<SettingOutlined />}
        data-testid="notification-settings"
        onClick={() => {
          setOpen(false);
          setPrefsOpen(true);
        }}
      >
        {t("notify.settings")}
      </Button>
    </div>
  );

  return (
    <>
      <Popover
        trigger="click"
        placement="bottomRight"
        title={t("notify.title")}
        content={content}
        open={open}
        onOpenChange={onOpenChange}
      >
        <Button type="text" aria-label={t("notify.bell")} data-testid="notification-bell">
          <Badge count={unseen} size="small" data-testid="notification-count">
            <BellOutlined style={{ fontSize: 16 }} />
          </Badge>
        </Button>
      </Popover>
      <NotificationPrefsModal open={prefsOpen} onClose={() => setPrefsOpen(false)} />
    </>
  );
}
