import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Providers } from "../../Providers";
import type { NotificationPrefs, NotificationRecord, Operation } from "../../types";
import { NotificationBell } from "../desktop/NotificationBell";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
}));
const mockDesktop = vi.hoisted(() => ({
  listNotifications: vi.fn(),
  notificationPrefs: vi.fn(),
  saveNotificationPrefs: vi.fn(),
  setNotificationLanguage: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, desktopApi: mockDesktop };
});

const record = (over: Partial<NotificationRecord>): NotificationRecord => ({
  id: 1,
  kind: "sync_failed",
  system_id: "s1",
  target: "sync_tasks",
  title: "同步失败",
  body: "the customers sync of 总部ERP failed: refused",
  shown_at: "2026-03-01T08:00:00Z",
  repeats: 0,
  delivered: true,
  ...over,
});

const PREFS: NotificationPrefs = {
  sync_failed: true,
  outbox_dead: true,
  health_drop: true,
  reservation_created: true,
  reservation_cancelled: true,
  dedup_minutes: 10,
};

function setup(ops: Operation[]) {
  mockApi.appStatus.mockResolvedValue({
    needs_admin: false,
    current_user: {
      id: "u1",
      username: "boss",
      role: "store_manager",
      created_at: "2024-01-01T00:00:00Z",
      last_login_at: null,
    },
    data_dir: "/tmp/data",
    version: "0.1.0",
  });
  mockApi.myPermissions.mockResolvedValue(ops);
  mockDesktop.listNotifications.mockResolvedValue([
    record({ id: 2, kind: "outbox_dead", target: "outbox", title: "变更未能送达，需人工重试", repeats: 3 }),
    record({ id: 1, delivered: false }),
  ]);
  mockDesktop.notificationPrefs.mockResolvedValue(PREFS);
  mockDesktop.saveNotificationPrefs.mockImplementation(async (p: NotificationPrefs) => p);
  const onNavigate = vi.fn();
  render(
    <Providers lang="zh">
      <NotificationBell onNavigate={onNavigate} />
    </Providers>,
  );
  return onNavigate;
}

describe("NotificationBell", () => {
  beforeEach(() => vi.clearAllMocks());

  it("counts unseen notifications, lists them and opens the clicked one's page", async () => {
    const onNavigate = setup(["systems_view"]);
    const badge = screen.getByTestId("notification-count");
    await waitFor(() => expect(badge).toHaveTextContent("2"));

    fireEvent.click(screen.getByTestId("notification-bell"));
    const items = await screen.findAllByTestId("notification-item");
    expect(items.map((i) => i.getAttribute("data-kind"))).toEqual(["outbox_dead", "sync_failed"]);
    expect(within(items[0]).getByText("之后又有 3 次", { exact: false })).toBeInTheDocument();
    // Looked at: nothing unseen any more.
    await waitFor(() => expect(badge).not.toHaveTextContent("2"));

    fireEvent.click(items[0]);
    expect(onNavigate).toHaveBeenCalledWith("outbox");
  });

  it("lets a manager switch a kind off and save", async () => {
    setup(["systems_view", "notifications_manage"]);
    fireEvent.click(screen.getByTestId("notification-bell"));
    fireEvent.click(await screen.findByTestId("notification-settings"));
    const toggle = await screen.findByTestId("notify-pref-health_drop");
    await waitFor(() => expect(toggle).toHaveAttribute("aria-checked", "true"));
    fireEvent.click(toggle);
    fireEvent.click(screen.getByTestId("notify-prefs-save"));
    await waitFor(() =>
      expect(mockDesktop.saveNotificationPrefs).toHaveBeenCalledWith({ ...PREFS, health_drop: false }),
    );
  });

  it("shows the settings read-only to a role without the right", async () => {
    setup(["systems_view"]);
    fireEvent.click(screen.getByTestId("notification-bell"));
    fireEvent.click(await screen.findByTestId("notification-settings"));
    const toggle = await screen.findByTestId("notify-pref-sync_failed");
    expect(toggle).toBeDisabled();
    expect(screen.getByText("仅店长和管理员可以修改通知设置")).toBeInTheDocument();
    expect(screen.queryByTestId("notify-prefs-save")).toBeNull();
  });
});
