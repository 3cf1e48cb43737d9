// Data and helpers of the dashboard and front-desk tests. Each test file mocks `../../api`
// itself (vi.mock is per file); these build what the mocks answer.
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import { Providers } from "../Providers";
import type {
  BoardReservation,
  DashboardSummary,
  LiveUpdate,
  PosHour,
  Reservation,
  SyncHour,
  SystemCard,
} from "../types";

export const ERP_ID = "0190f7a2-0000-7000-8000-0000000000e1";
export const POS_ID = "0190f7a2-0000-7000-8000-0000000000e2";

export function systemCard(over: Partial<SystemCard> = {}): SystemCard {
  return {
    system_id: POS_ID,
    name: "前台POS",
    type: "pos",
    provider: "meituan",
    status: "active",
    sync_enabled: true,
    last_sync_at: "2025-11-21T09:00:00Z",
    last_sync_status: "success",
    health_score: 96,
    health_at: "2025-11-21T09:05:00Z",
    syncs_24h: 200,
    failed_syncs_24h: 1,
    success_permille_24h: 995,
    outbox_waiting: 0,
    outbox_dead: 0,
    unreachable: null,
    ...over,
  };
}

export const unreachableErp = systemCard({
  system_id: ERP_ID,
  name: "总部ERP",
  type: "erp",
  provider: "kingdee",
  status: "error",
  last_sync_status: "failed",
  health_score: 30,
  syncs_24h: 4,
  failed_syncs_24h: 4,
  success_permille_24h: 0,
  outbox_waiting: 3,
  outbox_dead: 1,
  unreachable: "system_error",
});

/** 24 hours from 2025-11-20T10:00Z; the last one (09:00Z, 17:00 in the store) had syncs. */
export function syncHours(): SyncHour[] {
  return Array.from({ length: 24 }, (_, i) => ({
    hour_start: new Date(Date.UTC(2025, 10, 20, 10 + i)).toISOString(),
    succeeded: i === 23 ? 5 : 0,
    failed: i === 23 ? 1 : 0,
  }));
}

/** Today's hours: two sales at 10:00 (150.50) and a 20.00 refund at 11:00. */
export function posHours(): PosHour[] {
  return Array.from({ length: 24 }, (_, hour) => {
    const sales = hour === 10 ? 15_050 : 0;
    const reversals = hour === 11 ? 2_000 : 0;
    return {
      hour,
      transactions: hour === 10 ? 2 : hour === 11 ? 1 : 0,
      sales_fen: sales,
      reversals_fen: reversals,
      net_fen: sales - reversals,
    };
  });
}

export function summary(over: Partial<DashboardSummary> = {}): DashboardSummary {
  return {
    generated_at: "2025-11-21T09:30:00Z",
    utc_offset_minutes: 480,
    today: "2025-11-21",
    systems: [systemCard()],
    sync_hours: syncHours(),
    pos_hours: posHours(),
    offline: { offline: false, systems: [], outbox_waiting: 0 },
    ...over,
  };
}

export function reservation(over: Partial<Reservation> = {}): Reservation {
  return {
    id: "0190f7a2-0000-7000-8000-00000000r001",
    system_id: "0190f7a2-0000-7000-8000-0000000000e3",
    store_id: "store-001",
    reservation_id: "RES-2024-001",
    external_reservation_id: "yiding_res_001",
    reservation_number: "YD20240214001",
    customer_name: "张三",
    customer_phone: "13800138000",
    customer_count: 4,
    reservation_date: "2025-11-21T11:00:00Z",
    reservation_time: "19:00-21:00",
    arrival_time: null,
    table_type: "圆桌",
    table_number: null,
    area: "大厅",
    status: "confirmed",
    special_requirements: "靠窗位置",
    notes: null,
    deposit_required: false,
    deposit_amount: 0,
    deposit_paid: false,
    source: "yiding",
    channel: "微信小程序",
    raw_payload: {},
    sync_status: "success",
    synced_at: "2025-11-21T08:00:00Z",
    created_at: "2025-11-21T08:00:00Z",
    updated_at: "2025-11-21T08:00:00Z",
    ...over,
  };
}

export function boardRow(
  over: Partial<Reservation>,
  nextAllowed: BoardReservation["next_allowed"],
  time = "19:00",
): BoardReservation {
  return { reservation: reservation(over), time, next_allowed: nextAllowed };
}

export function renderInProviders(node: ReactNode) {
  return render(<Providers lang="zh">{node}</Providers>);
}

/** A `liveUpdates` mock that any number of listeners may listen to, as the shell's. */
export function liveUpdatesHub() {
  const handlers = new Set<(u: LiveUpdate) => void>();
  return {
    listen: vi.fn(async (h: (u: LiveUpdate) => void) => {
      handlers.add(h);
      return () => {
        handlers.delete(h);
      };
    }),
    send(update: LiveUpdate) {
      if (handlers.size === 0) throw new Error("nobody listens for live updates");
      for (const h of handlers) h(update);
    },
  };
}
