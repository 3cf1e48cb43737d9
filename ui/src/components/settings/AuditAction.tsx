import { Tag, Tooltip } from "antd";
import { useT } from "../../i18n";
import { actionLabel } from "../../lib/settingsLabels";

/** An audit action in words, with the core's own name on hover. */
export function AuditAction({ action }: { action: string }) {
  const t = useT();
  return (
    <Tooltip title={action}>
      <Tag>{actionLabel(t, action)}</Tag>
    </Tooltip>
  );
}
