import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  ERP_ID,
  liveUpdatesHub,
  posHours,
  renderInProviders,
  summary,
  systemCard,
  unreachableErp,
} from "../../test/homeFixtures";
import { statusFor } from "../../test/opsFixtures";
import type { Operation } from "../../types";
import { DashboardPage } from "../DashboardPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  dashboard: vi.fn(),
}));
const live = vi.hoisted(() => ({ current: null as ReturnType<typeof liveUpdatesHub> | null }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return {
    ...orig,
    api: mockApi,
    liveUpdates: { listen: (h: never) => live.current?.listen(h) ?? Promise.reject() },
  };
});

// The charts draw on a canvas jsdom does not have: the test reads the options they get.
vi.mock("../../components/dashboard/EChart", () => ({
  EChart: ({ option, testId }: { option: unknown; testId?: string }) => (
    <pre data-testid={testId}>{JSON.stringify(option)}</pre>
  ),
}));

const VIEW: Operation[] = ["systems_view", "sync_logs_view", "pos_transactions_view"];

function setup(ops: Operation[] = VIEW) {
  live.current = liveUpdatesHub();
  mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
  mockApi.myPermissions.mockResolvedValue(ops);
  return renderInProviders(<DashboardPage />);
}

describe("DashboardPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("shows a card per system with score, success rate and waiting changes", async () => {
    mockApi.dashboard.mockResolvedValue(summary({ systems: [systemCard(), unreachableErp] }));
    setup();
    const pos = await screen.findByTestId("system-card-前台POS");
    expect(pos).toHaveAttribute("data-state", "ok");
    expect(within(pos).getByTestId("health-前台POS")).toHaveTextContent("96");
    expect(within(pos).getByTestId("success-前台POS")).toHaveTextContent("99.5% · 200 次");
    const erp = screen.getByTestId("system-card-总部ERP");
    expect(erp).toHaveAttribute("data-state", "danger");
    expect(within(erp).getByTestId("outbox-总部ERP")).toHaveTextContent("3 · 1 条失败");
    expect(within(erp).getByTestId("unreachable-总部ERP")).toHaveTextContent("系统异常，无法连接");
    expect(within(erp).getByText("失败")).toBeInTheDocument();
  });

  it("shows today's takings in yuan from fen, and charts both series", async () => {
    mockApi.dashboard.mockResolvedValue(summary());
    setup();
    expect(await screen.findByTestId("kpi-transactions")).toHaveTextContent("3");
    expect(screen.getByTestId("kpi-net")).toHaveTextContent("¥130.50");
    const pos = JSON.parse(screen.getByTestId("pos-chart").textContent ?? "{}");
    expect(pos.series[0].data[10]).toBe(2);
    expect(pos.series[1].data[11]).toBe(-2000);
    const sync = JSON.parse(screen.getByTestId("sync-chart").textContent ?? "{}");
    expect(sync.xAxis.data[23]).toBe("17:00");
    expect(screen.getByText("今日POS交易（2025-11-21）")).toBeInTheDocument();
  });

  it("raises the offline banner with the changes waiting, and only then", async () => {
    mockApi.dashboard.mockResolvedValue(
      summary({
        systems: [systemCard(), unreachableErp],
        offline: { offline: true, systems: [ERP_ID], outbox_waiting: 3 },
      }),
    );
    setup();
    const banner = await screen.findByTestId("offline-banner");
    expect(banner).toHaveTextContent("离线：1 个系统无法连接");
    expect(banner).toHaveTextContent("总部ERP。本地数据照常可用，3 条变更在待发送队列中");
    expect(screen.getByTestId("kpi-unreachable")).toHaveTextContent("1");
  });

  it("has no banner while everything is reachable", async () => {
    mockApi.dashboard.mockResolvedValue(summary());
    setup();
    await screen.findByTestId("system-card-前台POS");
    expect(screen.queryByTestId("offline-banner")).toBeNull();
  });

  it("refreshes when a live update says something changed", async () => {
    mockApi.dashboard.mockResolvedValue(summary());
    setup();
    await screen.findByTestId("kpi-transactions");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    const hours = posHours();
    hours[12] = { hour: 12, transactions: 1, sales_fen: 8_800, reversals_fen: 0, net_fen: 8_800 };
    mockApi.dashboard.mockResolvedValue(summary({ pos_hours: hours }));
    live.current?.send({
      type: "domain",
      event: { kind: "pos_transaction_recorded", system_id: ERP_ID, id: "p1", pos_transaction_id: "TXN-9" },
    });
    await waitFor(() => expect(screen.getByTestId("kpi-transactions")).toHaveTextContent("4"));
    expect(screen.getByTestId("kpi-net")).toHaveTextContent("¥218.50");
    expect(mockApi.dashboard).toHaveBeenCalledTimes(2);
  });

  it("refreshes on request", async () => {
    mockApi.dashboard.mockResolvedValue(summary());
    setup();
    fireEvent.click(await screen.findByTestId("dashboard-refresh"));
    await waitFor(() => expect(mockApi.dashboard).toHaveBeenCalledTimes(2));
  });

  it("says so to a role that may not view it", async () => {
    setup(["systems_view"]);
    expect(await screen.findByText("您的角色无权查看此页面")).toBeInTheDocument();
    expect(mockApi.dashboard).not.toHaveBeenCalled();
  });
});
