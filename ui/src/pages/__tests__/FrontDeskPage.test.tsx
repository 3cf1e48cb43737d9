import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { boardRow, liveUpdatesHub, renderInProviders } from "../../test/homeFixtures";
import { statusFor } from "../../test/opsFixtures";
import type { FrontDeskBoard, Operation } from "../../types";
import { FrontDeskPage } from "../FrontDeskPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  frontDeskBoard: vi.fn(),
  moveReservation: vi.fn(),
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

const FLOOR: Operation[] = ["systems_view", "reservations_view", "reservations_update_status"];
const STAFF: Operation[] = ["systems_view", "reservations_view"];

const expected = boardRow({}, ["arrived", "cancelled", "no_show"]);
const arrived = boardRow(
  {
    id: "0190f7a2-0000-7000-8000-00000000r002",
    reservation_id: "RES-2024-002",
    customer_name: "李四",
    status: "arrived",
    arrival_time: "2025-11-21T04:05:00Z",
    reservation_time: "12:00-14:00",
  },
  ["seated", "cancelled"],
  "12:00",
);
const seated = boardRow(
  { id: "0190f7a2-0000-7000-8000-00000000r003", reservation_id: "RES-2024-003", customer_name: "王五", status: "seated", table_number: "B2" },
  ["completed"],
  "11:30",
);

function board(rows = [seated, arrived, expected]): FrontDeskBoard {
  return { date: "2025-11-21", utc_offset_minutes: 480, reservations: rows, truncated: false };
}

function setup(ops: Operation[] = FLOOR) {
  live.current = liveUpdatesHub();
  mockApi.appStatus.mockResolvedValue(statusFor("floor_manager"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.frontDeskBoard.mockResolvedValue(board());
  return renderInProviders(<FrontDeskPage />);
}

const buttons = (id: string) =>
  within(screen.getByTestId(`reservation-${id}`))
    .queryAllByRole("button")
    .map((b) => b.getAttribute("data-testid"));

describe("FrontDeskPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("lists today's reservations by time with only the moves the core allows", async () => {
    setup();
    await screen.findByTestId("reservation-RES-2024-001");
    expect(mockApi.frontDeskBoard).toHaveBeenCalledWith(null);
    expect(screen.getByTestId("board-date")).toHaveTextContent("2025-11-21 的预订");
    const order = screen.getAllByTestId(/^reservation-RES/).map((e) => e.getAttribute("data-testid"));
    expect(order).toEqual(["reservation-RES-2024-003", "reservation-RES-2024-002", "reservation-RES-2024-001"]);
    expect(buttons("RES-2024-001")).toEqual([
      "move-arrived-RES-2024-001",
      "move-cancelled-RES-2024-001",
      "move-no_show-RES-2024-001",
    ]);
    expect(buttons("RES-2024-002")).toEqual(["move-seated-RES-2024-002", "move-cancelled-RES-2024-002"]);
    expect(buttons("RES-2024-003")).toEqual(["move-completed-RES-2024-003"]);
    expect(screen.getByTestId("status-RES-2024-002")).toHaveTextContent("已到店");
    expect(within(screen.getByTestId("reservation-RES-2024-002")).getByText("12:05 到店")).toBeInTheDocument();
  });

  it("shows no action to a role that may not move reservations", async () => {
    setup(STAFF);
    await screen.findByTestId("reservation-RES-2024-001");
    expect(screen.queryAllByTestId(/^move-/)).toHaveLength(0);
  });

  it("marks guests arrived with one tap", async () => {
    setup();
    mockApi.moveReservation.mockResolvedValue(
      boardRow({ status: "arrived", arrival_time: "2025-11-21T10:58:00Z" }, ["seated", "cancelled"]),
    );
    fireEvent.click(await screen.findByTestId("move-arrived-RES-2024-001"));
    await waitFor(() =>
      expect(mockApi.moveReservation).toHaveBeenCalledWith(expected.reservation.id, {
        status: "arrived",
        arrival_time: null,
        table_number: null,
      }),
    );
    expect(await screen.findByText("张三：已到店")).toBeInTheDocument();
  });

  it("asks for a table number before seating, and shows the core's refusal there", async () => {
    setup();
    fireEvent.click(await screen.findByTestId("move-seated-RES-2024-002"));
    fireEvent.click(await screen.findByTestId("seat-ok"));
    expect(await screen.findByText("请输入桌号")).toBeInTheDocument();
    expect(mockApi.moveReservation).not.toHaveBeenCalled();

    mockApi.moveReservation.mockRejectedValueOnce(
      new ApiError({
        kind: "validation",
        errors: [{ field: "table_number", rule: { code: "too_long", max: 32 }, message: "too long" }],
      }),
    );
    fireEvent.change(screen.getByTestId("seat-table"), { target: { value: "A8" } });
    fireEvent.click(screen.getByTestId("seat-ok"));
    expect(await screen.findByText("长度不能超过 32 个字符")).toBeInTheDocument();
    expect(mockApi.moveReservation).toHaveBeenCalledWith(arrived.reservation.id, {
      status: "seated",
      arrival_time: null,
      table_number: "A8",
    });

    mockApi.moveReservation.mockResolvedValue(
      boardRow({ ...arrived.reservation, status: "seated", table_number: "A8" }, ["completed"], "12:00"),
    );
    fireEvent.click(screen.getByTestId("seat-ok"));
    expect(await screen.findByText("李四：已入座")).toBeInTheDocument();
    expect(mockApi.moveReservation).toHaveBeenCalledTimes(2);
  });

  it("asks before a no-show, which cannot be undone", async () => {
    setup();
    mockApi.moveReservation.mockResolvedValue(boardRow({ status: "no_show" }, []));
    fireEvent.click(await screen.findByTestId("move-no_show-RES-2024-001"));
    expect(await screen.findAllByText("确认将 张三 标记为未到店？")).not.toHaveLength(0);
    expect(mockApi.moveReservation).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("confirm-move"));
    await waitFor(() =>
      expect(mockApi.moveReservation).toHaveBeenCalledWith(expected.reservation.id, {
        status: "no_show",
        arrival_time: null,
        table_number: null,
      }),
    );
  });

  it("refreshes when the platform changes a reservation", async () => {
    setup();
    await screen.findByTestId("reservation-RES-2024-001");
    await waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    mockApi.frontDeskBoard.mockResolvedValue(
      board([seated, arrived, boardRow({ status: "cancelled" }, [])]),
    );
    live.current?.send({
      type: "domain",
      event: {
        kind: "reservation_cancelled",
        system_id: expected.reservation.system_id,
        id: expected.reservation.id,
        reservation_id: "RES-2024-001",
        customer_name: "张三",
      },
    });
    await waitFor(() => expect(screen.getByTestId("status-RES-2024-001")).toHaveTextContent("已取消"));
    expect(buttons("RES-2024-001")).toEqual([]);
    expect(mockApi.frontDeskBoard).toHaveBeenCalledTimes(2);
  });

  it("filters the day by where the guests are", async () => {
    setup();
    await screen.findByTestId("reservation-RES-2024-001");
    fireEvent.click(screen.getByText("在店 2"));
    await waitFor(() => expect(screen.queryByTestId("reservation-RES-2024-001")).toBeNull());
    expect(screen.getByTestId("reservation-RES-2024-002")).toBeInTheDocument();
    expect(screen.getByTestId("reservation-RES-2024-003")).toBeInTheDocument();
  });
});
