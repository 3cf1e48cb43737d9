// Desktop notifications in the window: a click on an OS notification arrives as a typed
// event naming the page to open; a notification shown refreshes the bell's list; the core is
// told the window's language so notifications and the tray menu speak it. No polling.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { desktopApi, notificationEvents } from "../api";
import type { PageKey } from "../components/AppLayout";
import { useLang } from "../i18n";
import type { NotificationEvent, NotificationPrefs, NotificationTarget } from "../types";
import { subscribe } from "./subscribe";

export const notificationKeys = {
  list: ["notifications"] as const,
  prefs: ["notification_prefs"] as const,
};

/**
 * The page each notification opens. A page the person may not open falls back to the
 * systems page (the back office checks that, as for the menu).
 */
export const TARGET_PAGES: Record<NotificationTarget, PageKey> = {
  sync_tasks: "sync_tasks",
  outbox: "outbox",
  dashboard: "dashboard",
  front_desk: "front_desk",
};

export function pageForTarget(target: NotificationTarget): PageKey {
  return TARGET_PAGES[target];
}

/** Handles notification events until the returned function is called. */
export function startNotificationEvents(
  qc: QueryClient,
  navigate: (page: PageKey) => void,
): () => void {
  return subscribe(notificationEvents, (event: NotificationEvent) => {
    if (event.type === "clicked") navigate(pageForTarget(event.target));
    else void qc.invalidateQueries({ queryKey: notificationKeys.list });
  });
}

/** Opens the page of a clicked notification while the back office is shown. */
export function useNotificationEvents(navigate: (page: PageKey) => void): void {
  const qc = useQueryClient();
  useEffect(() => startNotificationEvents(qc, navigate), [qc, navigate]);
}

/** Tells the core the window's language (also on the login page). */
export function useNotificationLanguage(): void {
  const { lang } = useLang();
  useEffect(() => {
    // Outside the desktop shell there is nobody to tell.
    desktopApi.setNotificationLanguage(lang).catch(() => {});
  }, [lang]);
}

export function useNotifications() {
  return useQuery({ queryKey: notificationKeys.list, queryFn: desktopApi.listNotifications });
}

export function useNotificationPrefs(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.prefs,
    queryFn: desktopApi.notificationPrefs,
    enabled,
  });
}

export function useSaveNotificationPrefs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prefs: NotificationPrefs) => desktopApi.saveNotificationPrefs(prefs),
    onSuccess: (saved) => qc.setQueryData(notificationKeys.prefs, saved),
  });
}
