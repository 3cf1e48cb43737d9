import { Alert, App, Button, Drawer, Popconfirm, Space, Typography, type ButtonProps } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useLang, useT } from "../../i18n";
import { compareRows, defaultChoices } from "../../lib/conflictView";
import { formatTime } from "../../lib/labels";
import { useResolveConflict } from "../../lib/opsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { Conflict, ConflictChoice, ConflictSide } from "../../types";
import { ConflictCompare } from "./ConflictCompare";

/**
 * One conflict compared side by side. An open one, for a person who may resolve it:
 * keep local, take the vendor's, or resolve with a choice per differing field.
 */
export function ConflictDrawer({
  conflict,
  canResolve,
  onClose,
}: {
  conflict: Conflict | null;
  canResolve: boolean;
  onClose: () => void;
}) {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const resolve = useResolveConflict();
  const [choices, setChoices] = useState<Record<string, ConflictSide>>({});
  useEffect(() => setChoices(conflict ? defaultChoices(conflict) : {}), [conflict]);
  const rows = useMemo(() => (conflict ? compareRows(conflict) : []), [conflict]);
  const open = conflict?.status === "open" && canResolve;

  const settle = (choice: ConflictChoice) => {
    if (!conflict) return;
    resolve.mutate(
      { conflict, choice },
      {
        onSuccess: () => {
          message.success(t("conflicts.resolved_msg"));
          onClose();
        },
        onError: notifyError,
      },
    );
  };

  const at = (iso: string | null) => (iso ? t("conflicts.changed_at", { at: formatTime(iso, lang) }) : "");

  return (
    <Drawer
      open={conflict !== null}
      width={860}
      title={conflict ? t("conflicts.drawer_title", { record: conflict.record_key }) : ""}
      onClose={onClose}
      destroyOnHidden
      extra={
        open && (
          <Space>
            <Popconfirm
              title={t("conflicts.keep_local_confirm")}
              okText={t("ops.confirm")}
              cancelText={t("ops.back")}
              okButtonProps={{ "data-testid": "confirm-keep-local" } as ButtonProps}
              onConfirm={() => settle({ choice: "keep_local" })}
            >
              <Button data-testid="keep-local" loading={resolve.isPending}>
                {t("conflicts.keep_local")}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={t("conflicts.take_remote_confirm")}
              okText={t("ops.confirm")}
              cancelText={t("ops.back")}
              okButtonProps={{ "data-testid": "confirm-take-remote" } as ButtonProps}
              onConfirm={() => settle({ choice: "take_remote" })}
            >
              <Button data-testid="take-remote" loading={resolve.isPending}>
                {t("conflicts.take_remote")}
              </Button>
            </Popconfirm>
            <Button
              type="primary"
              data-testid="resolve-per-field"
              loading={resolve.isPending}
              onClick={() => settle({ choice: "per_field", fields: choices })}
            >
              {t("conflicts.per_field")}
            </Button>
          </Space>
        )
      }
    >
      {conflict && (
        <Space direction="vertical" style={{ width: "100%" }} size="middle">
          {conflict.status === "resolved" && (
            <Alert
              type="success"
              showIcon
              message={t("conflicts.resolved_info", {
                by: conflict.resolved_by ?? "—",
                at: formatTime(conflict.resolved_at, lang),
              })}
            />
          )}
          <Space size="large" wrap>
            <Typography.Text type="secondary">
              {t("conflicts.local")} {at(conflict.target_updated_at)}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t("conflicts.remote")} {at(conflict.source_updated_at)}
            </Typography.Text>
          </Space>
          <ConflictCompare
            rows={rows}
            choices={open ? choices : undefined}
            onChoose={(path, side) => setChoices((c) => ({ ...c, [path]: side }))}
          />
        </Space>
      )}
    </Drawer>
  );
}
