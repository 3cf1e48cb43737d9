import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../App";
import { Providers } from "../../Providers";
import { boardRow, summary } from "../../test/homeFixtures";
import { erp, statusFor } from "../../test/opsFixtures";
import type { Operation, Role } from "../../types";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  dashboard: vi.fn(),
  frontDeskBoard: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, liveUpdates: { listen: () => Promise.reject(new Error("no shell")) } };
});

vi.mock("../../components/dashboard/EChart", () => ({ EChart: () => null }));

const ANY: Operation[] = ["systems_view", "sync_logs_view", "pos_transactions_view", "reservations_view"];
const FLOOR: Operation[] = [...ANY, "reservations_update_status"];
const MANAGER: Operation[] = [...FLOOR, "systems_create", "sync_run"];

function signIn(role: Role, ops: Operation[]) {
  mockApi.appStatus.mockResolvedValue(statusFor(role));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [erp], next_cursor: null });
  mockApi.dashboard.mockResolvedValue(summary());
  mockApi.frontDeskBoard.mockResolvedValue({
    date: "2025-11-21",
    utc_offset_minutes: 480,
    reservations: [boardRow({}, ["arrived", "cancelled", "no_show"])],
    truncated: false,
  });
  render(
    <Providers lang="zh">
      <App />
    </Providers>,
  );
}

describe("landing pages and their menu entries", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lands a floor manager on the front-desk board", async () => {
    signIn("floor_manager", FLOOR);
    expect(await screen.findByTestId("front-desk-board")).toBeInTheDocument();
    expect(screen.getByTestId("move-arrived-RES-2024-001")).toBeInTheDocument();
    expect(screen.getByTestId("front_desk-menu")).toHaveTextContent("前台预订");
    expect(screen.queryByTestId("systems-page")).toBeNull();
  });

  it("lands a manager on the dashboard, with the board a click away", async () => {
    signIn("store_manager", MANAGER);
    expect(await screen.findByTestId("dashboard-content")).toBeInTheDocument();
    expect(screen.getByTestId("dashboard-menu")).toHaveTextContent("运营看板");
    fireEvent.click(await screen.findByTestId("front_desk-menu"));
    expect(await screen.findByTestId("front-desk-board")).toBeInTheDocument();
  });

  it("keeps other staff on the systems page, without the board", async () => {
    signIn("staff", ANY);
    expect(await screen.findByTestId("systems-page")).toBeInTheDocument();
    expect(await screen.findByTestId("dashboard-menu")).toBeInTheDocument();
    await waitFor(() => expect(mockApi.myPermissions).toHaveBeenCalled());
    expect(screen.queryByTestId("front_desk-menu")).toBeNull();
    expect(mockApi.frontDeskBoard).not.toHaveBeenCalled();
  });
});
