import { Button, Card, Space, Tag, Typography } from "antd";
import { useT } from "../../i18n";
import { storeClock } from "../../lib/dashboardFormat";
import type { BoardReservation, ReservationStatus } from "../../types";
import { actionLabel, NEEDS_CONFIRMATION, STATUS_COLORS, statusLabel } from "./statusLook";

/** Large enough to hit with a finger on a front-desk touch screen. */
const TOUCH = { minHeight: 56, minWidth: 128, fontSize: 18 } as const;

/** One reservation on the board with a button per move the core allows next. */
export function ReservationCard({
  row,
  offsetMinutes,
  canMove,
  busy,
  onMove,
}: {
  row: BoardReservation;
  offsetMinutes: number;
  /** Whether this person may move reservations (reservations_update_status). */
  canMove: boolean;
  /** The move being sent for this reservation, if any. */
  busy: ReservationStatus | null;
  onMove: (row: BoardReservation, next: ReservationStatus) => void;
}) {
  const t = useT();
  const r = row.reservation;
  const finished = row.next_allowed.length === 0;
  return (
    <Card
      data-testid={`reservation-${r.reservation_id}`}
      style={{ marginBottom: 12, opacity: finished ? 0.65 : 1 }}
      styles={{ body: { padding: 16 } }}
    >
      <div style={{ display: "flex", gap: 20, alignItems: "flex-start", flexWrap: "wrap" }}>
        <div style={{ fontSize: 32, fontWeight: 600, minWidth: 96, lineHeight: 1.2 }}>{row.time}</div>
        <Space direction="vertical" size={2} style={{ flex: 1, minWidth: 220 }}>
          <Space size={8} wrap>
            <Typography.Text strong style={{ fontSize: 20 }}>
              {r.customer_name}
            </Typography.Text>
            <Tag color={STATUS_COLORS[r.status]} data-testid={`status-${r.reservation_id}`} style={{ fontSize: 14 }}>
              {statusLabel(t, r.status)}
            </Tag>
            {r.table_number && <Tag color="green">{t("frontdesk.table", { table: r.table_number })}</Tag>}
          </Space>
          <Typography.Text style={{ fontSize: 16 }}>
            {[
              t("frontdesk.guest_count", { count: r.customer_count }),
              r.customer_phone,
              r.reservation_time,
              r.table_type,
              r.area,
            ]
              .filter(Boolean)
              .join(" · ")}
          </Typography.Text>
          {r.arrival_time && (
            <Typography.Text type="secondary">
              {t("frontdesk.arrived_at", { time: storeClock(r.arrival_time, offsetMinutes) })}
            </Typography.Text>
          )}
          {r.special_requirements && <Typography.Text type="warning">{r.special_requirements}</Typography.Text>}
          {r.notes && <Typography.Text type="secondary">{r.notes}</Typography.Text>}
        </Space>
        {canMove && !finished && (
          <Space wrap size={12}>
            {row.next_allowed.map((next) => (
              <Button
                key={next}
                size="large"
                style={TOUCH}
                type={NEEDS_CONFIRMATION.includes(next) ? "default" : "primary"}
                danger={NEEDS_CONFIRMATION.includes(next)}
                loading={busy === next}
                disabled={busy !== null && busy !== next}
                data-testid={`move-${next}-${r.reservation_id}`}
                onClick={() => onMove(row, next)}
              >
                {actionLabel(t, next)}
              </Button>
            ))}
          </Space>
        )}
      </div>
    </Card>
  );
}
