import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api";
import {
  account,
  ADMIN_OPS,
  chooseRole,
  fieldErrors,
  MANAGER_OPS,
  openTab,
  renderSettings,
} from "../../test/settingsFixtures";
import type { Operation, Role } from "../../types";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  listSystems: vi.fn(),
  listenerStatus: vi.fn(),
  listTokens: vi.fn(),
}));
const mockSettings = vi.hoisted(() => ({
  listUserAccounts: vi.fn(),
  addUserAccount: vi.fn(),
  changeUserRole: vi.fn(),
  setUserDisabled: vi.fn(),
  resetUserPassword: vi.fn(),
  backupsOverview: vi.fn(),
  saveBackupSettings: vi.fn(),
  runBackup: vi.fn(),
  restoreBackup: vi.fn(),
  searchAuditLog: vi.fn(),
}));
const mockDemo = vi.hoisted(() => ({ demoStatus: vi.fn(), startDemo: vi.fn(), removeDemo: vi.fn() }));

vi.mock("../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../api")>();
  return { ...orig, api: mockApi, settingsApi: mockSettings, demoApi: mockDemo };
});

const mocks = { api: mockApi, settings: mockSettings, demo: mockDemo };
const setup = (role: Role, ops: Operation[], lang: "zh" | "en" = "zh") =>
  renderSettings(mocks, role, ops, lang);

describe("SettingsPage tabs", () => {
  beforeEach(() => vi.clearAllMocks());

  it("shows an administrator every tab and a store manager neither backups nor audit", async () => {
    const first = setup("admin", ADMIN_OPS);
    for (const key of ["connect", "users", "general", "backups", "audit"]) {
      expect(await screen.findByTestId(`settings-tab-${key}`)).toBeInTheDocument();
    }
    // The listener and tokens stay the first tab, open at once.
    expect(await screen.findByTestId("listener-card")).toBeInTheDocument();
    first.unmount();

    setup("store_manager", MANAGER_OPS);
    expect(await screen.findByTestId("settings-tab-users")).toBeInTheDocument();
    expect(screen.queryByTestId("settings-tab-backups")).toBeNull();
    expect(screen.queryByTestId("settings-tab-audit")).toBeNull();
    expect(mockSettings.backupsOverview).not.toHaveBeenCalled();
    expect(mockSettings.searchAuditLog).not.toHaveBeenCalled();
  });

  it("switches the language from the general tab", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("general");
    fireEvent.click(await screen.findByTestId("language-en"));
    expect(await screen.findByText("General")).toBeInTheDocument();
    expect(screen.getByText("Users & roles")).toBeInTheDocument();
    expect(window.localStorage.getItem("storelink.lang")).toBe("en");
    window.localStorage.removeItem("storelink.lang");
  });
});

describe("SettingsPage: users and roles", () => {
  beforeEach(() => vi.clearAllMocks());

  it("lists accounts; the administrator's own row cannot be disabled", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("users");
    const me = await screen.findByTestId("user-row-admin");
    expect(within(me).getByText("我")).toBeInTheDocument();
    expect(within(me).getByText("管理员")).toBeInTheDocument();
    expect(screen.queryByTestId("user-toggle-admin")).toBeNull();
    expect(screen.queryByTestId("user-role-admin")).toBeNull();
    const floor = screen.getByTestId("user-row-floor");
    expect(within(floor).getByText("楼面经理")).toBeInTheDocument();
    expect(screen.getByTestId("user-status-old")).toHaveTextContent("已停用");
    expect(screen.getByTestId("user-toggle-old")).toHaveTextContent("启用");
    expect(within(screen.getByTestId("user-row-old")).getByText("从未登录")).toBeInTheDocument();
  });

  it("adds a user after checking the form", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("users");
    fireEvent.click(await screen.findByTestId("user-new"));
    const form = await screen.findByTestId("user-form");
    fireEvent.change(within(form).getByTestId("user-username"), { target: { value: " waiter " } });
    fireEvent.change(within(form).getByTestId("user-password"), { target: { value: "Passw0rd-long" } });
    fireEvent.change(within(form).getByTestId("user-password-confirm"), { target: { value: "different" } });
    fireEvent.click(within(form).getByTestId("user-submit"));
    await waitFor(() => expect(fieldErrors("user-password-confirm")).toEqual(["两次输入的密码不一致"]));
    expect(fieldErrors("user-role")).toEqual(["必填"]);
    expect(mockSettings.addUserAccount).not.toHaveBeenCalled();

    fireEvent.change(within(form).getByTestId("user-password-confirm"), {
      target: { value: "Passw0rd-long" },
    });
    await chooseRole("staff");
    mockSettings.addUserAccount.mockResolvedValue(account("waiter", "staff"));
    fireEvent.click(within(form).getByTestId("user-submit"));
    await waitFor(() =>
      expect(mockSettings.addUserAccount).toHaveBeenCalledWith("waiter", "Passw0rd-long", "staff"),
    );
    expect(await screen.findByText("已添加用户 waiter")).toBeInTheDocument();
    await waitFor(() => expect(mockSettings.listUserAccounts).toHaveBeenCalledTimes(2));
  });

  it("shows a taken username next to the field", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("users");
    fireEvent.click(await screen.findByTestId("user-new"));
    const form = await screen.findByTestId("user-form");
    fireEvent.change(within(form).getByTestId("user-username"), { target: { value: "floor" } });
    fireEvent.change(within(form).getByTestId("user-password"), { target: { value: "Passw0rd-long" } });
    fireEvent.change(within(form).getByTestId("user-password-confirm"), { target: { value: "Passw0rd-long" } });
    await chooseRole("staff");
    mockSettings.addUserAccount.mockRejectedValue(
      new ApiError({ kind: "conflict", message: "the username `floor` is taken", field: "username" }),
    );
    fireEvent.click(within(form).getByTestId("user-submit"));
    await waitFor(() => expect(fieldErrors("user-username")).toEqual(["该值已存在"]));
  });

  it("changes a role, disables an account and resets a password", async () => {
    setup("admin", ADMIN_OPS);
    await openTab("users");
    fireEvent.click(await screen.findByTestId("user-role-floor"));
    await screen.findByTestId("role-form");
    await chooseRole("warehouse_manager");
    mockSettings.changeUserRole.mockResolvedValue(account("floor", "warehouse_manager"));
    fireEvent.click(within(screen.getByTestId("role-form")).getByTestId("user-submit"));
    await waitFor(() => expect(mockSettings.changeUserRole).toHaveBeenCalledWith("id-floor", "warehouse_manager"));
    expect(await screen.findByText("floor 的角色已改为仓库经理")).toBeInTheDocument();

    mockSettings.setUserDisabled.mockResolvedValue(account("floor", "floor_manager", { disabled: true }));
    fireEvent.click(screen.getByTestId("user-toggle-floor"));
    expect(mockSettings.setUserDisabled).not.toHaveBeenCalled();
    fireEvent.click(await screen.findByTestId("confirm-toggle"));
    await waitFor(() => expect(mockSettings.setUserDisabled).toHaveBeenCalledWith("id-floor", true));
    expect(await screen.findByText("已停用 floor")).toBeInTheDocument();

    fireEvent.click(screen.getByTestId("user-password-floor"));
    const form = await screen.findByTestId("password-form");
    fireEvent.change(within(form).getByTestId("user-password"), { target: { value: "short" } });
    fireEvent.click(within(form).getByTestId("user-submit"));
    await waitFor(() => expect(fieldErrors("user-password")).toEqual(["密码至少 8 个字符"]));
    fireEvent.change(within(form).getByTestId("user-password"), { target: { value: "N3w-passw0rd" } });
    fireEvent.change(within(form).getByTestId("user-password-confirm"), { target: { value: "N3w-passw0rd" } });
    mockSettings.resetUserPassword.mockResolvedValue(account("floor", "floor_manager"));
    fireEvent.click(within(form).getByTestId("user-submit"));
    await waitFor(() => expect(mockSettings.resetUserPassword).toHaveBeenCalledWith("id-floor", "N3w-passw0rd"));
    expect(await screen.findByText("已重置 floor 的密码")).toBeInTheDocument();
  });

  it("lets a store manager manage staff but not administrators, nor make one", async () => {
    setup("store_manager", MANAGER_OPS);
    await openTab("users");
    await screen.findByTestId("user-row-floor");
    expect(screen.queryByTestId("user-toggle-admin")).toBeNull();
    expect(screen.queryByTestId("user-password-admin")).toBeNull();
    fireEvent.click(screen.getByTestId("user-role-floor"));
    await screen.findByTestId("role-form");
    fireEvent.mouseDown(within(screen.getByTestId("user-role")).getByRole("combobox"));
    expect(await screen.findByTestId("user-role-option-staff")).toBeInTheDocument();
    expect(screen.queryByTestId("user-role-option-admin")).toBeNull();
  });

  it("shows the list read-only without users_manage", async () => {
    setup("store_manager", ["systems_view", "users_view"]);
    await openTab("users");
    await screen.findByTestId("user-row-floor");
    expect(screen.getByText("您的角色只能查看用户列表")).toBeInTheDocument();
    expect(screen.queryByTestId("user-new")).toBeNull();
    expect(screen.queryByTestId("user-toggle-floor")).toBeNull();
    expect(screen.queryByText("操作")).toBeNull();
  });
});
