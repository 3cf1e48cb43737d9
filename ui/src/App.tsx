import { Button, Result, Spin } from "antd";
import { AppLayout } from "./components/AppLayout";
import { useT } from "./i18n";
import { describeError } from "./lib/errors";
import { useAppStatus } from "./lib/queries";
import { FirstRunPage } from "./pages/FirstRunPage";
import { LoginPage } from "./pages/LoginPage";
import { SystemsPage } from "./pages/SystemsPage";

/** Startup gate: first-run admin creation, then login, then the back office. */
export function App() {
  const t = useT();
  const status = useAppStatus();

  if (status.isPending) {
    return (
      <div className="sl-center">
        <Spin size="large" tip={t("app.loading")}>
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    );
  }
  if (status.isError) {
    const { text, detail } = describeError(status.error, t);
    return (
      <div className="sl-center">
        <Result
          status="error"
          title={t("app.core_unreachable")}
          subTitle={detail ? `${text} ${detail}` : text}
          extra={
            <Button type="primary" onClick={() => status.refetch()}>
              {t("app.retry")}
            </Button>
          }
        />
      </div>
    );
  }

  const { needs_admin, current_user } = status.data;
  if (needs_admin) return <FirstRunPage />;
  if (!current_user) return <LoginPage />;
  return (
    <AppLayout user={current_user} version={status.data.version} dataDir={status.data.data_dir}>
      <SystemsPage />
    </AppLayout>
  );
}
