import { Button, Result, Spin } from "antd";
import { useState } from "react";
import { AppLayout, type PageKey } from "./components/AppLayout";
import { useT } from "./i18n";
import { describeError } from "./lib/errors";
import { useNotificationEvents, useNotificationLanguage } from "./lib/desktopNotifications";
import { useLiveUpdates, useRefusalAnnouncements } from "./lib/liveUpdates";
import { isHomePage, landingPage, visibleHomePages } from "./lib/homePages";
import { isOpsPage, visibleOpsPages } from "./lib/opsPages";
import { isRecordPage, visibleRecordPages } from "./lib/recordPages";
import { canOpenSettings, useAppStatus, usePermissions } from "./lib/queries";
import { DashboardPage } from "./pages/DashboardPage";
import { FirstRunPage } from "./pages/FirstRunPage";
import { FrontDeskPage } from "./pages/FrontDeskPage";
import { LoginPage } from "./pages/LoginPage";
import { OpsPage } from "./pages/OpsPage";
import { RecordsPage } from "./pages/RecordsPage";
import { SettingsPage } from "./pages/SettingsPage";
import { SystemsPage } from "./pages/SystemsPage";
import type { AppStatus, UserView } from "./types";

/** Startup gate: first-run admin creation, then login, then the back office. */
export function App() {
  const t = useT();
  const status = useAppStatus();
  useNotificationLanguage();
  useRefusalAnnouncements();

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
  // Keyed by user: signing in as someone else starts again on their landing page.
  return <BackOffice key={current_user.id} user={current_user} status={status.data} />;
}

/** The signed-in frame and the page chosen in its side menu. */
function BackOffice({ user, status }: { user: UserView; status: AppStatus }) {
  const perms = usePermissions();
  const [chosen, setChosen] = useState<PageKey>(() => landingPage(user.role));
  const showSettings = canOpenSettings(perms.data);
  const opsPages = visibleOpsPages(perms.data);
  const recordPages = visibleRecordPages(perms.data);
  const homePages = visibleHomePages(perms.data);
  useLiveUpdates();
  useNotificationEvents(setChosen);
  const allowed =
    (chosen !== "settings" || showSettings) &&
    (!isOpsPage(chosen) || opsPages.includes(chosen)) &&
    (!isRecordPage(chosen) || recordPages.includes(chosen)) &&
    // A home page waits for the permissions itself (its frame shows a spinner).
    (!isHomePage(chosen) || perms.data === undefined || homePages.includes(chosen));
  const page: PageKey = allowed ? chosen : "systems";
  return (
    <AppLayout
      user={user}
      version={status.version}
      dataDir={status.data_dir}
      page={page}
      showSettings={showSettings}
      opsPages={opsPages}
      recordPages={recordPages}
      homePages={homePages}
      onNavigate={setChosen}
    >
      {page === "dashboard" ? (
        <DashboardPage />
      ) : page === "front_desk" ? (
        <FrontDeskPage />
      ) : page === "settings" ? (
        <SettingsPage />
      ) : isOpsPage(page) ? (
        <OpsPage page={page} />
      ) : isRecordPage(page) ? (
        <RecordsPage page={page} />
      ) : (
        <SystemsPage />
      )}
    </AppLayout>
  );
}
