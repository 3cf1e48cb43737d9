import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { pickOption, renderPage, statusFor } from "../../test/opsFixtures";
import { choices, posSystem, posTransaction } from "../../test/recordFixtures";
import type { ExportOutcome, ExportProgress } from "../../types";
import { PosTransactionsPage } from "../PosTransactionsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listPosTransactions: vi.fn(),
  recordChoices: vi.fn(),
  exportFolder: vi.fn(),
  exportRecords: vi.fn(),
  cancelExport: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, liveUpdates: { listen: () => Promise.reject(new Error("no shell")) } };
});

/** An export the test finishes itself, after sending progress as the core would. */
function pendingExport() {
  const run = {
    progress: null as ((p: ExportProgress) => void) | null,
    finish: null as ((o: ExportOutcome) => void) | null,
  };
  mockApi.exportRecords.mockImplementation(
    (_id: string, _filter: unknown, _options: unknown, _dest: unknown, onProgress: (p: ExportProgress) => void) =>
      new Promise<ExportOutcome>((resolve) => {
        run.progress = onProgress;
        run.finish = resolve;
      }),
  );
  return run;
}

async function openExport() {
  renderPage(<PosTransactionsPage />);
  await screen.findByTestId("record-row-TXN-2024-001");
  await pickOption("filter-type", "销售");
  fireEvent.click(screen.getByTestId("export-button"));
  await waitFor(() => expect(screen.getByTestId("export-folder")).toHaveValue("/home/manager/Downloads"));
  expect((screen.getByTestId("export-file-name") as HTMLInputElement).value).toMatch(
    /^pos_transactions_\d{8}_\d{6}$/,
  );
}

describe("exporting a records list", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
    mockApi.myPermissions.mockResolvedValue(["pos_transactions_view", "records_export"]);
    mockApi.listSystems.mockResolvedValue({ items: [posSystem], next_cursor: null });
    mockApi.recordChoices.mockResolvedValue(choices);
    mockApi.listPosTransactions.mockResolvedValue({ items: [posTransaction()], next_cursor: null });
    mockApi.exportFolder.mockResolvedValue("/home/manager/Downloads");
    mockApi.cancelExport.mockResolvedValue(true);
  });

  it("exports the filtered rows with a progress bar, and cancels", async () => {
    const run = pendingExport();
    await openExport();
    fireEvent.click(within(screen.getByTestId("export-format")).getByText("CSV"));
    fireEvent.change(screen.getByTestId("export-file-name"), { target: { value: "今日交易" } });
    fireEvent.click(screen.getByTestId("export-start"));

    await waitFor(() => expect(mockApi.exportRecords).toHaveBeenCalledTimes(1));
    const [exportId, filter, options, destination] = mockApi.exportRecords.mock.calls[0];
    expect(filter).toEqual({
      kind: "pos_transactions",
      system_id: null,
      store_id: null,
      sync_status: null,
      type: "sale",
      start_time: null,
      end_time: null,
      cursor: null,
      limit: null,
    });
    expect(options).toEqual({ format: "csv", language: "zh" });
    expect(destination).toEqual({ folder: "/home/manager/Downloads", file_name: "今日交易" });

    act(() => run.progress?.({ written: 200, total: 400 }));
    const running = await screen.findByTestId("export-running");
    expect(within(running).getByText("已写入 200 / 400 行")).toBeInTheDocument();
    expect(screen.getByTestId("export-progress")).toHaveTextContent("50%");

    fireEvent.click(screen.getByTestId("export-cancel"));
    expect(mockApi.cancelExport).toHaveBeenCalledWith(exportId);
    act(() => run.finish?.({ status: "cancelled", rows: 200, path: null }));
    expect(await screen.findByTestId("export-cancelled")).toHaveTextContent("已取消导出，未保存文件");
  });

  it("says where the finished file is", async () => {
    const run = pendingExport();
    await openExport();
    fireEvent.click(screen.getByTestId("export-start"));
    await waitFor(() => expect(mockApi.exportRecords).toHaveBeenCalledTimes(1));
    expect(mockApi.exportRecords.mock.calls[0][2]).toEqual({ format: "xlsx", language: "zh" });
    act(() => run.progress?.({ written: 1, total: 1 }));
    act(() =>
      run.finish?.({ status: "completed", rows: 1, path: "/home/manager/Downloads/today.xlsx" }),
    );
    const done = await screen.findByTestId("export-done");
    expect(done).toHaveTextContent("已导出 1 行");
    expect(done).toHaveTextContent("文件位置：/home/manager/Downloads/today.xlsx");
  });

  it("shows the core's refusal and keeps the form to try again", async () => {
    mockApi.exportRecords.mockRejectedValue(
      new ApiError({ kind: "conflict", message: "today.xlsx already exists in this folder", field: "file_name" }),
    );
    await openExport();
    fireEvent.click(screen.getByTestId("export-start"));
    const error = await screen.findByTestId("export-error");
    expect(error).toHaveTextContent("today.xlsx already exists in this folder");
    expect(screen.getByTestId("export-start")).toBeInTheDocument();
  });
});
