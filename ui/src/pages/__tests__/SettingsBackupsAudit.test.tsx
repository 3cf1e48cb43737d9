import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import {
  ADMIN_OPS,
  entry,
  fieldErrors,
  openTab,
  OVERVIEW,
  renderSettings,
} from "../../test/settingsFixtures";
import type { Operation, Role } from "../../types";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listenerStatus: vi.fn(),
  listTokens: vi.fn(),
}));
const mockSettings = vi.hoisted(() => ({
  listUserAccounts: vi.fn(),
  addUserAccount: vi.fn(),
  changeUserRole: vi.fn(),
  setUserDisabled: vi.fn(),
  resetUserPassword: vi.fn(),
  backupsOverview: vi.fn(),
  saveBackupSettings: vi.fn(),
  runBackup: vi.fn(),
  restoreBackup: vi.fn(),
  searchAuditLog: vi.fn(),
}));
const mockDemo = vi.hoisted(() => ({ demoStatus: vi.fn(), startDemo: vi.fn(), removeDemo: vi.fn() }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, settingsApi: mockSettings, demoApi: mockDemo };
});

const mocks = { api: mockApi, settings: mockSettings, demo: mockDemo };
const setup = (role: Role, ops: Operation[], lang: "zh" | "en" = "zh") =>
  renderSettings(mocks, role, ops, lang);

describe("SettingsPage: backups", () => {
  beforeEach(() => vi.clearAllMocks());

  it("lists backups with size and time, backs up now and saves checked settings", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("backups");
    const row = await screen.findByTestId("backup-row-storelink-20240302T010000Z-scheduled.db");
    expect(within(row).getByText("定时")).toBeInTheDocument();
    expect(screen.getByTestId("backup-size-storelink-20240302T010000Z-scheduled.db")).toHaveTextContent("1.5 MB");
    expect(screen.getByTestId("backup-size-storelink-20240301T010000Z-manual.db")).toHaveTextContent("2.0 KB");
    expect(screen.getByText("/data/backups")).toBeInTheDocument();

    mockSettings.runBackup.mockResolvedValue(OVERVIEW.backups[1]);
    fireEvent.click(screen.getByTestId("backup-run"));
    await waitFor(() => expect(mockSettings.runBackup).toHaveBeenCalledTimes(1));
    expect(await screen.findByText("已创建备份 storelink-20240301T010000Z-manual.db")).toBeInTheDocument();

    fireEvent.change(screen.getByTestId("backup-keep"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("backup-save"));
    await waitFor(() => expect(fieldErrors("backup-keep")).toEqual(["须在 1 到 100 之间"]));
    expect(mockSettings.saveBackupSettings).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId("backup-keep"), { target: { value: "3" } });
    fireEvent.change(screen.getByTestId("backup-interval"), { target: { value: "6" } });
    mockSettings.saveBackupSettings.mockResolvedValue({ enabled: true, interval_hours: 6, keep: 3 });
    fireEvent.click(screen.getByTestId("backup-save"));
    await waitFor(() =>
      expect(mockSettings.saveBackupSettings).toHaveBeenCalledWith({ enabled: true, interval_hours: 6, keep: 3 }),
    );
    expect(await screen.findByText("备份设置已保存")).toBeInTheDocument();
  });

  it("restores only after the name is typed, and says the app restarts", async () => {
    const name = "storelink-20240301T010000Z-manual.db";
    setup("admin", ADMIN_OPS);
    await openTab("backups");
    fireEvent.click(await screen.findByTestId(`backup-restore-${name}`));
    const ok = await screen.findByTestId("backup-restore-ok");
    expect(ok).toBeDisabled();
    fireEvent.change(screen.getByTestId("backup-restore-confirm"), { target: { value: "storelink" } });
    expect(ok).toBeDisabled();
    fireEvent.change(screen.getByTestId("backup-restore-confirm"), { target: { value: name } });
    await waitFor(() => expect(ok).not.toBeDisabled());
    mockSettings.restoreBackup.mockResolvedValue({
      restored_from: name,
      previous_copy: "storelink-20240304T000000Z-pre-restore.db",
    });
    fireEvent.click(ok);
    await waitFor(() => expect(mockSettings.restoreBackup).toHaveBeenCalledWith(name));
    expect(await screen.findByTestId("backup-restored")).toHaveTextContent(`已从 ${name} 恢复，应用正在重启…`);
  });

  it("shows why a damaged backup was refused", async () => {
    const name = "storelink-20240301T010000Z-manual.db";
    setup("admin", ADMIN_OPS);
    await openTab("backups");
    fireEvent.click(await screen.findByTestId(`backup-restore-${name}`));
    fireEvent.change(await screen.findByTestId("backup-restore-confirm"), { target: { value: name } });
    mockSettings.restoreBackup.mockRejectedValue(
      new ApiError({
        kind: "database_refused",
        message: `the backup ${name} is damaged (integrity_check: page 3)`,
        remedy: "choose another backup; nothing was changed",
      }),
    );
    fireEvent.click(screen.getByTestId("backup-restore-ok"));
    expect(await screen.findByText(/is damaged \(integrity_check: page 3\)/)).toBeInTheDocument();
    expect(screen.getByText(/nothing was changed/)).toBeInTheDocument();
    expect(screen.queryByTestId("backup-restored")).toBeNull();
  });
});

describe("SettingsPage: audit log", () => {
  beforeEach(() => vi.clearAllMocks());

  it("lists entries in words, filters them, and shows an entry's detail", async () => {
    const changed = entry({
      id: "0190f7a2-0000-7000-8000-0000000000a2",
      outcome: "success",
      before: { role: "staff" },
      after: { role: "floor_manager" },
      detail: "role changed to floor_manager",
    });
    setup("admin", ADMIN_OPS);
    mockSettings.searchAuditLog.mockResolvedValue({ items: [entry(), changed], next_cursor: null });
    await openTab("audit");
    const row = await screen.findByTestId(`audit-row-${entry().id}`);
    expect(within(row).getByText("管理用户")).toBeInTheDocument();
    expect(within(row).getByText("店长")).toBeInTheDocument();
    expect(screen.getByTestId(`audit-outcome-${entry().id}`)).toHaveTextContent("已拒绝");
    expect(mockSettings.searchAuditLog).toHaveBeenLastCalledWith({
      actor: null,
      action: null,
      entity: null,
      outcome: null,
      from: null,
      to: null,
      cursor: null,
      limit: 50,
    });

    fireEvent.mouseDown(within(screen.getByTestId("audit-filter-outcome")).getByRole("combobox"));
    fireEvent.click(await screen.findByTitle("已拒绝"));
    await waitFor(() =>
      expect(mockSettings.searchAuditLog).toHaveBeenLastCalledWith(
        expect.objectContaining({ outcome: "forbidden", cursor: null }),
      ),
    );
    const actor = screen.getByTestId("audit-filter-actor");
    fireEvent.change(actor, { target: { value: " manager " } });
    fireEvent.keyDown(actor, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() =>
      expect(mockSettings.searchAuditLog).toHaveBeenLastCalledWith(
        expect.objectContaining({ outcome: "forbidden", actor: "manager" }),
      ),
    );

    fireEvent.click(screen.getByTestId("audit-filter-reset"));
    expect(actor).toHaveValue("");
    fireEvent.click(await screen.findByTestId(`audit-detail-${changed.id}`));
    const drawer = await screen.findByTestId("audit-drawer");
    expect(within(drawer).getByTestId("audit-before")).toHaveTextContent('"role": "staff"');
    expect(within(drawer).getByTestId("audit-after")).toHaveTextContent('"role": "floor_manager"');
    expect(within(drawer).getByText("role changed to floor_manager")).toBeInTheDocument();
  });
});
