import { App, Button, Drawer, Form, Space } from "antd";
import { useState } from "react";
import { useT } from "../i18n";
import { appErrorOf, mapFieldErrors, systemFieldMapper, toAntdFields } from "../lib/errors";
import { useCreateSystem, useUpdateSystem } from "../lib/queries";
import {
  emptyFormValues,
  formValuesFromSystem,
  isEmptyPatch,
  toNewSystem,
  toPatch,
  type SystemFormValues,
} from "../lib/systemForm";
import { useErrorNotice } from "../lib/useErrorNotice";
import type { ExternalSystem } from "../types";
import { SystemFormFields } from "./SystemFormFields";

/**
 * Add/edit drawer. `system` null = add. The form is destroyed on close, so each opening
 * starts from the record's current values.
 */
export function SystemFormDrawer({
  open,
  system,
  onClose,
}: {
  open: boolean;
  system: ExternalSystem | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      // Editing shows the connector settings (mapping table, preview): it needs the room.
      width={system ? "min(760px, 100vw)" : "min(560px, 100vw)"}
      destroyOnHidden
      title={system ? t("form.edit_title", { name: system.name }) : t("form.add_title")}
    >
      <SystemForm key={system?.id ?? "new"} system={system} onDone={onClose} />
    </Drawer>
  );
}

function SystemForm({ system, onDone }: { system: ExternalSystem | null; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const [form] = Form.useForm<SystemFormValues>();
  const [clearSecrets, setClearSecrets] = useState<string[]>([]);
  const create = useCreateSystem();
  const update = useUpdateSystem();
  const saving = create.isPending || update.isPending;

  const onError = (e: unknown) => {
    const err = appErrorOf(e);
    if (err?.kind === "validation") {
      const mapped = mapFieldErrors(err.errors, systemFieldMapper, t);
      form.setFields(toAntdFields<SystemFormValues>(mapped));
      if (mapped.unmatched.length === 0) return;
    }
    if (err?.kind === "conflict" && err.field) {
      const field = systemFieldMapper(err.field) as keyof SystemFormValues | null;
      if (field) {
        const text =
          err.field === "name" ? t("error.conflict_name") : t("error.conflict", { message: err.message });
        form.setFields([{ name: field, errors: [text] }]);
        return;
      }
    }
    notifyError(e);
  };

  const onFinish = (values: SystemFormValues) => {
    if (!system) {
      create.mutate(toNewSystem(values), {
        onSuccess: (s) => {
          message.success(t("form.created", { name: s.name }));
          onDone();
        },
        onError,
      });
      return;
    }
    const patch = toPatch(system, values, clearSecrets);
    if (isEmptyPatch(patch)) {
      message.info(t("form.nothing_changed"));
      onDone();
      return;
    }
    update.mutate(
      { id: system.id, patch },
      {
        onSuccess: (s) => {
          message.success(t("form.updated", { name: s.name }));
          onDone();
        },
        onError,
      },
    );
  };

  return (
    <Form<SystemFormValues>
      form={form}
      layout="vertical"
      data-testid="system-form"
      initialValues={system ? formValuesFromSystem(system) : emptyFormValues()}
      onFinish={onFinish}
      scrollToFirstError
    >
      <SystemFormFields
        editing={system}
        clearSecrets={clearSecrets}
        onToggleClear={(name) =>
          setClearSecrets((prev) =>
            prev.includes(name) ? prev.filter((n) => n !== name) : [...prev, name],
          )
        }
      />
      <Form.Item style={{ marginBottom: 0 }}>
        <Space>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="system-form-submit">
            {t("form.submit")}
          </Button>
          <Button onClick={onDone} data-testid="system-form-cancel">
            {t("form.cancel")}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
