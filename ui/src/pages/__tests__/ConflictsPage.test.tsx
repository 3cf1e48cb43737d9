import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  conflict,
  erp,
  liveUpdatesMock,
  renderPage,
  statusFor,
  SYSTEM_ID,
} from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { ConflictsPage } from "../ConflictsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listConflicts: vi.fn(),
  resolveConflict: vi.fn(),
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

const MANAGER: Operation[] = ["systems_view", "sync_logs_view", "sync_run", "conflicts_resolve"];

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listConflicts.mockResolvedValue({ items: [conflict()], next_cursor: null });
  return renderPage(<ConflictsPage />);
}

async function openCompare() {
  fireEvent.click(await screen.findByTestId("open-customers:C0001"));
  return screen.findByTestId("conflict-compare");
}

describe("ConflictsPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists the open queue with the differing fields", async () => {
    setup(MANAGER);
    const row = await screen.findByTestId("conflict-row-customers:C0001");
    expect(within(row).getByText("2 个字段")).toBeInTheDocument();
    expect(await within(row).findByText("总部金蝶ERP")).toBeInTheDocument();
    expect(screen.getByTestId("conflict-status-customers:C0001")).toHaveTextContent("待处理");
    expect(mockApi.listConflicts).toHaveBeenCalledWith({
      system_id: null,
      status: "open",
      cursor: null,
      limit: 50,
    });
  });

  it("compares side by side and highlights only the differing fields", async () => {
    setup(MANAGER);
    await openCompare();
    const phone = screen.getByTestId("compare-row-contact.phone");
    expect(phone).toHaveAttribute("data-differs", "true");
    expect(within(phone).getByText("13900000001")).toBeInTheDocument();
    expect(within(phone).getByText("13900000002")).toBeInTheDocument();
    expect(screen.getByTestId("compare-row-name")).toHaveAttribute("data-differs", "true");
    const code = screen.getByTestId("compare-row-code");
    expect(code).toHaveAttribute("data-differs", "false");
    expect(within(code).queryByRole("radio")).toBeNull();
  });

  it("resolves with a choice per field", async () => {
    setup(MANAGER);
    mockApi.resolveConflict.mockResolvedValue(conflict({ status: "resolved", resolved_by: "store_manager" }));
    await openCompare();
    fireEvent.click(screen.getByTestId("choose-remote-contact.phone"));
    mockApi.listConflicts.mockResolvedValue({ items: [], next_cursor: null });
    fireEvent.click(screen.getByTestId("resolve-per-field"));
    await waitFor(() => expect(mockApi.resolveConflict).toHaveBeenCalledTimes(1));
    expect(mockApi.resolveConflict).toHaveBeenCalledWith("conf-1", {
      choice: "per_field",
      fields: { "contact.phone": "remote", name: "local" },
    });
    expect(await screen.findByText("冲突已解决")).toBeInTheDocument();
    // The queue is read again and the resolved conflict is gone from it.
    await waitFor(() => expect(screen.queryByTestId("conflict-row-customers:C0001")).toBeNull());
  });

  it("keeps the local version after confirmation", async () => {
    setup(MANAGER);
    mockApi.resolveConflict.mockResolvedValue(conflict({ status: "resolved" }));
    await openCompare();
    fireEvent.click(screen.getByTestId("keep-local"));
    fireEvent.click(await screen.findByTestId("confirm-keep-local"));
    await waitFor(() =>
      expect(mockApi.resolveConflict).toHaveBeenCalledWith("conf-1", { choice: "keep_local" }),
    );
  });

  it("shows the compare without any resolve action to a role that may not resolve", async () => {
    setup(["systems_view", "sync_logs_view"]);
    const button = await screen.findByTestId("open-customers:C0001");
    expect(button).toHaveTextContent("查看");
    await openCompare();
    expect(screen.queryByTestId("keep-local")).toBeNull();
    expect(screen.queryByTestId("take-remote")).toBeNull();
    expect(screen.queryByTestId("resolve-per-field")).toBeNull();
    expect(screen.queryAllByRole("radio")).toHaveLength(0);
  });

  it("refreshes the queue when a sync reports progress", async () => {
    setup(MANAGER);
    await screen.findByTestId("conflict-row-customers:C0001");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    mockApi.listConflicts.mockResolvedValue({
      items: [conflict(), conflict({ id: "conf-2", record_key: "customers:C0002" })],
      next_cursor: null,
    });
    live.current?.send({
      type: "domain",
      event: {
        kind: "sync_task_progress",
        task_id: "task-1",
        system_id: SYSTEM_ID,
        stream: "customers",
        status: "completed",
        success_items: 10,
        failed_items: 0,
        total_items: 10,
      },
    });
    expect(await screen.findByTestId("conflict-row-customers:C0002")).toBeInTheDocument();
  });
});
