import { Button, Form, Input, InputNumber, Select, Space, Switch, Tag } from "antd";
import type { Rule as AntdRule } from "antd/es/form";
import { useT, type TFunc } from "../i18n";
import { statusLabel, typeLabel } from "../lib/labels";
import { API_KEY, isJsonObjectText, isValidHttpUrl } from "../lib/systemForm";
import { AdvancedConfig } from "./connectorSettings/AdvancedConfig";
import { ConnectorSettingsSection } from "./connectorSettings/ConnectorSettingsSection";
import { ScheduleChoice } from "./connectorSettings/ScheduleChoice";
import {
  EDITABLE_STATUSES,
  SYNC_INTERVAL_MAX,
  SYNC_INTERVAL_MIN,
  SYSTEM_TYPES,
  type ExternalSystem,
} from "../types";

const urlRule = (t: TFunc): AntdRule => ({
  validator: (_, v: string | undefined) =>
    !v || v.trim() === "" || isValidHttpUrl(v.trim())
      ? Promise.resolve()
      : Promise.reject(new Error(t("form.url_invalid"))),
});

function SecretBadge({
  name,
  clearing,
  onToggle,
}: {
  name: string;
  clearing: boolean;
  onToggle: () => void;
}) {
  const t = useT();
  return (
    <Space size={4} data-testid={`secret-${name}`}>
      {clearing ? (
        <Tag color="orange">{t("form.secret_will_clear")}</Tag>
      ) : (
        <Tag color="green">{t("form.secret_saved")}</Tag>
      )}
      <Button type="link" size="small" onClick={onToggle} data-testid={`secret-clear-${name}`}>
        {clearing ? t("form.secret_undo") : t("form.secret_clear")}
      </Button>
    </Space>
  );
}

/** The inputs of the add/edit system form (see SystemFormDrawer for submit handling). */
export function SystemFormFields({
  editing,
  clearSecrets,
  onToggleClear,
}: {
  editing: ExternalSystem | null;
  clearSecrets: string[];
  onToggleClear: (name: string) => void;
}) {
  const t = useT();
  const required: AntdRule = { required: true, whitespace: true, message: t("rule.required") };
  const saved = editing?.secret_fields ?? [];
  const apiKeySaved = saved.includes(API_KEY);
  const otherSecrets = saved.filter((n) => n !== API_KEY);
  const statusOptions: string[] = [...EDITABLE_STATUSES];
  if (editing && !statusOptions.includes(editing.status)) statusOptions.push(editing.status);

  const intervalField = (
    <Form.Item
      name="sync_interval"
      label={t("form.sync_interval")}
      rules={[
        { required: true, message: t("rule.required") },
        {
          validator: (_, v: number | null | undefined) =>
            v === null || v === undefined || (v >= SYNC_INTERVAL_MIN && v <= SYNC_INTERVAL_MAX)
              ? Promise.resolve()
              : Promise.reject(
                  new Error(t("rule.out_of_range", { min: SYNC_INTERVAL_MIN, max: SYNC_INTERVAL_MAX })),
                ),
        },
      ]}
    >
      <InputNumber data-testid="field-sync-interval" precision={0} style={{ width: 200 }} />
    </Form.Item>
  );
  const configField = (
    <Form.Item
      name="config"
      label={t("form.config")}
      rules={[
        {
          validator: (_, v: string | undefined) =>
            isJsonObjectText(v) ? Promise.resolve() : Promise.reject(new Error(t("form.config_not_object"))),
        },
      ]}
    >
      <Input.TextArea
        data-testid="field-config"
        rows={4}
        spellCheck={false}
        placeholder={t("form.config_placeholder")}
        style={{ fontFamily: "monospace" }}
      />
    </Form.Item>
  );

  return (
    <>
      <Form.Item name="name" label={t("form.name")} rules={[required]}>
        <Input data-testid="field-name" maxLength={200} />
      </Form.Item>
      <Form.Item name="type" label={t("form.type")} rules={[{ required: true, message: t("rule.required") }]}>
        <Select
          data-testid="field-type"
          placeholder={t("form.select_placeholder")}
          disabled={editing !== null}
          virtual={false}
          listHeight={320}
          options={SYSTEM_TYPES.map((v) => ({ value: v, label: typeLabel(t, v) }))}
          optionRender={(opt) => (
            <span data-testid={`type-option-${String(opt.value)}`}>{opt.label}</span>
          )}
        />
      </Form.Item>
      <Form.Item name="provider" label={t("form.provider")} rules={[required]}>
        <Input data-testid="field-provider" />
      </Form.Item>
      <Form.Item name="version" label={t("form.version")}>
        <Input data-testid="field-version" />
      </Form.Item>
      <Form.Item name="store_id" label={t("form.store_id")}>
        <Input data-testid="field-store-id" />
      </Form.Item>
      {editing && (
        <Form.Item name="status" label={t("form.status")}>
          <Select
            data-testid="field-status"
            virtual={false}
            options={statusOptions.map((v) => ({
              value: v,
              label: statusLabel(t, v),
              disabled: !(EDITABLE_STATUSES as readonly string[]).includes(v),
            }))}
            optionRender={(opt) => (
              <span data-testid={`status-option-${String(opt.value)}`}>{opt.label}</span>
            )}
          />
        </Form.Item>
      )}
      <Form.Item name="api_endpoint" label={t("form.api_endpoint")} rules={[urlRule(t)]}>
        <Input data-testid="field-api-endpoint" placeholder="https://" />
      </Form.Item>
      <Form.Item name="webhook_url" label={t("form.webhook_url")} rules={[urlRule(t)]}>
        <Input data-testid="field-webhook-url" placeholder="https://" />
      </Form.Item>
      <Form.Item
        name="api_key"
        label={
          <Space size={8}>
            {t("form.api_key")}
            {apiKeySaved && (
              <SecretBadge
                name={API_KEY}
                clearing={clearSecrets.includes(API_KEY)}
                onToggle={() => onToggleClear(API_KEY)}
              />
            )}
          </Space>
        }
        extra={apiKeySaved ? t("form.api_key_keep") : undefined}
      >
        <Input.Password
          data-testid="field-api-key"
          autoComplete="new-password"
          placeholder={t("form.api_key_placeholder")}
          visibilityToggle={false}
        />
      </Form.Item>
      {otherSecrets.length > 0 && (
        <Form.Item label={t("form.saved_secrets")}>
          <Space direction="vertical" size={0}>
            {otherSecrets.map((n) => (
              <Space key={n} size={8}>
                <code>{n}</code>
                <SecretBadge
                  name={n}
                  clearing={clearSecrets.includes(n)}
                  onToggle={() => onToggleClear(n)}
                />
              </Space>
            ))}
          </Space>
        </Form.Item>
      )}
      <Space size="large" align="start">
        <Form.Item name="sync_enabled" label={t("form.sync_enabled")} valuePropName="checked">
          <Switch data-testid="field-sync-enabled" />
        </Form.Item>
        {!editing && intervalField}
      </Space>
      {editing && <ScheduleChoice intervalField={intervalField} />}
      {editing && <ConnectorSettingsSection system={editing} />}
      {editing ? <AdvancedConfig>{configField}</AdvancedConfig> : configField}
    </>
  );
}
