import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import { Providers } from "../../Providers";
import { statusFor } from "../../test/opsFixtures";
import { choices, posSystem, posTransaction } from "../../test/recordFixtures";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listPosTransactions: vi.fn(),
  recordChoices: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, liveUpdates: { listen: () => Promise.reject(new Error("no shell")) } };
});

describe("records pages in the side menu", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mockApi.appStatus.mockResolvedValue(statusFor("staff"));
    mockApi.listSystems.mockResolvedValue({ items: [posSystem], next_cursor: null });
    mockApi.recordChoices.mockResolvedValue(choices);
    mockApi.listPosTransactions.mockResolvedValue({ items: [posTransaction()], next_cursor: null });
  });

  it("lists the records pages a role may view and opens one", async () => {
    mockApi.myPermissions.mockResolvedValue(["systems_view", "pos_transactions_view", "members_view"]);
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    expect(await screen.findByTestId("pos_transactions-menu")).toHaveTextContent("POS交易");
    expect(screen.getByTestId("members-menu")).toHaveTextContent("会员");
    expect(screen.queryByTestId("erp_records-menu")).toBeNull();
    expect(screen.queryByTestId("supplier_orders-menu")).toBeNull();
    fireEvent.click(screen.getByTestId("pos_transactions-menu"));
    expect(await screen.findByTestId("pos-transactions-page")).toBeInTheDocument();
    await waitFor(() => expect(mockApi.listPosTransactions).toHaveBeenCalled());
    expect(await screen.findByTestId("record-row-TXN-2024-001")).toBeInTheDocument();
  });
});
