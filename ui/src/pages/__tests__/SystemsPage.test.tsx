import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import { Providers } from "../../Providers";
import type { AppStatus, ExternalSystem, Operation } from "../../types";
import { SystemsPage } from "../SystemsPage";

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
}));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi };
});

const status: AppStatus = {
  needs_admin: false,
  current_user: {
    id: "u1",
    username: "admin",
    role: "admin",
    created_at: "2024-01-01T00:00:00Z",
    last_login_at: null,
  },
  data_dir: "/tmp/data",
  version: "0.1.0",
};

const system: ExternalSystem = {
  id: "s1",
  name: "美团POS系统",
  type: "pos",
  provider: "Meituan",
  version: null,
  status: "active",
  store_id: "store-001",
  api_endpoint: "http://127.0.0.1:1/pos",
  webhook_url: null,
  config: {},
  sync_enabled: true,
  sync_interval: 300,
  last_sync_at: null,
  last_sync_status: null,
  secret_fields: ["api_key"],
  last_test_at: "2024-01-01T00:00:00Z",
  last_test_latency_ms: 12,
  last_test_error_class: null,
  last_test_message: null,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
};

function setup(ops: Operation[]) {
  mockApi.appStatus.mockResolvedValue(status);
  mockApi.myPermissions.mockResolvedValue(ops);
  mockApi.listSystems.mockResolvedValue({ items: [system], next_cursor: null });
  return render(
    <Providers lang="zh">
      <SystemsPage />
    </Providers>,
  );
}

describe("SystemsPage", () => {
  beforeEach(() => {
    vi.clearAllMocks();
  });

  it("hides the add button and row actions without create/update/delete/test", async () => {
    setup(["systems_view"]);
    const row = await screen.findByTestId("system-row-美团POS系统");
    expect(within(row).getByText("POS系统")).toBeInTheDocument();
    expect(screen.getByTestId("status-美团POS系统")).toHaveTextContent("正常");
    expect(screen.queryByTestId("add-system")).toBeNull();
    expect(screen.queryByTestId("edit-美团POS系统")).toBeNull();
    expect(screen.queryByTestId("test-美团POS系统")).toBeNull();
    expect(screen.queryByTestId("delete-美团POS系统")).toBeNull();
    expect(mockApi.listSystems).toHaveBeenCalledWith({
      type: null,
      store_id: null,
      status: null,
      cursor: null,
      limit: 50,
    });
  });

  it("shows the add button and actions when permitted", async () => {
    setup(["systems_view", "systems_create", "systems_update", "systems_delete", "systems_test"]);
    await screen.findByTestId("system-row-美团POS系统");
    expect(screen.getByTestId("add-system")).toBeInTheDocument();
    expect(screen.getByTestId("systems-table")).toBeInTheDocument();
    expect(screen.getByTestId("edit-美团POS系统")).toBeInTheDocument();
    expect(screen.getByTestId("test-美团POS系统")).toBeInTheDocument();
    expect(screen.getByTestId("delete-美团POS系统")).toBeInTheDocument();
  });

  it("shows only the actions that are permitted", async () => {
    setup(["systems_view", "systems_test"]);
    await screen.findByTestId("system-row-美团POS系统");
    expect(screen.queryByTestId("add-system")).toBeNull();
    expect(screen.getByTestId("test-美团POS系统")).toBeInTheDocument();
    expect(screen.queryByTestId("edit-美团POS系统")).toBeNull();
  });

  it("shows a duplicate-name conflict next to the name field", async () => {
    setup(["systems_view", "systems_create"]);
    mockApi.createSystem.mockRejectedValue(
      new ApiError({ kind: "conflict", message: "duplicate name", field: "name" }),
    );
    fireEvent.click(await screen.findByTestId("add-system"));
    const form = await screen.findByTestId("system-form");
    fireEvent.change(within(form).getByTestId("field-name"), { target: { value: "美团POS系统" } });
    fireEvent.change(within(form).getByTestId("field-provider"), { target: { value: "Meituan" } });
    fireEvent.mouseDown(within(within(form).getByTestId("field-type")).getByRole("combobox"));
    fireEvent.click(await screen.findByTestId("type-option-pos"));
    fireEvent.change(within(form).getByTestId("field-api-key"), { target: { value: "k" } });
    fireEvent.click(within(form).getByTestId("system-form-submit"));
    await waitFor(() => expect(mockApi.createSystem).toHaveBeenCalledTimes(1));
    expect(mockApi.createSystem.mock.calls[0][0]).toMatchObject({
      name: "美团POS系统",
      type: "pos",
      provider: "Meituan",
      secrets: { api_key: "k" },
      sync_interval: 300,
    });
    expect(await within(form).findByText("同一门店下已存在同名系统")).toBeInTheDocument();
  });

  it("shows server validation errors next to the matching fields", async () => {
    setup(["systems_view", "systems_update"]);
    mockApi.updateSystem.mockRejectedValue(
      new ApiError({
        kind: "validation",
        errors: [
          { field: "secrets.api_key", rule: { code: "too_long", max: 64 }, message: "too long" },
          { field: "config.x", rule: { code: "json" }, message: "bad" },
        ],
      }),
    );
    fireEvent.click(await screen.findByTestId("edit-美团POS系统"));
    const form = await screen.findByTestId("system-form");
    expect(within(form).getByText("已保存")).toBeInTheDocument();
    fireEvent.change(within(form).getByTestId("field-api-key"), { target: { value: "x".repeat(80) } });
    fireEvent.click(within(form).getByTestId("system-form-submit"));
    await waitFor(() => expect(mockApi.updateSystem).toHaveBeenCalledTimes(1));
    expect(mockApi.updateSystem.mock.calls[0][1]).toMatchObject({
      name: null,
      secrets: { api_key: "x".repeat(80) },
      clear_secrets: [],
    });
    expect(await within(form).findByText("长度不能超过 64 个字符")).toBeInTheDocument();
    expect(within(form).getByText("x: 须为有效的 JSON")).toBeInTheDocument();
  });
});
