import { Alert, App, Form, InputNumber, Modal, Spin, Switch, Typography } from "antd";
import { useEffect } from "react";
import { useT, type TKey } from "../../i18n";
import { useNotificationPrefs, useSaveNotificationPrefs } from "../../lib/desktopNotifications";
import { usePermissions } from "../../lib/queries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import {
  NOTIFY_DEDUP_MINUTES_MAX,
  NOTIFY_DEDUP_MINUTES_MIN,
  type NotificationKind,
  type NotificationPrefs,
} from "../../types";

/** One switch per kind, in the order the bell lists them. */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  "sync_failed",
  "outbox_dead",
  "health_drop",
  "reservation_created",
  "reservation_cancelled",
];

export const kindLabel = (kind: NotificationKind): TKey => `notify.kind.${kind}`;

/**
 * Which events pop up a desktop notification, and the deduplication window. Everyone may
 * look; only roles with `notifications_manage` may change them (the core checks it too).
 */
export function NotificationPrefsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const perms = usePermissions();
  const canEdit = perms.data?.has("notifications_manage") ?? false;
  const prefs = useNotificationPrefs(open);
  const save = useSaveNotificationPrefs();
  const [form] = Form.useForm<NotificationPrefs>();

  useEffect(() => {
    if (open && prefs.data) form.setFieldsValue(prefs.data);
  }, [open, prefs.data, form]);

  const submit = () =>
    form.validateFields().then((values) =>
      save.mutate(values, {
        onSuccess: () => {
          message.success(t("notify.prefs_saved"));
          onClose();
        },
        onError: notifyError,
      }),
    );

  return (
    <Modal
      open={open}
      title={t("notify.prefs_title")}
      onCancel={onClose}
      onOk={submit}
      okText={t("notify.prefs_save")}
      cancelText={t("notify.prefs_cancel")}
      okButtonProps={{ loading: save.isPending, "data-testid": "notify-prefs-save" }}
      // Without the right to change them, only a way out.
      footer={canEdit ? undefined : (_, { CancelBtn }) => <CancelBtn />}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t("notify.prefs_desc")}</Typography.Paragraph>
      {!canEdit && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t("notify.prefs_read_only")} />
      )}
      {prefs.isPending ? (
        <Spin />
      ) : (
        <Form form={form} layout="horizontal" labelCol={{ span: 12 }} disabled={!canEdit}>
          {NOTIFICATION_KINDS.map((kind) => (
            <Form.Item key={kind} name={kind} label={t(kindLabel(kind))} valuePropName="checked">
              <Switch data-testid={`notify-pref-${kind}`} />
            </Form.Item>
          ))}
          <Form.Item
            name="dedup_minutes"
            label={t("notify.prefs_dedup")}
            rules={[
              {
                required: true,
                type: "number",
                min: NOTIFY_DEDUP_MINUTES_MIN,
                max: NOTIFY_DEDUP_MINUTES_MAX,
                message: t("rule.out_of_range", {
                  min: NOTIFY_DEDUP_MINUTES_MIN,
                  max: NOTIFY_DEDUP_MINUTES_MAX,
                }),
              },
            ]}
          >
            <InputNumber
              min={NOTIFY_DEDUP_MINUTES_MIN}
              max={NOTIFY_DEDUP_MINUTES_MAX}
              precision={0}
              data-testid="notify-pref-dedup"
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
