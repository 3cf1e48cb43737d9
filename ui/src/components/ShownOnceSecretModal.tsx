import { Alert, Button, Modal, Space, Typography } from "antd";
import type { ReactNode } from "react";

/** The test ids of one use of the modal (kept per use so specs can tell them apart). */
export type ShownOnceIds = { shown: string; value: string; close: string };

/**
 * The one time a new secret (an API token, a webhook secret) is shown. Closing needs the
 * explicit button (no mask click, no Esc); the modal closes without animation and is
 * destroyed, so the secret leaves the DOM at once.
 */
export function ShownOnceSecretModal({
  secret,
  title,
  warning,
  closeLabel,
  ids,
  onClose,
  children,
}: {
  secret: string | null;
  title: ReactNode;
  warning: ReactNode;
  closeLabel: ReactNode;
  ids: ShownOnceIds;
  onClose: () => void;
  /** How to use the secret, shown under it. */
  children?: ReactNode;
}) {
  return (
    <Modal
      open={secret !== null}
      title={secret !== null ? title : null}
      closable={false}
      maskClosable={false}
      keyboard={false}
      destroyOnHidden
      transitionName=""
      maskTransitionName=""
      width="min(560px, 100vw)"
      footer={
        <Button type="primary" data-testid={ids.close} onClick={onClose}>
          {closeLabel}
        </Button>
      }
    >
      {secret !== null && (
        <Space direction="vertical" size={12} style={{ width: "100%" }} data-testid={ids.shown}>
          <Alert type="warning" showIcon message={warning} />
          <div className="sl-secret">
            <Typography.Text copyable={{ text: secret }}>
              <span className="sl-mono" data-testid={ids.value}>
                {secret}
              </span>
            </Typography.Text>
          </div>
          {children}
        </Space>
      )}
    </Modal>
  );
}
