import { Card, Typography } from "antd";
import { useState } from "react";
import { useLang, useT } from "../../i18n";
import { useSystemNames } from "../../lib/opsQueries";
import { useRecordList } from "../../lib/recordQueries";
import { ListToolbar } from "../ops/OpsPageFrame";
import { PagedList } from "../ops/PagedList";
import { ExportButton } from "./ExportButton";
import { RecordDrawer } from "./RecordDrawer";
import { RecordFilterBar } from "./RecordFilterBar";
import { RecordTable } from "./RecordTable";
import { exportFilter, type FilterOf, type RecordSpec, type SpecContext } from "./spec";

/**
 * A records list as every records page shows it: filters applied in the core, a
 * virtualised table growing page by page as it scrolls, a detail drawer, and the export
 * of everything the filters match (for roles that may export).
 */
export function RecordListView<T extends object, F>({
  spec,
  canExport,
}: {
  spec: RecordSpec<T, F>;
  canExport: boolean;
}) {
  const t = useT();
  const { lang } = useLang();
  const [filter, setFilter] = useState<FilterOf<F>>(spec.noFilter);
  const [shown, setShown] = useState<T | null>(null);
  const { names, systems } = useSystemNames();
  const { query, rows } = useRecordList(spec.kind, spec.fetch, filter);
  const ctx: SpecContext = { t, lang, systemName: (id) => names.get(id) ?? t("ops.unknown_system") };
  const loadMore = () => {
    if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  };

  return (
    <Card data-testid={spec.testId}>
      <ListToolbar
        filters={
          <RecordFilterBar
            fields={spec.filters as never}
            filter={filter as Record<string, unknown>}
            noFilter={spec.noFilter as Record<string, unknown>}
            systems={systems}
            onChange={(f) => setFilter(f as FilterOf<F>)}
          />
        }
        actions={
          <>
            <Typography.Text type="secondary" data-testid="records-loaded">
              {t("records.count", { n: rows.length })}
            </Typography.Text>
            {canExport && (
              <ExportButton filter={exportFilter(spec.kind, filter)} fileStem={spec.fileStem} />
            )}
          </>
        }
      />
      <PagedList query={query}>
        <RecordTable<T>
          testId={`${spec.testId}-table`}
          columns={spec.columns(ctx)}
          rows={rows}
          rowKey={spec.rowId}
          rowTestId={(r) => `record-row-${spec.rowLabel(r)}`}
          loading={query.isPending || (query.isFetching && rows.length === 0)}
          emptyText={t("records.empty")}
          onOpen={setShown}
          onNearEnd={loadMore}
        />
      </PagedList>
      <RecordDrawer detail={shown ? spec.detail(shown, ctx) : null} onClose={() => setShown(null)} />
    </Card>
  );
}
