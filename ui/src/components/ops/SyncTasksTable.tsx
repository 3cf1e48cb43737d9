import { StopOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Progress, Table, Tag, Tooltip, Typography, type ButtonProps } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useLang, useT } from "../../i18n";
import { formatTime } from "../../lib/labels";
import {
  syncModeLabel,
  syncTriggerLabel,
  TASK_STATUS_COLORS,
  taskStatusLabel,
} from "../../lib/opsLabels";
import { useCancelSync } from "../../lib/opsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { SyncTaskRow } from "../../types";

const PROGRESS_STATUS = {
  running: "active",
  failed: "exception",
  completed: "success",
} as const;

function ProgressCell({ row }: { row: SyncTaskRow }) {
  const t = useT();
  const { task } = row;
  return (
    <div style={{ minWidth: 180 }} data-testid={`progress-${task.id}`}>
      <Progress
        size="small"
        percent={row.progress_permille / 10}
        format={(p) => `${(p ?? 0).toFixed(1)}%`}
        status={PROGRESS_STATUS[task.status as keyof typeof PROGRESS_STATUS] ?? "normal"}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("tasks.counts", {
          success: task.success_items,
          failed: task.failed_items,
          total: task.total_items,
        })}
      </Typography.Text>
    </div>
  );
}

/** Sync tasks, newest first, with progress; cancel for running ones when allowed. */
export function SyncTasksTable({
  rows,
  loading,
  names,
  canCancel,
}: {
  rows: SyncTaskRow[];
  loading: boolean;
  names: ReadonlyMap<string, string>;
  canCancel: boolean;
}) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const cancel = useCancelSync();
  const time = (iso: string | null) => (iso ? formatTime(iso, lang) : "—");

  const columns: ColumnsType<SyncTaskRow> = [
    {
      title: t("ops.col_system"),
      key: "system",
      render: (_, r) => names.get(r.task.system_id) ?? t("ops.unknown_system"),
    },
    { title: t("tasks.col_stream"), key: "stream", render: (_, r) => r.task.task_type },
    { title: t("tasks.col_mode"), key: "mode", render: (_, r) => syncModeLabel(t, r.task.mode) },
    {
      title: t("tasks.col_trigger"),
      key: "trigger",
      render: (_, r) => syncTriggerLabel(t, r.task.trigger),
    },
    {
      title: t("ops.col_status"),
      key: "status",
      render: (_, r) => {
        const tag = (
          <Tag color={TASK_STATUS_COLORS[r.task.status]} data-testid={`task-status-${r.task.id}`}>
            {taskStatusLabel(t, r.task.status)}
          </Tag>
        );
        return r.task.error_message ? <Tooltip title={r.task.error_message}>{tag}</Tooltip> : tag;
      },
    },
    { title: t("tasks.col_progress"), key: "progress", render: (_, r) => <ProgressCell row={r} /> },
    { title: t("tasks.col_eta"), key: "eta", render: (_, r) => time(r.estimated_completion) },
    { title: t("tasks.col_start"), key: "start", render: (_, r) => time(r.task.start_time) },
    { title: t("tasks.col_end"), key: "end", render: (_, r) => time(r.task.end_time) },
  ];
  if (canCancel) {
    columns.push({
      title: t("ops.col_actions"),
      key: "actions",
      fixed: "right",
      render: (_, r) =>
        r.task.status === "running" || r.task.status === "pending" ? (
          <Popconfirm
            title={t("tasks.cancel_title")}
            description={t("tasks.cancel_desc")}
            okText={t("tasks.cancel_ok")}
            cancelText={t("ops.back")}
            okButtonProps={{ danger: true, "data-testid": "confirm-cancel" } as ButtonProps}
            placement="topRight"
            onConfirm={() =>
              cancel.mutateAsync(r).then(
                () => {
                  message.success(t("tasks.cancelled_msg"));
                },
                (e: unknown) => notifyError(e),
              )
            }
          >
            <Button type="link" size="small" danger icon={<StopOutlined />} data-testid={`cancel-${r.task.id}`}>
              {t("tasks.cancel")}
            </Button>
          </Popconfirm>
        ) : null,
    });
  }

  return (
    <Table<SyncTaskRow>
      data-testid="sync-tasks-table"
      rowKey={(r) => r.task.id}
      size="middle"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={false}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: t("tasks.empty") }}
      onRow={(r) => ({ "data-testid": `task-row-${r.task.id}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}
