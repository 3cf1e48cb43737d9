import { Form, Input, Radio } from "antd";
import { useEffect, useState, type ReactNode } from "react";
import { useT } from "../../i18n";
import { textKey, withKey } from "./configDoc";
import { useConfigDoc } from "./useConfigDoc";

const CRON_KEY = "sync_cron";

/**
 * Sync by interval (the form's own `sync_interval` field) or by a cron expression
 * (`config.sync_cron`, which the core prefers when set). Choosing the interval removes the
 * cron expression.
 */
export function ScheduleChoice({ intervalField }: { intervalField: ReactNode }) {
  const t = useT();
  const { config, update } = useConfigDoc();
  const cron = textKey(config, CRON_KEY);
  const [mode, setMode] = useState<"interval" | "cron">(cron.trim() ? "cron" : "interval");
  // An expression typed into the advanced JSON switches the choice too.
  useEffect(() => {
    if (cron.trim()) setMode("cron");
  }, [cron]);

  return (
    <>
      <Form.Item label={t("cs.schedule")}>
        <Radio.Group
          data-testid="schedule-mode"
          optionType="button"
          value={mode}
          disabled={config === null}
          onChange={(e) => {
            const next = e.target.value as "interval" | "cron";
            setMode(next);
            if (next === "interval") update((c) => withKey(c, CRON_KEY, undefined));
          }}
          options={[
            { value: "interval", label: t("cs.schedule_interval") },
            { value: "cron", label: t("cs.schedule_cron") },
          ]}
        />
      </Form.Item>
      {mode === "interval" ? (
        intervalField
      ) : (
        <Form.Item label={t("cs.cron")} extra={t("cs.cron_hint")}>
          <Input
            data-testid="field-sync-cron"
            value={cron}
            placeholder="*/15 * * * *"
            style={{ fontFamily: "monospace", maxWidth: 280 }}
            disabled={config === null}
            onChange={(e) => update((c) => withKey(c, CRON_KEY, e.target.value))}
          />
        </Form.Item>
      )}
    </>
  );
}
