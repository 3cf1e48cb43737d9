import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  erp,
  liveUpdatesMock,
  outboxEntry,
  pickOption,
  renderPage,
  statusFor,
  SYSTEM_ID,
} from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { OutboxPage } from "../OutboxPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listOutbox: vi.fn(),
  retryOutbox: vi.fn(),
  dispatchOutbox: vi.fn(),
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
const pending = outboxEntry({
  id: "out-2",
  record_key: "reservation:RES-2024-001",
  operation: "reservation.status",
  status: "pending",
  attempts: 1,
  last_error_class: "network_error",
  last_error: "connection refused",
});

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listOutbox.mockResolvedValue({ items: [outboxEntry(), pending], next_cursor: null });
  return renderPage(<OutboxPage />);
}

describe("OutboxPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists entries with status, attempts and last error class", async () => {
    setup(VIEW);
    const row = await screen.findByTestId("outbox-row-customers:C0001");
    expect(within(row).getByText("customer.update")).toBeInTheDocument();
    expect(within(row).getByText("数据校验错误")).toBeInTheDocument();
    expect(screen.getByTestId("outbox-status-customers:C0001")).toHaveTextContent("发送失败");
    expect(screen.getByTestId("outbox-status-reservation:RES-2024-001")).toHaveTextContent("待发送");
    expect(mockApi.listOutbox).toHaveBeenCalledWith({ system_id: null, status: null, cursor: null, limit: 50 });
  });

  it("hides retry and send-now from a role without sync_run", async () => {
    setup(VIEW);
    await screen.findByTestId("outbox-row-customers:C0001");
    expect(screen.queryByTestId("send-now")).toBeNull();
    expect(screen.queryByTestId("retry-customers:C0001")).toBeNull();
  });

  it("offers retry for dead entries only, and queues one again", async () => {
    setup(MANAGER);
    mockApi.retryOutbox.mockResolvedValue(outboxEntry({ status: "pending" }));
    fireEvent.click(await screen.findByTestId("retry-customers:C0001"));
    expect(screen.queryByTestId("retry-reservation:RES-2024-001")).toBeNull();
    await waitFor(() => expect(mockApi.retryOutbox).toHaveBeenCalledWith("out-1"));
    expect(await screen.findByText("已重新排队：customers:C0001")).toBeInTheDocument();
  });

  it("sends now and reports what happened", async () => {
    setup(MANAGER);
    mockApi.dispatchOutbox.mockResolvedValue({ delivered: 1, retrying: 0, dead: 0, waiting: 2, cancelled: 0 });
    fireEvent.click(await screen.findByTestId("send-now"));
    expect(await screen.findByText("已送达 1，重试中 0，失败 0，等待 2")).toBeInTheDocument();
    expect(mockApi.dispatchOutbox).toHaveBeenCalledTimes(1);
  });

  it("filters by status in the core and shows an entry's payload", async () => {
    setup(VIEW);
    await screen.findByTestId("outbox-row-customers:C0001");
    await pickOption("filter-status", "发送失败");
    await waitFor(() =>
      expect(mockApi.listOutbox).toHaveBeenLastCalledWith({ system_id: null, status: "dead", cursor: null, limit: 50 }),
    );
    fireEvent.click(await screen.findByTestId("detail-customers:C0001"));
    expect(await screen.findByTestId("outbox-payload")).toHaveTextContent('"externalId": "C0001"');
  });

  it("refreshes when an entry goes dead", async () => {
    setup(VIEW);
    await screen.findByTestId("outbox-row-customers:C0001");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    mockApi.listOutbox.mockResolvedValue({ items: [outboxEntry(), { ...pending, status: "dead" }], next_cursor: null });
    live.current?.send({
      type: "domain",
      event: {
        kind: "alert",
        alert: {
          kind: "outbox_dead",
          system_id: SYSTEM_ID,
          message: "an outbox entry is dead",
          dedup_key: `outbox_dead:${SYSTEM_ID}`,
          at: "2025-11-21T10:00:00Z",
        },
      },
    });
    await waitFor(() =>
      expect(screen.getByTestId("outbox-status-reservation:RES-2024-001")).toHaveTextContent("发送失败"),
    );
  });
});
