import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { App } from "../../App";
import { Providers } from "../../Providers";
import type {
  ApiToken,
  AppStatus,
  CreatedToken,
  ListenerStatus,
  Operation,
  Role,
} from "../../types";
import { SettingsPage } from "../SettingsPage";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  createFirstAdmin: vi.fn(),
  login: vi.fn(),
  logout: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  getSystem: vi.fn(),
  createSystem: vi.fn(),
  updateSystem: vi.fn(),
  deleteSystem: vi.fn(),
  testSystem: vi.fn(),
  listenerStatus: vi.fn(),
  saveListenerSettings: vi.fn(),
  listTokens: vi.fn(),
  createToken: vi.fn(),
  revokeToken: vi.fn(),
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi };
});

const MANAGER_OPS: Operation[] = ["systems_view", "listener_manage", "tokens_manage"];

function statusFor(role: Role): AppStatus {
  return {
    needs_admin: false,
    current_user: {
      id: `u-${role}`,
      username: role,
      role,
      created_at: "2024-01-01T00:00:00Z",
      last_login_at: null,
    },
    data_dir: "/tmp/data",
    version: "0.1.0",
  };
}

const stopped: ListenerStatus = {
  settings: { enabled: false, lan: false, port: 8765, tls: false },
  running: false,
  url: null,
  lan_urls: [],
  fingerprint: null,
  error: null,
};

const SECRET = "slk_Q2hpbmEtc3RvcmVsaW5rLWUyZS10ZXJtaW5hbC1zZWNyZXQ";

function token(over: Partial<ApiToken> = {}): ApiToken {
  return {
    id: "0190f7a2-0000-7000-8000-000000000001",
    name: "e2e-terminal",
    role: "staff",
    system_id: null,
    token_prefix: "slk_Q2hpbmEt",
    rate_limit: 50,
    created_by: "admin",
    created_at: "2024-01-01T00:00:00Z",
    last_used_at: null,
    revoked_at: null,
    ...over,
  };
}

function setup(ops: Operation[], opts: { tokens?: ApiToken[]; listener?: ListenerStatus } = {}) {
  mockApi.appStatus.mockResolvedValue(statusFor("admin"));
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
  mockApi.listenerStatus.mockResolvedValue(opts.listener ?? stopped);
  mockApi.listTokens.mockResolvedValue(opts.tokens ?? []);
  return render(
    <Providers lang="zh">
      <SettingsPage />
    </Providers>,
  );
}

/** The error texts under the antd Form.Item holding the element with this testid. */
function fieldErrors(testid: string): string[] {
  const item = screen.getByTestId(testid).closest(".ant-form-item");
  if (!item) return [];
  return Array.from(item.querySelectorAll(".ant-form-item-explain-error")).map(
    (n) => n.textContent ?? "",
  );
}

async function chooseRole(role: Role) {
  const form = await screen.findByTestId("token-form");
  fireEvent.mouseDown(within(within(form).getByTestId("token-role")).getByRole("combobox"));
  fireEvent.click(await screen.findByTestId(`role-option-${role}`));
}

describe("SettingsPage: API tokens", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("shows a new token once; after closing it is gone from the page", async () => {
    setup(MANAGER_OPS);
    const created: CreatedToken = { token: SECRET, info: token() };
    mockApi.createToken.mockResolvedValue(created);
    expect(await screen.findByText("暂无令牌")).toBeInTheDocument();

    fireEvent.click(screen.getByTestId("token-new"));
    const form = await screen.findByTestId("token-form");
    fireEvent.change(within(form).getByTestId("token-name"), { target: { value: " e2e-terminal " } });
    await chooseRole("staff");
    mockApi.listTokens.mockResolvedValue([created.info]);
    fireEvent.click(within(form).getByTestId("token-submit"));

    await waitFor(() => expect(mockApi.createToken).toHaveBeenCalledTimes(1));
    expect(mockApi.createToken).toHaveBeenCalledWith({
      name: "e2e-terminal",
      role: "staff",
      system_id: null,
      rate_limit: 50,
    });
    expect(await screen.findByTestId("token-secret")).toHaveTextContent(SECRET);
    expect(screen.getByText(/关闭后将不再显示/)).toBeInTheDocument();
    expect(screen.queryByTestId("token-form")).toBeNull();

    // The list is refetched and shows only the prefix.
    const row = await screen.findByTestId("token-row-e2e-terminal");
    expect(within(row).getByText("slk_Q2hpbmEt…")).toBeInTheDocument();
    expect(within(row).getByText("员工")).toBeInTheDocument();
    expect(within(row).getByText("全部")).toBeInTheDocument();
    expect(within(row).getByText("50 次/秒")).toBeInTheDocument();
    expect(within(row).getByTestId("token-status-e2e-terminal")).toHaveTextContent("有效");
    expect(mockApi.listTokens).toHaveBeenCalledTimes(2);

    fireEvent.click(screen.getByTestId("token-close"));
    await waitFor(() => expect(screen.queryByTestId("token-secret")).toBeNull());
    expect(document.body.textContent).not.toContain(SECRET);
    // Opening the form again starts empty and shows no secret.
    fireEvent.click(screen.getByTestId("token-new"));
    const again = await screen.findByTestId("token-form");
    expect(within(again).getByTestId("token-name")).toHaveValue("");
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("validates the form before calling the core", async () => {
    setup(MANAGER_OPS);
    fireEvent.click(await screen.findByTestId("token-new"));
    const form = await screen.findByTestId("token-form");
    fireEvent.click(within(form).getByTestId("token-submit"));
    await waitFor(() => expect(fieldErrors("token-name")).toEqual(["必填"]));
    expect(fieldErrors("token-role")).toEqual(["必填"]);

    fireEvent.change(within(form).getByTestId("token-name"), { target: { value: "   " } });
    fireEvent.change(within(form).getByTestId("token-rate"), { target: { value: "0" } });
    fireEvent.click(within(form).getByTestId("token-submit"));
    await waitFor(() => expect(fieldErrors("token-rate")).toEqual(["须在 1 到 100000 之间"]));
    expect(fieldErrors("token-name")).toEqual(["必填"]);
    expect(mockApi.createToken).not.toHaveBeenCalled();
  });

  it("shows the core's refusals next to the fields", async () => {
    setup(MANAGER_OPS);
    mockApi.createToken.mockRejectedValueOnce(
      new ApiError({ kind: "conflict", message: "a live token named `pos-1` exists", field: "name" }),
    );
    fireEvent.click(await screen.findByTestId("token-new"));
    const form = await screen.findByTestId("token-form");
    fireEvent.change(within(form).getByTestId("token-name"), { target: { value: "pos-1" } });
    await chooseRole("store_manager");
    fireEvent.change(within(form).getByTestId("token-rate"), { target: { value: "200" } });
    fireEvent.click(within(form).getByTestId("token-submit"));
    await waitFor(() =>
      expect(fieldErrors("token-name")).toEqual(["已存在同名的有效令牌，请先撤销它或换一个名称"]),
    );
    expect(mockApi.createToken).toHaveBeenCalledWith({
      name: "pos-1",
      role: "store_manager",
      system_id: null,
      rate_limit: 200,
    });

    mockApi.createToken.mockRejectedValueOnce(
      new ApiError({
        kind: "validation",
        errors: [
          { field: "rate_limit", rule: { code: "out_of_range", min: 1, max: 100000 }, message: "x" },
        ],
      }),
    );
    fireEvent.change(within(form).getByTestId("token-name"), { target: { value: "pos-2" } });
    fireEvent.click(within(form).getByTestId("token-submit"));
    await waitFor(() => expect(fieldErrors("token-rate")).toEqual(["须在 1 到 100000 之间"]));
    expect(screen.queryByTestId("token-secret")).toBeNull();
  });

  it("revokes a token after confirmation", async () => {
    const live = token({ name: "pos-1", id: "0190f7a2-0000-7000-8000-0000000000aa" });
    const revoked = token({
      name: "old",
      id: "0190f7a2-0000-7000-8000-0000000000bb",
      revoked_at: "2024-02-01T00:00:00Z",
      system_id: "0190f7a2-0000-7000-8000-00000000cafe",
    });
    setup(MANAGER_OPS, { tokens: [live, revoked] });
    mockApi.revokeToken.mockResolvedValue({ ...live, revoked_at: "2024-03-01T00:00:00Z" });

    const oldRow = await screen.findByTestId("token-row-old");
    expect(within(oldRow).getByTestId("token-status-old")).toHaveTextContent("已撤销");
    expect(within(oldRow).getByText("0190f7a2-0000-7000-8000-00000000cafe")).toBeInTheDocument();
    expect(screen.queryByTestId("token-revoke-old")).toBeNull();

    mockApi.listTokens.mockResolvedValue([{ ...live, revoked_at: "2024-03-01T00:00:00Z" }, revoked]);
    fireEvent.click(screen.getByTestId("token-revoke-pos-1"));
    expect(mockApi.revokeToken).not.toHaveBeenCalled();
    fireEvent.click(await screen.findByTestId("confirm-revoke"));
    await waitFor(() => expect(mockApi.revokeToken).toHaveBeenCalledWith(live.id));
    expect(await screen.findByText("已撤销 pos-1")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("token-status-pos-1")).toHaveTextContent("已撤销"));
    expect(screen.queryByTestId("token-revoke-pos-1")).toBeNull();
  });
});

describe("SettingsPage: listener", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("saves the settings and shows the running status and URL", async () => {
    setup(MANAGER_OPS);
    const form = await screen.findByTestId("listener-form");
    expect(screen.getByTestId("listener-status")).toHaveTextContent("已停止");
    expect(screen.queryByTestId("listener-url")).toBeNull();
    expect(screen.getByTestId("listener-lan-warning")).toHaveTextContent(
      "门店网络中的终端都可以访问接收服务",
    );

    fireEvent.click(within(form).getByTestId("listener-enabled"));
    fireEvent.change(within(form).getByTestId("listener-port"), { target: { value: "18765" } });
    mockApi.saveListenerSettings.mockResolvedValue({
      settings: { enabled: true, lan: false, port: 18765, tls: false },
      running: true,
      url: "http://127.0.0.1:18765",
      lan_urls: [],
      fingerprint: null,
      error: null,
    });
    fireEvent.click(within(form).getByTestId("listener-save"));

    await waitFor(() => expect(mockApi.saveListenerSettings).toHaveBeenCalledTimes(1));
    expect(mockApi.saveListenerSettings).toHaveBeenCalledWith({
      enabled: true,
      lan: false,
      port: 18765,
      tls: false,
    });
    expect(await screen.findByTestId("listener-url")).toHaveTextContent("http://127.0.0.1:18765");
    expect(screen.getByTestId("listener-status")).toHaveTextContent("运行中");
    expect(screen.getByTestId("listener-status")).toHaveAttribute("data-running", "true");
    expect(await screen.findByText("已保存，接收服务运行中")).toBeInTheDocument();
    // The command's answer is the new status: no extra status query.
    expect(mockApi.listenerStatus).toHaveBeenCalledTimes(1);
  });

  it("enables HTTPS only in LAN mode and turns it off with LAN mode", async () => {
    setup(MANAGER_OPS);
    const form = await screen.findByTestId("listener-form");
    const tls = within(form).getByTestId("listener-tls");
    expect(tls).toBeDisabled();
    fireEvent.click(within(form).getByTestId("listener-lan"));
    await waitFor(() => expect(tls).not.toBeDisabled());
    fireEvent.click(tls);
    expect(tls).toHaveAttribute("aria-checked", "true");
    fireEvent.click(within(form).getByTestId("listener-lan"));
    await waitFor(() => expect(tls).toBeDisabled());
    expect(tls).toHaveAttribute("aria-checked", "false");
  });

  it("shows the core's field errors next to the port and HTTPS fields", async () => {
    setup(MANAGER_OPS);
    mockApi.saveListenerSettings.mockRejectedValue(
      new ApiError({
        kind: "validation",
        errors: [
          { field: "port", rule: { code: "out_of_range", min: 1024, max: 65535 }, message: "x" },
          { field: "tls", rule: { code: "format", expected: "LAN mode on" }, message: "x" },
        ],
      }),
    );
    const form = await screen.findByTestId("listener-form");
    fireEvent.click(within(form).getByTestId("listener-save"));
    await waitFor(() => expect(fieldErrors("listener-port")).toEqual(["须在 1024 到 65535 之间"]));
    expect(fieldErrors("listener-tls")).toEqual(["格式不正确，应为 LAN mode on"]);
  });

  it("rejects a port out of range before calling the core", async () => {
    setup(MANAGER_OPS);
    const form = await screen.findByTestId("listener-form");
    fireEvent.change(within(form).getByTestId("listener-port"), { target: { value: "80" } });
    fireEvent.click(within(form).getByTestId("listener-save"));
    await waitFor(() => expect(fieldErrors("listener-port")).toEqual(["须在 1024 到 65535 之间"]));
    expect(mockApi.saveListenerSettings).not.toHaveBeenCalled();
  });

  it("shows the certificate fingerprint to pin, and why an enabled listener is not running", async () => {
    setup(MANAGER_OPS, {
      listener: {
        settings: { enabled: true, lan: true, port: 8443, tls: true },
        running: false,
        url: null,
        lan_urls: [],
        fingerprint: "AB:CD:EF:01",
        error: "address in use",
      },
    });
    expect(await screen.findByTestId("listener-fingerprint")).toHaveTextContent("AB:CD:EF:01");
    expect(screen.getByText("在终端中固定此指纹")).toBeInTheDocument();
    expect(screen.getByTestId("listener-error")).toHaveTextContent("接收服务未能启动：address in use");
    expect(screen.getByTestId("listener-status")).toHaveTextContent("已停止");
    expect(within(screen.getByTestId("listener-form")).getByTestId("listener-tls")).not.toBeDisabled();
  });

  it("lists the LAN addresses terminals use when LAN mode is running", async () => {
    setup(MANAGER_OPS, {
      listener: {
        settings: { enabled: true, lan: true, port: 8765, tls: false },
        running: true,
        url: "http://127.0.0.1:8765",
        lan_urls: ["http://192.168.1.20:8765", "http://10.0.0.5:8765"],
        fingerprint: null,
        error: null,
      },
    });
    const lans = await screen.findAllByTestId("listener-lan-url");
    expect(lans.map((e) => e.textContent)).toEqual([
      "http://192.168.1.20:8765",
      "http://10.0.0.5:8765",
    ]);
    expect(screen.getByText("局域网地址")).toBeInTheDocument();
  });
});

describe("SettingsPage: permissions and language", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("shows only the listener card with listener_manage alone", async () => {
    setup(["systems_view", "listener_manage"]);
    await screen.findByTestId("listener-card");
    expect(screen.queryByTestId("tokens-card")).toBeNull();
    expect(mockApi.listTokens).not.toHaveBeenCalled();
  });

  it("shows only the tokens card with tokens_manage alone", async () => {
    setup(["systems_view", "tokens_manage"]);
    await screen.findByTestId("tokens-card");
    expect(screen.queryByTestId("listener-card")).toBeNull();
    expect(mockApi.listenerStatus).not.toHaveBeenCalled();
  });

  it("shows no settings to a role without either permission", async () => {
    setup(["systems_view", "pos_transactions_create"]);
    expect(await screen.findByText("您的角色无权管理接收服务和 API 令牌")).toBeInTheDocument();
    expect(screen.queryByTestId("listener-card")).toBeNull();
    expect(screen.queryByTestId("tokens-card")).toBeNull();
    expect(mockApi.listenerStatus).not.toHaveBeenCalled();
    expect(mockApi.listTokens).not.toHaveBeenCalled();
  });

  it("hides the settings menu entry from a role without permission", async () => {
    mockApi.appStatus.mockResolvedValue(statusFor("staff"));
    mockApi.myPermissions.mockResolvedValue(["systems_view", "pos_transactions_create"]);
    mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    await screen.findByTestId("systems-page");
    await screen.findByTestId("systems-menu");
    await waitFor(() => expect(mockApi.myPermissions).toHaveBeenCalled());
    expect(screen.queryByTestId("settings-menu")).toBeNull();
    expect(screen.queryByText("设置")).toBeNull();
  });

  it("opens the settings page from the side menu for a manager", async () => {
    mockApi.appStatus.mockResolvedValue(statusFor("store_manager"));
    mockApi.myPermissions.mockResolvedValue(MANAGER_OPS);
    mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
    mockApi.listenerStatus.mockResolvedValue(stopped);
    mockApi.listTokens.mockResolvedValue([]);
    render(
      <Providers lang="zh">
        <App />
      </Providers>,
    );
    await screen.findByTestId("systems-page");
    fireEvent.click(await screen.findByTestId("settings-menu"));
    expect(await screen.findByTestId("settings-page")).toBeInTheDocument();
    expect(screen.queryByTestId("systems-page")).toBeNull();
    await screen.findByTestId("listener-form");
    fireEvent.click(screen.getByTestId("systems-menu"));
    expect(await screen.findByTestId("systems-page")).toBeInTheDocument();
  });

  it("speaks English when switched", async () => {
    mockApi.appStatus.mockResolvedValue(statusFor("admin"));
    mockApi.myPermissions.mockResolvedValue(MANAGER_OPS);
    mockApi.listSystems.mockResolvedValue({ items: [], next_cursor: null });
    mockApi.listenerStatus.mockResolvedValue(stopped);
    mockApi.listTokens.mockResolvedValue([token()]);
    render(
      <Providers lang="en">
        <SettingsPage />
      </Providers>,
    );
    expect(await screen.findByText("API tokens")).toBeInTheDocument();
    expect(screen.getByText("Listener")).toBeInTheDocument();
    expect(await screen.findByTestId("listener-status")).toHaveTextContent("Stopped");
    const row = await screen.findByTestId("token-row-e2e-terminal");
    expect(within(row).getByText("Staff")).toBeInTheDocument();
    expect(within(row).getByText("All")).toBeInTheDocument();
    expect(within(row).getByText("Live")).toBeInTheDocument();
  });
});
