import { Alert } from "antd";
import { useT } from "../../i18n";
import type { DashboardSummary } from "../../types";

/** Shown while a vendor or the network is unreachable, with the changes waiting to be sent. */
export function OfflineBanner({ summary }: { summary: DashboardSummary }) {
  const t = useT();
  const { offline } = summary;
  if (!offline.offline) return null;
  const names = summary.systems
    .filter((c) => offline.systems.includes(c.system_id))
    .map((c) => c.name)
    .join(t("list.sep"));
  return (
    <Alert
      type="error"
      showIcon
      data-testid="offline-banner"
      style={{ marginBottom: 16 }}
      message={t("dashboard.offline_title", { count: offline.systems.length })}
      description={t("dashboard.offline_desc", { names, waiting: offline.outbox_waiting })}
    />
  );
}
