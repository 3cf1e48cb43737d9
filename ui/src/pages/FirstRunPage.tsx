import { ExperimentOutlined, LockOutlined, UserOutlined } from "@ant-design/icons";
import { App, Button, Divider, Form, Input, Typography } from "antd";
import { AuthShell } from "../components/AuthShell";
import { useT } from "../i18n";
import { useCreateAdminWithDemo } from "../lib/demoQueries";
import { appErrorOf, describeError, mapFieldErrors, toAntdFields } from "../lib/errors";
import { useCreateFirstAdmin } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import { PASSWORD_MIN } from "../types";


type AdminValues = { username: string; password: string; confirm: string };

export function FirstRunPage() {
  const t = useT();
  const [form] = Form.useForm<AdminValues>();
  const create = useCreateFirstAdmin();
  const withDemo = useCreateAdminWithDemo();
  const notifyError = useErrorNotice();
  const { message, notification } = App.useApp();
  const busy = create.isPending || withDemo.isPending;

  const onAdminError = (e: unknown) => {
    const err = appErrorOf(e);
    if (err?.kind === "validation") {
      const mapped = mapFieldErrors(
        err.errors,
        (f) => (f === "username" || f === "password" ? f : null),
        t,
      );
      form.setFields(toAntdFields<AdminValues>(mapped));
      if (mapped.unmatched.length === 0) return;
    }
    notifyError(e);
  };

  const onFinish = (v: AdminValues) => {
    create.mutate({ username: v.username.trim(), password: v.password }, { onError: onAdminError });
  };

  // Demo mode: the same form, then the simulators. The app opens either way.
  const onDemo = () =>
    form.validateFields().then(
      (v) =>
        withDemo.mutate(
          { username: v.username.trim(), password: v.password },
          {
            onSuccess: ({ demo, demoError }) => {
              if (demo) {
                void message.success(t("demo.started", { secs: demo.push_every_secs }));
              } else {
                const { text, detail } = describeError(demoError, t);
                notification.error({
                  message: t("demo.failed"),
                  description: detail ? `${text}\n${detail}` : text,
                  style: { whiteSpace: "pre-line" },
                });
              }
            },
            onError: onAdminError,
          },
        ),
      // Invalid fields show their messages already.
      () => {},
    );

  return (
    <AuthShell title={t("auth.first_run_title")} subtitle={t("auth.first_run_subtitle")}>
      <Form<AdminValues> form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          name="username"
          label={t("auth.username")}
          rules={[{ required: true, whitespace: true, message: t("auth.username_required") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="admin-username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("auth.password")}
          rules={[
            { required: true, message: t("auth.password_required") },
            { min: PASSWORD_MIN, message: t("auth.password_min", { min: PASSWORD_MIN }) },
          ]}
          hasFeedback
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" data-testid="admin-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t("auth.password_confirm")}
          dependencies={["password"]}
          hasFeedback
          rules={[
            { required: true, message: t("auth.password_required") },
            ({ getFieldValue }) => ({
              validator: (_, value: string | undefined) =>
                !value || getFieldValue("password") === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t("auth.password_mismatch"))),
            }),
          ]}
        >
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="new-password"
            data-testid="admin-password-confirm"
          />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={create.isPending}
          disabled={busy && !create.isPending}
          data-testid="admin-submit"
        >
          {t("auth.first_run_submit")}
        </Button>
        <Divider plain style={{ margin: "16px 0 12px" }} />
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t("demo.first_run_hint")}
        </Typography.Paragraph>
        <Button
          block
          icon={<ExperimentOutlined />}
          loading={withDemo.isPending}
          disabled={busy && !withDemo.isPending}
          onClick={onDemo}
          data-testid="admin-submit-demo"
        >
          {t("demo.first_run_button")}
        </Button>
      </Form>
    </AuthShell>
  );
}
