import { Typography } from "antd";
import { useT } from "../i18n";
import type { CreatedToken } from "../types";
import { ShownOnceSecretModal } from "./ShownOnceSecretModal";

const IDS = { shown: "token-created", value: "token-secret", close: "token-close" };

/** The one time a new API token is shown. */
export function TokenSecretModal({
  created,
  onClose,
}: {
  created: CreatedToken | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <ShownOnceSecretModal
      secret={created?.token ?? null}
      title={created ? t("tokens.created_title", { name: created.info.name }) : null}
      warning={t("tokens.created_warning")}
      closeLabel={t("tokens.close")}
      ids={IDS}
      onClose={onClose}
    >
      <Typography.Text type="secondary">{t("tokens.created_usage")}</Typography.Text>
    </ShownOnceSecretModal>
  );
}
