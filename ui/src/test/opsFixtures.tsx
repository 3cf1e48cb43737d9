// Shared data and helpers of the operations pages' tests. Each test file mocks `../../api`
// itself (vi.mock is per file); these build what the mocks answer.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { useLiveUpdates } from "../lib/liveUpdates";
import { Providers } from "../Providers";
import type {
  AppStatus,
  Conflict,
  ExternalSystem,
  InboxEvent,
  LiveUpdate,
  OutboxEntry,
  Role,
  SyncLog,
  SyncTaskRow,
} from "../types";

export const SYSTEM_ID = "0190f7a2-0000-7000-8000-0000000000e1";

export function statusFor(role: Role): AppStatus {
  return {
    needs_admin: false,
    current_user: {
      id: `u-${role}`,
      username: role,
      role,
      created_at: "2024-01-01T00:00:00Z",
      last_login_at: null,
    },
    data_dir: "/tmp/data",
    version: "0.1.0",
  };
}

export const erp: ExternalSystem = {
  id: SYSTEM_ID,
  name: "总部金蝶ERP",
  type: "erp",
  provider: "kingdee",
  version: null,
  status: "active",
  store_id: null,
  api_endpoint: "http://127.0.0.1:1/k3cloud",
  webhook_url: null,
  config: {},
  sync_enabled: true,
  sync_interval: 300,
  last_sync_at: null,
  last_sync_status: null,
  secret_fields: [],
  last_test_at: null,
  last_test_latency_ms: null,
  last_test_error_class: null,
  last_test_message: null,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
};

export function taskRow(over: Partial<SyncTaskRow["task"]> = {}, permille = 500): SyncTaskRow {
  return {
    task: {
      id: "task-1",
      system_id: SYSTEM_ID,
      task_type: "customers",
      mode: "full",
      trigger: "manual",
      status: "running",
      start_time: "2025-11-20T10:00:00Z",
      end_time: null,
      total_items: 1000,
      success_items: 480,
      failed_items: 20,
      error_message: null,
      created_at: "2025-11-20T10:00:00Z",
      updated_at: "2025-11-20T10:02:30Z",
      ...over,
    },
    progress_permille: permille,
    estimated_completion: over.status && over.status !== "running" ? null : "2025-11-20T10:05:00Z",
  };
}

export function syncLog(over: Partial<SyncLog> = {}): SyncLog {
  return {
    id: "log-1",
    task_id: "task-1",
    system_id: SYSTEM_ID,
    item_type: "customer",
    item_id: "C0001",
    action: "update",
    status: "success",
    error_class: null,
    error_message: null,
    created_at: "2025-11-20T10:01:00Z",
    ...over,
  };
}

export function conflict(over: Partial<Conflict> = {}): Conflict {
  return {
    id: "conf-1",
    system_id: SYSTEM_ID,
    entity: "customers",
    record_key: "customers:C0001",
    source_data: { name: "李四商贸", code: "C0001", contact: { phone: "13900000002" } },
    target_data: { name: "李四贸易", code: "C0001", contact: { phone: "13900000001" } },
    source_updated_at: "2025-11-21T09:00:00Z",
    target_updated_at: "2025-11-21T08:30:00Z",
    status: "open",
    resolution: null,
    resolved_by: null,
    created_at: "2025-11-21T09:01:00Z",
    resolved_at: null,
    fields: [
      { path: "contact.phone", local: "13900000001", remote: "13900000002" },
      { path: "name", local: "李四贸易", remote: "李四商贸" },
    ],
    ...over,
  };
}

export function outboxEntry(over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: "out-1",
    system_id: SYSTEM_ID,
    record_key: "customers:C0001",
    operation: "customer.update",
    payload: { externalId: "C0001", record: { name: "李四贸易" } },
    status: "dead",
    attempts: 5,
    next_attempt_at: "2025-11-21T10:00:00Z",
    last_error_class: "validation_error",
    last_error: "customer code is locked",
    vendor_reply: null,
    created_at: "2025-11-21T09:00:00Z",
    updated_at: "2025-11-21T09:10:00Z",
    ...over,
  };
}

export function inboxEvent(over: Partial<InboxEvent> = {}): InboxEvent {
  return {
    id: "in-1",
    system_id: SYSTEM_ID,
    event_id: "evt-001",
    event_type: "customer.updated",
    kind: "webhook",
    payload: '{"event":"customer.updated","data":{"id":"C0001"}}',
    headers: { "content-type": "application/json" },
    content_hash: "ab12",
    status: "failed",
    error_message: "customer C0001 not found",
    attempts: 1,
    received_at: "2025-11-21T09:00:00Z",
    processed_at: null,
    ...over,
  };
}

function LiveUpdatesHost() {
  useLiveUpdates();
  return null;
}

/** Renders a page in the app's providers, with live updates listening as in the app. */
export function renderPage(page: ReactNode) {
  return render(
    <Providers lang="zh">
      <LiveUpdatesHost />
      {page}
    </Providers>,
  );
}

/** A `liveUpdates` mock whose `send` delivers an update as the core would. */
export function liveUpdatesMock() {
  // The app listens (for a refused database) and so does the signed-in back office.
  const handlers = new Set<(u: LiveUpdate) => void>();
  return {
    listen: vi.fn(async (h: (u: LiveUpdate) => void) => {
      handlers.add(h);
      return () => {
        handlers.delete(h);
      };
    }),
    send(update: LiveUpdate) {
      if (handlers.size === 0) throw new Error("nobody listens for live updates");
      for (const handler of handlers) handler(update);
    },
  };
}

/** Opens the antd Select holding `testId` and clicks the option labelled `label`. */
export async function pickOption(testId: string, label: string) {
  fireEvent.mouseDown(within(screen.getByTestId(testId)).getByRole("combobox"));
  const option = await waitFor(() => {
    const found = Array.from(
      document.querySelectorAll<HTMLElement>(".ant-select-item-option"),
    ).find((o) => o.getAttribute("title") === label || o.textContent === label);
    if (!found) throw new Error(`no option ${label}`);
    return found;
  });
  fireEvent.click(option);
}
