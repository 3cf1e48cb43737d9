import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import type { NotificationEvent, NotificationRecord } from "../../types";
import { notificationKeys, pageForTarget, startNotificationEvents } from "../desktopNotifications";

const events = vi.hoisted(() => ({
  handler: null as ((e: NotificationEvent) => void) | null,
  stopped: 0,
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return {
    ...orig,
    notificationEvents: {
      listen: async (h: (e: NotificationEvent) => void) => {
        events.handler = h;
        return () => {
          events.stopped += 1;
          events.handler = null;
        };
      },
    },
  };
});

const record: NotificationRecord = {
  id: 7,
  kind: "sync_failed",
  system_id: "s1",
  target: "sync_tasks",
  title: "同步失败",
  body: "the customers sync of 总部ERP failed",
  shown_at: "2026-03-01T08:00:00Z",
  repeats: 0,
  delivered: true,
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("desktop notification events", () => {
  it("maps every target to a page of the menu", () => {
    expect(pageForTarget("sync_tasks")).toBe("sync_tasks");
    expect(pageForTarget("outbox")).toBe("outbox");
    expect(pageForTarget("dashboard")).toBe("dashboard");
    expect(pageForTarget("front_desk")).toBe("front_desk");
  });

  it("opens the clicked notification's page and refreshes the list when one is shown", async () => {
    const qc = new QueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries");
    const navigate = vi.fn();
    const stop = startNotificationEvents(qc, navigate);
    await flush();
    expect(events.handler).not.toBeNull();

    events.handler?.({ type: "shown", record });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: notificationKeys.list });
    expect(navigate).not.toHaveBeenCalled();

    events.handler?.({ type: "clicked", record_id: 7, target: "outbox", system_id: "s1" });
    expect(navigate).toHaveBeenCalledWith("outbox");

    stop();
    expect(events.stopped).toBe(1);
  });
});
