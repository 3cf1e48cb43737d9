// Data and helpers of the settings tabs' tests. Each test file mocks `../api` itself
// (vi.mock is per file) and hands its mocks to `renderSettings`.
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { Mock } from "vitest";
import { Providers } from "../Providers";
import { SettingsPage } from "../pages/SettingsPage";
import type { AuditEntry, BackupOverview, Operation, Role, UserAccount } from "../types";

export const ADMIN_OPS: Operation[] = [
  "systems_view",
  "systems_create",
  "systems_delete",
  "listener_manage",
  "tokens_manage",
  "users_view",
  "users_manage",
  "backups_manage",
  "audit_view",
];
export const MANAGER_OPS: Operation[] = [
  "systems_view",
  "systems_create",
  "listener_manage",
  "tokens_manage",
  "users_view",
  "users_manage",
];

export function account(username: string, role: Role, over: Partial<UserAccount> = {}): UserAccount {
  return {
    id: `id-${username}`,
    username,
    role,
    disabled: false,
    created_at: "2024-01-01T00:00:00Z",
    last_login_at: null,
    ...over,
  };
}

export const ACCOUNTS = [
  account("admin", "admin"),
  account("floor", "floor_manager", { last_login_at: "2024-02-01T08:00:00Z" }),
  account("old", "staff", { disabled: true }),
];

export const OVERVIEW: BackupOverview = {
  settings: { enabled: true, interval_hours: 24, keep: 7 },
  backups: [
    {
      name: "storelink-20240302T010000Z-scheduled.db",
      kind: "scheduled",
      size_bytes: 1572864,
      created_at: "2024-03-02T01:00:00Z",
    },
    {
      name: "storelink-20240301T010000Z-manual.db",
      kind: "manual",
      size_bytes: 2048,
      created_at: "2024-03-01T01:00:00Z",
    },
  ],
  folder: "/data/backups",
  next_run_at: "2024-03-03T01:00:00Z",
};

export function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: "0190f7a2-0000-7000-8000-0000000000a1",
    at: "2024-03-01T02:00:00Z",
    actor: "manager",
    actor_role: "store_manager",
    action: "users_manage",
    entity: "user",
    entity_id: "id-admin",
    outcome: "forbidden",
    before: null,
    after: null,
    detail: "role store_manager may not users_manage (administrator accounts)",
    ...over,
  };
}

/** The mocked `api`, `settingsApi` and `demoApi` of a test file (vi.mock is per file). */
export type SettingsMocks = {
  api: Record<"appStatus" | "myPermissions" | "listSystems" | "listenerStatus" | "listTokens", Mock>;
  settings: Record<"listUserAccounts" | "backupsOverview" | "searchAuditLog", Mock>;
  demo: Record<"demoStatus", Mock>;
};

/** Renders the settings page for `role` with `ops`, the mocks answering the fixtures. */
export function renderSettings(
  mocks: SettingsMocks,
  role: Role,
  ops: Operation[],
  lang: "zh" | "en" = "zh",
) {
  const { api: mockApi, settings: mockSettings, demo: mockDemo } = mocks;
  mockApi.appStatus.mockResolvedValue({
    needs_admin: false,
    current_user: account(role === "admin" ? "admin" : "boss", role),
    data_dir: "/data",
    version: "0.1.0",
  });
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
  mockApi.listenerStatus.mockResolvedValue({
    settings: { enabled: false, lan: false, port: 8765, tls: false },
    running: false,
    url: null,
    lan_urls: [],
    fingerprint: null,
    error: null,
  });
  mockApi.listTokens.mockResolvedValue([]);
  mockSettings.listUserAccounts.mockResolvedValue(ACCOUNTS);
  mockSettings.backupsOverview.mockResolvedValue(OVERVIEW);
  mockSettings.searchAuditLog.mockResolvedValue({ items: [entry()], next_cursor: null });
  mockDemo.demoStatus.mockResolvedValue({
    systems: [],
    running: false,
    pushed: 0,
    push_every_secs: 5,
    listener_url: null,
    terminal_error: null,
  });
  return render(
    <Providers lang={lang}>
      <SettingsPage />
    </Providers>,
  );
}

export async function openTab(key: string) {
  fireEvent.click(await screen.findByTestId(`settings-tab-${key}`));
}

/** The error texts under the antd Form.Item holding the element with this testid. */
export function fieldErrors(testid: string): string[] {
  const item = screen.getByTestId(testid).closest(".ant-form-item");
  if (!item) return [];
  return Array.from(item.querySelectorAll(".ant-form-item-explain-error")).map((n) => n.textContent ?? "");
}

export async function chooseRole(role: Role) {
  fireEvent.mouseDown(within(screen.getByTestId("user-role")).getByRole("combobox"));
  fireEvent.click(await screen.findByTestId(`user-role-option-${role}`));
}
