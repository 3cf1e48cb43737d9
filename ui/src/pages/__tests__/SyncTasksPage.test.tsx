import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  erp,
  liveUpdatesMock,
  pickOption,
  renderPage,
  statusFor,
  SYSTEM_ID,
  taskRow,
} from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { SyncTasksPage } from "../SyncTasksPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listSyncTasks: vi.fn(),
  syncStreams: vi.fn(),
  runSync: vi.fn(),
  cancelSync: vi.fn(),
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

const VIEW: Operation[] = ["systems_view", "sync_logs_view"];
const MANAGER: Operation[] = [...VIEW, "sync_run"];

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor(ops.includes("sync_run") ? "store_manager" : "staff"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listSyncTasks.mockResolvedValue({ items: [taskRow()], next_cursor: null });
  return renderPage(<SyncTasksPage />);
}

describe("SyncTasksPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists tasks with system, stream, status, progress and counts", async () => {
    setup(VIEW);
    const row = await screen.findByTestId("task-row-task-1");
    expect(await within(row).findByText("总部金蝶ERP")).toBeInTheDocument();
    expect(within(row).getByText("customers")).toBeInTheDocument();
    expect(within(row).getByText("全量")).toBeInTheDocument();
    expect(within(row).getByText("手动")).toBeInTheDocument();
    expect(screen.getByTestId("task-status-task-1")).toHaveTextContent("运行中");
    expect(screen.getByTestId("progress-task-1")).toHaveTextContent("50.0%");
    expect(screen.getByTestId("progress-task-1")).toHaveTextContent("成功 480 · 失败 20 · 共 1000");
    expect(mockApi.listSyncTasks).toHaveBeenCalledWith({ system_id: null, cursor: null, limit: 50 });
  });

  it("hides run-now and cancel from a role without sync_run", async () => {
    setup(VIEW);
    await screen.findByTestId("task-row-task-1");
    expect(screen.queryByTestId("run-now")).toBeNull();
    expect(screen.queryByTestId("cancel-task-1")).toBeNull();
  });

  it("cancels a running task after confirmation", async () => {
    setup(MANAGER);
    mockApi.cancelSync.mockResolvedValue(taskRow({ status: "cancelled" }, 500));
    fireEvent.click(await screen.findByTestId("cancel-task-1"));
    fireEvent.click(await screen.findByTestId("confirm-cancel"));
    await waitFor(() => expect(mockApi.cancelSync).toHaveBeenCalledWith("task-1"));
    expect(await screen.findByText("已取消同步任务")).toBeInTheDocument();
  });

  it("runs a chosen stream now in the chosen mode", async () => {
    setup(MANAGER);
    mockApi.syncStreams.mockResolvedValue([
      { name: "customers", entity: "customer", modes: ["full", "incremental"] },
      { name: "products", entity: "product", modes: ["full", "incremental"] },
    ]);
    mockApi.runSync.mockResolvedValue(taskRow({ status: "completed", success_items: 1000, failed_items: 0 }, 1000));
    await screen.findByTestId("task-row-task-1");
    fireEvent.click(screen.getByTestId("run-now"));
    await screen.findByTestId("run-form");
    await pickOption("run-system", "总部金蝶ERP");
    await waitFor(() => expect(mockApi.syncStreams).toHaveBeenCalledWith(SYSTEM_ID));
    await pickOption("run-stream", "products");
    fireEvent.click(screen.getByTestId("run-mode-full"));
    fireEvent.click(screen.getByTestId("run-submit"));
    await waitFor(() => expect(mockApi.runSync).toHaveBeenCalledWith(SYSTEM_ID, "products", "full"));
    expect(await screen.findByText(/同步完成：总部金蝶ERP · products（成功 1000，失败 0）/)).toBeInTheDocument();
  });

  it("refreshes the list when the core reports progress", async () => {
    setup(VIEW);
    await screen.findByTestId("task-row-task-1");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    const calls = mockApi.listSyncTasks.mock.calls.length;
    mockApi.listSyncTasks.mockResolvedValue({
      items: [taskRow({ success_items: 900, failed_items: 20 }, 920)],
      next_cursor: null,
    });
    live.current?.send({
      type: "domain",
      event: {
        kind: "sync_task_progress",
        task_id: "task-1",
        system_id: SYSTEM_ID,
        stream: "customers",
        status: "running",
        success_items: 900,
        failed_items: 20,
        total_items: 1000,
      },
    });
    await waitFor(() => expect(screen.getByTestId("progress-task-1")).toHaveTextContent("92.0%"));
    expect(mockApi.listSyncTasks.mock.calls.length).toBe(calls + 1);
  });
});
