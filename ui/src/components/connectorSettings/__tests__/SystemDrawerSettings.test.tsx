import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Providers } from "../../../Providers";
import type { AppStatus, ConnectorSettingsSpec, ExternalSystem } from "../../../types";
import { SystemFormDrawer } from "../../SystemFormDrawer";

const mockApi = vi.hoisted(() => ({
  appStatus: vi.fn(),
  myPermissions: vi.fn(),
  updateSystem: vi.fn(),
  createSystem: vi.fn(),
}));
const mockCs = vi.hoisted(() => ({
  connectorSettings: vi.fn(),
  previewFieldMapping: vi.fn(),
  rotateWebhookSecret: vi.fn(),
  endWebhookSecretGrace: vi.fn(),
}));

vi.mock("../../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../../api")>();
  return { ...orig, api: mockApi, connectorSettingsApi: mockCs };
});

const status: AppStatus = {
  needs_admin: false,
  current_user: { id: "u1", username: "admin", role: "admin", created_at: "2024-01-01T00:00:00Z", last_login_at: null },
  data_dir: "/tmp/data",
  version: "0.1.0",
};

const system: ExternalSystem = {
  id: "s1",
  name: "总部ERP",
  type: "erp",
  provider: "custom",
  version: null,
  status: "active",
  store_id: null,
  api_endpoint: "http://127.0.0.1:1/",
  webhook_url: null,
  config: { username: "storelink", sync_cron: "*/15 * * * *" },
  sync_enabled: true,
  sync_interval: 300,
  last_sync_at: null,
  last_sync_status: null,
  secret_fields: ["password", "webhook_secret"],
  last_test_at: null,
  last_test_latency_ms: null,
  last_test_error_class: null,
  last_test_message: null,
  created_at: "2024-01-01T00:00:00Z",
  updated_at: "2024-01-01T00:00:00Z",
};

const spec: ConnectorSettingsSpec = {
  system_id: "s1",
  streams: [
    {
      stream: "customers",
      entity: "customer",
      default_mapping: { externalId: "id", name: "name" },
      mappable: ["externalId", "name"],
      overrides: {},
    },
  ],
  conflict_strategies: ["source_wins", "target_wins", "latest_wins", "manual"],
  pacing: { rate_limit_min: 1, rate_limit_max: 100000, rate_limit_default: 20, lookback_min: 0, lookback_max: 86400 },
  webhook: { scheme: "standard_webhooks", schemes: ["standard_webhooks", "sha256"], has_secret: true, in_grace: false },
};

function setup() {
  mockApi.appStatus.mockResolvedValue(status);
  mockApi.myPermissions.mockResolvedValue(["systems_view", "systems_update"]);
  mockApi.updateSystem.mockImplementation((_id: string, patch: { config: unknown }) =>
    Promise.resolve({ ...system, config: patch.config }),
  );
  mockCs.connectorSettings.mockResolvedValue(spec);
  return render(
    <Providers lang="zh">
      <SystemFormDrawer open system={system} onClose={() => {}} />
    </Providers>,
  );
}

describe("the system drawer's connector settings", () => {
  beforeEach(() => vi.clearAllMocks());

  it("writes strategy, pacing and schedule into config and saves them with the form", async () => {
    setup();
    const form = await screen.findByTestId("system-form");
    await within(form).findByTestId("connector-tab-sync");
    // A saved cron expression selects the cron schedule; the interval field is not shown.
    expect(within(form).getByTestId("field-sync-cron")).toHaveValue("*/15 * * * *");
    expect(within(form).queryByTestId("field-sync-interval")).not.toBeInTheDocument();

    fireEvent.mouseDown(within(within(form).getByTestId("field-conflict-strategy")).getByRole("combobox"));
    fireEvent.click(await screen.findByTestId("strategy-option-latest_wins"));
    fireEvent.change(within(form).getByTestId("field-rate-limit"), { target: { value: "5" } });
    fireEvent.change(within(form).getByTestId("field-lookback"), { target: { value: "600" } });
    fireEvent.click(within(form).getByText("按间隔"));
    expect(await within(form).findByTestId("field-sync-interval")).toHaveValue("300");

    // The advanced JSON shows the same config.
    const raw = within(form).getByTestId("field-config") as HTMLTextAreaElement;
    expect(JSON.parse(raw.value)).toEqual({
      username: "storelink",
      conflict_strategy: "latest_wins",
      rate_limit_per_second: 5,
      lookback_seconds: 600,
    });

    fireEvent.click(within(form).getByTestId("system-form-submit"));
    await waitFor(() => expect(mockApi.updateSystem).toHaveBeenCalledTimes(1));
    expect(mockApi.updateSystem.mock.calls[0][1].config).toEqual({
      username: "storelink",
      conflict_strategy: "latest_wins",
      rate_limit_per_second: 5,
      lookback_seconds: 600,
    });
  });

  it("follows the advanced JSON, and stops editing while it is not valid", async () => {
    setup();
    const form = await screen.findByTestId("system-form");
    await within(form).findByTestId("connector-tab-sync");
    const raw = within(form).getByTestId("field-config");
    fireEvent.change(raw, { target: { value: '{"conflict_strategy": "source_wins"}' } });
    expect(await within(form).findByText("源系统优先")).toBeInTheDocument();
    fireEvent.change(raw, { target: { value: "{ not json" } });
    expect(await within(form).findByTestId("connector-config-invalid")).toBeInTheDocument();
    expect(within(form).getByTestId("field-rate-limit")).toBeDisabled();
  });
});
