import { CloudDownloadOutlined, DatabaseOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Descriptions, Divider, Space, Spin, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState, type HTMLAttributes } from "react";
import { useLang, useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { formatTime } from "../../lib/labels";
import { BACKUP_KIND_COLORS, backupKindLabel, formatBytes } from "../../lib/settingsLabels";
import { useBackups, useRunBackup } from "../../lib/settingsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { BackupInfo, BackupOverview } from "../../types";
import { BackupSettingsForm } from "./BackupSettingsForm";
import { RestoreModal } from "./RestoreModal";

/** 备份与恢复: the schedule's settings, "back up now", and every backup with restore. */
export function BackupsCard() {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const overview = useBackups(true);
  const run = useRunBackup();
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);

  return (
    <Card
      data-testid="backups-card"
      title={
        <Space>
          <DatabaseOutlined />
          {t("backups.title")}
        </Space>
      }
      extra={
        <Button
          type="primary"
          icon={<CloudDownloadOutlined />}
          loading={run.isPending}
          data-testid="backup-run"
          onClick={() =>
            run.mutate(undefined, {
              onSuccess: (b) => void message.success(t("backups.ran", { name: b.name })),
              onError: (e) => notifyError(e),
            })
          }
        >
          {t("backups.run_now")}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t("backups.desc")}</Typography.Paragraph>
      {overview.isPending ? (
        <div className="sl-center" style={{ minHeight: 120 }}>
          <Spin />
        </div>
      ) : overview.isError ? (
        <Alert type="error" showIcon message={describeError(overview.error, t).text} />
      ) : (
        <>
          <BackupSettingsForm initial={overview.data.settings} />
          <Divider style={{ margin: "16px 0" }} />
          <Schedule overview={overview.data} />
          <BackupsTable backups={overview.data.backups} onRestore={setRestoring} />
        </>
      )}
      <RestoreModal backup={restoring} onClose={() => setRestoring(null)} />
    </Card>
  );
}

function Schedule({ overview }: { overview: BackupOverview }) {
  const t = useT();
  const { lang } = useLang();
  const next = !overview.settings.enabled
    ? t("backups.next_off")
    : overview.next_run_at
      ? formatTime(overview.next_run_at, lang)
      : t("backups.next_soon");
  return (
    <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
      <Descriptions.Item label={t("backups.next_run")}>
        <span data-testid="backup-next-run">{next}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t("backups.folder")}>
        <Typography.Text className="sl-mono" copyable>
          {overview.folder}
        </Typography.Text>
      </Descriptions.Item>
    </Descriptions>
  );
}

function BackupsTable({ backups, onRestore }: { backups: BackupInfo[]; onRestore: (b: BackupInfo) => void }) {
  const t = useT();
  const { lang } = useLang();
  const columns: ColumnsType<BackupInfo> = [
    {
      title: t("backups.col_name"),
      key: "name",
      render: (_, b) => <Typography.Text className="sl-mono">{b.name}</Typography.Text>,
    },
    {
      title: t("backups.col_kind"),
      key: "kind",
      render: (_, b) => <Tag color={BACKUP_KIND_COLORS[b.kind]}>{backupKindLabel(t, b.kind)}</Tag>,
    },
    { title: t("backups.col_time"), key: "time", render: (_, b) => formatTime(b.created_at, lang) },
    {
      title: t("backups.col_size"),
      key: "size",
      render: (_, b) => <span data-testid={`backup-size-${b.name}`}>{formatBytes(b.size_bytes)}</span>,
    },
    {
      title: t("backups.col_actions"),
      key: "actions",
      render: (_, b) => (
        <Button type="link" danger size="small" data-testid={`backup-restore-${b.name}`} onClick={() => onRestore(b)}>
          {t("backups.restore")}
        </Button>
      ),
    },
  ];
  return (
    <Table<BackupInfo>
      rowKey="name"
      size="middle"
      columns={columns}
      dataSource={backups}
      pagination={false}
      locale={{ emptyText: t("backups.empty") }}
      onRow={(b) => ({ "data-testid": `backup-row-${b.name}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}
