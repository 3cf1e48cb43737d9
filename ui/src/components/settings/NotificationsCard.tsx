import { BellOutlined } from "@ant-design/icons";
import { Button, Card, Space, Typography } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { NotificationPrefsModal } from "../desktop/NotificationPrefsModal";

/** 通知设置: opens the notification preferences (also reachable from the bell). */
export function NotificationsCard() {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Card
      data-testid="notifications-card"
      title={
        <Space>
          <BellOutlined />
          {t("notify.prefs_title")}
        </Space>
      }
      extra={
        <Button data-testid="notifications-open" onClick={() => setOpen(true)}>
          {t("notify.settings")}
        </Button>
      }
    >
      <Typography.Text type="secondary">{t("notify.prefs_desc")}</Typography.Text>
      <NotificationPrefsModal open={open} onClose={() => setOpen(false)} />
    </Card>
  );
}
