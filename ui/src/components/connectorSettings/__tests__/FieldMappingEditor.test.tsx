import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Form, Input } from "antd";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../api";
import { Providers } from "../../../Providers";
import type { MappingPreview, PreviewRequest, StreamMappingSpec } from "../../../types";
import { FieldMappingEditor, mappingRows } from "../FieldMappingEditor";

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

const customers: StreamMappingSpec = {
  stream: "customers",
  entity: "customer",
  default_mapping: { externalId: "id", name: "name", "contacts[0].phone": "contact_phone" },
  mappable: ["contacts[0].phone", "contacts[0].title", "externalId", "name"],
  overrides: {},
};
const orders: StreamMappingSpec = {
  stream: "orders",
  entity: "order",
  default_mapping: { externalId: "id" },
  mappable: ["externalId"],
  overrides: {},
};

const stored: MappingPreview = {
  stream: "customers",
  sample: { id: "C9", name: "杭州门店", mobile: "13911112222" },
  sample_source: { kind: "stored", inbox_id: "i1", event_type: "customer.updated", received_at: "2026-03-15T06:30:00Z" },
  mapped: { externalId: "C9", name: "杭州门店" },
  fields: [
    { target: "contacts[0].phone", source: "contact_phone", overridden: false, value: null, problem: "missing_source" },
    { target: "externalId", source: "id", overridden: false, value: "C9", problem: null },
    { target: "name", source: "name", overridden: false, value: "杭州门店", problem: null },
  ],
};

function Harness({ config, children }: { config: string; children: ReactNode }) {
  const [form] = Form.useForm();
  return (
    <Form form={form} initialValues={{ config }}>
      <Form.Item name="config">
        <Input.TextArea data-testid="field-config" />
      </Form.Item>
      {children}
    </Form>
  );
}

function setup(config = "") {
  return render(
    <Providers lang="zh">
      <Harness config={config}>
        <FieldMappingEditor systemId="s1" streams={[customers, orders]} canPreview />
      </Harness>
    </Providers>,
  );
}

const configValue = () =>
  JSON.parse((screen.getByTestId("field-config") as HTMLTextAreaElement).value || "{}") as Record<
    string,
    unknown
  >;
const lastRequest = () => mockCs.previewFieldMapping.mock.calls.at(-1)?.[1] as PreviewRequest;

describe("FieldMappingEditor", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    mockCs.previewFieldMapping.mockResolvedValue(stored);
  });

  it("lists every mappable field with its shipped source", () => {
    const rows = mappingRows(customers, { name: "cust_name" });
    expect(rows.map((r) => [r.target, r.source, r.overridden])).toEqual([
      ["contacts[0].phone", "contact_phone", false],
      ["contacts[0].title", "", false],
      ["externalId", "id", false],
      ["name", "cust_name", true],
    ]);
  });

  it("writes an override into config, previews it, and resets the row to the default", async () => {
    setup('{"conflict_strategy": "manual"}');
    // The stored record is previewed with the shipped mapping first.
    expect(await screen.findByTestId("mapping-sample-source")).toHaveTextContent("customer.updated");
    expect(lastRequest()).toEqual({ stream: "customers", overrides: {}, sample: null });
    expect(screen.getByTestId("mapping-problem-contacts[0].phone")).toHaveTextContent("样本中没有该字段");
    expect(screen.getByTestId("mapping-mapped")).toHaveTextContent('"externalId": "C9"');

    const phone = screen.getByTestId("mapping-source-contacts[0].phone");
    fireEvent.change(phone, { target: { value: "mobile" } });
    expect(configValue()).toEqual({
      conflict_strategy: "manual",
      field_mapping: { customers: { "contacts[0].phone": "mobile" } },
    });
    expect(within(screen.getByTestId("mapping-row-contacts[0].phone")).getByText("已修改")).toBeInTheDocument();
    await waitFor(() =>
      expect(lastRequest()).toEqual({
        stream: "customers",
        overrides: { "contacts[0].phone": "mobile" },
        sample: null,
      }),
    );

    fireEvent.click(screen.getByTestId("mapping-reset-contacts[0].phone"));
    expect(configValue()).toEqual({ conflict_strategy: "manual" });
    expect(screen.getByTestId("mapping-source-contacts[0].phone")).toHaveValue("contact_phone");
  });

  it("previews a pasted sample and shows a refused mapping with the field named", async () => {
    setup();
    await screen.findByTestId("mapping-sample-source");
    mockCs.previewFieldMapping.mockRejectedValue(
      new ApiError({
        kind: "validation",
        errors: [
          {
            field: "config.field_mapping.customers.name",
            rule: { code: "format", expected: "a vendor field path" },
            message: "not a field path",
          },
        ],
      }),
    );
    fireEvent.change(screen.getByTestId("mapping-source-name"), { target: { value: "bad path!" } });
    const error = await screen.findByTestId("mapping-preview-error");
    expect(error).toHaveTextContent("映射有误");
    expect(error).toHaveTextContent("customers.name");

    mockCs.previewFieldMapping.mockResolvedValue({ ...stored, sample_source: { kind: "given" } });
    fireEvent.change(screen.getByTestId("mapping-source-name"), { target: { value: "nm" } });
    fireEvent.change(screen.getByTestId("mapping-sample"), { target: { value: "[1]" } });
    expect(await screen.findByText("样本必须是一个 JSON 对象")).toBeInTheDocument();
    fireEvent.change(screen.getByTestId("mapping-sample"), { target: { value: '{"id": "P1", "nm": "张三"}' } });
    await waitFor(() =>
      expect(lastRequest()).toEqual({
        stream: "customers",
        overrides: { name: "nm" },
        sample: { id: "P1", nm: "张三" },
      }),
    );
    expect(await screen.findByTestId("mapping-sample-source")).toHaveTextContent("手动输入的样本");
    fireEvent.click(screen.getByTestId("mapping-sample-reset"));
    await waitFor(() => expect(lastRequest().sample).toBeNull());
  });
});
