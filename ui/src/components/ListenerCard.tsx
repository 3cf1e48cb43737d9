import { CloudServerOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  InputNumber,
  Row,
  Space,
  Spin,
  Switch,
  Tag,
  Typography,
} from "antd";
import { useT } from "../i18n";
import {
  appErrorOf,
  describeError,
  listenerFieldMapper,
  mapFieldErrors,
  toAntdFields,
} from "../lib/errors";
import { useListenerStatus, useSaveListenerSettings } from "../lib/queries";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { ListenerSettings, ListenerStatus } from "../types";

export const PORT_MIN = 1024;
export const PORT_MAX = 65535;

/** 接收服务: its status (running, URL, certificate fingerprint) and its settings form. */
export function ListenerCard() {
  const t = useT();
  const status = useListenerStatus(true);

  return (
    <Card
      data-testid="listener-card"
      title={
        <Space>
          <CloudServerOutlined />
          {t("listener.title")}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t("listener.desc")}</Typography.Paragraph>
      {status.isPending ? (
        <div className="sl-center" style={{ minHeight: 120 }}>
          <Spin />
        </div>
      ) : status.isError ? (
        <Alert type="error" showIcon message={describeError(status.error, t).text} />
      ) : (
        <Row gutter={[32, 16]}>
          <Col xs={24} xl={12}>
            <ListenerForm initial={status.data.settings} />
          </Col>
          <Col xs={24} xl={12}>
            <ListenerStatusView status={status.data} />
          </Col>
        </Row>
      )}
    </Card>
  );
}

function ListenerStatusView({ status }: { status: ListenerStatus }) {
  const t = useT();
  const failed = status.settings.enabled && !status.running && status.error;
  return (
    <Space direction="vertical" size={12} style={{ width: "100%" }}>
      {failed && (
        <Alert
          type="error"
          showIcon
          data-testid="listener-error"
          message={t("listener.error", { message: status.error ?? "" })}
        />
      )}
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t("listener.status")}>
          <Tag
            color={status.running ? "green" : "default"}
            data-testid="listener-status"
            data-running={status.running ? "true" : "false"}
          >
            {status.running ? t("listener.running") : t("listener.stopped")}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("listener.url")}>
          {status.url ? (
            <Typography.Text copyable={{ text: status.url }}>
              <span className="sl-mono" data-testid="listener-url">
                {status.url}
              </span>
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary">{t("listener.not_running")}</Typography.Text>
          )}
        </Descriptions.Item>
        {status.lan_urls.length > 0 && (
          <Descriptions.Item label={t("listener.lan_urls")}>
            {status.lan_urls.map((lan) => (
              <div key={lan}>
                <Typography.Text copyable={{ text: lan }}>
                  <span className="sl-mono" data-testid="listener-lan-url">
                    {lan}
                  </span>
                </Typography.Text>
              </div>
            ))}
          </Descriptions.Item>
        )}
        {status.fingerprint && (
          <Descriptions.Item label={t("listener.fingerprint")}>
            <Space direction="vertical" size={4}>
              <Typography.Text copyable={{ text: status.fingerprint }}>
                <span className="sl-mono sl-break" data-testid="listener-fingerprint">
                  {status.fingerprint}
                </span>
              </Typography.Text>
              <Typography.Text type="secondary">{t("listener.fingerprint_hint")}</Typography.Text>
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  );
}

function ListenerForm({ initial }: { initial: ListenerSettings }) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<ListenerSettings>();
  const lan = Form.useWatch("lan", form) ?? initial.lan;
  const save = useSaveListenerSettings();

  const onError = (e: unknown) => {
    const err = appErrorOf(e);
    if (err?.kind === "validation") {
      const mapped = mapFieldErrors(err.errors, listenerFieldMapper, t);
      form.setFields(toAntdFields<ListenerSettings>(mapped));
      if (mapped.unmatched.length === 0) return;
    }
    notifyError(e);
  };

  const onFinish = (v: ListenerSettings) => {
    const settings: ListenerSettings = {
      enabled: Boolean(v.enabled),
      lan: Boolean(v.lan),
      port: v.port,
      // HTTPS is a LAN-mode option: never send it on without LAN mode.
      tls: Boolean(v.lan) && Boolean(v.tls),
    };
    save.mutate(settings, {
      onSuccess: (s) => {
        if (s.running) message.success(t("listener.saved_running"));
        else if (s.settings.enabled) message.warning(t("listener.saved_failed"));
        else message.success(t("listener.saved_stopped"));
      },
      onError,
    });
  };

  return (
    <Form<ListenerSettings>
      form={form}
      layout="horizontal"
      labelCol={{ flex: "132px" }}
      wrapperCol={{ flex: "1 1 0", style: { minWidth: 0 } }}
      labelAlign="left"
      labelWrap
      colon={false}
      data-testid="listener-form"
      initialValues={initial}
      onFinish={onFinish}
      onValuesChange={(changed: Partial<ListenerSettings>) => {
        // setFieldsValue, not setFieldValue: the latter trips rc-field-form's false
        // "circular references" warning (react-component/field-form#649).
        if (changed.lan === false) form.setFieldsValue({ tls: false });
      }}
    >
      <Form.Item name="enabled" label={t("listener.enabled")} valuePropName="checked">
        <Switch data-testid="listener-enabled" />
      </Form.Item>
      <Form.Item
        name="lan"
        label={t("listener.lan")}
        valuePropName="checked"
        extra={
          <Typography.Text type="warning" data-testid="listener-lan-warning">
            {t("listener.lan_warning")}
          </Typography.Text>
        }
      >
        <Switch data-testid="listener-lan" />
      </Form.Item>
      <Form.Item
        name="port"
        label={t("listener.port")}
        rules={[
          { required: true, message: t("rule.required") },
          {
            validator: (_, v: number | null | undefined) =>
              v === null || v === undefined || (v >= PORT_MIN && v <= PORT_MAX)
                ? Promise.resolve()
                : Promise.reject(new Error(t("rule.out_of_range", { min: PORT_MIN, max: PORT_MAX }))),
          },
        ]}
      >
        <InputNumber data-testid="listener-port" precision={0} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item
        name="tls"
        label={t("listener.tls")}
        valuePropName="checked"
        extra={t("listener.tls_hint")}
      >
        <Switch data-testid="listener-tls" disabled={!lan} />
      </Form.Item>
      <Form.Item label=" " style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="listener-save">
          {t("listener.save")}
        </Button>
      </Form.Item>
    </Form>
  );
}
