import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { App } from "../../App";
import { Providers } from "../../Providers";
import type { AppStatus, DemoStatus, UserView } from "../../types";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  createFirstAdmin: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  logout: vi.fn(),
}));
const mockDemo = vi.hoisted(() => ({ demoStatus: vi.fn(), startDemo: vi.fn(), removeDemo: vi.fn() }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, demoApi: mockDemo };
});

const ADMIN: UserView = {
  id: "u-admin",
  username: "boss",
  role: "admin",
  created_at: "2024-01-01T00:00:00Z",
  last_login_at: null,
};

const FIRST_RUN: AppStatus = { needs_admin: true, current_user: null, data_dir: "/data", version: "0.1.0" };

const RUNNING: DemoStatus = {
  systems: [
    { id: "d1", name: "演示 · 美团 POS", type: "pos" },
    { id: "d2", name: "演示 · 易订预订", type: "reservation" },
  ],
  running: true,
  pushed: 3,
  push_every_secs: 5,
  listener_url: "http://127.0.0.1:8765",
  terminal_error: null,
};

function renderFirstRun() {
  mockApi.appStatus.mockResolvedValue(FIRST_RUN);
  mockApi.myPermissions.mockResolvedValue(["systems_view", "systems_create", "systems_delete"]);
  mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
  return render(
    <Providers lang="zh">
      <App />
    </Providers>,
  );
}

async function fillAdmin() {
  fireEvent.change(await screen.findByTestId("admin-username"), { target: { value: " boss " } });
  fireEvent.change(screen.getByTestId("admin-password"), { target: { value: "Adm1n-pass!" } });
  fireEvent.change(screen.getByTestId("admin-password-confirm"), { target: { value: "Adm1n-pass!" } });
}

describe("First run: demo mode", () => {
  beforeEach(() => vi.clearAllMocks());

  it("creates the administrator, starts the demo and opens the app under its banner", async () => {
    renderFirstRun();
    expect(await screen.findByText(/一分钟内就能看到数据流入/)).toBeInTheDocument();
    await fillAdmin();
    mockApi.createFirstAdmin.mockResolvedValue(ADMIN);
    mockDemo.startDemo.mockResolvedValue(RUNNING);
    mockDemo.demoStatus.mockResolvedValue(RUNNING);
    fireEvent.click(screen.getByTestId("admin-submit-demo"));

    await waitFor(() => expect(mockApi.createFirstAdmin).toHaveBeenCalledWith("boss", "Adm1n-pass!"));
    await waitFor(() => expect(mockDemo.startDemo).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId("current-user")).toHaveTextContent("boss");
    const banner = await screen.findByTestId("demo-banner");
    expect(banner).toHaveAttribute("data-running", "true");
    expect(within(banner).getByTestId("demo-tag")).toHaveTextContent("演示");
    expect(banner).toHaveTextContent("每 5 秒推送一笔交易（已推送 3 笔）");
    expect(await screen.findByText("演示模式已启动：模拟 POS 终端每 5 秒推送一笔交易")).toBeInTheDocument();
  });

  it("checks the form first, and opens the app even when the demo cannot start", async () => {
    renderFirstRun();
    fireEvent.click(await screen.findByTestId("admin-submit-demo"));
    expect(await screen.findByText("请输入用户名")).toBeInTheDocument();
    expect(mockApi.createFirstAdmin).not.toHaveBeenCalled();

    await fillAdmin();
    mockApi.createFirstAdmin.mockResolvedValue(ADMIN);
    mockDemo.startDemo.mockRejectedValue(
      new ApiError({
        kind: "conflict",
        message: "the demo POS terminal pushes over plain HTTP; turn HTTPS off first",
        field: "tls",
      }),
    );
    mockDemo.demoStatus.mockResolvedValue({ ...RUNNING, systems: [], running: false });
    fireEvent.click(screen.getByTestId("admin-submit-demo"));
    expect(await screen.findByText("演示模式未能启动")).toBeInTheDocument();
    expect(screen.getByText(/plain HTTP/)).toBeInTheDocument();
    expect(await screen.findByTestId("current-user")).toHaveTextContent("boss");
    expect(screen.queryByTestId("demo-banner")).toBeNull();
  });

  it("the plain button still creates the administrator without a demo", async () => {
    renderFirstRun();
    await fillAdmin();
    mockApi.createFirstAdmin.mockResolvedValue(ADMIN);
    mockDemo.demoStatus.mockResolvedValue({ ...RUNNING, systems: [], running: false });
    fireEvent.click(screen.getByTestId("admin-submit"));
    expect(await screen.findByTestId("current-user")).toHaveTextContent("boss");
    expect(mockDemo.startDemo).not.toHaveBeenCalled();
  });
});

describe("Demo banner", () => {
  beforeEach(() => vi.clearAllMocks());

  it("offers resume while paused, and removal after confirmation", async () => {
    mockApi.appStatus.mockResolvedValue({ ...FIRST_RUN, needs_admin: false, current_user: ADMIN });
    mockApi.myPermissions.mockResolvedValue(["systems_view", "systems_create", "systems_delete"]);
    mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
    mockDemo.demoStatus.mockResolvedValue({ ...RUNNING, running: false, pushed: 0 });
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    const banner = await screen.findByTestId("demo-banner");
    expect(banner).toHaveAttribute("data-running", "false");
    expect(banner).toHaveTextContent("演示模式已暂停");

    mockDemo.startDemo.mockResolvedValue(RUNNING);
    fireEvent.click(await within(banner).findByTestId("demo-start"));
    await waitFor(() => expect(mockDemo.startDemo).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId("demo-banner")).toHaveAttribute("data-running", "true"));
    expect(within(screen.getByTestId("demo-banner")).queryByTestId("demo-start")).toBeNull();

    mockDemo.removeDemo.mockResolvedValue({ systems: 2, rows: 40 });
    mockDemo.demoStatus.mockResolvedValue({ ...RUNNING, systems: [], running: false });
    fireEvent.click(within(screen.getByTestId("demo-banner")).getByTestId("demo-remove"));
    expect(mockDemo.removeDemo).not.toHaveBeenCalled();
    fireEvent.click(await screen.findByTestId("demo-remove-ok"));
    await waitFor(() => expect(mockDemo.removeDemo).toHaveBeenCalledTimes(1));
    expect(await screen.findByText("已移除演示数据（2 个系统）")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("demo-banner")).toBeNull());
  });

  it("shows no removal to a role that may not delete systems", async () => {
    mockApi.appStatus.mockResolvedValue({
      ...FIRST_RUN,
      needs_admin: false,
      current_user: { ...ADMIN, username: "clerk", role: "staff" },
    });
    mockApi.myPermissions.mockResolvedValue(["systems_view", "sync_logs_view"]);
    mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
    mockDemo.demoStatus.mockResolvedValue({ ...RUNNING, running: false });
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    const banner = await screen.findByTestId("demo-banner");
    // The permissions are in: the menu lists the pages they open.
    await screen.findByTestId("sync_logs-menu");
    expect(within(banner).queryByTestId("demo-remove")).toBeNull();
    expect(within(banner).queryByTestId("demo-start")).toBeNull();
  });
});
