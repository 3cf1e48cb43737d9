import { Card, Progress, Space, Tag, Typography } from "antd";
import type { ReactNode } from "react";
import { translateDynamic, useLang, useT } from "../../i18n";
import { formatPermille } from "../../lib/dashboardFormat";
import { formatTime, STATUS_COLORS, statusLabel, typeLabel } from "../../lib/labels";
import type { SystemCard } from "../../types";

export type CardState = "danger" | "warning" | "ok";

/** Red when the system is unreachable, its last sync failed or its health is poor. */
export function cardState(card: SystemCard): CardState {
  const score = card.health_score ?? 100;
  if (card.unreachable !== null || card.last_sync_status === "failed" || score < 50) return "danger";
  if (card.last_sync_status === "partial" || card.outbox_dead > 0 || score < 80) return "warning";
  return "ok";
}

const BORDER: Record<CardState, string | undefined> = {
  danger: "#ff4d4f",
  warning: "#faad14",
  ok: undefined,
};

const SYNC_STATUS_COLORS: Record<string, string> = { success: "green", failed: "red", partial: "orange" };

function scoreColor(score: number): string {
  if (score >= 80) return "#52c41a";
  if (score >= 50) return "#faad14";
  return "#ff4d4f";
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ display: "flex", justifyContent: "space-between", gap: 8 }}>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <span style={{ textAlign: "right" }}>{children}</span>
    </div>
  );
}

/** One system on the dashboard: health score, last sync, 24 h success rate, outbox. */
export function SystemHealthCard({ card }: { card: SystemCard }) {
  const t = useT();
  const { lang } = useLang();
  const state = cardState(card);
  return (
    <Card
      size="small"
      data-testid={`system-card-${card.name}`}
      data-state={state}
      style={{ height: "100%", borderColor: BORDER[state], borderTopWidth: BORDER[state] ? 3 : 1 }}
      title={
        <Space size={6} wrap>
          <span>{card.name}</span>
          <Tag>{typeLabel(t, card.type)}</Tag>
        </Space>
      }
      extra={<Tag color={STATUS_COLORS[card.status] ?? "default"}>{statusLabel(t, card.status)}</Tag>}
    >
      <div style={{ display: "flex", gap: 16, alignItems: "center" }}>
        <div style={{ textAlign: "center" }} data-testid={`health-${card.name}`}>
          <Progress
            type="dashboard"
            size={84}
            percent={card.health_score ?? 0}
            strokeColor={card.health_score === null ? undefined : scoreColor(card.health_score)}
            format={() => (card.health_score === null ? t("dashboard.no_score") : card.health_score)}
          />
          <div>
            <Typography.Text type="secondary">{t("dashboard.health")}</Typography.Text>
          </div>
        </div>
        <Space direction="vertical" size={4} style={{ flex: 1, minWidth: 0 }}>
          <Row label={t("dashboard.last_sync")}>
            {card.last_sync_at ? (
              <Space size={4} wrap>
                <span>{formatTime(card.last_sync_at, lang)}</span>
                {card.last_sync_status && (
                  <Tag color={SYNC_STATUS_COLORS[card.last_sync_status]} style={{ marginInlineEnd: 0 }}>
                    {translateDynamic(t, `dashboard.sync_status.${card.last_sync_status}`, card.last_sync_status)}
                  </Tag>
                )}
              </Space>
            ) : (
              <Typography.Text type="secondary">
                {card.sync_enabled ? t("dashboard.never_synced") : t("dashboard.sync_off")}
              </Typography.Text>
            )}
          </Row>
          <Row label={t("dashboard.success_rate")}>
            <span data-testid={`success-${card.name}`}>
              {card.success_permille_24h === null
                ? t("dashboard.no_syncs")
                : `${formatPermille(card.success_permille_24h)} · ${t("dashboard.syncs", { count: card.syncs_24h })}`}
            </span>
          </Row>
          <Row label={t("dashboard.outbox")}>
            <span data-testid={`outbox-${card.name}`}>
              {card.outbox_waiting}
              {card.outbox_dead > 0 && (
                <Typography.Text type="danger">
                  {" · "}
                  {t("dashboard.outbox_dead", { count: card.outbox_dead })}
                </Typography.Text>
              )}
            </span>
          </Row>
          {card.unreachable && (
            <Typography.Text type="danger" data-testid={`unreachable-${card.name}`}>
              {translateDynamic(t, `dashboard.unreachable.${card.unreachable}`, card.unreachable)}
            </Typography.Text>
          )}
        </Space>
      </div>
    </Card>
  );
}
