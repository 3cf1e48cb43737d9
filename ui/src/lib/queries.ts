// TanStack Query hooks over api.ts. No polling: data refreshes on mutations only.
import {
  QueryCache,
  QueryClient,
  MutationCache,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api, isApiError } from "../api";
import { homeKeys } from "./homeQueries";
import type {
  ApiToken,
  AppStatus,
  ExternalSystem,
  ListenerSettings,
  ListenerStatus,
  NewSystem,
  NewToken,
  Operation,
  SystemPatch,
  UserView,
} from "../types";

export const keys = {
  status: ["app_status"] as const,
  permissions: (userId: string | undefined) => ["permissions", userId ?? ""] as const,
  systemsAll: ["systems"] as const,
  systems: (filter: SystemListFilter) => ["systems", filter] as const,
  listener: ["listener"] as const,
  tokens: ["tokens"] as const,
};

export type SystemListFilter = { type: string | null; store_id: string | null; status: string | null };

export const PAGE_SIZE = 50;

/** Sets the session in the cached app status and drops every per-user cache. */
export function setSessionUser(qc: QueryClient, user: UserView | null): void {
  qc.setQueryData<AppStatus>(keys.status, (old) =>
    old ? { ...old, needs_admin: false, current_user: user } : old,
  );
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.status[0] });
}

export function createQueryClient(): QueryClient {
  // Declared first so the cache callbacks can reach it.
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (e, query) => {
        if (isApiError(e, "unauthenticated")) setSessionUser(client, null);
        if (query.queryKey[0] !== keys.status[0]) showRefusedDatabase(client, e);
      },
    }),
    mutationCache: new MutationCache({
      onError: (e) => {
        if (isApiError(e, "unauthenticated")) setSessionUser(client, null);
        showRefusedDatabase(client, e);
      },
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
  return client;
}

/**
 * A database refused while the app runs (found damaged by the check after an unclean stop):
 * the status then answers with the refusal, and the window shows it with its remedy.
 */
function showRefusedDatabase(client: QueryClient, e: unknown): void {
  if (isApiError(e, "database_refused")) void client.invalidateQueries({ queryKey: keys.status });
}

export function useAppStatus() {
  return useQuery({ queryKey: keys.status, queryFn: api.appStatus });
}

export function useCurrentUser(): UserView | null {
  return useAppStatus().data?.current_user ?? null;
}

export function usePermissions() {
  const user = useCurrentUser();
  return useQuery({
    queryKey: keys.permissions(user?.id),
    queryFn: api.myPermissions,
    enabled: user !== null,
    select: (ops: Operation[]) => new Set<Operation>(ops),
  });
}

/** The operations that open the settings page (listener, API tokens, users, backups, audit). */
export const SETTINGS_OPERATIONS: readonly Operation[] = [
  "listener_manage",
  "tokens_manage",
  "users_view",
  "backups_manage",
  "audit_view",
];

export function canOpenSettings(ops: ReadonlySet<Operation> | undefined): boolean {
  return ops !== undefined && SETTINGS_OPERATIONS.some((op) => ops.has(op));
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { username: string; password: string }) => api.login(v.username, v.password),
    onSuccess: (user) => setSessionUser(qc, user),
  });
}

export function useCreateFirstAdmin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { username: string; password: string }) =>
      api.createFirstAdmin(v.username, v.password),
    onSuccess: (user) => setSessionUser(qc, user),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: api.logout,
    onSettled: () => setSessionUser(qc, null),
  });
}

export function useSystems(filter: SystemListFilter, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: keys.systems(filter),
    queryFn: ({ pageParam }) => api.listSystems({ ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    enabled,
  });
}

/** A system added, changed or removed changes its list and its dashboard card. */
function useInvalidateSystems() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.systemsAll }),
      qc.invalidateQueries({ queryKey: homeKeys.dashboard }),
    ]);
}

export function useCreateSystem() {
  const invalidate = useInvalidateSystems();
  return useMutation({
    mutationFn: (input: NewSystem) => api.createSystem(input),
    onSuccess: invalidate,
  });
}

export function useUpdateSystem() {
  const invalidate = useInvalidateSystems();
  return useMutation({
    mutationFn: (v: { id: string; patch: SystemPatch }) => api.updateSystem(v.id, v.patch),
    onSuccess: invalidate,
  });
}

export function useDeleteSystem() {
  const invalidate = useInvalidateSystems();
  return useMutation({
    mutationFn: (s: ExternalSystem) => api.deleteSystem(s.id),
    onSuccess: invalidate,
  });
}

export function useTestSystem() {
  const invalidate = useInvalidateSystems();
  return useMutation({
    mutationFn: (s: ExternalSystem) => api.testSystem(s.id),
    // A failed test still changes the stored status/last test, so refresh either way.
    onSettled: invalidate,
  });
}

export function useListenerStatus(enabled: boolean) {
  return useQuery({ queryKey: keys.listener, queryFn: api.listenerStatus, enabled });
}

export function useSaveListenerSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: ListenerSettings) => api.saveListenerSettings(settings),
    // The command answers with the status after starting or stopping: no refetch needed.
    onSuccess: (status: ListenerStatus) => qc.setQueryData(keys.listener, status),
  });
}

export function useTokens(enabled: boolean) {
  return useQuery({ queryKey: keys.tokens, queryFn: api.listTokens, enabled });
}

function useInvalidateTokens() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: keys.tokens });
}

export function useCreateToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({
    mutationFn: (input: NewToken) => api.createToken(input),
    onSuccess: invalidate,
    // The result carries the token itself: do not keep it once nobody observes it.
    gcTime: 0,
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({
    mutationFn: (token: ApiToken) => api.revokeToken(token.id),
    onSuccess: invalidate,
  });
}
