import { Alert, Card, Result, Space, Spin, Typography } from "antd";
import type { ReactNode } from "react";
import { useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { usePermissions } from "../../lib/queries";
import type { Operation } from "../../types";

/**
 * The frame of an operations page: title, subtitle, and the content once the person's
 * permissions are known; a 403 result when they may not view it.
 */
export function OpsPageFrame({
  testId,
  title,
  subtitle,
  view,
  children,
}: {
  testId: string;
  title: string;
  subtitle: string;
  view: Operation;
  children: (ops: ReadonlySet<Operation>) => ReactNode;
}) {
  const t = useT();
  const perms = usePermissions();
  let body: ReactNode;
  if (perms.isPending) {
    body = (
      <div className="sl-center" style={{ minHeight: 240 }}>
        <Spin />
      </div>
    );
  } else if (perms.isError) {
    body = <Alert type="error" showIcon message={describeError(perms.error, t).text} />;
  } else if (!perms.data.has(view)) {
    body = (
      <Card>
        <Result status="403" subTitle={t("ops.no_view")} />
      </Card>
    );
  } else {
    body = children(perms.data);
  }
  return (
    <div data-testid={testId}>
      <Space direction="vertical" size={4} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        <Typography.Text type="secondary">{subtitle}</Typography.Text>
      </Space>
      {body}
    </div>
  );
}

/** Filters on the left, actions on the right, above a list. */
export function ListToolbar({ filters, actions }: { filters: ReactNode; actions?: ReactNode }) {
  return (
    <div
      style={{
        display: "flex",
        justifyContent: "space-between",
        gap: 12,
        flexWrap: "wrap",
        marginBottom: 16,
      }}
    >
      <Space wrap>{filters}</Space>
      {actions && <Space wrap>{actions}</Space>}
    </div>
  );
}
