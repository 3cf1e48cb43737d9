import type { OpsPageKey } from "../lib/opsPages";
import { ConflictsPage } from "./ConflictsPage";
import { InboxPage } from "./InboxPage";
import { OutboxPage } from "./OutboxPage";
import { SyncLogsPage } from "./SyncLogsPage";
import { SyncTasksPage } from "./SyncTasksPage";

/** The operations page chosen in the side menu. */
export function OpsPage({ page }: { page: OpsPageKey }) {
  switch (page) {
    case "sync_tasks":
      return <SyncTasksPage />;
    case "sync_logs":
      return <SyncLogsPage />;
    case "conflicts":
      return <ConflictsPage />;
    case "outbox":
      return <OutboxPage />;
    case "inbox":
      return <InboxPage />;
  }
}
