import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { App } from "../../App";
import { Providers } from "../../Providers";
import { liveUpdatesMock } from "../../test/opsFixtures";
import type { AppStatus } from "../../types";

const mockApi = vi.hoisted(() => ({ appStatus: vi.fn() }));
const live = vi.hoisted(() => ({ current: null as ReturnType<typeof liveUpdatesMock> | null }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return {
    ...orig,
    api: mockApi,
    liveUpdates: { listen: (h: never) => live.current?.listen(h) ?? Promise.reject() },
  };
});

const SIGN_IN: AppStatus = { needs_admin: false, current_user: null, data_dir: "/data", version: "0.1.0" };

describe("a database found damaged after start-up", () => {
  it("replaces the sign-in form with the refusal and its remedy when the core says so", async () => {
    live.current = liveUpdatesMock();
    mockApi.appStatus.mockResolvedValue(SIGN_IN);
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    expect(await screen.findByTestId("login-username")).toBeInTheDocument();
    await vi.waitFor(() => expect(live.current?.listen).toHaveBeenCalled());

    mockApi.appStatus.mockRejectedValue(
      new ApiError({ kind: "database_refused", message: "storelink.db is damaged", remedy: "restore the latest backup" }),
    );
    live.current.send({ type: "data_refused" });

    expect(await screen.findByText(/数据库无法打开：storelink.db is damaged/)).toBeInTheDocument();
    expect(screen.getByText(/restore the latest backup/)).toBeInTheDocument();
    expect(screen.queryByTestId("login-username")).not.toBeInTheDocument();
  });
});
