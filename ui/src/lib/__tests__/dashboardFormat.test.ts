import { describe, expect, it } from "vitest";
import { posChartOption, syncChartOption } from "../../components/dashboard/chartOptions";
import { translate } from "../../i18n";
import { posHours, syncHours } from "../../test/homeFixtures";
import { formatFen, formatPermille, hourLabel, storeClock } from "../dashboardFormat";
import { landingPage, visibleHomePages } from "../homePages";
import { boardConcerned, dashboardConcerned } from "../homeQueries";

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate("zh", key, params);

describe("dashboard figures", () => {
  it("formats fen exactly, with separators and sign", () => {
    expect(formatFen(0)).toBe("¥0.00");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(15_050)).toBe("¥150.50");
    expect(formatFen(123_456_789)).toBe("¥1,234,567.89");
    expect(formatFen(-2_000)).toBe("-¥20.00");
    // Beyond what a float of yuan could hold exactly, to the fen.
    expect(formatFen(900_719_925_474_099)).toBe("¥9,007,199,254,740.99");
  });

  it("formats thousandths as a percentage", () => {
    expect(formatPermille(995)).toBe("99.5%");
    expect(formatPermille(1000)).toBe("100.0%");
    expect(formatPermille(0)).toBe("0.0%");
  });

  it("reads instants on the store's clock, not this PC's", () => {
    expect(storeClock("2025-11-21T11:05:00Z", 480)).toBe("19:05");
    expect(storeClock("2025-11-21T02:30:00Z", -300)).toBe("21:30");
    expect(hourLabel(9)).toBe("09:00");
  });

  it("charts syncs per store hour with an integer success rate", () => {
    const option = syncChartOption(syncHours(), 480, t);
    const x = option.xAxis as { data: string[] };
    expect(x.data[0]).toBe("18:00");
    expect(x.data[23]).toBe("17:00");
    const series = option.series as { name: string; data: (number | null)[] }[];
    expect(series.map((s) => s.name)).toEqual(["成功", "失败", "成功率"]);
    expect(series[0].data[23]).toBe(5);
    expect(series[1].data[23]).toBe(1);
    expect(series[2].data[23]).toBe(833);
    expect(series[2].data[0]).toBeNull();
  });

  it("charts today's transactions and net takings in fen", () => {
    const option = posChartOption(posHours(), t);
    const series = option.series as { name: string; data: number[] }[];
    expect(series[0].data[10]).toBe(2);
    expect(series[1].data[10]).toBe(15_050);
    expect(series[1].data[11]).toBe(-2_000);
    expect((option.xAxis as { data: string[] }).data[10]).toBe("10:00");
  });
});

describe("home pages", () => {
  it("lands managers on the dashboard and floor staff on the board", () => {
    expect(landingPage("admin")).toBe("dashboard");
    expect(landingPage("store_manager")).toBe("dashboard");
    expect(landingPage("floor_manager")).toBe("front_desk");
    expect(landingPage("staff")).toBe("systems");
    expect(visibleHomePages(new Set(["sync_logs_view"]))).toEqual(["dashboard"]);
    expect(visibleHomePages(new Set(["sync_logs_view", "reservations_update_status"]))).toEqual([
      "dashboard",
      "front_desk",
    ]);
  });

  it("refreshes each page for the updates that concern it", () => {
    const running = {
      type: "domain" as const,
      event: {
        kind: "sync_task_progress" as const,
        task_id: "t",
        system_id: "s",
        stream: "orders",
        status: "running" as const,
        success_items: 1,
        failed_items: 0,
        total_items: 10,
      },
    };
    const ended = { ...running, event: { ...running.event, status: "completed" as const } };
    const changed = {
      type: "domain" as const,
      event: { kind: "reservation_changed" as const, system_id: "s", id: "r", reservation_id: "R1", status: "arrived" },
    };
    expect(dashboardConcerned(running)).toBe(false);
    expect(dashboardConcerned(ended)).toBe(true);
    expect(boardConcerned(ended)).toBe(false);
    expect(boardConcerned(changed)).toBe(true);
    expect(boardConcerned({ type: "missed", missed: 3 })).toBe(true);
  });
});
