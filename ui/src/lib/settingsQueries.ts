// TanStack Query hooks of the settings tabs: staff accounts, backups, the audit log.
// No polling: lists refresh after the person's own changes.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { settingsApi } from "../api";
import type { BackupSettings, Role, UserAccount } from "../types";
import { PAGE_SIZE } from "./queries";

/** The audit log viewer's filters; `from`/`to` are ISO times. */
export type AuditFilter = {
  actor: string | null;
  action: string | null;
  entity: string | null;
  outcome: string | null;
  from: string | null;
  to: string | null;
};

export const NO_AUDIT_FILTER: AuditFilter = {
  actor: null,
  action: null,
  entity: null,
  outcome: null,
  from: null,
  to: null,
};

export const settingsKeys = {
  users: ["user_accounts"] as const,
  backups: ["backups"] as const,
  auditAll: ["audit_log"] as const,
  audit: (f: AuditFilter) => ["audit_log", f] as const,
};

export function useUserAccounts(enabled: boolean) {
  return useQuery({
    queryKey: settingsKeys.users,
    queryFn: () => settingsApi.listUserAccounts(),
    enabled,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  // A change is also a new audit entry.
  return (key: readonly string[]) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: key }),
      qc.invalidateQueries({ queryKey: settingsKeys.auditAll }),
    ]);
}

export function useAddUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { username: string; password: string; role: Role }) =>
      settingsApi.addUserAccount(v.username, v.password, v.role),
    onSuccess: () => invalidate(settingsKeys.users),
  });
}

export function useChangeRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { user: UserAccount; role: Role }) =>
      settingsApi.changeUserRole(v.user.id, v.role),
    onSuccess: () => invalidate(settingsKeys.users),
  });
}

export function useSetDisabled() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { user: UserAccount; disabled: boolean }) =>
      settingsApi.setUserDisabled(v.user.id, v.disabled),
    onSuccess: () => invalidate(settingsKeys.users),
  });
}

export function useResetPassword() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { user: UserAccount; password: string }) =>
      settingsApi.resetUserPassword(v.user.id, v.password),
    onSuccess: () => invalidate(settingsKeys.users),
  });
}

export function useBackups(enabled: boolean) {
  return useQuery({
    queryKey: settingsKeys.backups,
    queryFn: () => settingsApi.backupsOverview(),
    enabled,
  });
}

export function useSaveBackupSettings() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (settings: BackupSettings) => settingsApi.saveBackupSettings(settings),
    onSuccess: () => invalidate(settingsKeys.backups),
  });
}

export function useRunBackup() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => settingsApi.runBackup(),
    onSettled: () => invalidate(settingsKeys.backups),
  });
}

/** After a restore the app restarts on the restored database: nothing to refresh. */
export function useRestoreBackup() {
  return useMutation({ mutationFn: (name: string) => settingsApi.restoreBackup(name) });
}

export function useAuditLog(filter: AuditFilter, enabled: boolean) {
  const query = useInfiniteQuery({
    queryKey: settingsKeys.audit(filter),
    queryFn: ({ pageParam }) =>
      settingsApi.searchAuditLog({ ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { query, rows };
}
