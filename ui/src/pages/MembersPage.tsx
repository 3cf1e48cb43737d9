import { Tag } from "antd";
import { api } from "../api";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { RecordListView } from "../components/records/RecordListView";
import type { RecordSpec } from "../components/records/spec";
import { useT } from "../i18n";
import { formatTime } from "../lib/labels";
import { formatMoney, formatOptTime, RECORD_SYNC_COLORS, recordSyncLabel } from "../lib/recordLabels";
import type { MemberQuery, MemberSync } from "../types";

const MEMBERS_SPEC: RecordSpec<MemberSync, MemberQuery> = {
  kind: "members",
  testId: "members-list",
  fileStem: "members",
  noFilter: { system_id: null, phone: null },
  fetch: api.listMembers,
  filters: [
    { type: "system", key: "system_id", systemTypes: ["member"] },
    { type: "text", key: "phone", placeholder: "records.filter_phone", width: 160 },
  ],
  columns: ({ t, lang, systemName }) => [
    { title: t("members.col_member_id"), dataIndex: "member_id", key: "id", width: 150 },
    { title: t("records.col_name"), key: "name", width: 120, render: (_, m) => m.name ?? "—" },
    { title: t("members.col_phone"), key: "phone", width: 130, render: (_, m) => m.phone ?? "—" },
    { title: t("members.col_level"), key: "level", width: 90, render: (_, m) => m.level ?? "—" },
    { title: t("members.col_points"), dataIndex: "points", key: "points", width: 90, align: "right" },
    {
      title: t("members.col_balance"),
      key: "balance",
      width: 110,
      align: "right",
      render: (_, m) => formatMoney(m.balance),
    },
    {
      title: t("records.col_sync_status"),
      key: "sync",
      width: 110,
      render: (_, m) => <Tag color={RECORD_SYNC_COLORS[m.sync_status]}>{recordSyncLabel(t, m.sync_status)}</Tag>,
    },
    {
      title: t("members.col_last_activity"),
      key: "activity",
      width: 170,
      render: (_, m) => formatOptTime(m.last_activity, lang),
    },
    { title: t("ops.col_system"), key: "system", width: 160, render: (_, m) => systemName(m.system_id) },
  ],
  rowId: (m) => m.id,
  rowLabel: (m) => m.member_id,
  detail: (m, { t, lang, systemName }) => ({
    title: t("members.detail_title", { id: m.member_id }),
    fields: [
      { label: t("records.col_name"), value: m.name ?? "—" },
      { label: t("members.col_phone"), value: m.phone ?? "—" },
      { label: t("members.col_email"), value: m.email ?? "—" },
      { label: t("members.col_level"), value: m.level ?? "—" },
      { label: t("members.col_points"), value: m.points },
      { label: t("members.col_balance"), value: formatMoney(m.balance) },
      { label: t("records.col_sync_status"), value: recordSyncLabel(t, m.sync_status) },
      { label: t("records.col_external_id"), value: m.external_member_id ?? "—" },
      { label: t("members.col_last_activity"), value: formatOptTime(m.last_activity, lang) },
      { label: t("records.col_updated"), value: formatTime(m.updated_at, lang) },
      { label: t("ops.col_system"), value: systemName(m.system_id) },
    ],
    lines: [],
    raw: m,
  }),
};

/** 会员: members and their points, level and balance, found by phone. */
export function MembersPage() {
  const t = useT();
  return (
    <OpsPageFrame testId="members-page" title={t("members.title")} subtitle={t("members.subtitle")} view="members_view">
      {(ops) => <RecordListView spec={MEMBERS_SPEC} canExport={ops.has("records_export")} />}
    </OpsPageFrame>
  );
}
