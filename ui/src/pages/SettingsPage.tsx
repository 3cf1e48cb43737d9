import { Alert, Card, Result, Space, Spin, Typography } from "antd";
import { ListenerCard } from "../components/ListenerCard";
import { TokensCard } from "../components/TokensCard";
import { useT } from "../i18n";
import { describeError } from "../lib/errors";
import { usePermissions } from "../lib/queries";

/**
 * 设置: the listener (接收服务) and API tokens (API 令牌). Each card is shown only to roles
 * with its permission; the core refuses the commands for anyone else anyway.
 */
export function SettingsPage() {
  const t = useT();
  const perms = usePermissions();

  if (perms.isPending) {
    return (
      <div className="sl-center" style={{ minHeight: 240 }}>
        <Spin />
      </div>
    );
  }
  if (perms.isError) {
    return <Alert type="error" showIcon message={describeError(perms.error, t).text} />;
  }

  const ops = perms.data;
  const can = {
    listener: ops.has("listener_manage"),
    tokens: ops.has("tokens_manage"),
    systems: ops.has("systems_view"),
  };

  return (
    <div data-testid="settings-page">
      <Space direction="vertical" size={4} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("settings.title")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("settings.subtitle")}</Typography.Text>
      </Space>
      {!can.listener && !can.tokens ? (
        <Card>
          <Result status="403" subTitle={t("settings.no_access")} />
        </Card>
      ) : (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {can.listener && <ListenerCard />}
          {can.tokens && <TokensCard canViewSystems={can.systems} />}
        </Space>
      )}
    </div>
  );
}
