import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { Form, Input } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Providers } from "../../../Providers";
import type { RotatedWebhookSecret, WebhookSecretStatus } from "../../../types";
import { WebhookSecretPanel } from "../WebhookSecretPanel";

const mockCs = vi.hoisted(() => ({
  connectorSettings: vi.fn(),
  previewFieldMapping: vi.fn(),
  rotateWebhookSecret: vi.fn(),
  endWebhookSecretGrace: vi.fn(),
}));

vi.mock("../../../api", async (importOriginal) => {
  const orig = await importOriginal<typeof import("../../../api")>();
  return { ...orig, connectorSettingsApi: mockCs };
});

const SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24xMjM0NTY3OA==";

const status = (over: Partial<WebhookSecretStatus> = {}): WebhookSecretStatus => ({
  scheme: "standard_webhooks",
  schemes: ["standard_webhooks", "sha256"],
  has_secret: true,
  in_grace: false,
  ...over,
});

function Panel({ s, canUpdate }: { s: WebhookSecretStatus; canUpdate: boolean }) {
  const [form] = Form.useForm();
  return (
    <Form form={form} initialValues={{ config: "" }}>
      <Form.Item name="config">
        <Input.TextArea data-testid="field-config" />
      </Form.Item>
      <WebhookSecretPanel systemId="s1" status={s} canUpdate={canUpdate} />
    </Form>
  );
}

function setup(s: WebhookSecretStatus, canUpdate = true) {
  return render(
    <Providers lang="zh">
      <Panel s={s} canUpdate={canUpdate} />
    </Providers>,
  );
}

describe("WebhookSecretPanel", () => {
  beforeEach(() => vi.clearAllMocks());

  it("shows a rotated secret once, then it leaves the page", async () => {
    const rotated: RotatedWebhookSecret = {
      system_id: "s1",
      secret: SECRET,
      scheme: "standard_webhooks",
      previous_kept: true,
      rotated_at: "2026-03-15T06:30:00Z",
    };
    mockCs.rotateWebhookSecret.mockResolvedValue(rotated);
    setup(status());
    expect(screen.getByTestId("webhook-secret-status")).toHaveTextContent("已设置");
    fireEvent.click(screen.getByTestId("webhook-rotate"));
    fireEvent.click(await screen.findByTestId("webhook-rotate-ok"));
    expect(await screen.findByTestId("webhook-secret-value")).toHaveTextContent(SECRET);
    expect(mockCs.rotateWebhookSecret).toHaveBeenCalledWith("s1");
    expect(screen.getByTestId("webhook-secret-shown")).toHaveTextContent("结束过渡期");
    fireEvent.click(screen.getByTestId("webhook-secret-close"));
    await waitFor(() => expect(screen.queryByText(SECRET)).not.toBeInTheDocument());
  });

  it("ends the grace period, and the scheme goes into config", async () => {
    mockCs.endWebhookSecretGrace.mockResolvedValue({});
    setup(status({ in_grace: true }));
    expect(screen.getByTestId("webhook-secret-status")).toHaveTextContent("旧密钥仍然有效");
    fireEvent.click(screen.getByTestId("webhook-end-grace"));
    fireEvent.click(await screen.findByTestId("webhook-end-grace-ok"));
    await waitFor(() => expect(mockCs.endWebhookSecretGrace).toHaveBeenCalledWith("s1"));

    fireEvent.mouseDown(screen.getByRole("combobox"));
    fireEvent.click(await screen.findByText("sha256=（X-Signature-256）"));
    expect(JSON.parse((screen.getByTestId("field-config") as HTMLTextAreaElement).value)).toEqual({
      webhook_signature: "sha256",
    });
  });

  it("offers no secret actions to a role that cannot change systems", () => {
    setup(status({ in_grace: true }), false);
    expect(screen.getByTestId("webhook-secret-status")).toBeInTheDocument();
    expect(screen.queryByTestId("webhook-rotate")).not.toBeInTheDocument();
    expect(screen.queryByTestId("webhook-end-grace")).not.toBeInTheDocument();
  });
});
