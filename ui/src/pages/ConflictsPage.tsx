import { Button, Card, Space, Table, Tag, Tooltip } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useState } from "react";
import { ConflictDrawer } from "../components/ops/ConflictDrawer";
import { SystemStatusFilters } from "../components/ops/Filters";
import { ListToolbar, OpsPageFrame } from "../components/ops/OpsPageFrame";
import { PagedList } from "../components/ops/PagedList";
import { useLang, useT } from "../i18n";
import { formatTime } from "../lib/labels";
import { CONFLICT_STATUS_COLORS, conflictStatusLabel } from "../lib/opsLabels";
import { useConflicts, useSystemNames, type ConflictFilter } from "../lib/opsQueries";
import { CONFLICT_STATUSES, type Conflict, type Operation } from "../types";

function ConflictsList({ ops }: { ops: ReadonlySet<Operation> }) {
  const t = useT();
  const { lang } = useLang();
  // The queue: open conflicts first of all.
  const [filter, setFilter] = useState<ConflictFilter>({ system_id: null, status: "open" });
  const [shown, setShown] = useState<Conflict | null>(null);
  const { names, systems } = useSystemNames();
  const { query, rows } = useConflicts(filter, true);
  const canResolve = ops.has("conflicts_resolve");

  const columns: ColumnsType<Conflict> = [
    { title: t("conflicts.col_record"), dataIndex: "record_key", key: "record" },
    {
      title: t("ops.col_system"),
      key: "system",
      render: (_, c) => names.get(c.system_id) ?? t("ops.unknown_system"),
    },
    { title: t("conflicts.col_entity"), dataIndex: "entity", key: "entity" },
    {
      title: t("conflicts.col_fields"),
      key: "fields",
      render: (_, c) => (
        <Tooltip title={c.fields.map((f) => f.path).join(", ")}>
          <Tag color="orange">{t("conflicts.fields_count", { n: c.fields.length })}</Tag>
        </Tooltip>
      ),
    },
    { title: t("conflicts.col_created"), key: "created", render: (_, c) => formatTime(c.created_at, lang) },
    {
      title: t("ops.col_status"),
      key: "status",
      render: (_, c) => (
        <Tag color={CONFLICT_STATUS_COLORS[c.status]} data-testid={`conflict-status-${c.record_key}`}>
          {conflictStatusLabel(t, c.status)}
        </Tag>
      ),
    },
    { title: t("conflicts.col_resolved_by"), key: "by", render: (_, c) => c.resolved_by ?? "—" },
    {
      title: t("ops.col_actions"),
      key: "actions",
      fixed: "right",
      render: (_, c) => (
        <Button type="link" size="small" data-testid={`open-${c.record_key}`} onClick={() => setShown(c)}>
          {c.status === "open" && canResolve ? t("conflicts.compare") : t("conflicts.view")}
        </Button>
      ),
    },
  ];

  return (
    <Card>
      <ListToolbar
        filters={
          <Space wrap>
            <SystemStatusFilters
              systems={systems}
              filter={filter}
              setFilter={setFilter}
              statuses={CONFLICT_STATUSES}
              statusLabel={conflictStatusLabel}
            />
          </Space>
        }
      />
      <PagedList query={query}>
        <Table<Conflict>
          data-testid="conflicts-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={query.isPending || (query.isFetching && rows.length === 0)}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("conflicts.empty") }}
          onRow={(c) => ({ "data-testid": `conflict-row-${c.record_key}` }) as HTMLAttributes<HTMLElement>}
        />
      </PagedList>
      <ConflictDrawer conflict={shown} canResolve={canResolve} onClose={() => setShown(null)} />
    </Card>
  );
}

/** 冲突处理: the queue of records both sides changed, compared and resolved by a person. */
export function ConflictsPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="conflicts-page"
      title={t("conflicts.title")}
      subtitle={t("conflicts.subtitle")}
      view="sync_logs_view"
    >
      {(ops) => <ConflictsList ops={ops} />}
    </OpsPageFrame>
  );
}
