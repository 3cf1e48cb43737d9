import { Alert, Input, Modal, Result, Space, Typography, type ButtonProps } from "antd";
import { useState } from "react";
import { useT } from "../../i18n";
import { useRestoreBackup } from "../../lib/settingsQueries";
import { useErrorNotice } from "../../lib/useErrorNotice";
import type { BackupInfo, RestoreReport } from "../../types";

/**
 * 从备份恢复, confirmed by typing the backup's name. The core checks the file before it
 * changes anything and refuses a damaged one with the reason; after a restore the app
 * restarts on the restored data, so this only says so.
 */
export function RestoreModal({ backup, onClose }: { backup: BackupInfo | null; onClose: () => void }) {
  const t = useT();
  const notifyError = useErrorNotice();
  const restore = useRestoreBackup();
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState<RestoreReport | null>(null);
  const name = backup?.name ?? "";

  const close = () => {
    if (restore.isPending || done) return;
    setTyped("");
    onClose();
  };

  return (
    <Modal
      open={backup !== null}
      title={t("backups.restore_title", { name })}
      onCancel={close}
      closable={!done}
      maskClosable={false}
      okText={t("backups.restore_ok")}
      cancelText={t("backups.restore_cancel")}
      okButtonProps={
        {
          danger: true,
          disabled: typed.trim() !== name || done !== null,
          loading: restore.isPending,
          "data-testid": "backup-restore-ok",
        } as ButtonProps
      }
      cancelButtonProps={{ disabled: restore.isPending || done !== null }}
      onOk={() =>
        restore.mutate(name, {
          onSuccess: setDone,
          onError: (e) => notifyError(e),
        })
      }
      destroyOnHidden
    >
      {done ? (
        <div data-testid="backup-restored">
          <Result status="success" title={t("backups.restored", { name: done.restored_from })} />
        </div>
      ) : (
        <Space direction="vertical" size={12} style={{ width: "100%" }}>
          <Alert type="warning" showIcon message={t("backups.restore_warning")} />
          <Typography.Text>{t("backups.restore_confirm")}</Typography.Text>
          <Typography.Text code copyable>
            {name}
          </Typography.Text>
          <Input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="backup-restore-confirm"
            autoComplete="off"
          />
        </Space>
      )}
    </Modal>
  );
}
