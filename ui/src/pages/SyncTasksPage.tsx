import { PlayCircleOutlined } from "@ant-design/icons";
import { Button, Card } from "antd";
import { useState } from "react";
import { SystemSelect } from "../components/ops/Filters";
import { ListToolbar, OpsPageFrame } from "../components/ops/OpsPageFrame";
import { PagedList } from "../components/ops/PagedList";
import { RunSyncModal } from "../components/ops/RunSyncModal";
import { SyncTasksTable } from "../components/ops/SyncTasksTable";
import { useT } from "../i18n";
import { useSyncTasks, useSystemNames, type SyncTaskFilter } from "../lib/opsQueries";
import type { Operation } from "../types";

function SyncTasksList({ ops }: { ops: ReadonlySet<Operation> }) {
  const t = useT();
  const [filter, setFilter] = useState<SyncTaskFilter>({ system_id: null });
  const [running, setRunning] = useState(false);
  const { names, systems } = useSystemNames();
  const { query, rows } = useSyncTasks(filter, true);
  const canRun = ops.has("sync_run");
  return (
    <Card>
      <ListToolbar
        filters={
          <SystemSelect
            systems={systems}
            value={filter.system_id}
            onChange={(system_id) => setFilter({ system_id })}
          />
        }
        actions={
          canRun && (
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              data-testid="run-now"
              onClick={() => setRunning(true)}
            >
              {t("tasks.run_now")}
            </Button>
          )
        }
      />
      <PagedList query={query}>
        <SyncTasksTable
          rows={rows}
          loading={query.isPending || (query.isFetching && !query.isFetchingNextPage && rows.length === 0)}
          names={names}
          canCancel={canRun}
        />
      </PagedList>
      {canRun && <RunSyncModal open={running} systems={systems} onClose={() => setRunning(false)} />}
    </Card>
  );
}

/** 同步任务: every sync's progress and estimated completion; cancel and run now. */
export function SyncTasksPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="sync-tasks-page"
      title={t("tasks.title")}
      subtitle={t("tasks.subtitle")}
      view="sync_logs_view"
    >
      {(ops) => <SyncTasksList ops={ops} />}
    </OpsPageFrame>
  );
}
