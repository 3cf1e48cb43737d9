import { Button, Form, Input, InputNumber, Modal, Select, Space } from "antd";
import { useT } from "../i18n";
import {
  appErrorOf,
  describeError,
  mapFieldErrors,
  toAntdFields,
  tokenFieldMapper,
} from "../lib/errors";
import { roleLabel, typeLabel } from "../lib/labels";
import { useCreateToken } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import {
  ROLES,
  TOKEN_RATE_LIMIT_DEFAULT,
  TOKEN_RATE_LIMIT_MAX,
  type CreatedToken,
  type ExternalSystem,
  type NewToken,
  type Role,
} from "../types";

/** The longest token name the core accepts. */
export const TOKEN_NAME_MAX = 64;

export type TokenFormValues = {
  name: string;
  role: Role | undefined;
  system_id: string | undefined;
  rate_limit: number | null;
};

export function toNewToken(v: TokenFormValues): NewToken {
  return {
    name: v.name.trim(),
    role: v.role as Role,
    system_id: v.system_id ?? null,
    rate_limit: v.rate_limit ?? null,
  };
}

/** 新建令牌. The form is destroyed on close, so each opening starts empty. */
export function TokenFormModal({
  open,
  systems,
  hasMoreSystems,
  onLoadMoreSystems,
  onCancel,
  onCreated,
}: {
  open: boolean;
  systems: ExternalSystem[];
  hasMoreSystems: boolean;
  onLoadMoreSystems: () => void;
  onCancel: () => void;
  onCreated: (created: CreatedToken) => void;
}) {
  const t = useT();
  return (
    <Modal
      open={open}
      title={t("tokens.form_title")}
      onCancel={onCancel}
      footer={null}
      maskClosable={false}
      destroyOnHidden
      width="min(520px, 100vw)"
    >
      <TokenForm
        systems={systems}
        hasMoreSystems={hasMoreSystems}
        onLoadMoreSystems={onLoadMoreSystems}
        onCancel={onCancel}
        onCreated={onCreated}
      />
    </Modal>
  );
}

function TokenForm({
  systems,
  hasMoreSystems,
  onLoadMoreSystems,
  onCancel,
  onCreated,
}: {
  systems: ExternalSystem[];
  hasMoreSystems: boolean;
  onLoadMoreSystems: () => void;
  onCancel: () => void;
  onCreated: (created: CreatedToken) => void;
}) {
  const t = useT();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<TokenFormValues>();
  const create = useCreateToken();

  const onError = (e: unknown) => {
    const err = appErrorOf(e);
    if (err?.kind === "validation") {
      const mapped = mapFieldErrors(err.errors, tokenFieldMapper, t);
      form.setFields(toAntdFields<TokenFormValues>(mapped));
      if (mapped.unmatched.length === 0) return;
    }
    if (err?.kind === "conflict" && err.field === "name") {
      form.setFields([{ name: "name", errors: [t("error.conflict_token_name")] }]);
      return;
    }
    // The chosen system was deleted meanwhile.
    if (err?.kind === "not_found" && form.getFieldValue("system_id")) {
      form.setFields([{ name: "system_id", errors: [describeError(e, t).text] }]);
      return;
    }
    notifyError(e);
  };

  const onFinish = (values: TokenFormValues) => {
    create.mutate(toNewToken(values), {
      onSuccess: (created) => {
        // Detach from the mutation so the cache drops the secret (gcTime 0): from here on
        // only the caller's state holds it, until the person closes the result.
        create.reset();
        onCreated(created);
      },
      onError,
    });
  };

  const required = { required: true, message: t("rule.required") };

  return (
    <Form<TokenFormValues>
      form={form}
      layout="vertical"
      data-testid="token-form"
      initialValues={{
        name: "",
        role: undefined,
        system_id: undefined,
        rate_limit: TOKEN_RATE_LIMIT_DEFAULT,
      }}
      onFinish={onFinish}
    >
      <Form.Item
        name="name"
        label={t("tokens.form_name")}
        rules={[{ ...required, whitespace: true }]}
      >
        <Input
          data-testid="token-name"
          maxLength={TOKEN_NAME_MAX}
          placeholder={t("tokens.form_name_placeholder")}
          autoComplete="off"
        />
      </Form.Item>
      <Form.Item
        name="role"
        label={t("tokens.form_role")}
        rules={[required]}
        extra={t("tokens.form_role_hint")}
      >
        <Select
          data-testid="token-role"
          placeholder={t("form.select_placeholder")}
          virtual={false}
          options={ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          optionRender={(opt) => (
            <span data-testid={`role-option-${String(opt.value)}`}>{opt.label}</span>
          )}
        />
      </Form.Item>
      <Form.Item
        name="system_id"
        label={t("tokens.form_system")}
        extra={t("tokens.form_system_hint")}
      >
        <Select
          data-testid="token-system"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t("tokens.form_system_placeholder")}
          virtual={false}
          listHeight={256}
          options={systems.map((s) => ({
            value: s.id,
            label: `${s.name} · ${typeLabel(t, s.type)}`,
          }))}
          optionRender={(opt) => (
            <span data-testid={`token-system-option-${String(opt.value)}`}>{opt.label}</span>
          )}
          onPopupScroll={(e) => {
            const el = e.currentTarget;
            if (hasMoreSystems && el.scrollTop + el.clientHeight >= el.scrollHeight - 24) {
              onLoadMoreSystems();
            }
          }}
        />
      </Form.Item>
      <Form.Item
        name="rate_limit"
        label={t("tokens.form_rate")}
        rules={[
          {
            validator: (_, v: number | null | undefined) =>
              v === null || v === undefined || (v >= 1 && v <= TOKEN_RATE_LIMIT_MAX)
                ? Promise.resolve()
                : Promise.reject(
                    new Error(t("rule.out_of_range", { min: 1, max: TOKEN_RATE_LIMIT_MAX })),
                  ),
          },
        ]}
      >
        <InputNumber
          data-testid="token-rate"
          precision={0}
          placeholder={String(TOKEN_RATE_LIMIT_DEFAULT)}
          style={{ width: 200 }}
        />
      </Form.Item>
      <Form.Item style={{ marginBottom: 0 }}>
        <Space>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="token-submit">
            {t("tokens.form_submit")}
          </Button>
          <Button onClick={onCancel} data-testid="token-cancel">
            {t("tokens.form_cancel")}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
