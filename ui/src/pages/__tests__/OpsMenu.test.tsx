import { fireEvent, screen, waitFor } from "@testing-library/react";
import { render } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import { Providers } from "../../Providers";
import { erp, statusFor, taskRow } from "../../test/opsFixtures";
import type { Operation, Role } from "../../types";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listSyncTasks: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, liveUpdates: { listen: () => Promise.reject(new Error("no shell")) } };
});

function setup(role: Role, ops: Operation[]) {
  mockApi.appStatus.mockResolvedValue(statusFor(role));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listSyncTasks.mockResolvedValue({ items: [taskRow()], next_cursor: null });
  render(
    <Providers lang="zh">
      <App />
    </Providers>,
  );
}

describe("operations pages in the side menu", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists the pages a staff member may view, without the managers' inbox", async () => {
    setup("staff", ["systems_view", "sync_logs_view"]);
    expect(await screen.findByTestId("sync_tasks-menu")).toHaveTextContent("同步任务");
    expect(screen.getByTestId("sync_logs-menu")).toHaveTextContent("同步日志");
    expect(screen.getByTestId("conflicts-menu")).toHaveTextContent("冲突处理");
    expect(screen.getByTestId("outbox-menu")).toHaveTextContent("待发送队列");
    expect(screen.queryByTestId("inbox-menu")).toBeNull();
  });

  it("opens the sync tasks page from the menu", async () => {
    setup("store_manager", ["systems_view", "sync_logs_view", "sync_run"]);
    expect(await screen.findByTestId("inbox-menu")).toBeInTheDocument();
    fireEvent.click(screen.getByTestId("sync_tasks-menu"));
    expect(await screen.findByTestId("sync-tasks-page")).toBeInTheDocument();
    await waitFor(() => expect(mockApi.listSyncTasks).toHaveBeenCalled());
    expect(await screen.findByTestId("task-row-task-1")).toBeInTheDocument();
  });
});
