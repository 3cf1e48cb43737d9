import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  erp,
  inboxEvent,
  liveUpdatesMock,
  renderPage,
  statusFor,
  SYSTEM_ID,
} from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { InboxPage } from "../InboxPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listInbox: vi.fn(),
  replayInbox: vi.fn(),
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

const MANAGER: Operation[] = ["systems_view", "sync_logs_view", "sync_run"];
const processed = inboxEvent({
  id: "in-2",
  event_id: "evt-002",
  event_type: "reservation.created",
  status: "processed",
  error_message: null,
});

function setup(ops: Operation[]) {
  live.current = liveUpdatesMock();
  mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.listInbox.mockResolvedValue({ items: [inboxEvent(), processed], next_cursor: null });
  return renderPage(<InboxPage />);
}

describe("InboxPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists received webhooks with their status and error", async () => {
    setup(MANAGER);
    const row = await screen.findByTestId("inbox-row-evt-001");
    expect(within(row).getByText("customer.updated")).toBeInTheDocument();
    expect(within(row).getByText("Webhook")).toBeInTheDocument();
    expect(within(row).getByText("customer C0001 not found")).toBeInTheDocument();
    expect(screen.getByTestId("inbox-status-evt-001")).toHaveTextContent("处理失败");
    expect(screen.getByTestId("inbox-status-evt-002")).toHaveTextContent("已处理");
    expect(mockApi.listInbox).toHaveBeenCalledWith({ system_id: null, status: null, cursor: null, limit: 50 });
  });

  it("replays a failed event, and offers no replay for a processed one", async () => {
    setup(MANAGER);
    mockApi.replayInbox.mockResolvedValue({ id: "in-1", duplicate: false, status: "confirmed" });
    await screen.findByTestId("inbox-row-evt-001");
    expect(screen.queryByTestId("replay-evt-002")).toBeNull();
    fireEvent.click(screen.getByTestId("replay-evt-001"));
    await waitFor(() => expect(mockApi.replayInbox).toHaveBeenCalledWith("in-1"));
    expect(await screen.findByText("已重新处理：customer.updated")).toBeInTheDocument();
  });

  it("shows the raw body of an event", async () => {
    setup(MANAGER);
    fireEvent.click(await screen.findByTestId("detail-evt-001"));
    expect(await screen.findByTestId("inbox-payload")).toHaveTextContent('"event": "customer.updated"');
  });

  it("is closed to a role without sync_run", async () => {
    setup(["systems_view", "sync_logs_view"]);
    expect(await screen.findByText("您的角色无权查看此页面")).toBeInTheDocument();
    expect(mockApi.listInbox).not.toHaveBeenCalled();
  });

  it("refreshes when a webhook arrives", async () => {
    setup(MANAGER);
    await screen.findByTestId("inbox-row-evt-001");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    mockApi.listInbox.mockResolvedValue({
      items: [inboxEvent({ id: "in-3", event_id: "evt-003", status: "processed" }), inboxEvent(), processed],
      next_cursor: null,
    });
    live.current?.send({
      type: "domain",
      event: {
        kind: "reservation_changed",
        system_id: SYSTEM_ID,
        id: "r1",
        reservation_id: "RES-2024-001",
        status: "confirmed",
      },
    });
    expect(await screen.findByTestId("inbox-row-evt-003")).toBeInTheDocument();
  });
});
