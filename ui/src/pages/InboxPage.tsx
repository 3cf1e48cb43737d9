import { RedoOutlined } from "@ant-design/icons";
import { App, Button, Card, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { useState } from "react";
import { DetailDrawer } from "../components/ops/DetailDrawer";
import { SystemStatusFilters } from "../components/ops/Filters";
import { ListToolbar, OpsPageFrame } from "../components/ops/OpsPageFrame";
import { PagedList } from "../components/ops/PagedList";
import { useLang, useT } from "../i18n";
import { formatTime } from "../lib/labels";
import { INBOX_STATUS_COLORS, inboxKindLabel, inboxStatusLabel } from "../lib/opsLabels";
import { useInbox, useReplayInbox, useSystemNames, type QueueFilter } from "../lib/opsQueries";
import { useErrorNotice } from "../lib/useErrorNotice";
import { INBOX_STATUSES, type InboxEvent, type Operation } from "../types";

function InboxList({ ops }: { ops: ReadonlySet<Operation> }) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [filter, setFilter] = useState<QueueFilter>({ system_id: null, status: null });
  const [shown, setShown] = useState<InboxEvent | null>(null);
  const { names, systems } = useSystemNames();
  const { query, rows } = useInbox(filter, true);
  const replay = useReplayInbox();
  const canReplay = ops.has("sync_run");
  const systemName = (id: string) => names.get(id) ?? t("ops.unknown_system");

  const replayEvent = (e: InboxEvent) =>
    replay.mutate(e.id, {
      onSuccess: (reply) =>
        reply.duplicate && reply.status === "processed"
          ? message.info(t("inbox.replay_duplicate"))
          : message.success(t("inbox.replayed_msg", { event: e.event_type })),
      onError: notifyError,
    });

  const columns: ColumnsType<InboxEvent> = [
    { title: t("inbox.col_received"), key: "received", render: (_, e) => formatTime(e.received_at, lang) },
    { title: t("ops.col_system"), key: "system", render: (_, e) => systemName(e.system_id) },
    { title: t("inbox.col_event"), dataIndex: "event_type", key: "event" },
    {
      title: t("inbox.col_event_id"),
      key: "event_id",
      render: (_, e) => (
        <Typography.Text ellipsis style={{ maxWidth: 200 }} title={e.event_id}>
          {e.event_id}
        </Typography.Text>
      ),
    },
    { title: t("inbox.col_kind"), key: "kind", render: (_, e) => inboxKindLabel(t, e.kind) },
    {
      title: t("ops.col_status"),
      key: "status",
      render: (_, e) => (
        <Tag color={INBOX_STATUS_COLORS[e.status]} data-testid={`inbox-status-${e.event_id}`}>
          {inboxStatusLabel(t, e.status)}
        </Tag>
      ),
    },
    { title: t("inbox.col_attempts"), dataIndex: "attempts", key: "attempts" },
    {
      title: t("inbox.col_error"),
      key: "error",
      render: (_, e) =>
        e.error_message ? (
          <Tooltip title={e.error_message}>
            <Typography.Text type="danger" ellipsis style={{ maxWidth: 220 }}>
              {e.error_message}
            </Typography.Text>
          </Tooltip>
        ) : (
          "—"
        ),
    },
    {
      title: t("ops.col_actions"),
      key: "actions",
      fixed: "right",
      render: (_, e) => (
        <>
          <Button type="link" size="small" data-testid={`detail-${e.event_id}`} onClick={() => setShown(e)}>
            {t("ops.detail")}
          </Button>
          {canReplay && e.status !== "processed" && (
            <Button
              type="link"
              size="small"
              icon={<RedoOutlined />}
              loading={replay.isPending && replay.variables === e.id}
              data-testid={`replay-${e.event_id}`}
              onClick={() => replayEvent(e)}
            >
              {t("inbox.replay")}
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
              statuses={INBOX_STATUSES}
              statusLabel={inboxStatusLabel}
            />
          </>
        }
      />
      <PagedList query={query}>
        <Table<InboxEvent>
          data-testid="inbox-table"
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={rows}
          loading={query.isPending || (query.isFetching && rows.length === 0)}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("inbox.empty") }}
          onRow={(e) => ({ "data-testid": `inbox-row-${e.event_id}` }) as HTMLAttributes<HTMLElement>}
        />
      </PagedList>
      <DetailDrawer
        open={shown !== null}
        title={t("inbox.detail_title")}
        onClose={() => setShown(null)}
        items={
          shown
            ? [
                { label: t("inbox.col_event"), value: shown.event_type },
                { label: t("inbox.col_event_id"), value: shown.event_id },
                { label: t("ops.col_system"), value: systemName(shown.system_id) },
                { label: t("ops.col_status"), value: inboxStatusLabel(t, shown.status) },
                { label: t("inbox.col_error"), value: shown.error_message ?? "—" },
              ]
            : []
        }
        sections={
          shown
            ? [
                { title: t("inbox.payload"), value: shown.payload, testId: "inbox-payload" },
                { title: t("inbox.headers"), value: shown.headers },
              ]
            : []
        }
      />
    </Card>
  );
}

/** 接收记录: webhooks as received, with their processing status; replay by managers. */
export function InboxPage() {
  const t = useT();
  return (
    <OpsPageFrame testId="inbox-page" title={t("inbox.title")} subtitle={t("inbox.subtitle")} view="sync_run">
      {(ops) => <InboxList ops={ops} />}
    </OpsPageFrame>
  );
}
