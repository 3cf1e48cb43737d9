import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { liveUpdatesMock } from "../../test/opsFixtures";
import type { LiveUpdate } from "../../types";
import { COALESCE_MS, keysFor, startLiveUpdates } from "../liveUpdates";
import { createQueryClient } from "../queries";

const live = vi.hoisted(() => ({ current: null as ReturnType<typeof liveUpdatesMock> | null }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return {
    ...orig,
    liveUpdates: { listen: (h: never) => live.current?.listen(h) ?? Promise.reject() },
  };
});

const progress = (status: "running" | "completed"): LiveUpdate => ({
  type: "domain",
  event: {
    kind: "sync_task_progress",
    task_id: "t1",
    system_id: "s1",
    stream: "customers",
    status,
    success_items: 1,
    failed_items: 0,
    total_items: 2,
  },
});

const prefixes = (u: LiveUpdate) => keysFor(u).map((k) => k[0]);

describe("live updates", () => {
  afterEach(() => vi.useRealTimers());

  it("maps each event to the lists it changes", () => {
    expect(prefixes(progress("running"))).toEqual(["sync_tasks", "sync_logs", "conflicts"]);
    expect(prefixes(progress("completed"))).toContain("systems");
    expect(
      prefixes({
        type: "domain",
        event: { kind: "pos_transaction_recorded", system_id: "s1", id: "p1", pos_transaction_id: "TXN-1" },
      }),
    ).toEqual(["inbox", "sync_logs"]);
    expect(
      prefixes({
        type: "domain",
        event: {
          kind: "alert",
          alert: { kind: "outbox_dead", system_id: "s1", message: "dead", dedup_key: "k", at: "2025-01-01T00:00:00Z" },
        },
      }),
    ).toEqual(["outbox"]);
    expect(prefixes({ type: "missed", missed: 3 })).toEqual([
      "sync_tasks",
      "sync_logs",
      "conflicts",
      "outbox",
      "inbox",
      "systems",
    ]);
  });

  it("a database refused while running is not a list's business (the app hears it)", () => {
    expect(prefixes({ type: "data_refused" })).toEqual([]);
  });

  it("a list or an action answering database_refused asks for the status again, once", async () => {
    const qc = createQueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries").mockResolvedValue();
    const refused = new ApiError({ kind: "database_refused", message: "damaged", remedy: "restore" });
    await qc.fetchQuery({ queryKey: ["pos_transactions"], queryFn: () => Promise.reject(refused) }).catch(() => {});
    expect(invalidate.mock.calls.map((c) => c[0]?.queryKey)).toEqual([["app_status"]]);
    await qc.fetchQuery({ queryKey: ["app_status"], queryFn: () => Promise.reject(refused) }).catch(() => {});
    expect(invalidate).toHaveBeenCalledTimes(1);
    await qc
      .getMutationCache()
      .build(qc, { mutationFn: () => Promise.reject(refused) })
      .execute(undefined)
      .catch(() => {});
    expect(invalidate).toHaveBeenCalledTimes(2);
  });

  it("refetches each list once for a burst of events, and stops when disposed", async () => {
    vi.useFakeTimers();
    live.current = liveUpdatesMock();
    const qc = new QueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries").mockResolvedValue();
    const stop = startLiveUpdates(qc);
    await vi.waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    for (let i = 0; i < 5; i++) live.current.send(progress("running"));
    expect(invalidate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(COALESCE_MS);
    expect(invalidate.mock.calls.map((c) => c[0]?.queryKey)).toEqual([
      ["sync_tasks"],
      ["sync_logs"],
      ["conflicts"],
    ]);
    stop();
    expect(() => live.current?.send(progress("running"))).toThrow("nobody listens");
  });

  it("marks the dashboard and the board stale while they are not shown", async () => {
    vi.useFakeTimers();
    live.current = liveUpdatesMock();
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } });
    qc.setQueryData(["dashboard"], { cached: true });
    qc.setQueryData(["front_desk", "today"], { cached: true });
    const stop = startLiveUpdates(qc);
    await vi.waitFor(() => expect(live.current?.listen).toHaveBeenCalled());
    // A running sync's page counts concern neither.
    live.current.send(progress("running"));
    vi.advanceTimersByTime(COALESCE_MS);
    expect(qc.getQueryState(["dashboard"])?.isInvalidated).toBe(false);
    live.current.send({
      type: "domain",
      event: { kind: "reservation_cancelled", system_id: "s1", id: "r1", reservation_id: "R-1", customer_name: "张三" },
    });
    vi.advanceTimersByTime(COALESCE_MS);
    expect(qc.getQueryState(["dashboard"])?.isInvalidated).toBe(true);
    expect(qc.getQueryState(["front_desk", "today"])?.isInvalidated).toBe(true);
    stop();
  });

  // Outside the shell listening is refused: that must not surface as an unhandled
  // rejection (which fails the run) nor break disposal.
  it("stays quiet outside the desktop shell", async () => {
    live.current = null;
    const qc = new QueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries");
    const stop = startLiveUpdates(qc);
    await new Promise((r) => setTimeout(r, 0));
    expect(stop).not.toThrow();
    expect(invalidate).not.toHaveBeenCalled();
  });
});
