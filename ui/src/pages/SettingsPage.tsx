import { Alert, Card, Result, Space, Spin, Tabs, Typography } from "antd";
import type { ReactNode } from "react";
import { DemoCard } from "../components/demo/DemoCard";
import { ListenerCard } from "../components/ListenerCard";
import { AuditLogCard } from "../components/settings/AuditLogCard";
import { BackupsCard } from "../components/settings/BackupsCard";
import { LanguageCard } from "../components/settings/LanguageCard";
import { NotificationsCard } from "../components/settings/NotificationsCard";
import { UsersCard } from "../components/settings/UsersCard";
import { TokensCard } from "../components/TokensCard";
import { useT, type TKey } from "../i18n";
import { describeError } from "../lib/errors";
import { canOpenSettings, usePermissions } from "../lib/queries";
import type { Operation } from "../types";

type SettingsTab = { key: string; label: TKey; children: ReactNode };

/** The tabs this person may open, in order; a tab is left out without its permission. */
function settingsTabs(ops: ReadonlySet<Operation>): SettingsTab[] {
  const can = (op: Operation) => ops.has(op);
  const tabs: SettingsTab[] = [];
  if (can("listener_manage") || can("tokens_manage")) {
    tabs.push({
      key: "connect",
      label: "settings.tab_connect",
      children: (
        <Space direction="vertical" size={16} style={{ width: "100%" }}>
          {can("listener_manage") && <ListenerCard />}
          {can("tokens_manage") && <TokensCard canViewSystems={can("systems_view")} />}
        </Space>
      ),
    });
  }
  if (can("users_view")) {
    tabs.push({ key: "users", label: "settings.tab_users", children: <UsersCard canManage={can("users_manage")} /> });
  }
  tabs.push({
    key: "general",
    label: "settings.tab_general",
    children: (
      <Space direction="vertical" size={16} style={{ width: "100%" }}>
        <LanguageCard />
        <NotificationsCard />
        {can("systems_create") && <DemoCard />}
      </Space>
    ),
  });
  if (can("backups_manage")) {
    tabs.push({ key: "backups", label: "settings.tab_backups", children: <BackupsCard /> });
  }
  if (can("audit_view")) {
    tabs.push({ key: "audit", label: "settings.tab_audit", children: <AuditLogCard /> });
  }
  return tabs;
}

/**
 * 设置, in tabs: the listener and API tokens, users and roles, general (language,
 * notifications, demo mode), backups and the audit log. Each tab and each action shows only
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
  return (
    <div data-testid="settings-page">
      <Space direction="vertical" size={4} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("settings.title")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("settings.subtitle")}</Typography.Text>
      </Space>
      {/* Language alone does not open the page: it is in the header for everyone. */}
      {!canOpenSettings(ops) ? (
        <Card>
          <Result status="403" subTitle={t("settings.no_access")} />
        </Card>
      ) : (
        <Tabs
          data-testid="settings-tabs"
          items={settingsTabs(ops).map((tab) => ({
            key: tab.key,
            label: <span data-testid={`settings-tab-${tab.key}`}>{t(tab.label)}</span>,
            children: tab.children,
          }))}
        />
      )}
    </div>
  );
}
