// TanStack Query hooks of the dashboard and the front-desk board. No polling: each page
// refetches when the core sends a live update that concerns it (and after its own actions).
import { useMutation, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, liveUpdates } from "../api";
import type { BoardReservation, FrontDeskBoard, LiveUpdate, StatusChange } from "../types";
import { subscribe } from "./subscribe";

export const homeKeys = {
  dashboard: ["dashboard"] as const,
  boardAll: ["front_desk"] as const,
  board: (date: string | null) => ["front_desk", date ?? "today"] as const,
};

/** Live updates arriving this close together refresh the dashboard once. */
export const DASHBOARD_COALESCE_MS = 1000;
/** The board refreshes faster: guests are waiting at the desk. */
export const BOARD_COALESCE_MS = 200;

/** Everything changes the dashboard except a running sync's page counts. */
export function dashboardConcerned(update: LiveUpdate): boolean {
  if (update.type === "missed") return true;
  if (update.type === "data_refused") return false;
  const { event } = update;
  return !(event.kind === "sync_task_progress" && event.status === "running");
}

/** Only reservation changes (made here or by the platform) change the board. */
export function boardConcerned(update: LiveUpdate): boolean {
  if (update.type === "missed") return true;
  if (update.type === "data_refused") return false;
  switch (update.event.kind) {
    case "reservation_created":
    case "reservation_changed":
    case "reservation_cancelled":
      return true;
    default:
      return false;
  }
}

/**
 * While the calling page is shown, refetches `queryKey` when a live update it is
 * `concerned` with arrives, at most once per `coalesceMs`.
 */
export function useLiveRefresh(
  queryKey: QueryKey,
  concerned: (update: LiveUpdate) => boolean,
  coalesceMs: number,
): void {
  const qc = useQueryClient();
  const latest = useRef({ queryKey, concerned });
  latest.current = { queryKey, concerned };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      void qc.invalidateQueries({ queryKey: latest.current.queryKey });
    };
    const stop = subscribe(liveUpdates, (update) => {
      if (latest.current.concerned(update)) timer ??= setTimeout(flush, coalesceMs);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [qc, coalesceMs]);
}

export function useDashboard(enabled: boolean) {
  return useQuery({ queryKey: homeKeys.dashboard, queryFn: () => api.dashboard(), enabled });
}

export function useFrontDeskBoard(date: string | null, enabled: boolean) {
  return useQuery({
    queryKey: homeKeys.board(date),
    queryFn: () => api.frontDeskBoard(date),
    enabled,
  });
}

/** Moves a reservation on; the board shows the answer at once, then refetches. */
export function useMoveReservation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { row: BoardReservation; change: StatusChange }) =>
      api.moveReservation(v.row.reservation.id, v.change),
    onSuccess: (moved) => {
      qc.setQueriesData<FrontDeskBoard>({ queryKey: homeKeys.boardAll }, (board) =>
        board
          ? {
              ...board,
              reservations: board.reservations.map((r) =>
                r.reservation.id === moved.reservation.id ? moved : r,
              ),
            }
          : board,
      );
      void qc.invalidateQueries({ queryKey: homeKeys.boardAll });
    },
  });
}
