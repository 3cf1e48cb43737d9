// Live updates: the core sends a typed event when something happens (a sync task moves, a
// webhook arrives, an alert is raised) and the lists that show it are refetched. Nothing
// runs while nothing happens.
import { useQueryClient, type QueryClient, type QueryKey } from "@tanstack/react-query";
import { useEffect } from "react";
import { liveUpdates } from "../api";
import type { DomainEvent, LiveUpdate } from "../types";
import { boardConcerned, dashboardConcerned, homeKeys } from "./homeQueries";
import { opsKeys } from "./opsQueries";
import { keys } from "./queries";
import { subscribe } from "./subscribe";

/** Events arriving this close together refresh each list once. */
export const COALESCE_MS = 200;

const EVERYTHING: QueryKey[] = [
  opsKeys.syncTasksAll,
  opsKeys.syncLogsAll,
  opsKeys.conflictsAll,
  opsKeys.outboxAll,
  opsKeys.inboxAll,
  keys.systemsAll,
];

function keysForEvent(event: DomainEvent): QueryKey[] {
  switch (event.kind) {
    case "sync_task_progress":
      // A running sync writes logs and may park conflicts; its end is the system's last sync.
      return event.status === "running"
        ? [opsKeys.syncTasksAll, opsKeys.syncLogsAll, opsKeys.conflictsAll]
        : [opsKeys.syncTasksAll, opsKeys.syncLogsAll, opsKeys.conflictsAll, keys.systemsAll];
    case "alert":
      switch (event.alert.kind) {
        case "task_failed":
          return [opsKeys.syncTasksAll, opsKeys.syncLogsAll, keys.systemsAll];
        case "outbox_dead":
          return [opsKeys.outboxAll];
        case "health_drop":
          return [keys.systemsAll];
      }
      return [];
    case "pos_transaction_recorded":
    case "supplier_order_changed":
      return [opsKeys.inboxAll, opsKeys.syncLogsAll];
    case "reservation_created":
    case "reservation_changed":
    case "reservation_cancelled":
      // A status set at the front desk is queued for the platform.
      return [opsKeys.inboxAll, opsKeys.syncLogsAll, opsKeys.outboxAll];
  }
}

/** The query key prefixes an update makes stale. */
export function keysFor(update: LiveUpdate): QueryKey[] {
  switch (update.type) {
    case "missed":
      return EVERYTHING;
    case "data_refused":
      // Heard by the whole app, signed in or not (useRefusalAnnouncements).
      return [];
    case "domain":
      return keysForEvent(update.event);
  }
}

/**
 * The home pages an update makes stale. While shown they refetch themselves at their own
 * pace (`useLiveRefresh`); when not, they are only marked stale here, so coming back to one
 * shows fresh data instead of the cached picture.
 */
export function homeKeysFor(update: LiveUpdate): QueryKey[] {
  const stale: QueryKey[] = [];
  if (dashboardConcerned(update)) stale.push(homeKeys.dashboard);
  if (boardConcerned(update)) stale.push(homeKeys.boardAll);
  return stale;
}

/** Refetches (only) the shown lists an update concerns, at most once per COALESCE_MS. */
export function startLiveUpdates(qc: QueryClient): () => void {
  const pending = new Map<string, QueryKey>();
  const staleOnly = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    for (const queryKey of pending.values()) void qc.invalidateQueries({ queryKey });
    for (const queryKey of staleOnly.values()) {
      void qc.invalidateQueries({ queryKey, refetchType: "none" });
    }
    pending.clear();
    staleOnly.clear();
  };
  const stop = subscribe(liveUpdates, (update) => {
    for (const key of keysFor(update)) pending.set(JSON.stringify(key), key);
    for (const key of homeKeysFor(update)) staleOnly.set(JSON.stringify(key), key);
    timer ??= setTimeout(flush, COALESCE_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}

/** Listens for live updates while the signed-in back office is shown. */
export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => startLiveUpdates(qc), [qc]);
}

/**
 * Listens, for as long as the app is shown (the sign-in form included), for the core's
 * word that the database was found damaged after start-up; the status then answers with
 * the refusal, which replaces the whole window with the reason and the remedy.
 */
export function useRefusalAnnouncements(): void {
  const qc = useQueryClient();
  useEffect(
    () =>
      subscribe(liveUpdates, (update) => {
        if (update.type === "data_refused") void qc.invalidateQueries({ queryKey: keys.status });
      }),
    [qc],
  );
}
