import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { erp, renderPage, statusFor, SYSTEM_ID } from "../../test/opsFixtures";
import { choices, customerRecord } from "../../test/recordFixtures";
import { ErpRecordsPage } from "../ErpRecordsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listCustomers: vi.fn(),
  listProducts: vi.fn(),
  listErpOrders: vi.fn(),
  getErpRecord: vi.fn(),
  recordChoices: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, liveUpdates: { listen: () => Promise.reject(new Error("no shell")) } };
});

describe("ErpRecordsPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mockApi.appStatus.mockResolvedValue(statusFor("staff"));
    mockApi.myPermissions.mockResolvedValue(["erp_records_view"]);
    mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
    mockApi.recordChoices.mockResolvedValue(choices);
    mockApi.listCustomers.mockResolvedValue({ items: [customerRecord()], next_cursor: null });
    mockApi.listProducts.mockResolvedValue({
      items: [
        {
          id: "p-1",
          system_id: SYSTEM_ID,
          external_id: "P1",
          sku: "SKU-1",
          name: "可乐",
          status: "active",
          standard_price: 3.5,
          inventory_quantity: "120",
          remote_updated_at: null,
          updated_at: "2025-11-20T09:01:00Z",
        },
      ],
      next_cursor: null,
    });
    mockApi.getErpRecord.mockResolvedValue({
      externalId: "C0001",
      name: "李四商贸",
      contacts: [{ name: "李四", phone: "13900000001" }],
    });
  });

  it("lists customers, opens one with its raw JSON from the core, and switches to products", async () => {
    renderPage(<ErpRecordsPage />);
    const row = await screen.findByTestId("record-row-C0001");
    expect(within(row).getByText("李四商贸")).toBeInTheDocument();
    expect(within(row).getByText("总部金蝶ERP")).toBeInTheDocument();
    expect(mockApi.listCustomers).toHaveBeenCalledWith({
      system_id: null,
      status: null,
      name: null,
      cursor: null,
      limit: 200,
    });

    fireEvent.click(row);
    const raw = await screen.findByTestId("record-raw");
    expect(raw).toHaveTextContent('"phone": "13900000001"');
    expect(mockApi.getErpRecord).toHaveBeenCalledWith(SYSTEM_ID, "customers", "C0001");

    fireEvent.click(screen.getByTestId("tab-products"));
    const product = await screen.findByTestId("record-row-P1");
    expect(within(product).getByText("¥3.50")).toBeInTheDocument();
    const sku = screen.getByTestId("filter-sku");
    fireEvent.change(sku, { target: { value: "SKU-1" } });
    fireEvent.keyDown(sku, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() =>
      expect(mockApi.listProducts).toHaveBeenLastCalledWith({
        system_id: null,
        status: null,
        sku: "SKU-1",
        cursor: null,
        limit: 200,
      }),
    );
  });
});
