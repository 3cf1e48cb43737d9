import { RedoOutlined, SendOutlined } from "@ant-design/icons";
import { App, Button, Card, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useState } from "react";
import { DetailDrawer } from "../components/ops/DetailDrawer";
import { SystemStatusFilters } from "../components/ops/Filters";
import { ListToolbar, OpsPageFrame } from "../components/ops/OpsPageFrame";
import { PagedList } from "../components/ops/PagedList";
import { useLang, useT } from "../i18n";
import { errorClassLabel } from "../lib/errors";
import { formatTime } from "../lib/labels";
import { OUTBOX_STATUS_COLORS, outboxStatusLabel } from "../lib/opsLabels";
import {
  useDispatchOutbox,
  useOutbox,
  useRetryOutbox,
  useSystemNames,
  type QueueFilter,
} from "../lib/opsQueries";
import { useErrorNotice } from "../lib/useErrorNotice";
import { OUTBOX_STATUSES, type Operation, type OutboxEntry } from "../types";

function OutboxList({ ops }: { ops: ReadonlySet<Operation> }) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [filter, setFilter] = useState<QueueFilter>({ system_id: null, status: null });
  const [shown, setShown] = useState<OutboxEntry | null>(null);
  const { names, systems } = useSystemNames();
  const { query, rows } = useOutbox(filter, true);
  const retry = useRetryOutbox();
  const dispatch = useDispatchOutbox();
  const canSend = ops.has("sync_run");
  const systemName = (id: string) => names.get(id) ?? t("ops.unknown_system");

  const sendNow = () =>
    dispatch.mutate(undefined, {
      onSuccess: (r) => message.success(t("outbox.sent_msg", r)),
      onError: notifyError,
    });
  const retryEntry = (e: OutboxEntry) =>
    retry.mutate(e, {
      onSuccess: () => message.success(t("outbox.retried_msg", { record: e.record_key })),
      onError: notifyError,
    });

  const columns: ColumnsType<OutboxEntry> = [
    { title: t("outbox.col_record"), dataIndex: "record_key", key: "record" },
    { title: t("outbox.col_operation"), dataIndex: "operation", key: "operation" },
    { title: t("ops.col_system"), key: "system", render: (_, e) => systemName(e.system_id) },
    {
      title: t("ops.col_status"),
      key: "status",
      render: (_, e) => (
        <Tag color={OUTBOX_STATUS_COLORS[e.status]} data-testid={`outbox-status-${e.record_key}`}>
          {outboxStatusLabel(t, e.status)}
        </Tag>
      ),
    },
    { title: t("outbox.col_attempts"), dataIndex: "attempts", key: "attempts" },
    {
      title: t("outbox.col_next"),
      key: "next",
      render: (_, e) => (e.status === "pending" ? formatTime(e.next_attempt_at, lang) : "—"),
    },
    {
      title: t("outbox.col_error"),
      key: "error",
      render: (_, e) =>
        e.last_error_class ? (
          <Tooltip title={e.last_error}>
            <Typography.Text type="danger">{errorClassLabel(e.last_error_class, t)}</Typography.Text>
          </Tooltip>
        ) : (
          "—"
        ),
    },
    { title: t("outbox.col_created"), key: "created", render: (_, e) => formatTime(e.created_at, lang) },
    {
      title: t("ops.col_actions"),
      key: "actions",
      fixed: "right",
      render: (_, e) => (
        <>
          <Button type="link" size="small" data-testid={`detail-${e.record_key}`} onClick={() => setShown(e)}>
            {t("ops.detail")}
          </Button>
          {canSend && e.status === "dead" && (
            <Button
              type="link"
              size="small"
              icon={<RedoOutlined />}
              loading={retry.isPending && retry.variables?.id === e.id}
              data-testid={`retry-${e.record_key}`}
              onClick={() => retryEntry(e)}
            >
              {t("outbox.retry")}
            </Button>
          )}
        </>
      ),
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
              statuses={OUTBOX_STATUSES}
              statusLabel={outboxStatusLabel}
            />
          </>
        }
        actions={
          canSend && (
            <Button type="primary" icon={<SendOutlined />} loading={dispatch.isPending} data-testid="send-now" onClick={sendNow}>
              {t("outbox.send_now")}
            </Button>
          )
        }
      />
      <PagedList query={query}>
        <Table<OutboxEntry>
          data-testid="outbox-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={query.isPending || (query.isFetching && rows.length === 0)}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("outbox.empty") }}
          onRow={(e) => ({ "data-testid": `outbox-row-${e.record_key}` }) as HTMLAttributes<HTMLElement>}
        />
      </PagedList>
      <DetailDrawer
        open={shown !== null}
        title={t("outbox.detail_title")}
        onClose={() => setShown(null)}
        items={
          shown
            ? [
                { label: t("outbox.col_record"), value: shown.record_key },
                { label: t("outbox.col_operation"), value: shown.operation },
                { label: t("ops.col_system"), value: systemName(shown.system_id) },
                { label: t("ops.col_status"), value: outboxStatusLabel(t, shown.status) },
                { label: t("outbox.col_attempts"), value: shown.attempts },
                { label: t("outbox.col_error"), value: shown.last_error ?? "—" },
              ]
            : []
        }
        sections={
          shown
            ? [
                { title: t("outbox.payload"), value: shown.payload, testId: "outbox-payload" },
                ...(shown.vendor_reply !== null
                  ? [{ title: t("outbox.vendor_reply"), value: shown.vendor_reply }]
                  : []),
              ]
            : []
        }
      />
    </Card>
  );
}

/** 待发送队列: local changes waiting for their vendor; retry dead ones, send now. */
export function OutboxPage() {
  const t = useT();
  return (
    <OpsPageFrame testId="outbox-page" title={t("outbox.title")} subtitle={t("outbox.subtitle")} view="sync_logs_view">
      {(ops) => <OutboxList ops={ops} />}
    </OpsPageFrame>
  );
}
