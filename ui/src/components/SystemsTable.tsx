import { ApiOutlined, DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space, Table, Tag, type ButtonProps } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useState } from "react";
import { useT } from "../i18n";
import { errorClassLabel } from "../lib/errors";
import { typeLabel } from "../lib/labels";
import { useDeleteSystem, useTestSystem } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { ExternalSystem } from "../types";
import { LastTestCell, StatusTag } from "./SystemCells";

export type RowPermissions = { update: boolean; delete: boolean; test: boolean };

export function SystemsTable({
  systems,
  loading,
  can,
  onEdit,
}: {
  systems: ExternalSystem[];
  loading: boolean;
  can: RowPermissions;
  onEdit: (s: ExternalSystem) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const testSystem = useTestSystem();
  const deleteSystem = useDeleteSystem();
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());

  const runTest = (s: ExternalSystem) => {
    setTesting((prev) => new Set(prev).add(s.id));
    testSystem.mutate(s, {
      onSuccess: (r) => {
        if (r.ok) {
          message.success(t("systems.test_ok", { name: s.name, ms: r.latency_ms ?? "—" }));
        } else {
          const cls = r.error_class ? errorClassLabel(r.error_class, t) : r.status;
          message.error(t("systems.test_failed", { name: s.name, cls, message: r.message }));
        }
      },
      onError: notifyError,
      onSettled: () =>
        setTesting((prev) => {
          const next = new Set(prev);
          next.delete(s.id);
          return next;
        }),
    });
  };

  const runDelete = (s: ExternalSystem) =>
    deleteSystem.mutateAsync(s).then(
      () => {
        message.success(t("systems.deleted", { name: s.name }));
      },
      (e: unknown) => notifyError(e),
    );

  const showActions = can.update || can.delete || can.test;

  const columns: ColumnsType<ExternalSystem> = [
    {
      title: t("systems.col_name"),
      dataIndex: "name",
      key: "name",
      render: (name: string) => <strong>{name}</strong>,
    },
    {
      title: t("systems.col_type"),
      dataIndex: "type",
      key: "type",
      render: (type: string) => typeLabel(t, type),
    },
    { title: t("systems.col_provider"), dataIndex: "provider", key: "provider" },
    {
      title: t("systems.col_store"),
      dataIndex: "store_id",
      key: "store_id",
      render: (v: string | null) => v ?? "—",
    },
    {
      title: t("systems.col_status"),
      key: "status",
      render: (_, s) => <StatusTag system={s} />,
    },
    {
      title: t("systems.col_sync"),
      dataIndex: "sync_enabled",
      key: "sync_enabled",
      render: (on: boolean) =>
        on ? <Tag color="processing">{t("systems.sync_on")}</Tag> : <Tag>{t("systems.sync_off")}</Tag>,
    },
    {
      title: t("systems.col_interval"),
      dataIndex: "sync_interval",
      key: "sync_interval",
      render: (n: number) => <span>{t("systems.seconds", { n })}</span>,
    },
    {
      title: t("systems.col_last_test"),
      key: "last_test",
      render: (_, s) => <LastTestCell system={s} />,
    },
  ];

  if (showActions) {
    columns.push({
      title: t("systems.col_actions"),
      key: "actions",
      fixed: "right",
      render: (_, s) => (
        <Space size={0} wrap>
          {can.update && (
            <Button type="link" size="small" icon={<EditOutlined />} data-testid={`edit-${s.name}`} onClick={() => onEdit(s)}>
              {t("systems.edit")}
            </Button>
          )}
          {can.test && (
            <Button
              type="link"
              size="small"
              icon={<ApiOutlined />}
              loading={testing.has(s.id)}
              data-testid={`test-${s.name}`}
              onClick={() => runTest(s)}
            >
              {t("systems.test")}
            </Button>
          )}
          {can.delete && (
            <Popconfirm
              title={t("systems.delete_title")}
              description={t("systems.delete_desc")}
              okText={t("systems.delete_ok")}
              cancelText={t("systems.cancel")}
              okButtonProps={{ danger: true, "data-testid": "confirm-delete" } as ButtonProps}
              destroyOnHidden
              // The action column is the last one: open leftwards so the buttons stay in the window.
              placement="topRight"
              onConfirm={() => runDelete(s)}
            >
              <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid={`delete-${s.name}`}>
                {t("systems.delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    });
  }

  return (
    <Table<ExternalSystem>
      data-testid="systems-table"
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={systems}
      loading={loading}
      pagination={false}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: t("systems.empty") }}
      onRow={(s) => ({ "data-testid": `system-row-${s.name}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}
