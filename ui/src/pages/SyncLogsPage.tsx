import { Button, Card, Select, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useState } from "react";
import { NameSelect, SystemStatusFilters } from "../components/ops/Filters";
import { ListToolbar, OpsPageFrame } from "../components/ops/OpsPageFrame";
import { PagedList } from "../components/ops/PagedList";
import { SyncLogDrawer } from "../components/ops/SyncLogDrawer";
import { useLang, useT } from "../i18n";
import { errorClassLabel } from "../lib/errors";
import { formatTime } from "../lib/labels";
import {
  ITEM_STATUS_COLORS,
  ITEM_TYPES,
  itemStatusLabel,
  itemTypeLabel,
  syncActionLabel,
} from "../lib/opsLabels";
import { useRecentTasks, useSyncLogs, useSystemNames, type SyncLogFilter } from "../lib/opsQueries";
import { SYNC_ITEM_STATUSES, type SyncLog } from "../types";

const NO_FILTER: SyncLogFilter = { system_id: null, status: null, item_type: null, task_id: null };

function SyncLogsList() {
  const t = useT();
  const { lang } = useLang();
  const [filter, setFilter] = useState<SyncLogFilter>(NO_FILTER);
  const [shown, setShown] = useState<SyncLog | null>(null);
  const { names, systems } = useSystemNames();
  const tasks = useRecentTasks(true);
  const { query, rows } = useSyncLogs(filter, true);
  const systemName = (id: string) => names.get(id) ?? t("ops.unknown_system");

  const columns: ColumnsType<SyncLog> = [
    { title: t("logs.col_time"), key: "time", render: (_, l) => formatTime(l.created_at, lang) },
    { title: t("ops.col_system"), key: "system", render: (_, l) => systemName(l.system_id) },
    { title: t("logs.col_item_type"), key: "type", render: (_, l) => itemTypeLabel(t, l.item_type) },
    { title: t("logs.col_item_id"), dataIndex: "item_id", key: "item_id" },
    { title: t("logs.col_action"), key: "action", render: (_, l) => syncActionLabel(t, l.action) },
    {
      title: t("logs.col_status"),
      key: "status",
      render: (_, l) => (
        <Tag color={ITEM_STATUS_COLORS[l.status]} data-testid={`log-status-${l.id}`}>
          {itemStatusLabel(t, l.status)}
        </Tag>
      ),
    },
    {
      title: t("logs.col_error_class"),
      key: "error_class",
      render: (_, l) =>
        l.error_class ? <Typography.Text type="danger">{errorClassLabel(l.error_class, t)}</Typography.Text> : "—",
    },
  ];

  return (
    <Card>
      <ListToolbar
        filters={
          <>
            <SystemStatusFilters
              systems={systems}
              filter={filter}
              setFilter={setFilter}
              statuses={SYNC_ITEM_STATUSES}
              statusLabel={itemStatusLabel}
            />
            <NameSelect
              names={ITEM_TYPES}
              label={itemTypeLabel}
              value={filter.item_type}
              onChange={(item_type) => setFilter({ ...filter, item_type })}
              placeholder={t("logs.filter_item_type")}
              testId="filter-item-type"
            />
            <Select
              allowClear
              style={{ width: 300 }}
              placeholder={t("logs.filter_task")}
              value={filter.task_id ?? undefined}
              onChange={(v?: string) => setFilter({ ...filter, task_id: v ?? null })}
              options={(tasks.data ?? []).map((r) => ({
                value: r.task.id,
                label: t("logs.task_option", {
                  system: systemName(r.task.system_id),
                  stream: r.task.task_type,
                  at: formatTime(r.task.start_time ?? r.task.created_at, lang),
                }),
              }))}
              data-testid="filter-task"
            />
            <Button onClick={() => setFilter(NO_FILTER)}>{t("ops.filter_reset")}</Button>
          </>
        }
      />
      <PagedList query={query}>
        <Table<SyncLog>
          data-testid="sync-logs-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={query.isPending || (query.isFetching && rows.length === 0)}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("logs.empty") }}
          onRow={(l) =>
            ({
              "data-testid": `log-row-${l.item_id}`,
              style: { cursor: "pointer" },
              onClick: () => setShown(l),
            }) as HTMLAttributes<HTMLElement>
          }
        />
      </PagedList>
      <SyncLogDrawer
        log={shown}
        systemName={shown ? systemName(shown.system_id) : ""}
        onClose={() => setShown(null)}
      />
    </Card>
  );
}

/** 同步日志: every item's outcome, filtered in the core; error details in a drawer. */
export function SyncLogsPage() {
  const t = useT();
  return (
    <OpsPageFrame testId="sync-logs-page" title={t("logs.title")} subtitle={t("logs.subtitle")} view="sync_logs_view">
      {() => <SyncLogsList />}
    </OpsPageFrame>
  );
}
