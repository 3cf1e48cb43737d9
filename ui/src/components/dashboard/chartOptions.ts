// The dashboard charts' ECharts options, built from the core's figures. Counts and amounts
// stay integers (fen, thousandths); only their labels are formatted.
import type { TFunc } from "../../i18n";
import { formatFen, formatPermille, hourLabel, storeClock } from "../../lib/dashboardFormat";
import type { PosHour, SyncHour } from "../../types";
import type { ChartOption } from "./EChart";

const GREEN = "#52c41a";
const RED = "#ff4d4f";
const BLUE = "#1677ff";
const GOLD = "#faad14";

const GRID = { left: 48, right: 64, top: 24, bottom: 56 };

/** Per hour: successful and failed syncs stacked, and the success rate as a line. */
export function syncChartOption(hours: SyncHour[], offsetMinutes: number, t: TFunc): ChartOption {
  const succeeded = t("dashboard.series_succeeded");
  const failed = t("dashboard.series_failed");
  const rate = t("dashboard.series_rate");
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [succeeded, failed, rate], bottom: 0 },
    grid: GRID,
    xAxis: { type: "category", data: hours.map((h) => storeClock(h.hour_start, offsetMinutes)) },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 1000, axisLabel: { formatter: (v: number) => formatPermille(v) } },
    ],
    series: [
      { name: succeeded, type: "bar", stack: "syncs", data: hours.map((h) => h.succeeded), itemStyle: { color: GREEN } },
      { name: failed, type: "bar", stack: "syncs", data: hours.map((h) => h.failed), itemStyle: { color: RED } },
      {
        name: rate,
        type: "line",
        yAxisIndex: 1,
        connectNulls: true,
        itemStyle: { color: BLUE },
        // Thousandths, integer; an hour without syncs has no rate.
        data: hours.map((h) => {
          const all = h.succeeded + h.failed;
          return all === 0 ? null : Math.floor((h.succeeded * 1000) / all);
        }),
        tooltip: { valueFormatter: (v) => (typeof v === "number" ? formatPermille(v) : "—") },
      },
    ],
  };
}

/** Per hour of today: the number of transactions as bars, the net takings (fen) as a line. */
export function posChartOption(hours: PosHour[], t: TFunc): ChartOption {
  const transactions = t("dashboard.series_transactions");
  const net = t("dashboard.series_net");
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [transactions, net], bottom: 0 },
    grid: GRID,
    xAxis: { type: "category", data: hours.map((h) => hourLabel(h.hour)) },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", axisLabel: { formatter: (v: number) => formatFen(v) } },
    ],
    series: [
      { name: transactions, type: "bar", data: hours.map((h) => h.transactions), itemStyle: { color: BLUE } },
      {
        name: net,
        type: "line",
        yAxisIndex: 1,
        itemStyle: { color: GOLD },
        data: hours.map((h) => h.net_fen),
        tooltip: { valueFormatter: (v) => (typeof v === "number" ? formatFen(v) : "—") },
      },
    ],
  };
}
