import { Alert, Button, Modal, Space, Typography } from "antd";
import { useT } from "../i18n";
import type { CreatedToken } from "../types";

/**
 * The one time a new token is shown. Closing needs the explicit button (no mask click, no
 * Esc); the modal closes without animation and is destroyed, so the token leaves the DOM
 * at once.
 */
export function TokenSecretModal({
  created,
  onClose,
}: {
  created: CreatedToken | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Modal
      open={created !== null}
      title={created ? t("tokens.created_title", { name: created.info.name }) : null}
      closable={false}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      transitionName=""
      maskTransitionName=""
      width="min(560px, 100vw)"
      footer={
        <Button type="primary" data-testid="token-close" onClick={onClose}>
          {t("tokens.close")}
        </Button>
      }
    >
      {created && (
        <Space direction="vertical" size={12} style={{ width: "100%" }} data-testid="token-created">
          <Alert type="warning" showIcon message={t("tokens.created_warning")} />
          <div className="sl-secret">
            <Typography.Text copyable={{ text: created.token }}>
              <span className="sl-mono" data-testid="token-secret">
                {created.token}
              </span>
            </Typography.Text>
          </div>
          <Typography.Text type="secondary">{t("tokens.created_usage")}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}
