// TanStack Query hooks of the operations pages. No polling: lists refresh after the
// person's own actions and when the core sends a live update (liveUpdates.ts).
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from "@tanstack/react-query";
import { useMemo } from "react";
import { api } from "../api";
import type { ConflictChoice, Conflict, OutboxEntry, SyncTaskRow } from "../types";
import { keys, PAGE_SIZE } from "./queries";

export type SyncTaskFilter = { system_id: string | null };
export type SyncLogFilter = {
  system_id: string | null;
  status: string | null;
  item_type: string | null;
  task_id: string | null;
};
export type ConflictFilter = { system_id: string | null; status: string | null };
export type QueueFilter = { system_id: string | null; status: string | null };

export const opsKeys = {
  syncTasksAll: ["sync_tasks"] as const,
  syncTasks: (f: SyncTaskFilter) => ["sync_tasks", f] as const,
  syncLogsAll: ["sync_logs"] as const,
  syncLogs: (f: SyncLogFilter) => ["sync_logs", f] as const,
  conflictsAll: ["conflicts"] as const,
  conflicts: (f: ConflictFilter) => ["conflicts", f] as const,
  outboxAll: ["outbox"] as const,
  outbox: (f: QueueFilter) => ["outbox", f] as const,
  inboxAll: ["inbox"] as const,
  inbox: (f: QueueFilter) => ["inbox", f] as const,
  streams: (systemId: string) => ["sync_streams", systemId] as const,
  // Under the systems prefix, so whatever refreshes the systems list refreshes the names.
  systemNames: ["systems", "names"] as const,
};

/** Every system's name by id, for the lists' system column and filters (one page of 1000). */
export function useSystemNames(enabled = true) {
  const query = useQuery({
    queryKey: opsKeys.systemNames,
    queryFn: () =>
      api.listSystems({ type: null, store_id: null, status: null, cursor: null, limit: 1000 }),
    enabled,
  });
  const items = query.data?.items;
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const s of items ?? []) names.set(s.id, s.name);
    return { names, systems: items ?? [] };
  }, [items]);
}

/** A keyset-paged list: the next page continues after the last row of the one before. */
function usePagedList<T, F>(
  queryKey: QueryKey,
  fetch: (filter: F & { cursor: string | null; limit: number }) => Promise<{
    items: T[];
    next_cursor: string | null;
  }>,
  filter: F,
  enabled: boolean,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetch({ ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { query, rows };
}

export const useSyncTasks = (filter: SyncTaskFilter, enabled: boolean) =>
  usePagedList(opsKeys.syncTasks(filter), api.listSyncTasks, filter, enabled);

export const useSyncLogs = (filter: SyncLogFilter, enabled: boolean) =>
  usePagedList(opsKeys.syncLogs(filter), api.listSyncLogs, filter, enabled);

export const useConflicts = (filter: ConflictFilter, enabled: boolean) =>
  usePagedList(opsKeys.conflicts(filter), api.listConflicts, filter, enabled);

export const useOutbox = (filter: QueueFilter, enabled: boolean) =>
  usePagedList(opsKeys.outbox(filter), api.listOutbox, filter, enabled);

export const useInbox = (filter: QueueFilter, enabled: boolean) =>
  usePagedList(opsKeys.inbox(filter), api.listInbox, filter, enabled);

/** The newest sync tasks, as choices of the sync logs' task filter. */
export function useRecentTasks(enabled: boolean) {
  return useQuery({
    queryKey: [...opsKeys.syncTasksAll, "recent"],
    queryFn: () => api.listSyncTasks({ system_id: null, cursor: null, limit: PAGE_SIZE }),
    enabled,
    select: (page) => page.items,
  });
}

export function useSyncStreams(systemId: string | null) {
  return useQuery({
    queryKey: opsKeys.streams(systemId ?? ""),
    queryFn: () => api.syncStreams(systemId ?? ""),
    enabled: systemId !== null,
  });
}

function useInvalidate(...prefixes: QueryKey[]) {
  const qc = useQueryClient();
  return () => Promise.all(prefixes.map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export function useRunSync() {
  // A finished sync changes its task, its logs and the system's last sync.
  const invalidate = useInvalidate(opsKeys.syncTasksAll, opsKeys.syncLogsAll, keys.systemsAll);
  return useMutation({
    mutationFn: (v: { systemId: string; stream: string; mode: string }) =>
      api.runSync(v.systemId, v.stream, v.mode),
    onSettled: invalidate,
  });
}

export function useCancelSync() {
  const invalidate = useInvalidate(opsKeys.syncTasksAll);
  return useMutation({
    mutationFn: (row: SyncTaskRow) => api.cancelSync(row.task.id),
    onSettled: invalidate,
  });
}

export function useResolveConflict() {
  // A resolution may queue the chosen version for the vendor.
  const invalidate = useInvalidate(opsKeys.conflictsAll, opsKeys.outboxAll);
  return useMutation({
    mutationFn: (v: { conflict: Conflict; choice: ConflictChoice }) =>
      api.resolveConflict(v.conflict.id, v.choice),
    onSuccess: invalidate,
  });
}

export function useRetryOutbox() {
  const invalidate = useInvalidate(opsKeys.outboxAll);
  return useMutation({
    mutationFn: (entry: OutboxEntry) => api.retryOutbox(entry.id),
    onSettled: invalidate,
  });
}

export function useDispatchOutbox() {
  const invalidate = useInvalidate(opsKeys.outboxAll, opsKeys.syncLogsAll);
  return useMutation({ mutationFn: api.dispatchOutbox, onSettled: invalidate });
}

export function useReplayInbox() {
  // A replay applies the event: its record's logs change too.
  const invalidate = useInvalidate(opsKeys.inboxAll, opsKeys.syncLogsAll);
  return useMutation({
    mutationFn: (id: string) => api.replayInbox(id),
    onSettled: invalidate,
  });
}
