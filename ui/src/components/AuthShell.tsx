import { Card, Typography } from "antd";
import type { ReactNode } from "react";
import { useT } from "../i18n";
import { LangSwitch } from "./LangSwitch";

/** Centered card used by the login and first-run pages. */
export function AuthShell({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <div className="sl-auth">
      <div className="sl-auth-top">
        <LangSwitch type="default" />
      </div>
      <div className="sl-auth-body">
        <div className="sl-auth-card">
          <div style={{ textAlign: "center", marginBottom: 24 }}>
            <Typography.Title level={2} style={{ marginBottom: 4 }}>
              {t("app.name")}
            </Typography.Title>
            <Typography.Text type="secondary">{t("auth.login_subtitle")}</Typography.Text>
          </div>
          <Card>
            <Typography.Title level={4} style={{ marginTop: 0 }}>
              {title}
            </Typography.Title>
            {subtitle && (
              <Typography.Paragraph type="secondary">{subtitle}</Typography.Paragraph>
            )}
            {children}
          </Card>
        </div>
      </div>
    </div>
  );
}
