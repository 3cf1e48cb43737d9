import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";
import { AuthShell } from "../components/AuthShell";
import { useT } from "../i18n";
import { describeError } from "../lib/errors";
import { useLogin } from "../lib/queries";

type LoginValues = { username: string; password: string };

export function LoginPage() {
  const t = useT();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);

  const onFinish = (v: LoginValues) => {
    setError(null);
    login.mutate(
      { username: v.username.trim(), password: v.password },
      {
        onError: (e) => {
          const { text, detail } = describeError(e, t);
          setError(detail ? `${text} ${detail}` : text);
        },
      },
    );
  };

  return (
    <AuthShell title={t("auth.login_title")} subtitle="">
      {error && (
        <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />
      )}
      <Form<LoginValues> layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          name="username"
          label={t("auth.username")}
          rules={[{ required: true, whitespace: true, message: t("auth.username_required") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("auth.password")}
          rules={[{ required: true, message: t("auth.password_required") }]}
        >
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="current-password"
            data-testid="login-password"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
          {t("auth.login_submit")}
        </Button>
      </Form>
    </AuthShell>
  );
}
