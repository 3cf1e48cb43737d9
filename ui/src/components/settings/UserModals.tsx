import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Modal, Select, Space } from "antd";
import type { Rule as FormRule } from "antd/es/form";
import { useT } from "../../i18n";
import { appErrorOf, knownFieldMapper, mapFieldErrors, toAntdFields } from "../../lib/errors";
import { roleLabel } from "../../lib/labels";
import { useAddUser, useChangeRole, useResetPassword } from "../../lib/settingsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import { PASSWORD_MIN, ROLES, type Role, type UserAccount } from "../../types";

const userFieldMapper = knownFieldMapper(["username", "password", "role"]);

/** Shows the core's field errors next to the fields; anything else as a notification. */
function useFormErrors<V>() {
  const t = useT();
  const notifyError = useErrorNotice();
  return (form: ReturnType<typeof Form.useForm<V>>[0], e: unknown) => {
    const err = appErrorOf(e);
    if (err?.kind === "validation") {
      const mapped = mapFieldErrors(err.errors, userFieldMapper, t);
      form.setFields(toAntdFields<V>(mapped));
      if (mapped.unmatched.length === 0) return;
    }
    if (err?.kind === "conflict" && err.field === "username") {
      form.setFields(toAntdFields<V>({ fields: { username: [t("rule.unique")] }, unmatched: [] }));
      return;
    }
    notifyError(e);
  };
}

function passwordRules(t: ReturnType<typeof useT>): FormRule[] {
  return [
    { required: true, message: t("auth.password_required") },
    { min: PASSWORD_MIN, message: t("auth.password_min", { min: PASSWORD_MIN }) },
  ];
}

function confirmRules(t: ReturnType<typeof useT>): FormRule[] {
  return [
    { required: true, message: t("auth.password_required") },
    ({ getFieldValue }) => ({
      validator: (_, value: string | undefined) =>
        !value || getFieldValue("password") === value
          ? Promise.resolve()
          : Promise.reject(new Error(t("auth.password_mismatch"))),
    }),
  ];
}

/** Roles a person may hand out: administrator only by an administrator. */
function RoleSelect({ allowAdmin, ...rest }: { allowAdmin: boolean; value?: Role; onChange?: (r: Role) => void }) {
  const t = useT();
  return (
    <Select<Role>
      {...rest}
      data-testid="user-role"
      placeholder={t("form.select_placeholder")}
      options={ROLES.filter((r) => allowAdmin || r !== "admin").map((r) => ({
        value: r,
        label: <span data-testid={`user-role-option-${r}`}>{roleLabel(t, r)}</span>,
      }))}
    />
  );
}

function Buttons({ submit, loading, onCancel }: { submit: string; loading: boolean; onCancel: () => void }) {
  const t = useT();
  return (
    <Form.Item style={{ marginBottom: 0, textAlign: "right" }}>
      <Space>
        <Button onClick={onCancel}>{t("users.cancel")}</Button>
        <Button type="primary" htmlType="submit" loading={loading} data-testid="user-submit">
          {submit}
        </Button>
      </Space>
    </Form.Item>
  );
}

type NewUserValues = { username: string; password: string; confirm: string; role: Role };

/** 添加用户. Destroyed on close, so each opening starts empty. */
export function AddUserModal({ open, allowAdmin, onClose }: { open: boolean; allowAdmin: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewUserValues>();
  const add = useAddUser();
  const onError = useFormErrors<NewUserValues>();
  const onFinish = (v: NewUserValues) =>
    add.mutate(
      { username: v.username.trim(), password: v.password, role: v.role },
      {
        onSuccess: (u) => {
          void message.success(t("users.added", { name: u.username }));
          onClose();
        },
        onError: (e) => onError(form, e),
      },
    );
  return (
    <Modal open={open} title={t("users.form_title")} onCancel={onClose} footer={null} destroyOnHidden maskClosable={false}>
      <Form<NewUserValues> form={form} layout="vertical" onFinish={onFinish} data-testid="user-form" requiredMark={false}>
        <Form.Item
          name="username"
          label={t("auth.username")}
          rules={[{ required: true, whitespace: true, message: t("auth.username_required") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="password" label={t("auth.password")} rules={passwordRules(t)}>
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        <Form.Item name="confirm" label={t("auth.password_confirm")} dependencies={["password"]} rules={confirmRules(t)}>
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="user-password-confirm" />
        </Form.Item>
        <Form.Item name="role" label={t("users.form_role")} rules={[{ required: true, message: t("rule.required") }]}>
          <RoleSelect allowAdmin={allowAdmin} />
        </Form.Item>
        <Buttons submit={t("users.form_submit")} loading={add.isPending} onCancel={onClose} />
      </Form>
    </Modal>
  );
}

/** 修改角色 of `user` (closed while `user` is null). */
export function RoleModal({ user, allowAdmin, onClose }: { user: UserAccount | null; allowAdmin: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ role: Role }>();
  const change = useChangeRole();
  const onError = useFormErrors<{ role: Role }>();
  const onFinish = ({ role }: { role: Role }) => {
    if (!user) return;
    change.mutate(
      { user, role },
      {
        onSuccess: (u) => {
          void message.success(t("users.role_changed", { name: u.username, role: roleLabel(t, u.role) }));
          onClose();
        },
        onError: (e) => onError(form, e),
      },
    );
  };
  return (
    <Modal
      open={user !== null}
      title={t("users.role_title", { name: user?.username ?? "" })}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={{ role: user?.role }} data-testid="role-form">
        <Form.Item name="role" label={t("users.form_role")} rules={[{ required: true, message: t("rule.required") }]}>
          <RoleSelect allowAdmin={allowAdmin} />
        </Form.Item>
        <Buttons submit={t("users.role_submit")} loading={change.isPending} onCancel={onClose} />
      </Form>
    </Modal>
  );
}

type PasswordValues = { password: string; confirm: string };

/** 重置密码 of `user` (closed while `user` is null). */
export function PasswordModal({ user, onClose }: { user: UserAccount | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const reset = useResetPassword();
  const onError = useFormErrors<PasswordValues>();
  const onFinish = ({ password }: PasswordValues) => {
    if (!user) return;
    reset.mutate(
      { user, password },
      {
        onSuccess: (u) => {
          void message.success(t("users.password_reset", { name: u.username }));
          onClose();
        },
        onError: (e) => onError(form, e),
      },
    );
  };
  return (
    <Modal
      open={user !== null}
      title={t("users.password_title", { name: user?.username ?? "" })}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
    >
      <Form<PasswordValues> form={form} layout="vertical" onFinish={onFinish} data-testid="password-form">
        <Form.Item name="password" label={t("users.password_new")} rules={passwordRules(t)}>
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        <Form.Item name="confirm" label={t("auth.password_confirm")} dependencies={["password"]} rules={confirmRules(t)}>
          <Input.Password autoComplete="new-password" data-testid="user-password-confirm" />
        </Form.Item>
        <Buttons submit={t("users.password_submit")} loading={reset.isPending} onCancel={onClose} />
      </Form>
    </Modal>
  );
}
