import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { liveUpdatesMock, pickOption, renderPage, statusFor } from "../../test/opsFixtures";
import { choices, POS_ID, posSystem, posTransaction } from "../../test/recordFixtures";
import type { Operation } from "../../types";
import { PosTransactionsPage } from "../PosTransactionsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listPosTransactions: vi.fn(),
  recordChoices: vi.fn(),
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

const refund = posTransaction({
  id: "0190f7a2-0000-7000-8000-00000000t002",
  pos_transaction_id: "TXN-2024-002",
  transaction_type: "refund",
  original_transaction_id: "TXN-2024-001",
  total: 18.05,
  payment_method: "cash",
  sync_status: "failed",
  items: [],
});

const NO_FILTER = {
  system_id: null,
  store_id: null,
  sync_status: null,
  type: null,
  start_time: null,
  end_time: null,
  cursor: null,
  limit: 200,
};

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor("staff"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [posSystem], next_cursor: null });
  mockApi.recordChoices.mockResolvedValue(choices);
  mockApi.listPosTransactions.mockResolvedValue({ items: [refund, posTransaction()], next_cursor: null });
  return renderPage(<PosTransactionsPage />);
}

describe("PosTransactionsPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists transactions with their type, total, payment and sync status", async () => {
    setup(["pos_transactions_view"]);
    const row = await screen.findByTestId("record-row-TXN-2024-002");
    expect(within(row).getByText("退款")).toBeInTheDocument();
    expect(within(row).getByText("¥18.05")).toBeInTheDocument();
    expect(within(row).getByText("现金")).toBeInTheDocument();
    expect(within(row).getByText("同步失败")).toBeInTheDocument();
    expect(within(row).getByText("前台POS")).toBeInTheDocument();
    const sale = screen.getByTestId("record-row-TXN-2024-001");
    expect(within(sale).getByText("¥296.80")).toBeInTheDocument();
    expect(mockApi.listPosTransactions).toHaveBeenCalledWith(NO_FILTER);
    expect(screen.getByTestId("records-loaded")).toHaveTextContent("已加载 2 条");
  });

  it("filters in the core by type and sync status", async () => {
    setup(["pos_transactions_view"]);
    await screen.findByTestId("record-row-TXN-2024-002");
    await pickOption("filter-type", "退款");
    await waitFor(() =>
      expect(mockApi.listPosTransactions).toHaveBeenLastCalledWith({ ...NO_FILTER, type: "refund" }),
    );
    await pickOption("filter-sync_status", "同步失败");
    await waitFor(() =>
      expect(mockApi.listPosTransactions).toHaveBeenLastCalledWith({
        ...NO_FILTER,
        type: "refund",
        sync_status: "failed",
      }),
    );
  });

  it("filters in the core by store and system, and resets", async () => {
    setup(["pos_transactions_view"]);
    await screen.findByTestId("record-row-TXN-2024-002");
    const store = screen.getByTestId("filter-store_id");
    fireEvent.change(store, { target: { value: " store-002 " } });
    fireEvent.keyDown(store, { key: "Enter", code: "Enter", keyCode: 13 });
    await pickOption("filter-system", "前台POS");
    await waitFor(() =>
      expect(mockApi.listPosTransactions).toHaveBeenLastCalledWith({
        ...NO_FILTER,
        store_id: "store-002",
        system_id: POS_ID,
      }),
    );
    // Reset goes back to the first, unfiltered list (answered from the cache).
    fireEvent.click(screen.getByTestId("filter-reset"));
    await waitFor(() => expect(screen.getByTestId("filter-store_id")).toHaveValue(""));
    expect(screen.getByTestId("filter-system")).toHaveTextContent("全部系统");
  });

  it("shows a transaction's fields, items and raw record in a drawer", async () => {
    setup(["pos_transactions_view"]);
    fireEvent.click(await screen.findByTestId("record-row-TXN-2024-001"));
    const detail = await screen.findByTestId("record-detail");
    expect(within(detail).getByText("¥288.00")).toBeInTheDocument();
    const items = within(detail).getByTestId("record-items");
    expect(within(items).getByText("宫保鸡丁")).toBeInTheDocument();
    expect(within(items).getByText("68")).toBeInTheDocument();
    expect(within(detail).getByTestId("record-raw")).toHaveTextContent('"phone": "13800138000"');
  });

  it("offers export only to roles with records_export", async () => {
    setup(["pos_transactions_view"]);
    await screen.findByTestId("record-row-TXN-2024-002");
    expect(screen.queryByTestId("export-button")).toBeNull();
  });

  it("shows a 403 result to a role without pos_transactions_view", async () => {
    setup(["systems_view"]);
    expect(await screen.findByText("您的角色无权查看此页面")).toBeInTheDocument();
    expect(mockApi.listPosTransactions).not.toHaveBeenCalled();
  });
});
