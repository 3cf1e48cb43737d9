import { Alert, App, Form, Modal, Radio, Select, type ButtonProps } from "antd";
import { useEffect } from "react";
import { useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { syncModeLabel } from "../../lib/opsLabels";
import { useRunSync, useSyncStreams } from "../../lib/opsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { ExternalSystem, SyncMode } from "../../types";

type Values = { system_id: string; stream: string; mode: SyncMode };

/**
 * "Run now": pick a system, one of its streams and full or incremental. The modal closes at
 * once; the task's progress shows in the list through live updates, and the outcome as a
 * message when the sync ends.
 */
export function RunSyncModal({
  open,
  systems,
  onClose,
}: {
  open: boolean;
  systems: readonly ExternalSystem[];
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<Values>();
  const systemId: string | null = Form.useWatch("system_id", form) ?? null;
  const streamName = Form.useWatch("stream", form);
  const streams = useSyncStreams(open ? systemId : null);
  const runSync = useRunSync();
  const stream = streams.data?.find((s) => s.name === streamName);
  const modes = stream?.modes ?? (["full", "incremental"] as SyncMode[]);

  useEffect(() => {
    if (!open) form.resetFields();
  }, [open, form]);

  const submit = (v: Values) => {
    const name = systems.find((s) => s.id === v.system_id)?.name ?? v.system_id;
    runSync.mutate(
      { systemId: v.system_id, stream: v.stream, mode: v.mode },
      {
        onSuccess: (row) =>
          message.success(
            t("run.done", {
              name,
              stream: v.stream,
              success: row.task.success_items,
              failed: row.task.failed_items,
            }),
          ),
        onError: notifyError,
      },
    );
    message.info(t("run.started", { name, stream: v.stream }));
    onClose();
  };

  return (
    <Modal
      open={open}
      title={t("run.title")}
      okText={t("run.submit")}
      cancelText={t("run.cancel")}
      okButtonProps={{ "data-testid": "run-submit" } as ButtonProps}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ mode: "incremental" }}
        onFinish={submit}
        // Another system has other streams.
        onValuesChange={(changed: Partial<Values>, all: Partial<Values>) => {
          if ("system_id" in changed) form.setFieldsValue({ stream: undefined });
          // Keep the mode one the chosen stream supports.
          const supported = streams.data?.find((s) => s.name === changed.stream)?.modes;
          if (supported && all.mode && !supported.includes(all.mode)) {
            form.setFieldsValue({ mode: supported[0] });
          }
        }}
        data-testid="run-form"
      >
        <Form.Item name="system_id" label={t("run.system")} rules={[{ required: true, message: t("rule.required") }]}>
          <Select
            showSearch
            optionFilterProp="label"
            style={{ width: 360 }}
            placeholder={t("form.select_placeholder")}
            options={systems.map((s) => ({ value: s.id, label: s.name }))}
            data-testid="run-system"
          />
        </Form.Item>
        {streams.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            message={describeError(streams.error, t).text}
          />
        )}
        {streams.data?.length === 0 && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t("run.no_streams")} />
        )}
        <Form.Item name="stream" label={t("run.stream")} rules={[{ required: true, message: t("rule.required") }]}>
          <Select
            style={{ width: 360 }}
            placeholder={t("form.select_placeholder")}
            loading={streams.isFetching}
            disabled={systemId === null}
            options={(streams.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
            data-testid="run-stream"
          />
        </Form.Item>
        <Form.Item name="mode" label={t("run.mode")} rules={[{ required: true, message: t("rule.required") }]}>
          <Radio.Group data-testid="run-mode">
            {modes.map((m) => (
              <Radio key={m} value={m} data-testid={`run-mode-${m}`}>
                {syncModeLabel(t, m)}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
