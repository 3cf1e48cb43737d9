import { AuditOutlined } from "@ant-design/icons";
import { Button, Card, Descriptions, Drawer, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState, type HTMLAttributes } from "react";
import { useLang, useT } from "../../i18n";
import { formatTime, roleLabel } from "../../lib/labels";
import { actionLabel, OUTCOME_COLORS, outcomeLabel } from "../../lib/settingsLabels";
import { NO_AUDIT_FILTER, useAuditLog, type AuditFilter } from "../../lib/settingsQueries";
import type { AuditEntry } from "../../types";
import { JsonBlock } from "../ops/JsonBlock";
import { ListToolbar } from "../ops/OpsPageFrame";
import { PagedList } from "../ops/PagedList";
import { AuditAction } from "./AuditAction";
import { AuditFilters } from "./AuditFilters";

/** 审计日志 (administrators): who did what and when, with filters and each entry's detail. */
export function AuditLogCard() {
  const t = useT();
  const { lang } = useLang();
  const [filter, setFilter] = useState<AuditFilter>(NO_AUDIT_FILTER);
  const [shown, setShown] = useState<AuditEntry | null>(null);
  const { query, rows } = useAuditLog(filter, true);

  const columns: ColumnsType<AuditEntry> = [
    { title: t("audit.col_time"), key: "at", render: (_, e) => formatTime(e.at, lang), width: 180 },
    {
      title: t("audit.col_actor"),
      key: "actor",
      render: (_, e) => (
        <Space size={4} direction="vertical">
          <strong>{e.actor}</strong>
          <Typography.Text type="secondary">{roleLabel(t, e.actor_role)}</Typography.Text>
        </Space>
      ),
    },
    { title: t("audit.col_action"), key: "action", render: (_, e) => <AuditAction action={e.action} /> },
    {
      title: t("audit.col_entity"),
      key: "entity",
      render: (_, e) => (
        <Space size={4} direction="vertical">
          <span>{e.entity}</span>
          {e.entity_id && (
            <Typography.Text type="secondary" className="sl-mono" ellipsis style={{ maxWidth: 200 }}>
              {e.entity_id}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t("audit.col_outcome"),
      key: "outcome",
      render: (_, e) => (
        <Tag color={OUTCOME_COLORS[e.outcome]} data-testid={`audit-outcome-${e.id}`}>
          {outcomeLabel(t, e.outcome)}
        </Tag>
      ),
    },
    {
      title: t("audit.col_detail"),
      key: "detail",
      render: (_, e) => (
        <Typography.Text ellipsis style={{ maxWidth: 260 }}>
          {e.detail ?? "—"}
        </Typography.Text>
      ),
    },
    {
      title: "",
      key: "open",
      render: (_, e) => (
        <Button type="link" size="small" data-testid={`audit-detail-${e.id}`} onClick={() => setShown(e)}>
          {t("ops.detail")}
        </Button>
      ),
    },
  ];

  return (
    <Card
      data-testid="audit-card"
      title={
        <Space>
          <AuditOutlined />
          {t("audit.title")}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t("audit.desc")}</Typography.Paragraph>
      <ListToolbar filters={<AuditFilters filter={filter} onChange={setFilter} />} />
      <PagedList query={query}>
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={query.isPending && query.fetchStatus !== "idle"}
          pagination={false}
          locale={{ emptyText: t("audit.empty") }}
          onRow={(e) => ({ "data-testid": `audit-row-${e.id}` }) as HTMLAttributes<HTMLElement>}
        />
      </PagedList>
      <AuditDrawer entry={shown} onClose={() => setShown(null)} />
    </Card>
  );
}

function AuditDrawer({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <Drawer open={entry !== null} onClose={onClose} title={t("audit.detail_title")} width="min(640px, 100vw)">
      {entry && (
        <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="audit-drawer">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t("audit.col_time")}>{formatTime(entry.at, lang)}</Descriptions.Item>
            <Descriptions.Item label={t("audit.col_actor")}>{entry.actor}</Descriptions.Item>
            <Descriptions.Item label={t("audit.role")}>{roleLabel(t, entry.actor_role)}</Descriptions.Item>
            <Descriptions.Item label={t("audit.col_action")}>
              <AuditAction action={entry.action} />
            </Descriptions.Item>
            <Descriptions.Item label={t("audit.col_entity")}>{entry.entity}</Descriptions.Item>
            {entry.entity_id && (
              <Descriptions.Item label={t("audit.entity_id")}>
                <Typography.Text className="sl-mono" copyable>
                  {entry.entity_id}
                </Typography.Text>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t("audit.col_outcome")}>
              <Tag color={OUTCOME_COLORS[entry.outcome]}>{outcomeLabel(t, entry.outcome)}</Tag>
            </Descriptions.Item>
            {entry.detail && <Descriptions.Item label={t("audit.col_detail")}>{entry.detail}</Descriptions.Item>}
          </Descriptions>
          {entry.before !== null && (
            <div>
              <Typography.Title level={5}>{t("audit.before")}</Typography.Title>
              <JsonBlock value={entry.before} testId="audit-before" />
            </div>
          )}
          {entry.after !== null && (
            <div>
              <Typography.Title level={5}>{t("audit.after")}</Typography.Title>
              <JsonBlock value={entry.after} testId="audit-after" />
            </div>
          )}
        </Space>
      )}
    </Drawer>
  );
}
