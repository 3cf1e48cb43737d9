import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  erp,
  liveUpdatesMock,
  pickOption,
  renderPage,
  statusFor,
  SYSTEM_ID,
  syncLog,
  taskRow,
} from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { SyncLogsPage } from "../SyncLogsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listSyncTasks: vi.fn(),
  listSyncLogs: vi.fn(),
}));
const live = vi.hoisted(() => ({ current: null as ReturnType<typeof liveUpdatesMock> | null }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return {
    ...orig,
    api: mockApi,
    liveUpdates: { listen: (h: never) => live.current?.listen(h) ?? Promise.reject() },
  };
});

const failed = syncLog({
  id: "log-2",
  item_id: "C0002",
  status: "failed",
  error_class: "network_error",
  error_message: "connection refused (check the endpoint and the network)",
});

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor("staff"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listSyncTasks.mockResolvedValue({ items: [taskRow()], next_cursor: null });
  mockApi.listSyncLogs.mockResolvedValue({ items: [syncLog(), failed], next_cursor: null });
  return renderPage(<SyncLogsPage />);
}

const NO_FILTER = { system_id: null, status: null, item_type: null, task_id: null, cursor: null, limit: 50 };

describe("SyncLogsPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists log lines with their item, action, result and error class", async () => {
    setup(["sync_logs_view"]);
    const row = await screen.findByTestId("log-row-C0002");
    expect(within(row).getByText("客户")).toBeInTheDocument();
    expect(within(row).getByText("更新")).toBeInTheDocument();
    expect(within(row).getByText("网络错误")).toBeInTheDocument();
    expect(screen.getByTestId("log-status-log-2")).toHaveTextContent("失败");
    expect(screen.getByTestId("log-status-log-1")).toHaveTextContent("成功");
    expect(mockApi.listSyncLogs).toHaveBeenCalledWith(NO_FILTER);
  });

  it("filters in the core by status, item type, task and system", async () => {
    setup(["sync_logs_view"]);
    await screen.findByTestId("log-row-C0002");
    await pickOption("filter-status", "失败");
    await waitFor(() =>
      expect(mockApi.listSyncLogs).toHaveBeenLastCalledWith({ ...NO_FILTER, status: "failed" }),
    );
    await pickOption("filter-item-type", "客户");
    await waitFor(() =>
      expect(mockApi.listSyncLogs).toHaveBeenLastCalledWith({
        ...NO_FILTER,
        status: "failed",
        item_type: "customer",
      }),
    );
    await pickOption("filter-task", "总部金蝶ERP · customers · " + new Date("2025-11-20T10:00:00Z").toLocaleString("zh-CN", { hour12: false }));
    await pickOption("filter-system", "总部金蝶ERP");
    await waitFor(() =>
      expect(mockApi.listSyncLogs).toHaveBeenLastCalledWith({
        system_id: SYSTEM_ID,
        status: "failed",
        item_type: "customer",
        task_id: "task-1",
        cursor: null,
        limit: 50,
      }),
    );
  });

  it("shows the error class and message of a failed line in a drawer", async () => {
    setup(["sync_logs_view"]);
    fireEvent.click(await screen.findByTestId("log-row-C0002"));
    const detail = await screen.findByTestId("log-detail");
    expect(within(detail).getByTestId("log-error-class")).toHaveTextContent("网络错误");
    expect(within(detail).getByTestId("log-error-message")).toHaveTextContent(
      "connection refused (check the endpoint and the network)",
    );
    expect(within(detail).getByText("临时故障，系统会自动重试")).toBeInTheDocument();
  });

  it("shows a 403 result to a role without sync_logs_view", async () => {
    setup(["systems_view"]);
    expect(await screen.findByText("您的角色无权查看此页面")).toBeInTheDocument();
    expect(mockApi.listSyncLogs).not.toHaveBeenCalled();
  });
});
