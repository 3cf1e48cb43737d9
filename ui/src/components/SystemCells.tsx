import { Tag, Tooltip, Typography } from "antd";
import { useLang, useT } from "../i18n";
import { errorClassLabel } from "../lib/errors";
import { formatTime, STATUS_COLORS, statusLabel } from "../lib/labels";
import type { ExternalSystem } from "../types";

export function StatusTag({ system }: { system: ExternalSystem }) {
  const t = useT();
  return (
    <Tag color={STATUS_COLORS[system.status] ?? "default"} data-testid={`status-${system.name}`}>
      {statusLabel(t, system.status)}
    </Tag>
  );
}

/** Latency of the last successful test, or the translated error class of the last failure. */
export function LastTestCell({ system }: { system: ExternalSystem }) {
  const t = useT();
  const { lang } = useLang();
  if (!system.last_test_at) {
    return <Typography.Text type="secondary">{t("systems.never_tested")}</Typography.Text>;
  }
  const when = t("systems.tested_at", { at: formatTime(system.last_test_at, lang) });
  if (system.last_test_error_class) {
    const tip = system.last_test_message ? `${system.last_test_message} · ${when}` : when;
    return (
      <Tooltip title={tip}>
        <Typography.Text type="danger" data-testid={`last-test-${system.name}`}>
          {errorClassLabel(system.last_test_error_class, t)}
        </Typography.Text>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={when}>
      <Typography.Text type="success" data-testid={`last-test-${system.name}`}>
        {system.last_test_latency_ms !== null
          ? t("systems.latency", { ms: system.last_test_latency_ms })
          : "—"}
      </Typography.Text>
    </Tooltip>
  );
}
