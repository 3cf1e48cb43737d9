import { App, Button, Form, InputNumber, Switch } from "antd";
import { useT } from "../../i18n";
import { appErrorOf, knownFieldMapper, mapFieldErrors, toAntdFields } from "../../lib/errors";
import { useSaveBackupSettings } from "../../lib/settingsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import { BACKUP_INTERVAL_HOURS_MAX, BACKUP_KEEP_MAX, type BackupSettings } from "../../types";

const fieldMapper = knownFieldMapper(["enabled", "interval_hours", "keep"]);

function rangeRule(t: ReturnType<typeof useT>, max: number) {
  return {
    validator: (_: unknown, v: number | null | undefined) =>
      v === null || v === undefined || (v >= 1 && v <= max)
        ? Promise.resolve()
        : Promise.reject(new Error(t("rule.out_of_range", { min: 1, max }))),
  };
}

/** 定时备份: on or off, the interval in hours, how many copies to keep. */
export function BackupSettingsForm({ initial }: { initial: BackupSettings }) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<BackupSettings>();
  const save = useSaveBackupSettings();

  const onFinish = (v: BackupSettings) =>
    save.mutate(
      { enabled: Boolean(v.enabled), interval_hours: v.interval_hours, keep: v.keep },
      {
        onSuccess: () => void message.success(t("backups.saved")),
        onError: (e) => {
          const err = appErrorOf(e);
          if (err?.kind === "validation") {
            const mapped = mapFieldErrors(err.errors, fieldMapper, t);
            form.setFields(toAntdFields<BackupSettings>(mapped));
            if (mapped.unmatched.length === 0) return;
          }
          notifyError(e);
        },
      },
    );

  return (
    <Form<BackupSettings>
      form={form}
      layout="inline"
      initialValues={initial}
      onFinish={onFinish}
      data-testid="backup-settings-form"
      style={{ rowGap: 12 }}
    >
      <Form.Item name="enabled" label={t("backups.enabled")} valuePropName="checked">
        <Switch data-testid="backup-enabled" />
      </Form.Item>
      <Form.Item
        name="interval_hours"
        label={t("backups.interval")}
        rules={[{ required: true, message: t("rule.required") }, rangeRule(t, BACKUP_INTERVAL_HOURS_MAX)]}
      >
        <InputNumber data-testid="backup-interval" precision={0} style={{ width: 110 }} />
      </Form.Item>
      <Form.Item
        name="keep"
        label={t("backups.keep")}
        tooltip={t("backups.keep_hint")}
        rules={[{ required: true, message: t("rule.required") }, rangeRule(t, BACKUP_KEEP_MAX)]}
      >
        <InputNumber data-testid="backup-keep" precision={0} style={{ width: 110 }} />
      </Form.Item>
      <Form.Item>
        <Button htmlType="submit" loading={save.isPending} data-testid="backup-save">
          {t("backups.save")}
        </Button>
      </Form.Item>
    </Form>
  );
}
