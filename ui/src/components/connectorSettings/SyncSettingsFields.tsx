import { Form, InputNumber, Select, Space, Typography } from "antd";
import { useT } from "../../i18n";
import type { ConflictStrategy, PacingLimits } from "../../types";
import { numberKey, textKey, withKey } from "./configDoc";
import { strategyHint, strategyLabel } from "./labels";
import { useConfigDoc } from "./useConfigDoc";

/**
 * Seed 004 §7.3's conflict strategy and the engine's pacing (`rate_limit_per_second`,
 * `lookback_seconds`), written into `config`. Empty means the default; the core checks
 * the ranges again on save.
 */
export function SyncSettingsFields({
  strategies,
  pacing,
}: {
  strategies: ConflictStrategy[];
  pacing: PacingLimits;
}) {
  const t = useT();
  const { config, update } = useConfigDoc();
  const disabled = config === null;
  const strategy = textKey(config, "conflict_strategy");

  const setNumber = (key: string) => (v: number | null) =>
    update((c) => withKey(c, key, v === null ? undefined : Math.round(v)));

  return (
    <>
      <Form.Item
        label={t("cs.conflict_strategy")}
        extra={strategy ? strategyHint(t, strategy) : t("cs.conflict_default")}
      >
        <Select
          data-testid="field-conflict-strategy"
          allowClear
          virtual={false}
          disabled={disabled}
          placeholder={strategyLabel(t, "manual")}
          value={strategy || undefined}
          onChange={(v: string | undefined) => update((c) => withKey(c, "conflict_strategy", v))}
          options={strategies.map((s) => ({ value: s, label: strategyLabel(t, s) }))}
          optionRender={(opt) => (
            <span data-testid={`strategy-option-${String(opt.value)}`}>{opt.label}</span>
          )}
          style={{ maxWidth: 320 }}
        />
      </Form.Item>
      <Space size="large" align="start" wrap>
        <Form.Item
          label={t("cs.rate_limit")}
          extra={t("cs.rate_limit_hint", { min: pacing.rate_limit_min, max: pacing.rate_limit_max })}
        >
          <InputNumber
            data-testid="field-rate-limit"
            min={pacing.rate_limit_min}
            max={pacing.rate_limit_max}
            precision={0}
            disabled={disabled}
            placeholder={t("cs.default_value", { value: pacing.rate_limit_default })}
            value={numberKey(config, "rate_limit_per_second")}
            onChange={setNumber("rate_limit_per_second")}
            suffix={t("cs.per_second")}
            style={{ width: 200 }}
          />
        </Form.Item>
        <Form.Item
          label={t("cs.lookback")}
          extra={t("cs.lookback_hint", { max: pacing.lookback_max })}
        >
          <InputNumber
            data-testid="field-lookback"
            min={pacing.lookback_min}
            max={pacing.lookback_max}
            precision={0}
            disabled={disabled}
            placeholder={t("cs.default_short")}
            value={numberKey(config, "lookback_seconds")}
            onChange={setNumber("lookback_seconds")}
            suffix={t("cs.seconds")}
            style={{ width: 200 }}
          />
        </Form.Item>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t("cs.saved_with_form")}
      </Typography.Paragraph>
    </>
  );
}
