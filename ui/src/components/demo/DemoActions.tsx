import { ExperimentOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space, type ButtonProps } from "antd";
import { useT } from "../../i18n";
import { useRemoveDemo, useStartDemo } from "../../lib/demoQueries";
import { usePermissions } from "../../lib/queries";
import { useErrorNotice } from "../../lib/useErrorNotice";

/**
 * Start (or resume) and remove the demo, each shown only with its permission
 * (systems_create, systems_delete); the core checks them again.
 */
export function DemoActions({
  showStart,
  startLabel,
  size,
}: {
  showStart: boolean;
  startLabel: string;
  size?: "small" | "middle";
}) {
  const t = useT();
  const { message } = App.useApp();
  const notifyError = useErrorNotice();
  const perms = usePermissions();
  const start = useStartDemo();
  const remove = useRemoveDemo();
  const canStart = perms.data?.has("systems_create") ?? false;
  const canRemove = perms.data?.has("systems_delete") ?? false;

  return (
    <Space wrap>
      {showStart && canStart && (
        <Button
          type="primary"
          size={size}
          icon={<ExperimentOutlined />}
          loading={start.isPending}
          data-testid="demo-start"
          onClick={() =>
            start.mutate(undefined, {
              onSuccess: (s) => void message.success(t("demo.started", { secs: s.push_every_secs })),
              onError: (e) => notifyError(e),
            })
          }
        >
          {startLabel}
        </Button>
      )}
      {!showStart && canRemove && (
        <Popconfirm
          title={t("demo.remove_title")}
          description={t("demo.remove_desc")}
          okText={t("demo.remove_ok")}
          cancelText={t("demo.cancel")}
          okButtonProps={{ danger: true, "data-testid": "demo-remove-ok" } as ButtonProps}
          onConfirm={() =>
            remove.mutateAsync().then(
              (r) => void message.success(t("demo.removed", { n: r.systems })),
              (e: unknown) => notifyError(e),
            )
          }
        >
          <Button danger size={size} loading={remove.isPending} data-testid="demo-remove">
            {t("demo.remove")}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
