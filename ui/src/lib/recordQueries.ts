// TanStack Query hooks of the records pages. Lists are keyset-paged in the core and grow
// as the person scrolls; no polling. An export reports its progress through a channel.
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";
import { api } from "../api";
import type {
  ExportDestination,
  ExportOptions,
  ExportProgress,
  Page,
  RecordFilter,
} from "../types";

/** Rows per IPC call: a virtualised table shows ~15; scrolling asks for the next page. */
export const RECORD_PAGE_SIZE = 200;

export const recordKeys = {
  all: ["records"] as const,
  list: (kind: string, filter: unknown) => ["records", kind, filter] as const,
  raw: (systemId: string, stream: string, externalId: string) =>
    ["records", "raw", systemId, stream, externalId] as const,
  choices: ["records", "choices"] as const,
  exportFolder: ["records", "export_folder"] as const,
};

export type Paged<F> = F & { cursor: string | null; limit: number | null };

/** A keyset-paged list: the next page continues after the last row of the one before. */
export function useRecordList<T, F>(
  kind: string,
  fetch: (query: Paged<F>) => Promise<Page<T>>,
  filter: F,
  enabled = true,
) {
  const query = useInfiniteQuery({
    queryKey: recordKeys.list(kind, filter),
    queryFn: ({ pageParam }) => fetch({ ...filter, cursor: pageParam, limit: RECORD_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { query, rows };
}

/** The filters' choices (types, statuses), as the core names them. */
export function useRecordChoices() {
  return useQuery({ queryKey: recordKeys.choices, queryFn: api.recordChoices, staleTime: Infinity });
}

/** A cached ERP or marketplace record's whole JSON, for the detail drawer. */
export function useRecordRaw(source: { systemId: string; stream: string; externalId: string } | null) {
  return useQuery({
    queryKey: recordKeys.raw(source?.systemId ?? "", source?.stream ?? "", source?.externalId ?? ""),
    queryFn: () =>
      api.getErpRecord(source?.systemId ?? "", source?.stream ?? "", source?.externalId ?? ""),
    enabled: source !== null,
  });
}

export function useExportFolder(enabled: boolean) {
  return useQuery({ queryKey: recordKeys.exportFolder, queryFn: api.exportFolder, enabled });
}

function newExportId(): string {
  return `export-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Runs one export at a time, with its progress and a cancel. */
export function useExportRun() {
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const running = useRef<string | null>(null);
  const mutation = useMutation({
    mutationFn: (v: { filter: RecordFilter; options: ExportOptions; destination: ExportDestination }) => {
      const id = newExportId();
      running.current = id;
      setProgress({ written: 0, total: 0 });
      return api.exportRecords(id, v.filter, v.options, v.destination, setProgress);
    },
    onSettled: () => {
      running.current = null;
    },
  });
  const cancel = () => {
    if (running.current) void api.cancelExport(running.current);
  };
  const reset = () => {
    mutation.reset();
    setProgress(null);
  };
  return { mutation, progress, cancel, reset };
}
