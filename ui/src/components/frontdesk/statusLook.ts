// How the board shows a reservation status and the button that moves a reservation to it.
// Which moves are offered is the core's (`next_allowed` of each row), never decided here.
import { translateDynamic, type TFunc } from "../../i18n";
import type { ReservationStatus } from "../../types";

export const statusLabel = (t: TFunc, s: ReservationStatus): string =>
  translateDynamic(t, `frontdesk.status.${s}`, s);

export const actionLabel = (t: TFunc, s: ReservationStatus): string =>
  translateDynamic(t, `frontdesk.action.${s}`, s);

export const STATUS_COLORS: Record<ReservationStatus, string> = {
  pending: "default",
  confirmed: "blue",
  arrived: "gold",
  seated: "green",
  completed: "cyan",
  cancelled: "default",
  no_show: "red",
};

/** Moves that end a booking for good ask first. */
export const NEEDS_CONFIRMATION: readonly ReservationStatus[] = ["cancelled", "no_show"];

/** The board's filter groups. */
export type BoardFilter = "all" | "waiting" | "in_store" | "done";

const GROUPS: Record<Exclude<BoardFilter, "all">, readonly ReservationStatus[]> = {
  waiting: ["pending", "confirmed"],
  in_store: ["arrived", "seated"],
  done: ["completed", "cancelled", "no_show"],
};

export function inFilter(filter: BoardFilter, s: ReservationStatus): boolean {
  return filter === "all" || GROUPS[filter].includes(s);
}
