import { Alert, Button, Form, Input, Modal, Progress, Radio, Result, Space, Typography } from "antd";
import { useEffect } from "react";
import { useLang, useT } from "../../i18n";
import { describeError } from "../../lib/errors";
import { useExportFolder, useExportRun } from "../../lib/recordQueries";
import type { ExportFormat, RecordFilter } from "../../types";

type FormValues = { format: ExportFormat; folder: string; file_name: string };

/** `pos_transactions_20251120_183005`: unique enough that a new export never collides. */
function defaultName(stem: string): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}`;
  return `${stem}_${day}_${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

function percent(written: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((written * 100) / total)) : 0;
}

/**
 * The export form (format, folder, file name), then its progress bar with a cancel, then
 * the outcome. The core writes the file; the folder is typed (no native save dialog).
 */
export function ExportModal({
  open,
  filter,
  fileStem,
  onClose,
}: {
  open: boolean;
  filter: RecordFilter;
  fileStem: string;
  onClose: () => void;
}) {
  const t = useT();
  const { lang } = useLang();
  const [form] = Form.useForm<FormValues>();
  const folder = useExportFolder(open);
  const { mutation, progress, cancel, reset } = useExportRun();

  useEffect(() => {
    if (open) form.setFieldsValue({ format: "xlsx", file_name: defaultName(fileStem) });
  }, [open, fileStem, form]);
  useEffect(() => {
    if (folder.data && !form.getFieldValue("folder")) form.setFieldsValue({ folder: folder.data });
  }, [folder.data, form]);

  const close = () => {
    if (mutation.isPending) return;
    reset();
    onClose();
  };
  const start = (v: FormValues) =>
    mutation.mutate({
      filter,
      options: { format: v.format, language: lang === "zh" ? "zh" : "en" },
      destination: { folder: v.folder, file_name: v.file_name },
    });

  const idle = !mutation.isPending && !mutation.isSuccess;
  let outcome = null;
  if (mutation.isPending) {
    const { written, total } = progress ?? { written: 0, total: 0 };
    outcome = (
      <Space direction="vertical" style={{ width: "100%" }} data-testid="export-running">
        <Progress percent={percent(written, total)} status="active" data-testid="export-progress" />
        <Typography.Text type="secondary">{t("export.progress", { written, total })}</Typography.Text>
        <Button danger onClick={cancel} data-testid="export-cancel">
          {t("export.cancel")}
        </Button>
      </Space>
    );
  } else if (mutation.isSuccess && mutation.data.status === "completed") {
    outcome = (
      <div data-testid="export-done">
        <Result
          status="success"
          title={t("export.done", { rows: mutation.data.rows })}
          subTitle={t("export.saved_to", { path: mutation.data.path ?? "" })}
        />
      </div>
    );
  } else if (mutation.isSuccess) {
    outcome = <Alert type="warning" showIcon message={t("export.cancelled")} data-testid="export-cancelled" />;
  }

  return (
    <Modal
      open={open}
      title={t("export.title")}
      onCancel={close}
      closable={!mutation.isPending}
      maskClosable={false}
      forceRender
      footer={
        idle ? (
          <Button type="primary" onClick={() => form.submit()} data-testid="export-start">
            {t("export.start")}
          </Button>
        ) : mutation.isPending ? null : (
          <Button onClick={close} data-testid="export-close">
            {t("export.close")}
          </Button>
        )
      }
    >
      {outcome}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={start}
        style={idle ? undefined : { display: "none" }}
        data-testid="export-form"
      >
        <Typography.Paragraph type="secondary">{t("export.hint")}</Typography.Paragraph>
        {mutation.isError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            message={t("export.failed")}
            description={describeError(mutation.error, t).text}
            data-testid="export-error"
          />
        )}
        <Form.Item name="format" label={t("export.format")}>
          <Radio.Group data-testid="export-format">
            <Radio value="xlsx">{t("export.format_xlsx")}</Radio>
            <Radio value="csv">{t("export.format_csv")}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="folder"
          label={t("export.folder")}
          extra={t("export.folder_hint")}
          rules={[{ required: true, message: t("rule.required") }]}
        >
          <Input data-testid="export-folder" />
        </Form.Item>
        <Form.Item
          name="file_name"
          label={t("export.file_name")}
          rules={[{ required: true, message: t("rule.required") }]}
        >
          <Input data-testid="export-file-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
