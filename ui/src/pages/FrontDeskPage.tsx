import { Alert, App, Card, Empty, Spin } from "antd";
import { useState } from "react";
import { BoardHeader } from "../components/frontdesk/BoardHeader";
import { ReservationCard } from "../components/frontdesk/ReservationCard";
import { SeatModal } from "../components/frontdesk/SeatModal";
import { inFilter, NEEDS_CONFIRMATION, statusLabel, type BoardFilter } from "../components/frontdesk/statusLook";
import { OpsPageFrame } from "../components/ops/OpsPageFrame";
import { useT } from "../i18n";
import { appErrorOf, describeError, knownFieldMapper, mapFieldErrors } from "../lib/errors";
import {
  BOARD_COALESCE_MS,
  boardConcerned,
  homeKeys,
  useFrontDeskBoard,
  useLiveRefresh,
  useMoveReservation,
} from "../lib/homeQueries";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { BoardReservation, ReservationStatus, StatusChange } from "../types";

const tableField = knownFieldMapper(["table_number"]);

function Board({ canMove }: { canMove: boolean }) {
  const t = useT();
  const { message, modal } = App.useApp();
  const notifyError = useErrorNotice();
  const [filter, setFilter] = useState<BoardFilter>("all");
  const [seating, setSeating] = useState<BoardReservation | null>(null);
  const [seatError, setSeatError] = useState<string | null>(null);
  const query = useFrontDeskBoard(null, true);
  const move = useMoveReservation();
  useLiveRefresh(homeKeys.boardAll, boardConcerned, BOARD_COALESCE_MS);

  const send = (row: BoardReservation, change: StatusChange) =>
    move.mutate(
      { row, change },
      {
        onSuccess: (moved) => {
          setSeating(null);
          message.success(
            t("frontdesk.moved", {
              name: moved.reservation.customer_name,
              status: statusLabel(t, moved.reservation.status),
            }),
          );
        },
        onError: (e) => {
          // A table number the core refused is shown next to the field.
          const err = appErrorOf(e);
          if (change.status === "seated" && err?.kind === "validation") {
            const table = mapFieldErrors(err.errors, tableField, t).fields.table_number;
            if (table) {
              setSeatError(table.join(" "));
              return;
            }
          }
          notifyError(e);
        },
      },
    );

  const onMove = (row: BoardReservation, next: ReservationStatus) => {
    if (next === "seated") {
      setSeatError(null);
      setSeating(row);
      return;
    }
    const change: StatusChange = { status: next, arrival_time: null, table_number: null };
    if (!NEEDS_CONFIRMATION.includes(next)) {
      send(row, change);
      return;
    }
    const name = row.reservation.customer_name;
    modal.confirm({
      title: t(next === "cancelled" ? "frontdesk.confirm_cancelled" : "frontdesk.confirm_no_show", { name }),
      content: t("frontdesk.confirm_final"),
      okText: t("frontdesk.confirm_ok"),
      cancelText: t("frontdesk.confirm_back"),
      okButtonProps: { danger: true, size: "large", "data-testid": "confirm-move" },
      cancelButtonProps: { size: "large" },
      onOk: () => send(row, change),
    });
  };

  if (query.isPending) {
    return (
      <div className="sl-center" style={{ minHeight: 240 }}>
        <Spin />
      </div>
    );
  }
  if (query.isError) {
    return <Alert type="error" showIcon message={describeError(query.error, t).text} />;
  }
  const board = query.data;
  const rows = board.reservations.filter((r) => inFilter(filter, r.reservation.status));
  const pending = move.isPending ? move.variables : undefined;
  return (
    <div data-testid="front-desk-board">
      <BoardHeader board={board} filter={filter} onFilter={setFilter} />
      {board.truncated && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t("frontdesk.truncated", { count: board.reservations.length })}
        />
      )}
      {rows.length === 0 ? (
        <Card>
          <Empty description={t("frontdesk.empty")} />
        </Card>
      ) : (
        rows.map((row) => (
          <ReservationCard
            key={row.reservation.id}
            row={row}
            offsetMinutes={board.utc_offset_minutes}
            canMove={canMove}
            busy={
              pending?.row.reservation.id === row.reservation.id
                ? (pending.change.status as ReservationStatus)
                : null
            }
            onMove={onMove}
          />
        ))
      )}
      <SeatModal
        row={seating}
        busy={move.isPending}
        error={seatError}
        onSeat={(table) => {
          if (!seating) return;
          setSeatError(null);
          send(seating, { status: "seated", arrival_time: null, table_number: table });
        }}
        onClose={() => setSeating(null)}
      />
    </div>
  );
}

/** 前台预订: today's reservations by time, with large buttons for the allowed next states. */
export function FrontDeskPage() {
  const t = useT();
  return (
    <OpsPageFrame
      testId="front-desk-page"
      title={t("frontdesk.title")}
      subtitle={t("frontdesk.subtitle")}
      view="reservations_view"
    >
      {(ops) => <Board canMove={ops.has("reservations_update_status")} />}
    </OpsPageFrame>
  );
}
