// TanStack Query hooks of demo mode: its status (for the banner), start or resume, remove,
// and the first-run shortcut that creates the administrator and starts the demo.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, demoApi } from "../api";
import type { DemoStatus, UserView } from "../types";
import { setSessionUser } from "./queries";

export const demoKeys = { status: ["demo_status"] as const };

export function useDemoStatus(enabled: boolean) {
  return useQuery({ queryKey: demoKeys.status, queryFn: () => demoApi.demoStatus(), enabled });
}

export function useStartDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => demoApi.startDemo(),
    onSuccess: (status) => {
      qc.setQueryData(demoKeys.status, status);
      // New systems, a token, the listener: every list may have changed.
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== demoKeys.status[0] });
    },
  });
}

export function useRemoveDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => demoApi.removeDemo(),
    // Systems and their data are gone from every list.
    onSettled: () => qc.invalidateQueries(),
  });
}

export type AdminWithDemo = { user: UserView; demo: DemoStatus | null; demoError: unknown };

/**
 * Creates the first administrator, then starts the demo as them. The session starts
 * either way (the administrator exists); a demo that failed to start is reported.
 */
export function useCreateAdminWithDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { username: string; password: string }): Promise<AdminWithDemo> => {
      const user = await api.createFirstAdmin(v.username, v.password);
      try {
        return { user, demo: await demoApi.startDemo(), demoError: null };
      } catch (demoError) {
        return { user, demo: null, demoError };
      }
    },
    onSuccess: ({ user, demo }) => {
      setSessionUser(qc, user);
      if (demo) qc.setQueryData(demoKeys.status, demo);
    },
  });
}
