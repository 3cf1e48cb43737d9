import { Alert, Space, Tag } from "antd";
import { useT } from "../../i18n";
import { useDemoStatus } from "../../lib/demoQueries";
import { DemoActions } from "./DemoActions";

/**
 * Above every page while demo data is in the app: what it is, whether the simulators run,
 * and the way out. Nothing shows without a demo (or outside the desktop shell).
 */
export function DemoBanner() {
  const t = useT();
  const status = useDemoStatus(true);
  const demo = status.data;
  if (!demo || demo.systems.length === 0) return null;
  const text = demo.running
    ? t("demo.banner_running", { secs: demo.push_every_secs, n: demo.pushed })
    : t("demo.banner_paused");
  return (
    <Alert
      type={demo.running ? "info" : "warning"}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="demo-banner"
      data-running={demo.running ? "true" : "false"}
      message={
        <Space wrap>
          <Tag color="orange" data-testid="demo-tag">
            {t("demo.tag")}
          </Tag>
          <span>{text}</span>
          {demo.running && demo.terminal_error && (
            <span data-testid="demo-terminal-error">
              {t("demo.terminal_error", { message: demo.terminal_error })}
            </span>
          )}
        </Space>
      }
      action={
        <Space>
          {!demo.running && <DemoActions showStart startLabel={t("demo.resume")} size="small" />}
          <DemoActions showStart={false} startLabel="" size="small" />
        </Space>
      }
    />
  );
}
