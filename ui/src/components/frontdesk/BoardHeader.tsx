import { Card, Segmented, Space, Typography } from "antd";
import { useT, type TKey } from "../../i18n";
import type { FrontDeskBoard } from "../../types";
import { inFilter, type BoardFilter } from "./statusLook";

const FILTERS: Record<BoardFilter, TKey> = {
  all: "frontdesk.filter.all",
  waiting: "frontdesk.filter.waiting",
  in_store: "frontdesk.filter.in_store",
  done: "frontdesk.filter.done",
};

/** The day, how many bookings and guests it has, and the status filter. */
export function BoardHeader({
  board,
  filter,
  onFilter,
}: {
  board: FrontDeskBoard;
  filter: BoardFilter;
  onFilter: (filter: BoardFilter) => void;
}) {
  const t = useT();
  const count = (f: BoardFilter) => board.reservations.filter((r) => inFilter(f, r.reservation.status)).length;
  const guests = board.reservations
    .filter((r) => r.reservation.status !== "cancelled" && r.reservation.status !== "no_show")
    .reduce((n, r) => n + r.reservation.customer_count, 0);
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 16, flexWrap: "wrap" }}>
        <Space size={32} wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="board-date">
            {t("frontdesk.date", { date: board.date })}
          </Typography.Title>
          <Typography.Text style={{ fontSize: 16 }} data-testid="board-bookings">
            {t("frontdesk.bookings", { count: board.reservations.length })}
          </Typography.Text>
          <Typography.Text style={{ fontSize: 16 }}>{t("frontdesk.guests", { count: guests })}</Typography.Text>
        </Space>
        <Segmented<BoardFilter>
          size="large"
          value={filter}
          onChange={onFilter}
          data-testid="board-filter"
          options={(Object.keys(FILTERS) as BoardFilter[]).map((f) => ({
            value: f,
            label: `${t(FILTERS[f])} ${count(f)}`,
          }))}
        />
      </div>
    </Card>
  );
}
