import { App, Button, Form, Popconfirm, Select, Space, Tag, Typography, type ButtonProps } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { RotatedWebhookSecret, WebhookSecretStatus } from "../../types";
import { textKey, withKey } from "./configDoc";
import { schemeLabel } from "./labels";
import { useEndWebhookGrace, useRotateWebhookSecret } from "./queries";
import { useConfigDoc } from "./useConfigDoc";
import { WebhookSecretModal } from "./WebhookSecretModal";

const SCHEME_KEY = "webhook_signature";
const DEFAULT_SCHEME = "standard_webhooks";

/**
 * How incoming webhooks are signed (`config.webhook_signature`, saved with the form) and
 * the secret they are checked with: rotate (the new one is shown once, the old one stays
 * valid) and end the grace period once the vendor signs with the new one. Both actions
 * take effect at once, without saving the form.
 */
export function WebhookSecretPanel({
  systemId,
  status,
  canUpdate,
}: {
  systemId: string;
  status: WebhookSecretStatus;
  canUpdate: boolean;
}) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const { config, update } = useConfigDoc();
  const rotate = useRotateWebhookSecret(systemId);
  const endGrace = useEndWebhookGrace(systemId);
  const [rotated, setRotated] = useState<RotatedWebhookSecret | null>(null);
  const scheme = textKey(config, SCHEME_KEY) || DEFAULT_SCHEME;

  return (
    <>
      <Form.Item label={t("cs.scheme_label")} extra={t("cs.scheme_hint")}>
        <Select
          data-testid="field-webhook-scheme"
          virtual={false}
          disabled={config === null}
          style={{ maxWidth: 320 }}
          value={scheme}
          onChange={(v: string) =>
            update((c) => withKey(c, SCHEME_KEY, v === DEFAULT_SCHEME && !(SCHEME_KEY in c) ? undefined : v))
          }
          options={status.schemes.map((s) => ({ value: s, label: schemeLabel(t, s) }))}
        />
      </Form.Item>
      <Form.Item label={t("cs.secret_label")}>
        <Space direction="vertical" size={8}>
          <Space size={4} data-testid="webhook-secret-status">
            {status.has_secret ? (
              <Tag color="green">{t("cs.secret_set")}</Tag>
            ) : (
              <Tag color="orange">{t("cs.secret_missing")}</Tag>
            )}
            {status.in_grace && <Tag color="gold">{t("cs.secret_in_grace")}</Tag>}
          </Space>
          {canUpdate && (
            <Space wrap>
              <Popconfirm
                title={status.has_secret ? t("cs.rotate_confirm") : t("cs.create_confirm")}
                description={status.has_secret ? t("cs.rotate_confirm_desc") : undefined}
                okText={t("cs.confirm")}
                cancelText={t("cs.cancel")}
                okButtonProps={{ "data-testid": "webhook-rotate-ok" } as ButtonProps}
                onConfirm={() =>
                  rotate.mutate(undefined, { onSuccess: setRotated, onError: notifyError })
                }
              >
                <Button data-testid="webhook-rotate" loading={rotate.isPending}>
                  {status.has_secret ? t("cs.rotate") : t("cs.create_secret")}
                </Button>
              </Popconfirm>
              {status.in_grace && (
                <Popconfirm
                  title={t("cs.end_grace_confirm")}
                  description={t("cs.end_grace_confirm_desc")}
                  okText={t("cs.confirm")}
                  cancelText={t("cs.cancel")}
                  okButtonProps={{ "data-testid": "webhook-end-grace-ok" } as ButtonProps}
                  onConfirm={() =>
                    endGrace.mutate(undefined, {
                      onSuccess: () => message.success(t("cs.grace_ended")),
                      onError: notifyError,
                    })
                  }
                >
                  <Button danger data-testid="webhook-end-grace" loading={endGrace.isPending}>
                    {t("cs.end_grace")}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          )}
          <Typography.Text type="secondary">{t("cs.secret_hint")}</Typography.Text>
        </Space>
      </Form.Item>
      <WebhookSecretModal rotated={rotated} onClose={() => setRotated(null)} />
    </>
  );
}
