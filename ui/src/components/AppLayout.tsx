import { ApiOutlined, LogoutOutlined, SettingOutlined, UserOutlined } from "@ant-design/icons";
import { Avatar, Button, Layout, Menu, Space, Tag, Tooltip } from "antd";
import type { ReactNode } from "react";
import { useT } from "../i18n";
import { roleLabel } from "../lib/labels";
import { useLogout } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { UserView } from "../types";
import { NotificationBell } from "./desktop/NotificationBell";
import { DemoBanner } from "./demo/DemoBanner";
import { LangSwitch } from "./LangSwitch";
import { homeMenuItems } from "./dashboard/homeMenu";
import { opsMenuItems } from "./ops/opsMenu";
import type { OpsPageKey } from "../lib/opsPages";
import type { RecordPageKey } from "../lib/recordPages";
import type { HomePageKey } from "../lib/homePages";
import { recordsMenuItems } from "./records/recordsMenu";

const SIDER_WIDTH = 208;

/** The back office's pages, as side menu keys. */
export type PageKey = "systems" | "settings" | OpsPageKey | RecordPageKey | HomePageKey;

/**
 * Ant Design Pro style frame: fixed dark side menu, header with user, role, language, logout.
 * The settings entry is only listed when the role may manage the listener or API tokens.
 */
export function AppLayout({
  user,
  version,
  dataDir,
  page = "systems",
  showSettings = false,
  opsPages = [],
  recordPages = [],
  homePages = [],
  onNavigate,
  children,
}: {
  user: UserView;
  version: string;
  dataDir: string;
  page?: PageKey;
  showSettings?: boolean;
  /** The operations pages (sync tasks, logs, ...) this person may open. */
  opsPages?: readonly OpsPageKey[];
  /** The records pages (POS transactions, members, ...) this person may open. */
  recordPages?: readonly RecordPageKey[];
  /** The dashboard and the front-desk board, where this person may open them. */
  homePages?: readonly HomePageKey[];
  onNavigate?: (page: PageKey) => void;
  children: ReactNode;
}) {
  const t = useT();
  const logout = useLogout();
  const notifyError = useErrorNotice();

  return (
    <Layout style={{ minHeight: "100%" }}>
      <Layout.Sider
        width={SIDER_WIDTH}
        theme="dark"
        style={{ position: "fixed", insetBlock: 0, left: 0, overflow: "auto", zIndex: 20 }}
      >
        <div className="sl-brand">
          <span className="sl-brand-mark">链</span>
          <span>{t("app.name")}</span>
        </div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[page]}
          onClick={({ key }) => onNavigate?.(key as PageKey)}
          items={[
            ...homeMenuItems(t, homePages),
            {
              key: "systems",
              icon: <ApiOutlined />,
              label: <span data-testid="systems-menu">{t("menu.systems")}</span>,
            },
            ...recordsMenuItems(t, recordPages),
            ...opsMenuItems(t, opsPages),
            ...(showSettings
              ? [
                  {
                    key: "settings",
                    icon: <SettingOutlined />,
                    label: <span data-testid="settings-menu">{t("menu.settings")}</span>,
                  },
                ]
              : []),
          ]}
        />
      </Layout.Sider>
      <Layout style={{ marginLeft: SIDER_WIDTH }}>
        <Layout.Header className="sl-header">
          <Space size="middle">
            <NotificationBell onNavigate={onNavigate} />
            <LangSwitch />
            <Space size={8}>
              <Avatar size="small" icon={<UserOutlined />} style={{ background: "#1677ff" }} />
              <span data-testid="current-user">{user.username}</span>
              <Tag color="blue" data-testid="current-role">
                {roleLabel(t, user.role)}
              </Tag>
            </Space>
            <Tooltip title={t("header.logout")}>
              <Button
                type="text"
                icon={<LogoutOutlined />}
                data-testid="logout"
                loading={logout.isPending}
                onClick={() => logout.mutate(undefined, { onError: notifyError })}
              >
                {t("header.logout")}
              </Button>
            </Tooltip>
          </Space>
        </Layout.Header>
        <Layout.Content className="sl-content">
          <DemoBanner />
          {children}
        </Layout.Content>
        <Layout.Footer className="sl-footer">
          {t("app.footer", { version, dataDir })}
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
