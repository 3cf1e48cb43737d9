import { Typography } from "antd";
import { useT } from "../../i18n";
import type { RotatedWebhookSecret } from "../../types";
import { ShownOnceSecretModal } from "../ShownOnceSecretModal";
import { schemeLabel } from "./labels";

const IDS = { shown: "webhook-secret-shown", value: "webhook-secret-value", close: "webhook-secret-close" };

/** The one time a new webhook secret is shown (like a new API token). */
export function WebhookSecretModal({
  rotated,
  onClose,
}: {
  rotated: RotatedWebhookSecret | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <ShownOnceSecretModal
      secret={rotated?.secret ?? null}
      title={t("cs.secret_title")}
      warning={t("cs.secret_warning")}
      closeLabel={t("cs.secret_close")}
      ids={IDS}
      onClose={onClose}
    >
      {rotated && (
        <>
          <Typography.Text type="secondary">
            {t("cs.secret_usage", { scheme: schemeLabel(t, rotated.scheme) })}
          </Typography.Text>
          {rotated.previous_kept && (
            <Typography.Text type="secondary">{t("cs.secret_grace_note")}</Typography.Text>
          )}
        </>
      )}
    </ShownOnceSecretModal>
  );
}
