import { PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Result, Space, Spin, Typography } from "antd";
import { useMemo, useState } from "react";
import { SystemFilters, NO_FILTER } from "../components/SystemFilters";
import { SystemFormDrawer } from "../components/SystemFormDrawer";
import { SystemsTable } from "../components/SystemsTable";
import { useT } from "../i18n";
import { describeError } from "../lib/errors";
import { usePermissions, useSystems, type SystemListFilter } from "../lib/queries";
import type { ExternalSystem } from "../types";

type DrawerState = { open: boolean; system: ExternalSystem | null };

/** 系统管理: list, filter, add, edit, test and delete external systems. */
export function SystemsPage() {
  const t = useT();
  const perms = usePermissions();
  const [filter, setFilter] = useState<SystemListFilter>(NO_FILTER);
  const [drawer, setDrawer] = useState<DrawerState>({ open: false, system: null });
  const canView = perms.data?.has("systems_view") ?? false;
  const systems = useSystems(filter, canView);

  const rows = useMemo(() => systems.data?.pages.flatMap((p) => p.items) ?? [], [systems.data]);

  if (perms.isPending) {
    return (
      <div className="sl-center" style={{ minHeight: 240 }}>
        <Spin />
      </div>
    );
  }
  if (perms.isError) {
    return <Alert type="error" showIcon message={describeError(perms.error, t).text} />;
  }

  const ops = perms.data;
  const can = {
    create: ops.has("systems_create"),
    update: ops.has("systems_update"),
    delete: ops.has("systems_delete"),
    test: ops.has("systems_test"),
  };

  return (
    <div data-testid="systems-page">
      <Space direction="vertical" size={4} style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("systems.title")}
        </Typography.Title>
        <Typography.Text type="secondary">{t("systems.subtitle")}</Typography.Text>
      </Space>
      {!canView ? (
        <Card>
          <Result status="403" subTitle={t("systems.no_view")} />
        </Card>
      ) : (
        <Card>
          <div
            style={{
              display: "flex",
              justifyContent: "space-between",
              gap: 12,
              flexWrap: "wrap",
              marginBottom: 16,
            }}
          >
            <SystemFilters value={filter} onChange={setFilter} />
            {can.create && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                data-testid="add-system"
                onClick={() => setDrawer({ open: true, system: null })}
              >
                {t("systems.add")}
              </Button>
            )}
          </div>
          {systems.isError && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              message={describeError(systems.error, t).text}
            />
          )}
          <SystemsTable
            systems={rows}
            loading={systems.isPending || (systems.isFetching && !systems.isFetchingNextPage)}
            can={can}
            onEdit={(s) => setDrawer({ open: true, system: s })}
          />
          {systems.hasNextPage && (
            <div style={{ textAlign: "center", marginTop: 16 }}>
              <Button
                data-testid="load-more"
                loading={systems.isFetchingNextPage}
                onClick={() => systems.fetchNextPage()}
              >
                {t("systems.load_more")}
              </Button>
            </div>
          )}
        </Card>
      )}
      <SystemFormDrawer
        open={drawer.open}
        system={drawer.system}
        onClose={() => setDrawer((d) => ({ ...d, open: false }))}
      />
    </div>
  );
}
