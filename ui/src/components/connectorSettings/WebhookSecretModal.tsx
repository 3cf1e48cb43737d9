import { Alert, Button, Modal, Space, Typography } from "antd";
import { useT } from "../../i18n";
import type { RotatedWebhookSecret } from "../../types";
import { schemeLabel } from "./labels";

/**
 * The one time a new webhook secret is shown (like a new API token): closing needs the
 * explicit button, and the modal is destroyed at once so the secret leaves the DOM.
 */
export function WebhookSecretModal({
  rotated,
  onClose,
}: {
  rotated: RotatedWebhookSecret | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Modal
      open={rotated !== null}
      title={t("cs.secret_title")}
      closable={false}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      transitionName=""
      maskTransitionName=""
      width="min(560px, 100vw)"
      footer={
        <Button type="primary" data-testid="webhook-secret-close" onClick={onClose}>
          {t("cs.secret_close")}
        </Button>
      }
    >
      {rotated && (
        <Space direction="vertical" size={12} style={{ width: "100%" }} data-testid="webhook-secret-shown">
          <Alert type="warning" showIcon message={t("cs.secret_warning")} />
          <div className="sl-secret">
            <Typography.Text copyable={{ text: rotated.secret }}>
              <span className="sl-mono" data-testid="webhook-secret-value">
                {rotated.secret}
              </span>
            </Typography.Text>
          </div>
          <Typography.Text type="secondary">
            {t("cs.secret_usage", { scheme: schemeLabel(t, rotated.scheme) })}
          </Typography.Text>
          {rotated.previous_kept && (
            <Typography.Text type="secondary">{t("cs.secret_grace_note")}</Typography.Text>
          )}
        </Space>
      )}
    </Modal>
  );
}
